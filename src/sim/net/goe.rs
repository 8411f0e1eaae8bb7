//! Why saddles dominate in high dimensions: random symmetric Hessians.
//!
//! A critical point of a random function in n dimensions has, near it, a Hessian that looks like
//! a random symmetric matrix. Sampling the Gaussian orthogonal ensemble (GOE: `H = (A + Aᵀ)/2`
//! with `Aᵢⱼ` independent standard normals, so the diagonal has variance 1 and the rest ½)
//! shows how rare minima (all eigenvalues positive) become as n grows: the lecture's heuristic
//! says 2⁻ⁿ (each eigenvalue's sign a coin toss), and the truth for this ensemble is far smaller,
//! `exp(−(ln 3 / 4)·n²)` for large n (Dean & Majumdar, 2006). Seeded and reproducible: each n
//! has its own ChaCha8 stream, so results do not depend on the number of threads.

use nalgebra::{DMatrix, SymmetricEigen};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::sim::run::progress::{Cancelled, Progress};

/// How often a sampled n × n Hessian was a minimum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinimaFraction {
    /// The dimension.
    pub n: usize,
    /// Matrices sampled.
    pub samples: usize,
    /// Of which positive definite.
    pub minima: usize,
}

impl MinimaFraction {
    /// The sampled fraction of minima; `None` when sampling found none (a log axis cannot show
    /// zero, and "none in this many" is what was learnt).
    pub fn fraction(&self) -> Option<f64> {
        (self.minima > 0).then(|| self.minima as f64 / self.samples as f64)
    }

    /// The lecture's heuristic, 2⁻ⁿ.
    pub fn coin_flips(&self) -> f64 {
        0.5f64.powi(self.n as i32)
    }

    /// The large-n law for the GOE, `exp(−(ln 3 / 4)·n²)`.
    pub fn large_n_law(&self) -> f64 {
        (-(3f64.ln() / 4.0) * (self.n * self.n) as f64).exp()
    }
}

/// The stream of dimension `n` under `seed`.
fn rng(seed: u64, n: usize, salt: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt)
}

/// One GOE matrix of size n.
fn goe(n: usize, rng: &mut ChaCha8Rng) -> DMatrix<f64> {
    let a = DMatrix::<f64>::from_fn(n, n, |_, _| StandardNormal.sample(rng));
    (&a + a.transpose()) * 0.5
}

/// Matrices per unit of parallel work; each chunk has its own stream, so the result does not
/// depend on how chunks are spread over threads.
const CHUNK: usize = 8192;

/// The fraction of minima among `samples` GOE matrices of each size from 1 to `max_n`, on all
/// cores. A matrix is a minimum when its Cholesky factorisation exists (positive definite).
pub fn minima_fractions(max_n: usize, samples: usize, seed: u64) -> Vec<MinimaFraction> {
    // Never cancelled: an uncancellable progress.
    minima_fractions_with(max_n, samples, seed, &Progress::default()).unwrap_or_default()
}

/// [`minima_fractions`], reporting matrices sampled to `progress` and stopping when it is
/// cancelled.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn minima_fractions_with(
    max_n: usize,
    samples: usize,
    seed: u64,
    progress: &Progress,
) -> Result<Vec<MinimaFraction>, Cancelled> {
    let chunks = samples.div_ceil(CHUNK);
    let work: Vec<(usize, usize)> =
        (1..=max_n).flat_map(|n| (0..chunks).map(move |c| (n, c))).collect();
    progress.set_total((max_n * samples) as u64);
    let counts = crate::sim::run::parallel::par_map(&work, 2, |&(n, c)| {
        progress.check()?;
        let mut rng = rng(seed, n, 0x5EED ^ ((c as u64) << 20));
        let size = CHUNK.min(samples - c * CHUNK);
        let minima = (0..size).filter(|_| goe(n, &mut rng).cholesky().is_some()).count();
        progress.advance(size as u64);
        Ok(minima)
    });
    let mut fractions: Vec<MinimaFraction> =
        (1..=max_n).map(|n| MinimaFraction { n, samples, minima: 0 }).collect();
    for (&(n, _), minima) in work.iter().zip(counts) {
        fractions[n - 1].minima += minima?;
    }
    Ok(fractions)
}

/// The distribution of the index (the number of negative eigenvalues) of `samples` GOE
/// matrices of size n: `counts[k]` matrices had k negative eigenvalues, k from 0 to n.
pub fn index_distribution(n: usize, samples: usize, seed: u64) -> Vec<usize> {
    let mut rng = rng(seed, n, 0x1DE7);
    let mut counts = vec![0; n + 1];
    for _ in 0..samples {
        let eig = SymmetricEigen::new(goe(n, &mut rng));
        counts[eig.eigenvalues.iter().filter(|&&l| l < 0.0).count()] += 1;
    }
    counts
}
