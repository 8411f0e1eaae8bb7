//! Learning-rate schedules, with `torch.optim.lr_scheduler`'s semantics and defaults.
//!
//! A schedule is stepped once after every optimizer step, as in PyTorch's usual loop
//! (`optimizer.step(); scheduler.step()`): the rate the optimizer uses at step t (from 1) is the
//! one the scheduler has set after t − 1 of its steps, counted from its construction (which
//! itself sets the rate of step 1, PyTorch's `_initial_step`). Each schedule follows PyTorch's
//! chainable `get_lr` (the form `scheduler.step()` uses), operation by operation, so the rate
//! sequence matches PyTorch's in float64 (`tests/schedules.rs` holds it to that).
//!
//! | SPEC | PyTorch | rate |
//! |---|---|---|
//! | `step:step_size,gamma (0.1)` | `StepLR` | × γ every `step_size` steps |
//! | `exponential:gamma` | `ExponentialLR` | × γ every step |
//! | `cosine:t_max,eta_min (0)` | `CosineAnnealingLR` | η_min + (η₀ − η_min)(1 + cos(πt/T))/2 |
//! | `cosine-restarts:t_0,t_mult (1),eta_min (0)` | `CosineAnnealingWarmRestarts` | the same, restarting after T₀, T₀·T_mult, … steps |
//! | `linear:start_factor (1/3),end_factor (1),total_iters (5)` | `LinearLR` | from η₀·start to η₀·end over `total_iters` steps |
//! | `onecycle:max_lr,total_steps,…` | `OneCycleLR` | warm up to `max_lr`, then anneal to `max_lr/(div·final_div)` |
//!
//! OneCycle also cycles the momentum (SGD, RMSprop) or β₁ (the Adam family) between
//! `max_momentum` and `base_momentum`, inversely to the rate; an optimizer with neither, such as
//! Adagrad, cannot take `cycle_momentum=true` (PyTorch raises the same).

use std::f64::consts::PI;
use std::fmt;

/// OneCycle's annealing between two values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anneal {
    /// `end + (start − end)/2 · (cos(π·pct) + 1)`.
    Cos,
    /// `(end − start)·pct + start`.
    Linear,
}

impl Anneal {
    /// PyTorch's `_annealing_cos` / `_annealing_linear`.
    fn apply(self, start: f64, end: f64, pct: f64) -> f64 {
        match self {
            Anneal::Cos => {
                let cos_out = (PI * pct).cos() + 1.0;
                end + (start - end) / 2.0 * cos_out
            }
            Anneal::Linear => (end - start) * pct + start,
        }
    }
}

/// `torch.optim.lr_scheduler.OneCycleLR` (Smith & Topin 2017), given `total_steps`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OneCycle {
    /// The peak rate.
    pub max_lr: f64,
    /// Steps in the cycle. PyTorch raises when stepped past it; losscape holds the final rate.
    pub total_steps: u64,
    /// The fraction of the cycle spent warming up (0.3).
    pub pct_start: f64,
    /// `cos` (default) or `linear`.
    pub anneal_strategy: Anneal,
    /// The starting rate is `max_lr / div_factor` (25).
    pub div_factor: f64,
    /// The final rate is the starting one `/ final_div_factor` (1e4).
    pub final_div_factor: f64,
    /// Three phases (up, down to the start, then to the final rate) instead of two (false).
    pub three_phase: bool,
    /// Cycle the momentum or β₁ inversely to the rate (true).
    pub cycle_momentum: bool,
    /// The momentum at the peak rate (0.85).
    pub base_momentum: f64,
    /// The momentum at the start and the end (0.95).
    pub max_momentum: f64,
}

