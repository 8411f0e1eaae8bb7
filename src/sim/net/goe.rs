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
/// cancelled. [`MinimaSteps`] run whole.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn minima_fractions_with(
    max_n: usize,
    samples: usize,
    seed: u64,
    progress: &Progress,
) -> Result<Vec<MinimaFraction>, Cancelled> {
    let mut steps = MinimaSteps::new(max_n, samples, seed, progress);
    loop {
        if let Some(fractions) = steps.advance(usize::MAX, progress)? {
            return Ok(fractions);
        }
    }
}

/// Matrix entries one piece of work draws at most (a millisecond or two in the browser).
const PIECE_ENTRIES: usize = 1 << 16;

/// The most chunks under way at once.
const WINDOW: usize = 1024;

/// A chunk of [`CHUNK`] matrices of one size, partly drawn.
struct ChunkDraw {
    n: usize,
    rng: ChaCha8Rng,
    /// Matrices still to draw.
    left: usize,
    /// Minima among those drawn.
    minima: usize,
}

/// The fractions of minima cut into pieces of work: [`minima_fractions_with`] a few thousand
/// matrices at a time, so that where there are no threads (the browser) it runs between
/// frames. The same counts however it is cut: each chunk of [`CHUNK`] matrices draws from a
/// stream of its own, in order.
pub struct MinimaSteps {
    samples: usize,
    seed: u64,
    /// Every chunk, (n, its number), in order; those from `next` on are not begun.
    work: Vec<(usize, usize)>,
    next: usize,
    /// The chunks begun and not finished.
    active: Vec<ChunkDraw>,
    fractions: Vec<MinimaFraction>,
}

impl MinimaSteps {
    /// `samples` matrices of each size from 1 to `max_n`, none drawn; sets `progress`'s total.
    pub fn new(max_n: usize, samples: usize, seed: u64, progress: &Progress) -> Self {
        let chunks = samples.div_ceil(CHUNK);
        let work = (1..=max_n).flat_map(|n| (0..chunks).map(move |c| (n, c))).collect();
        progress.set_total(max_n.saturating_mul(samples) as u64);
        let fractions = (1..=max_n).map(|n| MinimaFraction { n, samples, minima: 0 }).collect();
        Self { samples, seed, work, next: 0, active: Vec::new(), fractions }
    }

    /// Draws at most `units` pieces of work (a piece: up to 2¹⁶ matrix entries of one chunk;
    /// the chunks in order, up to `units` of them at once, in parallel where there are
    /// threads); the fractions once every matrix is drawn.
    ///
    /// # Errors
    /// [`Cancelled`] when `progress` was cancelled.
    pub fn advance(
        &mut self,
        units: usize,
        progress: &Progress,
    ) -> Result<Option<Vec<MinimaFraction>>, Cancelled> {
        use rayon::prelude::*;
        let units = units.max(1);
        while self.active.len() < units.min(WINDOW) && self.next < self.work.len() {
            let (n, c) = self.work[self.next];
            self.active.push(ChunkDraw {
                n,
                rng: rng(self.seed, n, 0x5EED ^ ((c as u64) << 20)),
                left: CHUNK.min(self.samples - c * CHUNK),
                minima: 0,
            });
            self.next += 1;
        }
        let pieces = units / self.active.len().max(1);
        self.active.par_iter_mut().with_max_len(1).try_for_each(|chunk| {
            progress.check()?;
            let n = chunk.n;
            let draw = (PIECE_ENTRIES / (n * n)).max(1).saturating_mul(pieces).min(chunk.left);
            let rng = &mut chunk.rng;
            chunk.minima += (0..draw).filter(|_| goe(n, rng).cholesky().is_some()).count();
            chunk.left -= draw;
            progress.advance(draw as u64);
            Ok(())
        })?;
        let fractions = &mut self.fractions;
        self.active.retain(|chunk| {
            if chunk.left > 0 {
                return true;
            }
            fractions[chunk.n - 1].minima += chunk.minima;
            false
        });
        if self.active.is_empty() && self.next == self.work.len() {
            return Ok(Some(std::mem::take(&mut self.fractions)));
        }
        Ok(None)
    }
}

/// The distribution of the index (the number of negative eigenvalues) of `samples` GOE
/// matrices of size n: `counts[k]` matrices had k negative eigenvalues, k from 0 to n.
/// [`IndexSteps`] run whole.
pub fn index_distribution(n: usize, samples: usize, seed: u64) -> Vec<usize> {
    let mut steps = IndexSteps::new(n, samples, seed);
    loop {
        if let Some(counts) = steps.advance(usize::MAX) {
            return counts;
        }
    }
}

