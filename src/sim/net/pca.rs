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
pub fn pca_directions(path: &[Vec<f64>], theta: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = theta.len();
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    let stride = path.len().div_ceil(PCA_POINTS).max(1);
    let rows: Vec<&[f64]> = path.iter().step_by(stride).map(|p| &p[..n]).collect();
    let offsets = Offsets { rows: &rows, theta };

    let mut found = leading_pair(&offsets, n);
    // Complete with coordinate axes where the path spans fewer than two directions.
    let mut axis = 0;
    while found.len() < 2.min(n) && axis < n {
        let mut e = vec![0.0; n];
        e[axis] = 1.0;
        axis += 1;
        if let Some(v) = orthonormal_to(&found, e) {
            found.push(v);
        }
    }
    let mut found = found.into_iter();
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

/// Up to two leading eigenvectors of RᵀR with non-zero eigenvalue, by subspace iteration.
fn leading_pair(offsets: &Offsets<'_>, n: usize) -> Vec<Vec<f64>> {
    let m = offsets.rows.len();
    let b = BLOCK.min(m).min(n);
    // The start: Rᵀ·Ω for a fixed Gaussian Ω, a block already in the offsets' span.
    let mut rng = ChaCha8Rng::seed_from_u64(0x9ca_d1ec_7105);
    let mut block: Vec<Vec<f64>> = Vec::with_capacity(b);
    for _ in 0..b {
        let w: Vec<f64> = (0..m).map(|_| StandardNormal.sample(&mut rng)).collect();
        if let Some(v) = orthonormal_to(&block, offsets.transpose_times(&w)) {
            block.push(v);
        }
    }
    let mut ritz: Vec<Vec<f64>> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for _ in 0..MAX_SWEEPS {
        if block.is_empty() {
            return Vec::new();
        }
        let images: Vec<Vec<f64>> = block.iter().map(|x| offsets.scatter_times(x)).collect();
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
        ritz = order.iter().map(|&c| combine(&block, c)).collect();
        let ritz_images: Vec<Vec<f64>> = order.iter().map(|&c| combine(&images, c)).collect();
        values = order.iter().map(|&c| eig.eigenvalues[c]).collect();
        let top = values[0];
        if top <= 0.0 {
            return Vec::new();
        }
        // Converged when the wanted pairs' residuals ‖RᵀR·v − λ·v‖ are at rounding level.
        let wanted = 2.min(k);
        let settled = values.iter().take(wanted).enumerate().all(|(i, &lambda)| {
            let r: f64 = ritz_images[i]
                .iter()
                .zip(&ritz[i])
                .map(|(y, v)| (y - lambda * v).powi(2))
                .sum::<f64>()
                .sqrt();
            r <= 1e-12 * top || lambda <= 1e-13 * top
        });
        if settled {
            break;
        }
        block.clear();
        for y in ritz_images {
            if let Some(v) = orthonormal_to(&block, y) {
                block.push(v);
            }
        }
    }
    // Directions the path does not span (eigenvalue at rounding level) are left to the caller.
    let top = values.first().copied().unwrap_or(0.0);
    ritz.into_iter().zip(values).take(2).filter(|(_, l)| *l > 1e-13 * top).map(|(v, _)| v).collect()
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
