//! The loss of a network `D-H[-H…]-K` on labelled data, its gradient by reverse mode, and exact
//! Hessian-vector products by Pearlmutter's R-operator (forward-over-reverse), all on whole
//! matrices: a row block of the data goes through each layer as one matrix product.
//!
//! Notation, per block of m rows: A₀ = X (m × D); layer l has weight Wₗ (out × in) and bias
//! bₗ; Zₗ = Aₗ₋₁·Wₗᵀ + 1·bₗᵀ; Aₗ = tanh(Zₗ) for hidden layers; Z_L are the logits. The
//! backward signal Gₗ = ∂L/∂Zₗ starts at G_L = (p − y)/N (p the softmax or sigmoid, y the
//! one-hot label, N all rows), ∇Wₗ = Gₗᵀ·Aₗ₋₁, ∇bₗ = 1ᵀ·Gₗ, Pₗ = Gₗ·Wₗ and
//! Gₗ₋₁ = Pₗ ⊙ (1 − Aₗ₋₁²).
//!
//! The R-operator R{·} = d/dε at θ + ε·v, with v split like θ into Vₗ and uₗ:
//! - forward: R{Zₗ} = Aₗ₋₁·Vₗᵀ + R{Aₗ₋₁}·Wₗᵀ + 1·uₗᵀ, R{Aₗ} = (1 − Aₗ²) ⊙ R{Zₗ}, R{A₀} = 0;
//! - output: R{G_L} = (diag(p) − p·pᵀ)·R{Z_L}/N per row (softmax), σ(1 − σ)·R{Z_L}/N (sigmoid);
//! - backward: R{∇Wₗ} = R{Gₗ}ᵀ·Aₗ₋₁ + Gₗᵀ·R{Aₗ₋₁}, R{∇bₗ} = 1ᵀ·R{Gₗ},
//!   R{Pₗ} = R{Gₗ}·Wₗ + Gₗ·Vₗ, R{Gₗ₋₁} = R{Pₗ} ⊙ (1 − Aₗ₋₁²) − 2·Pₗ ⊙ Aₗ₋₁ ⊙ R{Aₗ₋₁}
//!   (the last term is tanh″ = −2·tanh·tanh′);
//! - and H·v = (R{∇W}, R{∇b}) + wd·v.
//!
//! Blocks run on rayon's pool; their contributions are added in block order, and the blocks
//! depend only on the row count and the block size, so the result is bit-identical whatever
//! the number of threads.

use std::sync::Arc;

use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut, Dyn};
use rayon::prelude::*;

use super::{Labelled, SpectrumError, Widths};
use crate::sim::net::Layer;
use crate::sim::net::output::{check_labels, cross_entropy, predict, target};

/// Rows per block by default: big enough for efficient matrix products, small enough that a
/// batch of ~2000 rows makes work for every core.
pub const DEFAULT_BLOCK_ROWS: usize = 256;

/// How many blocks run at once before their sums are folded in: bounds the memory of
/// per-block gradients (WAVE·n numbers) whatever the row count.
pub(super) const WAVE: usize = 16;

/// The loss of a network on its data:
/// `L(θ) = 1/N·Σᵢ ℓ(z(xᵢ; θ), yᵢ) + (wd/2)·‖θ‖²` over the N rows, where z are the network's
/// logits and ℓ is binary cross-entropy with logits for K = 1 (`softplus(z) − y·z`, labels
/// 0/1, PyTorch's `BCEWithLogitsLoss`) and softmax cross-entropy for K ≥ 2
/// (`logsumexp(z) − z_y`, labels 0…K−1, PyTorch's `CrossEntropyLoss`). wd is the weight decay:
/// the L2 penalty's coefficient on every parameter, biases included (0 for none); it adds
/// wd·θ to the gradient and wd·v to every Hessian-vector product.
#[derive(Clone, Debug, PartialEq)]
pub struct Loss {
    widths: Widths,
    layers: Vec<Layer>,
    /// The data and its row blocks, shared by the loss's clones (a [`Curvature`] keeps one).
    data: Arc<Labelled>,
    blocks: Arc<Vec<Labelled>>,
    wd: f64,
    block_rows: usize,
}

