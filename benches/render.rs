//! The lecture figure of `losscape render` (issue #4): rosenbrock, 1200 × 900, 20 contour levels,
//! 8 Adam trajectories of 300 steps — by stage and whole. The side-by-side run against
//! matplotlib (`../shared/bench/mpl_render.py`) times whole processes; this finds where the time
//! goes. Target: the whole `losscape render` process at most 1/10 of matplotlib's.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::figure::svg::{Layers, to_svg};
use losscape::figure::{Canvas, Figure, raster, simulate_scene};
use losscape::scene::{OptimizerEntry, Scene, SurfaceChoice};
use losscape::sim::{Builtin, Domain, OptimizerKind, OptimizerSpec, SurfaceDef, critical_points};

/// The scene of the lecture figure.
pub fn lecture_scene() -> Scene {
    let mut scene = Scene::new(SurfaceChoice::Builtin(Builtin::Rosenbrock));
    scene.domain = Domain::new(-2.0, 2.0, -1.0, 3.0).ok();
    scene.view.log_scale = true;
    scene.view.contours = 20;
    scene.steps = 300;
    scene.starts = vec![
        [-1.5, 2.0],
        [-1.0, -0.5],
        [0.5, 2.5],
        [1.5, -0.5],
        [-0.5, 1.0],
        [1.0, 2.0],
        [-1.8, 0.0],
        [0.0, 3.0],
    ];
    let mut adam = OptimizerEntry::new(OptimizerKind::Adam);
    adam.spec = OptimizerSpec::parse("adam:lr=0.05").expect("valid spec");
    scene.optimizers = vec![adam];
    scene
}

fn render(c: &mut Criterion) {
    let scene = lecture_scene();
    let layout = Canvas::new(1200, 900);
    let mut group = c.benchmark_group("render/rosenbrock-1200x900");
    group.bench_function("figure", |b| b.iter(|| Figure::of_scene(black_box(&scene), layout)));
    let surface = SurfaceDef::Builtin(Builtin::Rosenbrock);
    let domain = scene.domain();
    group.bench_function("figure/critical-points", |b| {
        b.iter(|| critical_points(black_box(&surface), &domain))
    });
    group.bench_function("figure/trajectories", |b| {
        b.iter(|| simulate_scene(black_box(&scene), &surface).expect("within the budget"))
    });
    let fig = Figure::of_scene(&scene, layout).expect("the lecture figure lays out");
    assert_eq!(fig.sheet.tracks.len(), 8);
    group.bench_function("svg", |b| b.iter(|| to_svg(black_box(&fig), None, Layers::ALL)));
    group.bench_function("raster", |b| b.iter(|| raster::render(black_box(&fig), None)));
    let pixmap = raster::render(&fig, None).expect("renders");
    group.bench_function("encode-png", |b| b.iter(|| raster::png_bytes(black_box(&pixmap))));
    group.bench_function("whole-png", |b| {
        b.iter(|| {
            let fig = Figure::of_scene(black_box(&scene), layout).expect("lays out");
            raster::to_png(&fig, None).expect("renders")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3));
    targets = render
}
criterion_main!(benches);
