//! The teaching tools: critical points as `losscape critical` finds them, the narrated numbers as
//! the simulator holds them, the race on the plateau, tuned learning rates, and the panels in
//! the app (driven headless by egui_kittest).

mod common;

use common::harness;
use std::process::Command;

use egui::Key;
use egui_kittest::kittest::Queryable;
use losscape::app::LosscapeApp;
use losscape::scene::{PRESETS, SurfaceChoice, default_scene};
use losscape::sim::optim::narrate::narrate;
use losscape::sim::run::metrics::{Metrics, Status, Thresholds, race};
use losscape::sim::run::tune::tune_lr;
use losscape::sim::{
    Builtin, CriticalKind, Domain, Dtype, Eval, Noise, OptimizerKind, OptimizerSpec, Point, Run,
    Surface, SurfaceDef, critical_points, simulate,
};

/// Himmelblau's nine critical points (∇f = 0 is two cubics: at most nine): the four minima and
/// the maximum as usually listed (to 6 decimals; e.g. Wikipedia, "Himmelblau's function") and
/// the four saddles, all refined to 9 decimals by Newton's method on the gradient with PyTorch's
/// autograd Jacobian in float64.
const HIMMELBLAU: [(f64, f64, CriticalKind); 9] = [
    (3.0, 2.0, CriticalKind::Min),
    (-2.805118087, 3.131312518, CriticalKind::Min),
    (-3.779310253, -3.283185991, CriticalKind::Min),
    (3.58442834, -1.848126527, CriticalKind::Min),
    (-0.270844591, -0.923038556, CriticalKind::Max),
    (0.086677505, 2.884254701, CriticalKind::Saddle),
    (-3.073025751, -0.081353044, CriticalKind::Saddle),
    (3.385154184, 0.07385188, CriticalKind::Saddle),
    (-0.127961347, -1.95371498, CriticalKind::Saddle),
];

/// The critical points of `surface` in `domain`, found without losscape's critical-point finder,
/// and how close a marker must be to each.
fn independent_critical_points(
    surface: Builtin,
    domain: Domain,
) -> (Vec<(Point, CriticalKind)>, f64) {
    use CriticalKind::{Min, Saddle};
    let p = Point::new;
    let (points, tol) = match surface {
        // x² + (y² − 1)²/4: ∇f = (2x, y(y² − 1)).
        Builtin::EscapeSaddle => {
            (vec![(p(0.0, -1.0), Min), (p(0.0, 0.0), Saddle), (p(0.0, 1.0), Min)], 1e-9)
        }
        // 1 − exp(−(x² + 2y²)/2) and 0.1x² + 2y²: one minimum at the origin.
        Builtin::Plateau | Builtin::ElongatedBowl => (vec![(p(0.0, 0.0), Min)], 1e-9),
        // (1 − x)² + 100(y − x²)²: ∇f = 0 only at (1, 1).
        Builtin::Rosenbrock => (vec![(p(1.0, 1.0), Min)], 1e-9),
        Builtin::Himmelblau => (HIMMELBLAU.iter().map(|&(x, y, k)| (p(x, y), k)).collect(), 1e-7),
        // No closed form: the nodes of a fine grid lower (higher) than their eight neighbours,
        // or around which the neighbours go up and down twice (a discrete saddle).
        _ => {
            let n = 601;
            let h = domain.width().max(domain.height()) / (n - 1) as f64;
            (grid_critical_points(&surface, domain, n), 2.0 * h)
        }
    };
    (points.into_iter().filter(|(q, _)| domain.contains(*q)).collect(), tol)
}

