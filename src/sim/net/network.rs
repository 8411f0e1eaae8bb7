//! A network on its data: the loss L(θ), its gradient by reverse mode and its exact Hessian
//! by forward-over-reverse, the passes written once over any [`Scalar`]. Each row's loss at
//! the output is [`cross_entropy`], the one the spectrum's matrix passes use too.

use std::ops::Range;
use std::sync::Arc;

use nalgebra::DMatrix;
use num_dual::Dual64;

use super::architecture::{Architecture, Layer};
use super::error::NetError;
use super::output::{check_labels, cross_entropy, predict, target};
use super::spectrum::Labelled;
use crate::sim::surfaces::dual::Scalar;

/// `z[o] += Σᵢ w[o·n + i]·a[i]` for a layer's weight `w` (outputs × n, row-major), with `z`
/// holding the bias. The sum of each output runs over i in order (bias first), so every caller
/// gets bit-identical pre-activations; the loop runs over i outside and the outputs inside, so
/// the outputs' independent sums overlap instead of waiting on one another.
#[inline]
fn accumulate<T: Scalar>(z: &mut [T], w: &[T], a: &[T]) {
    let n = a.len();
    for (i, &ai) in a.iter().enumerate() {
        for (o, zo) in z.iter_mut().enumerate() {
            *zo += w[o * n + i] * ai;
        }
    }
}

/// A network on its data: the loss L(θ), its gradient and Hessian.
///
/// `L(θ) = 1/N·Σᵢ ℓ(z(xᵢ; θ), yᵢ) + (wd/2)·‖θ‖²` over the N rows, z the K logits, ℓ
/// [`cross_entropy`]: binary cross-entropy with logits for K = 1 (labels 0/1), softmax
/// cross-entropy for K ≥ 2 (labels 0…K−1).
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    arch: Architecture,
    layers: Vec<Layer>,
    data: Arc<Labelled>,
    weight_decay: f64,
}

