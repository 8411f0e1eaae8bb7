//! `torch.optim.ASGD` (Polyak & Juditsky 1992): `p ← p·(1 − λη) − η·g` with
//! `η_t = lr/(1 + λ·lr·t)^α`.

use super::super::real::Real;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Narration, num};
use super::ops::{l2, l2_decay};
use super::{About, Hyper, Optimizer, Param, State, StepScalars, StepState};
use crate::sim::{Gradient, Hessian, Point};

/// `torch.optim.ASGD`. The trajectory is the iterate, not PyTorch's running average `ax` (which
/// only starts averaging after t₀ steps). No state per coordinate; `step_size` is η.
#[derive(Clone, Copy, Debug)]
pub struct Asgd;

/// ASGD per coordinate.
#[derive(Clone, Copy)]
struct AsgdRule<T> {
    lambd: T,
    wd: T,
}

impl<T: Real> Rule<T> for AsgdRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, _: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        let eta = c.step_size;
        let p = p * (T::of(1.0) - self.lambd * eta);
        p + g * -eta
    }
}

impl Optimizer for Asgd {
    const ABOUT: About = About {
        name: "asgd",
        label: "ASGD",
        rule: "p ← p·(1 − λη) − η·g,  η = lr/(1 + λ·lr·t)^α",
        colour: [0x88, 0x22, 0x55],
        params: &[Param::Lr, Param::Lambd, Param::Alpha, Param::T0, Param::WeightDecay],
        defaults: &[(Param::Lr, 0.01), (Param::Alpha, 0.75)],
        ..About::BASE
    };

    fn scalars(h: &Hyper, clock: &mut StepState, c: &mut StepScalars, _: bool) {
        let (lr, t) = (c.lr, c.step as f64);
        if clock.step == 1 {
            // PyTorch's state["eta"] starts at the group's lr when the state is made.
            clock.asgd_eta = lr;
        }
        c.step_size = clock.asgd_eta;
        c.grad_coef = clock.asgd_mu;
        clock.asgd_eta = lr / (1.0 + h.lambd * lr * t).powf(h.alpha);
        clock.asgd_mu = 1.0 / f64::max(1.0, t - h.t0);
    }

    fn apply(
        h: &Hyper,
        c: &StepScalars,
        _: &mut State,
        p: Point,
        g: Gradient,
        _: Option<&Hessian>,
    ) -> Point {
        let g = l2_decay(g, p, h.weight_decay);
        let eta = c.step_size;
        let p = p * (1.0 - h.lambd * eta);
        p + g * -eta
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(AsgdRule { lambd: T::of(h.lambd), wd: T::of(h.weight_decay) });
        Ok(())
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        out.push(format!(
            "η = lr/(1 + λ·lr·(t−1))^α = {},  λ = {}",
            num(n.coefs.step_size),
            num(n.spec.hyper().lambd)
        ));
        out.push("p ← p·(1 − λη) − η·g".to_owned());
    }
}
