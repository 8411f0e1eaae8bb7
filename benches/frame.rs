//! One UI frame's CPU work, headless: `Context::run_ui` + tessellation, on the saddle lesson
//! with 8 optimizers × 16 start points × 2000 steps, every trajectory drawn in full.
//! Target (issue #3): ≤ 4 ms median.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::app::{LosscapeApp, setup_style};
use losscape::scene::{OptimizerEntry, default_scene};
use losscape::sim::OptimizerKind;

fn lecture_app() -> LosscapeApp {
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
    let mut app = LosscapeApp::new(scene);
    app.playback.step = 2000;
    app
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        ..Default::default()
    }
}

fn frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    setup_style(&ctx);
    let mut app = lecture_app();
    // Warm up: compute the runs, and wait for the background field of this view.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let _ = ctx.run_ui(input(), |ui| app.show(ui));
        if app.field_ready() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(app.field_ready(), "the field arrived");
    assert_eq!(app.runs.len(), 8 * 16, "every run is cached");

    c.bench_function("frame/saddle 8x16x2000", |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(), |ui| app.show(ui));
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            black_box(primitives)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(5));
    targets = frame
}
criterion_main!(benches);