/// A learning-rate schedule: what a SPEC like `cosine:t_max=300` describes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LrSchedule {
    /// `StepLR`: `lr ← lr·γ` every `step_size` steps.
    Step {
        /// Steps between decays.
        step_size: u64,
        /// The decay factor (0.1).
        gamma: f64,
    },
    /// `ExponentialLR`: `lr ← lr·γ` every step.
    Exponential {
        /// The decay factor.
        gamma: f64,
    },
    /// `CosineAnnealingLR` (Loshchilov & Hutter 2017, without restarts):
    /// `lr_t = η_min + (η₀ − η_min)·(1 + cos(π·t/T_max))/2`, in PyTorch's recursive form.
    Cosine {
        /// The half period T_max, in steps.
        t_max: u64,
        /// The lowest rate (0).
        eta_min: f64,
    },
    /// `CosineAnnealingWarmRestarts` (SGDR, Loshchilov & Hutter 2017): the cosine over T_i
    /// steps, restarting at the base rate; T_i starts at T₀ and is multiplied by T_mult at each
    /// restart.
    CosineRestarts {
        /// The first period T₀.
        t_0: u64,
        /// The period's growth factor (1).
        t_mult: u64,
        /// The lowest rate (0).
        eta_min: f64,
    },
    /// `LinearLR`: the rate's factor goes linearly from `start_factor` to `end_factor` over
    /// `total_iters` steps, then stays.
    Linear {
        /// The factor at step 1 (1/3).
        start_factor: f64,
        /// The final factor (1).
        end_factor: f64,
        /// Steps of the ramp (5).
        total_iters: u64,
    },
    /// `OneCycleLR`.
    OneCycle(OneCycle),
}

/// Which optimizer hyper-parameter OneCycle cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cycled {
    /// SGD's and RMSprop's `momentum` (PyTorch: `"momentum" in optimizer.defaults`).
    Momentum,
    /// The Adam family's β₁ (PyTorch: `"betas" in optimizer.defaults`).
    Beta1,
}

/// What is wrong with a schedule SPEC.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    /// The name is not a schedule.
    #[error("unknown schedule '{0}'; the schedules are: {names}", names = LrSchedule::NAMES.join(", "))]
    Unknown(String),
    /// The key is not one of the schedule's.
    #[error("{schedule} takes no '{key}'; its keys are: {keys}", keys = LrSchedule::keys(schedule).join(", "))]
    UnknownKey {
        /// The schedule.
        schedule: &'static str,
        /// The key given.
        key: String,
    },
    /// A key without a default is missing.
    #[error("{schedule} needs '{key}' (example: {example})", example = LrSchedule::example(schedule))]
    Missing {
        /// The schedule.
        schedule: &'static str,
        /// The missing key.
        key: &'static str,
    },
    /// A `key=value` item lacks its `=`.
    #[error("'{0}' is not key=value (example: cosine:t_max=300)")]
    NotKeyValue(String),
    /// The value is not what the key takes.
    #[error("{key}: '{value}' is not {what}")]
    BadValue {
        /// The key.
        key: &'static str,
        /// The text given.
        value: String,
        /// What the key takes, in words.
        what: &'static str,
    },
    /// OneCycle with `cycle_momentum` on an optimizer with neither momentum nor β₁.
    #[error(
        "onecycle with cycle_momentum=true needs an optimizer with momentum or beta1, and {0} has neither (PyTorch raises the same); add cycle_momentum=false"
    )]
    NoMomentum(&'static str),
}

/// What a key takes.
#[derive(Clone, Copy)]
enum Kind {
    /// A finite number > 0.
    Positive,
    /// A finite number ≥ 0.
    NonNegative,
    /// A number in (0, 1].
    Factor,
    /// A number in [0, 1].
    Unit,
    /// An integer ≥ 1.
    Count,
    /// true or false.
    Flag,
    /// cos or linear.
    Strategy,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Positive => "a finite number > 0",
            Kind::NonNegative => "a finite number ≥ 0",
            Kind::Factor => "a number in (0, 1]",
            Kind::Unit => "a number in [0, 1]",
            Kind::Count => "a whole number ≥ 1",
            Kind::Flag => "true or false",
            Kind::Strategy => "cos or linear",
        }
    }

    /// The value as a number (flags 0/1, strategies 0 cos, 1 linear), if valid.
    fn parse(self, text: &str) -> Option<f64> {
        let number = || text.parse::<f64>().ok().filter(|v| v.is_finite());
        match self {
            Kind::Positive => number().filter(|&v| v > 0.0),
            Kind::NonNegative => number().filter(|&v| v >= 0.0),
            Kind::Factor => number().filter(|&v| v > 0.0 && v <= 1.0),
            Kind::Unit => number().filter(|&v| (0.0..=1.0).contains(&v)),
            Kind::Count => number().filter(|&v| v >= 1.0 && v.fract() == 0.0 && v < 1e15),
            Kind::Flag => match text {
                "true" | "on" | "1" => Some(1.0),
                "false" | "off" | "0" => Some(0.0),
                _ => None,
            },
            Kind::Strategy => match text {
                "cos" => Some(0.0),
                "linear" => Some(1.0),
                _ => None,
            },
        }
    }
}

