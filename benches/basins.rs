//! The basin map's kernel: Adam from every cell of a grid on rosenbrock, as
//! `losscape basins --surface rosenbrock --optimizer adam:lr=0.01 --grid 256 --steps 500` runs it
//! (here 64² cells, so a sample takes a fraction of a second), on one core (`batch`) and on all
//! (`job`, which adds the critical points and the classification).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use losscape::sim::basins::{BasinJob, Progress};
use losscape::sim::{Builtin, Domain, Dtype, OptimizerSpec, SurfaceDef, batch};

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

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = basins
}
criterion_main!(benches);
