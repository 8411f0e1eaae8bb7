//! The optimizers, with PyTorch's `torch.optim` semantics and defaults: one module each (or
//! one per family), and the registry below that lists them.
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
//!
//! **Adding an optimizer** is one file and one line: a module with a unit type implementing
//! [`Optimizer`] (its name, label, formula, colour and hyper-parameters with their defaults in
//! [`About`]; its step scalars, scalar update, batch-kernel [`Rule`](kernel::Rule) and
//! narration), and its line in the `registry!` list at the bottom of this file, which makes it
//! an [`OptimizerKind`] everywhere: SPECs, scene files, the app's list, `simulate`, the batch
//! kernel and the narration.

mod adadelta;
mod adafactor;
mod adagrad;
mod adam;
mod adamax;
mod asgd;
pub mod kernel;
pub mod lbfgs;
mod nadam;
pub mod narrate;
mod newton;
mod ops;
mod params;
mod radam;
mod rmsprop;
mod rprop;
pub mod schedule;
mod sgd;
#[cfg(feature = "sign-gd")]
mod sign_gd;
mod spec;
mod step;

use std::fmt;

pub use params::{Hyper, Param, ParamType};
pub use spec::{OptimizerSpec, SpecError};
pub use step::{CurvaturePair, LbfgsMemory, State, StepScalars, StepState};

use self::kernel::RuleSink;
use self::narrate::{Inside, Narration};
use self::schedule::Cycled;
use super::real::Real;
use super::{Gradient, Hessian, Point};

/// What an optimizer is, as plain data: its names, formula, colour and hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct About {
    /// The name used on the command line and in scene files (`adam`).
    pub name: &'static str,
    /// The name a person reads in a legend (`Adam`).
    pub label: &'static str,
    /// The update rule in one or two lines, for tooltips and the README.
    pub rule: &'static str,
    /// The default drawing colour, `[r, g, b]`.
    pub colour: [u8; 3],
    /// The hyper-parameters it takes, in display order.
    pub params: &'static [Param],
    /// PyTorch's defaults for it where they differ from the values in the
    /// hyper-parameter table (`sim/optim/params.rs`), which are the usual ones.
    pub defaults: &'static [(Param, f64)],
    /// What OneCycle's `cycle_momentum` cycles on it: the momentum of SGD and RMSprop, β₁ of
    /// the Adam family, nothing on the others (PyTorch looks for `momentum` or `betas` in the
    /// optimizer's defaults).
    pub cycled: Option<Cycled>,
    /// Whether each step needs the Hessian (Newton and saddle-free Newton).
    pub needs_hessian: bool,
    /// Whether its update is elementwise, so that the batch kernel runs its
    /// [`Rule`](kernel::Rule) (see [`Optimizer::kernel`]).
    pub elementwise: bool,
}

impl About {
    /// An elementwise optimizer named `name` (`label` in a legend), drawn in `colour`, that
    /// takes nothing, cycles nothing and needs no Hessian: the usual case, which the methods
    /// below complete (`About::new(…).rule(…).params(…).defaults(…)`).
    pub const fn new(name: &'static str, label: &'static str, colour: [u8; 3]) -> Self {
        About {
            name,
            label,
            rule: "",
            colour,
            params: &[],
            defaults: &[],
            cycled: None,
            needs_hessian: false,
            elementwise: true,
        }
    }

    /// With its update rule written out.
    pub const fn rule(mut self, rule: &'static str) -> Self {
        self.rule = rule;
        self
    }

    /// Taking `params`, in display order.
    pub const fn params(mut self, params: &'static [Param]) -> Self {
        self.params = params;
        self
    }

    /// With PyTorch's defaults where they differ from the hyper-parameter table's.
    pub const fn defaults(mut self, defaults: &'static [(Param, f64)]) -> Self {
        self.defaults = defaults;
        self
    }

    /// With `cycled` as what OneCycle cycles.
    pub const fn cycles(mut self, cycled: Cycled) -> Self {
        self.cycled = Some(cycled);
        self
    }

    /// Not elementwise: the batch kernel leaves it to the scalar path.
    pub const fn not_elementwise(mut self) -> Self {
        self.elementwise = false;
        self
    }

    /// A second-order method: needs the Hessian, not elementwise.
    pub const fn second_order(mut self) -> Self {
        self.needs_hessian = true;
        self.not_elementwise()
    }
}

/// Where a step starts: the point, its gradient and, for the optimizers that
/// [need it](About::needs_hessian), its Hessian (`None`: not at hand).
#[derive(Clone, Copy, Debug)]
pub struct At<'h> {
    /// The point.
    pub p: Point,
    /// The gradient there.
    pub g: Gradient,
    /// The Hessian there, when at hand.
    pub hess: Option<&'h Hessian>,
}

/// One optimizer: everything the rest of losscape asks of it. Implemented by a unit type in the
/// optimizer's own module and listed once in the registry ([`OptimizerKind`]).
pub trait Optimizer {
    /// Its names, formula, colour and hyper-parameters.
    const ABOUT: About;

