//! An optimizer with its hyper-parameters and learning-rate schedule: the SPEC
//! (`adam:lr=0.05,beta1=0.8`), parsed, checked and written back, and the step it takes.

use std::fmt;
use std::str::FromStr;

use super::super::{Gradient, Hessian, Point};
use super::schedule::{Cycled, LrSchedule, LrState, ScheduleError};
use super::{Hyper, OptimizerKind, Param, State, StepScalars, StepState};

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

/// An optimizer with its hyper-parameters and, optionally, a learning-rate schedule: what a
/// SPEC like `adam:lr=0.05` (with `--schedule cosine:t_max=300`) describes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizerSpec {
    kind: OptimizerKind,
    hyper: Hyper,
    schedule: Option<LrSchedule>,
}

impl OptimizerSpec {
    /// The optimizer with PyTorch's default hyper-parameters (SPEC §3) and no schedule.
    pub fn new(kind: OptimizerKind) -> Self {
        let mut hyper = Hyper::BASE;
        for &(param, value) in kind.about().defaults {
            hyper.put(param, value);
        }
        Self { kind, hyper, schedule: None }
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
        let number = param.parse_value(value).map_err(|what| SpecError::NotANumber {
            param,
            value: value.to_owned(),
            what,
        })?;
        self.set(param, number)
    }

    /// Sets a hyper-parameter, checking that the optimizer takes it and that the value is in
    /// range (finite, non-negative; β in [0, 1); α and dampening in [0, 1]; counts whole).
    pub fn set(&mut self, param: Param, value: f64) -> Result<(), SpecError> {
        if !self.kind.takes(param) {
            return Err(SpecError::NotTaken { kind: self.kind, param });
        }
        if let Some(range) = param.check(value) {
            return Err(SpecError::OutOfRange { param, value, range });
        }
        let h = &self.hyper;
        let (min, max) = match param {
            Param::StepMin => (value, h.step_max),
            Param::StepMax => (h.step_min, value),
            _ => (h.step_min, h.step_max),
        };
        if min > max {
            return Err(SpecError::StepBounds { min, max });
        }
        self.hyper.put(param, value);
        Ok(())
    }

    /// The value of a hyper-parameter (flags as 0 or 1), whether or not the optimizer takes it.
    pub fn get(&self, param: Param) -> f64 {
        self.hyper.get(param)
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
        self.kind.init_with(&self.hyper)
    }

    /// The step-dependent state before the first step; with a schedule, the scheduler as just
    /// constructed (it has set the first step's rate).
    pub fn start(&self) -> StepState {
        let h = &self.hyper;
        let momentum = match self.kind.cycled() {
            Some(Cycled::Beta1) => h.beta1,
            _ => h.momentum,
        };
        let lr = match &self.schedule {
            Some(s) => s.start(h.lr, momentum),
            None => LrState::constant(h.lr, momentum),
        };
        StepState {
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

    /// Advances `clock` by one step and returns that step's scalars; then steps the
    /// learning-rate scheduler, as PyTorch's loop calls `scheduler.step()` after
    /// `optimizer.step()`. Runs stepped in lockstep share one step state and call this once per
    /// step.
    #[inline(always)]
    pub fn advance(&self, clock: &mut StepState) -> StepScalars {
        let hp = &self.hyper;
        clock.step += 1;
        let lr = clock.lr.lr;
        let cycled = self.cycles_momentum();
        let (momentum, beta1) = match (cycled, self.kind.cycled()) {
            (true, Some(Cycled::Beta1)) => (hp.momentum, clock.lr.momentum),
            (true, _) => (clock.lr.momentum, hp.beta1),
            (false, _) => (hp.momentum, hp.beta1),
        };
        let mut c = StepScalars { step: clock.step, lr, momentum, beta1, ..StepScalars::default() };
        self.kind.scalars(hp, clock, &mut c, cycled);
        if let Some(s) = &self.schedule {
            s.step(&mut clock.lr);
        }
        c
    }

    /// One step with a step state of its own: advances `clock` and applies the update (see
    /// [`apply`](Self::apply)).
    #[inline(always)]
    pub fn update(
        &self,
        state: &mut State,
        clock: &mut StepState,
        p: Point,
        g: Gradient,
        h: Option<&Hessian>,
    ) -> Point {
        let c = self.advance(clock);
        self.apply(&c, state, p, g, h)
    }

    /// One step: from `p` with gradient `g` (and Hessian `h`, which Newton and saddle-free
    /// Newton need; `None` makes their step non-finite) and this step's scalars `c`, returns the
    /// next point and advances `state`. A singular system gives a non-finite point: a
    /// divergence, not a panic. L-BFGS, which evaluates the surface within its step, is stepped
    /// by the [`Run`](crate::sim::Run) instead; here it is plain gradient descent.
    #[inline(always)]
    pub fn apply(
        &self,
        c: &StepScalars,
        state: &mut State,
        p: Point,
        g: Gradient,
        h: Option<&Hessian>,
    ) -> Point {
        let next = self.kind.apply(&self.hyper, c, state, (p, g), h);
        state.step = c.step;
        next
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
}
