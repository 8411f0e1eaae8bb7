//! Small fully connected networks on 2-D classification data, and their loss landscapes
//! (SPEC §2, network landscapes).
//!
//! The network `2-H[-H…]-1` has tanh hidden layers and one linear output, the logit z. Its loss
//! is the mean binary cross-entropy with logits plus weight decay,
//! `L(θ) = 1/n·Σ [softplus(zᵢ) − lᵢ·zᵢ] + (wd/2)·‖θ‖²` (PyTorch's `BCEWithLogitsLoss`).
//!
//! The parameters are one flat vector θ in the order of PyTorch's `nn.Linear` layers: per layer
//! the weight (out × in, row-major), then the bias. The same vector is trained, sliced, saved and
//! compared with PyTorch.
//!
//! The forward and backward passes are written once, generic over the scalar
//! ([`Scalar`]: `f64` and num-dual's dual numbers):
//! - reverse mode on `f64` gives ∇L for training ([`Network::loss_grad`]);
//! - the same reverse pass on first-order duals seeded with a direction v gives the
//!   Hessian-vector product H·v, and n of them the exact Hessian (forward-over-reverse,
//!   [`Network::hessian`]);
//! - a forward pass on second-order duals in (α, β) gives a slice's exact gradient and Hessian
//!   ([`Slice`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nalgebra::{Const, U1};
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use num_dual::{Dual2SVec64, Dual64, DualNum, DualSVec64};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::{Domain, Gradient, Hessian, Point, Surface};
use crate::sim::{OptimizerKind, OptimizerSpec, State};

/// The most hidden layers, and the widest hidden layer.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 256;

/// The numbers the passes run on: `f64` and the dual numbers that carry derivatives along.
pub trait Scalar: DualNum<Primitive = f64> + Copy {}
impl<T: DualNum<Primitive = f64> + Copy> Scalar for T {}

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

/// What is wrong with a network's settings.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NetError {
    /// The architecture string does not parse or is out of range.
    #[error("--net '{text}': {message} (write 2-H[-H…]-1, e.g. 2-16-16-1)")]
    Architecture {
        /// The text given.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// The data cannot be used.
    #[error("{0}")]
    Data(String),
    /// The optimizer cannot train a network.
    #[error("{0}")]
    Optimizer(String),
    /// A parameter vector of the wrong length.
    #[error("a parameter vector has {got} numbers, the network has {want} parameters")]
    Length {
        /// Its length.
        got: usize,
        /// The network's parameter count.
        want: usize,
    },
}

/// The layer widths, `[2, H₁, …, 1]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Architecture {
    sizes: Vec<usize>,
}

impl TryFrom<String> for Architecture {
    type Error = NetError;
    fn try_from(s: String) -> Result<Self, NetError> {
        Architecture::parse(&s)
    }
}

impl From<Architecture> for String {
    fn from(a: Architecture) -> String {
        a.to_string()
    }
}

impl std::fmt::Display for Architecture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        f.write_str(&parts.join("-"))
    }
}

/// One `nn.Linear` layer's place in θ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Inputs.
    pub inputs: usize,
    /// Outputs.
    pub outputs: usize,
    /// Offset of the weight (outputs × inputs, row-major) in θ; the bias follows it.
    pub offset: usize,
}

impl Layer {
    /// Offset of the bias in θ.
    pub fn bias_offset(&self) -> usize {
        self.offset + self.inputs * self.outputs
    }
}