/// What the forward and backward passes leave for Hessian-vector products, per block.
#[derive(Clone, Debug)]
struct BlockState {
    /// A₁ … A_{L−1}: the hidden layers' tanh outputs, rows × width.
    acts: Vec<DMatrix<f64>>,
    /// The softmax probabilities (rows × K) or the sigmoid (rows × 1).
    probs: DMatrix<f64>,
    /// G₁ … G_L: ∂L/∂Zₗ, rows × width.
    signals: Vec<DMatrix<f64>>,
    /// P₂ … P_L: Gₗ·Wₗ, rows × the layer's inputs (entry l − 2 for layer l).
    back: Vec<DMatrix<f64>>,
}

impl Loss {
    /// The loss of the network `widths` on `data` with weight decay `wd` (see [`Loss`]).
    ///
    /// # Errors
    /// [`SpectrumError::Data`] if the data's feature count is not D, a label is K or more
    /// (K ≥ 2) or not 0/1 (K = 1); [`SpectrumError::Settings`] if wd is negative or not finite.
    pub fn new(widths: Widths, data: Labelled, wd: f64) -> Result<Self, SpectrumError> {
        if data.features() != widths.inputs() {
            return Err(SpectrumError::Data(format!(
                "the data has {} features, the network {widths} takes {}",
                data.features(),
                widths.inputs()
            )));
        }
        check_labels(data.labels(), widths.outputs())
            .map_err(|(_, message)| SpectrumError::Data(message))?;
        if !(wd.is_finite() && wd >= 0.0) {
            return Err(SpectrumError::Settings(format!(
                "the weight decay must be a finite number ≥ 0, not {wd}"
            )));
        }
        let layers = widths.layers();
        let blocks = Arc::new(split(&data, DEFAULT_BLOCK_ROWS));
        let data = Arc::new(data);
        Ok(Self { widths, layers, data, blocks, wd, block_rows: DEFAULT_BLOCK_ROWS })
    }

    /// The same loss computed over blocks of about `rows` rows (default
    /// [`DEFAULT_BLOCK_ROWS`]). The result changes only by rounding.
    ///
    /// # Errors
    /// [`SpectrumError::Settings`] if `rows` is 0.
    pub fn with_block_rows(mut self, rows: usize) -> Result<Self, SpectrumError> {
        if rows == 0 {
            return Err(SpectrumError::Settings("a block has at least one row".into()));
        }
        self.blocks = Arc::new(split(&self.data, rows));
        self.block_rows = rows;
        Ok(self)
    }

    /// The widths.
    pub fn widths(&self) -> &Widths {
        &self.widths
    }

    /// The data.
    pub fn data(&self) -> &Labelled {
        &self.data
    }

    /// The weight decay wd of `(wd/2)·‖θ‖²`.
    pub fn weight_decay(&self) -> f64 {
        self.wd
    }

    /// The most rows in a block.
    pub fn block_rows(&self) -> usize {
        self.block_rows
    }

    /// The number of blocks the rows are split into.
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// The number of parameters n.
    pub fn n_params(&self) -> usize {
        self.widths.n_params()
    }

    /// L(θ), by a forward pass.
    ///
    /// # Errors
    /// [`SpectrumError::Length`] or [`SpectrumError::NotFinite`] for a bad θ.
    pub fn value(&self, theta: &[f64]) -> Result<f64, SpectrumError> {
        self.check(theta)?;
        let sums: Vec<f64> = self
            .blocks
            .par_iter()
            .map(|b| {
                let (_, z) = self.forward(theta, b.x());
                output(&z, b.labels(), 1.0).0
            })
            .collect();
        Ok(self.total(theta, sums.iter().sum()))
    }

    /// L(θ) and ∇L(θ), by reverse mode (what training needs).
    ///
    /// # Errors
    /// [`SpectrumError::Length`] or [`SpectrumError::NotFinite`] for a bad θ.
    pub fn value_and_gradient(&self, theta: &[f64]) -> Result<(f64, Vec<f64>), SpectrumError> {
        self.check(theta)?;
        let (sum, gradient, _) = self.passes(theta, false);
        Ok((self.total(theta, sum), gradient))
    }

    /// ∇L(θ), by reverse mode.
    ///
    /// # Errors
    /// As [`value_and_gradient`](Self::value_and_gradient).
    pub fn gradient(&self, theta: &[f64]) -> Result<Vec<f64>, SpectrumError> {
        Ok(self.value_and_gradient(theta)?.1)
    }

