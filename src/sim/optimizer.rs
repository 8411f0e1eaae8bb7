//! The optimizers, with PyTorch's `torch.optim` semantics and defaults.
//!
//! An optimizer is a pure pair, as in optax: [`OptimizerSpec::init`] gives the starting
//! [`State`] (plain data), and [`OptimizerSpec::update`] maps (state, point, gradient) to the next
//! point and state. A trajectory is a fold of `update` over steps, so replay, scrubbing and
//! side-by-side runs need nothing else.
//!
//! Each update follows the single-tensor (`foreach=False`) code path of PyTorch's optimizers
//! operation by operation (`lerp_`, `addcmul_`, `addcdiv_` in the same order), so that a
//! trajectory matches PyTorch's in float64 to ~1e-12, well inside the 1e-7 that
//! `tests/reference.rs` holds it to.

use std::fmt;
use std::str::FromStr;

use nalgebra::SymmetricEigen;

use super::{Gradient, Hessian, Point};

/// Which optimizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Gradient descent, `torch.optim.SGD` without momentum: `p ← p − lr·g`.
    Gd,
    /// Heavy-ball momentum, `SGD(momentum=μ, dampening=τ)`: `b ← g` on the first step, then
    /// `b ← μ·b + (1−τ)·g`; `p ← p − lr·b`.
    Momentum,
    /// Nesterov momentum, `SGD(momentum=μ, nesterov=True)`: `b ← μ·b + g` (`b ← g` first);
    /// `p ← p − lr·(g + μ·b)`.
    Nesterov,
    /// `torch.optim.Adagrad`: `s ← s + g²`; `p ← p − lr·g / (√s + ε)`.
    Adagrad,
    /// `torch.optim.RMSprop`: `v ← α·v + (1−α)·g²`; `p ← p − lr·g / (√v + ε)` (ε outside the
    /// square root).
    Rmsprop,
    /// `torch.optim.Adam` (Kingma & Ba 2015), bias-corrected: `m ← β₁m + (1−β₁)g`,
    /// `v ← β₂v + (1−β₂)g²`, `p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)`; AMSGrad uses the
    /// running maximum of v.
    Adam,
    /// `torch.optim.AdamW` (Loshchilov & Hutter 2019): `p ← p·(1 − lr·wd)` first, then Adam.
    Adamw,
    /// `torch.optim.NAdam` (Dozat 2016): Adam with Nesterov momentum and the momentum schedule
    /// `μₜ = β₁(1 − ½·0.96^(t·ψ))`.
    Nadam,
    /// Newton's method: `p ← p − lr·(H + λI)⁻¹·g`. Attracted to saddles.
    Newton,
    /// Saddle-free Newton (Dauphin et al. 2014): `p ← p − lr·(|H| + λI)⁻¹·g` with
    /// `|H| = V·|Λ|·Vᵀ`. Repelled by saddles.
    Sfn,
}

impl OptimizerKind {
    /// Every optimizer, in the order the app lists them.
    pub const ALL: [OptimizerKind; 10] = [
        OptimizerKind::Gd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::Adagrad,
        OptimizerKind::Rmsprop,
        OptimizerKind::Adam,
        OptimizerKind::Adamw,
        OptimizerKind::Nadam,
        OptimizerKind::Newton,
        OptimizerKind::Sfn,
    ];