    /// The state before the first step (zero unless PyTorch says otherwise).
    fn init(_h: &Hyper) -> State {
        State::default()
    }

    /// Fills in this step's own scalars (bias corrections and the like) in `c`, whose step,
    /// rate, momentum and β₁ are set, advancing what `clock` keeps for them. `cycled`: OneCycle
    /// changes the momentum or β₁ every step.
    fn scalars(_h: &Hyper, _clock: &mut StepState, _c: &mut StepScalars, _cycled: bool) {}

    /// One step from `p` with gradient `g`: the next point; advances `s` (whose `step` still
    /// counts the updates before this one).
    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point;

    /// [`apply`](Self::apply) given the Hessian too, which optimizers that
    /// [need it](About::needs_hessian) use (`None`: not at hand).
    fn apply_with_hessian(h: &Hyper, c: &StepScalars, s: &mut State, at: At<'_>) -> Point {
        Self::apply(h, c, s, at.p, at.g)
    }

    /// Hands the batch kernel this optimizer's [`Rule`](kernel::Rule) for `h`; `Err(sink)`
    /// when the update is not elementwise (the kernel then takes the scalar path).
    fn kernel<T: Real, S: RuleSink<T>>(_h: &Hyper, sink: S) -> Result<(), S> {
        Err(sink)
    }

    /// Whether the narration shows L2 weight decay added to the gradient.
    fn l2_shown(h: &Hyper) -> bool {
        h.weight_decay != 0.0
    }

    /// The derived quantities the narration shows (m′, v′, the per-axis step size), from the
    /// step's scalars and the state after it.
    fn inside(_h: &Hyper, _c: &StepScalars, _after: &State) -> Inside {
        Inside::default()
    }

    /// The update in the optimizer's own formula with this step's numbers, one line per
    /// quantity, appended to `out`.
    fn narrate(n: &Narration, out: &mut Vec<String>);
}

