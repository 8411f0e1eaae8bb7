//! Full-batch training of a network with the project's optimizers.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::error::NetError;
use super::network::Network;
use crate::sim::{Gradient, OptimizerKind, OptimizerSpec, Param, Point, State, StepState};

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
    schedule: StepState,
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
            let damping = self.spec.get(Param::Damping);
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
    /// The gradient's norm ‖∇L‖ at each point of the path: a plateau is a long stretch of small
    /// ones.
    pub grad_norms: Vec<f64>,
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
    let mut path = Vec::with_capacity(steps + 1);
    let mut losses = Vec::with_capacity(steps + 1);
    let mut grad_norms = Vec::with_capacity(steps + 1);
    let diverged_at = descend(
        theta0,
        spec,
        steps,
        &mut |theta, grad| net.loss_grad_generic(theta, grad),
        Some(&|theta| net.hessian(theta)),
        &mut |_, theta, loss, grad| {
            path.push(theta.to_vec());
            losses.push(loss);
            grad_norms.push(grad.iter().map(|g| g * g).sum::<f64>().sqrt());
        },
        observe,
    )?;
    let theta = path.last().cloned().unwrap_or_else(|| theta0.to_vec());
    Ok(Training { theta0: theta0.to_vec(), theta, path, losses, grad_norms, diverged_at })
}

/// `loss_grad(θ, g)`: L(θ), writing ∇L(θ) into g.
pub(crate) type LossGrad<'a> = dyn FnMut(&[f64], &mut [f64]) -> f64 + 'a;
/// `hessian(θ)`: the n × n Hessian at θ.
pub(crate) type HessianAt<'a> = dyn Fn(&[f64]) -> DMatrix<f64> + 'a;
/// `visit(k, θ, L, ∇L)`: a point of training reached.
pub(crate) type Visit<'a> = dyn FnMut(usize, &[f64], f64, &[f64]) + 'a;

/// The training loop every full-batch trainer shares: from θ₀, `steps` steps of `spec`.
/// `loss_grad(θ, g)` returns L(θ) and writes ∇L(θ) into g; `hessian(θ)` is the n × n Hessian
/// (asked for only by the Newton methods; without it they are refused). Each point reached,
/// θ₀ first, is handed to `visit(k, θ, L, ∇L)`; `observe(k)` is called with 0 before the
/// first step and with k + 1 after step k, and training stops (the point after that step still
/// visited) when it returns `false`. Returns the step at which the loss or θ stopped being
/// finite, if it did (that point is not visited).
///
/// # Errors
/// [`NetError::Optimizer`] for an optimizer that cannot train a network, or a Newton method
/// without a Hessian.
pub(crate) fn descend(
    theta0: &[f64],
    spec: OptimizerSpec,
    steps: usize,
    loss_grad: &mut LossGrad<'_>,
    hessian: Option<&HessianAt<'_>>,
    visit: &mut Visit<'_>,
    observe: &mut dyn FnMut(usize) -> bool,
) -> Result<Option<usize>, NetError> {
    let mut opt = NdOptimizer::new(spec, theta0.len())?;
    if opt.needs_hessian() && hessian.is_none() {
        return Err(NetError::Optimizer(format!(
            "{} needs the exact n × n Hessian at every step, which this network is too large \
             for: train it with a first-order optimizer (gd, momentum, adam, …)",
            spec.kind().name()
        )));
    }
    let mut theta = theta0.to_vec();
    let mut grad = vec![0.0; theta.len()];
    let mut go_on = observe(0);
    for k in 0..=steps {
        let loss = loss_grad(&theta, &mut grad);
        if !loss.is_finite() || theta.iter().any(|t| !t.is_finite()) {
            return Ok(Some(k));
        }
        visit(k, &theta, loss, &grad);
        if k == steps || !go_on {
            break;
        }
        let h = hessian.filter(|_| opt.needs_hessian()).map(|hessian| hessian(&theta));
        opt.step(&mut theta, &grad, h.as_ref());
        go_on = observe(k + 1);
    }
    Ok(None)
}
