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

/// Equal to within a couple of ulps (PyTorch and Rust share the formulas and libm; the only
/// slack is for a platform's `cos`).
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(f64::MIN_POSITIVE)
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
                failures.push(format!("{}: step {}: ours {ours:e}, PyTorch {theirs:e}", case.schedule, k + 1));
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
            assert!(same(ours, *theirs), "{}: step {}: ours {ours}, PyTorch {theirs}", case.schedule, k + 1);
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
    let plain = simulate(&surface, &OptimizerSpec::parse("gd:lr=0.02").unwrap(), start, 3, Noise::NONE);
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
    let off = LrSchedule::parse("onecycle:max_lr=0.1,total_steps=100,cycle_momentum=false").unwrap();
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
    let halving = newton.with_schedule(Some(LrSchedule::parse("step:step_size=1,gamma=0.5").unwrap())).unwrap();
    let run = simulate(&surface, &halving, Point::new(1.0, 0.0), 3, Noise::NONE);
    // Newton on a quadratic moves lr of the way: 1 → 0.5 → 0.375 → 0.328125.
    let xs: Vec<f64> = run.points.iter().map(|p| p.point.x).collect();
    assert_eq!(xs, [1.0, 0.5, 0.375, 0.328125]);
}