    /// The share of rows the network classifies right at θ: the largest logit is the row's
    /// label (K ≥ 2), or the logit's sign is (K = 1: z > 0 for label 1).
    ///
    /// # Errors
    /// [`SpectrumError::Length`] or [`SpectrumError::NotFinite`] for a bad θ.
    pub fn accuracy(&self, theta: &[f64]) -> Result<f64, SpectrumError> {
        self.check(theta)?;
        let right: usize = self
            .blocks
            .par_iter()
            .map(|b| {
                let (_, z) = self.forward(theta, b.x());
                let guess = |r: usize| predict(&z.row(r).iter().copied().collect::<Vec<_>>());
                b.labels().iter().enumerate().filter(|&(r, &y)| guess(r) == y).count()
            })
            .sum();
        Ok(right as f64 / self.data.rows() as f64)
    }

    /// The curvature at θ: see [`Curvature::at`].
    ///
    /// # Errors
    /// As [`Curvature::at`].
    pub fn curvature(&self, theta: &[f64]) -> Result<Curvature, SpectrumError> {
        Curvature::at(self, theta)
    }

    fn check(&self, theta: &[f64]) -> Result<(), SpectrumError> {
        check_vector("θ", theta, self.n_params())
    }

    /// The loss from the sum of the rows' ℓ.
    fn total(&self, theta: &[f64], sum: f64) -> f64 {
        let data = sum / self.data.rows() as f64;
        if self.wd > 0.0 { data + 0.5 * self.wd * dot(theta, theta) } else { data }
    }

    /// Forward and backward over every block: the sum of ℓ, ∇L, and (if `keep`) the blocks'
    /// states.
    fn passes(&self, theta: &[f64], keep: bool) -> (f64, Vec<f64>, Vec<BlockState>) {
        let n = self.n_params();
        let mut sum = 0.0;
        let mut gradient = vec![0.0; n];
        let mut states = Vec::with_capacity(if keep { self.blocks.len() } else { 0 });
        in_waves(
            self.blocks.len(),
            |i| {
                let mut g = vec![0.0; n];
                let (s, state) = self.block_pass(theta, &self.blocks[i], &mut g);
                (s, g, state)
            },
            |(s, g, state)| {
                sum += s;
                add_to(&mut gradient, &g);
                if keep {
                    states.push(state);
                }
            },
        );
        add_scaled(&mut gradient, self.wd, theta);
        (sum, gradient, states)
    }

    /// The hidden layers' activations and the logits of the rows `x`.
    fn forward(&self, theta: &[f64], x: &DMatrix<f64>) -> (Vec<DMatrix<f64>>, DMatrix<f64>) {
        let (hidden, last) = self.layers.split_at(self.layers.len() - 1);
        let mut acts: Vec<DMatrix<f64>> = Vec::with_capacity(hidden.len());
        for l in hidden {
            let mut z = affine(acts.last().unwrap_or(x), l, theta);
            z.apply(|v| *v = v.tanh());
            acts.push(z);
        }
        let z = affine(acts.last().unwrap_or(x), &last[0], theta);
        (acts, z)
    }

    /// One block's forward and backward pass: adds the block's share of ∇L (without weight
    /// decay) to `grad` and returns its sum of ℓ and its state.
    fn block_pass(&self, theta: &[f64], block: &Labelled, grad: &mut [f64]) -> (f64, BlockState) {
        let x = block.x();
        let (acts, z) = self.forward(theta, x);
        let inv_n = 1.0 / self.data.rows() as f64;
        let (sum, probs, top) = output(&z, block.labels(), inv_n);
        let count = self.layers.len();
        let mut signals = Vec::with_capacity(count);
        let mut back = Vec::with_capacity(count - 1);
        let mut g = top;
        for k in (0..count).rev() {
            let l = &self.layers[k];
            let input = if k == 0 { x } else { &acts[k - 1] };
            add_outer(grad, l, input, &g, true);
            if k > 0 {
                let p = product(view(&g), weight(theta, l));
                let g_prev = p.zip_map(&acts[k - 1], |p, a| p * (1.0 - a * a));
                back.push(p);
                signals.push(std::mem::replace(&mut g, g_prev));
            }
        }
        signals.push(g);
        signals.reverse();
        back.reverse();
        (sum, BlockState { acts, probs, signals, back })
    }
}

