//! The networks' speed targets (issue 13): training a 2-16-16-1 network 2000 full-batch Adam
//! steps on 200 points within 1 s, and a 51 × 51 slice of it within 0.5 s; its Hessian and its
//! path's principal directions (a network scene's first frame); and the model surfaces'
//! evaluation cost.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::sim::net::data::Dataset;
use losscape::sim::net::model::{Model, ModelKind};
use losscape::sim::net::{self, Architecture, Directions, Network, Slice};
use losscape::sim::{OptimizerSpec, Point, Surface};

fn network() -> Network {
    let rows = Dataset::Moons.generate(200, 0.1, 0);
    Network::new(Architecture::parse("2-16-16-1").unwrap(), rows, 0.0).unwrap()
}

fn bench_training(c: &mut Criterion) {
    let net = network();
    let theta0 = net.architecture().init(0);
    let spec = OptimizerSpec::parse("adam:lr=0.01").unwrap();
    let mut group = c.benchmark_group("network");
    group.sample_size(10);
    group.bench_function("train 2-16-16-1, 200 points, 2000 adam steps", |b| {
        b.iter(|| net::train(black_box(&net), &theta0, spec, 2000, None, None).unwrap())
    });
    let run = net::train(&net, &theta0, spec, 2000, None, None).unwrap();
    let slice = Slice::of_training(Arc::new(net.clone()), &run, Directions::Filter, 0, 1.0);
    let axis: Vec<f64> = (0..51).map(|i| -1.0 + 2.0 * f64::from(i) / 50.0).collect();
    group.bench_function("slice 51x51 of the trained 2-16-16-1", |b| {
        b.iter(|| {
            let mut out = vec![0.0; 51 * 51];
            slice.sample_grid(&axis, &axis, &mut out);
            out
        })
    });
    group.bench_function("hessian of the trained 2-16-16-1 (337 x 337)", |b| {
        b.iter(|| net.hessian(black_box(&run.theta)))
    });
    // A saddle-free Newton step: the exact Hessian, its eigendecomposition, the solve.
    let sfn = OptimizerSpec::parse("sfn:lr=0.5").unwrap();
    group.bench_function("one saddle-free Newton step of the 2-16-16-1", |b| {
        b.iter(|| net::train(black_box(&net), &run.theta, sfn, 1, None, None).unwrap())
    });
    // A network scene's PCA directions: the two leading principal directions of the 2001-point
    // path (400 of its points) in 337 dimensions.
    group.bench_function("pca directions of the 2-16-16-1 path (400 points)", |b| {
        b.iter(|| net::pca_directions(black_box(&run.path), &run.theta))
    });
    group.finish();
}

fn bench_models(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    for kind in ModelKind::ALL {
        let m = Model::on_dataset(kind, kind.default_dataset(), 100, 0.1, 0).unwrap();
        group.bench_function(format!("{kind} value_grad, 100 points"), |b| {
            b.iter(|| m.value_grad(black_box(Point::new(0.3, -0.2))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_training, bench_models);
criterion_main!(benches);
