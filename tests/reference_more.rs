//! The simulator against PyTorch, for the optimizers, options and schedules beyond the first
//! reference: every case of `data/torch_more_trajectories.json` (computed by `torch.optim` and
//! `torch.optim.lr_scheduler` in float64, copied from the project's shared reference) is
//! reproduced point for point, through the built-in surface and through its formula string.
//! PyTorch's loop there: `zero_grad; loss = f(p); record; backward; optimizer.step();
//! scheduler.step()` (L-BFGS: `step(closure)` with `max_iter=1`).

use losscape::sim::{Builtin, Formula, LrSchedule, Noise, OptimizerSpec, Point, Surface, simulate};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    surface: String,
    formula: String,
    optimizer: String,
    schedule: Option<String>,
    start: [f64; 2],
    steps: usize,
    trajectory: Vec<[f64; 3]>,
}

const TOLERANCE: f64 = 1e-7;

fn cases() -> Vec<Case> {
    let text = include_str!("data/torch_more_trajectories.json");
    let reference: Reference = serde_json::from_str(text).expect("reference file parses");
    assert_eq!(reference.cases.len(), 17, "the reference holds every public case");
    reference.cases
}

fn spec_of(case: &Case) -> OptimizerSpec {
    let spec = OptimizerSpec::parse(&case.optimizer).unwrap_or_else(|e| panic!("{}: {e}", case.id));
    let schedule = case
        .schedule
        .as_deref()
        .map(|s| LrSchedule::parse(s).unwrap_or_else(|e| panic!("{}: {e}", case.id)));
    spec.with_schedule(schedule).unwrap_or_else(|e| panic!("{}: {e}", case.id))
}

/// Compares one run with PyTorch's; returns a description of the first mismatch.
fn check<S: Surface + ?Sized>(surface: &S, case: &Case) -> Result<(), String> {
    let spec = spec_of(case);
    let start = Point::new(case.start[0], case.start[1]);
    let run = simulate(surface, &spec, start, case.steps, Noise::NONE);
    if run.points.len() != case.trajectory.len() {
        return Err(format!(
            "{} ({}): {} points, PyTorch has {} (diverged_at {:?})",
            case.id,
            case.optimizer,
            run.points.len(),
            case.trajectory.len(),
            run.diverged_at
        ));
    }
    for (k, (ours, theirs)) in run.points.iter().zip(&case.trajectory).enumerate() {
        let ours = [ours.point.x, ours.point.y, ours.loss];
        for (c, (a, b)) in ours.iter().zip(theirs).enumerate() {
            let err = (a - b).abs() / b.abs().max(1.0);
            if err.is_nan() || err > TOLERANCE {
                return Err(format!(
                    "{} ({} {:?} on {}): step {k}, column {c}: ours {a:e}, PyTorch {b:e} (error {err:e})",
                    case.id, case.optimizer, case.schedule, case.surface
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn builtin_surfaces_reproduce_pytorch() {
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|case| {
            let surface = Builtin::from_name(&case.surface).expect("known surface");
            check(&surface, case).err()
        })
        .collect();
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn formula_surfaces_reproduce_pytorch() {
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|case| {
            let formula = Formula::parse(&case.formula).expect("reference formula parses");
            check(&formula, case).err()
        })
        .collect();
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_new_optimizer_and_schedule_is_covered() {
    let cases = cases();
    for name in ["radam", "adamax", "adadelta", "rprop", "asgd", "adafactor", "lbfgs"] {
        assert!(cases.iter().any(|c| c.optimizer.starts_with(name)), "{name}");
    }
    for name in LrSchedule::NAMES {
        let covered = cases
            .iter()
            .any(|c| c.schedule.as_deref().is_some_and(|s| s.split(':').next() == Some(name)));
        assert!(covered, "{name}");
    }
}
