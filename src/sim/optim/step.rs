//! What an update carries from step to step: the optimizer [`State`] of one run, the
//! [`StepState`] that depends only on the step count (shared by runs in lockstep), and the
//! [`StepScalars`] one step derives from it.

use super::super::Gradient;
use super::super::real::Real;
use super::schedule::LrState;

/// The optimizer state of one run: plain data, zero at the start unless PyTorch says otherwise
/// (Adagrad's `initial_accumulator_value`).
///
/// Fields are shared across optimizers by role; each optimizer's module says which it uses.
/// What depends only on the step count (bias corrections, NAdam's momentum schedule, the
/// learning rate schedule) is not here but in the [`StepState`], which runs stepped side by side
/// share. L-BFGS's history is kept by the [`Run`](crate::sim::Run).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    /// Updates done so far (PyTorch's `step`).
    pub step: u64,
    /// First moment: SGD's and RMSprop's momentum buffer, the Adam family's `exp_avg`,
    /// Rprop's `prev`.
    pub m: Gradient,
    /// Second moment: AdaGrad's `sum`, RMSProp's and Adadelta's `square_avg`, Adam's
    /// `exp_avg_sq`, Adamax's `exp_inf`, Adafactor's `variance`.
    pub v: Gradient,
    /// AMSGrad's running maximum of `v`.
    pub v_max: Gradient,
    /// A third buffer: centred RMSprop's `grad_avg`, Adadelta's `acc_delta`, Rprop's
    /// `step_size`.
    pub u: Gradient,
}

/// The part of an optimizer's state that depends only on the step count: running powers for the
/// bias corrections, NAdam's momentum schedule, ASGD's η and μ, and the learning-rate
/// schedule's state. One step state serves every run of the same optimizer that is stepped in
/// lockstep, so these scalars are computed once per step, not once per run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepState {
    /// Steps advanced so far.
    pub step: u64,
    /// β₁ᵗ (Adam, AdamW): the bias correction is 1 − β₁ᵗ.
    pub beta1_power: f64,
    /// β₂ᵗ (Adam, AdamW, NAdam).
    pub beta2_power: f64,
    /// 0.96^(ψ·t) (NAdam's momentum schedule).
    pub decay_power: f64,
    /// NAdam's running product of the momentum schedule, Πμ.
    pub mu_product: f64,
    /// ASGD's η and μ for the next step (PyTorch keeps them as state; they depend only on the
    /// step and the rate).
    pub asgd_eta: f64,
    /// ASGD's averaging weight μ.
    pub asgd_mu: f64,
    /// The learning rate (and OneCycle's momentum) of the next step.
    pub lr: LrState,
}

/// The step-dependent scalars of one update, from [`OptimizerSpec::advance`]: computed in `f64`
/// as Python computes them, and for the batch kernel in `f32` rounded as PyTorch rounds a scalar
/// operand to its tensor's dtype ([`cast`](Self::cast)).
///
/// [`OptimizerSpec::advance`]: super::OptimizerSpec::advance
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepScalars<T = f64> {
    /// The step being taken, from 1.
    pub step: u64,
    /// This step's learning rate (the schedule's, or the constant one).
    pub lr: T,
    /// This step's momentum μ (SGD, RMSprop) — OneCycle's when it cycles it.
    pub momentum: T,
    /// This step's β₁ (the Adam family) — OneCycle's when it cycles it.
    pub beta1: T,
    /// Adam: `lr / (1 − β₁ᵗ)`; Adamax: `lr / (1 − β₁ᵗ)`; Adagrad: `lr / (1 + (t−1)·lr_decay)`;
    /// ASGD: η; RAdam: `1 − β₁ᵗ`.
    pub step_size: T,
    /// Adam: `√(1 − β₂ᵗ)`; NAdam: `1 − β₂ᵗ`; RAdam: `(1 − β₂ᵗ)^½`.
    pub bias_correction2: T,
    /// NAdam: the coefficient of the gradient term, `−lr·(1 − μₜ)/(1 − Πμ)`; ASGD: μ.
    pub grad_coef: T,
    /// NAdam: the coefficient of the momentum term, `−lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)`.
    pub momentum_coef: T,
    /// RAdam: the rectification r_t when ρ_t > 5, else 0 (no adaptive step).
    pub rect: T,
    /// Decoupled weight decay's factor `1 − lr·wd` (AdamW, RAdam with
    /// `decoupled_weight_decay`); 1 otherwise.
    pub decay: T,
}

impl<T: Real> Default for StepScalars<T> {
    fn default() -> Self {
        let zero = T::default();
        Self {
            step: 0,
            lr: zero,
            momentum: zero,
            beta1: zero,
            step_size: zero,
            bias_correction2: zero,
            grad_coef: zero,
            momentum_coef: zero,
            rect: zero,
            decay: T::of(1.0),
        }
    }
}

impl<T: Real> StepScalars<T> {
    /// Whether this is the first step (where PyTorch makes the state).
    #[inline(always)]
    pub fn first(&self) -> bool {
        self.step == 1
    }
}

impl StepScalars<f64> {
    /// These scalars rounded to `U`.
    #[inline(always)]
    pub fn cast<U: Real>(&self) -> StepScalars<U> {
        StepScalars {
            step: self.step,
            lr: U::of(self.lr),
            momentum: U::of(self.momentum),
            beta1: U::of(self.beta1),
            step_size: U::of(self.step_size),
            bias_correction2: U::of(self.bias_correction2),
            grad_coef: U::of(self.grad_coef),
            momentum_coef: U::of(self.momentum_coef),
            rect: U::of(self.rect),
            decay: U::of(self.decay),
        }
    }
}

/// One (y, s) pair of L-BFGS's memory: the change of gradient `y` (PyTorch's `old_dirs`) over
/// the step `s` (`old_stps`), and `ro` = 1/(y·s).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvaturePair {
    /// The change of gradient over the step.
    pub y: Gradient,
    /// The step.
    pub s: Gradient,
    /// 1/(y·s).
    pub ro: f64,
}

/// The memory L-BFGS carries from step to step (PyTorch's `state`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LbfgsMemory {
    /// Iterations done (`n_iter`).
    pub n_iter: u64,
    /// The last direction d and step length t.
    pub d: Gradient,
    /// The last step length.
    pub t: f64,
    /// The gradient of the previous iteration.
    pub prev_flat_grad: Gradient,
    /// The curvature pairs kept (PyTorch's `old_dirs`, `old_stps` and `ro`), oldest first.
    pub pairs: std::collections::VecDeque<CurvaturePair>,
    /// The scale of the initial inverse Hessian, y·s / y·y.
    pub h_diag: f64,
    /// Evaluations the last line search made (0 without one).
    pub ls_func_evals: usize,
}