    /// The name used on the command line and in scene files.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Gd => "gd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Nesterov => "nesterov",
            OptimizerKind::Adagrad => "adagrad",
            OptimizerKind::Rmsprop => "rmsprop",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Adamw => "adamw",
            OptimizerKind::Nadam => "nadam",
            OptimizerKind::Newton => "newton",
            OptimizerKind::Sfn => "sfn",
        }
    }

    /// The name a person reads in a legend.
    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::Gd => "GD",
            OptimizerKind::Momentum => "Momentum",
            OptimizerKind::Nesterov => "Nesterov",
            OptimizerKind::Adagrad => "AdaGrad",
            OptimizerKind::Rmsprop => "RMSProp",
            OptimizerKind::Adam => "Adam",
            OptimizerKind::Adamw => "AdamW",
            OptimizerKind::Nadam => "NAdam",
            OptimizerKind::Newton => "Newton",
            OptimizerKind::Sfn => "Saddle-free Newton",
        }
    }

    /// The update rule in one or two lines, for tooltips and the README.
    pub fn rule(self) -> &'static str {
        match self {
            OptimizerKind::Gd => "p ← p − lr·g",
            OptimizerKind::Momentum => "b ← μ·b + (1−τ)·g  (b ← g at first);  p ← p − lr·b",
            OptimizerKind::Nesterov => "b ← μ·b + g;  p ← p − lr·(g + μ·b)",
            OptimizerKind::Adagrad => "s ← s + g²;  p ← p − lr·g / (√s + ε)",
            OptimizerKind::Rmsprop => "v ← α·v + (1−α)·g²;  p ← p − lr·g / (√v + ε)",
            OptimizerKind::Adam => {
                "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr·m′ / (√v′ + ε), \
                 m′ = m/(1−β₁^t), v′ = v/(1−β₂^t)"
            }
            OptimizerKind::Adamw => "p ← p·(1 − lr·wd);  then the Adam step",
            OptimizerKind::Nadam => {
                "Adam with Nesterov momentum: p ← p − lr·[(1−μ_t)·g/(1−Πμ) + μ_t+1·m/(1−Πμ·μ_t+1)] / (√v′ + ε)"
            }
            OptimizerKind::Newton => "p ← p − lr·(H + λI)⁻¹·g   (pulled into saddles)",
            OptimizerKind::Sfn => {
                "p ← p − lr·(|H| + λI)⁻¹·g,  |H| = V·|Λ|·V^T   (repelled by saddles)"
            }
        }
    }

    /// The hyper-parameters this optimizer takes, in display order.
    pub fn params(self) -> &'static [Param] {
        use Param::*;
        match self {
            OptimizerKind::Gd => &[Lr],
            OptimizerKind::Momentum => &[Lr, Momentum, Dampening],
            OptimizerKind::Nesterov => &[Lr, Momentum],
            OptimizerKind::Adagrad => &[Lr, Eps],
            OptimizerKind::Rmsprop => &[Lr, Alpha, Eps],
            OptimizerKind::Adam => &[Lr, Beta1, Beta2, Eps, Amsgrad],
            OptimizerKind::Adamw => &[Lr, Beta1, Beta2, Eps, WeightDecay],
            OptimizerKind::Nadam => &[Lr, Beta1, Beta2, Eps, MomentumDecay],
            OptimizerKind::Newton => &[Lr, Damping],
            OptimizerKind::Sfn => &[Lr, Damping],
        }
    }

    /// Whether the optimizer takes hyper-parameter `p`.
    pub fn takes(self, p: Param) -> bool {
        self.params().contains(&p)
    }

    /// Whether each step needs the Hessian (Newton and saddle-free Newton).
    pub fn needs_hessian(self) -> bool {
        matches!(self, OptimizerKind::Newton | OptimizerKind::Sfn)
    }

    /// Looks an optimizer up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A hyper-parameter, by its key in an optimizer SPEC (`adam:lr=0.05,beta1=0.8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    /// Learning rate.
    Lr,
    /// Momentum factor μ.
    Momentum,
    /// Momentum dampening τ.
    Dampening,
    /// RMSProp's smoothing constant α.
    Alpha,
    /// First-moment decay β₁.
    Beta1,
    /// Second-moment decay β₂.
    Beta2,
    /// The ε added to the denominator.
    Eps,
    /// AMSGrad on or off (1 or 0).
    Amsgrad,
    /// AdamW's decoupled weight decay.
    WeightDecay,
    /// NAdam's momentum decay ψ.
    MomentumDecay,
    /// The λ added to the Hessian (or to |H|).
    Damping,
}

impl Param {
    /// Every hyper-parameter.
    pub const ALL: [Param; 11] = [
        Param::Lr,
        Param::Momentum,
        Param::Dampening,
        Param::Alpha,
        Param::Beta1,
        Param::Beta2,
        Param::Eps,
        Param::Amsgrad,
        Param::WeightDecay,
        Param::MomentumDecay,
        Param::Damping,
    ];