impl Architecture {
    /// Parses `2-H[-H…]-1`: two inputs, one to [`MAX_HIDDEN_LAYERS`] hidden layers of 1 to
    /// [`MAX_WIDTH`] units, one output.
    ///
    /// # Errors
    /// [`NetError::Architecture`] saying what is wrong.
    pub fn parse(text: &str) -> Result<Self, NetError> {
        let bad = |message: String| NetError::Architecture { text: text.to_owned(), message };
        let sizes = text
            .trim()
            .split(['-', 'x'])
            .map(|p| p.trim().parse::<usize>().map_err(|_| bad(format!("'{p}' is not a width"))))
            .collect::<Result<Vec<_>, _>>()?;
        if sizes.len() < 3 {
            return Err(bad("at least one hidden layer".into()));
        }
        if sizes[0] != 2 {
            return Err(bad(format!(
                "the input is 2-D (x1, x2), so the first width is 2, not {}",
                sizes[0]
            )));
        }
        if sizes[sizes.len() - 1] != 1 {
            return Err(bad("the output is one logit, so the last width is 1".into()));
        }
        if sizes.len() - 2 > MAX_HIDDEN_LAYERS {
            return Err(bad(format!("at most {MAX_HIDDEN_LAYERS} hidden layers")));
        }
        if let Some(w) = sizes[1..sizes.len() - 1].iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(bad(format!("a hidden layer has 1 to {MAX_WIDTH} units, not {w}")));
        }
        Ok(Self { sizes })
    }

    /// The widths, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The layers, input side first, with their offsets in θ.
    pub fn layers(&self) -> Vec<Layer> {
        let mut offset = 0;
        self.sizes
            .windows(2)
            .map(|w| {
                let l = Layer { inputs: w[0], outputs: w[1], offset };
                offset += w[0] * w[1] + w[1];
                l
            })
            .collect()
    }

    /// The number of parameters.
    pub fn n_params(&self) -> usize {
        self.sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    /// PyTorch's default initialisation of `nn.Linear` from a seed: every weight and bias of a
    /// layer with `in` inputs uniform in ±1/√in (`kaiming_uniform_(a=√5)` works out to that
    /// bound). The draws are ChaCha8's, not PyTorch's generator: the same seed gives the same
    /// θ₀ on every machine.
    pub fn init(&self, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut theta = Vec::with_capacity(self.n_params());
        for l in self.layers() {
            let bound = 1.0 / (l.inputs as f64).sqrt();
            for _ in 0..l.inputs * l.outputs + l.outputs {
                theta.push(rng.random_range(-bound..bound));
            }
        }
        theta
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
        let cols = super::parallel::par_map(&columns, 8, |&k| {
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

// ---------------------------------------------------------------------------------------------
// Training

/// An optimizer of the project over n parameters.
///
/// The element-wise optimizers (gd, momentum, nesterov, adagrad, rmsprop, adam, adamw, nadam)
/// update each coordinate by itself, so the n-D step is the project's 2-D step
/// ([`OptimizerSpec::apply`]) on the coordinates taken two at a time, each pair with its own
/// state and all sharing one step schedule: bit for bit the arithmetic that matches PyTorch in
/// 2-D. Newton and saddle-free Newton solve with the exact n × n Hessian.
#[derive(Clone, Debug)]
pub struct NdOptimizer {
    spec: OptimizerSpec,
    schedule: crate::sim::StepState,
    states: Vec<State>,
}

impl NdOptimizer {
    /// The optimizer for `n` parameters, state zero.
    ///
    /// # Errors
    /// [`NetError::Optimizer`] for an optimizer that is not element-wise and not a Newton method.
    pub fn new(spec: OptimizerSpec, n: usize) -> Result<Self, NetError> {
        use OptimizerKind::*;
        let kind = spec.kind();
        let supported = matches!(
            kind,
            Gd | Momentum
                | Nesterov
                | Adagrad
                | Rmsprop
                | Adam
                | Adamw
                | Nadam
                | Radam
                | Adamax
                | Adadelta
                | Rprop
                | Asgd
        ) || kind.needs_hessian();
        if !supported {
            return Err(NetError::Optimizer(format!(
                "{} cannot train a network yet (its update is not element-wise)",
                kind.name()
            )));
        }
        Ok(Self { spec, schedule: spec.start(), states: vec![spec.init(); n.div_ceil(2)] })
    }

    /// Whether each step needs the Hessian.
    pub fn needs_hessian(&self) -> bool {
        self.spec.kind().needs_hessian()
    }

    /// One step from θ with gradient g (and Hessian h for the Newton methods), in place. A
    /// singular Newton system makes θ non-finite: a divergence.
    pub fn step(&mut self, theta: &mut [f64], g: &[f64], h: Option<&DMatrix<f64>>) {
        let c = self.spec.advance(&mut self.schedule);
        if self.needs_hessian() {
            let n = theta.len();
            // The step's rate: a schedule's, or the constant one.
            let lr = c.lr;
            let damping = self.spec.get(super::Param::Damping);
            let gv = DVector::from_column_slice(g);
            let d = h.and_then(|h| {
                let a = if self.spec.kind() == OptimizerKind::Sfn {
                    if h.iter().any(|v| !v.is_finite()) {
                        return None;
                    }
                    let eig = SymmetricEigen::new(h.clone());
                    &eig.eigenvectors
                        * DMatrix::from_diagonal(&eig.eigenvalues.map(f64::abs))
                        * eig.eigenvectors.transpose()
                } else {
                    h.clone()
                };
                (a + DMatrix::identity(n, n) * damping).lu().solve(&gv)
            });
            match d {
                Some(d) => theta.iter_mut().zip(d.iter()).for_each(|(t, d)| *t -= lr * d),
                None => theta.fill(f64::NAN),
            }
            for s in &mut self.states {
                s.step = c.step;
            }
            return;
        }
        for (k, state) in self.states.iter_mut().enumerate() {
            let i = 2 * k;
            let p = Point::new(theta[i], theta.get(i + 1).copied().unwrap_or(0.0));
            let gr = Gradient::new(g[i], g.get(i + 1).copied().unwrap_or(0.0));
            let next = self.spec.apply(&c, state, p, gr, None);
            theta[i] = next.x;
            if let Some(t) = theta.get_mut(i + 1) {
                *t = next.y;
            }
        }
    }
}

/// A finished (or stopped) training run.
#[derive(Clone, Debug, PartialEq)]
pub struct Training {
    /// The initial parameters θ₀.
    pub theta0: Vec<f64>,
    /// The final parameters θ.
    pub theta: Vec<f64>,
    /// The parameters after each step, θ₀ first (for the path's PCA).
    pub path: Vec<Vec<f64>>,
    /// The loss at each point of the path.
    pub losses: Vec<f64>,
    /// The step at which θ stopped being finite, if it did (the path ends before it).
    pub diverged_at: Option<usize>,
}

/// Trains `net` full-batch from θ₀ for `steps` steps. `progress` counts the steps done;
/// setting `cancel` stops early with the path so far.
///
/// # Errors
/// [`NetError::Optimizer`] for an optimizer that cannot train a network, [`NetError::Length`]
/// for a θ₀ of the wrong length.
pub fn train(
    net: &Network,
    theta0: &[f64],
    spec: OptimizerSpec,
    steps: usize,
    progress: Option<&AtomicUsize>,
    cancel: Option<&AtomicBool>,
) -> Result<Training, NetError> {
    train_observed(net, theta0, spec, steps, &mut |k| {
        if let Some(p) = progress {
            p.store(k, Ordering::Relaxed);
        }
        !cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    })
}

/// [`train`], calling `observe(k)` after step k (and with 0 before the first); training stops
/// early, keeping the path so far, when it returns `false`.
///
/// # Errors
/// As [`train`].
pub fn train_observed(
    net: &Network,
    theta0: &[f64],
    spec: OptimizerSpec,
    steps: usize,
    observe: &mut dyn FnMut(usize) -> bool,
) -> Result<Training, NetError> {
    if theta0.len() != net.n_params() {
        return Err(NetError::Length { got: theta0.len(), want: net.n_params() });
    }
    let mut opt = NdOptimizer::new(spec, theta0.len())?;
    let mut theta = theta0.to_vec();
    let mut grad = vec![0.0; theta.len()];
    let mut path = Vec::with_capacity(steps + 1);
    let mut losses = Vec::with_capacity(steps + 1);
    let mut diverged_at = None;
    let mut go_on = observe(0);
    for k in 0..=steps {
        let loss = net.loss_grad_generic(&theta, &mut grad);
        if !loss.is_finite() || theta.iter().any(|t| !t.is_finite()) {
            diverged_at = Some(k);
            break;
        }
        path.push(theta.clone());
        losses.push(loss);
        if k == steps || !go_on {
            break;
        }
        let h = opt.needs_hessian().then(|| net.hessian(&theta));
        opt.step(&mut theta, &grad, h.as_ref());
        go_on = observe(k + 1);
    }
    let theta = path.last().cloned().unwrap_or_else(|| theta0.to_vec());
    Ok(Training { theta0: theta0.to_vec(), theta, path, losses, diverged_at })
}

// ---------------------------------------------------------------------------------------------
// Slices and interpolation

/// How a slice's directions are chosen (Li et al. 2018; Goodfellow et al. 2015).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Directions {
    /// Two Gaussian directions, each weight row rescaled to the norm of θ's row, biases 0
    /// (Li et al.'s filter normalisation, for fully connected layers a filter is a neuron's
    /// incoming weights).
    Filter,
    /// Two Gaussian directions as drawn (N(0, 1) per parameter).
    Raw,
    /// δ = θ₀ − θ, the line back to the initialisation; η filter-normalised.
    Init,
    /// The first two principal components of the training path (θₖ − θ): the plane the path
    /// moved in most (Li et al., Sec. 7), each scaled so that the path's projection spans 90 %
    /// of [−1, 1] along it.
    Pca,
}

impl Directions {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Directions::Filter => "filter",
            Directions::Raw => "raw",
            Directions::Init => "init",
            Directions::Pca => "pca",
        }
    }

    /// Looks a choice up by name.
    pub fn from_name(s: &str) -> Option<Self> {
        [Directions::Filter, Directions::Raw, Directions::Init, Directions::Pca]
            .into_iter()
            .find(|d| d.name() == s.trim())
    }
}

/// A Gaussian direction drawn from `rng`, N(0, 1) per parameter.
fn gaussian(rng: &mut ChaCha8Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| StandardNormal.sample(rng)).collect()
}

