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

use super::schedule::{Cycled, LrSchedule, LrState, ScheduleError};
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
    /// `torch.optim.RAdam` (Liu et al. 2020): Adam whose adaptive step is switched on, and
    /// rectified by `r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t))`, once the variance of the
    /// adaptive rate is tractable (`ρ_t > 5`, `ρ_∞ = 2/(1−β₂) − 1`,
    /// `ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)`); before that, SGD with momentum `p ← p − lr·m′`.
    Radam,
    /// `torch.optim.Adamax` (Kingma & Ba 2015, §7.1): Adam with the infinity norm,
    /// `u ← max(β₂·u, |g| + ε)`; `p ← p − lr/(1−β₁ᵗ) · m / u`.
    Adamax,
    /// `torch.optim.Adadelta` (Zeiler 2012): `v ← ρv + (1−ρ)g²`;
    /// `Δ = √(u + ε)/√(v + ε) · g`; `u ← ρu + (1−ρ)Δ²`; `p ← p − lr·Δ`.
    Adadelta,
    /// `torch.optim.Rprop` (Riedmiller & Braun 1993): per coordinate, the step size grows by
    /// η₊ while the gradient keeps its sign and shrinks by η₋ when it flips (that step is then
    /// skipped), clamped to [step_min, step_max]; `p ← p − sign(g)·step`.
    Rprop,
    /// `torch.optim.ASGD` (Polyak & Juditsky 1992): `p ← p·(1 − λη) − η·g` with
    /// `η_t = lr/(1 + λ·lr·t)^α`. The trajectory is the iterate, not PyTorch's running average
    /// `ax` (which only starts averaging after t₀ steps).
    Asgd,
    /// `torch.optim.Adafactor` (Shazeer & Stern 2018), for a vector parameter:
    /// `v ← lerp(v, g², t^β₂decay)`; `u = g/√max(v, ε₁²)`;
    /// `p ← p − max(ε₂, ‖p‖/√n)·min(lr, 1/√t) / max(1, ‖u‖/(√n·d)) · u`. Not elementwise: the
    /// norms couple the coordinates.
    Adafactor,
    /// `torch.optim.LBFGS` (Liu & Nocedal 1989), one iteration per step (`max_iter=1`): the
    /// two-loop recursion over the last `history_size` (s, y) pairs gives the direction d; the
    /// step is `lr·d` (`min(1, 1/‖g‖₁)·lr` on the first), or the strong-Wolfe line search's
    /// from there. Follows `torch/optim/lbfgs.py` line by line, line search included.
    Lbfgs,
}