/// Generates [`OptimizerKind`] from the list of optimizers: the enum, [`OptimizerKind::ALL`] and
/// one dispatch per [`Optimizer`] method (a `match` on the kind, each arm monomorphised).
macro_rules! registry {
    ($( $(#[doc = $doc:literal])* $(#[cfg($cfg:meta)])? $variant:ident => $ty:ty, )*) => {
        /// Which optimizer. Each one's module says what it is; the `registry!` list in
        /// `sim/optim/mod.rs` lists them, in the order the app shows them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum OptimizerKind {
            $( $(#[doc = $doc])* $(#[cfg($cfg)])? $variant, )*
        }

        /// How many optimizers are registered.
        const COUNT: usize = {
            let mut n = 0;
            $( $(#[cfg($cfg)])? { n += 1; } )*
            n
        };

        impl OptimizerKind {
            /// Every optimizer, in the order the app lists them.
            pub const ALL: [OptimizerKind; COUNT] = {
                let mut all = [OptimizerKind::Gd; COUNT];
                let mut i = 0;
                $( $(#[cfg($cfg)])? { all[i] = OptimizerKind::$variant; i += 1; } )*
                assert!(i == COUNT);
                all
            };

            /// What this optimizer is.
            pub fn about(self) -> &'static About {
                match self { $( $(#[cfg($cfg)])? Self::$variant => &<$ty as Optimizer>::ABOUT, )* }
            }

            /// [`Optimizer::init`] of this optimizer.
            pub(crate) fn init_with(self, h: &Hyper) -> State {
                match self { $( $(#[cfg($cfg)])? Self::$variant => <$ty>::init(h), )* }
            }

            /// [`Optimizer::scalars`] of this optimizer.
            #[inline(always)]
            pub(crate) fn scalars(
                self, h: &Hyper, clock: &mut StepState, c: &mut StepScalars, cycled: bool,
            ) {
                match self {
                    $( $(#[cfg($cfg)])? Self::$variant => <$ty>::scalars(h, clock, c, cycled), )*
                }
            }

            /// [`Optimizer::apply_with_hessian`] of this optimizer.
            #[inline(always)]
            pub(crate) fn apply(
                self, h: &Hyper, c: &StepScalars, s: &mut State, at: (Point, Gradient),
                hess: Option<&Hessian>,
            ) -> Point {
                match self {
                    $( $(#[cfg($cfg)])? Self::$variant =>
                        <$ty>::apply_with_hessian(h, c, s, At { p: at.0, g: at.1, hess }), )*
                }
            }

            /// Runs `sink` with this optimizer's kernel rule, `Err(sink)` if it has none.
            pub(crate) fn kernel<T: Real, S: RuleSink<T>>(self, h: &Hyper, sink: S) -> Result<(), S> {
                match self { $( $(#[cfg($cfg)])? Self::$variant => <$ty>::kernel(h, sink), )* }
            }

            /// [`Optimizer::l2_shown`] of this optimizer.
            pub(crate) fn l2_shown(self, h: &Hyper) -> bool {
                match self { $( $(#[cfg($cfg)])? Self::$variant => <$ty>::l2_shown(h), )* }
            }

            /// [`Optimizer::inside`] of this optimizer.
            pub(crate) fn inside(self, h: &Hyper, c: &StepScalars, after: &State) -> Inside {
                match self { $( $(#[cfg($cfg)])? Self::$variant => <$ty>::inside(h, c, after), )* }
            }

            /// [`Optimizer::narrate`] of this optimizer.
            pub(crate) fn narrate(self, n: &Narration, out: &mut Vec<String>) {
                match self { $( $(#[cfg($cfg)])? Self::$variant => <$ty>::narrate(n, out), )* }
            }
        }
    };
}

registry! {
    /// Gradient descent, `torch.optim.SGD` without momentum.
    Gd => sgd::Gd,
    /// Heavy-ball momentum, `SGD(momentum=μ, dampening=τ)`.
    Momentum => sgd::Momentum,
    /// Nesterov momentum, `SGD(momentum=μ, nesterov=True)`.
    Nesterov => sgd::Nesterov,
    /// `torch.optim.Adagrad`.
    Adagrad => adagrad::Adagrad,
    /// `torch.optim.RMSprop`.
    Rmsprop => rmsprop::Rmsprop,
    /// `torch.optim.Adam` (Kingma & Ba 2015), with AMSGrad.
    Adam => adam::Adam,
    /// `torch.optim.AdamW` (Loshchilov & Hutter 2019).
    Adamw => adam::AdamW,
    /// `torch.optim.NAdam` (Dozat 2016).
    Nadam => nadam::Nadam,
    /// `torch.optim.RAdam` (Liu et al. 2020).
    Radam => radam::Radam,
    /// `torch.optim.Adamax` (Kingma & Ba 2015, §7.1).
    Adamax => adamax::Adamax,
    /// `torch.optim.Adadelta` (Zeiler 2012).
    Adadelta => adadelta::Adadelta,
    /// `torch.optim.Rprop` (Riedmiller & Braun 1993).
    Rprop => rprop::Rprop,
    /// `torch.optim.ASGD` (Polyak & Juditsky 1992).
    Asgd => asgd::Asgd,
    /// `torch.optim.Adafactor` (Shazeer & Stern 2018).
    Adafactor => adafactor::Adafactor,
    /// `torch.optim.LBFGS` (Liu & Nocedal 1989), one iteration per step.
    Lbfgs => lbfgs::Lbfgs,
    /// Newton's method. Attracted to saddles.
    Newton => newton::Newton<false>,
    /// Saddle-free Newton (Dauphin et al. 2014). Repelled by saddles.
    Sfn => newton::Newton<true>,
    /// Sign gradient descent, test-only (`tests/sign_gd.rs`).
    #[cfg(feature = "sign-gd")]
    SignGd => sign_gd::SignGd,
}

impl OptimizerKind {
    /// The name used on the command line and in scene files.
    pub fn name(self) -> &'static str {
        self.about().name
    }

    /// The name a person reads in a legend.
    pub fn label(self) -> &'static str {
        self.about().label
    }

    /// The update rule in one or two lines, for tooltips and the README.
    pub fn rule(self) -> &'static str {
        self.about().rule
    }

    /// The default drawing colour, `[r, g, b]`.
    pub fn colour(self) -> [u8; 3] {
        self.about().colour
    }

    /// The hyper-parameters this optimizer takes, in display order.
    pub fn params(self) -> &'static [Param] {
        self.about().params
    }

    /// Whether the optimizer takes hyper-parameter `p`.
    pub fn takes(self, p: Param) -> bool {
        self.params().contains(&p)
    }

    /// Whether each step needs the Hessian (Newton and saddle-free Newton).
    pub fn needs_hessian(self) -> bool {
        self.about().needs_hessian
    }

    /// What OneCycle's `cycle_momentum` cycles on this optimizer (see [`About::cycled`]).
    pub fn cycled(self) -> Option<Cycled> {
        self.about().cycled
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

/// Written by [name](OptimizerKind::name), as in a SPEC.
impl serde::Serialize for OptimizerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for OptimizerKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name).ok_or_else(|| {
            let names: Vec<String> = Self::ALL.iter().map(|k| format!("`{}`", k.name())).collect();
            serde::de::Error::custom(format_args!(
                "unknown variant `{name}`, expected one of {}",
                names.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for kind in OptimizerKind::ALL {
            assert_eq!(OptimizerKind::from_name(kind.name()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(serde_json::from_str::<OptimizerKind>(&json).unwrap(), kind);
        }
        let err = serde_json::from_str::<OptimizerKind>("\"adamm\"").unwrap_err().to_string();
        assert!(err.contains("unknown variant `adamm`, expected one of `gd`"), "{err}");
    }
}