/// Filter normalisation (Li et al. 2018): each weight row of `d` rescaled to the norm of the same
/// row of `theta`; biases set to 0.
pub fn filter_normalise(layers: &[Layer], d: &mut [f64], theta: &[f64]) {
    for l in layers {
        for o in 0..l.outputs {
            let s = l.offset + o * l.inputs;
            let row = s..s + l.inputs;
            let dn = d[row.clone()].iter().map(|v| v * v).sum::<f64>().sqrt();
            let tn = theta[row.clone()].iter().map(|v| v * v).sum::<f64>().sqrt();
            let scale = if dn > 0.0 { tn / dn } else { 0.0 };
            d[row].iter_mut().for_each(|v| *v *= scale);
        }
        d[l.bias_offset()..l.bias_offset() + l.outputs].fill(0.0);
    }
}

/// The first two principal directions of the path's offsets θₖ − θ (unit vectors), from the
/// eigenvectors of their n × n scatter matrix; at most 400 evenly spaced points of the path
/// are used.
pub fn pca_directions(path: &[Vec<f64>], theta: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = theta.len();
    let stride = path.len().div_ceil(400).max(1);
    let rows: Vec<&Vec<f64>> = path.iter().step_by(stride).collect();
    let m = DMatrix::from_fn(rows.len(), n, |i, j| rows[i][j] - theta[j]);
    let scatter = m.transpose() * &m;
    let eig = SymmetricEigen::new(scatter);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let col = |k: usize| -> Vec<f64> {
        let mut v: Vec<f64> = eig.eigenvectors.column(order[k]).iter().copied().collect();
        // A fixed sign: the path starts on the positive side.
        if let Some(start) = path.first() {
            let dot: f64 = v.iter().zip(start).zip(theta).map(|((v, s), t)| v * (s - t)).sum();
            if dot < 0.0 {
                v.iter_mut().for_each(|x| *x = -*x);
            }
        }
        v
    };
    (col(0), col(1.min(n.saturating_sub(1))))
}

