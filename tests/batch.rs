//! The batch kernel computes exactly what the scalar path computes: the same last point, bit
//! for bit, and the same step of divergence, for every optimizer, surface and start.

use losscape::sim::{
    Builtin, Formula, OptimizerKind, OptimizerSpec, Point, SurfaceDef, batch, final_point,
};
use proptest::prelude::*;
use std::sync::Arc;

/// Learning rates that make some runs converge and some diverge on the surfaces below.
fn specs() -> Vec<OptimizerSpec> {
    let mut out = Vec::new();
    for kind in OptimizerKind::ALL {
        out.push(OptimizerSpec::new(kind));
        let mut fast = OptimizerSpec::new(kind);
        fast.set(losscape::sim::Param::Lr, if kind.needs_hessian() { 1.5 } else { 0.3 }).unwrap();
        out.push(fast);
    }
    for text in [
        "adam:amsgrad=true,lr=0.2",
        "adam:beta1=0.2,lr=0.1", // the other branch of PyTorch's lerp
        "momentum:dampening=0.5,lr=0.05",
        "nadam:momentum-decay=0.1,lr=0.1",
        "adamw:weight-decay=0.5,lr=0.05",
        "gd:lr=2",
    ] {
        out.push(OptimizerSpec::parse(text).unwrap());
    }
    out
}

fn starts(domain: losscape::sim::Domain, n: usize) -> Vec<Point> {
    // 11 is not a multiple of the lane count: the last block is partial.
    (0..n)
        .map(|i| {
            let t = (i as f64 + 0.5) / n as f64;
            Point::new(
                domain.x_min + (domain.x_max - domain.x_min) * t,
                domain.y_max - (domain.y_max - domain.y_min) * (t * 7.0).fract(),
            )
        })
        .collect()
}

fn assert_same(surface: &SurfaceDef, spec: &OptimizerSpec, starts: &[Point], steps: usize) {
    let batch = batch::final_points(surface, spec, starts, steps);
    assert_eq!(batch.len(), starts.len());
    for (&start, &(point, diverged)) in starts.iter().zip(&batch) {
        let (want, want_diverged) = final_point(surface, spec, start, steps);
        assert_eq!(
            (point.x.to_bits(), point.y.to_bits(), diverged),
            (want.x.to_bits(), want.y.to_bits(), want_diverged),
            "{spec} on {} from {start:?}: batch {point:?} {diverged:?}, scalar {want:?} {want_diverged:?}",
            surface.name()
        );
    }
}

#[test]
fn every_optimizer_on_every_builtin_matches_the_scalar_path() {
    let mut diverged = 0;
    for b in Builtin::ALL {
        let surface = SurfaceDef::Builtin(b);
        let starts = starts(b.domain(), 11);
        for spec in specs() {
            assert_same(&surface, &spec, &starts, 120);
            diverged += batch::final_points(&surface, &spec, &starts, 120)
                .iter()
                .filter(|e| e.1.is_some())
                .count();
        }
    }
    // The comparison must have covered divergence, or the masking went untested.
    assert!(diverged > 100, "only {diverged} runs diverged");
}

#[test]
fn formulas_and_immediate_divergence_match() {
    // ln(x) is NaN for x < 0: runs die at step 0, mid-way, or never.
    let f = SurfaceDef::Formula(Arc::new(Formula::parse("ln(x) + y^2").unwrap()));
    let starts = [
        Point::new(-1.0, 0.0),
        Point::new(0.05, 1.0),
        Point::new(2.0, -1.0),
        Point::new(f64::NAN, 0.0),
        Point::new(1.0, f64::INFINITY),
    ];
    for spec in specs() {
        assert_same(&f, &spec, &starts, 60);
    }
    let rosen =
        SurfaceDef::Formula(Arc::new(Formula::parse(Builtin::Rosenbrock.formula()).unwrap()));
    assert_same(&rosen, &OptimizerSpec::parse("adam:lr=0.05").unwrap(), &starts, 200);
    assert!(batch::final_points(&f, &OptimizerSpec::new(OptimizerKind::Adam), &[], 10).is_empty());
}

#[test]
fn zero_steps_evaluate_the_start_only() {
    let s = SurfaceDef::Builtin(Builtin::Himmelblau);
    let starts = [Point::new(1.0, 2.0), Point::new(f64::NAN, 0.0)];
    let ends = batch::final_points(&s, &OptimizerSpec::new(OptimizerKind::Adam), &starts, 0);
    assert_eq!(ends[0], (Point::new(1.0, 2.0), None));
    assert_eq!(ends[1].1, Some(0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_starts_and_rates_match(
        b in 0..Builtin::ALL.len(),
        k in 0..8usize,
        lr in 1e-4..2.0f64,
        x in -6.0..6.0f64,
        y in -6.0..6.0f64,
        steps in 0..80usize,
    ) {
        let kind = OptimizerKind::ALL[k];
        let mut spec = OptimizerSpec::new(kind);
        spec.set(losscape::sim::Param::Lr, lr).unwrap();
        let starts: Vec<Point> =
            (0..9).map(|i| Point::new(x + 0.1 * i as f64, y - 0.07 * i as f64)).collect();
        assert_same(&SurfaceDef::Builtin(Builtin::ALL[b]), &spec, &starts, steps);
    }
}
