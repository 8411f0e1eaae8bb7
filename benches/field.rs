//! The picture of a surface for a 1024 × 1024 view: sampling, colouring, 20 contour levels.
//!
//! Target (a stated requirement): the whole field — sample, colour, contours — in ≤ 16 ms
//! median on a two-core machine, for `escape-saddle` (the default lecture scene) and `bowls`
//! (four Gaussian wells: four `exp` per sample). Each stage is measured alone too, on a linear
//! and on a logarithmic colour scale.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use losscape::field::{ColorScale, Colormap, Field, FieldLayers, FieldStyle, colorize, contours};
use losscape::sim::{Builtin, SurfaceDef};

/// The view's side in pixels.
const SIDE: usize = 1024;

/// Contour levels drawn.
const LEVELS: usize = 20;

fn bench_surface(c: &mut Criterion, surface: Builtin) {
    // The app samples through `SurfaceDef`, so the benchmark does too.
    let def = SurfaceDef::Builtin(surface);
    let domain = surface.domain();
    let mut group = c.benchmark_group(format!("field/{}", surface.name()));
    group.throughput(Throughput::Elements((SIDE * SIDE) as u64));

    group.bench_function("sample", |b| {
        b.iter(|| Field::sample(black_box(&def), black_box(domain), SIDE, SIDE))
    });

    let field = Field::sample(&def, domain, SIDE, SIDE).expect("valid grid");
    for log in [false, true] {
        let scale = ColorScale::for_field(&field, log);
        let name = if log { "log" } else { "linear" };
        group.bench_function(format!("colorize/{name}"), |b| {
            b.iter(|| colorize(black_box(&field), Colormap::Viridis, black_box(&scale)))
        });
        let levels = scale.levels(LEVELS);
        let lines = contours(&field, &levels);
        assert_eq!(lines.len(), LEVELS);
        assert!(lines.iter().all(|l| !l.polylines.is_empty()), "every level draws");
        group.bench_function(format!("contours/{name}"), |b| {
            b.iter(|| contours(black_box(&field), black_box(&levels)))
        });
    }

    for log in [false, true] {
        let style =
            FieldStyle { colormap: Colormap::Viridis, log_scale: log, contour_count: LEVELS };
        let name = if log { "log" } else { "linear" };
        group.bench_function(format!("all/{name}"), |b| {
            b.iter(|| FieldLayers::compute(black_box(&def), domain, SIDE, SIDE, &style))
        });
    }
    group.finish();
}

fn field(c: &mut Criterion) {
    bench_surface(c, Builtin::EscapeSaddle);
    bench_surface(c, Builtin::Bowls);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = field
}
criterion_main!(benches);