/// A two-dimensional slice of a network's loss, f(α, β) = L(θ + α·δ + β·η): a surface like any
/// other, with the exact ∇ and Hessian in (α, β) from a forward pass on dual numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Slice {
    net: Arc<Network>,
    theta: Vec<f64>,
    delta: Vec<f64>,
    eta: Vec<f64>,
    span: f64,
    /// The training path projected onto the plane ([`Slice::project`]), θ₀ first; empty when
    /// the slice was not made from a training run.
    path: Arc<[Point]>,
}

impl Slice {
    /// The slice through θ along δ and η, shown over [−span, span]².
    ///
    /// # Errors
    /// [`NetError::Length`] when a vector is not the network's length.
    pub fn new(
        net: Arc<Network>,
        theta: Vec<f64>,
        delta: Vec<f64>,
        eta: Vec<f64>,
        span: f64,
    ) -> Result<Self, NetError> {
        for v in [&theta, &delta, &eta] {
            if v.len() != net.n_params() {
                return Err(NetError::Length { got: v.len(), want: net.n_params() });
            }
        }
        let span = if span.is_finite() && span > 0.0 { span } else { 1.0 };
        Ok(Self { net, theta, delta, eta, span, path: Arc::from([]) })
    }

    /// The slice through a training run's θ with directions chosen by `directions`, Gaussian
    /// ones drawn from `seed`.
    pub fn of_training(
        net: Arc<Network>,
        training: &Training,
        directions: Directions,
        seed: u64,
        span: f64,
    ) -> Self {
        let n = net.n_params();
        let theta = training.theta.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_d1ec_7105_0000);
        let filtered = |rng: &mut ChaCha8Rng| {
            let mut d = gaussian(rng, n);
            filter_normalise(net.layers(), &mut d, &theta);
            d
        };
        let (delta, eta) = match directions {
            Directions::Filter => (filtered(&mut rng), filtered(&mut rng)),
            Directions::Raw => (gaussian(&mut rng, n), gaussian(&mut rng, n)),
            Directions::Init => {
                let d: Vec<f64> = training.theta0.iter().zip(&theta).map(|(a, b)| a - b).collect();
                (d, filtered(&mut rng))
            }
            Directions::Pca => {
                let (mut d, mut e) = pca_directions(&training.path, &theta);
                for v in [&mut d, &mut e] {
                    let reach = training
                        .path
                        .iter()
                        .map(|p| {
                            p.iter()
                                .zip(&theta)
                                .zip(v.iter())
                                .map(|((a, b), c)| (a - b) * c)
                                .sum::<f64>()
                                .abs()
                        })
                        .fold(0.0, f64::max);
                    if reach > 0.0 {
                        v.iter_mut().for_each(|x| *x *= reach / 0.9);
                    }
                }
                (d, e)
            }
        };
        let span = if span.is_finite() && span > 0.0 { span } else { 1.0 };
        let mut slice = Self { net, theta, delta, eta, span, path: Arc::from([]) };
        slice.path = training.path.iter().map(|t| slice.project(t)).collect();
        slice
    }

    /// The training path projected onto the slice's plane, θ₀ first (empty for a slice not
    /// made from a training run).
    pub fn path(&self) -> &[Point] {
        &self.path
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The centre θ.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The direction δ (α's axis).
    pub fn delta(&self) -> &[f64] {
        &self.delta
    }

    /// The direction η (β's axis).
    pub fn eta(&self) -> &[f64] {
        &self.eta
    }

    /// `[−span, span]²`.
    pub fn default_domain(&self) -> Domain {
        let s = self.span;
        Domain { x_min: -s, x_max: s, y_min: -s, y_max: s }
    }

    /// The point of the slice nearest to θ' in the least-squares sense: the (α, β) that minimise
    /// ‖θ' − θ − α·δ − β·η‖ (how a training path is drawn on the slice).
    pub fn project(&self, theta: &[f64]) -> Point {
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let r: Vec<f64> = theta.iter().zip(&self.theta).map(|(a, b)| a - b).collect();
        let (dd, de, ee) =
            (dot(&self.delta, &self.delta), dot(&self.delta, &self.eta), dot(&self.eta, &self.eta));
        let (rd, re) = (dot(&r, &self.delta), dot(&r, &self.eta));
        let det = dd * ee - de * de;
        if det.abs() <= 1e-300 {
            return Point::new(if dd > 0.0 { rd / dd } else { 0.0 }, 0.0);
        }
        Point::new((rd * ee - re * de) / det, (re * dd - rd * de) / det)
    }

    fn at<T: Scalar>(&self, a: T, b: T) -> T {
        let p: Vec<T> = self
            .theta
            .iter()
            .zip(&self.delta)
            .zip(&self.eta)
            .map(|((&t, &d), &e)| a * d + b * e + t)
            .collect();
        self.net.loss_generic(&p)
    }
}

impl Surface for Slice {
    fn value(&self, p: Point) -> f64 {
        self.at(p.x, p.y)
    }

    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let a = DualSVec64::<2>::from_re(p.x).derivative(0);
        let b = DualSVec64::<2>::from_re(p.y).derivative(1);
        let r = self.at(a, b);
        (r.re, r.eps.unwrap_generic(Const::<2>, U1))
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        let a = Dual2SVec64::<2>::from_re(p.x).derivative(0);
        let b = Dual2SVec64::<2>::from_re(p.y).derivative(1);
        let r = self.at(a, b);
        let g = r.v1.unwrap_generic(U1, Const::<2>).transpose();
        (r.re, g, r.v2.unwrap_generic(Const::<2>, Const::<2>))
    }

    /// The map of the slice, row by row (in parallel). Up to [`SLICE_EXACT_SIDE`] points a side
    /// every point is the loss there (a batched forward pass, [`Network::loss_batched`]); a
    /// finer grid (a heatmap the size of a window) is computed exactly at every k-th point of
    /// each axis (k the smallest step that keeps at most [`SLICE_EXACT_SIDE`] across) and
    /// filled in between by cubic Hermite interpolation: a network's loss is smooth, and a
    /// window of exact forward passes would take a minute.
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
        if xs.is_empty() || ys.is_empty() {
            return;
        }
        let k = xs.len().max(ys.len()).div_ceil(SLICE_EXACT_SIDE).max(1);
        if k == 1 {
            self.sample_exact(xs, ys, out);
            return;
        }
        let knots = |n: usize| -> Vec<usize> {
            let mut v: Vec<usize> = (0..n).step_by(k).collect();
            if v.last() != Some(&(n - 1)) {
                v.push(n - 1);
            }
            v
        };
        let (ix, iy) = (knots(xs.len()), knots(ys.len()));
        let cx: Vec<f64> = ix.iter().map(|&i| xs[i]).collect();
        let cy: Vec<f64> = iy.iter().map(|&j| ys[j]).collect();
        let mut coarse = vec![0.0; cx.len() * cy.len()];
        self.sample_exact(&cx, &cy, &mut coarse);
        // Along x for each coarse row, then along y for each column.
        let mut rows = vec![0.0; xs.len() * cy.len()];
        for (row, c) in rows.chunks_exact_mut(xs.len()).zip(coarse.chunks_exact(cx.len())) {
            hermite(&cx, c, xs, |i, v| row[i] = v);
        }
        let mut column = vec![0.0; cy.len()];
        for i in 0..xs.len() {
            for (j, c) in column.iter_mut().enumerate() {
                *c = rows[j * xs.len() + i];
            }
            hermite(&cy, &column, ys, |j, v| out[j * xs.len() + i] = v);
        }
    }
}