/// Critical points of `surface` on an `n × n` grid of nodes spanning `domain` (border nodes
/// excluded), each counted once.
fn grid_critical_points(surface: &Builtin, domain: Domain, n: usize) -> Vec<(Point, CriticalKind)> {
    let node =
        |i: usize, j: usize| domain.lerp(i as f64 / (n - 1) as f64, j as f64 / (n - 1) as f64);
    let values: Vec<f64> = (0..n * n).map(|k| surface.value(node(k % n, k / n))).collect();
    let ring = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)];
    let h = domain.width().max(domain.height()) / (n - 1) as f64;
    let mut found: Vec<(Point, CriticalKind)> = Vec::new();
    for j in 1..n - 1 {
        for i in 1..n - 1 {
            let centre = values[j * n + i];
            let diffs = ring.map(|(di, dj): (isize, isize)| {
                values[(j as isize + dj) as usize * n + (i as isize + di) as usize] - centre
            });
            if diffs.contains(&0.0) {
                continue;
            }
            let changes =
                (0..8).filter(|&k| (diffs[k] > 0.0) != (diffs[(k + 1) % 8] > 0.0)).count();
            let kind = if diffs.iter().all(|d| *d > 0.0) {
                CriticalKind::Min
            } else if diffs.iter().all(|d| *d < 0.0) {
                CriticalKind::Max
            } else if changes >= 4 {
                CriticalKind::Saddle
            } else {
                continue;
            };
            let here = node(i, j);
            if !found.iter().any(|(q, k)| *k == kind && (*q - here).norm() < 3.0 * h) {
                found.push((here, kind));
            }
        }
    }
    found
}

#[test]
fn critical_markers_are_the_surfaces_critical_points_in_every_preset() {
    for preset in PRESETS {
        let scene = preset.scene().unwrap();
        let SurfaceChoice::Builtin(surface) = scene.surface else {
            panic!("{}: the presets are built-in surfaces", preset.file);
        };
        let mut app = LosscapeApp::new(scene.clone());
        app.settle();
        let shown = app.critical_points();
        let (expected, tol) = independent_critical_points(surface, scene.domain());
        assert!(!expected.is_empty(), "{}: a lesson with no critical point", preset.file);
        let listed: Vec<_> = shown.iter().map(|c| (c.point, c.kind)).collect();
        assert_eq!(
            shown.len(),
            expected.len(),
            "{}: shown {listed:?}, expected {expected:?}",
            preset.file
        );
        for (point, kind) in &expected {
            assert!(
                shown.iter().any(|c| c.kind == *kind && (c.point - point).norm() <= tol),
                "{}: no {} marker within {tol} of {point:?}; shown {listed:?}",
                preset.file,
                kind.name()
            );
        }
        for c in shown.iter() {
            let (f, g) = surface.value_grad(c.point);
            assert_eq!(c.value, f, "{}: the value shown at {:?}", preset.file, c.point);
            assert!(g.norm() < 1e-6, "{}: ∇f = {g:?} at the marker {:?}", preset.file, c.point);
        }

        // And `losscape critical` prints the same points.
        let d = scene.domain();
        let domain = format!("--domain={},{},{},{}", d.x_min, d.x_max, d.y_min, d.y_max);
        let out = Command::new(env!("CARGO_BIN_EXE_losscape"))
            .args(["critical", "--surface", surface.name(), &domain])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let csv = String::from_utf8(out.stdout).unwrap();
        let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), shown.len(), "{}: {csv}", preset.file);
        for (row, c) in rows.iter().zip(shown.iter()) {
            let x: f64 = row[0].parse().unwrap();
            let y: f64 = row[1].parse().unwrap();
            assert!(
                (x - c.point.x).abs() < 1e-12 && (y - c.point.y).abs() < 1e-12,
                "{row:?} {c:?}"
            );
            assert_eq!(row[3], c.kind.name(), "{}", preset.file);
        }
    }
}

