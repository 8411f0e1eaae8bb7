//! Learning-rate schedules against PyTorch: the rate (and OneCycle's momentum or β₁) of every
//! step of each schedule equals `torch.optim.lr_scheduler`'s, as recorded in
//! `data/torch_schedules.json` by `data/make_torch_schedules.py`; bad schedule SPECs are clear
//! errors; OneCycle on plain gradient descent switches momentum on, as in PyTorch.

use losscape::sim::{
    Formula, LrSchedule, Noise, OptimizerKind, OptimizerSpec, Point, SpecError, simulate,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    steps: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    optimizer: String,
    schedule: String,
    lr: Vec<f64>,
    momentum_or_beta1: Vec<f64>,
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("data/torch_schedules.json")).expect("reference parses")
}

fn spec_of(case: &Case) -> OptimizerSpec {
    let schedule = LrSchedule::parse(&case.schedule).expect("schedule parses");
    OptimizerSpec::parse(&case.optimizer).unwrap().with_schedule(Some(schedule)).unwrap()
}

/// Equal, bit for bit: the schedules follow PyTorch's formulas operation by operation, and
/// Python's `math.cos` and Rust's `f64::cos` are the same C library's.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

#[test]
fn every_schedules_rates_are_pytorchs() {
    let reference = reference();
    let mut failures = Vec::new();
    for case in &reference.cases {
        let spec = spec_of(case);
        let rates = spec.rates(reference.steps);
        for (k, (ours, theirs)) in rates.iter().zip(&case.lr).enumerate() {
            if !same(*ours, *theirs) {
                failures.push(format!(
                    "{}: step {}: ours {ours:e}, PyTorch {theirs:e}",
                    case.schedule,
                    k + 1
                ));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let names: Vec<&str> =
        reference.cases.iter().map(|c| c.schedule.split(':').next().unwrap()).collect();
    for name in LrSchedule::NAMES {
        assert!(names.contains(&name), "{name} has a reference case");
    }
}

#[test]
fn onecycle_cycles_momentum_or_beta1_as_pytorch_does() {
    let reference = reference();
    for case in reference.cases.iter().filter(|c| c.schedule.starts_with("onecycle")) {
        let spec = spec_of(case);
        let mut schedule = spec.start();
        for (k, theirs) in case.momentum_or_beta1.iter().enumerate() {
            let c = spec.advance(&mut schedule);
            let ours = match spec.kind() {
                OptimizerKind::Adam | OptimizerKind::Nadam => c.beta1,
                _ => c.momentum,
            };
            assert!(
                same(ours, *theirs),
                "{}: step {}: ours {ours}, PyTorch {theirs}",
                case.schedule,
                k + 1
            );
        }
    }
}

/// OneCycle on `gd` sets SGD's momentum, so PyTorch's SGD takes its momentum branch: the buffer
/// starts as the gradient and then `b ← μₜ·b + g`, `p ← p − lrₜ·b`. Written out here with
/// PyTorch's own rates and momenta.
#[test]
fn onecycle_on_gd_carries_a_momentum_buffer() {
    let reference = reference();
    let case = reference
        .cases
        .iter()
        .find(|c| c.optimizer.starts_with("gd") && c.schedule.starts_with("onecycle"))
        .expect("the gd onecycle case");
    let surface = Formula::parse("x^2 + 10*y^2").unwrap();
    let start = Point::new(2.0, 1.0);
    let steps = 60;
    let run = simulate(&surface, &spec_of(case), start, steps, Noise::NONE);
    let (mut p, mut b) = (start, Point::zeros());
    for k in 0..steps {
        let ours = run.points[k].point;
        assert!((ours - p).norm() <= 1e-12 * p.norm().max(1.0), "step {k}: {ours} vs {p}");
        let g = Point::new(2.0 * p.x, 20.0 * p.y);
        b = if k == 0 { g } else { b * case.momentum_or_beta1[k] + g };
        p -= b * case.lr[k];
    }
    // Without the schedule the same rate would be plain descent: the buffer is what differs.
    let plain =
        simulate(&surface, &OptimizerSpec::parse("gd:lr=0.02").unwrap(), start, 3, Noise::NONE);
    assert_ne!(plain.points[2].point, run.points[2].point);
}

#[test]
fn bad_schedules_are_clear_errors() {
    let err = |s: &str| LrSchedule::parse(s).unwrap_err().to_string();
    assert!(err("warmup:steps=5").contains("unknown schedule 'warmup'"));
    assert!(err("warmup").contains("cosine, cosine-restarts"));
    assert!(err("cosine").contains("cosine needs 't_max'"));
    assert!(err("cosine-restarts:t_mult=2").contains("needs 't_0'"));
    assert!(err("onecycle:total_steps=100").contains("needs 'max_lr'"));
    assert!(err("exponential:gamma=-1").contains("> 0"));
    let onecycle = LrSchedule::parse("onecycle:max_lr=0.1,total_steps=100").unwrap();
    let adagrad = OptimizerSpec::new(OptimizerKind::Adagrad);
    let e = adagrad.with_schedule(Some(onecycle)).unwrap_err();
    assert!(matches!(e, SpecError::Schedule(_)));
    assert!(e.to_string().contains("adagrad has neither"), "{e}");
    assert!(e.to_string().contains("cycle_momentum=false"), "{e}");
    let off =
        LrSchedule::parse("onecycle:max_lr=0.1,total_steps=100,cycle_momentum=false").unwrap();
    assert!(adagrad.with_schedule(Some(off)).is_ok());
    // Every optimizer with momentum or β₁ takes it, Newton's methods take the rest.
    for kind in OptimizerKind::ALL {
        let ok = OptimizerSpec::new(kind).with_schedule(Some(onecycle)).is_ok();
        assert_eq!(ok, kind.cycled().is_some(), "{kind}");
        let cosine = LrSchedule::parse("cosine:t_max=10").unwrap();
        assert!(OptimizerSpec::new(kind).with_schedule(Some(cosine)).is_ok(), "{kind}");
    }
}

#[test]
fn newton_follows_a_schedule_too() {
    let surface = Formula::parse("x^2 + y^2").unwrap();
    let newton = OptimizerSpec::parse("newton:lr=0.5").unwrap();
    let halving = newton
        .with_schedule(Some(LrSchedule::parse("step:step_size=1,gamma=0.5").unwrap()))
        .unwrap();
    let run = simulate(&surface, &halving, Point::new(1.0, 0.0), 3, Noise::NONE);
    // Newton on a quadratic moves lr of the way: 1 → 0.5 → 0.375 → 0.328125.
    let xs: Vec<f64> = run.points.iter().map(|p| p.point.x).collect();
    assert_eq!(xs, [1.0, 0.5, 0.375, 0.328125]);
}

/// A scene keeps each optimizer's schedule; a file from before schedules loads with none, and a
/// bad schedule in a file names the field.
#[test]
fn scenes_carry_schedules() {
    use losscape::scene::{OptimizerEntry, PRESETS, Scene, SurfaceChoice};
    let mut scene = Scene::new(SurfaceChoice::Builtin(losscape::sim::Builtin::Himmelblau));
    let mut entry = OptimizerEntry::new(OptimizerKind::Lbfgs);
    entry.spec.set_str(losscape::sim::Param::LineSearch, "strong_wolfe").unwrap();
    entry.spec.set_schedule(Some(LrSchedule::parse("cosine:t_max=300").unwrap())).unwrap();
    scene.optimizers = vec![entry];
    let text = scene.to_json();
    assert!(text.contains("\"schedule\": \"cosine:t_max=300,eta_min=0.0\""), "{text}");
    assert!(text.contains("\"line_search\": \"strong_wolfe\""), "{text}");
    assert_eq!(Scene::from_json(&text, "test").unwrap(), scene);

    let old = PRESETS.iter().find(|p| p.file == "ravine.json").unwrap().scene().unwrap();
    assert!(old.optimizers.iter().all(|o| o.spec.schedule().is_none()));

    let bad = text.replace("cosine:t_max=300,eta_min=0.0", "cosine");
    let err = Scene::from_json(&bad, "bad.json").unwrap_err().to_string();
    assert!(err.contains("optimizers[0]") && err.contains("needs 't_max'"), "{err}");
    let mut adagrad = OptimizerEntry::new(OptimizerKind::Adagrad);
    adagrad.spec.set_schedule(Some(LrSchedule::parse("cosine:t_max=300").unwrap())).unwrap();
    scene.optimizers = vec![adagrad];
    let onecycle =
        scene.to_json().replace("cosine:t_max=300,eta_min=0.0", "onecycle:max_lr=1,total_steps=10");
    let err = Scene::from_json(&onecycle, "bad.json").unwrap_err().to_string();
    assert!(err.contains("adagrad has neither"), "{err}");
}

/// The schedule lesson: with the same noisy gradients, gradient descent at a constant rate
/// keeps bouncing across the valley while the cosine decay settles.
#[test]
fn the_schedule_lesson_holds() {
    use losscape::scene::PRESETS;
    let scene = PRESETS.iter().find(|p| p.file == "schedule.json").unwrap().scene().unwrap();
    let surface = losscape::sim::Builtin::ElongatedBowl;
    let start = Point::new(scene.starts[0][0], scene.starts[0][1]);
    let tail_loss = |i: usize| {
        let o = &scene.optimizers[i];
        let run = simulate(&surface, &o.spec, start, scene.steps, o.noise);
        let tail = &run.points[run.points.len() - 30..];
        tail.iter().map(|p| p.loss).sum::<f64>() / tail.len() as f64
    };
    let (constant, cosine) = (tail_loss(0), tail_loss(1));
    assert!(scene.optimizers[0].spec.schedule().is_none());
    assert_eq!(scene.optimizers[1].spec.schedule().map(LrSchedule::name), Some("cosine"));
    assert!(constant > 10.0 * cosine, "constant {constant}, cosine {cosine}");
    assert!(cosine < 0.1, "the cosine run settles: {cosine}");
}

fn losscape(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_losscape")).args(args).output().unwrap()
}

/// `--schedule` on `simulate`: the reference case's trajectory, and clear errors.
#[test]
fn the_command_line_takes_schedules() {
    let o = losscape(&[
        "simulate",
        "--surface",
        "himmelblau",
        "--optimizer",
        "adam:lr=0.5",
        "--schedule",
        "step:step_size=50,gamma=0.5",
        "--start",
        "0,0",
        "--steps",
        "200",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("data/torch_more_trajectories.json")).unwrap();
    let case = reference["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["schedule"] == "step:step_size=50,gamma=0.5")
        .unwrap();
    let last = String::from_utf8(o.stdout).unwrap().lines().last().unwrap().to_owned();
    let cols: Vec<f64> = last.split(',').skip(1).map(|v| v.parse().unwrap()).collect();
    let want = case["trajectory"][200].as_array().unwrap();
    for (a, b) in cols.iter().zip(want) {
        let b = b.as_f64().unwrap();
        assert!((a - b).abs() <= 1e-7 * b.abs().max(1.0), "{a} vs {b}");
    }
    let fails = |args: &[&str], needle: &str| {
        let o = losscape(args);
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    };
    let sim = ["simulate", "--surface", "himmelblau", "--start", "0,0", "--steps", "5"];
    let with = |extra: &[&'static str]| [&sim[..], extra].concat();
    fails(
        &with(&["--optimizer", "gd", "--schedule", "warmup"]),
        "--schedule 'warmup': unknown schedule",
    );
    fails(&with(&["--optimizer", "gd", "--schedule", "cosine"]), "cosine needs 't_max'");
    fails(
        &with(&["--optimizer", "adagrad", "--schedule", "onecycle:max_lr=1,total_steps=10"]),
        "adagrad has neither",
    );
    fails(
        &[
            "basins",
            "--surface",
            "himmelblau",
            "--optimizer",
            "gd",
            "--grid",
            "4",
            "--steps",
            "3",
            "--schedule",
            "exponential",
        ],
        "exponential needs 'gamma'",
    );
    fails(
        &[
            "render",
            "--surface",
            "himmelblau",
            "--optimizer",
            "adam",
            "--start",
            "0,0",
            "--schedule",
            "linear:total_iters=0",
            "--out",
            "/tmp/never.png",
        ],
        "total_iters",
    );
}