/// The most points a side of a slice's map computed point by point; finer maps interpolate.
pub const SLICE_EXACT_SIDE: usize = 96;

/// Cubic Hermite interpolation of the values `v` at the ascending knots `t` (tangents from
/// centred differences, one-sided at the ends), at each of `at`; `put(i, value)` receives them.
fn hermite(t: &[f64], v: &[f64], at: &[f64], mut put: impl FnMut(usize, f64)) {
    let n = t.len();
    if n < 2 {
        for i in 0..at.len() {
            put(i, v.first().copied().unwrap_or(f64::NAN));
        }
        return;
    }
    let slope = |a: usize, b: usize| (v[b] - v[a]) / (t[b] - t[a]);
    let tangent = |i: usize| match i {
        0 => slope(0, 1),
        i if i == n - 1 => slope(n - 2, n - 1),
        i => slope(i - 1, i + 1),
    };
    let mut seg = 0;
    for (i, &x) in at.iter().enumerate() {
        while seg + 2 < n && x > t[seg + 1] {
            seg += 1;
        }
        let h = t[seg + 1] - t[seg];
        let s = ((x - t[seg]) / h).clamp(0.0, 1.0);
        let (s2, s3) = (s * s, s * s * s);
        let value = (2.0 * s3 - 3.0 * s2 + 1.0) * v[seg]
            + (s3 - 2.0 * s2 + s) * h * tangent(seg)
            + (-2.0 * s3 + 3.0 * s2) * v[seg + 1]
            + (s3 - s2) * h * tangent(seg + 1);
        // At a knot the value is the exact one.
        put(
            i,
            if s == 0.0 {
                v[seg]
            } else if s == 1.0 {
                v[seg + 1]
            } else {
                value
            },
        );
    }
}

