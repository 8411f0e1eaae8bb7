//! Full-batch training of a network with the project's optimizers.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nalgebra::{DMatrix, DVector};

use super::eigen::{Eigen, EigenSteps};
use super::error::NetError;
use super::network::{Network, symmetrised};
use crate::sim::{
    Gradient, OptimizerKind, OptimizerSpec, Param, Point, State, StepScalars, StepState,
};

/// The most parameters a network trained by Newton or saddle-free Newton may have: each step
/// holds the exact n × n Hessian (8 MB at 1 000) and decomposes it, O(n³).
pub const MAX_NEWTON_PARAMS: usize = 1000;

/// Whether `spec` can train a network of `n` parameters as far as its Hessian goes: a Newton
/// method only up to [`MAX_NEWTON_PARAMS`].
///
/// # Errors
/// [`NetError::Optimizer`] saying so.
pub fn newton_fits(spec: OptimizerSpec, n: usize) -> Result<(), NetError> {
    if spec.kind().needs_hessian() && n > MAX_NEWTON_PARAMS {
        return Err(NetError::Optimizer(format!(
            "{} needs the exact n × n Hessian at every step: at most {MAX_NEWTON_PARAMS} \
             parameters, this network has {n}; train a smaller network, or use a first-order \
             optimizer (gd, momentum, adam, …)",
            spec.kind().name()
        )));
    }
    Ok(())
}

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
        if self.spec.kind() == OptimizerKind::Sfn {
            let eigen = h
                .and_then(|h| EigenSteps::new(h.as_slice().to_vec(), h.nrows()))
                .and_then(|steps| steps.run().ok());
            return self.step_saddle_free(theta, g, eigen.as_ref());
        }
        let c = self.spec.advance(&mut self.schedule);
        if self.needs_hessian() {
            let n = theta.len();
            let damping = self.spec.get(Param::Damping);
            let d = h.and_then(|h| {
                (h.clone() + DMatrix::identity(n, n) * damping)
                    .lu()
                    .solve(&DVector::from_column_slice(g))
                    .map(|d| d.as_slice().to_vec())
            });
            return self.newton_update(theta, c, d);
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

    /// A saddle-free Newton step, θ ← θ − lr·(|H| + damping·I)⁻¹·g, from the Hessian's
    /// eigendecomposition: Σᵢ vᵢ (vᵢ · g) / (|λᵢ| + damping). Without one (a Hessian that is not
    /// finite, a decomposition that failed) or with a singular |H|, θ becomes non-finite.
    pub(crate) fn step_saddle_free(&mut self, theta: &mut [f64], g: &[f64], eigen: Option<&Eigen>) {
        let c = self.spec.advance(&mut self.schedule);
        let damping = self.spec.get(Param::Damping);
        let d = eigen.and_then(|e| e.apply(|lambda| 1.0 / (lambda.abs() + damping), g));
        self.newton_update(theta, c, d);
    }

    /// θ ← θ − lr·d for a Newton direction d (θ non-finite without one), the step counted.
    fn newton_update(&mut self, theta: &mut [f64], c: StepScalars, d: Option<Vec<f64>>) {
        match d {
            Some(d) => theta.iter_mut().zip(&d).for_each(|(t, d)| *t -= c.lr * d),
            None => theta.fill(f64::NAN),
        }
        for s in &mut self.states {
            s.step = c.step;
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
/// early, keeping the path so far, when it returns `false`. [`TrainSteps`] run whole.
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
    let mut training = TrainSteps::new(net, theta0, spec, steps)?;
    loop {
        if let Some(done) = training.advance(net, usize::MAX, observe) {
            return Ok(done);
        }
    }
}

/// A training run cut into steps: [`train_observed`] a few steps at a time, so that where
/// there are no threads (the browser) it runs between frames. The same run, bit for bit,
/// however it is cut.
#[derive(Clone, Debug)]
pub struct TrainSteps {
    descent: Descent,
    theta0: Vec<f64>,
    path: Vec<Vec<f64>>,
    losses: Vec<f64>,
    grad_norms: Vec<f64>,
}

impl TrainSteps {
    /// The training of `net` from θ₀ for `steps` steps of `spec`, not started.
    ///
    /// # Errors
    /// As [`train`].
    pub fn new(
        net: &Network,
        theta0: &[f64],
        spec: OptimizerSpec,
        steps: usize,
    ) -> Result<Self, NetError> {
        if theta0.len() != net.n_params() {
            return Err(NetError::Length { got: theta0.len(), want: net.n_params() });
        }
        // What is stored grows with the steps done: a run stopped early holds no more.
        let room = steps.saturating_add(1).min(4096);
        Ok(Self {
            descent: Descent::new(theta0, spec, steps, true)?,
            theta0: theta0.to_vec(),
            path: Vec::with_capacity(room),
            losses: Vec::with_capacity(room),
            grad_norms: Vec::with_capacity(room),
        })
    }

    /// Trains at most `units` more steps of `net` (the network it was made for), calling
    /// `observe` as [`train_observed`] does; the run once it has ended (handed over once:
    /// later calls give an empty run).
    pub fn advance(
        &mut self,
        net: &Network,
        units: usize,
        observe: &mut dyn FnMut(usize) -> bool,
    ) -> Option<Training> {
        let (path, losses, grad_norms) = (&mut self.path, &mut self.losses, &mut self.grad_norms);
        let diverged_at = self.descent.advance(
            units,
            &mut |theta, grad| net.loss_grad_generic(theta, grad),
            Some(&|theta, columns| net.hessian_columns(theta, columns)),
            &mut |_, theta, loss, grad| {
                path.push(theta.to_vec());
                losses.push(loss);
                grad_norms.push(grad.iter().map(|g| g * g).sum::<f64>().sqrt());
            },
            observe,
        )?;
        let path = std::mem::take(&mut self.path);
        let theta = path.last().cloned().unwrap_or_else(|| self.theta0.clone());
        Some(Training {
            theta0: self.theta0.clone(),
            theta,
            path,
            losses: std::mem::take(&mut self.losses),
            grad_norms: std::mem::take(&mut self.grad_norms),
            diverged_at,
        })
    }
}

/// `loss_grad(θ, g)`: L(θ), writing ∇L(θ) into g.
pub(crate) type LossGrad<'a> = dyn FnMut(&[f64], &mut [f64]) -> f64 + 'a;
/// `hessian(θ, columns)`: those columns of the n × n Hessian at θ (symmetrised once all are in).
pub(crate) type HessianAt<'a> = dyn Fn(&[f64], Range<usize>) -> Vec<Vec<f64>> + 'a;

/// The Hessian columns (or iterations of its eigendecomposition) that count as one unit of
/// [`Descent::advance`]'s work, as one step of a first-order optimizer does: a Newton step of a
/// network of n parameters is 1 + ⌈n / 8⌉ units, a saddle-free Newton step ⌈(3n − 1) / 8⌉ more,
/// so that where there are no threads (the browser) they run between frames.
pub(crate) const HESSIAN_COLUMNS_PER_UNIT: usize = 8;
/// `visit(k, θ, L, ∇L)`: a point of training reached.
pub(crate) type Visit<'a> = dyn FnMut(usize, &[f64], f64, &[f64]) + 'a;

/// The training loop every full-batch trainer shares, resumable ([`advance`](Self::advance) goes
/// a few points further each call): from θ₀, `steps` steps of `spec`.
/// `loss_grad(θ, g)` returns L(θ) and writes ∇L(θ) into g; `hessian(θ)` is the n × n Hessian
/// (asked for only by the Newton methods, [`HESSIAN_COLUMNS_PER_UNIT`] columns a unit; without it
/// they are refused). Each point reached,
/// θ₀ first, is handed to `visit(k, θ, L, ∇L)`; `observe(k)` is called with 0 before the
/// first step and with k + 1 after step k, and training stops (the point after that step still
/// visited) when it returns `false`. It ends at the step at which the loss or θ stopped being
/// finite, if it did (that point is not visited).
#[derive(Clone, Debug)]
pub(crate) struct Descent {
    opt: NdOptimizer,
    theta: Vec<f64>,
    grad: Vec<f64>,
    steps: usize,
    /// The next point to reach (0: θ₀).
    k: usize,
    /// `observe`'s last answer; `None` before it was first asked.
    go_on: Option<bool>,
    /// Whether the loop has ended.
    ended: bool,
    /// A Newton step under way from θ: its Hessian's columns, then (saddle-free Newton) the
    /// Hessian's eigendecomposition.
    newton: Option<NewtonWork>,
}

/// The work of a Newton step, between [`Descent::advance`] calls.
#[derive(Clone, Debug)]
enum NewtonWork {
    /// The Hessian's columns computed so far.
    Columns(Vec<Vec<f64>>),
    /// The Hessian's eigendecomposition under way (saddle-free Newton).
    Eigen(EigenSteps),
}

impl Descent {
    /// The loop from θ₀, not started; `hessian` says whether the Hessian will be given.
    ///
    /// # Errors
    /// [`NetError::Optimizer`] for an optimizer that cannot train a network, or a Newton
    /// method without a Hessian.
    pub(crate) fn new(
        theta0: &[f64],
        spec: OptimizerSpec,
        steps: usize,
        hessian: bool,
    ) -> Result<Self, NetError> {
        let opt = NdOptimizer::new(spec, theta0.len())?;
        if hessian {
            newton_fits(spec, theta0.len())?;
        }
        if opt.needs_hessian() && !hessian {
            return Err(NetError::Optimizer(format!(
                "{} needs the exact n × n Hessian at every step, which this network is too large \
                 for: train it with a first-order optimizer (gd, momentum, adam, …)",
                spec.kind().name()
            )));
        }
        Ok(Self {
            opt,
            theta: theta0.to_vec(),
            grad: vec![0.0; theta0.len()],
            steps,
            k: 0,
            go_on: None,
            ended: false,
            newton: None,
        })
    }

    /// Does at most `units` more units of work (at least one): a unit is a point reached (and
    /// a first-order step from it), or [`HESSIAN_COLUMNS_PER_UNIT`] columns of a Newton step's
    /// Hessian (the step taken with the last of them). Once the loop has ended, `Some` of the
    /// divergence step, if any (and `Some(None)` on every call after). The same run, bit for
    /// bit, however it is cut.
    pub(crate) fn advance(
        &mut self,
        units: usize,
        loss_grad: &mut LossGrad<'_>,
        hessian: Option<&HessianAt<'_>>,
        visit: &mut Visit<'_>,
        observe: &mut dyn FnMut(usize) -> bool,
    ) -> Option<Option<usize>> {
        if self.ended {
            return Some(None);
        }
        let mut go_on = match self.go_on {
            Some(go_on) => go_on,
            None => observe(0),
        };
        let mut left = units.max(1);
        while left > 0 {
            let k = self.k;
            if let (Some(work), Some(hessian)) = (&mut self.newton, hessian) {
                match work {
                    NewtonWork::Columns(columns) => {
                        // The Hessian, as many columns as the units left allow.
                        let n = self.theta.len();
                        let take =
                            left.saturating_mul(HESSIAN_COLUMNS_PER_UNIT).min(n - columns.len());
                        let from = columns.len();
                        columns.extend(hessian(&self.theta, from..from + take));
                        left -= take.div_ceil(HESSIAN_COLUMNS_PER_UNIT).max(1);
                        if columns.len() < n {
                            continue;
                        }
                        let h = symmetrised(columns);
                        if self.opt.spec.kind() != OptimizerKind::Sfn {
                            self.opt.step(&mut self.theta, &self.grad, Some(&h));
                        } else if let Some(steps) = EigenSteps::new(h.as_slice().to_vec(), n) {
                            *work = NewtonWork::Eigen(steps);
                            continue;
                        } else {
                            // A Hessian that is not finite: the step diverges.
                            self.opt.step_saddle_free(&mut self.theta, &self.grad, None);
                        }
                    }
                    NewtonWork::Eigen(steps) => {
                        // Its eigendecomposition, as many iterations as the units left allow.
                        match steps.advance(left.saturating_mul(HESSIAN_COLUMNS_PER_UNIT)) {
                            Ok(false) => {
                                left = 0;
                                continue;
                            }
                            // Done, or failed to converge (the step then diverges).
                            Ok(true) | Err(_) => left -= 1,
                        }
                        let eigen = steps.finish();
                        self.opt.step_saddle_free(&mut self.theta, &self.grad, eigen.as_ref());
                    }
                }
                self.newton = None;
                go_on = observe(k + 1);
                self.k = k + 1;
                continue;
            }
            left -= 1;
            let loss = loss_grad(&self.theta, &mut self.grad);
            if !loss.is_finite() || self.theta.iter().any(|t| !t.is_finite()) {
                self.ended = true;
                return Some(Some(k));
            }
            visit(k, &self.theta, loss, &self.grad);
            if k == self.steps || !go_on {
                self.ended = true;
                return Some(None);
            }
            if self.opt.needs_hessian() && hessian.is_some() {
                self.newton = Some(NewtonWork::Columns(Vec::with_capacity(self.theta.len())));
                continue;
            }
            self.opt.step(&mut self.theta, &self.grad, None);
            go_on = observe(k + 1);
            self.k = k + 1;
        }
        self.go_on = Some(go_on);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::net::Architecture;
    use crate::sim::net::data::Dataset;

    fn network() -> Network {
        let rows = Dataset::Moons.generate(40, 0.1, 2);
        Network::new(Architecture::parse("2-4-1").expect("arch"), rows, 1e-3).expect("a network")
    }

    /// Trains `steps` steps `units` at a time, the observer stopping after step `stop`; the run
    /// and how many calls it took.
    fn stepped(spec: &str, steps: usize, units: usize, stop: usize) -> (Training, usize) {
        let net = network();
        let theta0 = net.architecture().init(4);
        let spec: OptimizerSpec = spec.parse().expect("a spec");
        let mut training = TrainSteps::new(&net, &theta0, spec, steps).expect("trainable");
        let mut calls = 0;
        loop {
            calls += 1;
            if let Some(done) = training.advance(&net, units, &mut |k| k < stop) {
                return (done, calls);
            }
        }
    }

    #[test]
    fn a_training_a_step_at_a_time_is_the_training_in_one_go() {
        for (spec, steps, stop) in [
            ("adam:lr=0.05", 60, usize::MAX),
            ("newton:lr=0.5", 12, usize::MAX),
            ("sfn:lr=0.5", 12, usize::MAX),
            ("newton:lr=0.5", 12, 5),
            ("gd", 50, 20),
        ] {
            let net = network();
            let theta0 = net.architecture().init(4);
            let parsed: OptimizerSpec = spec.parse().expect("a spec");
            let whole =
                train_observed(&net, &theta0, parsed, steps, &mut |k| k < stop).expect("trains");
            let reached = steps.min(stop) + 1;
            assert_eq!(whole.path.len(), reached, "{spec}");
            for units in [1, 7] {
                let (sliced, calls) = stepped(spec, steps, units, stop);
                assert_eq!(sliced, whole, "{spec}, {units} unit(s) a call");
                // One call per `units` points, the last one ending the run; a Newton step is
                // a point and its Hessian's columns, eight a unit.
                let n = net.n_params();
                if parsed.kind().needs_hessian() {
                    let mut per_step = 1 + n.div_ceil(HESSIAN_COLUMNS_PER_UNIT);
                    if parsed.kind() == OptimizerKind::Sfn {
                        // And the Hessian's eigendecomposition: 3n − 1 iterations, eight a unit.
                        per_step += (3 * n - 1).div_ceil(HESSIAN_COLUMNS_PER_UNIT);
                    }
                    assert!(per_step > 2, "the Hessian takes more than one unit");
                    if units == 1 {
                        assert_eq!(calls, (reached - 1) * per_step + 1, "{spec}");
                    }
                } else {
                    assert_eq!(calls, reached.div_ceil(units).max(1), "{spec}, {units}");
                }
            }
        }
    }

    #[test]
    fn a_diverging_training_ends_where_it_diverged_however_it_is_cut() {
        let whole = stepped("gd:lr=1e15", 60, usize::MAX, usize::MAX).0;
        let at = whole.diverged_at.expect("a rate of 1e15 diverges");
        assert_eq!(whole.path.len(), at);
        assert_eq!(stepped("gd:lr=1e15", 60, 1, usize::MAX).0, whole);
    }
}
