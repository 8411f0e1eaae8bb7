//! What a census's Hessian spectra are drawn and compared with: equal-bin histograms on one
//! shared range, and Wigner's semicircle fitted by moments (the random-matrix picture of
//! Bray & Dean 2007 and Dauphin et al. 2014, Fig. 1c, d).

use super::census::Found;

/// A histogram with equal bins over `[lo, lo + bins·width)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// The left edge of the first bin.
    pub lo: f64,
    /// The width of every bin.
    pub width: f64,
    /// How many values fell in each bin.
    pub counts: Vec<usize>,
}

impl Histogram {
    /// `bins` equal bins over `[lo, hi]` (the last bin includes `hi`); values outside, or not
    /// finite, are not counted. A degenerate range (hi ≤ lo, not finite) is widened to
    /// `lo ± 0.5` so every finite value equal to `lo` is still counted.
    pub fn new(values: &[f64], lo: f64, hi: f64, bins: usize) -> Self {
        let bins = bins.max(1);
        let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
            (lo, hi)
        } else if lo.is_finite() {
            (lo - 0.5, lo + 0.5)
        } else {
            (-0.5, 0.5)
        };
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0; bins];
        for &v in values {
            if v.is_finite() && (lo..=hi).contains(&v) {
                let k = (((v - lo) / width).floor() as usize).min(bins - 1);
                counts[k] += 1;
            }
        }
        Self { lo, width, counts }
    }

    /// The centre of bin `k`.
    pub fn centre(&self, k: usize) -> f64 {
        self.lo + (k as f64 + 0.5) * self.width
    }

    /// The right edge of the last bin.
    pub fn hi(&self) -> f64 {
        self.lo + self.counts.len() as f64 * self.width
    }
}

/// The range every spectrum of a figure shares: from the smallest to the largest eigenvalue of
/// the given points, padded by 4 % (and never empty), so two histograms side by side are on one
/// axis and a shift between them is seen.
pub fn spectrum_range<'a>(points: impl IntoIterator<Item = &'a Found>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in points {
        for &e in p.eigenvalues.iter().filter(|e| e.is_finite()) {
            lo = lo.min(e);
            hi = hi.max(e);
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return (-1.0, 1.0);
    }
    let pad = 0.04 * (hi - lo).max(1e-9);
    (lo - pad, hi + pad)
}

/// The random-matrix prediction for a Hessian's spectrum: Wigner's semicircle, the limit of the
/// eigenvalue density of a GOE matrix (the ensemble of the High-D window, [`super::goe`]) as
/// n → ∞: `ρ(λ) = 2/(π·R²)·√(R² − (λ − c)²)` on `[c − R, c + R]` (Wigner 1958; Mehta, *Random
/// Matrices*, ch. 4). For the GOE `c = 0` and `R = 2σ√n`, σ² the off-diagonal variance; Bray &
/// Dean (2007) and Dauphin et al. (2014, Fig. 1) model the Hessian at a critical point as such a
/// matrix *shifted* by an amount that grows as the loss falls, so the semicircle slides right
/// and the share of negative eigenvalues (the index) shrinks.
///
/// Here it is *fitted* to one spectrum by moments: c the mean eigenvalue (trace / n) and R twice
/// the standard deviation (the semicircle's variance is R²/4), so it says what a random matrix
/// of the same mean and spread would look like, not a prediction made without the data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Semicircle {
    /// Its centre c.
    pub centre: f64,
    /// Its radius R.
    pub radius: f64,
}

impl Semicircle {
    /// The semicircle of the same mean and variance as `eigenvalues` (non-finite values
    /// skipped); `None` for fewer than two finite values or no spread.
    pub fn fit(eigenvalues: &[f64]) -> Option<Self> {
        let v: Vec<f64> = eigenvalues.iter().copied().filter(|e| e.is_finite()).collect();
        if v.len() < 2 {
            return None;
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n;
        (var > 0.0).then(|| Self { centre: mean, radius: 2.0 * var.sqrt() })
    }

    /// The density ρ(λ) (integrates to 1).
    pub fn density(&self, lambda: f64) -> f64 {
        let r2 = self.radius * self.radius;
        let d = lambda - self.centre;
        if d * d >= r2 { 0.0 } else { 2.0 / (std::f64::consts::PI * r2) * (r2 - d * d).sqrt() }
    }

    /// The share of the density below λ: `½ + (u·√(1 − u²) + asin u)/π`, u = (λ − c)/R.
    pub fn cdf(&self, lambda: f64) -> f64 {
        let u = ((lambda - self.centre) / self.radius).clamp(-1.0, 1.0);
        0.5 + (u * (1.0 - u * u).sqrt() + u.asin()) / std::f64::consts::PI
    }

    /// The index this semicircle predicts: its share below zero.
    pub fn predicted_index(&self) -> f64 {
        self.cdf(0.0)
    }

    /// How many of `n` eigenvalues it expects in `[a, b]`.
    pub fn expected_count(&self, n: usize, a: f64, b: f64) -> f64 {
        n as f64 * (self.cdf(b) - self.cdf(a)).max(0.0)
    }
}