impl Slice {
    /// Every point of the grid exactly, rows in parallel, one θ buffer and one set of
    /// activations per row.
    fn sample_exact(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        use rayon::prelude::*;
        let n = xs.len();
        let work = |(row, &y): (&mut [f64], &f64)| {
            let mut p = vec![0.0; self.theta.len()];
            let mut scratch = Scratch::default();
            for (o, &x) in row.iter_mut().zip(xs) {
                for (((p, &t), &d), &e) in
                    p.iter_mut().zip(&self.theta).zip(&self.delta).zip(&self.eta)
                {
                    *p = x * d + y * e + t;
                }
                *o = self.net.loss_batched(&p, &mut scratch);
            }
        };
        if ys.len() * n < 64 {
            out.chunks_exact_mut(n).zip(ys).for_each(work);
        } else {
            out.par_chunks_exact_mut(n).zip(ys.par_iter()).with_max_len(1).for_each(work);
        }
    }
}

/// Activations of a batched forward pass, kept between calls.
#[derive(Default)]
pub struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
}

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
    super::parallel::par_map(&alphas, 16, |&a| {
        let p: Vec<f64> = theta0.iter().zip(theta).map(|(t0, t)| (1.0 - a) * t0 + a * t).collect();
        (a, net.loss(&p))
    })
}

// ---------------------------------------------------------------------------------------------
// A landscape as a scene keeps it

/// The most built-in data points a landscape in a scene may ask for.
pub const MAX_SCENE_POINTS: usize = 10_000;
/// The most training steps a landscape in a scene may ask for.
pub const MAX_SCENE_STEPS: usize = 100_000;
/// The most numbers the stored training path of a scene's landscape may hold ((steps + 1) ×
/// parameters): 2²⁴ float64, 128 MiB.
pub const MAX_PATH_NUMBERS: usize = 1 << 24;

