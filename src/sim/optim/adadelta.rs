//! `torch.optim.Adadelta` (Zeiler 2012): `v ← ρv + (1−ρ)g²`; `Δ = √(u + ε)/√(v + ε) · g`;
//! `u ← ρu + (1−ρ)Δ²`; `p ← p − lr·Δ`.

use super::super::real::Real;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Narration, num, vec2};
use super::ops::{add_scalar, addcmul, l2, l2_decay, sqrt2};
use super::{About, Hyper, Optimizer, Param, State, StepScalars};
use crate::sim::{Gradient, Hessian, Point};

/// `torch.optim.Adadelta`. State: `v` the square average, `u` the accumulated squared updates.
#[derive(Clone, Copy, Debug)]
pub struct Adadelta;

/// Adadelta per coordinate: `v` the square average, `v_max` the accumulated squared updates.
#[derive(Clone, Copy)]
struct AdadeltaRule<T> {
    rho: T,
    one_minus_rho: T,
    eps: T,
    wd: T,
}

impl<T: Real> Rule<T> for AdadeltaRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        s.v = s.v * self.rho + self.one_minus_rho * g * g;
        let std = (s.v + self.eps).sqrt();
        let delta = (s.v_max + self.eps).sqrt() / std * g;
        s.v_max = s.v_max * self.rho + self.one_minus_rho * delta * delta;
        p + delta * -c.lr
    }
}

impl Optimizer for Adadelta {
    const ABOUT: About = About {
        name: "adadelta",
        label: "Adadelta",
        rule: "v ← ρv + (1−ρ)g²;  Δ = √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  p ← p − lr·Δ",
        colour: [0x11, 0x77, 0x33],
        params: &[Param::Lr, Param::Rho, Param::Eps, Param::WeightDecay],
        defaults: &[(Param::Lr, 1.0), (Param::Eps, 1e-6)],
        ..About::BASE
    };

    fn apply(
        h: &Hyper,
        c: &StepScalars,
        s: &mut State,
        p: Point,
        g: Gradient,
        _: Option<&Hessian>,
    ) -> Point {
        let g = l2_decay(g, p, h.weight_decay);
        s.v = addcmul(s.v * h.rho, g, g, 1.0 - h.rho);
        let std = sqrt2(add_scalar(s.v, h.eps));
        let delta = sqrt2(add_scalar(s.u, h.eps)).component_div(&std).component_mul(&g);
        s.u = addcmul(s.u * h.rho, delta, delta, 1.0 - h.rho);
        p + delta * -c.lr
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        let c = T::of;
        sink.run(AdadeltaRule {
            rho: c(h.rho),
            one_minus_rho: c(1.0 - h.rho),
            eps: c(h.eps),
            wd: c(h.weight_decay),
        });
        Ok(())
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let lr = n.coefs.lr;
        out.push(format!("v ← ρ·v + (1−ρ)·g² = {}", vec2(n.after.v)));
        let delta = n.delta() / -lr;
        out.push(format!(
            "Δ = √(u + ε)/√(v + ε)·g = {}   (u before: {})",
            vec2(delta),
            vec2(n.before.u)
        ));
        out.push(format!("u ← ρ·u + (1−ρ)·Δ² = {}", vec2(n.after.u)));
        out.push(format!("Δp = −lr·Δ, lr = {}", num(lr)));
    }
}
