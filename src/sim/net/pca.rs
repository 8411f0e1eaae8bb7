//! The two principal directions of a training path, found without the n × n scatter matrix.
//!
//! The path's offsets rᵢ = θᵢ − θ (at most [`PCA_POINTS`] of them, evenly spaced) are the rows
//! of an m × n matrix R; the principal directions are the leading eigenvectors of RᵀR. Forming
//! and decomposing RᵀR costs O(n²·m + n³): for a network of 337 parameters about 0.3 s in the
//! browser, for one of 10⁴ parameters far too long anywhere. Only two directions are wanted, so
//! they come from subspace iteration with Rayleigh–Ritz on a small block (Saad, *Numerical
//! Methods for Large Eigenvalue Problems*, ch. 5): each sweep applies RᵀR as two passes over
//! the offsets, O(m·n), and the block converges at the rate λ_{b+1}/λ₂ — fast for a training
//! path, whose offsets lie mostly in a few directions. Iteration stops when both Ritz pairs'
//! residuals are at rounding level, so the directions are the eigendecomposition's to about
//! 1e-10 wherever the eigenvalues are apart (a test holds them to the full decomposition).

use nalgebra::{DMatrix, SymmetricEigen};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// At most this many points of the path (evenly spaced) make its principal directions.
pub const PCA_POINTS: usize = 400;

/// The block's size: the two wanted directions and six more to speed convergence.
const BLOCK: usize = 8;

/// Sweeps before the iteration settles for what it has (reached only when the second and
/// ninth eigenvalues are almost equal, where the second direction is not well defined anyway).
const MAX_SWEEPS: usize = 200;

/// The first two principal directions of the path's offsets θₖ − θ (unit vectors, orthogonal),
/// each signed so that the path's first point lies on its positive side. At most
/// [`PCA_POINTS`] evenly spaced points of the path are used. A path that spans fewer than two
/// directions gets the missing ones from the coordinate axes, orthogonal to those it spans.
/// [`PcaSteps`] run whole.
pub fn pca_directions(path: &[Vec<f64>], theta: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut steps = PcaSteps::new(path, theta);
    loop {
        if let Some(directions) = steps.advance(path, theta, usize::MAX) {
            return directions;
        }
    }
}

/// [`pca_directions`] cut into units of O(m·n) work (a product Rᵀ·w or RᵀR·x), so that where
/// there are no threads (the browser) the directions of a network of 10⁵ parameters are found
/// between frames. The same directions, bit for bit, however they are cut.
#[derive(Clone, Debug)]
pub struct PcaSteps {
    /// The indices of the path's points used.
    rows: Vec<usize>,
    /// The start's Gaussian weights are drawn from it, a block vector at a time.
    rng: ChaCha8Rng,
    /// The start vectors drawn so far.
    started: usize,
    /// The block's orthonormal vectors, and RᵀR times each, computed so far this sweep.
    block: Vec<Vec<f64>>,
    images: Vec<Vec<f64>>,
    sweeps: usize,
    /// The leading eigenvectors found (at most two), once the iteration has ended.
    found: Option<Vec<Vec<f64>>>,
}

impl PcaSteps {
    /// The search for `path`'s directions about θ, not started.
    pub fn new(path: &[Vec<f64>], theta: &[f64]) -> Self {
        let stride = path.len().div_ceil(PCA_POINTS).max(1);
        let rows = (0..path.len()).step_by(stride).collect::<Vec<_>>();
        let (n, m) = (theta.len(), rows.len());
        Self {
            rows,
            rng: ChaCha8Rng::seed_from_u64(0x9ca_d1ec_7105),
            started: 0,
            block: Vec::with_capacity(BLOCK.min(m).min(n)),
            images: Vec::new(),
            sweeps: 0,
            found: None,
        }
    }

    /// Does at most `units` more products (at least one) on the `path` and θ it was made for;
    /// the two directions once found (handed over on every call after).
    pub fn advance(
        &mut self,
        path: &[Vec<f64>],
        theta: &[f64],
        units: usize,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let n = theta.len();
        let rows: Vec<&[f64]> = self.rows.iter().map(|&i| &path[i][..n]).collect();
        let offsets = Offsets { rows: &rows, theta };
        let b = BLOCK.min(rows.len()).min(n);
        for _ in 0..units.max(1) {
            if self.found.is_some() {
                break;
            }
            if self.started < b {
                // The start: Rᵀ·Ω for a fixed Gaussian Ω, a block already in the offsets' span.
                let w: Vec<f64> =
                    (0..rows.len()).map(|_| StandardNormal.sample(&mut self.rng)).collect();
                if let Some(v) = orthonormal_to(&self.block, offsets.transpose_times(&w)) {
                    self.block.push(v);
                }
                self.started += 1;
                continue;
            }
            if self.block.is_empty() {
                self.found = Some(Vec::new());
                break;
            }
            let x = &self.block[self.images.len()];
            self.images.push(offsets.scatter_times(x));
            if self.images.len() == self.block.len() {
                self.found = self.sweep(n);
            }
        }
        let mut found = self.found.clone()?;
        Some(complete(&mut found, path, theta))
    }