impl OptimizerKind {
    /// Every optimizer, in the order the app lists them.
    pub const ALL: [OptimizerKind; 17] = [
        OptimizerKind::Gd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::Adagrad,
        OptimizerKind::Rmsprop,
        OptimizerKind::Adam,
        OptimizerKind::Adamw,
        OptimizerKind::Nadam,
        OptimizerKind::Radam,
        OptimizerKind::Adamax,
        OptimizerKind::Adadelta,
        OptimizerKind::Rprop,
        OptimizerKind::Asgd,
        OptimizerKind::Adafactor,
        OptimizerKind::Lbfgs,
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
            OptimizerKind::Radam => "radam",
            OptimizerKind::Adamax => "adamax",
            OptimizerKind::Adadelta => "adadelta",
            OptimizerKind::Rprop => "rprop",
            OptimizerKind::Asgd => "asgd",
            OptimizerKind::Adafactor => "adafactor",
            OptimizerKind::Lbfgs => "lbfgs",
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
            OptimizerKind::Radam => "RAdam",
            OptimizerKind::Adamax => "Adamax",
            OptimizerKind::Adadelta => "Adadelta",
            OptimizerKind::Rprop => "Rprop",
            OptimizerKind::Asgd => "ASGD",
            OptimizerKind::Adafactor => "Adafactor",
            OptimizerKind::Lbfgs => "L-BFGS",
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
            OptimizerKind::Radam => {
                "Adam's moments; p ← p − lr·m′·r_t·√(1−β₂^t)/(√v + ε) once ρ_t > 5, else p ← p − lr·m′"
            }
            OptimizerKind::Adamax => {
                "m ← β₁m + (1−β₁)g;  u ← max(β₂·u, |g| + ε);  p ← p − lr/(1−β₁^t) · m/u"
            }
            OptimizerKind::Adadelta => {
                "v ← ρv + (1−ρ)g²;  Δ = √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  p ← p − lr·Δ"
            }
            OptimizerKind::Rprop => {
                "step ← clamp(step·η±, min, max) by whether g kept its sign;  p ← p − sign(g)·step"
            }
            OptimizerKind::Asgd => "p ← p·(1 − λη) − η·g,  η = lr/(1 + λ·lr·t)^α",
            OptimizerKind::Adafactor => {
                "v ← lerp(v, g², t^c);  u = g/√v;  p ← p − max(ε₂, RMS(p))·min(lr, 1/√t)·u / max(1, RMS(u)/d)"
            }
            OptimizerKind::Lbfgs => {
                "d = −H̃·g from the last (s, y) pairs (two-loop recursion);  p ← p + t·d, t = lr or a strong-Wolfe line search"
            }
        }
    }

    /// The hyper-parameters this optimizer takes, in display order.
    pub fn params(self) -> &'static [Param] {
        use Param::*;
        match self {
            OptimizerKind::Gd => &[Lr, WeightDecay],
            OptimizerKind::Momentum => &[Lr, Momentum, Dampening, WeightDecay],
            OptimizerKind::Nesterov => &[Lr, Momentum, WeightDecay],
            OptimizerKind::Adagrad => &[Lr, LrDecay, WeightDecay, InitialAccumulatorValue, Eps],
            OptimizerKind::Rmsprop => &[Lr, Alpha, Eps, WeightDecay, Momentum, Centered],
            OptimizerKind::Adam => &[Lr, Beta1, Beta2, Eps, WeightDecay, Amsgrad],
            OptimizerKind::Adamw => &[Lr, Beta1, Beta2, Eps, WeightDecay],
            OptimizerKind::Nadam => &[Lr, Beta1, Beta2, Eps, MomentumDecay],
            OptimizerKind::Newton => &[Lr, Damping],
            OptimizerKind::Sfn => &[Lr, Damping],
            OptimizerKind::Radam => &[Lr, Beta1, Beta2, Eps, WeightDecay, DecoupledWeightDecay],
            OptimizerKind::Adamax => &[Lr, Beta1, Beta2, Eps, WeightDecay],
            OptimizerKind::Adadelta => &[Lr, Rho, Eps, WeightDecay],
            OptimizerKind::Rprop => &[Lr, EtaMinus, EtaPlus, StepMin, StepMax],
            OptimizerKind::Asgd => &[Lr, Lambd, Alpha, T0, WeightDecay],
            OptimizerKind::Adafactor => &[Lr, Beta2Decay, Eps1, Eps2, D, WeightDecay],
            OptimizerKind::Lbfgs => {
                &[Lr, HistorySize, LineSearch, MaxEval, ToleranceGrad, ToleranceChange]
            }
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

    /// What OneCycle's `cycle_momentum` cycles on this optimizer: the momentum of SGD and
    /// RMSprop, β₁ of the Adam family, nothing on the others (PyTorch looks for `momentum` or
    /// `betas` in the optimizer's defaults).
    pub fn cycled(self) -> Option<Cycled> {
        match self {
            OptimizerKind::Gd
            | OptimizerKind::Momentum
            | OptimizerKind::Nesterov
            | OptimizerKind::Rmsprop => Some(Cycled::Momentum),
            OptimizerKind::Adam
            | OptimizerKind::Adamw
            | OptimizerKind::Nadam
            | OptimizerKind::Radam
            | OptimizerKind::Adamax => Some(Cycled::Beta1),
            _ => None,
        }
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

/// A hyper-parameter, by its key in an optimizer SPEC (`adam:lr=0.05,beta1=0.8`): PyTorch's
/// argument names, with `betas`, `etas`, `step_sizes` and Adafactor's `eps` split in two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    /// Learning rate.
    Lr,
    /// Momentum factor μ (SGD, RMSprop).
    Momentum,
    /// Momentum dampening τ.
    Dampening,
    /// RMSprop's smoothing constant α; ASGD's power α.
    Alpha,
    /// First-moment decay β₁.
    Beta1,
    /// Second-moment decay β₂.
    Beta2,
    /// The ε added to the denominator.
    Eps,
    /// AMSGrad on or off (1 or 0).
    Amsgrad,
    /// Weight decay: L2 added to the gradient, or AdamW's decoupled decay.
    WeightDecay,
    /// NAdam's momentum decay ψ.
    MomentumDecay,
    /// The λ added to the Hessian (or to |H|).
    Damping,
    /// RMSprop: normalise by the centred second moment (1 or 0).
    Centered,
    /// Adagrad's learning-rate decay.
    LrDecay,
    /// Adagrad's starting value of the sum of squares.
    InitialAccumulatorValue,
    /// RAdam: AdamW-style decay (1 or 0).
    DecoupledWeightDecay,
    /// Adadelta's ρ.
    Rho,
    /// Rprop's shrink factor η₋.
    EtaMinus,
    /// Rprop's growth factor η₊.
    EtaPlus,
    /// Rprop's smallest step size.
    StepMin,
    /// Rprop's largest step size.
    StepMax,
    /// ASGD's decay term λ.
    Lambd,
    /// ASGD's step at which averaging starts.
    T0,
    /// Adafactor's decay-rate exponent c (β₂ₜ = 1 − t^c).
    Beta2Decay,
    /// Adafactor's floor on the second moment (squared).
    Eps1,
    /// Adafactor's floor on the parameter RMS.
    Eps2,
    /// Adafactor's clipping threshold d.
    D,
    /// L-BFGS: how many (s, y) pairs are kept.
    HistorySize,
    /// L-BFGS: 0 none, 1 strong Wolfe.
    LineSearch,
    /// L-BFGS: evaluations per step (inert at one iteration per step, kept for PyTorch's names).
    MaxEval,
    /// L-BFGS: a step stops when max |g| ≤ this.
    ToleranceGrad,
    /// L-BFGS: a step stops when the directional derivative or progress is below this.
    ToleranceChange,
}

/// How a hyper-parameter's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// A real number.
    Number,
    /// A whole number ≥ 1.
    Count,
    /// true or false (stored as 1 or 0).
    Flag,
    /// L-BFGS's line search: `none` (0) or `strong_wolfe` (1).
    LineSearch,
}