/// Each schedule's keys, their kinds and defaults (`None`: required), in PyTorch's order.
fn table(name: &str) -> &'static [(&'static str, Kind, Option<f64>)] {
    use Kind::*;
    match name {
        "step" => &[("step_size", Count, None), ("gamma", Positive, Some(0.1))],
        "exponential" => &[("gamma", Positive, None)],
        "cosine" => &[("t_max", Count, None), ("eta_min", NonNegative, Some(0.0))],
        "cosine-restarts" => &[
            ("t_0", Count, None),
            ("t_mult", Count, Some(1.0)),
            ("eta_min", NonNegative, Some(0.0)),
        ],
        "linear" => &[
            ("start_factor", Factor, Some(1.0 / 3.0)),
            ("end_factor", Unit, Some(1.0)),
            ("total_iters", Count, Some(5.0)),
        ],
        "onecycle" => &[
            ("max_lr", Positive, None),
            ("total_steps", Count, None),
            ("pct_start", Unit, Some(0.3)),
            ("anneal_strategy", Strategy, Some(0.0)),
            ("div_factor", Positive, Some(25.0)),
            ("final_div_factor", Positive, Some(1e4)),
            ("three_phase", Flag, Some(0.0)),
            ("cycle_momentum", Flag, Some(1.0)),
            ("base_momentum", Unit, Some(0.85)),
            ("max_momentum", Unit, Some(0.95)),
        ],
        _ => &[],
    }
}

impl LrSchedule {
    /// The schedules' names, as on the command line.
    pub const NAMES: [&'static str; 6] =
        ["step", "exponential", "cosine", "cosine-restarts", "linear", "onecycle"];

    /// The keys a schedule takes.
    pub fn keys(name: &str) -> Vec<&'static str> {
        table(name).iter().map(|(k, _, _)| *k).collect()
    }

