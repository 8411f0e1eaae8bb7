//! The Lanczos process with full reorthogonalisation: from a start vector q₀ and a symmetric
//! operator H (seen only through products H·v), an orthonormal basis q₀ … q_{M−1} of the
//! Krylov space and the tridiagonal T = QᵀHQ whose eigenvalues (Ritz values) approximate H's.

use nalgebra::{DMatrix, DMatrixView, DVector, DVectorViewMut, SymmetricEigen};
use rand::Rng;
use rayon::prelude::*;

use super::SpectrumError;

/// Lanczos stops early when the new direction's norm β falls below this share of the
/// operator's scale (the largest ‖H·qⱼ‖ so far): the Krylov space is then invariant and the
/// Ritz values already exact.
pub const BREAKDOWN: f64 = 1e-12;

/// Rows per chunk of the stored basis: the reorthogonalisation runs over chunks in parallel
/// and adds their dot products in chunk order, so it is bit-identical on any number of
/// threads.
const CHUNK: usize = 16_384;

/// The Lanczos tridiagonal T: diagonal α₀ … α_{M−1} and off-diagonal β₀ … β_{M−2}.
#[derive(Clone, Debug, PartialEq)]
pub struct Tridiagonal {
    alpha: Vec<f64>,
    beta: Vec<f64>,
}

/// T's eigenvalues (Ritz values, ascending) and the squared first components of their unit
/// eigenvectors (the Gauss quadrature weights; they sum to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Ritz {
    /// The Ritz values, ascending.
    pub values: Vec<f64>,
    /// τᵢ²: the squared first component of each value's eigenvector.
    pub weights: Vec<f64>,
}

impl Tridiagonal {
    /// T from its diagonal and off-diagonal.
    ///
    /// # Errors
    /// [`SpectrumError::Length`] unless there is one more α than β and at least one α;
    /// [`SpectrumError::NotFinite`] for a number that is not finite.
    pub fn new(alpha: Vec<f64>, beta: Vec<f64>) -> Result<Self, SpectrumError> {
        if alpha.is_empty() || beta.len() + 1 != alpha.len() {
            return Err(SpectrumError::Length {
                what: "β (one less than α, α not empty)",
                got: beta.len(),
                want: alpha.len().max(1) - 1,
            });
        }
        if alpha.iter().chain(&beta).any(|v| !v.is_finite()) {
            return Err(SpectrumError::NotFinite("the tridiagonal"));
        }
        Ok(Self { alpha, beta })
    }

    /// The diagonal α (α₀ = q₀ᵀHq₀).
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }

    /// The off-diagonal β.
    pub fn beta(&self) -> &[f64] {
        &self.beta
    }

    /// The number of Lanczos steps M (T is M × M).
    pub fn len(&self) -> usize {
        self.alpha.len()
    }

    /// Always false: T has at least one step.
    pub fn is_empty(&self) -> bool {
        self.alpha.is_empty()
    }

    /// The Ritz values and weights, by nalgebra's symmetric eigensolver on T.
    pub fn ritz(&self) -> Ritz {
        let m = self.len();
        let t = DMatrix::from_fn(m, m, |i, j| match i.abs_diff(j) {
            0 => self.alpha[i],
            1 => self.beta[i.min(j)],
            _ => 0.0,
        });
        let eig = SymmetricEigen::new(t);
        let mut pairs: Vec<(f64, f64)> =
            (0..m).map(|i| (eig.eigenvalues[i], eig.eigenvectors[(0, i)].powi(2))).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ritz {
            values: pairs.iter().map(|p| p.0).collect(),
            weights: pairs.iter().map(|p| p.1).collect(),
        }
    }
}

/// A Rademacher vector: n independent signs ±1, each with probability ½.
pub fn rademacher<R: Rng + ?Sized>(n: usize, rng: &mut R) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let bits = rng.next_u64();
        let take = (n - out.len()).min(64);
        out.extend((0..take).map(|i| if bits >> i & 1 == 1 { 1.0 } else { -1.0 }));
    }
    out
}