impl Param {
    /// Every hyper-parameter.
    pub const ALL: [Param; 31] = [
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
        Param::Centered,
        Param::LrDecay,
        Param::InitialAccumulatorValue,
        Param::DecoupledWeightDecay,
        Param::Rho,
        Param::EtaMinus,
        Param::EtaPlus,
        Param::StepMin,
        Param::StepMax,
        Param::Lambd,
        Param::T0,
        Param::Beta2Decay,
        Param::Eps1,
        Param::Eps2,
        Param::D,
        Param::HistorySize,
        Param::LineSearch,
        Param::MaxEval,
        Param::ToleranceGrad,
        Param::ToleranceChange,
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
            Param::Centered => "centered",
            Param::LrDecay => "lr_decay",
            Param::InitialAccumulatorValue => "initial_accumulator_value",
            Param::DecoupledWeightDecay => "decoupled_weight_decay",
            Param::Rho => "rho",
            Param::EtaMinus => "eta_minus",
            Param::EtaPlus => "eta_plus",
            Param::StepMin => "step_min",
            Param::StepMax => "step_max",
            Param::Lambd => "lambd",
            Param::T0 => "t0",
            Param::Beta2Decay => "beta2_decay",
            Param::Eps1 => "eps1",
            Param::Eps2 => "eps2",
            Param::D => "d",
            Param::HistorySize => "history_size",
            Param::LineSearch => "line_search",
            Param::MaxEval => "max_eval",
            Param::ToleranceGrad => "tolerance_grad",
            Param::ToleranceChange => "tolerance_change",
        }
    }

    /// Looks a key up; `weight-decay` is accepted for `weight_decay` (and likewise).
    pub fn from_key(key: &str) -> Option<Self> {
        let key = key.replace('-', "_");
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// How the value is written.
    pub fn kind(self) -> ParamType {
        match self {
            Param::Amsgrad | Param::Centered | Param::DecoupledWeightDecay => ParamType::Flag,
            Param::HistorySize | Param::MaxEval => ParamType::Count,
            Param::LineSearch => ParamType::LineSearch,
            _ => ParamType::Number,
        }
    }

    /// The value as text, as a SPEC writes it (`true`, `strong_wolfe`, `100`, `0.05`).
    pub fn format(self, value: f64) -> String {
        match self.kind() {
            ParamType::Flag => (value != 0.0).to_string(),
            ParamType::LineSearch => if value != 0.0 { "strong_wolfe" } else { "none" }.to_owned(),
            ParamType::Count => format!("{value}"),
            ParamType::Number => format!("{value:?}"),
        }
    }

    /// The interval a value must lie in, as (min, max, whether max is excluded).
    fn range(self) -> (f64, f64, bool) {
        match self {
            Param::Beta1 | Param::Beta2 => (0.0, 1.0, true),
            Param::Dampening
            | Param::Alpha
            | Param::Rho
            | Param::EtaMinus
            | Param::Amsgrad
            | Param::Centered
            | Param::DecoupledWeightDecay
            | Param::LineSearch => (0.0, 1.0, false),
            Param::EtaPlus | Param::HistorySize | Param::MaxEval => (1.0, f64::INFINITY, false),
            Param::Beta2Decay => (f64::NEG_INFINITY, 0.0, false),
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
    /// The value is not a number (or, for a flag, not a boolean).
    #[error("{param}: '{value}' is not a {what}")]
    NotANumber {
        /// The hyper-parameter.
        param: Param,
        /// The text given.
        value: String,
        /// "number", "boolean (true or false)", …
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
    /// Rprop's step_min above its step_max.
    #[error("step_min ({min}) must not exceed step_max ({max})")]
    StepBounds {
        /// step_min.
        min: f64,
        /// step_max.
        max: f64,
    },
    /// The learning-rate schedule cannot go with this optimizer.
    #[error("{0}")]
    Schedule(#[from] ScheduleError),
}

/// Hyper-parameter values. Each optimizer reads the ones it [takes](OptimizerKind::params);
/// the others keep their defaults and are ignored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    /// Learning rate.
    pub lr: f64,
    /// Momentum factor μ (momentum, nesterov, rmsprop).
    pub momentum: f64,
    /// Dampening τ (momentum).
    pub dampening: f64,
    /// RMSProp's α; ASGD's power α.
    pub alpha: f64,
    /// β₁ (the Adam family).
    pub beta1: f64,
    /// β₂ (the Adam family).
    pub beta2: f64,
    /// ε (adagrad, rmsprop, the Adam family, adadelta).
    pub eps: f64,
    /// AMSGrad (adam).
    pub amsgrad: bool,
    /// Weight decay (decoupled for adamw, and radam with `decoupled_weight_decay`).
    pub weight_decay: f64,
    /// Momentum decay ψ (nadam).
    pub momentum_decay: f64,
    /// Damping λ (newton, sfn).
    pub damping: f64,
    /// Centred RMSprop.
    pub centered: bool,
    /// Adagrad's learning-rate decay.
    pub lr_decay: f64,
    /// Adagrad's starting sum of squares.
    pub initial_accumulator_value: f64,
    /// RAdam's decoupled weight decay.
    pub decoupled_weight_decay: bool,
    /// Adadelta's ρ.
    pub rho: f64,
    /// Rprop's η₋ and η₊.
    pub eta_minus: f64,
    /// Rprop's η₊.
    pub eta_plus: f64,
    /// Rprop's step size bounds.
    pub step_min: f64,
    /// Rprop's largest step size.
    pub step_max: f64,
    /// ASGD's λ.
    pub lambd: f64,
    /// ASGD's t₀.
    pub t0: f64,
    /// Adafactor's c.
    pub beta2_decay: f64,
    /// Adafactor's ε₁.
    pub eps1: f64,
    /// Adafactor's ε₂.
    pub eps2: f64,
    /// Adafactor's d.
    pub d: f64,
    /// L-BFGS's history size.
    pub history_size: usize,
    /// L-BFGS with the strong-Wolfe line search.
    pub strong_wolfe: bool,
    /// L-BFGS's max_eval (inert at one iteration per step).
    pub max_eval: usize,
    /// L-BFGS's tolerance on max |g|.
    pub tolerance_grad: f64,
    /// L-BFGS's tolerance on change.
    pub tolerance_change: f64,
}

/// An optimizer with its hyper-parameters and, optionally, a learning-rate schedule: what a
/// SPEC like `adam:lr=0.05` (with `--schedule cosine:t_max=300`) describes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizerSpec {
    kind: OptimizerKind,
    hyper: Hyper,
    schedule: Option<LrSchedule>,
}

/// The optimizer state of one run: plain data, zero at the start unless PyTorch says otherwise
/// (Adagrad's `initial_accumulator_value`).
///
/// Fields are shared across optimizers by role; each optimizer's doc says which it uses. What
/// depends only on the step count (bias corrections, NAdam's momentum schedule, the learning
/// rate schedule) is not here but in the [`Schedule`], which runs stepped side by side share.
/// L-BFGS's history is kept by the [`Run`](super::Run).
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
/// schedule's state. One schedule serves every run of the same optimizer that is stepped in
/// lockstep, so these scalars are computed once per step, not once per run.
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
    /// ASGD's η and μ for the next step (PyTorch keeps them as state; they depend only on the
    /// step and the rate).
    pub asgd_eta: f64,
    /// ASGD's averaging weight μ.
    pub asgd_mu: f64,
    /// The learning rate (and OneCycle's momentum) of the next step.
    pub lr: LrState,
}

/// The step-dependent scalars of one update, from [`OptimizerSpec::advance`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Coefs {
    /// The step being taken, from 1.
    pub step: u64,
    /// This step's learning rate (the schedule's, or the constant one).
    pub lr: f64,
    /// This step's momentum μ (SGD, RMSprop) — OneCycle's when it cycles it.
    pub momentum: f64,
    /// This step's β₁ (the Adam family) — OneCycle's when it cycles it.
    pub beta1: f64,
    /// Adam: `lr / (1 − β₁ᵗ)`; Adamax: `lr / (1 − β₁ᵗ)`; Adagrad: `lr / (1 + (t−1)·lr_decay)`;
    /// ASGD: η; RAdam: `1 − β₁ᵗ`.
    pub step_size: f64,
    /// Adam: `√(1 − β₂ᵗ)`; NAdam: `1 − β₂ᵗ`; RAdam: `(1 − β₂ᵗ)^½`.
    pub bias_correction2: f64,
    /// NAdam: the coefficient of the gradient term, `−lr·(1 − μₜ)/(1 − Πμ)`; ASGD: μ.
    pub grad_coef: f64,
    /// NAdam: the coefficient of the momentum term, `−lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)`.
    pub momentum_coef: f64,
    /// RAdam: the rectification r_t when ρ_t > 5, else 0 (no adaptive step).
    pub rect: f64,
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

/// `torch.sign`: −1, 0 or 1 (NaN stays NaN), unlike `f64::signum`, which gives 1 for 0.
#[inline]
pub(crate) fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        v * 0.0
    }
}