    /// The end of a sweep: Rayleigh–Ritz on the block and its images; the leading pair when
    /// the iteration has settled (or run out of sweeps), else the next block.
    fn sweep(&mut self, n: usize) -> Option<Vec<Vec<f64>>> {
        let (block, images) = (&self.block, std::mem::take(&mut self.images));
        // Rayleigh–Ritz: the block's best approximations to RᵀR's leading eigenpairs.
        let k = block.len();
        let t = DMatrix::from_fn(k, k, |i, j| {
            0.5 * (dot(&block[i], &images[j]) + dot(&block[j], &images[i]))
        });
        let eig = SymmetricEigen::new(t);
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let combine = |vs: &[Vec<f64>], col: usize| -> Vec<f64> {
            let mut out = vec![0.0; n];
            for (v, &s) in vs.iter().zip(eig.eigenvectors.column(col).iter()) {
                out.iter_mut().zip(v).for_each(|(o, v)| *o += s * v);
            }
            out
        };
        let ritz: Vec<Vec<f64>> = order.iter().map(|&c| combine(block, c)).collect();
        let ritz_images: Vec<Vec<f64>> = order.iter().map(|&c| combine(&images, c)).collect();
        let values: Vec<f64> = order.iter().map(|&c| eig.eigenvalues[c]).collect();
        let top = values[0];
        if top <= 0.0 {
            return Some(Vec::new());
        }
        // Converged when the wanted pairs' residuals ‖RᵀR·v − λ·v‖ are at rounding level.
        let settled = values.iter().take(2.min(k)).enumerate().all(|(i, &lambda)| {
            let r: f64 = ritz_images[i]
                .iter()
                .zip(&ritz[i])
                .map(|(y, v)| (y - lambda * v).powi(2))
                .sum::<f64>()
                .sqrt();
            r <= 1e-12 * top || lambda <= 1e-13 * top
        });
        self.sweeps += 1;
        if settled || self.sweeps == MAX_SWEEPS {
            // Directions the path does not span (eigenvalue at rounding level) are completed
            // from the axes.
            return Some(
                ritz.into_iter()
                    .zip(values)
                    .take(2)
                    .filter(|(_, l)| *l > 1e-13 * top)
                    .map(|(v, _)| v)
                    .collect(),
            );
        }
        self.block.clear();
        for y in ritz_images {
            if let Some(v) = orthonormal_to(&self.block, y) {
                self.block.push(v);
            }
        }
        None
    }
}

/// Two directions from the (at most two) found: completed with coordinate axes, signed.
fn complete(found: &mut Vec<Vec<f64>>, path: &[Vec<f64>], theta: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = theta.len();
    let mut axis = 0;
    while found.len() < 2.min(n) && axis < n {
        let mut e = vec![0.0; n];
        e[axis] = 1.0;
        axis += 1;
        if let Some(v) = orthonormal_to(found, e) {
            found.push(v);
        }
    }
    let mut found = std::mem::take(found).into_iter();
    let mut first = found.next().unwrap_or_else(|| vec![0.0; n]);
    let mut second = found.next().unwrap_or_else(|| first.clone());
    // A fixed sign: the path starts on the positive side.
    if let Some(start) = path.first() {
        for v in [&mut first, &mut second] {
            let dot: f64 = v.iter().zip(start).zip(theta).map(|((v, s), t)| v * (s - t)).sum();
            if dot < 0.0 {
                v.iter_mut().for_each(|x| *x = -*x);
            }
        }
    }
    (first, second)
}

/// The offsets rᵢ = pᵢ − θ as the rows of R, applied without being stored.
struct Offsets<'a> {
    rows: &'a [&'a [f64]],
    theta: &'a [f64],
}

impl Offsets<'_> {
    /// RᵀR·x = Σᵢ rᵢ (rᵢ · x).
    fn scatter_times(&self, x: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; x.len()];
        for row in self.rows {
            let c: f64 = row.iter().zip(self.theta).zip(x).map(|((p, t), x)| (p - t) * x).sum();
            if c != 0.0 {
                y.iter_mut().zip(row.iter().zip(self.theta)).for_each(|(y, (p, t))| {
                    *y += c * (p - t);
                });
            }
        }
        y
    }

    /// Rᵀ·w = Σᵢ wᵢ rᵢ.
    fn transpose_times(&self, w: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; self.theta.len()];
        for (row, &c) in self.rows.iter().zip(w) {
            y.iter_mut().zip(row.iter().zip(self.theta)).for_each(|(y, (p, t))| *y += c * (p - t));
        }
        y
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `v` made orthogonal to the orthonormal `basis` (twice, for accuracy) and of unit length;
/// `None` when nothing of it is left.
fn orthonormal_to(basis: &[Vec<f64>], mut v: Vec<f64>) -> Option<Vec<f64>> {
    let before = dot(&v, &v).sqrt();
    if !(before.is_finite() && before > 0.0) {
        return None;
    }
    for _ in 0..2 {
        for u in basis {
            let c = dot(u, &v);
            v.iter_mut().zip(u).for_each(|(v, u)| *v -= c * u);
        }
    }
    let after = dot(&v, &v).sqrt();
    if after <= 1e-10 * before {
        return None;
    }
    v.iter_mut().for_each(|x| *x /= after);
    Some(v)
}
