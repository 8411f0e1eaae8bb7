//! `torch.optim.Adamax` (Kingma & Ba 2015, §7.1): Adam with the infinity norm.

use super::super::real::Real;
use super::Param as P;
use super::adam::Moments;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Narration, num, vec2};
use super::ops::{add_scalar, addcdiv, l2_decay, lerp2};
use super::schedule::Cycled;
use super::{About, Hyper, Optimizer, State, StepScalars, StepState};
use crate::sim::{Gradient, Point};

/// `torch.optim.Adamax`: `u ← max(β₂·u, |g| + ε)`; `p ← p − lr/(1−β₁ᵗ) · m / u`. State: `m`,
/// `v` the infinity norm `exp_inf`; `step_size` is lr/(1 − β₁ᵗ).
#[derive(Clone, Copy, Debug)]
pub struct Adamax;

/// Adamax per coordinate.
#[derive(Clone, Copy)]
struct AdamaxRule<T>(Moments<T>);

impl<T: Real> Rule<T> for AdamaxRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let m = &self.0;
        let g = m.l2(g, p);
        m.first(g, s);
        let abs = if g < T::default() { -g } else { g };
        s.v = (s.v * m.beta2).max(abs + m.eps);
        p + -c.step_size * s.m / s.v
    }
}

impl Optimizer for Adamax {
    const ABOUT: About = About::new("adamax", "Adamax", [0x88, 0xcc, 0xee])
        .rule("m ← β₁m + (1−β₁)g;  u ← max(β₂·u, |g| + ε);  p ← p − lr/(1−β₁^t) · m/u")
        .params(&[P::Lr, P::Beta1, P::Beta2, P::Eps, P::WeightDecay])
        .defaults(&[(P::Lr, 0.002)])
        .cycles(Cycled::Beta1);

    fn scalars(_: &Hyper, _: &mut StepState, c: &mut StepScalars, _: bool) {
        c.step_size = c.lr / (1.0 - c.beta1.powf(c.step as f64));
    }

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        let g = l2_decay(g, p, h.weight_decay);
        s.m = lerp2(s.m, g, 1.0 - c.beta1);
        s.v = (s.v * h.beta2).zip_map(&add_scalar(g.abs(), h.eps), f64::max);
        addcdiv(p, s.m, s.v, -c.step_size)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(AdamaxRule(Moments::new(h, h.weight_decay)))
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        out.push(format!("m ← β₁·m + (1−β₁)·g = {}", vec2(n.after.m)));
        out.push(format!("u ← max(β₂·u, |g| + ε) = {}", vec2(n.after.v)));
        out.push(format!("Δp = −lr/(1−β₁^t) · m/u = −{}·m/u", num(n.coefs.step_size)));
    }
}
