//! The basin map's kernel: Adam from every cell of a grid on rosenbrock, as
//! `losscape basins --surface rosenbrock --optimizer adam:lr=0.01 --grid 256 --steps 500` runs it
//! (here 64² cells, so a sample takes a fraction of a second), on one core (`batch`) and on all
//! (`job`, which adds the critical points and the classification). And the floor under any
//! Adam kernel in PyTorch's order: a loop of nothing but its square roots and divisions.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use losscape::sim::run::basins::{BasinJob, Progress};
use losscape::sim::run::batch;
use losscape::sim::{Builtin, Domain, Dtype, OptimizerSpec, SurfaceDef};

const GRID: usize = 64;
const STEPS: usize = 500;

fn basins(c: &mut Criterion) {
    let job = BasinJob {
        surface: SurfaceDef::Builtin(Builtin::Rosenbrock),
        spec: OptimizerSpec::parse("adam:lr=0.01").expect("valid spec"),
        domain: Domain::new(-2.0, 2.0, -1.0, 3.0).expect("valid domain"),
        grid: GRID,
        steps: STEPS,
        dtype: Dtype::Float64,
    };
    let starts: Vec<_> = (0..GRID)
        .flat_map(|j| (0..GRID).map(move |i| (i, j)))
        .map(|(i, j)| job.cell_centre(i, j))
        .collect();
    let mut group = c.benchmark_group("basins/rosenbrock/adam");
    group.throughput(Throughput::Elements((GRID * GRID * STEPS) as u64));
    for dtype in Dtype::ALL {
        group.bench_function(format!("batch {dtype} (one core)"), |b| {
            b.iter(|| {
                let spec = black_box(&job.spec);
                batch::final_points_in(dtype, &job.surface, spec, black_box(&starts), STEPS)
            })
        });
        let job = BasinJob { dtype, ..job.clone() };
        group.bench_function(format!("job {dtype} (all cores)"), |b| {
            b.iter(|| black_box(job.clone()).run(&Progress::default()).expect("not cancelled"))
        });
    }
    group.finish();
}

/// Per step of Adam in PyTorch's order, per coordinate: `√v / bc₂ + ε`, then `m / denom`; two
/// coordinates, so two square roots and four divisions, over 32 independent lanes, as the batch
/// kernel lays them out. Nothing else: the divider and square-root unit's own floor.
macro_rules! floor {
    ($bench:ident, $run:ident, $name:ident, $avx2:ident, $t:ty) => {
        #[inline(always)]
        fn $name(v: &mut [$t; 32], m: &mut [$t; 32], steps: usize) {
            let (c, eps) = (0.7 as $t, 1e-8 as $t);
            for _ in 0..steps {
                for i in 0..32 {
                    let d = v[i].sqrt() / c + eps;
                    m[i] = m[i] / d + 1.0;
                    let d = m[i].sqrt() / c + eps;
                    v[i] = v[i] / d + 1.0;
                }
            }
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn $avx2(v: &mut [$t; 32], m: &mut [$t; 32], steps: usize) {
            $name(v, m, steps)
        }

        /// In 256-bit registers where the CPU has them, as the batch kernel runs.
        fn $run(v: &mut [$t; 32], m: &mut [$t; 32], steps: usize) {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has just been found to support AVX2.
                return unsafe { $avx2(v, m, steps) };
            }
            $name(v, m, steps)
        }

        /// As many lanes × steps as the basin kernel's benchmark runs.
        fn $bench(group: &mut BenchmarkGroup<'_, WallTime>) {
            let label = format!("{} (2 sqrt + 4 div a step)", stringify!($t));
            group.bench_function(label, |b| {
                b.iter(|| {
                    for j in 0..GRID * GRID / 32 {
                        let (mut v, mut m) = ([1.0 + j as $t; 32], [2.0; 32]);
                        $run(&mut v, &mut m, STEPS);
                        black_box((v, m));
                    }
                })
            });
        }
    };
}
floor!(bench_floor_f64, run_floor_f64, floor_f64, floor_f64_avx2, f64);
floor!(bench_floor_f32, run_floor_f32, floor_f32, floor_f32_avx2, f32);

fn divider_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("basins/divider floor");
    group.throughput(Throughput::Elements((GRID * GRID * STEPS) as u64));
    bench_floor_f64(&mut group);
    bench_floor_f32(&mut group);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = basins, divider_floor
}
criterion_main!(benches);
