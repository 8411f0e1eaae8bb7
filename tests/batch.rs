//! The batch kernel computes exactly what the scalar path computes: the same last point, bit
//! for bit, and the same step of divergence, for every optimizer, surface and start. In float32
//! it computes what PyTorch computes in torch.float32 to the last bits (held to runs of
//! torch.optim recorded in `data/torch_float32.json`; PyTorch fuses some multiply-adds, the
//! kernel does not), and ends near the float64 runs.

use losscape::sim::run::batch;
use losscape::sim::{
    Builtin, Dtype, Formula, OptimizerKind, OptimizerSpec, Point, SurfaceDef, final_point,
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
        // PyTorch's further options.
        "gd:weight_decay=0.1,lr=0.1",
        "nesterov:weight_decay=0.2,lr=0.05",
        "adam:weight_decay=0.1,lr=0.1",
        "rmsprop:momentum=0.9,centered=true,lr=0.01",
        "rmsprop:centered=true,alpha=0.3,lr=0.05", // the other branch of grad_avg's lerp
        "rmsprop:momentum=0.5,weight_decay=0.1,lr=0.02",
        "adagrad:lr_decay=0.05,initial_accumulator_value=0.1,weight_decay=0.01,lr=0.3",
        // The new optimizers' options.
        "radam:weight_decay=0.1,decoupled_weight_decay=true,lr=0.1",
        "radam:weight_decay=0.1,beta2=0.9,lr=0.1", // ρ_t > 5 from step 6: both regimes
        "adamax:beta1=0.2,weight_decay=0.05,lr=0.2",
        "adadelta:rho=0.5,weight_decay=0.01",
        "rprop:eta_minus=0.3,eta_plus=1.5,step_max=1,lr=0.1",
        "asgd:lambd=0.01,t0=5,alpha=1,weight_decay=0.1,lr=0.1",
    ] {
        out.push(OptimizerSpec::parse(text).unwrap());
    }
    // Schedules: the rate is one of the kernel's per-step scalars.
    for (text, schedule) in [
        ("adam:lr=0.1", "cosine:t_max=50"),
        ("gd:lr=0.1", "step:step_size=10,gamma=0.5"),
        ("rprop:lr=0.05", "linear:start_factor=0.2"),
        ("asgd:lr=0.2", "exponential:gamma=0.98"),
        ("radam:lr=0.05", "cosine-restarts:t_0=20,t_mult=2"),
        ("adagrad:lr=0.1", "onecycle:max_lr=1,total_steps=200,cycle_momentum=false"),
        ("momentum:lr=0.01", "onecycle:max_lr=0.1,total_steps=200"), // the scalar path
    ] {
        let schedule = losscape::sim::LrSchedule::parse(schedule).unwrap();
        out.push(OptimizerSpec::parse(text).unwrap().with_schedule(Some(schedule)).unwrap());
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
        k in 0..OptimizerKind::ALL.len(),
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

/// One run of `data/torch_float32.json`: torch.optim in float32 (see `data/torch_float32.py`).
#[derive(serde::Deserialize)]
struct TorchCase {
    surface: String,
    optimizer: String,
    params: std::collections::BTreeMap<String, serde_json::Value>,
    start: [f64; 2],
    /// The point after each of the file's checkpoints (steps).
    points: Vec<[f64; 2]>,
}

#[derive(serde::Deserialize)]
struct TorchFloat32 {
    checkpoints: Vec<usize>,
    cases: Vec<TorchCase>,
}

/// How many float32 values lie between `a` and `b` (both float32 values held in `f64`).
fn ulps_apart(a: f64, b: f64) -> u32 {
    let key = |v: f64| {
        let bits = (v as f32).to_bits() as i64;
        if bits < 0x8000_0000 { bits } else { 0x8000_0000 - bits }
    };
    (key(a) - key(b)).unsigned_abs().min(u64::from(u32::MAX)) as u32
}

#[test]
fn float32_runs_are_pytorchs_float32_runs_to_the_last_bits() {
    // PyTorch's CPU kernels fuse a multiply and an add into one rounding (an FMA) in `add_`
    // with `alpha`, `addcmul_`, `addcdiv_` and `lerp_`; the kernel rounds the product and the
    // sum apart, as the float64 scalar path does (it must equal that path bit for bit). So a
    // step may land one float32 apart from PyTorch's, and the runs drift by float32 roundings,
    // never by more: most points are PyTorch's exactly, every one within a few ulps early and
    // 1e-5 relative after 200 steps. A kernel that computed in float64 (or in another order)
    // would match few points exactly.
    let data: TorchFloat32 =
        serde_json::from_str(include_str!("data/torch_float32.json")).expect("the torch data");
    let (mut compared, mut identical, mut failures) = (0, 0, Vec::new());
    let mut kinds = std::collections::HashSet::new();
    for case in &data.cases {
        let surface = SurfaceDef::Builtin(case.surface.parse::<Builtin>().unwrap());
        let params: Vec<String> = case.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let text = format!("{}:{}", case.optimizer, params.join(","));
        let spec = OptimizerSpec::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        kinds.insert(spec.kind());
        // The file's starts are float32 values already.
        let start = Point::new(case.start[0], case.start[1]);
        assert_eq!(start.x, f64::from(start.x as f32));
        for (&steps, &[x, y]) in data.checkpoints.iter().zip(&case.points) {
            let ends = batch::final_points_in(Dtype::Float32, &surface, &spec, &[start], steps);
            let (end, diverged) = ends[0];
            compared += 1;
            let ulps = ulps_apart(end.x, x).max(ulps_apart(end.y, y));
            identical += usize::from(ulps == 0);
            let relative = (end.x - x).hypot(end.y - y) / x.hypot(y).max(1.0);
            let close = if steps <= 3 { ulps <= 8 } else { relative <= 1e-5 };
            if diverged.is_some() || !close {
                failures.push(format!(
                    "{text} on {} from {start:?}, step {steps}: kernel ({}, {}) {diverged:?}, \
                     torch ({x}, {y}): {ulps} ulps, {relative:e} relative",
                    case.surface, end.x, end.y
                ));
            }
        }
    }
    assert!(compared >= 800, "only {compared} points compared");
    assert_eq!(kinds.len(), 8, "every first-order optimizer is compared: {kinds:?}");
    assert!(
        failures.is_empty(),
        "{} of {compared} points are further from PyTorch's float32 runs than float32 \
         rounding goes:\n{}",
        failures.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    // Measured: 708 of 852 identical (the float64 runs, rounded to float32: 278).
    assert!(
        identical * 4 >= compared * 3,
        "only {identical} of {compared} points are PyTorch's float32 values exactly"
    );
}

#[test]
fn float32_runs_end_near_the_float64_ones_wherever_the_dynamics_are_not_chaotic() {
    let (mut stable, mut total) = (0, 0);
    for surface in Builtin::ALL {
        let def = SurfaceDef::Builtin(surface);
        let scale = surface.domain().width().hypot(surface.domain().height());
        // The f32 runs start from the f32 nearest each start; so do their f64 twins.
        let starts: Vec<Point> = starts(surface.domain(), 37)
            .into_iter()
            .map(|p| Point::new(f64::from(p.x as f32), f64::from(p.y as f32)))
            .collect();
        // Where a nudge of about an f32 rounding moves the f64 end, the run is chaotic (GD on
        // Rastrigin bounces between wells): any rounding, f32 or f64, picks the way there.
        let nudged: Vec<Point> = starts.iter().map(|p| p * (1.0 + 1e-6)).collect();
        // The optimizers the kernel serves; the others compute in f64 whatever the dtype.
        let served = |k: &OptimizerKind| batch::in_kernel(&OptimizerSpec::new(*k));
        for kind in OptimizerKind::ALL.into_iter().filter(served) {
            let spec = &OptimizerSpec::new(kind);
            let single = batch::final_points_in(Dtype::Float32, &def, spec, &starts, 20);
            let double = batch::final_points(&def, spec, &starts, 20);
            let twins = batch::final_points(&def, spec, &nudged, 20);
            let (mut near, mut sensible) = (0, 0);
            for ((&(p32, d32), &(p64, d64)), &(twin, _)) in single.iter().zip(&double).zip(&twins) {
                // Every f32 end is an f32: the runs really computed in single precision.
                assert_eq!(p32.x, f64::from(p32.x as f32), "{spec} on {surface}");
                assert_eq!(p32.y, f64::from(p32.y as f32), "{spec} on {surface}");
                // Together: both near, or both diverged, or both run away and the f32 one
                // overflowed first (at 3.4e38 rather than 1.8e308).
                let together = match (d32, d64) {
                    (None, None) => (p32 - p64).norm() <= 1e-3 * scale.max(p64.norm()),
                    (Some(_), Some(_)) => true,
                    _ => p32.norm().min(p64.norm()) > 1e6 * scale,
                };
                let chaotic = (twin - p64).norm() > 1e-4 * scale.max(p64.norm());
                if !chaotic {
                    sensible += 1;
                    near += usize::from(together);
                }
            }
            assert!(
                near >= sensible * 9 / 10,
                "{spec} on {surface}: {near} of {sensible} f32 runs near their f64 twin"
            );
            (stable, total) = (stable + sensible, total + starts.len());
        }
    }
    // The check above covers most runs, not a few.
    assert!(stable >= total * 3 / 4, "only {stable} of {total} runs were not chaotic");
}
