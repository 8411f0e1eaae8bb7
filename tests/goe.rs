//! The high-dimensional panel's numbers: random symmetric Hessians are minima half the time in
//! one dimension and ever more rarely after, at least as fast as 2⁻ⁿ; the index is centred on
//! n/2. Seeded, with tolerances from the sample size.

use losscape::sim::net::goe::{index_distribution, minima_fractions};

const SAMPLES: usize = 20_000;

#[test]
fn minima_are_half_in_one_dimension_and_vanish_geometrically() {
    let fractions = minima_fractions(8, SAMPLES, 42);
    assert_eq!(fractions.len(), 8);
    let sigma = |p: f64| (p * (1.0 - p) / SAMPLES as f64).sqrt();
    let one = fractions[0].fraction().expect("minima in 1-D");
    assert!((one - 0.5).abs() < 4.0 * sigma(0.5), "n = 1: {one}");
    // 2 × 2 GOE: P(both eigenvalues > 0) = (1 − 1/√2)/2 ≈ 0.146 exactly.
    let two = fractions[1].fraction().expect("minima in 2-D");
    let exact = (1.0 - 0.5f64.sqrt()) / 2.0;
    assert!((two - exact).abs() < 4.0 * sigma(exact), "n = 2: {two} vs {exact}");
    for f in &fractions {
        let heuristic = f.coin_flips();
        let bound = heuristic + 4.0 * sigma(heuristic);
        let p = f.fraction().unwrap_or(0.0);
        assert!(p <= bound, "n = {}: {p} exceeds 2^-n = {heuristic}", f.n);
        // The asymptotic law falls below the heuristic from n = 3 on.
        assert!(f.n < 3 || f.large_n_law() < heuristic);
    }
    // By n = 6 the fraction is far below the lecture's 2^-n (the truth is more extreme).
    let six = fractions[5].fraction().unwrap_or(0.0);
    assert!(six < fractions[5].coin_flips() / 10.0, "n = 6: {six}");
    // Reproducible.
    assert_eq!(minima_fractions(8, SAMPLES, 42), fractions);
}

#[test]
fn the_index_is_centred_on_half_the_dimension() {
    let n = 10;
    let counts = index_distribution(n, 4000, 7);
    assert_eq!(counts.len(), n + 1);
    assert_eq!(counts.iter().sum::<usize>(), 4000);
    let mean = counts.iter().enumerate().map(|(k, c)| (k * c) as f64).sum::<f64>() / 4000.0;
    assert!((mean - n as f64 / 2.0).abs() < 0.15, "mean index {mean}");
    // Minima (index 0) and maxima (index n) are the rarest.
    assert!(counts[0] < counts[n / 2] / 100 && counts[n] < counts[n / 2] / 100, "{counts:?}");
}