/// Where a network's training data comes from, as a scene keeps it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum NetData {
    /// A built-in data set drawn from the landscape's seed:
    /// `{"dataset": {"name": "moons", "points": 200, "noise": 0.1}}` (noise: the set's own when
    /// absent).
    Dataset {
        /// Which (moons, circles, xor, spirals).
        name: super::data::Dataset,
        /// How many points.
        #[serde(default = "default_points")]
        points: usize,
        /// Gaussian noise; the data set's default when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        noise: Option<f64>,
    },
    /// A CSV file with the header `x1,x2,label`, read when the landscape is built:
    /// `{"csv": "data/points.csv"}` (relative to the working directory).
    Csv(std::path::PathBuf),
    /// The points themselves, `{"points": [[x1, x2, label], …]}`.
    Points(Vec<[f64; 3]>),
}

fn default_points() -> usize {
    200
}

/// A trained network's landscape as a scene keeps it (SPEC §2, network landscapes): everything
/// that rebuilds the same slice. Training is deterministic (seeded initialisation and data, a
/// fixed order of every sum), so building it twice gives the same surface to the last bit; this
/// is exactly what `losscape landscape` does with the same flags.
///
/// ```json
/// {"network": {"net": "2-16-16-1", "data": {"dataset": {"name": "moons", "points": 200}},
///  "seed": 0, "optimizer": "adam:lr=0.01", "steps": 2000, "directions": "filter",
///  "span": 1.0, "grid": 51}}
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetSpec {
    /// The architecture, `2-H[-H…]-1`.
    pub net: Architecture,
    /// The training data.
    pub data: NetData,
    /// Seed of the data set, the initialisation and the slice's directions.
    #[serde(default)]
    pub seed: u64,
    /// Weight decay wd of the loss's (wd/2)·‖θ‖².
    #[serde(default)]
    pub weight_decay: f64,
    /// The training optimizer as a SPEC, `NAME[:key=value,...]`.
    #[serde(default = "default_optimizer")]
    pub optimizer: String,
    /// Full-batch training steps.
    #[serde(default = "default_train_steps")]
    pub steps: usize,
    /// How the slice's directions are chosen.
    #[serde(default = "default_directions")]
    pub directions: Directions,
    /// The slice is shown over [−span, span]².
    #[serde(default = "default_span")]
    pub span: f64,
    /// Points per side of the map a figure samples (the app samples its own view).
    #[serde(default = "default_grid")]
    pub grid: usize,
}

fn default_optimizer() -> String {
    "adam:lr=0.01".to_owned()
}
fn default_train_steps() -> usize {
    2000
}
fn default_directions() -> Directions {
    Directions::Filter
}
fn default_span() -> f64 {
    1.0
}
fn default_grid() -> usize {
    51
}

/// A built landscape: the slice (carrying the projected training path) and the training run.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    /// The slice through the trained θ.
    pub slice: Slice,
    /// The training run.
    pub training: Training,
    /// The share of the training points the trained network classifies right.
    pub accuracy: f64,
}

impl NetSpec {
    /// The defaults of `losscape landscape` on a data set: a 2-16-16-1 network, 200 points,
    /// seed 0, Adam at 0.01 for 2000 steps, filter-normalised directions over [−1, 1]², 51².
    pub fn on_dataset(dataset: super::data::Dataset) -> Self {
        Self {
            net: Architecture { sizes: vec![2, 16, 16, 1] },
            data: NetData::Dataset { name: dataset, points: default_points(), noise: None },
            seed: 0,
            weight_decay: 0.0,
            optimizer: default_optimizer(),
            steps: default_train_steps(),
            directions: default_directions(),
            span: default_span(),
            grid: default_grid(),
        }
    }

    /// The training optimizer.
    ///
    /// # Errors
    /// [`NetError::Optimizer`] for a SPEC that does not parse or an optimizer that cannot train
    /// a network.
    pub fn optimizer_spec(&self) -> Result<OptimizerSpec, NetError> {
        let spec = OptimizerSpec::parse(&self.optimizer)
            .map_err(|e| NetError::Optimizer(format!("'{}': {e}", self.optimizer)))?;
        NdOptimizer::new(spec, 2)?;
        Ok(spec)
    }