/// One coordinate of Rprop's update (`_single_tensor_rprop`): from the gradient `g`, the
/// previous gradient `prev` and the step size, returns (the change of p, the new `prev`, the new
/// step size).
#[inline(always)]
pub(crate) fn rprop_coordinate(h: &Hyper, g: f64, prev: f64, step: f64) -> (f64, f64, f64) {
    let mut s = sign(g * prev);
    if s > 0.0 {
        s = h.eta_plus;
    }
    if s < 0.0 {
        s = h.eta_minus;
    }
    if s == 0.0 {
        s = 1.0;
    }
    // clamp_(min, max): the lower bound, then the upper; a NaN stays NaN, as in torch.
    let step = step * s;
    let step = if step < h.step_min { h.step_min } else { step };
    let step = if step > h.step_max { h.step_max } else { step };
    let g = if s == h.eta_minus { 0.0 } else { g };
    (-sign(g) * step, g, step)
}

/// Solves `(a + damping·I)·d = g` for symmetric 2×2 `a`, `None` when singular.
fn solve_damped(a: &Hessian, damping: f64, g: Gradient) -> Option<Gradient> {
    let m = a + Hessian::identity() * damping;
    m.lu().solve(&g)
}

impl OptimizerSpec {
    /// The optimizer with PyTorch's default hyper-parameters (SPEC §3) and no schedule.
    pub fn new(kind: OptimizerKind) -> Self {
        use OptimizerKind as K;
        let lr = match kind {
            K::Gd | K::Momentum | K::Nesterov | K::Adagrad | K::Rmsprop => 0.01,
            K::Rprop | K::Asgd | K::Adafactor => 0.01,
            K::Adam | K::Adamw | K::Radam => 0.001,
            K::Nadam | K::Adamax => 0.002,
            K::Newton | K::Sfn | K::Adadelta | K::Lbfgs => 1.0,
        };
        let eps = match kind {
            K::Adagrad => 1e-10,
            K::Adadelta => 1e-6,
            _ => 1e-8,
        };
        let damping = if kind == K::Sfn { 0.1 } else { 0.0 };
        Self {
            kind,
            hyper: Hyper {
                lr,
                momentum: if matches!(kind, K::Momentum | K::Nesterov) { 0.9 } else { 0.0 },
                dampening: 0.0,
                alpha: if kind == K::Asgd { 0.75 } else { 0.99 },
                beta1: 0.9,
                beta2: 0.999,
                eps,
                amsgrad: false,
                weight_decay: if kind == K::Adamw { 0.01 } else { 0.0 },
                momentum_decay: 0.004,
                damping,
                centered: false,
                lr_decay: 0.0,
                initial_accumulator_value: 0.0,
                decoupled_weight_decay: false,
                rho: 0.9,
                eta_minus: 0.5,
                eta_plus: 1.2,
                step_min: 1e-6,
                step_max: 50.0,
                lambd: 1e-4,
                t0: 1e6,
                beta2_decay: -0.8,
                eps1: f64::EPSILON,
                eps2: 1e-3,
                d: 1.0,
                history_size: 100,
                strong_wolfe: false,
                max_eval: 25,
                tolerance_grad: 1e-7,
                tolerance_change: 1e-9,
            },
            schedule: None,
        }
    }