    /// The key in a SPEC and a scene file.
    pub fn key(self) -> &'static str {
        match self {
            Param::Lr => "lr",
            Param::Momentum => "momentum",
            Param::Dampening => "dampening",
            Param::Alpha => "alpha",
            Param::Beta1 => "beta1",
            Param::Beta2 => "beta2",
            Param::Eps => "eps",
            Param::Amsgrad => "amsgrad",
            Param::WeightDecay => "weight_decay",
            Param::MomentumDecay => "momentum_decay",
            Param::Damping => "damping",
        }
    }

    /// Looks a key up; `weight-decay` is accepted for `weight_decay` (and likewise).
    pub fn from_key(key: &str) -> Option<Self> {
        let key = key.replace('-', "_");
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The interval a value must lie in, as (min, max, whether max is excluded).
    fn range(self) -> (f64, f64, bool) {
        match self {
            Param::Beta1 | Param::Beta2 => (0.0, 1.0, true),
            Param::Dampening | Param::Alpha | Param::Amsgrad => (0.0, 1.0, false),
            _ => (0.0, f64::INFINITY, false),
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What is wrong with an optimizer SPEC or a hyper-parameter value.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// The name is not one of the optimizers.
    #[error("unknown optimizer '{0}'; the optimizers are: {names}", names = OptimizerKind::ALL.map(OptimizerKind::name).join(", "))]
    UnknownOptimizer(String),
    /// The key is not a hyper-parameter at all.
    #[error("unknown hyper-parameter '{0}'; the keys are: {keys}", keys = Param::ALL.map(Param::key).join(", "))]
    UnknownParam(String),
    /// The optimizer does not take this hyper-parameter.
    #[error("{kind} takes no '{param}'; its hyper-parameters are: {keys}", keys = kind.params().iter().map(|p| p.key()).collect::<Vec<_>>().join(", "))]
    NotTaken {
        /// The optimizer.
        kind: OptimizerKind,
        /// The hyper-parameter it does not take.
        param: Param,
    },
    /// A `key=value` item lacks its `=`.
    #[error("'{0}' is not key=value (example: adam:lr=0.05,beta1=0.8)")]
    NotKeyValue(String),
    /// The value is not a number (or, for amsgrad, not a boolean).
    #[error("{param}: '{value}' is not a {what}")]
    NotANumber {
        /// The hyper-parameter.
        param: Param,
        /// The text given.
        value: String,
        /// "number" or "boolean (true/false)".
        what: &'static str,
    },
    /// The value is outside the hyper-parameter's range.
    #[error("{param} must be {range}, got {value}")]
    OutOfRange {
        /// The hyper-parameter.
        param: Param,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        range: String,
    },
}

/// Hyper-parameter values. Each optimizer reads the ones it [takes](OptimizerKind::params);
/// the others keep their defaults and are ignored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    /// Learning rate.
    pub lr: f64,
    /// Momentum factor μ (momentum, nesterov).
    pub momentum: f64,
    /// Dampening τ (momentum).
    pub dampening: f64,
    /// RMSProp's α.
    pub alpha: f64,
    /// β₁ (adam, adamw, nadam).
    pub beta1: f64,
    /// β₂ (adam, adamw, nadam).
    pub beta2: f64,
    /// ε (adagrad, rmsprop, adam, adamw, nadam).
    pub eps: f64,
    /// AMSGrad (adam).
    pub amsgrad: bool,
    /// Decoupled weight decay (adamw).
    pub weight_decay: f64,
    /// Momentum decay ψ (nadam).
    pub momentum_decay: f64,
    /// Damping λ (newton, sfn).
    pub damping: f64,
}

/// An optimizer with its hyper-parameters: what a SPEC like `adam:lr=0.05` describes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizerSpec {
    kind: OptimizerKind,
    hyper: Hyper,
}

/// The optimizer state of one run: plain data, all zero at the start.
///
/// Fields are shared across optimizers by role; each optimizer's doc says which it uses. What
/// depends only on the step count (bias corrections, NAdam's momentum schedule) is not here but
/// in the [`Schedule`], which runs stepped side by side share.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    /// Updates done so far (PyTorch's `step`).
    pub step: u64,
    /// First moment: SGD's momentum buffer, Adam's `exp_avg`.
    pub m: Gradient,
    /// Second moment: AdaGrad's `sum`, RMSProp's `square_avg`, Adam's `exp_avg_sq`.
    pub v: Gradient,
    /// AMSGrad's running maximum of `v`.
    pub v_max: Gradient,
}