    /// A SPEC with the required keys, for error messages and pickers.
    pub fn example(name: &str) -> &'static str {
        match name {
            "step" => "step:step_size=100,gamma=0.5",
            "exponential" => "exponential:gamma=0.99",
            "cosine" => "cosine:t_max=300",
            "cosine-restarts" => "cosine-restarts:t_0=50,t_mult=2",
            "linear" => "linear:start_factor=0.1,total_iters=50",
            _ => "onecycle:max_lr=0.1,total_steps=300",
        }
    }

    /// The schedule's name.
    pub fn name(&self) -> &'static str {
        match self {
            LrSchedule::Step { .. } => "step",
            LrSchedule::Exponential { .. } => "exponential",
            LrSchedule::Cosine { .. } => "cosine",
            LrSchedule::CosineRestarts { .. } => "cosine-restarts",
            LrSchedule::Linear { .. } => "linear",
            LrSchedule::OneCycle(_) => "onecycle",
        }
    }

    /// Parses `NAME[:key=value,...]`, e.g. `cosine:t_max=300` or
    /// `onecycle:max_lr=0.2,total_steps=300,anneal_strategy=linear`.
    pub fn parse(spec: &str) -> Result<Self, ScheduleError> {
        let spec = spec.trim();
        let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
        let name = name.trim();
        let name: &'static str = Self::NAMES
            .into_iter()
            .find(|n| *n == name || n.replace('-', "_") == name)
            .ok_or_else(|| ScheduleError::Unknown(name.to_owned()))?;
        let keys = table(name);
        let mut values: Vec<Option<f64>> = keys.iter().map(|(_, _, d)| *d).collect();
        for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) =
                item.split_once('=').ok_or_else(|| ScheduleError::NotKeyValue(item.to_owned()))?;
            let key = key.trim().replace('-', "_").to_lowercase();
            let i = keys
                .iter()
                .position(|(k, _, _)| *k == key)
                .ok_or_else(|| ScheduleError::UnknownKey { schedule: name, key: key.clone() })?;
            let (k, kind, _) = keys[i];
            let value = value.trim();
            values[i] = Some(kind.parse(value).ok_or_else(|| ScheduleError::BadValue {
                key: k,
                value: value.to_owned(),
                what: kind.what(),
            })?);
        }
        let mut got = Vec::with_capacity(keys.len());
        for ((key, _, _), v) in keys.iter().zip(values) {
            got.push(v.ok_or(ScheduleError::Missing { schedule: name, key })?);
        }
        let count = |v: f64| v as u64;
        Ok(match name {
            "step" => LrSchedule::Step { step_size: count(got[0]), gamma: got[1] },
            "exponential" => LrSchedule::Exponential { gamma: got[0] },
            "cosine" => LrSchedule::Cosine { t_max: count(got[0]), eta_min: got[1] },
            "cosine-restarts" => LrSchedule::CosineRestarts {
                t_0: count(got[0]),
                t_mult: count(got[1]),
                eta_min: got[2],
            },
            "linear" => LrSchedule::Linear {
                start_factor: got[0],
                end_factor: got[1],
                total_iters: count(got[2]),
            },
            _ => LrSchedule::OneCycle(OneCycle {
                max_lr: got[0],
                total_steps: count(got[1]),
                pct_start: got[2],
                anneal_strategy: if got[3] == 0.0 { Anneal::Cos } else { Anneal::Linear },
                div_factor: got[4],
                final_div_factor: got[5],
                three_phase: got[6] != 0.0,
                cycle_momentum: got[7] != 0.0,
                base_momentum: got[8],
                max_momentum: got[9],
            }),
        })
    }

    /// Every key with its value, in the table's order (flags and strategies as text).
    pub fn values(&self) -> Vec<(&'static str, String)> {
        let n = |v: f64| format!("{v:?}");
        let c = |v: u64| v.to_string();
        let b = |v: bool| v.to_string();
        let keys = Self::keys(self.name());
        let vals: Vec<String> = match *self {
            LrSchedule::Step { step_size, gamma } => vec![c(step_size), n(gamma)],
            LrSchedule::Exponential { gamma } => vec![n(gamma)],
            LrSchedule::Cosine { t_max, eta_min } => vec![c(t_max), n(eta_min)],
            LrSchedule::CosineRestarts { t_0, t_mult, eta_min } => {
                vec![c(t_0), c(t_mult), n(eta_min)]
            }
            LrSchedule::Linear { start_factor, end_factor, total_iters } => {
                vec![n(start_factor), n(end_factor), c(total_iters)]
            }
            LrSchedule::OneCycle(o) => vec![
                n(o.max_lr),
                c(o.total_steps),
                n(o.pct_start),
                match o.anneal_strategy {
                    Anneal::Cos => "cos".to_owned(),
                    Anneal::Linear => "linear".to_owned(),
                },
                n(o.div_factor),
                n(o.final_div_factor),
                b(o.three_phase),
                b(o.cycle_momentum),
                n(o.base_momentum),
                n(o.max_momentum),
            ],
        };
        keys.into_iter().zip(vals).collect()
    }

    /// Whether the schedule sets the momentum or β₁ too (OneCycle with `cycle_momentum`).
    pub fn cycles_momentum(&self) -> bool {
        matches!(self, LrSchedule::OneCycle(o) if o.cycle_momentum)
    }

    /// The scheduler as constructed on an optimizer whose rate is `base_lr` and whose
    /// momentum or β₁ is `momentum` (PyTorch's `__init__` and `_initial_step`): its state holds
    /// the rate (and momentum) of step 1.
    pub fn start(&self, base_lr: f64, momentum: f64) -> LrState {
        let mut s = LrState {
            lr: base_lr,
            momentum,
            base_lr,
            last_epoch: 0,
            t_cur: 0,
            t_i: 0,
            initial_lr: base_lr,
            min_lr: 0.0,
        };
        match *self {
            LrSchedule::Linear { start_factor, .. } => s.lr = base_lr * start_factor,
            LrSchedule::CosineRestarts { t_0, eta_min, .. } => {
                s.t_i = t_0;
                s.lr = self.restart_lr(&s, eta_min);
            }
            LrSchedule::OneCycle(o) => {
                s.initial_lr = o.max_lr / o.div_factor;
                s.base_lr = s.initial_lr;
                s.min_lr = s.initial_lr / o.final_div_factor;
                (s.lr, s.momentum) = o.at(&s, 0, momentum);
            }
            _ => {}
        }
        s
    }

    fn restart_lr(&self, s: &LrState, eta_min: f64) -> f64 {
        eta_min + (s.base_lr - eta_min) * (1.0 + (PI * s.t_cur as f64 / s.t_i as f64).cos()) / 2.0
    }

    /// `scheduler.step()`: from the rate of one step to the rate of the next.
    pub fn step(&self, s: &mut LrState) {
        s.last_epoch += 1;
        let e = s.last_epoch;
        match *self {
            LrSchedule::Step { step_size, gamma } => {
                if e.is_multiple_of(step_size) {
                    s.lr *= gamma;
                }
            }
            LrSchedule::Exponential { gamma } => s.lr *= gamma,
            LrSchedule::Cosine { t_max, eta_min } => {
                let t = t_max as f64;
                if (e as i128 - 1 - t_max as i128).rem_euclid(2 * t_max as i128) == 0 {
                    s.lr += (s.base_lr - eta_min) * (1.0 - (PI / t).cos()) / 2.0;
                } else {
                    s.lr = (1.0 + (PI * e as f64 / t).cos())
                        / (1.0 + (PI * (e - 1) as f64 / t).cos())
                        * (s.lr - eta_min)
                        + eta_min;
                }
            }
            LrSchedule::CosineRestarts { t_mult, eta_min, .. } => {
                s.t_cur += 1;
                if s.t_cur >= s.t_i {
                    s.t_cur %= s.t_i;
                    s.t_i = s.t_i.saturating_mul(t_mult);
                }
                s.lr = self.restart_lr(s, eta_min);
            }
            LrSchedule::Linear { start_factor, end_factor, total_iters } => {
                if e <= total_iters {
                    s.lr *= 1.0
                        + (end_factor - start_factor)
                            / (total_iters as f64 * start_factor
                                + (e - 1) as f64 * (end_factor - start_factor));
                }
            }
            LrSchedule::OneCycle(o) => {
                let m = s.momentum;
                (s.lr, s.momentum) = o.at(s, e.min(o.total_steps), m);
            }
        }
    }

    /// The rates of steps 1 to `steps` from `base_lr`, as the optimizer sees them.
    pub fn rates(&self, base_lr: f64, steps: usize) -> Vec<f64> {
        let mut s = self.start(base_lr, 0.0);
        let mut out = Vec::with_capacity(steps);
        for _ in 0..steps {
            out.push(s.lr);
            self.step(&mut s);
        }
        out
    }
}