impl Network {
    /// A network on rows `(x1, x2, label)`, labels 0 or 1, with weight decay `wd ≥ 0`: a
    /// network of two inputs (`2-H[-H…]-K`) on 2-D data.
    ///
    /// # Errors
    /// [`NetError::Data`] for no rows, a non-finite number or a label other than 0/1, a
    /// network that does not take two inputs, or a negative or non-finite weight decay.
    pub fn new(
        arch: Architecture,
        rows: Vec<[f64; 3]>,
        weight_decay: f64,
    ) -> Result<Self, NetError> {
        if rows.is_empty() {
            return Err(NetError::Data("the network needs at least one data point".into()));
        }
        if let Some((i, r)) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.iter().any(|v| !v.is_finite()) || (r[2] != 0.0 && r[2] != 1.0))
        {
            return Err(NetError::Data(format!(
                "data point {i} ({}, {}, {}) must be finite with label 0 or 1",
                r[0], r[1], r[2]
            )));
        }
        let data = Labelled::from_rows(&rows).map_err(|e| NetError::Data(e.to_string()))?;
        Self::on(arch, data, weight_decay)
    }

    /// A network `D-H[-H…]-K` on labelled data of D features, with weight decay `wd ≥ 0`.
    ///
    /// # Errors
    /// [`NetError::Data`] when the data do not have D features, a label does not fit K (0/1
    /// for K = 1, below K otherwise), or the weight decay is negative or not finite.
    pub fn on(arch: Architecture, data: Labelled, weight_decay: f64) -> Result<Self, NetError> {
        if data.features() != arch.inputs() {
            return Err(NetError::Data(format!(
                "the data have {} features, but the network {arch} takes {} inputs",
                data.features(),
                arch.inputs()
            )));
        }
        check_labels(data.labels(), arch.outputs())
            .map_err(|(_, message)| NetError::Data(format!("{message}, for {arch}")))?;
        if !(weight_decay.is_finite() && weight_decay >= 0.0) {
            return Err(NetError::Data(format!(
                "--weight-decay must be a finite number ≥ 0, got {weight_decay}"
            )));
        }
        let layers = arch.layers();
        Ok(Self { arch, layers, data: Arc::new(data), weight_decay })
    }

    /// The architecture.
    pub fn architecture(&self) -> &Architecture {
        &self.arch
    }

    /// The layers with their offsets in θ.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The data: D features and a label per row.
    pub fn data(&self) -> &Labelled {
        &self.data
    }

    /// The data rows `(x1, x2, label)` of 2-D data (what the app's data panel draws and
    /// edits); `None` when the data have another number of features.
    pub fn points(&self) -> Option<Vec<[f64; 3]>> {
        let x = self.data.x();
        (x.ncols() == 2).then(|| {
            let labels = self.data.labels();
            (0..x.nrows()).map(|r| [x[(r, 0)], x[(r, 1)], labels[r] as f64]).collect()
        })
    }

    /// The weight decay wd of the loss's `(wd/2)·‖θ‖²`.
    pub fn weight_decay(&self) -> f64 {
        self.weight_decay
    }

    /// The number of parameters.
    pub fn n_params(&self) -> usize {
        self.arch.n_params()
    }

    /// The features of row r, x1 first.
    #[inline]
    fn row(&self, r: usize) -> impl Iterator<Item = f64> + '_ {
        let x = self.data.x();
        x.as_slice().iter().skip(r).step_by(x.nrows()).copied()
    }

    fn check(&self, theta_len: usize) {
        assert_eq!(theta_len, self.n_params(), "parameter vector of the wrong length");
    }

    /// The K logits of one input `x` (D features), on any scalar: left in `a`; `b` holds the
    /// other layer's activations.
    #[inline]
    fn forward<T: Scalar>(
        &self,
        theta: &[T],
        x: impl Iterator<Item = f64>,
        a: &mut Vec<T>,
        b: &mut Vec<T>,
    ) {
        a.clear();
        a.extend(x.map(T::from));
        let last = self.layers.len() - 1;
        for (k, l) in self.layers.iter().enumerate() {
            let w = &theta[l.offset..l.offset + l.inputs * l.outputs];
            b.clear();
            b.extend_from_slice(&theta[l.bias_offset()..l.bias_offset() + l.outputs]);
            accumulate(b, w, a);
            if k < last {
                b.iter_mut().for_each(|z| *z = z.tanh());
            }
            std::mem::swap(a, b);
        }
    }

    /// L(θ) on any scalar: a forward pass over every point.
    ///
    /// # Panics
    /// If `theta.len()` is not [`n_params`](Self::n_params).
    pub fn loss_generic<T: Scalar>(&self, theta: &[T]) -> T {
        self.check(theta.len());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut sum = T::from(0.0);
        for (r, &y) in self.data.labels().iter().enumerate() {
            self.forward(theta, self.row(r), &mut a, &mut b);
            sum += cross_entropy(&a, y, None);
        }
        let mut loss = sum / self.data.rows() as f64;
        if self.weight_decay > 0.0 {
            let mut sq = T::from(0.0);
            for &t in theta {
                sq += t * t;
            }
            loss += sq * (0.5 * self.weight_decay);
        }
        loss
    }

    /// L(θ) and ∇L(θ) on any scalar, by reverse mode: a forward pass per point that keeps every
    /// layer's activations, then the backward pass accumulating into `grad`.
    ///
    /// # Panics
    /// If `theta` or `grad` is not [`n_params`](Self::n_params) long.
    pub fn loss_grad_generic<T: Scalar>(&self, theta: &[T], grad: &mut [T]) -> T {
        self.check(theta.len());
        self.check(grad.len());
        grad.fill(T::from(0.0));
        let mut work = Work::new(self.arch.sizes());
        let n = self.data.rows() as f64;
        let outputs = self.arch.outputs();
        let top = work.starts[self.layers.len()];
        let mut sum = T::from(0.0);
        for (r, &y) in self.data.labels().iter().enumerate() {
            for (a, x) in work.acts.iter_mut().zip(self.row(r)) {
                *a = T::from(x);
            }
            self.forward_kept(theta, &mut work);
            sum += cross_entropy(&work.acts[top..top + outputs], y, Some(&mut work.probs[..]));
            // ∂ℓ/∂z = (p − one-hot label)/n.
            for (j, (d, &p)) in work.delta.iter_mut().zip(&work.probs).enumerate() {
                *d = (p - target(y, j, outputs)) / n;
            }
            self.backward(theta, &mut work, grad);
        }
        let mut loss = sum / n;
        if self.weight_decay > 0.0 {
            let mut sq = T::from(0.0);
            for (g, &t) in grad.iter_mut().zip(theta) {
                sq += t * t;
                *g += t * self.weight_decay;
            }
            loss += sq * (0.5 * self.weight_decay);
        }
        loss
    }

    /// The forward pass of the input in `work.acts[..D]`, keeping each layer's output (tanh for
    /// hidden layers, the logits last).
    #[inline]
    fn forward_kept<T: Scalar>(&self, theta: &[T], work: &mut Work<T>) {
        let last = self.layers.len() - 1;
        for (k, l) in self.layers.iter().enumerate() {
            let (before, after) = work.acts.split_at_mut(work.starts[k + 1]);
            let input = &before[work.starts[k]..];
            let w = &theta[l.offset..l.offset + l.inputs * l.outputs];
            let out = &mut after[..l.outputs];
            out.copy_from_slice(&theta[l.bias_offset()..l.bias_offset() + l.outputs]);
            accumulate(out, w, input);
            if k < last {
                out.iter_mut().for_each(|z| *z = z.tanh());
            }
        }
    }

    /// The backward pass of one row from `work.delta` = ∂ℓ/∂z (over n), adding its share of
    /// ∇L to `grad`.
    #[inline]
    fn backward<T: Scalar>(&self, theta: &[T], work: &mut Work<T>, grad: &mut [T]) {
        let Work { starts, acts, delta, delta_prev, .. } = work;
        for k in (0..self.layers.len()).rev() {
            let l = self.layers[k];
            let input = &acts[starts[k]..starts[k] + l.inputs];
            let (gw, gb) =
                grad[l.offset..l.bias_offset() + l.outputs].split_at_mut(l.inputs * l.outputs);
            for o in 0..l.outputs {
                let d = delta[o];
                gb[o] += d;
                for (g, ai) in gw[o * l.inputs..(o + 1) * l.inputs].iter_mut().zip(input) {
                    *g += d * *ai;
                }
            }
            if k > 0 {
                let w = &theta[l.offset..l.offset + l.inputs * l.outputs];
                for i in 0..l.inputs {
                    let mut s = T::from(0.0);
                    for o in 0..l.outputs {
                        s += w[o * l.inputs + i] * delta[o];
                    }
                    // tanh′ = 1 − tanh².
                    delta_prev[i] = s * (T::from(1.0) - input[i] * input[i]);
                }
                std::mem::swap(delta, delta_prev);
            }
        }
    }

    /// L(θ).
    pub fn loss(&self, theta: &[f64]) -> f64 {
        self.loss_generic(theta)
    }

    /// L(θ) on `f64`, a layer at a time over every point at once: each layer's pre-activations
    /// are a row per unit and a column per point, so the innermost loops run over points in
    /// contiguous memory and vectorise. The same loss as [`Network::loss`] up to rounding (the
    /// sums run in another order); what a slice's map is drawn with.
    ///
    /// # Panics
    /// If `theta.len()` is not [`n_params`](Self::n_params).
    pub fn loss_batched(&self, theta: &[f64], scratch: &mut Scratch) -> f64 {
        self.check(theta.len());
        let m = self.data.rows();
        let Scratch { a, b, logits } = scratch;
        a.clear();
        // The features column after column: a row per input, a column per point.
        a.extend_from_slice(self.data.x().as_slice());
        let last = self.layers.len() - 1;
        for (k, l) in self.layers.iter().enumerate() {
            let w = &theta[l.offset..l.offset + l.inputs * l.outputs];
            let bias = &theta[l.bias_offset()..l.bias_offset() + l.outputs];
            b.clear();
            b.resize(l.outputs * m, 0.0);
            for (o, out) in b.chunks_exact_mut(m).enumerate() {
                out.fill(bias[o]);
                for (i, input) in a.chunks_exact(m).enumerate() {
                    let wi = w[o * l.inputs + i];
                    for (z, &x) in out.iter_mut().zip(input) {
                        *z += wi * x;
                    }
                }
                if k < last {
                    out.iter_mut().for_each(|z| *z = z.tanh());
                }
            }
            std::mem::swap(a, b);
        }
        let outputs = self.arch.outputs();
        logits.resize(outputs, 0.0);
        let sum: f64 = (0..m)
            .zip(self.data.labels())
            .map(|(r, &y)| {
                for (j, z) in logits.iter_mut().enumerate() {
                    *z = a[j * m + r];
                }
                cross_entropy(&logits[..], y, None)
            })
            .sum();
        let mut loss = sum / m as f64;
        if self.weight_decay > 0.0 {
            loss += 0.5 * self.weight_decay * theta.iter().map(|t| t * t).sum::<f64>();
        }
        loss
    }

    /// L(θ) and ∇L(θ), by reverse mode.
    pub fn loss_grad(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let mut g = vec![0.0; theta.len()];
        let l = self.loss_grad_generic(theta, &mut g);
        (l, g)
    }

    /// ∇L(θ), by reverse mode.
    pub fn gradient(&self, theta: &[f64]) -> Vec<f64> {
        self.loss_grad(theta).1
    }

    /// The Hessian-vector product ∇²L(θ)·v, exact: the reverse pass run on dual numbers
    /// θ + ε·v (forward-over-reverse).
    pub fn hessian_vector(&self, theta: &[f64], v: &[f64]) -> Vec<f64> {
        self.check(v.len());
        let dual: Vec<Dual64> = theta.iter().zip(v).map(|(&t, &d)| Dual64::new(t, d)).collect();
        let mut g = vec![Dual64::from(0.0); theta.len()];
        self.loss_grad_generic(&dual, &mut g);
        g.iter().map(|d| d.eps).collect()
    }

    /// Columns `columns` of the exact Hessian ∇²L(θ): Hessian-vector products with those unit
    /// vectors (on all cores). [`hessian`](Self::hessian) is all of them, symmetrised.
    pub fn hessian_columns(&self, theta: &[f64], columns: Range<usize>) -> Vec<Vec<f64>> {
        let n = theta.len();
        self.check(n);
        let columns: Vec<usize> = columns.collect();
        crate::sim::run::parallel::par_map(&columns, 8, |&k| {
            let mut e = vec![0.0; n];
            e[k] = 1.0;
            self.hessian_vector(theta, &e)
        })
    }

    /// The exact Hessian ∇²L(θ): n Hessian-vector products with the unit vectors (on all
    /// cores), symmetrised to remove the last-bit asymmetry of the two passes.
    pub fn hessian(&self, theta: &[f64]) -> DMatrix<f64> {
        symmetrised(&self.hessian_columns(theta, 0..theta.len()))
    }

    /// The K logits of each row of `x` (rows × D, one point per row), row after row.
    ///
    /// # Panics
    /// If `theta` is not [`n_params`](Self::n_params) long or `x` has not D columns.
    pub fn logits(&self, theta: &[f64], x: &DMatrix<f64>) -> Vec<f64> {
        self.check(theta.len());
        assert_eq!(x.ncols(), self.arch.inputs(), "points of the wrong dimension");
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut out = Vec::with_capacity(x.nrows() * self.arch.outputs());
        for r in 0..x.nrows() {
            self.forward(theta, x.row(r).iter().copied(), &mut a, &mut b);
            out.extend_from_slice(&a);
        }
        out
    }

    /// The share of points classified right: the largest logit is the label (K ≥ 2), or the
    /// logit's sign is (K = 1: logit > 0 means label 1).
    pub fn accuracy(&self, theta: &[f64]) -> f64 {
        let outputs = self.arch.outputs();
        let logits = self.logits(theta, self.data.x());
        let right = logits
            .chunks_exact(outputs)
            .zip(self.data.labels())
            .filter(|(z, y)| predict(z) == **y)
            .count();
        right as f64 / self.data.rows() as f64
    }
}

