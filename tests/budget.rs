//! Never frozen, never out of memory: the runs of a scene are computed in the background and
//! stored within a budget; scenes and clouds that ask too much are refused with what to lower;
//! `render` obeys the same budget and draws clouds.

mod common;

use std::process::Command;

use losscape::app::{Command as AppCommand, LosscapeApp};
use losscape::budget::{TRAJECTORY_BYTES, plan_scene};
use losscape::scene::{OptimizerEntry, PRESETS, Scene, default_scene};
use losscape::sim::run::cloud::{Cloud, CloudShape};
use losscape::sim::{
    Builtin, Noise, OptimizerKind, OptimizerSpec, Point, SurfaceDef, simulate,
    simulate_many_thinned,
};

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("losscape-budget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The scene a new user tried: 10 optimizers × 256 starts × 20 000 steps.
fn huge_scene() -> Scene {
    let mut scene = default_scene();
    scene.optimizers = OptimizerKind::ALL.into_iter().take(10).map(OptimizerEntry::new).collect();
    scene.starts = (0..256)
        .map(|i| {
            let t = f64::from(i) / 256.0 * std::f64::consts::TAU;
            [1.8 * t.cos(), 1.8 * t.sin()]
        })
        .collect();
    scene.steps = 20_000;
    scene
}

#[test]
fn thinned_runs_keep_exactly_the_points_of_the_full_run() {
    let surface = SurfaceDef::Builtin(Builtin::Rosenbrock);
    let starts = [Point::new(-1.5, 2.0), Point::new(0.3, -0.5), Point::new(1.9, 2.9)];
    for spec in ["adam:lr=0.02", "momentum:lr=0.001", "gd:lr=0.004", "newton"] {
        let spec: OptimizerSpec = spec.parse().unwrap();
        for stride in [1, 4, 7] {
            let thinned =
                simulate_many_thinned(&surface, &spec, &starts, 1000, Noise::NONE, stride);
            for (s, t) in starts.iter().zip(&thinned) {
                let full = simulate(&surface, &spec, *s, 1000, Noise::NONE);
                assert_eq!(t.diverged_at, full.diverged_at, "{spec} stride {stride}");
                let expected: Vec<_> = full
                    .points
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| k % stride == 0 || k + 1 == full.points.len())
                    .map(|(_, p)| *p)
                    .collect();
                assert_eq!(t.points, expected, "{spec} stride {stride} from {s}");
            }
        }
    }
}

#[test]
fn a_diverging_thinned_run_keeps_its_last_finite_point() {
    let surface = SurfaceDef::Builtin(Builtin::Rosenbrock);
    let spec: OptimizerSpec = "gd:lr=0.01".parse().unwrap();
    let start = [Point::new(-1.9, 2.5)];
    let full = simulate(&surface, &spec, start[0], 500, Noise::NONE);
    assert!(full.diverged(), "this run diverges");
    let thinned = simulate_many_thinned(&surface, &spec, &start, 500, Noise::NONE, 8);
    assert_eq!(thinned[0].diverged_at, full.diverged_at);
    assert_eq!(thinned[0].points.last(), full.points.last());
}

#[test]
fn the_huge_scene_is_thinned_to_the_budget_and_the_frame_does_not_wait_for_it() {
    let scene = huge_scene();
    let plan = plan_scene(&scene).expect("a valid scene is within the work budget");
    assert!(plan.thinned(), "2 GB of points at full resolution must be thinned");
    assert!(plan.bytes() <= TRAJECTORY_BYTES);

    // One frame of the app on it: the frame returns with the runs still being computed (the
    // UI thread never simulates), and the previous picture (none yet) with a progress note.
    let mut h = common::harness_without_settling(scene);
    h.run_steps(1);
    assert!(h.state().runs.progress().is_some(), "the runs are computed in the background");
    assert!(h.state().runs.table.is_empty(), "and not on the UI thread");

    // A click meanwhile changes the scene at once (the old computation is superseded).
    h.state_mut().apply(AppCommand::ClearStarts);
    h.state_mut().apply(AppCommand::AddStart(Point::new(0.5, 0.5)));
    h.state_mut().settle();
    let runs: usize = h.state().runs.table.iter().flatten().map(Vec::len).sum();
    assert_eq!(runs, 10, "one start, ten optimizers: the newest request won");
}

#[test]
fn every_run_of_a_thinned_scene_is_stored_within_the_budget() {
    let mut scene = huge_scene();
    scene.starts.truncate(8);
    scene.steps = 5000;
    let budget = 1 << 20;
    let mut app = LosscapeApp::new(scene.clone());
    app.runs.budget_bytes = budget;
    app.settle();
    let plan = app.runs.plan;
    assert!(plan.thinned(), "{plan:?}");
    let stored: usize = app.runs.table.iter().flatten().flatten().map(|r| r.len()).sum();
    assert!(stored * losscape::budget::POINT_BYTES <= budget, "{stored} points");
    // Heads follow the playback: step k shows the point stored for step k (rounded down to the
    // stride), and the last step the run's last point.
    let surface = app.surface().clone();
    let run = app.runs.table.iter().flatten().flatten().next().unwrap();
    let full = simulate(
        &surface,
        &scene.optimizers[0].spec,
        Point::new(scene.starts[0][0], scene.starts[0][1]),
        scene.steps,
        Noise::NONE,
    );
    for step in [0, 1, plan.stride, 3 * plan.stride + 1, scene.steps - 1, scene.steps] {
        let head = run.head(step);
        let shown = run.step_of(head);
        assert!(shown <= step && step - shown < plan.stride, "step {step} shows {shown}");
        assert_eq!(run.trajectory.points[head], full.points[shown], "exact at step {shown}");
    }
    assert_eq!(run.head(run.last_step()), run.len() - 1);
}