/// The part of an optimizer's state that depends only on the step count: running powers for the
/// bias corrections and NAdam's momentum schedule. One schedule serves every run of the same
/// optimizer that is stepped in lockstep, so these scalars are computed once per step, not once
/// per run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
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
}

impl Default for Schedule {
    fn default() -> Self {
        Self { step: 0, beta1_power: 1.0, beta2_power: 1.0, decay_power: 1.0, mu_product: 1.0 }
    }
}

/// The step-dependent scalars of one update, from [`OptimizerSpec::advance`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Coefs {
    /// The step being taken, from 1.
    pub step: u64,
    /// Adam: `lr / (1 − β₁ᵗ)`.
    pub step_size: f64,
    /// Adam: `√(1 − β₂ᵗ)`; NAdam: `1 − β₂ᵗ`.
    pub bias_correction2: f64,
    /// NAdam: the coefficient of the gradient term, `−lr·(1 − μₜ)/(1 − Πμ)`.
    pub grad_coef: f64,
    /// NAdam: the coefficient of the momentum term, `−lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)`.
    pub momentum_coef: f64,
}

/// PyTorch's `torch.lerp(start, end, weight)`, with its two-sided formula for accuracy.
#[inline]
fn lerp(start: f64, end: f64, weight: f64) -> f64 {
    if weight.abs() < 0.5 {
        start + weight * (end - start)
    } else {
        end - (end - start) * (1.0 - weight)
    }
}

#[inline]
fn lerp2(start: Gradient, end: Gradient, weight: f64) -> Gradient {
    Gradient::new(lerp(start.x, end.x, weight), lerp(start.y, end.y, weight))
}

/// `self + value * t1 * t2`, PyTorch's `addcmul`.
#[inline]
fn addcmul(s: Gradient, t1: Gradient, t2: Gradient, value: f64) -> Gradient {
    Gradient::new(s.x + value * t1.x * t2.x, s.y + value * t1.y * t2.y)
}

/// `self + value * t1 / t2`, PyTorch's `addcdiv`.
#[inline]
fn addcdiv(s: Point, t1: Gradient, t2: Gradient, value: f64) -> Point {
    Point::new(s.x + value * t1.x / t2.x, s.y + value * t1.y / t2.y)
}

#[inline]
fn sqrt2(v: Gradient) -> Gradient {
    Gradient::new(v.x.sqrt(), v.y.sqrt())
}

#[inline]
fn add_scalar(v: Gradient, eps: f64) -> Gradient {
    Gradient::new(v.x + eps, v.y + eps)
}

/// Solves `(a + damping·I)·d = g` for symmetric 2×2 `a`, `None` when singular.
fn solve_damped(a: &Hessian, damping: f64, g: Gradient) -> Option<Gradient> {
    let m = a + Hessian::identity() * damping;
    m.lu().solve(&g)
}

impl OptimizerSpec {
    /// The optimizer with PyTorch's default hyper-parameters (SPEC §3).
    pub fn new(kind: OptimizerKind) -> Self {
        let lr = match kind {
            OptimizerKind::Gd
            | OptimizerKind::Momentum
            | OptimizerKind::Nesterov
            | OptimizerKind::Adagrad
            | OptimizerKind::Rmsprop => 0.01,
            OptimizerKind::Adam | OptimizerKind::Adamw => 0.001,
            OptimizerKind::Nadam => 0.002,
            OptimizerKind::Newton | OptimizerKind::Sfn => 1.0,
        };
        let eps = if kind == OptimizerKind::Adagrad { 1e-10 } else { 1e-8 };
        let damping = if kind == OptimizerKind::Sfn { 0.1 } else { 0.0 };
        Self {
            kind,
            hyper: Hyper {
                lr,
                momentum: 0.9,
                dampening: 0.0,
                alpha: 0.99,
                beta1: 0.9,
                beta2: 0.999,
                eps,
                amsgrad: false,
                weight_decay: 0.01,
                momentum_decay: 0.004,
                damping,
            },
        }
    }

