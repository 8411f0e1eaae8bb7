//! The hyper-parameters: one table row each (key, field, type, range), from which the
//! [`Param`] enum, the [`Hyper`] values and the mapping between them are generated.
//!
//! The keys are PyTorch's argument names, with `betas`, `etas`, `step_sizes` and Adafactor's
//! `eps` split in two. Which optimizer takes which, with what default, is said by each
//! optimizer's module (its [`About::params`](super::About::params)).

use std::fmt;

const INF: f64 = f64::INFINITY;

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

/// A value kept in [`Hyper`]: a number, a count or a flag, each read and written as an `f64`.
trait HyperValue: Copy {
    fn from_f64(v: f64) -> Self;
    fn to_f64(self) -> f64;
}

impl HyperValue for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
}

impl HyperValue for bool {
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
}

impl HyperValue for usize {
    fn from_f64(v: f64) -> Self {
        v as usize
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

/// Generates [`Param`], [`Hyper`] and what maps one to the other from one row per
/// hyper-parameter: `Variant field: type = value when no optimizer sets it, "key", ParamType,
/// (min, max, whether max is excluded)`.
macro_rules! params {
    ($( $(#[doc = $doc:literal])* $variant:ident $field:ident: $ty:ty = $base:expr,
        $key:literal, $kind:ident, $range:expr; )*) => {
        /// A hyper-parameter, by its key in an optimizer SPEC (`adam:lr=0.05,beta1=0.8`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Param {
            $( $(#[doc = $doc])* $variant, )*
        }

        /// Hyper-parameter values. Each optimizer reads the ones it
        /// [takes](super::OptimizerKind::params); the others keep their defaults and are
        /// ignored.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct Hyper {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Param {
            /// Every hyper-parameter.
            pub const ALL: [Param; [$($key),*].len()] = [$(Param::$variant),*];

            /// The key in a SPEC and a scene file.
            pub fn key(self) -> &'static str {
                match self { $(Param::$variant => $key,)* }
            }

            /// What it is, in words (its doc line; the command line's help).
            pub fn help(self) -> &'static str {
                match self { $(Param::$variant => concat!($($doc),*).trim_ascii_start(),)* }
            }

            /// How the value is written.
            pub fn kind(self) -> ParamType {
                match self { $(Param::$variant => ParamType::$kind,)* }
            }

            /// The interval a value must lie in, as (min, max, whether max is excluded).
            pub(super) fn range(self) -> (f64, f64, bool) {
                match self { $(Param::$variant => $range,)* }
            }
        }

        impl Hyper {
            /// The values no optimizer has set: what an optimizer that does not take a
            /// hyper-parameter reads for it.
            pub(super) const BASE: Hyper = Hyper { $($field: $base,)* };

            /// The value of `param` (flags as 0 or 1, counts as whole numbers).
            pub fn get(&self, param: Param) -> f64 {
                match param { $(Param::$variant => HyperValue::to_f64(self.$field),)* }
            }

            /// Stores `value` (already checked) as `param`.
            pub(super) fn put(&mut self, param: Param, value: f64) {
                match param { $(Param::$variant => self.$field = HyperValue::from_f64(value),)* }
            }
        }
    };
}

params! {
    /// Learning rate.
    Lr lr: f64 = 0.01, "lr", Number, (0.0, INF, false);
    /// Momentum factor μ (momentum, nesterov, rmsprop).
    Momentum momentum: f64 = 0.0, "momentum", Number, (0.0, INF, false);
    /// Momentum dampening τ (momentum).
    Dampening dampening: f64 = 0.0, "dampening", Number, (0.0, 1.0, false);
    /// RMSprop's smoothing constant α; ASGD's power α.
    Alpha alpha: f64 = 0.99, "alpha", Number, (0.0, 1.0, false);
    /// First-moment decay β₁ (the Adam family).
    Beta1 beta1: f64 = 0.9, "beta1", Number, (0.0, 1.0, true);
    /// Second-moment decay β₂ (the Adam family).
    Beta2 beta2: f64 = 0.999, "beta2", Number, (0.0, 1.0, true);
    /// The ε added to the denominator (adagrad, rmsprop, the Adam family, adadelta).
    Eps eps: f64 = 1e-8, "eps", Number, (0.0, INF, false);
    /// AMSGrad on or off (adam).
    Amsgrad amsgrad: bool = false, "amsgrad", Flag, (0.0, 1.0, false);
    /// Weight decay: L2 added to the gradient, or AdamW's decoupled decay.
    WeightDecay weight_decay: f64 = 0.0, "weight_decay", Number, (0.0, INF, false);
    /// NAdam's momentum decay ψ.
    MomentumDecay momentum_decay: f64 = 0.004, "momentum_decay", Number, (0.0, INF, false);
    /// The λ added to the Hessian (or to |H|) (newton, sfn).
    Damping damping: f64 = 0.0, "damping", Number, (0.0, INF, false);
    /// RMSprop: normalise by the centred second moment.
    Centered centered: bool = false, "centered", Flag, (0.0, 1.0, false);
    /// Adagrad's learning-rate decay.
    LrDecay lr_decay: f64 = 0.0, "lr_decay", Number, (0.0, INF, false);
    /// Adagrad's starting value of the sum of squares.
    InitialAccumulatorValue initial_accumulator_value: f64 = 0.0,
        "initial_accumulator_value", Number, (0.0, INF, false);
    /// RAdam: AdamW-style decay.
    DecoupledWeightDecay decoupled_weight_decay: bool = false,
        "decoupled_weight_decay", Flag, (0.0, 1.0, false);
    /// Adadelta's ρ.
    Rho rho: f64 = 0.9, "rho", Number, (0.0, 1.0, false);
    /// Rprop's shrink factor η₋.
    EtaMinus eta_minus: f64 = 0.5, "eta_minus", Number, (0.0, 1.0, false);
    /// Rprop's growth factor η₊.
    EtaPlus eta_plus: f64 = 1.2, "eta_plus", Number, (1.0, INF, false);
    /// Rprop's smallest step size.
    StepMin step_min: f64 = 1e-6, "step_min", Number, (0.0, INF, false);
    /// Rprop's largest step size.
    StepMax step_max: f64 = 50.0, "step_max", Number, (0.0, INF, false);
    /// ASGD's decay term λ.
    Lambd lambd: f64 = 1e-4, "lambd", Number, (0.0, INF, false);
    /// ASGD's step at which averaging starts.
    T0 t0: f64 = 1e6, "t0", Number, (0.0, INF, false);
    /// Adafactor's decay-rate exponent c (β₂ₜ = 1 − t^c).
    Beta2Decay beta2_decay: f64 = -0.8, "beta2_decay", Number, (f64::NEG_INFINITY, 0.0, false);
    /// Adafactor's floor on the second moment (squared).
    Eps1 eps1: f64 = f64::EPSILON, "eps1", Number, (0.0, INF, false);
    /// Adafactor's floor on the parameter RMS.
    Eps2 eps2: f64 = 1e-3, "eps2", Number, (0.0, INF, false);
    /// Adafactor's clipping threshold d.
    D d: f64 = 1.0, "d", Number, (0.0, INF, false);
    /// L-BFGS: how many (s, y) pairs are kept.
    HistorySize history_size: usize = 100, "history_size", Count, (1.0, INF, false);
    /// L-BFGS with the strong-Wolfe line search (`line_search=strong_wolfe`).
    LineSearch strong_wolfe: bool = false, "line_search", LineSearch, (0.0, 1.0, false);
    /// L-BFGS: evaluations per step (inert at one iteration per step, kept for PyTorch's names).
    MaxEval max_eval: usize = 25, "max_eval", Count, (1.0, INF, false);
    /// L-BFGS: a step stops when max |g| ≤ this.
    ToleranceGrad tolerance_grad: f64 = 1e-7, "tolerance_grad", Number, (0.0, INF, false);
    /// L-BFGS: a step stops when the directional derivative or progress is below this.
    ToleranceChange tolerance_change: f64 = 1e-9, "tolerance_change", Number, (0.0, INF, false);
}

impl Param {
    /// Looks a key up; `weight-decay` is accepted for `weight_decay` (and likewise).
    pub fn from_key(key: &str) -> Option<Self> {
        let key = key.replace('-', "_");
        Self::ALL.into_iter().find(|p| p.key() == key)
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

    /// Reads a value from text: a number, for a flag also `true`/`false`/`on`/`off`, for the
    /// line search `none`/`strong_wolfe`. On failure, what was expected, in words.
    pub fn parse_value(self, value: &str) -> Result<f64, &'static str> {
        let (number, what) = match self.kind() {
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
        number.ok_or(what)
    }

    /// `None` if `value` lies in the range, else the range in words (finite; non-negative;
    /// β in [0, 1); α and dampening in [0, 1]; counts whole).
    pub(super) fn check(self, value: f64) -> Option<String> {
        let (lo, hi, open) = self.range();
        let whole = self.kind() != ParamType::Count || (value.fract() == 0.0 && value < 1e9);
        let ok = value.is_finite()
            && value >= lo
            && (if open { value < hi } else { value <= hi })
            && whole;
        if ok {
            return None;
        }
        Some(match (lo.is_finite(), hi.is_finite(), open) {
            (true, false, _) if self.kind() == ParamType::Count => format!("a whole number ≥ {lo}"),
            (true, false, _) => format!("a finite number ≥ {lo}"),
            (false, _, _) => format!("a finite number ≤ {hi}"),
            (true, true, true) => format!("in [{lo}, {hi})"),
            (true, true, false) => format!("in [{lo}, {hi}]"),
        })
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
