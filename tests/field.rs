//! The picture of a surface: sampling, the pixel ↔ coordinate mapping, colour maps and scales,
//! and contour lines (`losscape::field`).

use losscape::field::{
    ColorScale, Colormap, ContourLine, Field, FieldLayers, FieldStyle, NAN_RGBA, colorize,
    contour_levels, contours, contours_with_threads,
};
use losscape::sim::{Builtin, Domain, Gradient, Hessian, Point, Surface};
use proptest::prelude::*;

/// `x² + y²`, a test surface with round contours.
struct Paraboloid;

impl Surface for Paraboloid {
    fn value(&self, p: Point) -> f64 {
        p.x * p.x + p.y * p.y
    }
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        (self.value(p), 2.0 * p)
    }
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        (self.value(p), 2.0 * p, Hessian::identity() * 2.0)
    }
}

/// `ln(x) + y`: undefined (NaN) on the left half of a domain around the origin.
struct HalfDefined;

impl Surface for HalfDefined {
    fn value(&self, p: Point) -> f64 {
        p.x.ln() + p.y
    }
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        (self.value(p), Gradient::new(1.0 / p.x, 1.0))
    }
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        let (v, g) = self.value_grad(p);
        (v, g, Hessian::new(-1.0 / (p.x * p.x), 0.0, 0.0, 0.0))
    }
}

