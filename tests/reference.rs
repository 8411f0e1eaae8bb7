//! The simulator against PyTorch: every trajectory of `data/torch_trajectories.json` (computed
//! by `torch.optim` in float64, copied from the project's shared reference) is reproduced point
//! for point, through the built-in surface and through its formula string.

use losscape::sim::Noise;
use losscape::sim::{Builtin, Formula, OptimizerSpec, Param, Point, Surface, simulate};
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
    params: serde_json::Map<String, serde_json::Value>,
    start: [f64; 2],
    steps: usize,
    trajectory: Vec<[f64; 3]>,
}

const TOLERANCE: f64 = 1e-7;

fn cases() -> Vec<Case> {
    let text = include_str!("data/torch_trajectories.json");
    let reference: Reference = serde_json::from_str(text).expect("reference file parses");
    assert!(reference.cases.len() >= 27, "the reference holds every public case");
    reference.cases
}

fn spec_of(case: &Case) -> OptimizerSpec {
    let mut spec = OptimizerSpec::parse(&case.optimizer).expect("known optimizer");
    for (key, value) in &case.params {
        let param =
            Param::from_key(key).unwrap_or_else(|| panic!("{}: unknown key {key}", case.id));
        let value = match value {
            serde_json::Value::Bool(b) => f64::from(u8::from(*b)),
            v => v.as_f64().expect("numeric parameter"),
        };
        spec.set(param, value).unwrap_or_else(|e| panic!("{}: {e}", case.id));
    }
    spec
}

/// Compares one run with PyTorch's; returns a description of the first mismatch.
fn check<S: Surface + ?Sized>(surface: &S, case: &Case) -> Result<(), String> {
    let spec = spec_of(case);
    let start = Point::new(case.start[0], case.start[1]);
    let run = simulate(surface, &spec, start, case.steps, Noise::NONE);
    if run.points.len() != case.trajectory.len() {
        return Err(format!(
            "{}: {} points, PyTorch has {} (diverged_at {:?})",
            case.id,
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
                    "{} ({} on {}): step {k}, column {c}: ours {a:e}, PyTorch {b:e} (error {err:e})",
                    case.id, case.optimizer, case.surface
                ));
            }
        }
    }
    let diverged_early = case.trajectory.len() < case.steps + 1;
    if diverged_early != run.diverged() {
        return Err(format!("{}: divergence disagrees: {:?}", case.id, run.diverged_at));
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
fn reference_formulas_are_the_catalogue_formulas() {
    for case in cases() {
        let builtin = Builtin::from_name(&case.surface).expect("known surface");
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squash(builtin.formula()), squash(&case.formula), "{}", case.id);
    }
}

#[test]
fn a_diverging_run_stops_at_its_last_finite_point() {
    let case = cases().into_iter().find(|c| c.id == "public-26").expect("the diverging case");
    let run =
        simulate(&Builtin::Rosenbrock, &spec_of(&case), Point::new(-1.5, 2.0), 100, Noise::NONE);
    assert_eq!(run.diverged_at, Some(case.trajectory.len()));
    assert!(run.points.iter().all(|p| p.point.iter().all(|v| v.is_finite()) && p.loss.is_finite()));
}