#[test]
fn narrated_numbers_are_the_simulators_state_for_adam_and_momentum() {
    let surface = Builtin::Plateau;
    let start = Point::new(3.5, 2.5);
    for text in ["adam:lr=0.1", "momentum:lr=0.5,momentum=0.9", "adam:lr=0.1,amsgrad=true"] {
        let spec = OptimizerSpec::parse(text).unwrap();
        for k in [0, 1, 7, 40] {
            let n = narrate(&surface, &spec, start, Noise::NONE, k).unwrap();
            // An independent run stepped k + 1 times holds the state the narration reports.
            let mut run = Run::new(&surface, spec, start, Noise::NONE);
            for _ in 0..k {
                assert!(matches!(run.step(), Eval::Finite(_)));
            }
            assert_eq!(*run.state(), n.before, "{text} before step {k}");
            run.step();
            assert_eq!(*run.state(), n.after, "{text} after step {k}");
            assert_eq!(run.point(), n.next);
            let trajectory = simulate(&surface, &spec, start, k + 1, Noise::NONE);
            assert_eq!(trajectory.points[k].point, n.point);
            assert_eq!(trajectory.points[k + 1].point, n.next);
            assert_eq!(n.coefs.step, k as u64 + 1);
            let lines = n.lines().join("\n");
            assert!(lines.contains(&format!("step t = {}", k + 1)), "{lines}");
            if spec.kind() == OptimizerKind::Adam {
                let h = spec.hyper();
                let t = (k + 1) as f64;
                let v = if h.amsgrad { n.after.v_max } else { n.after.v };
                let m_hat = n.after.m / (1.0 - h.beta1.powf(t));
                let v_hat = v / (1.0 - h.beta2.powf(t));
                assert_eq!(n.m_hat, Some(m_hat));
                assert_eq!(n.v_hat, Some(v_hat));
                let e = n.effective_lr.unwrap();
                // The step Adam takes is the effective step size times m′, to rounding.
                let delta = n.delta();
                assert!(
                    (delta.x + e.x * m_hat.x).abs() <= 1e-12 * (1.0 + delta.x.abs()),
                    "{text} {k}"
                );
                assert!(
                    (delta.y + e.y * m_hat.y).abs() <= 1e-12 * (1.0 + delta.y.abs()),
                    "{text} {k}"
                );
                assert!(lines.contains("m′ = m / (1−β₁^t)"), "{lines}");
            } else {
                assert!(lines.contains("b ← "), "{lines}");
                assert_eq!(n.effective_lr, None);
            }
        }
    }
    // With noise the narration shows the gradient the update used.
    let noisy = Noise { sigma: 0.05, seed: 3 };
    let spec = OptimizerSpec::parse("momentum:lr=0.5").unwrap();
    let n = narrate(&surface, &spec, start, noisy, 5).unwrap();
    let mut run = Run::new(&surface, spec, start, noisy);
    for _ in 0..6 {
        run.step();
    }
    assert_eq!(run.last_update().0, n.g);
    assert_ne!(n.g, n.grad);
    assert!(n.lines().iter().any(|l| l.starts_with("g + noise")));
}

#[test]
fn the_race_on_the_plateau_ranks_adam_ahead_of_gd() {
    let scene = PRESETS.iter().find(|p| p.file == "plateau.json").unwrap().scene().unwrap();
    let surface = scene.surface.resolve().unwrap();
    let critical = critical_points(&surface, &scene.domain());
    let thresholds = Thresholds::for_surface(&surface, &scene.domain());
    let entries: Vec<(usize, Vec<Metrics>)> = scene
        .optimizers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let metrics = scene
                .start_points()
                .map(|s| {
                    let t = simulate(&surface, &o.spec, s, scene.steps, o.noise);
                    Metrics::of(&t, &critical, &thresholds)
                })
                .collect();
            (i, metrics)
        })
        .collect();
    let standings = race(&entries);
    let rank = |kind: OptimizerKind| {
        standings.iter().position(|s| scene.optimizers[s.entry].spec.kind() == kind).unwrap()
    };
    assert!(rank(OptimizerKind::Adam) < rank(OptimizerKind::Gd), "{standings:#?}");
    let gd = &standings[rank(OptimizerKind::Gd)];
    assert_eq!(gd.converged, 0);
    assert!(gd.statuses.iter().all(|(s, _)| *s == Status::StalledOnPlateau), "{gd:?}");
    // GD spends its whole run flat; Adam leaves the plateau within a few dozen steps.
    assert!(gd.mean_flat_steps > 0.9 * scene.steps as f64);
    let adam = &standings[rank(OptimizerKind::Adam)];
    assert_eq!(adam.converged, adam.runs);
    assert!(adam.mean_flat_steps < 20.0, "{adam:?}");
}

