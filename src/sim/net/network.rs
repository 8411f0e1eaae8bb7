//! A network on its data: the loss L(θ), its gradient by reverse mode and its exact Hessian
//! by forward-over-reverse, the passes written once over any [`Scalar`].

use std::sync::Arc;

use nalgebra::DMatrix;
use num_dual::Dual64;

use super::architecture::{Architecture, Layer};
use super::error::NetError;
use crate::sim::surfaces::dual::Scalar;

/// `softplus(z) = ln(1 + eᶻ)` without overflow, on any scalar.
#[inline]
pub fn softplus<T: Scalar>(z: T) -> T {
    if z.re() > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() }
}

/// The logistic function `σ(z) = 1/(1 + e⁻ᶻ)` without overflow, on any scalar.
#[inline]
pub fn sigmoid<T: Scalar>(z: T) -> T {
    if z.re() >= 0.0 {
        ((-z).exp() + 1.0).recip()
    } else {
        let e = z.exp();
        e / (e + 1.0)
    }
}

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
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    arch: Architecture,
    layers: Vec<Layer>,
    rows: Arc<[[f64; 3]]>,
    weight_decay: f64,
}

impl Network {
    /// A network on rows `(x1, x2, label)`, labels 0 or 1, with weight decay `wd ≥ 0`.
    ///
    /// # Errors
    /// [`NetError::Data`] for no rows, a non-finite number or a label other than 0/1, or a
    /// negative or non-finite weight decay.
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
        if !(weight_decay.is_finite() && weight_decay >= 0.0) {
            return Err(NetError::Data(format!(
                "--weight-decay must be a finite number ≥ 0, got {weight_decay}"
            )));
        }
        let layers = arch.layers();
        Ok(Self { arch, layers, rows: rows.into(), weight_decay })
    }

    /// The architecture.
    pub fn architecture(&self) -> &Architecture {
        &self.arch
    }

    /// The layers with their offsets in θ.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The data rows `(x1, x2, label)`.
    pub fn rows(&self) -> &[[f64; 3]] {
        &self.rows
    }

    /// The weight decay wd of the loss's `(wd/2)·‖θ‖²`.
    pub fn weight_decay(&self) -> f64 {
        self.weight_decay
    }

    /// The number of parameters.
    pub fn n_params(&self) -> usize {
        self.arch.n_params()
    }

    fn check(&self, theta_len: usize) {
        assert_eq!(theta_len, self.n_params(), "parameter vector of the wrong length");
    }

    /// The logit of one input, on any scalar; `buf` holds two layers' activations.
    #[inline]
    fn logit<T: Scalar>(&self, theta: &[T], x: [f64; 2], a: &mut Vec<T>, b: &mut Vec<T>) -> T {
        a.clear();
        a.push(T::from(x[0]));
        a.push(T::from(x[1]));
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
        a[0]
    }

    /// L(θ) on any scalar: a forward pass over every point.
    ///
    /// # Panics
    /// If `theta.len()` is not [`n_params`](Self::n_params).
    pub fn loss_generic<T: Scalar>(&self, theta: &[T]) -> T {
        self.check(theta.len());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut sum = T::from(0.0);
        for r in self.rows.iter() {
            let z = self.logit(theta, [r[0], r[1]], &mut a, &mut b);
            sum += softplus(z) - z * r[2];
        }
        let mut loss = sum / self.rows.len() as f64;
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
        let sizes = self.arch.sizes();
        let mut starts = Vec::with_capacity(sizes.len());
        let mut total = 0;
        for &s in sizes {
            starts.push(total);
            total += s;
        }
        let widest = sizes.iter().copied().max().unwrap_or(1);
        let mut acts = vec![T::from(0.0); total];
        let mut delta = vec![T::from(0.0); widest];
        let mut delta_prev = vec![T::from(0.0); widest];
        let n = self.rows.len() as f64;
        let last = self.layers.len() - 1;
        let mut sum = T::from(0.0);
        for r in self.rows.iter() {
            acts[0] = T::from(r[0]);
            acts[1] = T::from(r[1]);
            // Forward, keeping each layer's output (tanh for hidden layers, the logit last).
            for (k, l) in self.layers.iter().enumerate() {
                let (before, after) = acts.split_at_mut(starts[k + 1]);
                let input = &before[starts[k]..];
                let w = &theta[l.offset..l.offset + l.inputs * l.outputs];
                let out = &mut after[..l.outputs];
                out.copy_from_slice(&theta[l.bias_offset()..l.bias_offset() + l.outputs]);
                accumulate(out, w, input);
                if k < last {
                    out.iter_mut().for_each(|z| *z = z.tanh());
                }
            }
            let z = acts[starts[last + 1]];
            sum += softplus(z) - z * r[2];
            // ∂ℓ/∂z = (σ(z) − label)/n.
            delta[0] = (sigmoid(z) - r[2]) / n;
            // Backward.
            for k in (0..=last).rev() {
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
                    std::mem::swap(&mut delta, &mut delta_prev);
                }
            }
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
        let m = self.rows.len();
        let Scratch { a, b } = scratch;
        a.clear();
        a.extend(self.rows.iter().map(|r| r[0]));
        a.extend(self.rows.iter().map(|r| r[1]));
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
        let sum: f64 = a.iter().zip(self.rows.iter()).map(|(&z, r)| softplus(z) - z * r[2]).sum();
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

    /// The exact Hessian ∇²L(θ): n Hessian-vector products with the unit vectors (on all
    /// cores), symmetrised to remove the last-bit asymmetry of the two passes.
    pub fn hessian(&self, theta: &[f64]) -> DMatrix<f64> {
        let n = theta.len();
        self.check(n);
        let columns: Vec<usize> = (0..n).collect();
        let cols = crate::sim::run::parallel::par_map(&columns, 8, |&k| {
            let mut e = vec![0.0; n];
            e[k] = 1.0;
            self.hessian_vector(theta, &e)
        });
        let mut h = DMatrix::from_fn(n, n, |i, j| cols[j][i]);
        for i in 0..n {
            for j in 0..i {
                let m = 0.5 * (h[(i, j)] + h[(j, i)]);
                h[(i, j)] = m;
                h[(j, i)] = m;
            }
        }
        h
    }

    /// The logit for each point (for the decision boundary).
    pub fn logits(&self, theta: &[f64], points: &[[f64; 2]]) -> Vec<f64> {
        self.check(theta.len());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        points.iter().map(|&p| self.logit(theta, p, &mut a, &mut b)).collect()
    }

    /// The share of points classified right (logit > 0 means label 1).
    pub fn accuracy(&self, theta: &[f64]) -> f64 {
        let pts: Vec<[f64; 2]> = self.rows.iter().map(|r| [r[0], r[1]]).collect();
        let right = self
            .logits(theta, &pts)
            .iter()
            .zip(self.rows.iter())
            .filter(|(z, r)| (**z > 0.0) == (r[2] == 1.0))
            .count();
        right as f64 / self.rows.len() as f64
    }
}

/// Activations of a batched forward pass, kept between calls.
#[derive(Default)]
pub struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
}
