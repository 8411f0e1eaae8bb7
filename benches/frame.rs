//! One UI frame's CPU work, headless: `Context::run_ui` + tessellation.
//!
//! - the saddle lesson with 8 optimizers × 16 start points × 2000 steps, every trajectory drawn
//!   in full (target ≤ 4 ms median);
//! - a cloud of 10 000 starts × 2 optimizers on the saddle (target ≤ 8 ms), as it stands and
//!   when it must be meshed again (a new cloud frame while playing);
//! - the saddle lesson while a long background job runs (a high-dimension sampling of 10⁶
//!   matrices per n, restarted whenever it ends): the UI thread never waits for it (≤ 8 ms);
//! - the first frame after the runs of a big scene land (10 optimizers × 256 starts × 20 000
//!   steps on Rosenbrock): what arrives is drawn at once, roughly, and refined in the frames that
//!   follow, never stalling one (target ≤ 250 ms; it took seconds when each frame simplified
//!   every run, and a log-loss series asked per point whether every loss was positive).

#[path = "common/lecture.rs"]
mod lecture;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::app::{LosscapeApp, setup_style};
use losscape::scene::{OptimizerEntry, default_scene};
use losscape::sim::OptimizerKind;
use losscape::sim::run::cloud::Cloud;

fn lecture_app() -> LosscapeApp {
    let scene = lecture::lecture_scene();
    let mut app = LosscapeApp::new(scene);
    app.playback.step = 2000;
    app
}

fn cloud_app() -> LosscapeApp {
    let mut scene = default_scene();
    scene.starts.clear();
    scene.optimizers = [OptimizerKind::Gd, OptimizerKind::Adam]
        .into_iter()
        .map(|k| {
            let mut e = OptimizerEntry::new(k);
            let _ = e.spec.set(losscape::sim::Param::Lr, 0.05);
            e
        })
        .collect();
    scene.cloud = Some(Cloud::uniform(10_000, 1));
    let mut app = LosscapeApp::new(scene);
    app.playback.step = 150;
    app
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        ..Default::default()
    }
}

/// Runs frames until the background field and the runs have arrived.
fn warm_up(ctx: &egui::Context, app: &mut LosscapeApp) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let _ = ctx.run_ui(input(), |ui| app.show(ui));
        app.settle();
        if app.field_ready() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(app.field_ready(), "the field arrived");
}

/// Benchmarks one frame of `app` (its warm-up done) under `name`.
fn bench_frame(c: &mut Criterion, name: &str, ctx: &egui::Context, app: &mut LosscapeApp) {
    c.bench_function(name, |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(), |ui| app.show(ui));
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            black_box(primitives)
        })
    });
}

fn frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    setup_style(&ctx);
    let mut app = lecture_app();
    warm_up(&ctx, &mut app);
    assert_eq!(app.runs.len(), 8 * 16, "every run is cached");
    bench_frame(c, "frame/saddle 8x16x2000", &ctx, &mut app);

    let ctx = egui::Context::default();
    setup_style(&ctx);
    let mut app = cloud_app();
    warm_up(&ctx, &mut app);
    assert_eq!(app.cloud.len(), 10_000);
    assert_eq!(app.cloud.shown_step(), Some(150), "the cloud's frame arrived");
    bench_frame(c, "frame/cloud 10000x2", &ctx, &mut app);
    // The same frame when the cloud must be meshed again (as when its next frame arrives while
    // playing): a colour that changes every frame.
    c.bench_function("frame/cloud 10000x2, meshed every frame", |b| {
        let colors = [losscape::scene::Rgb([255, 64, 64]), losscape::scene::Rgb([250, 60, 60])];
        let mut k = 0;
        b.iter(|| {
            k += 1;
            app.scene.optimizers[0].color = colors[k % 2];
            let output = ctx.run_ui(input(), |ui| app.show(ui));
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            black_box(primitives)
        })
    });

    let ctx = egui::Context::default();
    setup_style(&ctx);
    let mut app = lecture_app();
    warm_up(&ctx, &mut app);
    app.apply(losscape::app::Command::Open(losscape::app::Panel::HighDim));
    c.bench_function("frame/saddle while sampling in the background", |b| {
        b.iter(|| {
            // A new seed whenever a sampling may have ended keeps a long job running.
            let highdim = &mut app.panels.highdim;
            highdim.seed = highdim.seed.wrapping_add(u64::from(highdim.busy()) ^ 1);
            let output = ctx.run_ui(input(), |ui| app.show(ui));
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            black_box(primitives)
        })
    });
}

/// 10 optimizers × 256 starts × 20 000 steps on Rosenbrock.
fn big_scene() -> losscape::scene::Scene {
    let mut scene = default_scene();
    scene.surface = losscape::scene::SurfaceChoice::Builtin(losscape::sim::Builtin::Rosenbrock);
    scene.optimizers =
        OptimizerKind::ALL.iter().take(10).map(|&k| OptimizerEntry::new(k)).collect();
    scene.starts = (0..256)
        .map(|i| {
            let t = f64::from(i) / 256.0 * std::f64::consts::TAU;
            [1.5 * t.cos(), 1.0 + 1.5 * t.sin()]
        })
        .collect();
    scene.steps = 20_000;
    scene
}

fn handover(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(10);
    group.bench_function("first frame after 10x256x20000 runs land", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let ctx = egui::Context::default();
                setup_style(&ctx);
                let mut app = LosscapeApp::new(big_scene());
                let _ = ctx.run_ui(input(), |ui| app.show(ui));
                // The runs computed and taken in, outside the frame measured.
                app.settle();
                assert_eq!(app.runs.len(), 2560);
                let t = Instant::now();
                let output = ctx.run_ui(input(), |ui| app.show(ui));
                black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
                total += t.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group! {
    name = handovers;
    config = Criterion::default().measurement_time(Duration::from_secs(20));
    targets = handover
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(5));
    targets = frame
}
criterion_main!(benches, handovers);
