//! The spectrum's unit of work (issue 22): one exact Hessian-vector product of a 64-256-256-10
//! network (85 002 parameters) on the 1 797 digits, by the R-operator on whole matrices on all
//! cores — what each of the 90 × 10 Lanczos steps of `losscape spectrum` costs, beside
//! PyTorch's double-backward product (`benches/torch_spectrum.py`). Also the forward and backward
//! pass that [`Curvature`] keeps for those products, and one training step's gradient.
//!
//! `cargo bench --bench spectrum`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::sim::net::spectrum::{Curvature, Loss, Widths, digits, init};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn bench_spectrum(c: &mut Criterion) {
    let loss = Loss::new(Widths::parse("64-256-256-10").unwrap(), digits(), 0.0).unwrap();
    let theta = init(loss.widths(), 0);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let v: Vec<f64> = (0..loss.n_params()).map(|_| rng.random_range(-1.0..1.0)).collect();
    let curvature = Curvature::at(&loss, &theta).unwrap();
    let mut group = c.benchmark_group("spectrum 64-256-256-10 on digits");
    group.sample_size(20);
    group.bench_function("one Hessian-vector product", |b| {
        b.iter(|| curvature.hessian_vector(black_box(&v)).unwrap())
    });
    group.bench_function("forward and backward kept (Curvature::at)", |b| {
        b.iter(|| Curvature::at(&loss, black_box(&theta)).unwrap())
    });
    group.bench_function("loss and gradient (a training step's)", |b| {
        b.iter(|| loss.value_and_gradient(black_box(&theta)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_spectrum);
criterion_main!(benches);