/// The rows split into blocks of at most `rows` rows, as even as can be.
fn split(data: &Labelled, rows: usize) -> Vec<Labelled> {
    let total = data.rows();
    let count = total.div_ceil(rows);
    (0..count)
        .map(|b| {
            let start = b * total / count;
            let end = (b + 1) * total / count;
            data.block(start, end - start)
        })
        .collect()
}

/// Runs `map` on blocks `0..count` in parallel, [`WAVE`] at a time, and hands the results to
/// `fold` in block order.
fn in_waves<T: Send>(count: usize, map: impl Fn(usize) -> T + Sync, mut fold: impl FnMut(T)) {
    for start in (0..count).step_by(WAVE) {
        let end = (start + WAVE).min(count);
        let results: Vec<T> = (start..end).into_par_iter().map(&map).collect();
        results.into_iter().for_each(&mut fold);
    }
}

/// The exact curvature of a [`Loss`] at one θ: one forward and backward pass over the data,
/// kept so that each Hessian-vector product costs one R-forward and one R-backward pass.
#[derive(Clone, Debug)]
pub struct Curvature {
    /// The loss (a clone: its data are shared, not copied).
    loss: Loss,
    theta: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
    states: Vec<BlockState>,
}

impl Curvature {
    /// Runs the forward and backward passes at θ and keeps their activations.
    ///
    /// # Errors
    /// [`SpectrumError::Length`] if θ is not [`Loss::n_params`] long,
    /// [`SpectrumError::NotFinite`] if a number of θ is not finite.
    pub fn at(loss: &Loss, theta: &[f64]) -> Result<Self, SpectrumError> {
        loss.check(theta)?;
        let (sum, gradient, states) = loss.passes(theta, true);
        let value = loss.total(theta, sum);
        Ok(Self { loss: loss.clone(), theta: theta.to_vec(), value, gradient, states })
    }

    /// The loss.
    pub fn loss(&self) -> &Loss {
        &self.loss
    }

    /// θ.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The number of parameters n.
    pub fn n_params(&self) -> usize {
        self.theta.len()
    }

    /// L(θ).
    pub fn value(&self) -> f64 {
        self.value
    }

    /// ∇L(θ), by reverse mode.
    pub fn gradient(&self) -> &[f64] {
        &self.gradient
    }

    /// The exact Hessian-vector product ∇²L(θ)·v (R-operator, see the module docs).
    ///
    /// # Errors
    /// [`SpectrumError::Length`] if v is not n long, [`SpectrumError::NotFinite`] if a number
    /// of v is not finite.
    pub fn hessian_vector(&self, v: &[f64]) -> Result<Vec<f64>, SpectrumError> {
        check_vector("v", v, self.n_params())?;
        Ok(self.hvp(v))
    }

    /// H·v for a v of the right length.
    pub(crate) fn hvp(&self, v: &[f64]) -> Vec<f64> {
        let loss = &self.loss;
        let mut out = vec![0.0; self.n_params()];
        in_waves(
            loss.blocks.len(),
            |i| self.block_hvp(&loss.blocks[i], &self.states[i], v),
            |part| add_to(&mut out, &part),
        );
        add_scaled(&mut out, loss.wd, v);
        out
    }