/// Runs up to `steps` Lanczos steps of the symmetric operator `op` (n × n, applied as
/// `op(v) = H·v`) from `start` (any non-zero vector; it is normalised), reorthogonalising each
/// new vector twice against every earlier one (classical Gram–Schmidt). Stops after `steps`
/// steps, after n, or on breakdown (β < [`BREAKDOWN`]·scale). `cancelled` is asked before each
/// product, so a cancel takes effect within one step.
///
/// # Errors
/// [`SpectrumError::Cancelled`] when `cancelled()` says so; [`SpectrumError::Settings`] for
/// n or steps of 0 or a zero start; [`SpectrumError::Length`] or [`SpectrumError::NotFinite`]
/// for a bad start or a bad product.
pub fn lanczos(
    op: &dyn Fn(&[f64]) -> Vec<f64>,
    n: usize,
    steps: usize,
    start: &[f64],
    cancelled: &dyn Fn() -> bool,
) -> Result<Tridiagonal, SpectrumError> {
    lanczos_observed(op, n, steps, start, cancelled, &mut || {})
}

/// [`lanczos`] calling `step()` after each product: a [`LanczosRun`] run whole.
pub(crate) fn lanczos_observed(
    op: &dyn Fn(&[f64]) -> Vec<f64>,
    n: usize,
    steps: usize,
    start: &[f64],
    cancelled: &dyn Fn() -> bool,
    step: &mut dyn FnMut(),
) -> Result<Tridiagonal, SpectrumError> {
    let mut run = LanczosRun::new(n, steps, start)?;
    loop {
        if cancelled() {
            return Err(SpectrumError::Cancelled);
        }
        let finished = run.step(op)?;
        step();
        if finished {
            return run.tridiagonal();
        }
    }
}

/// [`lanczos`]'s loop, resumable: each [`step`](Self::step) is one product and its
/// reorthogonalisation, so a caller can spread the steps over frames.
pub(crate) struct LanczosRun {
    n: usize,
    /// The steps to take at most (≤ n).
    steps: usize,
    /// The next Lanczos vector.
    q: Vec<f64>,
    basis: Basis,
    alpha: Vec<f64>,
    beta: Vec<f64>,
    /// The largest ‖H·q‖ seen: the scale of a breakdown.
    scale: f64,
    finished: bool,
}

impl LanczosRun {
    /// The run from `start`, no step taken.
    ///
    /// # Errors
    /// As [`lanczos`], for the start.
    pub(crate) fn new(n: usize, steps: usize, start: &[f64]) -> Result<Self, SpectrumError> {
        let q = first_vector(n, steps, start)?;
        let steps = steps.min(n);
        Ok(Self {
            n,
            steps,
            q,
            basis: Basis::new(n, steps),
            alpha: Vec::with_capacity(steps),
            beta: Vec::with_capacity(steps),
            scale: 0.0,
            finished: false,
        })
    }

    /// One step: H·q, α, the new vector reorthogonalised twice, β. Whether the run has
    /// finished (all its steps taken, or a breakdown).
    ///
    /// # Errors
    /// [`SpectrumError::Length`] or [`SpectrumError::NotFinite`] for a bad product.
    pub(crate) fn step(&mut self, op: &dyn Fn(&[f64]) -> Vec<f64>) -> Result<bool, SpectrumError> {
        if self.finished {
            return Ok(true);
        }
        let n = self.n;
        self.basis.push(&self.q);
        let mut w = op(&self.q);
        if w.len() != n {
            return Err(SpectrumError::Length { what: "H·v", got: w.len(), want: n });
        }
        if w.iter().any(|x| !x.is_finite()) {
            return Err(SpectrumError::NotFinite("H·v"));
        }
        let a: f64 = w.iter().zip(&self.q).map(|(x, y)| x * y).sum();
        self.alpha.push(a);
        // ‖H·q‖ ≥ |α| and ≥ β: a lower bound on ‖H‖ that is zero only for H·q = 0.
        self.scale = self.scale.max(w.iter().map(|x| x * x).sum::<f64>().sqrt());
        self.basis.orthogonalise(&mut w);
        self.basis.orthogonalise(&mut w);
        if self.alpha.len() == self.steps {
            self.finished = true;
            return Ok(true);
        }
        let b = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if b <= BREAKDOWN * self.scale || b == 0.0 {
            self.finished = true;
            return Ok(true);
        }
        self.beta.push(b);
        w.iter_mut().for_each(|x| *x /= b);
        self.q = w;
        Ok(false)
    }

