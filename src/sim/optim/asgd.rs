//! `torch.optim.ASGD` (Polyak & Juditsky 1992): `p ← p·(1 − λη) − η·g` with
//! `η_t = lr/(1 + λ·lr·t)^α`.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink, per_coordinate};
use super::narrate::{Narration, num};
use super::ops::l2;
use super::{About, Hyper, Optimizer, State, StepScalars, StepState};
use crate::sim::{Gradient, Point};

/// `torch.optim.ASGD`. The trajectory is the iterate, not PyTorch's running average `ax` (which
/// only starts averaging after t₀ steps). No state per coordinate; `step_size` is η.
#[derive(Clone, Copy, Debug)]
pub struct Asgd;

/// ASGD per coordinate, for the scalar path and the kernel alike.
#[derive(Clone, Copy)]
struct AsgdRule<T> {
    lambd: T,
    wd: T,
}

impl<T: Real> AsgdRule<T> {
    fn new(h: &Hyper) -> Self {
        Self { lambd: T::of(h.lambd), wd: T::of(h.weight_decay) }
    }
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
    const ABOUT: About = About::new("asgd", "ASGD", [0x88, 0x22, 0x55])
        .rule("p ← p·(1 − λη) − η·g,  η = lr/(1 + λ·lr·t)^α")
        .params(&[P::Lr, P::Lambd, P::Alpha, P::T0, P::WeightDecay])
        .defaults(&[(P::Lr, 0.01), (P::Alpha, 0.75)]);

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

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        per_coordinate(AsgdRule::new(h), c, s, p, g)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(AsgdRule::new(h))
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