impl OneCycle {
    /// The rate and momentum at `step_num` (PyTorch's `get_lr`); `momentum` is returned as it
    /// is when not cycled.
    fn at(&self, s: &LrState, step_num: u64, momentum: f64) -> (f64, f64) {
        let n = self.total_steps as f64;
        let (initial, max, min) = (s.initial_lr, self.max_lr, s.min_lr);
        let (hi_m, lo_m) = (self.max_momentum, self.base_momentum);
        // (end_step, start_lr, end_lr, start_momentum, end_momentum) per phase.
        let phases: &[(f64, f64, f64, f64, f64)] = if self.three_phase {
            &[
                (self.pct_start * n - 1.0, initial, max, hi_m, lo_m),
                (2.0 * self.pct_start * n - 2.0, max, initial, lo_m, hi_m),
                (n - 1.0, initial, min, hi_m, hi_m),
            ]
        } else {
            &[(self.pct_start * n - 1.0, initial, max, hi_m, lo_m), (n - 1.0, max, min, lo_m, hi_m)]
        };
        let step = step_num as f64;
        let mut start_step = 0.0;
        for (i, &(end_step, lr0, lr1, m0, m1)) in phases.iter().enumerate() {
            if step <= end_step || i == phases.len() - 1 {
                let pct = (step - start_step) / (end_step - start_step);
                let lr = self.anneal_strategy.apply(lr0, lr1, pct);
                let m = if self.cycle_momentum {
                    self.anneal_strategy.apply(m0, m1, pct)
                } else {
                    momentum
                };
                return (lr, m);
            }
            start_step = end_step;
        }
        (min, momentum)
    }
}