    /// The steps taken.
    pub(crate) fn len(&self) -> usize {
        self.alpha.len()
    }

    /// T of the steps taken.
    ///
    /// # Errors
    /// As [`Tridiagonal::new`] (none once a step was taken).
    pub(crate) fn tridiagonal(&self) -> Result<Tridiagonal, SpectrumError> {
        Tridiagonal::new(self.alpha.clone(), self.beta.clone())
    }
}

/// The start vector, checked and normalised.
fn first_vector(n: usize, steps: usize, start: &[f64]) -> Result<Vec<f64>, SpectrumError> {
    if n == 0 || steps == 0 {
        return Err(SpectrumError::Settings(format!(
            "Lanczos needs n ≥ 1 and steps ≥ 1, not n = {n}, steps = {steps}"
        )));
    }
    if start.len() != n {
        return Err(SpectrumError::Length { what: "start", got: start.len(), want: n });
    }
    if start.iter().any(|x| !x.is_finite()) {
        return Err(SpectrumError::NotFinite("start"));
    }
    let norm = start.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm == 0.0 {
        return Err(SpectrumError::Settings("the Lanczos start vector is zero".into()));
    }
    Ok(start.iter().map(|x| x / norm).collect())
}

/// The Lanczos vectors, stored by chunks of [`CHUNK`] rows (each chunk rows × steps,
/// column-major) so that both halves of Gram–Schmidt run on contiguous memory in parallel.
struct Basis {
    chunks: Vec<Vec<f64>>,
    rows: Vec<usize>,
    count: usize,
}

impl Basis {
    fn new(n: usize, steps: usize) -> Self {
        let rows: Vec<usize> = (0..n).step_by(CHUNK).map(|s| (n - s).min(CHUNK)).collect();
        let chunks = rows.iter().map(|&r| Vec::with_capacity(r * steps)).collect();
        Self { chunks, rows, count: 0 }
    }

    /// Appends a vector.
    fn push(&mut self, q: &[f64]) {
        for (chunk, part) in self.chunks.iter_mut().zip(q.chunks(CHUNK)) {
            chunk.extend_from_slice(part);
        }
        self.count += 1;
    }

    /// One pass of classical Gram–Schmidt: w ← w − Q·(Qᵀw).
    fn orthogonalise(&self, w: &mut [f64]) {
        let k = self.count;
        let parts: Vec<DVector<f64>> = self
            .chunks
            .par_iter()
            .zip(w.par_chunks(CHUNK))
            .zip(&self.rows)
            .map(|((c, part), &r)| {
                DMatrixView::from_slice(c, r, k).tr_mul(&DVector::from_column_slice(part))
            })
            .collect();
        let mut coef = DVector::zeros(k);
        parts.iter().for_each(|p| coef += p);
        self.chunks.par_iter().zip(w.par_chunks_mut(CHUNK)).zip(&self.rows).for_each(
            |((c, part), &r)| {
                let mut part = DVectorViewMut::from_slice(part, r);
                part.gemv(-1.0, &DMatrixView::from_slice(c, r, k), &coef, 1.0);
            },
        );
    }
}
