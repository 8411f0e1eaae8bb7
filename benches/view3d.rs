//! One 3-D frame of the saddle lesson at 1280 × 800 on a 128² mesh, 8 optimizers × 16 start
//! points × 2000 steps, every trajectory drawn in full (issue #12: ≤ 8 ms). Three cases: a
//! playback frame (the camera still: the lines layer over the cached lit surface gains the new
//! pieces, the heads are drawn over a copy of it), an orbit frame (the camera turns every
//! frame: the surface is rasterised and the runs projected and drawn again) and the app's
//! orbit preview (the same at half the resolution, as the app draws while the camera moves).

#[path = "common/lecture.rs"]
mod lecture;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::field::FieldStyle;
use losscape::figure::simulate_scene;
use losscape::figure::view3d::{DEFAULT_MESH, Marks, Mesh3d, PathRef, Renderer, TrackRef};
use losscape::scene::Camera;
use losscape::sim::critical_points;

fn view3d(c: &mut Criterion) {
    let scene = lecture::lecture_scene();
    let surface = scene.surface.resolve().unwrap();
    let tracks = simulate_scene(&scene, &surface).expect("within the budget");
    assert_eq!(tracks.len(), 8 * 16);
    let style = FieldStyle {
        colormap: scene.view.colormap,
        log_scale: scene.view.log_scale,
        contour_count: scene.view.contours,
    };
    let mesh = Mesh3d::new(&surface, scene.domain(), DEFAULT_MESH, &style).unwrap();
    let critical = critical_points(&surface, &scene.domain());
    let starts: Vec<_> = scene.start_points().collect();
    let refs: Vec<TrackRef<'_>> = tracks
        .iter()
        .map(|t| TrackRef {
            color: t.color,
            path: PathRef::Points(&t.points),
            diverged_at: t.diverged_at,
            whole: false,
        })
        .collect();
    let mut renderer = Renderer::new([27, 27, 27, 255]);
    let mut step = 0usize;
    c.bench_function("view3d playback frame 1280x800 (8x16 runs x 2000 steps)", |b| {
        b.iter(|| {
            // Every frame a new step, as when playing; the last frames draw everything.
            step = if step >= 2000 { 1000 } else { step + 50 };
            let marks = Marks {
                tracks: &refs,
                tracks_id: 1,
                step: Some(step),
                starts: &starts,
                critical: &critical,
                clouds: &[],
            };
            black_box(renderer.render(&mesh, &Camera::default(), 1280, 800, &marks).len())
        });
    });
    for (name, w, h, scale) in [
        ("view3d orbit frame 1280x800 (8x16 runs x 2000 steps)", 1280, 800, 1.0),
        ("view3d orbit preview 640x400 (8x16 runs x 2000 steps)", 640, 400, 0.5),
    ] {
        let mut azimuth = 0.0;
        renderer.scale = scale;
        c.bench_function(name, |b| {
            b.iter(|| {
                azimuth += 1.0;
                let marks = Marks {
                    tracks: &refs,
                    tracks_id: 1,
                    step: None,
                    starts: &starts,
                    critical: &critical,
                    clouds: &[],
                };
                let camera = Camera::new(azimuth, 30.0);
                black_box(renderer.render(&mesh, &camera, w, h, &marks).len())
            });
        });
    }
}

criterion_group!(benches, view3d);
criterion_main!(benches);