/// A scheduler's state between steps: the current rate (and momentum), and what its rule keeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LrState {
    /// The rate the next optimizer step uses (PyTorch's `group["lr"]`).
    pub lr: f64,
    /// The momentum or β₁ the next step uses, when OneCycle cycles it.
    pub momentum: f64,
    /// `base_lrs`: the rate at construction (OneCycle: `max_lr / div_factor`).
    base_lr: f64,
    /// Scheduler steps so far (`last_epoch`).
    last_epoch: u64,
    /// Warm restarts: steps since the last restart and the current period.
    t_cur: u64,
    t_i: u64,
    /// OneCycle's starting and final rates.
    initial_lr: f64,
    min_lr: f64,
}

impl LrState {
    /// A constant rate: the state when there is no schedule.
    pub fn constant(lr: f64, momentum: f64) -> Self {
        Self {
            lr,
            momentum,
            base_lr: lr,
            last_epoch: 0,
            t_cur: 0,
            t_i: 0,
            initial_lr: lr,
            min_lr: 0.0,
        }
    }
}

impl std::str::FromStr for LrSchedule {
    type Err = ScheduleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Writes the SPEC back, `NAME:key=value,...` with every key; parsing it gives the same schedule.
impl fmt::Display for LrSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let mut sep = ':';
        for (key, value) in self.values() {
            write!(f, "{sep}{key}={value}")?;
            sep = ',';
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print_back() {
        for text in [
            "step:step_size=50,gamma=0.5",
            "exponential:gamma=0.99",
            "cosine:t_max=300",
            "cosine-restarts:t_0=40,t_mult=2",
            "linear",
            "onecycle:max_lr=0.2,total_steps=300,anneal_strategy=linear,three_phase=true",
        ] {
            let s = LrSchedule::parse(text).unwrap();
            assert_eq!(LrSchedule::parse(&s.to_string()).unwrap(), s, "{text} → {s}");
        }
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let err = |s: &str| LrSchedule::parse(s).unwrap_err().to_string();
        assert!(err("cosyne").contains("unknown schedule 'cosyne'"));
        assert!(err("cosine").contains("cosine needs 't_max'"));
        assert!(err("cosine:t_max=0").contains("whole number"));
        assert!(err("cosine:t_max=2.5").contains("whole number"));
        assert!(err("step:step_size=5,gama=0.5").contains("step takes no 'gama'"));
        assert!(err("onecycle:max_lr=1").contains("needs 'total_steps'"));
        assert!(
            err("onecycle:max_lr=1,total_steps=5,anneal_strategy=cubic").contains("cos or linear")
        );
        assert!(err("exponential:gamma").contains("not key=value"));
    }

    #[test]
    fn cosine_reaches_eta_min_at_t_max_and_climbs_back() {
        let s = LrSchedule::parse("cosine:t_max=10,eta_min=0.01").unwrap();
        let r = s.rates(1.0, 21);
        assert_eq!(r[0], 1.0);
        assert!((r[10] - 0.01).abs() < 1e-12);
        assert!((r[20] - 1.0).abs() < 1e-12);
    }
}