    /// One block's share of H·v, weight decay aside.
    fn block_hvp(&self, block: &Labelled, st: &BlockState, v: &[f64]) -> Vec<f64> {
        let (theta, layers) = (&self.theta[..], &self.loss.layers[..]);
        let x = block.x();
        let count = layers.len();
        // R-forward: R{Aₗ} of the hidden layers, R{Z} of the logits.
        let mut r_acts: Vec<DMatrix<f64>> = Vec::with_capacity(count - 1);
        for (k, l) in layers[..count - 1].iter().enumerate() {
            let mut r = self.r_affine(x, st, &r_acts, k, l, v);
            r.zip_apply(&st.acts[k], |r, a| *r *= 1.0 - a * a);
            r_acts.push(r);
        }
        let r_z = self.r_affine(x, st, &r_acts, count - 1, &layers[count - 1], v);
        let inv_n = 1.0 / self.loss.data.rows() as f64;
        let mut r_g = output_r(&st.probs, &r_z, inv_n);
        // R-backward.
        let mut out = vec![0.0; self.n_params()];
        for k in (0..count).rev() {
            let l = &layers[k];
            let input = if k == 0 { x } else { &st.acts[k - 1] };
            add_outer(&mut out, l, input, &r_g, true);
            if k == 0 {
                break;
            }
            let (a, p, r_a, g) = (&st.acts[k - 1], &st.back[k - 1], &r_acts[k - 1], &st.signals[k]);
            add_outer(&mut out, l, r_a, g, false);
            let mut r_p = product(view(&r_g), weight(theta, l));
            gemm_into(&mut r_p, 1.0, view(g), weight(v, l), 1.0);
            let parts = r_p.iter_mut().zip(a.iter()).zip(p.iter()).zip(r_a.iter());
            for (((r, &a), &p), &r_a) in parts {
                *r = *r * (1.0 - a * a) - 2.0 * p * a * r_a;
            }
            r_g = r_p;
        }
        out
    }

    /// R{Zₖ} = Aₖ₋₁·Vₖᵀ + 1·uₖᵀ + R{Aₖ₋₁}·Wₖᵀ (the last term only past the first layer).
    fn r_affine(
        &self,
        x: &DMatrix<f64>,
        st: &BlockState,
        r_acts: &[DMatrix<f64>],
        k: usize,
        l: &Layer,
        v: &[f64],
    ) -> DMatrix<f64> {
        let input = if k == 0 { x } else { &st.acts[k - 1] };
        let mut r = affine(input, l, v);
        if k > 0 {
            gemm_into(&mut r, 1.0, view(&r_acts[k - 1]), weight_t(&self.theta, l), 1.0);
        }
        r
    }
}

/// Checks a vector's length and that its numbers are finite.
fn check_vector(what: &'static str, v: &[f64], want: usize) -> Result<(), SpectrumError> {
    if v.len() != want {
        return Err(SpectrumError::Length { what, got: v.len(), want });
    }
    if v.iter().any(|t| !t.is_finite()) {
        return Err(SpectrumError::NotFinite(what));
    }
    Ok(())
}

/// A view of numbers with any row and column strides.
type Strided<'a> = DMatrixView<'a, f64, Dyn, Dyn>;

/// Wₗᵀ (in × out) as a view of p's numbers: the row-major out × in weight read column-major.
fn weight_t<'p>(p: &'p [f64], l: &Layer) -> Strided<'p> {
    let w = &p[l.offset..l.bias_offset()];
    Strided::from_slice_with_strides(w, l.inputs, l.outputs, 1, l.inputs)
}

/// Wₗ (out × in) as a strided view of p's numbers.
fn weight<'p>(p: &'p [f64], l: &Layer) -> Strided<'p> {
    let w = &p[l.offset..l.bias_offset()];
    Strided::from_slice_with_strides(w, l.outputs, l.inputs, l.inputs, 1)
}

/// M as a view.
fn view(m: &DMatrix<f64>) -> Strided<'_> {
    Strided::from_slice_with_strides(m.as_slice(), m.nrows(), m.ncols(), 1, m.nrows())
}

/// Mᵀ as a strided view of M's numbers.
fn transposed(m: &DMatrix<f64>) -> Strided<'_> {
    Strided::from_slice_with_strides(m.as_slice(), m.ncols(), m.nrows(), m.nrows(), 1)
}

/// c ← α·a·b + β·c. nalgebra hands a product whose sides all exceed 5 to `matrixmultiply`,
/// which honours any strides; a smaller one goes through nalgebra's own gemv, which in 0.35
/// reads out of bounds when `a` has a row stride other than 1 (its `axcpy` loops over the
/// strided slice's length, not the vector's: dimforge/nalgebra issue 1616, open). Small
/// operands are therefore copied to contiguous matrices first.
fn gemm(c: &mut DMatrixViewMut<'_, f64>, alpha: f64, a: Strided<'_>, b: Strided<'_>, beta: f64) {
    let large = c.nrows() > 5 && c.ncols() > 5 && a.nrows() > 5 && a.ncols() > 5;
    if large {
        c.gemm(alpha, &a, &b, beta);
    } else {
        c.gemm(alpha, &a.clone_owned(), &b.clone_owned(), beta);
    }
}

