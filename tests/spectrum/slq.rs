//! What stochastic Lanczos quadrature must get right about an exact spectrum (extremes, trace,
//! shares, Wasserstein distance), the dense Hessian from n Hessian-vector products, and the
//! distance itself. `torch.rs` holds SLQ to PyTorch's exact eigenvalues with them.

use nalgebra::DMatrix;

use losscape::sim::net::spectrum::{Curvature, DEFAULT_FLAT, Density};

/// The dense Hessian from H·eⱼ, checked symmetric, symmetrised.
pub fn dense_hessian(c: &Curvature) -> DMatrix<f64> {
    let n = c.n_params();
    let mut h = DMatrix::zeros(n, n);
    let mut e = vec![0.0; n];
    for j in 0..n {
        e[j] = 1.0;
        h.column_mut(j).copy_from_slice(&c.hessian_vector(&e).unwrap());
        e[j] = 0.0;
    }
    let asym = (&h - h.transpose()).amax();
    assert!(asym <= 1e-12 * h.amax(), "H·v is not symmetric: {asym}");
    0.5 * (&h + h.transpose())
}

/// The Wasserstein-1 distance ∫|F − G| between the density's nodes and equal-weight atoms.
pub fn wasserstein(d: &Density, eigenvalues: &[f64]) -> f64 {
    let w = 1.0 / eigenvalues.len() as f64;
    let mut atoms: Vec<(f64, f64)> = d.nodes.clone();
    atoms.extend(eigenvalues.iter().map(|&e| (e, -w)));
    atoms.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut cdf, mut total) = (0.0, 0.0);
    for pair in atoms.windows(2) {
        cdf += pair[0].1;
        total += cdf.abs() * (pair[1].0 - pair[0].0);
    }
    total
}

/// Exact shares (negative, flat) of eigenvalues around the band ±eps·max|λ|.
fn exact_shares(eig: &[f64], eps: f64) -> (f64, f64) {
    let band = eps * eig.iter().fold(0.0f64, |m, e| m.max(e.abs()));
    let n = eig.len() as f64;
    let neg = eig.iter().filter(|&&e| e < -band).count() as f64 / n;
    let flat = eig.iter().filter(|&&e| e.abs() <= band).count() as f64 / n;
    (neg, flat)
}

/// Asserts what SLQ must get right about the exact spectrum `eig` (ascending).
pub fn check_density(d: &Density, eig: &[f64], label: &str) {
    let scale = eig[0].abs().max(eig[eig.len() - 1].abs());
    let (lo, hi) = (eig[0], eig[eig.len() - 1]);
    eprintln!(
        "{label}: λ [{lo:.6e}, {hi:.6e}] vs SLQ [{:.6e}, {:.6e}]; trace {:.6e} vs {:.6e} ± {:.2e}",
        d.lambda_min(),
        d.lambda_max(),
        eig.iter().sum::<f64>(),
        d.trace(),
        d.trace_error()
    );
    assert!(
        (d.lambda_min() - lo).abs() <= 1e-6 * scale,
        "{label}: λ_min {} vs {lo}",
        d.lambda_min()
    );
    assert!(
        (d.lambda_max() - hi).abs() <= 1e-6 * scale,
        "{label}: λ_max {} vs {hi}",
        d.lambda_max()
    );
    let trace: f64 = eig.iter().sum();
    assert!(d.trace_error() > 0.0, "{label}: no trace error");
    assert!(
        (d.trace() - trace).abs() <= 4.0 * d.trace_error(),
        "{label}: trace {} vs {trace}",
        d.trace()
    );
    let s = d.shares(DEFAULT_FLAT).unwrap();
    let (neg, flat) = exact_shares(eig, DEFAULT_FLAT);
    eprintln!(
        "{label}: shares negative {:.3} (exact {neg:.3}), flat {:.3} (exact {flat:.3})",
        s.negative, s.flat
    );
    assert!((s.negative - neg).abs() <= 0.1, "{label}: negative share {} vs {neg}", s.negative);
    assert!((s.flat - flat).abs() <= 0.1, "{label}: flat share {} vs {flat}", s.flat);
    assert!((s.negative + s.flat + s.positive - 1.0).abs() < 1e-12);
    let w1 = wasserstein(d, eig);
    eprintln!("{label}: W1 = {w1:.3e} = {:.4}·max|λ|", w1 / scale);
    assert!(w1 <= 0.02 * scale, "{label}: Wasserstein {w1} vs scale {scale}");
}

#[test]
fn wasserstein_is_the_distance_of_distributions() {
    // A density with all weight at 1 against eigenvalues {0, 2}: |F − G| = ½ on [0, 2].
    let d = Density { nodes: vec![(1.0, 1.0)], probe_traces: vec![], steps: vec![], n: 2 };
    assert!((wasserstein(&d, &[0.0, 2.0]) - 1.0).abs() < 1e-15);
    assert!(wasserstein(&d, &[1.0, 1.0]).abs() < 1e-15);
    assert!((wasserstein(&d, &[3.0, 3.0]) - 2.0).abs() < 1e-15);
}
