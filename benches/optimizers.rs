//! Steps per second of every optimizer on `rosenbrock`, built in and typed as a formula.
//!
//! One step is what a trajectory does per point: evaluate f and ∇f (and ∇²f for the Newton
//! methods), then update. Two groups per surface: `single` runs one trajectory, whose every step
//! waits on the one before (latency); `lockstep` runs 16 start points side by side, as the app
//! (every start runs every optimizer) and the basin map do (throughput on one core). Targets
//! (issue #2): an Adam step on a built-in surface ≤ 20 ns (≥ 50 M steps/s on one core); a
//! formula surface within 5× of its built-in twin.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use losscape::sim::run::batch;
use losscape::sim::{
    Builtin, Formula, OptimizerSpec, Point, Surface, SurfaceDef, final_point, final_points,
};

/// Steps per measured iteration: long enough to amortise the set-up of a run.
const STEPS: usize = 256;

/// A learning rate per optimizer that keeps 256 steps from (−1.5, 2) on rosenbrock finite (the
/// same settings as the PyTorch reference cases where there is one).
const SPECS: [&str; 17] = [
    "gd:lr=0.001",
    "momentum:lr=0.0005",
    "nesterov:lr=0.0005",
    "adagrad:lr=0.5",
    "rmsprop:lr=0.001",
    "adam:lr=0.05",
    "adamw:lr=0.05",
    "nadam:lr=0.02",
    "radam:lr=0.01",
    "adamax:lr=0.01",
    "adadelta",
    "rprop:lr=0.001",
    "asgd:lr=0.0005",
    "adafactor:lr=0.01",
    "lbfgs:lr=0.5",
    "newton",
    "sfn",
];

/// Start points side by side in the lockstep group.
const STARTS: usize = 16;

/// Start points in the batch group.
const BATCH: usize = 64;

fn bench_surface<S: Surface>(c: &mut Criterion, name: &str, surface: &S) {
    let start = Point::new(-1.5, 2.0);
    let starts: Vec<Point> =
        (0..STARTS).map(|i| start + Point::new(0.01 * i as f64, -0.005 * i as f64)).collect();
    let mut single = c.benchmark_group(format!("{name}/single"));
    single.throughput(Throughput::Elements(STEPS as u64));
    for text in SPECS {
        let spec = OptimizerSpec::parse(text).expect("valid spec");
        for &s in &starts {
            let (_, diverged) = final_point(surface, &spec, s, STEPS);
            assert_eq!(
                diverged, None,
                "{text} must not diverge, or the benchmark measures nothing"
            );
        }
        single.bench_function(spec.kind().name(), |b| {
            b.iter(|| final_point(surface, black_box(&spec), black_box(start), STEPS))
        });
    }
    single.finish();
    let mut lockstep = c.benchmark_group(format!("{name}/lockstep"));
    lockstep.throughput(Throughput::Elements((STEPS * STARTS) as u64));
    for text in SPECS {
        let spec = OptimizerSpec::parse(text).expect("valid spec");
        lockstep.bench_function(spec.kind().name(), |b| {
            b.iter(|| final_points(surface, black_box(&spec), black_box(&starts), STEPS))
        });
    }
    lockstep.finish();
}

/// The batch kernel (`sim::run::batch`), as the basin map runs it: 64 starts in blocks of eight
/// lanes, branch-free, SIMD where the CPU has it.
fn bench_batch(c: &mut Criterion, name: &str, surface: &SurfaceDef) {
    let starts: Vec<Point> =
        (0..BATCH).map(|i| Point::new(-1.5 + 0.01 * i as f64, 2.0 - 0.005 * i as f64)).collect();
    let mut group = c.benchmark_group(format!("{name}/batch"));
    group.throughput(Throughput::Elements((STEPS * BATCH) as u64));
    for text in SPECS {
        let spec = OptimizerSpec::parse(text).expect("valid spec");
        group.bench_function(spec.kind().name(), |b| {
            b.iter(|| batch::final_points(surface, black_box(&spec), black_box(&starts), STEPS))
        });
    }
    group.finish();
}

fn optimizers(c: &mut Criterion) {
    bench_surface(c, "rosenbrock/builtin", &Builtin::Rosenbrock);
    let formula = Formula::parse(Builtin::Rosenbrock.formula()).expect("catalogue formula parses");
    bench_surface(c, "rosenbrock/formula", &formula);
    bench_batch(c, "rosenbrock/builtin", &SurfaceDef::Builtin(Builtin::Rosenbrock));
    bench_batch(c, "rosenbrock/formula", &SurfaceDef::Formula(std::sync::Arc::new(formula)));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(2));
    targets = optimizers
}
criterion_main!(benches);