fn domain(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Domain {
    Domain::new(x_min, x_max, y_min, y_max).expect("valid domain")
}

/// Relative luminance (Rec. 709) of an sRGB colour, linearised.
fn luminance(c: [u8; 4]) -> f64 {
    let lin = |u: u8| {
        let s = f64::from(u) / 255.0;
        if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

fn pixel(rgba: &[u8], field: &Field, column: usize, row: usize) -> [u8; 4] {
    let k = 4 * (row * field.nx() + column);
    rgba[k..k + 4].try_into().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Sampling and the mapping.

#[test]
fn each_sample_is_f_at_its_mapped_point() {
    for surface in [Builtin::Bowls, Builtin::EscapeSaddle, Builtin::Rosenbrock] {
        let d = surface.domain();
        let f = Field::sample(&surface, d, 97, 61).unwrap();
        for j in 0..61 {
            for i in 0..97 {
                let p = f.point(i, j);
                // Equal up to the last bits (bowls' separable grid sampler multiplies two exps
                // where `value` takes one).
                let (got, want) = (f.get(i, j).unwrap(), surface.value(p));
                assert!(
                    (got - want).abs() <= 1e-14 * want.abs().max(1.0),
                    "{surface:?} at ({i}, {j}): {got} vs {want}"
                );
                assert!(d.contains(p));
                // The mapping's inverse gives the indices back, and the cell containing p.
                let (u, v) = f.grid_coords(p);
                assert!((u - i as f64).abs() < 1e-9 && (v - j as f64).abs() < 1e-9);
                assert_eq!(f.cell_at(p), Some((i, j)));
            }
        }
        assert_eq!(f.get(97, 0), None);
    }
}

#[test]
fn cells_tile_the_domain_exactly() {
    let d = domain(-2.0, 2.0, -1.0, 3.0);
    let f = Field::sample(&Paraboloid, d, 8, 4).unwrap();
    assert_eq!(f.dx(), 0.5);
    assert_eq!(f.dy(), 1.0);
    // First and last centres half a cell inside the edges.
    assert_eq!(f.point(0, 0), Point::new(-1.75, -0.5));
    assert_eq!(f.point(7, 3), Point::new(1.75, 2.5));
    // The domain's corners fall in the corner cells; points just outside in none.
    assert_eq!(f.cell_at(Point::new(-2.0, -1.0)), Some((0, 0)));
    assert_eq!(f.cell_at(Point::new(2.0, 3.0)), Some((7, 3)));
    assert_eq!(f.cell_at(Point::new(-1.5 + 1e-12, 0.0)), Some((1, 1)));
    assert_eq!(f.cell_at(Point::new(-2.0 - 1e-12, 0.0)), None);
    assert_eq!(f.cell_at(Point::new(0.0, 3.0 + 1e-12)), None);
}

#[test]
fn image_pixels_map_to_samples_top_row_first() {
    let d = domain(-1.0, 1.0, 0.0, 2.0);
    let f = Field::sample(&Paraboloid, d, 5, 3).unwrap();
    let scale = ColorScale::for_field(&f, false);
    let rgba = colorize(&f, Colormap::Viridis, &scale);
    assert_eq!(rgba.len(), 4 * 5 * 3);
    for row in 0..3 {
        for column in 0..5 {
            let p = f.pixel_center(column, row);
            assert_eq!(f.pixel_at(p), Some((column, row)));
            let expected = Colormap::Viridis.rgba(scale.position(Paraboloid.value(p)).unwrap());
            assert_eq!(pixel(&rgba, &f, column, row), expected, "pixel ({column}, {row})");
        }
    }
    // Row 0 is the top: y_max.
    assert!(f.pixel_center(0, 0).y > f.pixel_center(0, 2).y);
    assert_eq!(f.pixel_center(2, 0), f.point(2, 2));
}

#[test]
fn undefined_values_are_nan_outside_the_range() {
    let f = Field::sample(&HalfDefined, domain(-1.0, 1.0, -1.0, 1.0), 40, 40).unwrap();
    assert!(f.get(0, 0).unwrap().is_nan());
    assert!(f.get(39, 0).unwrap().is_finite());
    let (min, max) = f.range().unwrap();
    assert!(min.is_finite() && max.is_finite() && min < max);
}

// ---------------------------------------------------------------------------------------------
// Colour.

#[test]
fn min_and_max_get_the_ends_of_the_map() {
    let f = Field::sample(&Builtin::Bowls, Builtin::Bowls.domain(), 64, 64).unwrap();
    let (min, max) = f.range().unwrap();
    for log in [false, true] {
        let scale = ColorScale::for_field(&f, log);
        let rgba = colorize(&f, Colormap::Magma, &scale);
        for map in Colormap::ALL {
            let first = colorous_like(map, 0.0);
            let last = colorous_like(map, 1.0);
            assert_eq!(map.rgba(scale.position(min).unwrap()), first, "{map} log={log}");
            assert_eq!(map.rgba(scale.position(max).unwrap()), last, "{map} log={log}");
        }
        // In the picture too: the pixel of the minimum is magma's first colour.
        let (i, j) = (0..64 * 64)
            .map(|k| (k % 64, k / 64))
            .find(|&(i, j)| f.get(i, j) == Some(min))
            .unwrap();
        assert_eq!(pixel(&rgba, &f, i, 63 - j), Colormap::Magma.lut()[0]);
    }
}

/// The colour a map's table has at its ends, checked against the reference values of the
/// published maps.
fn colorous_like(map: Colormap, t: f64) -> [u8; 4] {
    let (first, last) = match map {
        Colormap::Viridis => ([68, 1, 84], [253, 231, 37]),
        Colormap::Magma => ([0, 0, 4], [252, 253, 191]),
        Colormap::Inferno => ([0, 0, 4], [252, 255, 164]),
        Colormap::Plasma => ([13, 8, 135], [240, 249, 33]),
        Colormap::Cividis => ([0, 32, 81], [253, 234, 69]),
        Colormap::Turbo => ([35, 23, 27], [144, 12, 0]),
    };
    let lut = map.lut();
    let (expected, got) = if t == 0.0 { (first, lut[0]) } else { (last, lut[lut.len() - 1]) };
    for c in 0..3 {
        assert!(
            (i32::from(got[c]) - expected[c]).abs() <= 2,
            "{map} at {t}: {got:?} vs reference {expected:?}"
        );
    }
    got
}

#[test]
fn viridis_luminance_increases() {
    let lut = Colormap::Viridis.lut();
    for k in 1..lut.len() {
        // Neighbouring entries may differ by one 8-bit step of one channel; over 4 entries the
        // luminance strictly grows.
        assert!(luminance(lut[k]) > luminance(lut[k - 1]) - 5e-4, "viridis entry {k}");
        if k >= 4 {
            assert!(luminance(lut[k]) > luminance(lut[k - 4]), "viridis entries {}..{k}", k - 4);
        }
        assert_eq!(lut[k][3], 255);
    }
    // And along the scale, on a field.
    let f = Field::sample(&Paraboloid, domain(0.0, 1.0, 0.0, 1.0), 256, 1).unwrap();
    for log in [false, true] {
        let rgba = colorize(&f, Colormap::Viridis, &ColorScale::for_field(&f, log));
        for i in 1..256 {
            let (here, before) = (pixel(&rgba, &f, i, 0), pixel(&rgba, &f, i - 1, 0));
            assert!(luminance(here) > luminance(before) - 5e-4, "log={log}, pixel {i}");
        }
    }
}

#[test]
fn log_scale_shows_rosenbrocks_valley() {
    let f = Field::sample(&Builtin::Rosenbrock, Builtin::Rosenbrock.domain(), 200, 200).unwrap();
    let (min, max) = f.range().unwrap();
    assert!(max > 2000.0);
    let separation = |log| {
        let scale = ColorScale::new(min, max, log);
        scale.position(1000.0).unwrap() - scale.position(0.9).unwrap()
    };
    let spread = |log| {
        // How far apart the valley floor's values (below 1) are spread.
        let scale = ColorScale::new(min, max, log);
        scale.position(0.9).unwrap() - scale.position(0.01).unwrap()
    };
    let (log, linear) = (separation(true), separation(false));
    assert!(log > 1.4 * linear, "log {log} vs linear {linear}");
    assert!(spread(true) > 0.2, "log spread {}", spread(true));
    assert!(spread(false) < 0.001);
    // The valley's pixels get distinct colours on the log scale, one colour on the linear one.
    let colours = |log| {
        let scale = ColorScale::new(min, max, log);
        let rgba = colorize(&f, Colormap::Viridis, &scale);
        let mut seen: Vec<[u8; 4]> = (0..200 * 200)
            .filter(|&k| f.values()[k] < 1.0)
            .map(|k| {
                let (i, j) = (k % 200, k / 200);
                pixel(&rgba, &f, i, 199 - j)
            })
            .collect();
        seen.sort();
        seen.dedup();
        seen.len()
    };
    assert!(colours(true) >= 20, "log: {}", colours(true));
    assert!(colours(false) <= 2, "linear: {}", colours(false));
}

#[test]
fn beale_valley_is_visible_on_the_log_scale() {
    let f = Field::sample(&Builtin::Beale, Builtin::Beale.domain(), 200, 200).unwrap();
    let (min, max) = f.range().unwrap();
    assert!(max > 1e4);
    let scale = ColorScale::new(min, max, true);
    let t = |v| scale.position(v).unwrap();
    // The valley floor (values 1 to 100) gets a third of the colours, not 0.05 %.
    assert!(t(100.0) - t(1.0) > 0.25, "{} {}", t(1.0), t(100.0));
    assert!(t(10.0) > 0.1 && t(1e3) < 0.7);
    let linear = ColorScale::new(min, max, false);
    assert!(linear.position(100.0).unwrap() < 1e-3);
}

#[test]
fn nan_is_transparent_and_never_panics() {
    let f = Field::sample(&HalfDefined, domain(-1.0, 1.0, -1.0, 1.0), 10, 10).unwrap();
    for log in [false, true] {
        let rgba = colorize(&f, Colormap::Turbo, &ColorScale::for_field(&f, log));
        assert_eq!(pixel(&rgba, &f, 0, 0), NAN_RGBA);
        assert_eq!(pixel(&rgba, &f, 9, 0)[3], 255);
    }
    // Every sample NaN: a flat scale, all transparent.
    let nan = Field::from_values(domain(0.0, 1.0, 0.0, 1.0), 3, 2, vec![f64::NAN; 6]).unwrap();
    let scale = ColorScale::for_field(&nan, true);
    assert!(scale.is_flat());
    assert!(colorize(&nan, Colormap::Viridis, &scale).chunks(4).all(|c| c == NAN_RGBA));
    assert_eq!(Colormap::Viridis.rgba(f64::NAN), NAN_RGBA);
    assert_eq!(scale.position(f64::NAN), None);
}

#[test]
fn flat_fields_get_the_middle_colour() {
    let f = Field::from_values(domain(0.0, 1.0, 0.0, 1.0), 2, 2, vec![3.0; 4]).unwrap();
    for log in [false, true] {
        let rgba = colorize(&f, Colormap::Viridis, &ColorScale::for_field(&f, log));
        assert!(rgba.chunks(4).all(|c| c == Colormap::Viridis.rgba(0.5)));
        assert!(contour_levels(3.0, 3.0, 10, log).is_empty());
    }
    let inf = ColorScale::new(f64::NEG_INFINITY, f64::INFINITY, false);
    assert_eq!(inf.position(1.0), Some(0.5));
}

// ---------------------------------------------------------------------------------------------
// Contour levels.

#[test]
fn levels_are_even_in_the_scale() {
    let linear = contour_levels(0.0, 10.0, 4, false);
    assert_eq!(linear, vec![2.0, 4.0, 6.0, 8.0]);
    let log = contour_levels(0.0, 1e4, 5, true);
    assert_eq!(log.len(), 5);
    let scale = ColorScale::new(0.0, 1e4, true);
    for (k, level) in log.iter().enumerate() {
        let t = scale.position(*level).unwrap();
        assert!((t - (k + 1) as f64 / 6.0).abs() < 1e-9);
    }
    // Log-spaced: well above δ, each level is the one below times the same factor.
    let ratios: Vec<f64> = log.windows(2).map(|w| w[1] / w[0]).collect();
    assert!(ratios.iter().all(|r| *r > 6.0), "{ratios:?}");
    assert!((ratios[3] / ratios[2] - 1.0).abs() < 0.01, "{ratios:?}");
    assert!(contour_levels(f64::NAN, 1.0, 5, false).is_empty());
    assert!(contour_levels(2.0, 1.0, 5, false).is_empty());
    assert!(contour_levels(0.0, 1.0, 0, false).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Contour lines.

fn all_points(line: &ContourLine) -> impl Iterator<Item = [f64; 2]> + '_ {
    line.polylines.iter().flatten().copied()
}

#[test]
fn circle_contours_lie_on_their_level_sets_and_close() {
    let d = domain(-2.0, 2.0, -2.0, 2.0);
    let f = Field::sample(&Paraboloid, d, 101, 101).unwrap();
    let h = f.dx();
    let levels = [0.25, 0.5, 1.0, 2.0, 3.5];
    let lines = contours(&f, &levels);
    assert_eq!(lines.len(), levels.len());
    for line in &lines {
        // Linear interpolation along an edge of length h misses f by at most h²/4·f'' / 2.
        for [x, y] in all_points(line) {
            let err = (x * x + y * y - line.level).abs();
            assert!(err <= h * h / 4.0 + 1e-12, "level {}: f = {}", line.level, x * x + y * y);
        }
        // One closed polyline: first point == last point.
        assert_eq!(line.polylines.len(), 1, "level {}", line.level);
        let poly = &line.polylines[0];
        assert_eq!(poly.first(), poly.last(), "level {}", line.level);
        assert!(poly.len() > 10);
        // It goes once around: the angle turns by 2π.
        let turn: f64 = poly
            .windows(2)
            .map(|w| {
                let a = w[1][1].atan2(w[1][0]) - w[0][1].atan2(w[0][0]);
                (a + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI
            })
            .sum();
        assert!((turn.abs() - std::f64::consts::TAU).abs() < 1e-9, "turn {turn}");
        // No repeated consecutive points.
        assert!(poly.windows(2).all(|w| w[0] != w[1]));
    }
}

#[test]
fn a_clipped_circle_is_one_open_polyline() {
    // The level-set x² + y² = 4 leaves the domain [0, 3]²: a quarter arc, open at both ends.
    let f = Field::sample(&Paraboloid, domain(0.0, 3.0, 0.0, 3.0), 60, 60).unwrap();
    let lines = contours(&f, &[4.0]);
    assert_eq!(lines[0].polylines.len(), 1);
    let arc = &lines[0].polylines[0];
    assert_ne!(arc.first(), arc.last());
    // Its ends are on the border of the sampled nodes.
    let edge = f.x(0);
    for end in [arc[0], arc[arc.len() - 1]] {
        assert!(end[0] == edge || end[1] == edge, "{end:?}");
    }
}

#[test]
fn elongated_bowl_contours_are_ellipses() {
    let b = Builtin::ElongatedBowl;
    let f = Field::sample(&b, b.domain(), 200, 100).unwrap();
    let levels = contour_levels(f.range().unwrap().0, 8.0, 6, false);
    let h2 = f.dx().max(f.dy()).powi(2);
    for line in contours(&f, &levels) {
        assert_eq!(line.polylines.len(), 1);
        for [x, y] in all_points(&line) {
            // f'' ≤ 4 along an edge: error ≤ h²/8·4.
            assert!((b.value(Point::new(x, y)) - line.level).abs() <= h2 / 2.0);
        }
    }
}

#[test]
fn saddle_level_zero_gives_the_two_diagonals() {
    let b = Builtin::Saddle;
    // Unequal sides, so that no node lies exactly on a diagonal.
    let f = Field::sample(&b, b.domain(), 81, 64).unwrap();
    let lines = contours(&f, &[0.0]);
    let polys = &lines[0].polylines;
    assert_eq!(polys.len(), 2, "two lines through the saddle");
    let h = f.dx().max(f.dy());
    for [x, y] in all_points(&lines[0]) {
        assert!((x.abs() - y.abs()).abs() <= h, "({x}, {y}) is off the diagonals");
    }
    // Their ends are the four corners of the sampled square; each passes by the centre.
    let (lo, hi) = (f.x(0).max(f.y(0)), f.x(80).min(f.y(63)));
    let mut corners = 0;
    for poly in polys {
        assert_ne!(poly.first(), poly.last());
        for end in [poly[0], poly[poly.len() - 1]] {
            assert!(end[0].abs() >= lo.abs() - h && end[1].abs() >= hi.abs() - h, "{end:?}");
            corners |= 1 << (usize::from(end[0] > 0.0) + 2 * usize::from(end[1] > 0.0));
        }
        assert!(poly.iter().any(|p| p[0].hypot(p[1]) < h));
    }
    assert_eq!(corners, 0b1111, "all four corners reached");
}

#[test]
fn levels_outside_the_data_draw_nothing() {
    let f = Field::sample(&Paraboloid, domain(-1.0, 1.0, -1.0, 1.0), 30, 30).unwrap();
    let (min, max) = f.range().unwrap();
    let lines = contours(&f, &[min - 1.0, min, max, max + 1.0, f64::INFINITY]);
    assert_eq!(lines.len(), 4, "the infinite level is dropped");
    for line in &lines {
        assert!(line.polylines.is_empty(), "level {} drew {:?}", line.level, line.polylines);
    }
    // And the levels from `contour_levels` all draw.
    for line in contours(&f, &contour_levels(min, max, 10, false)) {
        assert!(!line.polylines.is_empty());
    }
}

#[test]
fn nan_cells_draw_nothing() {
    // ln(x) + y: no segment may touch the NaN half x < 0 (nodes there are NaN).
    let f = Field::sample(&HalfDefined, domain(-1.0, 1.0, -1.0, 1.0), 50, 50).unwrap();
    let (min, max) = f.range().unwrap();
    let lines = contours(&f, &contour_levels(min, max, 15, false));
    let first_finite_column = (0..50).find(|&i| f.get(i, 0).unwrap().is_finite()).unwrap();
    let mut points = 0;
    for line in &lines {
        for [x, y] in all_points(line) {
            points += 1;
            assert!(x >= f.x(first_finite_column), "({x}, {y}) in a NaN cell");
            assert!((x.ln() + y - line.level).abs() < 0.2);
        }
    }
    assert!(points > 100);
    // A field with a NaN in every cell: no lines at all.
    let mut values = vec![0.0; 16];
    for (k, v) in values.iter_mut().enumerate() {
        *v = if k % 2 == 0 { f64::NAN } else { k as f64 };
    }
    let f = Field::from_values(domain(0.0, 1.0, 0.0, 1.0), 4, 4, values).unwrap();
    assert!(contours(&f, &[2.0, 5.0, 9.0]).iter().all(|l| l.polylines.is_empty()));
}

#[test]
fn tiny_and_flat_fields() {
    let d = domain(0.0, 1.0, 0.0, 1.0);
    let one = Field::from_values(d, 1, 1, vec![1.0]).unwrap();
    assert!(contours(&one, &[0.5]).iter().all(|l| l.polylines.is_empty()));
    let row = Field::from_values(d, 5, 1, vec![0.0, 1.0, 2.0, 3.0, 4.0]).unwrap();
    assert!(contours(&row, &[0.5]).iter().all(|l| l.polylines.is_empty()));
    let flat = Field::from_values(d, 3, 3, vec![2.0; 9]).unwrap();
    assert!(contours(&flat, &[1.0, 2.0, 3.0]).iter().all(|l| l.polylines.is_empty()));
}

#[test]
fn contours_do_not_depend_on_the_threads() {
    // One thread against several, forced whatever the machine's cores (7 is more than most have,
    // and splits the rows unevenly): the bands of rows meet, and the levels are shared out,
    // without a segment lost, doubled or joined differently.
    let b = Builtin::Bowls;
    let f = Field::sample(&b, b.domain(), 300, 300).unwrap();
    let (min, max) = f.range().unwrap();
    let levels = contour_levels(min, max, 20, false);
    let one = contours_with_threads(&f, &levels, 1);
    assert!(one.iter().all(|l| !l.polylines.is_empty()), "every level draws");
    for threads in [2, 3, 4, 7] {
        assert_eq!(contours_with_threads(&f, &levels, threads), one, "{threads} threads");
    }
    // What the app and `render` call (the machine's cores) draws the same lines.
    assert_eq!(contours(&f, &levels), one);
    // Lines that end at NaN cells and cross many band edges: a small field (which `contours`
    // would trace on one thread) cut into more bands than the levels.
    let nan = Field::sample(&HalfDefined, domain(-1.0, 1.0, -1.0, 1.0), 41, 23).unwrap();
    let (lo, hi) = nan.range().unwrap();
    let nan_levels = contour_levels(lo, hi, 5, false);
    let nan_one = contours_with_threads(&nan, &nan_levels, 1);
    for threads in [2, 5, 11, 64] {
        let many = contours_with_threads(&nan, &nan_levels, threads);
        assert_eq!(many, nan_one, "{threads} threads");
    }
    // Many levels, each closed or ending on the border.
    let border =
        |p: &[f64; 2]| p[0] == f.x(0) || p[0] == f.x(299) || p[1] == f.y(0) || p[1] == f.y(299);
    for line in &one {
        for poly in &line.polylines {
            let closed = poly.first() == poly.last();
            assert!(closed || (border(&poly[0]) && border(&poly[poly.len() - 1])));
        }
    }
}

#[test]
fn samples_do_not_depend_on_the_threads() {
    for surface in [Builtin::Bowls, Builtin::Rosenbrock] {
        let one = Field::sample_with_threads(&surface, surface.domain(), 150, 97, 1).unwrap();
        for threads in [2, 3, 8] {
            let many =
                Field::sample_with_threads(&surface, surface.domain(), 150, 97, threads).unwrap();
            let bits = |f: &Field| f.values().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&many), bits(&one), "{surface}, {threads} threads");
            assert_eq!(many.range(), one.range(), "{surface}, {threads} threads");
        }
    }
}

#[test]
fn layers_put_it_together() {
    let b = Builtin::EscapeSaddle;
    let style = FieldStyle { colormap: Colormap::Cividis, log_scale: true, contour_count: 12 };
    let layers = FieldLayers::compute(&b, b.domain(), 120, 80, &style).unwrap();
    assert_eq!(layers.rgba.len(), 4 * 120 * 80);
    assert_eq!(layers.contours.len(), 12);
    assert_eq!(layers.scale, ColorScale::for_field(&layers.field, true));
    assert!(FieldLayers::compute(&b, b.domain(), 0, 80, &style).is_err());
}

// ---------------------------------------------------------------------------------------------
// Property: random small grids with NaNs.

fn grid() -> impl Strategy<Value = (usize, usize, Vec<f64>, [f64; 4], Vec<f64>)> {
    (1usize..12, 1usize..12).prop_flat_map(|(nx, ny)| {
        let value = prop_oneof![
            6 => -10.0..10.0f64,
            1 => Just(f64::NAN),
            1 => Just(0.0),
            1 => Just(f64::INFINITY),
            1 => prop::num::f64::ANY,
        ];
        (
            Just(nx),
            Just(ny),
            prop::collection::vec(value, nx * ny),
            (-1e3..1e3f64, 1e-3..1e3f64, -1e3..1e3f64, 1e-3..1e3f64)
                .prop_map(|(x, w, y, h)| [x, x + w, y, y + h]),
            prop::collection::vec(prop_oneof![4 => -10.0..10.0f64, 1 => Just(0.0)], 0..8),
        )
    })
}

proptest! {
    #[test]
    fn contours_never_panic_and_stay_inside((nx, ny, values, [x0, x1, y0, y1], levels) in grid()) {
        let d = domain(x0, x1, y0, y1);
        let f = Field::from_values(d, nx, ny, values).unwrap();
        let lines = contours(&f, &levels);
        for line in &lines {
            for poly in &line.polylines {
                prop_assert!(poly.len() >= 2);
                for p in poly {
                    prop_assert!(d.contains(Point::new(p[0], p[1])), "{p:?} outside {d}");
                    let (i, j) = f.cell_at(Point::new(p[0], p[1])).unwrap();
                    prop_assert!(f.get(i, j).unwrap().is_finite(), "{p:?} in a NaN pixel");
                }
            }
        }
        for log in [false, true] {
            let scale = ColorScale::for_field(&f, log);
            prop_assert_eq!(colorize(&f, Colormap::Plasma, &scale).len(), 4 * nx * ny);
            if let Some((min, max)) = f.range() {
                for level in contour_levels(min, max, 7, log) {
                    prop_assert!(level > min && level < max);
                }
            }
        }
    }
}