#[test]
fn a_saddle_stall_and_divergence_are_named() {
    let surface = Builtin::EscapeSaddle;
    let domain = surface.domain();
    let critical = critical_points(&surface, &domain);
    let t = Thresholds::for_surface(&surface, &domain);
    let from_the_side =
        |kind| simulate(&surface, &OptimizerSpec::new(kind), Point::new(0.5, 0.3), 50, Noise::NONE);
    // Newton from (0.5, 0.3) converges to the saddle.
    let newton = from_the_side(OptimizerKind::Newton);
    assert_eq!(Metrics::of(&newton, &critical, &t).status, Status::StalledAtSaddle);
    let sfn = from_the_side(OptimizerKind::Sfn);
    let m = Metrics::of(&sfn, &critical, &t);
    assert_eq!(m.status, Status::Converged);
    assert!(m.steps_to_minimum.unwrap() < 50);
    let wild = simulate(
        &surface,
        &OptimizerSpec::parse("gd:lr=5").unwrap(),
        Point::new(0.5, 0.3),
        50,
        Noise::NONE,
    );
    assert_eq!(Metrics::of(&wild, &critical, &t).status, Status::Diverged);
}

#[test]
fn tuning_finds_a_better_rate_than_a_bad_default() {
    let surface = SurfaceDef::Builtin(Builtin::Rosenbrock);
    let starts = [Point::new(-1.5, 2.0), Point::new(0.0, -0.5), Point::new(1.5, 1.5)];
    let spec = OptimizerSpec::new(OptimizerKind::Adam); // lr 0.001: far too timid for 300 steps
    let tuned = tune_lr(&surface, &spec, &starts, 300).unwrap();
    let loss_at = |lr: f64| {
        let mut s = spec;
        s.set(losscape::sim::Param::Lr, lr).unwrap();
        starts
            .iter()
            .map(|&p| simulate(&surface, &s, p, 300, Noise::NONE).last().unwrap().loss)
            .sum::<f64>()
            / 3.0
    };
    assert_eq!(loss_at(tuned.lr), tuned.mean_loss, "the reported loss is the simulated one");
    assert!(tuned.mean_loss < 0.01 * loss_at(0.001), "{tuned:?}");
    assert!(tuned.tried.iter().all(|&(_, l)| l >= tuned.mean_loss || !l.is_finite()));
    // GD's search runs into divergence and steps back from it.
    let gd = tune_lr(&surface, &OptimizerSpec::new(OptimizerKind::Gd), &starts, 300).unwrap();
    assert!(gd.tried.iter().any(|&(_, l)| l.is_infinite()), "{gd:?}");
    assert!(gd.tried.iter().any(|&(lr, l)| lr < gd.lr && l > gd.mean_loss), "{gd:?}");
    assert!(tune_lr(&surface, &spec, &[], 300).is_none());
}

#[test]
fn hovering_the_saddle_shows_its_eigenvalues() {
    let mut h = harness(default_scene());
    let saddle = h.state().screen_pos(0.0, 0.0).unwrap();
    h.hover_at(saddle);
    // Tooltips wait for the pointer to rest.
    h.run_steps(60);
    for part in ["saddle at (0.0000, 0.0000)", "Hessian eigenvalues λ₁ = -1.0000, λ₂ = +2.0000"]
    {
        assert!(h.query_by_label_contains(part).is_some(), "no tooltip saying {part}");
    }
}

#[test]
fn the_narrate_and_race_panels_open_from_the_keyboard() {
    let plateau = PRESETS.iter().find(|p| p.file == "plateau.json").unwrap().scene().unwrap();
    let mut h = harness(plateau);
    h.key_press(Key::N);
    h.key_press(Key::T);
    h.run_steps(3);
    assert!(h.query_by_label_contains("GD, step t = 1, at p = (3.5000, 2.5000)").is_some());
    for _ in 0..5 {
        h.key_press(Key::ArrowRight);
    }
    h.run_steps(2);
    assert!(h.query_by_label_contains("GD, step t = 6").is_some());
    assert!(h.query_by_label_contains("2 plateau").is_some(), "GD's runs stall on the plateau");
    // The race follows the runs: one start fewer, one run fewer.
    h.state_mut().apply(losscape::app::Command::RemoveStart(1));
    h.run_steps(2);
    assert!(h.query_by_label_contains("2 plateau").is_none());
    assert!(h.query_all_by_label_contains("1 plateau").count() >= 1);
    h.key_press(Key::P);
    h.run_steps(2);
    assert!(h.state().presenter && !h.state().is_open(losscape::app::Panel::SidePanels));
    assert!((h.ctx.zoom_factor() - losscape::app::PRESENTER_ZOOM).abs() < 1e-6);
    let caption = h.state().scene.caption.clone();
    assert!(h.query_by_label_contains(&caption).is_some(), "the caption, large");
    h.key_press(Key::P);
    h.run_steps(2);
    assert!(!h.state().presenter && h.state().is_open(losscape::app::Panel::SidePanels));
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-6);
    // Ctrl + scales the whole UI, Ctrl − scales it back.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Plus);
    h.run_steps(2);
    assert!(h.ctx.zoom_factor() > 1.05, "zoom {}", h.ctx.zoom_factor());
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Minus);
    h.run_steps(2);
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-6);
}