    /// Checks what can be checked without reading a file or training: ranges, the optimizer,
    /// the data set's kind, the points. Returns the field (relative to the landscape, like
    /// `data.dataset.points`) and what is wrong with it.
    ///
    /// # Errors
    /// `(field, message)` of the first problem.
    pub fn check(&self) -> Result<(), (String, String)> {
        let err = |field: &str, message: String| Err((field.to_owned(), message));
        if let Err(e) = self.optimizer_spec() {
            return err("optimizer", e.to_string());
        }
        if self.steps > MAX_SCENE_STEPS {
            return err(
                "steps",
                format!("at most {MAX_SCENE_STEPS} training steps, got {}", self.steps),
            );
        }
        let numbers = (self.steps + 1).saturating_mul(self.net.n_params());
        if numbers > MAX_PATH_NUMBERS {
            return err(
                "steps",
                format!(
                    "{} steps of a {} network ({} parameters) store {numbers} numbers; at most {MAX_PATH_NUMBERS}: fewer steps or a smaller network",
                    self.steps,
                    self.net,
                    self.net.n_params()
                ),
            );
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return err(
                "weight_decay",
                format!("must be a finite number ≥ 0, got {}", self.weight_decay),
            );
        }
        if !(self.span.is_finite() && self.span > 0.0 && self.span <= 1e6) {
            return err("span", format!("must be a number > 0 and at most 1e6, got {}", self.span));
        }
        if !(2..=1024).contains(&self.grid) {
            return err("grid", format!("must be 2 to 1024 points a side, got {}", self.grid));
        }
        match &self.data {
            NetData::Dataset { name, points, noise } => {
                if name.columns() != super::data::Columns::X1X2Label {
                    return err(
                        "data.dataset.name",
                        format!(
                            "'{name}' is not a classification in the plane; for a network the data sets are: {}",
                            super::data::names_with(super::data::Columns::X1X2Label)
                        ),
                    );
                }
                if !(1..=MAX_SCENE_POINTS).contains(points) {
                    return err(
                        "data.dataset.points",
                        format!("must be from 1 to {MAX_SCENE_POINTS}, got {points}"),
                    );
                }
                if let Some(s) = noise
                    && !(s.is_finite() && *s >= 0.0)
                {
                    return err(
                        "data.dataset.noise",
                        format!("must be a finite number ≥ 0, got {s}"),
                    );
                }
            }
            NetData::Csv(path) => {
                if path.as_os_str().is_empty() {
                    return err("data.csv", "the file name is empty".to_owned());
                }
            }
            NetData::Points(rows) => {
                if rows.is_empty() {
                    return err("data.points", "the network needs at least one point".to_owned());
                }
                if rows.len() > super::data::MAX_ROWS {
                    return err(
                        "data.points",
                        format!("at most {} points, got {}", super::data::MAX_ROWS, rows.len()),
                    );
                }
                for (i, r) in rows.iter().enumerate() {
                    if r.iter().any(|v| !v.is_finite()) || (r[2] != 0.0 && r[2] != 1.0) {
                        return err(
                            &format!("data.points[{i}]"),
                            format!("{r:?} must be finite with label 0 or 1"),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// The training rows `(x1, x2, label)`: drawn, read from the CSV, or as given.
    ///
    /// # Errors
    /// [`NetError::Data`] for a CSV that cannot be read (file, line, column).
    pub fn rows(&self) -> Result<Vec<[f64; 3]>, NetError> {
        match &self.data {
            NetData::Dataset { name, points, noise } => {
                Ok(name.generate(*points, noise.unwrap_or(name.default_noise()), self.seed))
            }
            NetData::Csv(path) => super::data::read_csv(path, super::data::Columns::X1X2Label)
                .map_err(|e| NetError::Data(format!("data.csv: {e}"))),
            NetData::Points(rows) => Ok(rows.clone()),
        }
    }

    /// The network on its data.
    ///
    /// # Errors
    /// As [`NetSpec::rows`] and [`Network::new`].
    pub fn network(&self) -> Result<Network, NetError> {
        Network::new(self.net.clone(), self.rows()?, self.weight_decay)
    }

    /// Trains from the seed's initialisation and slices: the same steps as `losscape
    /// landscape`. `progress` (if any) gets the total and counts steps; cancelling it stops the
    /// training early (the caller throws the result away).
    ///
    /// # Errors
    /// [`NetSpec::check`]'s problems as [`NetError::Data`] naming the field, a CSV that cannot
    /// be read, or an optimizer that cannot train a network.
    pub fn build(
        &self,
        progress: Option<&super::progress::Progress>,
    ) -> Result<Landscape, NetError> {
        self.check().map_err(|(field, message)| NetError::Data(format!("{field}: {message}")))?;
        let net = Arc::new(self.network()?);
        let spec = self.optimizer_spec()?;
        let theta0 = net.architecture().init(self.seed);
        if let Some(p) = progress {
            p.set_total(self.steps as u64);
        }
        let mut done = 0usize;
        let training = train_observed(&net, &theta0, spec, self.steps, &mut |k| {
            if let Some(p) = progress {
                p.advance((k - done.min(k)) as u64);
                done = k;
                return !p.is_cancelled();
            }
            true
        })?;
        let accuracy = net.accuracy(&training.theta);
        let slice = Slice::of_training(net, &training, self.directions, self.seed, self.span);
        Ok(Landscape { slice, training, accuracy })
    }
}
