//! The 1-D interpolation between a network's initial and trained parameters.

use super::network::Network;

/// The 1-D line from θ₀ to θ (Goodfellow et al. 2015): `(α, L((1−α)·θ₀ + α·θ))` at `points`
/// evenly spaced α from `lo` to `hi` (the SPEC's plot: −0.5 to 1.5).
pub fn interpolate(
    net: &Network,
    theta0: &[f64],
    theta: &[f64],
    lo: f64,
    hi: f64,
    points: usize,
) -> Vec<(f64, f64)> {
    let points = points.max(2);
    let alphas: Vec<f64> =
        (0..points).map(|i| lo + (hi - lo) * i as f64 / (points - 1) as f64).collect();
    crate::sim::run::parallel::par_map(&alphas, 16, |&a| {
        let p: Vec<f64> = theta0.iter().zip(theta).map(|(t0, t)| (1.0 - a) * t0 + a * t).collect();
        (a, net.loss(&p))
    })
}