#[test]
fn the_basin_map_is_computed_in_the_background() {
    let mut scene = default_scene();
    scene.surface = SurfaceChoice::Builtin(Builtin::Himmelblau);
    scene.domain = None;
    scene.optimizers.retain(|o| o.spec.kind() == OptimizerKind::Adam);
    let mut h = harness(scene);
    h.state_mut().basins.settings.grid = 48;
    let (surface, scene) = (h.state().surface().clone(), h.state().scene.clone());
    let ctx = h.ctx.clone();
    h.state_mut().basins.start(&scene, &surface, Builtin::Himmelblau.domain(), &ctx);
    assert!(h.state().basins.busy());
    let mut frames = 0;
    while h.state().basins.busy() {
        h.step();
        frames += 1;
        assert!(frames < 10_000, "the map never arrived");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let result = h.state().basins.result.as_ref().expect("a map");
    let (at, moving, diverged) = result.map.counts();
    assert_eq!(
        at.iter().filter(|&&n| n > 0).count() + usize::from(moving > 0) + usize::from(diverged > 0),
        result.legend.len()
    );
    assert!(
        result.legend.iter().filter(|(l, _)| l.starts_with("min")).count() >= 3,
        "{:?}",
        result.legend
    );
    // The minima found are Himmelblau's (f = 0).
    for (i, &n) in at.iter().enumerate() {
        if n > 0 && result.map.attractors[i].kind == CriticalKind::Min {
            assert!(result.map.attractors[i].value.abs() < 1e-9);
        }
    }
}

#[test]
fn the_basins_panel_opens_and_computes_from_its_button() {
    let mut h = harness(default_scene());
    h.key_press(Key::B);
    h.run_steps(3);
    assert!(h.query_by_label_contains("Colour every point of the view").is_some());
    assert_eq!(h.state().basins.settings.dtype, Dtype::Float64, "exact by default");
    h.get_by_label("float32").click();
    h.run_steps(2);
    h.get_by_label("Compute").click();
    h.run_steps(2);
    let mut frames = 0;
    while h.state().basins.result.is_none() {
        h.step();
        frames += 1;
        assert!(frames < 10_000, "the map never arrived");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    h.run_steps(2);
    let map = &h.state().basins.result.as_ref().expect("a map").map;
    assert_eq!(map.job.dtype, Dtype::Float32, "computed in the dtype chosen");
    assert!(map.ends.iter().all(|(p, _)| p.x == f64::from(p.x as f32)));
    assert!(
        h.query_by_label_contains("min 1 (0.000, -1.000)").is_some(),
        "the legend names the minima"
    );
    assert!(h.query_by_label_contains("min 2 (0.000, 1.000)").is_some());
    let moved = "The view has moved since this map";
    assert!(h.query_by_label_contains(moved).is_none(), "the map covers the view");
    // Zoom in: the map stays where it was computed, and the panel says so.
    h.state_mut().scene.domain = Some(losscape::sim::Domain::new(-1.0, 1.0, -1.0, 1.0).unwrap());
    h.state_mut().apply(losscape::app::Command::ResetView);
    h.run_steps(3);
    assert!(h.query_by_label_contains(moved).is_some(), "a stale map is flagged");
}