/// The index distribution cut into pieces of work: [`index_distribution`] a few matrices at a
/// time, one stream drawn in order, so the same counts however it is cut.
pub struct IndexSteps {
    n: usize,
    rng: ChaCha8Rng,
    /// Matrices still to draw.
    left: usize,
    counts: Vec<usize>,
}

impl IndexSteps {
    /// `samples` matrices of size n, none drawn.
    pub fn new(n: usize, samples: usize, seed: u64) -> Self {
        Self { n, rng: rng(seed, n, 0x1DE7), left: samples, counts: vec![0; n + 1] }
    }

    /// Matrices still to draw.
    pub fn left(&self) -> usize {
        self.left
    }

    /// Draws at most `units` pieces of work (a piece: up to 2¹⁴ matrix entries, at least one
    /// matrix, each an eigen-decomposition); the counts once every matrix is drawn.
    pub fn advance(&mut self, units: usize) -> Option<Vec<usize>> {
        let n = self.n;
        let draw = ((PIECE_ENTRIES / 4) / (n * n).max(1))
            .max(1)
            .saturating_mul(units.max(1))
            .min(self.left);
        for _ in 0..draw {
            let eig = SymmetricEigen::new(goe(n, &mut self.rng));
            self.counts[eig.eigenvalues.iter().filter(|&&l| l < 0.0).count()] += 1;
        }
        self.left -= draw;
        (self.left == 0).then(|| std::mem::take(&mut self.counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fractions as the chunks define them: each chunk's matrices from its own stream.
    fn reference(max_n: usize, samples: usize, seed: u64) -> Vec<usize> {
        (1..=max_n)
            .map(|n| {
                (0..samples.div_ceil(CHUNK))
                    .map(|c| {
                        let mut rng = rng(seed, n, 0x5EED ^ ((c as u64) << 20));
                        let size = CHUNK.min(samples - c * CHUNK);
                        (0..size).filter(|_| goe(n, &mut rng).cholesky().is_some()).count()
                    })
                    .sum()
            })
            .collect()
    }

    #[test]
    fn minima_a_piece_at_a_time_are_the_minima_in_one_go() {
        // Two chunks per n, the second partial.
        let (max_n, samples, seed) = (5, CHUNK + 300, 9);
        let want = reference(max_n, samples, seed);
        let whole = minima_fractions(max_n, samples, seed);
        assert_eq!(whole.iter().map(|f| f.minima).collect::<Vec<_>>(), want);
        assert!(whole.iter().all(|f| f.samples == samples));
        for units in [1, 3] {
            let progress = Progress::default();
            let mut steps = MinimaSteps::new(max_n, samples, seed, &progress);
            let mut calls = 0;
            let sliced = loop {
                calls += 1;
                if let Some(fractions) = steps.advance(units, &progress).expect("not cancelled") {
                    break fractions;
                }
            };
            assert_eq!(sliced, whole, "{units} piece(s) a call");
            assert_eq!(progress.done(), (max_n * samples) as u64);
            // n = 1 draws 8192 matrices a piece; n = 5, 2621.
            assert!(calls >= 2 * 4 / units, "cut into pieces: {calls} calls");
        }
        let progress = Progress::default();
        let mut steps = MinimaSteps::new(max_n, samples, seed, &progress);
        assert!(matches!(steps.advance(1, &progress), Ok(None)));
        progress.cancel();
        assert!(steps.advance(1, &progress).is_err());
    }

    #[test]
    fn the_index_a_piece_at_a_time_is_the_index_in_one_go() {
        let (n, samples, seed) = (7, 1000, 3);
        let whole = index_distribution(n, samples, seed);
        let mut rng = rng(seed, n, 0x1DE7);
        let mut want = vec![0; n + 1];
        for _ in 0..samples {
            let eig = SymmetricEigen::new(goe(n, &mut rng));
            want[eig.eigenvalues.iter().filter(|&&l| l < 0.0).count()] += 1;
        }
        assert_eq!(whole, want);
        let mut steps = IndexSteps::new(n, samples, seed);
        let mut calls = 0;
        let sliced = loop {
            calls += 1;
            if let Some(counts) = steps.advance(1) {
                break counts;
            }
        };
        assert_eq!(sliced, whole);
        // 2¹⁴ / 49 = 334 matrices a piece.
        assert_eq!(calls, samples.div_ceil(334));
    }
}