    /// Parses `NAME[:key=value,...]`, e.g. `adam:lr=0.05,beta1=0.8` or `adam:amsgrad=true`.
    pub fn parse(spec: &str) -> Result<Self, SpecError> {
        let spec = spec.trim();
        let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
        let kind = OptimizerKind::from_name(name.trim())
            .ok_or_else(|| SpecError::UnknownOptimizer(name.trim().to_owned()))?;
        let mut out = Self::new(kind);
        for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) =
                item.split_once('=').ok_or_else(|| SpecError::NotKeyValue(item.to_owned()))?;
            let param = Param::from_key(key.trim())
                .ok_or_else(|| SpecError::UnknownParam(key.trim().to_owned()))?;
            out.set_str(param, value.trim())?;
        }
        Ok(out)
    }

    /// Sets a hyper-parameter from text: a number, or for `amsgrad` also `true`/`false`.
    pub fn set_str(&mut self, param: Param, value: &str) -> Result<(), SpecError> {
        let number = if param == Param::Amsgrad {
            match value {
                "true" | "on" | "1" => Some(1.0),
                "false" | "off" | "0" => Some(0.0),
                _ => None,
            }
        } else {
            value.parse::<f64>().ok()
        };
        let number = number.ok_or_else(|| SpecError::NotANumber {
            param,
            value: value.to_owned(),
            what: if param == Param::Amsgrad { "boolean (true or false)" } else { "number" },
        })?;
        self.set(param, number)
    }

    /// Sets a hyper-parameter, checking that the optimizer takes it and that the value is in
    /// range (finite, non-negative; β in [0, 1); α and dampening in [0, 1]).
    pub fn set(&mut self, param: Param, value: f64) -> Result<(), SpecError> {
        if !self.kind.takes(param) {
            return Err(SpecError::NotTaken { kind: self.kind, param });
        }
        let (lo, hi, open) = param.range();
        let ok = value.is_finite() && value >= lo && (if open { value < hi } else { value <= hi });
        if !ok {
            let range = match (hi.is_finite(), open) {
                (false, _) => format!("a finite number ≥ {lo}"),
                (true, true) => format!("in [{lo}, {hi})"),
                (true, false) => format!("in [{lo}, {hi}]"),
            };
            return Err(SpecError::OutOfRange { param, value, range });
        }
        let h = &mut self.hyper;
        match param {
            Param::Lr => h.lr = value,
            Param::Momentum => h.momentum = value,
            Param::Dampening => h.dampening = value,
            Param::Alpha => h.alpha = value,
            Param::Beta1 => h.beta1 = value,
            Param::Beta2 => h.beta2 = value,
            Param::Eps => h.eps = value,
            Param::Amsgrad => h.amsgrad = value != 0.0,
            Param::WeightDecay => h.weight_decay = value,
            Param::MomentumDecay => h.momentum_decay = value,
            Param::Damping => h.damping = value,
        }
        Ok(())
    }

    /// The value of a hyper-parameter (amsgrad as 0 or 1), whether or not the optimizer takes it.
    pub fn get(&self, param: Param) -> f64 {
        let h = &self.hyper;
        match param {
            Param::Lr => h.lr,
            Param::Momentum => h.momentum,
            Param::Dampening => h.dampening,
            Param::Alpha => h.alpha,
            Param::Beta1 => h.beta1,
            Param::Beta2 => h.beta2,
            Param::Eps => h.eps,
            Param::Amsgrad => f64::from(u8::from(h.amsgrad)),
            Param::WeightDecay => h.weight_decay,
            Param::MomentumDecay => h.momentum_decay,
            Param::Damping => h.damping,
        }
    }

    /// Which optimizer.
    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    /// The hyper-parameters.
    pub fn hyper(&self) -> &Hyper {
        &self.hyper
    }

    /// The learning rate.
    pub fn lr(&self) -> f64 {
        self.hyper.lr
    }

    /// The hyper-parameters this optimizer takes, with their values.
    pub fn params(&self) -> impl Iterator<Item = (Param, f64)> + '_ {
        self.kind.params().iter().map(|&p| (p, self.get(p)))
    }

    /// The state before the first step.
    pub fn init(&self) -> State {
        State::default()
    }

    /// Advances `schedule` by one step and returns that step's scalars. Runs stepped in
    /// lockstep share one schedule and call this once per step.
    #[inline(always)]
    pub fn advance(&self, schedule: &mut Schedule) -> Coefs {
        let hp = &self.hyper;
        schedule.step += 1;
        let mut c = Coefs { step: schedule.step, ..Coefs::default() };
        match self.kind {
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                // PyTorch computes 1 − β^step with pow(); a running product gives the same to a
                // few ulps (far inside the 1e-7 contract) without two pow() calls per step.
                schedule.beta1_power *= hp.beta1;
                schedule.beta2_power *= hp.beta2;
                c.step_size = hp.lr / (1.0 - schedule.beta1_power);
                c.bias_correction2 = (1.0 - schedule.beta2_power).sqrt();
            }
            OptimizerKind::Nadam => {
                schedule.beta2_power *= hp.beta2;
                c.bias_correction2 = 1.0 - schedule.beta2_power;
                // μₜ = β₁(1 − ½·0.96^(ψt)), with 0.96^(ψt) kept as a running product.
                let decay = 0.96f64.powf(hp.momentum_decay);
                schedule.decay_power *= decay;
                let mu = hp.beta1 * (1.0 - 0.5 * schedule.decay_power);
                let mu_next = hp.beta1 * (1.0 - 0.5 * (schedule.decay_power * decay));
                schedule.mu_product *= mu;
                let mu_product_next = schedule.mu_product * mu_next;
                c.grad_coef = -hp.lr * (1.0 - mu) / (1.0 - schedule.mu_product);
                c.momentum_coef = (-hp.lr * mu_next) / (1.0 - mu_product_next);
            }
            _ => {}
        }
        c
    }

    /// One step with a schedule of its own: advances `schedule` and applies the update (see
    /// [`apply`](Self::apply)).
    #[inline(always)]
    pub fn update(
        &self,
        state: &mut State,
        schedule: &mut Schedule,
        p: Point,
        g: Gradient,
        h: Option<&Hessian>,
    ) -> Point {
        let c = self.advance(schedule);
        self.apply(&c, state, p, g, h)
    }

    /// One step: from `p` with gradient `g` (and Hessian `h`, which Newton and saddle-free
    /// Newton need; `None` makes their step non-finite) and this step's scalars `c`, returns the
    /// next point and advances `state`. A singular system gives a non-finite point: a
    /// divergence, not a panic.
    #[inline(always)]
    pub fn apply(
        &self,
        c: &Coefs,
        state: &mut State,
        p: Point,
        g: Gradient,
        h: Option<&Hessian>,
    ) -> Point {
        let hp = &self.hyper;
        state.step = c.step;
        match self.kind {
            OptimizerKind::Gd => p + g * -hp.lr,
            OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                let dampening =
                    if self.kind == OptimizerKind::Nesterov { 0.0 } else { hp.dampening };
                state.m =
                    if state.step == 1 { g } else { state.m * hp.momentum + g * (1.0 - dampening) };
                let d = if self.kind == OptimizerKind::Nesterov {
                    g + state.m * hp.momentum
                } else {
                    state.m
                };
                p + d * -hp.lr
            }
            OptimizerKind::Adagrad => {
                state.v = addcmul(state.v, g, g, 1.0);
                let std = add_scalar(sqrt2(state.v), hp.eps);
                addcdiv(p, g, std, -hp.lr)
            }
            OptimizerKind::Rmsprop => {
                state.v = addcmul(state.v * hp.alpha, g, g, 1.0 - hp.alpha);
                let avg = add_scalar(sqrt2(state.v), hp.eps);
                addcdiv(p, g, avg, -hp.lr)
            }
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                let p = if self.kind == OptimizerKind::Adamw {
                    p * (1.0 - hp.lr * hp.weight_decay)
                } else {
                    p
                };
                state.m = lerp2(state.m, g, 1.0 - hp.beta1);
                state.v = addcmul(state.v * hp.beta2, g, g, 1.0 - hp.beta2);
                let v = if hp.amsgrad && self.kind == OptimizerKind::Adam {
                    state.v_max = state.v_max.zip_map(&state.v, f64::max);
                    state.v_max
                } else {
                    state.v
                };
                let denom = add_scalar(sqrt2(v) / c.bias_correction2, hp.eps);
                addcdiv(p, state.m, denom, -c.step_size)
            }
            OptimizerKind::Nadam => {
                state.m = lerp2(state.m, g, 1.0 - hp.beta1);
                state.v = addcmul(state.v * hp.beta2, g, g, 1.0 - hp.beta2);
                let denom = add_scalar(sqrt2(state.v / c.bias_correction2), hp.eps);
                let p = addcdiv(p, g, denom, c.grad_coef);
                addcdiv(p, state.m, denom, c.momentum_coef)
            }
            OptimizerKind::Newton => match h.and_then(|h| solve_damped(h, hp.damping, g)) {
                Some(d) => p - d * hp.lr,
                None => Point::new(f64::NAN, f64::NAN),
            },
            OptimizerKind::Sfn => {
                let Some(h) = h.filter(|h| h.iter().all(|v| v.is_finite())) else {
                    return Point::new(f64::NAN, f64::NAN);
                };
                let eig = SymmetricEigen::new(*h);
                let abs_h = eig.eigenvectors
                    * Hessian::from_diagonal(&eig.eigenvalues.map(f64::abs))
                    * eig.eigenvectors.transpose();
                match solve_damped(&abs_h, hp.damping, g) {
                    Some(d) => p - d * hp.lr,
                    None => Point::new(f64::NAN, f64::NAN),
                }
            }
        }
    }
}