#[test]
fn scenes_with_absurd_domains_or_counts_are_refused_and_the_current_scene_stays() {
    let mut wide = default_scene();
    wide.domain =
        Some(losscape::sim::Domain { x_min: -1e308, x_max: 1e308, y_min: -1.0, y_max: 1.0 });
    let e = Scene::from_json(&wide.to_json(), "wide.json").unwrap_err().to_string();
    assert!(e.contains("wide.json") && e.contains("domain") && e.contains("too large"), "{e}");

    let mut many = default_scene();
    many.optimizers = (0..65).map(|_| OptimizerEntry::new(OptimizerKind::Adam)).collect();
    let e = Scene::from_json(&many.to_json(), "many.json").unwrap_err().to_string();
    assert!(e.contains("at most 64 optimizers"), "{e}");

    let mut cloud = default_scene();
    cloud.cloud = Some(Cloud::uniform(1_000_000, 1));
    let e = Scene::from_json(&cloud.to_json(), "cloud.json").unwrap_err().to_string();
    assert!(e.contains("cloud") && e.contains("100000"), "{e}");

    // In the app, a bad cloud is a message and the cloud on screen stays.
    let mut app = LosscapeApp::new(default_scene());
    app.apply(AppCommand::SetCloud(Some(Cloud::uniform(50, 2))));
    let blob =
        Cloud { count: 10, seed: 1, shape: CloudShape::Blob { centre: [0.0, 0.0], sigma: 0.0 } };
    app.apply(AppCommand::SetCloud(Some(blob)));
    assert_eq!(app.scene.cloud, Some(Cloud::uniform(50, 2)));
    assert!(app.status.as_deref().unwrap_or_default().contains("σ"));
}

#[test]
fn the_cloud_lesson_moves_each_optimizer_as_the_lecture_says() {
    let scene = PRESETS.iter().find(|p| p.file == "cloud.json").unwrap().scene().unwrap();
    let mut app = LosscapeApp::new(scene.clone());
    app.playback.step = 100;
    app.settle();
    assert_eq!(app.cloud.shown_step(), Some(100), "the app's cloud arrived at the step shown");
    assert_eq!(app.cloud.len(), 1000);
    let surface = scene.surface.resolve().unwrap();
    let starts = scene.cloud.unwrap().starts(&scene.domain());
    // Where each optimizer's runs are at step k: on the ridge (|y| < 0.2, the saddle's stable
    // line), or at one of the two minima (0, ±1).
    let share = |i: usize, k: usize, at: &dyn Fn(Point) -> bool| {
        let spec = scene.optimizers[i].spec;
        let n = starts
            .iter()
            .map(|&s| simulate(&surface, &spec, s, k, Noise::NONE).last().unwrap().point)
            .filter(|&p| at(p))
            .count();
        n as f64 / starts.len() as f64
    };
    let ridge = |p: Point| p.y.abs() < 0.2;
    let at_min = |p: Point| {
        (p - Point::new(0.0, 1.0)).norm() < 0.05 || (p - Point::new(0.0, -1.0)).norm() < 0.05
    };
    let (gd, adam, newton) = (0, 1, 2);
    assert!(share(gd, 25, &ridge) > share(adam, 25, &ridge) + 0.1, "GD piles up on the ridge");
    assert!(share(gd, 100, &at_min) < 0.5, "and crawls: most of GD's runs are not there yet");
    assert!(share(adam, 100, &at_min) > 0.9, "Adam's cloud has flowed off to the minima");
    assert!(share(newton, 100, &ridge) > 0.8, "Newton's cloud collapses into the saddle");
    assert!(share(newton, 200, &|p| p.norm() < 0.01) > 0.8, "and stays in it");
}

#[test]
fn render_draws_a_cloud_as_a_gif_with_frames() {
    let out = tmp("cloud.gif");
    let o = Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args([
            "render",
            "--surface",
            "escape-saddle",
            "--optimizer",
            "gd:lr=0.05",
            "--optimizer",
            "adam:lr=0.05",
            "--cloud",
            "2000",
            "--seed",
            "1",
            "--steps",
            "300",
            "--frames",
            "12",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::File::open(&out).unwrap();
    let mut decoder = gif::DecodeOptions::new().read_info(file).unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 12);

    // A bad cloud size is a clear error, not a panic.
    let o = Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args(["render", "--surface", "saddle", "--optimizer", "gd", "--cloud", "0"])
        .args(["--out", tmp("x.png").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cloud") && !err.contains("panicked"), "{err}");
}

#[test]
fn a_cloud_svg_has_a_dot_per_run_and_optimizer() {
    let out = tmp("cloud.svg");
    let o = Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args(["render", "--surface", "escape-saddle", "--optimizer", "gd:lr=0.05"])
        .args(["--optimizer", "adam:lr=0.05", "--cloud", "300", "--seed", "4", "--steps", "50"])
        .args(["--domain=-3,3,-3,3", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let cloud =
        doc.descendants().find(|n| n.attribute("id") == Some("cloud")).expect("a cloud group");
    // Heads are the opaque groups: every run of both optimizers is in view here.
    let heads: usize = cloud
        .children()
        .filter(|g| g.attribute("fill-opacity") == Some("1.00"))
        .map(|g| g.children().filter(|c| c.has_tag_name("circle")).count())
        .sum();
    assert_eq!(heads, 2 * 300);
}