/// The buffers of the reverse pass over one row: every layer's activations (the input's
/// first, at `starts[k]`), ∂ℓ/∂ of a layer's pre-activations and the layer before's, and the
/// output's probabilities.
struct Work<T> {
    starts: Vec<usize>,
    acts: Vec<T>,
    delta: Vec<T>,
    delta_prev: Vec<T>,
    probs: Vec<T>,
}

impl<T: Scalar> Work<T> {
    fn new(sizes: &[usize]) -> Self {
        let mut starts = Vec::with_capacity(sizes.len());
        let mut total = 0;
        for &s in sizes {
            starts.push(total);
            total += s;
        }
        let widest = sizes.iter().copied().max().unwrap_or(1);
        let zero = T::from(0.0);
        Self {
            starts,
            acts: vec![zero; total],
            delta: vec![zero; widest],
            delta_prev: vec![zero; widest],
            probs: vec![zero; sizes.last().copied().unwrap_or(1)],
        }
    }
}

/// Activations of a batched forward pass, kept between calls.
#[derive(Default)]
pub struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
    /// One row's logits.
    logits: Vec<f64>,
}

/// The n × n matrix of `columns` (n of them, each n long), symmetrised: each pair of
/// off-diagonal entries replaced by its mean, which removes the last-bit asymmetry of two
/// Hessian-vector products.
pub fn symmetrised(columns: &[Vec<f64>]) -> DMatrix<f64> {
    let n = columns.len();
    let mut h = DMatrix::from_fn(n, n, |i, j| columns[j][i]);
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (h[(i, j)] + h[(j, i)]);
            h[(i, j)] = m;
            h[(j, i)] = m;
        }
    }
    h
}