    /// Parses `NAME[:key=value,...]`, e.g. `adam:lr=0.05,beta1=0.8`, `adam:amsgrad=true` or
    /// `lbfgs:line_search=strong_wolfe`.
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

    /// Sets a hyper-parameter from text: a number, for a flag also `true`/`false`, for the line
    /// search `none`/`strong_wolfe`.
    pub fn set_str(&mut self, param: Param, value: &str) -> Result<(), SpecError> {
        let (number, what) = match param.kind() {
            ParamType::Flag => (
                match value {
                    "true" | "on" | "1" => Some(1.0),
                    "false" | "off" | "0" => Some(0.0),
                    _ => None,
                },
                "boolean (true or false)",
            ),
            ParamType::LineSearch => (
                match value {
                    "strong_wolfe" | "strong-wolfe" | "1" => Some(1.0),
                    "none" | "0" => Some(0.0),
                    _ => None,
                },
                "line search (none or strong_wolfe)",
            ),
            ParamType::Count => (value.parse::<f64>().ok(), "whole number"),
            ParamType::Number => (value.parse::<f64>().ok(), "number"),
        };
        let number =
            number.ok_or_else(|| SpecError::NotANumber { param, value: value.to_owned(), what })?;
        self.set(param, number)
    }

    /// Sets a hyper-parameter, checking that the optimizer takes it and that the value is in
    /// range (finite, non-negative; β in [0, 1); α and dampening in [0, 1]; counts whole).
    pub fn set(&mut self, param: Param, value: f64) -> Result<(), SpecError> {
        if !self.kind.takes(param) {
            return Err(SpecError::NotTaken { kind: self.kind, param });
        }
        let (lo, hi, open) = param.range();
        let whole = param.kind() != ParamType::Count || (value.fract() == 0.0 && value < 1e9);
        let ok = value.is_finite()
            && value >= lo
            && (if open { value < hi } else { value <= hi })
            && whole;
        if !ok {
            let range = match (lo.is_finite(), hi.is_finite(), open) {
                (true, false, _) if param.kind() == ParamType::Count => {
                    format!("a whole number ≥ {lo}")
                }
                (true, false, _) => format!("a finite number ≥ {lo}"),
                (false, _, _) => format!("a finite number ≤ {hi}"),
                (true, true, true) => format!("in [{lo}, {hi})"),
                (true, true, false) => format!("in [{lo}, {hi}]"),
            };
            return Err(SpecError::OutOfRange { param, value, range });
        }
        let h = &mut self.hyper;
        let (min, max) = match param {
            Param::StepMin => (value, h.step_max),
            Param::StepMax => (h.step_min, value),
            _ => (h.step_min, h.step_max),
        };
        if min > max {
            return Err(SpecError::StepBounds { min, max });
        }
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
            Param::Centered => h.centered = value != 0.0,
            Param::LrDecay => h.lr_decay = value,
            Param::InitialAccumulatorValue => h.initial_accumulator_value = value,
            Param::DecoupledWeightDecay => h.decoupled_weight_decay = value != 0.0,
            Param::Rho => h.rho = value,
            Param::EtaMinus => h.eta_minus = value,
            Param::EtaPlus => h.eta_plus = value,
            Param::StepMin => h.step_min = value,
            Param::StepMax => h.step_max = value,
            Param::Lambd => h.lambd = value,
            Param::T0 => h.t0 = value,
            Param::Beta2Decay => h.beta2_decay = value,
            Param::Eps1 => h.eps1 = value,
            Param::Eps2 => h.eps2 = value,
            Param::D => h.d = value,
            Param::HistorySize => h.history_size = value as usize,
            Param::LineSearch => h.strong_wolfe = value != 0.0,
            Param::MaxEval => h.max_eval = value as usize,
            Param::ToleranceGrad => h.tolerance_grad = value,
            Param::ToleranceChange => h.tolerance_change = value,
        }
        Ok(())
    }

    /// The value of a hyper-parameter (flags as 0 or 1), whether or not the optimizer takes it.
    pub fn get(&self, param: Param) -> f64 {
        let h = &self.hyper;
        let flag = |b: bool| f64::from(u8::from(b));
        match param {
            Param::Lr => h.lr,
            Param::Momentum => h.momentum,
            Param::Dampening => h.dampening,
            Param::Alpha => h.alpha,
            Param::Beta1 => h.beta1,
            Param::Beta2 => h.beta2,
            Param::Eps => h.eps,
            Param::Amsgrad => flag(h.amsgrad),
            Param::WeightDecay => h.weight_decay,
            Param::MomentumDecay => h.momentum_decay,
            Param::Damping => h.damping,
            Param::Centered => flag(h.centered),
            Param::LrDecay => h.lr_decay,
            Param::InitialAccumulatorValue => h.initial_accumulator_value,
            Param::DecoupledWeightDecay => flag(h.decoupled_weight_decay),
            Param::Rho => h.rho,
            Param::EtaMinus => h.eta_minus,
            Param::EtaPlus => h.eta_plus,
            Param::StepMin => h.step_min,
            Param::StepMax => h.step_max,
            Param::Lambd => h.lambd,
            Param::T0 => h.t0,
            Param::Beta2Decay => h.beta2_decay,
            Param::Eps1 => h.eps1,
            Param::Eps2 => h.eps2,
            Param::D => h.d,
            Param::HistorySize => h.history_size as f64,
            Param::LineSearch => flag(h.strong_wolfe),
            Param::MaxEval => h.max_eval as f64,
            Param::ToleranceGrad => h.tolerance_grad,
            Param::ToleranceChange => h.tolerance_change,
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

    /// The learning rate (the base rate when there is a schedule).
    pub fn lr(&self) -> f64 {
        self.hyper.lr
    }

    /// The learning-rate schedule, if any.
    pub fn schedule(&self) -> Option<&LrSchedule> {
        self.schedule.as_ref()
    }

    /// Sets (or, with `None`, removes) the learning-rate schedule. OneCycle with
    /// `cycle_momentum` needs an optimizer with momentum or β₁ (PyTorch raises the same).
    pub fn set_schedule(&mut self, schedule: Option<LrSchedule>) -> Result<(), SpecError> {
        if let Some(s) = &schedule
            && s.cycles_momentum()
            && self.kind.cycled().is_none()
        {
            return Err(ScheduleError::NoMomentum(self.kind.name()).into());
        }
        self.schedule = schedule;
        Ok(())
    }

    /// This spec with `schedule`, checked as [`set_schedule`](Self::set_schedule) does.
    pub fn with_schedule(mut self, schedule: Option<LrSchedule>) -> Result<Self, SpecError> {
        self.set_schedule(schedule)?;
        Ok(self)
    }

    /// Whether OneCycle cycles this optimizer's momentum or β₁ (then the batch kernel, which
    /// fixes them per run, leaves the run to the general path).
    pub fn cycles_momentum(&self) -> bool {
        self.schedule.is_some_and(|s| s.cycles_momentum())
    }

    /// The learning rate of steps 1 to `steps`: constant without a schedule.
    pub fn rates(&self, steps: usize) -> Vec<f64> {
        let mut s = self.start();
        (0..steps)
            .map(|_| {
                let lr = s.lr.lr;
                self.advance(&mut s);
                lr
            })
            .collect()
    }

    /// The hyper-parameters this optimizer takes, with their values.
    pub fn params(&self) -> impl Iterator<Item = (Param, f64)> + '_ {
        self.kind.params().iter().map(|&p| (p, self.get(p)))
    }

    /// The state before the first step: zero, but for Adagrad's sum, which starts at
    /// `initial_accumulator_value`.
    pub fn init(&self) -> State {
        let mut s = State::default();
        if self.kind == OptimizerKind::Adagrad {
            let a = self.hyper.initial_accumulator_value;
            s.v = Gradient::new(a, a);
        }
        s
    }

    /// The step-dependent state before the first step; with a schedule, the scheduler as just
    /// constructed (it has set the first step's rate).
    pub fn start(&self) -> Schedule {
        let h = &self.hyper;
        let momentum = match self.kind.cycled() {
            Some(Cycled::Beta1) => h.beta1,
            _ => h.momentum,
        };
        let lr = match &self.schedule {
            Some(s) => s.start(h.lr, momentum),
            None => LrState::constant(h.lr, momentum),
        };
        Schedule {
            step: 0,
            beta1_power: 1.0,
            beta2_power: 1.0,
            decay_power: 1.0,
            mu_product: 1.0,
            asgd_eta: lr.lr,
            asgd_mu: 1.0,
            lr,
        }
    }

    /// Advances `schedule` by one step and returns that step's scalars; then steps the
    /// learning-rate scheduler, as PyTorch's loop calls `scheduler.step()` after
    /// `optimizer.step()`. Runs stepped in lockstep share one schedule and call this once per
    /// step.
    #[inline(always)]
    pub fn advance(&self, schedule: &mut Schedule) -> Coefs {
        let hp = &self.hyper;
        schedule.step += 1;
        let lr = schedule.lr.lr;
        let cycled = self.cycles_momentum();
        let (momentum, beta1) = match (cycled, self.kind.cycled()) {
            (true, Some(Cycled::Beta1)) => (hp.momentum, schedule.lr.momentum),
            (true, _) => (schedule.lr.momentum, hp.beta1),
            (false, _) => (hp.momentum, hp.beta1),
        };
        let mut c = Coefs { step: schedule.step, lr, momentum, beta1, ..Coefs::default() };
        let t = schedule.step as f64;
        match self.kind {
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                // PyTorch computes 1 − β^step with pow(); a running product gives the same to a
                // few ulps (far inside the 1e-7 contract) without two pow() calls per step. A
                // β₁ that OneCycle changes every step needs the pow().
                schedule.beta1_power =
                    if cycled { beta1.powf(t) } else { schedule.beta1_power * beta1 };
                schedule.beta2_power *= hp.beta2;
                c.step_size = lr / (1.0 - schedule.beta1_power);
                c.bias_correction2 = (1.0 - schedule.beta2_power).sqrt();
            }
            OptimizerKind::Nadam => {
                schedule.beta2_power *= hp.beta2;
                c.bias_correction2 = 1.0 - schedule.beta2_power;
                // μₜ = β₁(1 − ½·0.96^(ψt)), with 0.96^(ψt) kept as a running product.
                let decay = 0.96f64.powf(hp.momentum_decay);
                schedule.decay_power *= decay;
                let mu = beta1 * (1.0 - 0.5 * schedule.decay_power);
                let mu_next = beta1 * (1.0 - 0.5 * (schedule.decay_power * decay));
                schedule.mu_product *= mu;
                let mu_product_next = schedule.mu_product * mu_next;
                c.grad_coef = -lr * (1.0 - mu) / (1.0 - schedule.mu_product);
                c.momentum_coef = (-lr * mu_next) / (1.0 - mu_product_next);
            }
            OptimizerKind::Radam => {
                let bias_correction1 = 1.0 - beta1.powf(t);
                let bias_correction2 = 1.0 - hp.beta2.powf(t);
                let rho_inf = 2.0 / (1.0 - hp.beta2) - 1.0;
                let rho_t = rho_inf - 2.0 * t * hp.beta2.powf(t) / bias_correction2;
                c.step_size = bias_correction1;
                c.bias_correction2 = bias_correction2.powf(0.5);
                c.rect = if rho_t > 5.0 {
                    ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                        / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                        .powf(0.5)
                } else {
                    0.0
                };
            }
            OptimizerKind::Adamax => c.step_size = lr / (1.0 - beta1.powf(t)),
            OptimizerKind::Adagrad => c.step_size = lr / (1.0 + (t - 1.0) * hp.lr_decay),
            OptimizerKind::Asgd => {
                if schedule.step == 1 {
                    // PyTorch's state["eta"] starts at the group's lr when the state is made.
                    schedule.asgd_eta = lr;
                }
                c.step_size = schedule.asgd_eta;
                c.grad_coef = schedule.asgd_mu;
                schedule.asgd_eta = lr / (1.0 + hp.lambd * lr * t).powf(hp.alpha);
                schedule.asgd_mu = 1.0 / f64::max(1.0, t - hp.t0);
            }
            _ => {}
        }
        if let Some(s) = &self.schedule {
            s.step(&mut schedule.lr);
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
    /// divergence, not a panic. L-BFGS, which evaluates the surface within its step, is stepped
    /// by the [`Run`](super::Run) instead; here it is plain gradient descent.
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
        let first = state.step == 0;
        state.step = c.step;
        let lr = c.lr;
        // L2 weight decay, `grad = grad.add(param, alpha=weight_decay)`, where PyTorch has it.
        let l2 = |g: Gradient| if hp.weight_decay != 0.0 { g + p * hp.weight_decay } else { g };
        match self.kind {
            OptimizerKind::Gd | OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                let g = l2(g);
                // SGD's momentum branch runs when momentum ≠ 0 (on gd only when OneCycle
                // cycles it in); the buffer starts as a copy of the gradient.
                if c.momentum == 0.0 {
                    return p + g * -lr;
                }
                let dampening =
                    if self.kind == OptimizerKind::Momentum { hp.dampening } else { 0.0 };
                state.m =
                    if c.step == 1 { g } else { state.m * c.momentum + g * (1.0 - dampening) };
                let d = if self.kind == OptimizerKind::Nesterov {
                    g + state.m * c.momentum
                } else {
                    state.m
                };
                p + d * -lr
            }
            OptimizerKind::Adagrad => {
                let g = l2(g);
                state.v = addcmul(state.v, g, g, 1.0);
                let std = add_scalar(sqrt2(state.v), hp.eps);
                addcdiv(p, g, std, -c.step_size)
            }
            OptimizerKind::Rmsprop => {
                let g = l2(g);
                state.v = addcmul(state.v * hp.alpha, g, g, 1.0 - hp.alpha);
                let avg = if hp.centered {
                    state.u = lerp2(state.u, g, 1.0 - hp.alpha);
                    sqrt2(addcmul(state.v, state.u, state.u, -1.0))
                } else {
                    sqrt2(state.v)
                };
                let avg = add_scalar(avg, hp.eps);
                if c.momentum > 0.0 {
                    state.m = addcdiv(state.m * c.momentum, g, avg, 1.0);
                    p + state.m * -lr
                } else {
                    addcdiv(p, g, avg, -lr)
                }
            }
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                let (p, g) = if self.kind == OptimizerKind::Adamw {
                    (p * (1.0 - lr * hp.weight_decay), g)
                } else {
                    (p, l2(g))
                };
                state.m = lerp2(state.m, g, 1.0 - c.beta1);
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
                state.m = lerp2(state.m, g, 1.0 - c.beta1);
                state.v = addcmul(state.v * hp.beta2, g, g, 1.0 - hp.beta2);
                let denom = add_scalar(sqrt2(state.v / c.bias_correction2), hp.eps);
                let p = addcdiv(p, g, denom, c.grad_coef);
                addcdiv(p, state.m, denom, c.momentum_coef)
            }
            OptimizerKind::Radam => {
                let (p, g) = match (hp.weight_decay != 0.0, hp.decoupled_weight_decay) {
                    (true, true) => (p * (1.0 - lr * hp.weight_decay), g),
                    (true, false) => (p, l2(g)),
                    _ => (p, g),
                };
                state.m = lerp2(state.m, g, 1.0 - c.beta1);
                state.v = addcmul(state.v * hp.beta2, g, g, 1.0 - hp.beta2);
                let m_hat = state.m / c.step_size;
                let d = if c.rect > 0.0 {
                    let adaptive =
                        add_scalar(sqrt2(state.v), hp.eps).map(|s| c.bias_correction2 / s);
                    (m_hat * lr).component_mul(&adaptive) * c.rect
                } else {
                    m_hat * lr
                };
                p + d * -1.0
            }
            OptimizerKind::Adamax => {
                let g = l2(g);
                state.m = lerp2(state.m, g, 1.0 - c.beta1);
                state.v = (state.v * hp.beta2).zip_map(&add_scalar(g.abs(), hp.eps), f64::max);
                addcdiv(p, state.m, state.v, -c.step_size)
            }
            OptimizerKind::Adadelta => {
                let g = l2(g);
                state.v = addcmul(state.v * hp.rho, g, g, 1.0 - hp.rho);
                let std = sqrt2(add_scalar(state.v, hp.eps));
                let delta =
                    sqrt2(add_scalar(state.u, hp.eps)).component_div(&std).component_mul(&g);
                state.u = addcmul(state.u * hp.rho, delta, delta, 1.0 - hp.rho);
                p + delta * -lr
            }
            OptimizerKind::Rprop => {
                if first {
                    // state["step_size"] = full_like(grad, lr), made at the first step.
                    state.u = Gradient::new(lr, lr);
                }
                let (dx, gx, sx) = rprop_coordinate(hp, g.x, state.m.x, state.u.x);
                let (dy, gy, sy) = rprop_coordinate(hp, g.y, state.m.y, state.u.y);
                state.m = Gradient::new(gx, gy);
                state.u = Gradient::new(sx, sy);
                p + Gradient::new(dx, dy)
            }
            OptimizerKind::Asgd => {
                let g = l2(g);
                let eta = c.step_size;
                let p = p * (1.0 - hp.lambd * eta);
                p + g * -eta
            }
            OptimizerKind::Adafactor => {
                let t = c.step as f64;
                let one_minus_beta2_t = t.powf(hp.beta2_decay);
                let rho_t = f64::min(lr, 1.0 / t.powf(0.5));
                let n_sqrt = 2f64.powf(0.5);
                let alpha = f64::max(hp.eps2, p.norm() / n_sqrt) * rho_t;
                let p = if hp.weight_decay != 0.0 { p * (1.0 - lr * hp.weight_decay) } else { p };
                state.v = lerp2(state.v, g.component_mul(&g), one_minus_beta2_t);
                let eps1_sq = hp.eps1 * hp.eps1;
                let update = state.v.map(|v| 1.0 / v.max(eps1_sq).sqrt()).component_mul(&g);
                let denom = f64::max(1.0, update.norm() / (n_sqrt * hp.d));
                p + update * (-alpha / denom)
            }
            OptimizerKind::Lbfgs => p + g * -lr,
            OptimizerKind::Newton => match h.and_then(|h| solve_damped(h, hp.damping, g)) {
                Some(d) => p - d * lr,
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
                    Some(d) => p - d * lr,
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
                write!(f, "{sep}{param}={}", param.format(value))?;
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
        assert!(err("adam:momentum=0.9").contains("lr, beta1, beta2, eps, weight_decay, amsgrad"));
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