/// c ← α·a·b + β·c for an owned c.
fn gemm_into(c: &mut DMatrix<f64>, alpha: f64, a: Strided<'_>, b: Strided<'_>, beta: f64) {
    let (rows, cols) = c.shape();
    gemm(&mut DMatrixViewMut::from_slice(c.as_mut_slice(), rows, cols), alpha, a, b, beta);
}

/// a·b.
fn product(a: Strided<'_>, b: Strided<'_>) -> DMatrix<f64> {
    let mut c = DMatrix::zeros(a.nrows(), b.ncols());
    gemm_into(&mut c, 1.0, a, b, 0.0);
    c
}

/// input·Wₗᵀ + 1·bₗᵀ with Wₗ, bₗ read from p (θ, or a direction v).
fn affine(input: &DMatrix<f64>, l: &Layer, p: &[f64]) -> DMatrix<f64> {
    let bias = &p[l.bias_offset()..l.end()];
    let mut z = DMatrix::from_fn(input.nrows(), l.outputs, |_, j| bias[j]);
    gemm_into(&mut z, 1.0, view(input), weight_t(p, l), 1.0);
    z
}

/// Adds Gᵀ·input to layer l's weight in `out` (θ's layout) and, if `bias`, 1ᵀ·G to its bias.
fn add_outer(out: &mut [f64], l: &Layer, input: &DMatrix<f64>, g: &DMatrix<f64>, bias: bool) {
    let (w, b) = out[l.offset..l.end()].split_at_mut(l.inputs * l.outputs);
    // The row-major out × in weight read column-major is in × out: (Gᵀ·A)ᵀ = Aᵀ·G.
    let mut w = DMatrixViewMut::from_slice(w, l.inputs, l.outputs);
    gemm(&mut w, 1.0, transposed(input), view(g), 1.0);
    if bias {
        for (bj, col) in b.iter_mut().zip(g.column_iter()) {
            *bj += col.sum();
        }
    }
}

/// The output layer: the sum over rows of ℓ ([`cross_entropy`], the loss of
/// [`Network`](crate::sim::net::Network) too), the probabilities, and G_L = (p − y)·scale.
fn output(z: &DMatrix<f64>, labels: &[usize], scale: f64) -> (f64, DMatrix<f64>, DMatrix<f64>) {
    let (rows, k) = z.shape();
    let mut probs = DMatrix::zeros(rows, k);
    let mut g = DMatrix::zeros(rows, k);
    let (mut zr, mut pr) = (vec![0.0; k], vec![0.0; k]);
    let mut sum = 0.0;
    for (r, &y) in labels.iter().enumerate() {
        for (j, v) in zr.iter_mut().enumerate() {
            *v = z[(r, j)];
        }
        sum += cross_entropy(&zr, y, Some(&mut pr[..]));
        for (j, &p) in pr.iter().enumerate() {
            probs[(r, j)] = p;
            g[(r, j)] = (p - target(y, j, k)) * scale;
        }
    }
    (sum, probs, g)
}

/// R{G_L}: the loss's Hessian in the logits times R{Z}, times `scale` (1/N).
fn output_r(probs: &DMatrix<f64>, r_z: &DMatrix<f64>, scale: f64) -> DMatrix<f64> {
    if probs.ncols() == 1 {
        return probs.zip_map(r_z, |s, r| s * (1.0 - s) * r * scale);
    }
    // (diag(p) − p·pᵀ)·r = p ⊙ (r − pᵀr), row by row.
    let mean = probs.component_mul(r_z).column_sum();
    DMatrix::from_fn(probs.nrows(), probs.ncols(), |i, j| {
        probs[(i, j)] * (r_z[(i, j)] - mean[i]) * scale
    })
}

/// a·b.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// acc += x.
fn add_to(acc: &mut [f64], x: &[f64]) {
    acc.iter_mut().zip(x).for_each(|(a, x)| *a += x);
}

/// acc += s·x (nothing if s = 0).
fn add_scaled(acc: &mut [f64], s: f64, x: &[f64]) {
    if s != 0.0 {
        acc.iter_mut().zip(x).for_each(|(a, x)| *a += s * x);
    }
}