impl FromStr for OptimizerSpec {
    type Err = SpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Writes the SPEC back, `NAME:key=value,...`, listing only what differs from the defaults;
/// parsing it gives the same spec.
impl fmt::Display for OptimizerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.name())?;
        let defaults = Self::new(self.kind);
        let mut sep = ':';
        for (param, value) in self.params() {
            if value.to_bits() != defaults.get(param).to_bits() {
                if param == Param::Amsgrad {
                    write!(f, "{sep}{param}={}", value != 0.0)?;
                } else {
                    write!(f, "{sep}{param}={value:?}")?;
                }
                sep = ',';
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_pytorchs() {
        let adam = OptimizerSpec::new(OptimizerKind::Adam);
        assert_eq!(
            (adam.lr(), adam.hyper.beta1, adam.hyper.beta2, adam.hyper.eps),
            (0.001, 0.9, 0.999, 1e-8)
        );
        assert_eq!(OptimizerSpec::new(OptimizerKind::Adagrad).hyper.eps, 1e-10);
        assert_eq!(OptimizerSpec::new(OptimizerKind::Nadam).lr(), 0.002);
        assert_eq!(OptimizerSpec::new(OptimizerKind::Sfn).hyper.damping, 0.1);
        assert_eq!(OptimizerSpec::new(OptimizerKind::Newton).hyper.damping, 0.0);
        assert_eq!(OptimizerSpec::new(OptimizerKind::Adamw).hyper.weight_decay, 0.01);
    }

    #[test]
    fn specs_parse_and_print_back() {
        for text in [
            "adam:lr=0.05,beta1=0.8",
            "momentum:lr=0.01,momentum=0.95",
            "adam:amsgrad=true",
            "gd",
            "sfn:damping=0.5",
        ] {
            let spec = OptimizerSpec::parse(text).unwrap();
            let printed = spec.to_string();
            assert_eq!(OptimizerSpec::parse(&printed).unwrap(), spec, "{text} → {printed}");
        }
        let spec = OptimizerSpec::parse(" adam : lr = 0.05 , beta2=0.99 ").unwrap();
        assert_eq!((spec.lr(), spec.hyper.beta2), (0.05, 0.99));
        assert!(OptimizerSpec::parse("adam:amsgrad=true").unwrap().hyper.amsgrad);
        assert_eq!(OptimizerSpec::parse("adamw:weight-decay=0.1").unwrap().hyper.weight_decay, 0.1);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let err = |s: &str| OptimizerSpec::parse(s).unwrap_err().to_string();
        assert!(err("adamm").contains("unknown optimizer 'adamm'"));
        assert!(err("adam:momentum=0.9").contains("adam takes no 'momentum'"));
        assert!(err("adam:momentum=0.9").contains("lr, beta1, beta2, eps, amsgrad"));
        assert!(err("adam:lr").contains("not key=value"));
        assert!(err("adam:lr=fast").contains("'fast' is not a number"));
        assert!(err("adam:lr=-1").contains("lr must be"));
        assert!(err("adam:lr=NaN").contains("lr must be"));
        assert!(err("adam:lr=inf").contains("lr must be"));
        assert!(err("adam:beta1=1").contains("beta1 must be in [0, 1)"));
        assert!(err("adam:amsgrad=maybe").contains("boolean"));
        assert!(err("gd:speed=2").contains("unknown hyper-parameter 'speed'"));
    }

    #[test]
    fn lerp_matches_both_branches() {
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
    }
}
