//! The census's speed target (issue 14): a census of a 2-8-1 network (33 parameters) on 100
//! two-moons points from 200 starts within 10 s on the development machine (2 cores).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use losscape::sim::net::census::CensusSettings;
use losscape::sim::net::census_steps;
use losscape::sim::net::data::Dataset;
use losscape::sim::net::{Architecture, Network};
use losscape::sim::run::progress::Progress;

fn bench_census(c: &mut Criterion) {
    let rows = Dataset::Moons.generate(100, 0.1, 0);
    let net = Network::new(Architecture::parse("2-8-1").unwrap(), rows, 1e-3).unwrap();
    let settings = CensusSettings::new(200, 0);
    let mut group = c.benchmark_group("census");
    group.sample_size(10);
    group.bench_function("census 2-8-1, 100 points, 200 starts", |b| {
        b.iter(|| {
            census_steps::network_census(black_box(&net), &settings, &Progress::default()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_census);
criterion_main!(benches);
