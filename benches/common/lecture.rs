//! The scene the frame benchmarks share: the saddle lesson with 8 optimizers × 16 start points
//! on a circle × 2000 steps.

use losscape::scene::{OptimizerEntry, Scene, default_scene};
use losscape::sim::OptimizerKind;

/// The saddle lesson, 8 optimizers × 16 starts × 2000 steps.
pub fn lecture_scene() -> Scene {
    let mut scene = default_scene();
    let kinds = [
        OptimizerKind::Gd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::Rmsprop,
        OptimizerKind::Adam,
        OptimizerKind::Nadam,
        OptimizerKind::Newton,
        OptimizerKind::Sfn,
    ];
    scene.optimizers = kinds.into_iter().map(OptimizerEntry::new).collect();
    scene.starts = (0..16)
        .map(|i| {
            let t = f64::from(i) / 16.0 * std::f64::consts::TAU;
            [1.7 * t.cos(), 1.7 * t.sin()]
        })
        .collect();
    scene.steps = 2000;
    scene
}
