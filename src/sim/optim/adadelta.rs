//! `torch.optim.Adadelta` (Zeiler 2012): `v ← ρv + (1−ρ)g²`; `Δ = √(u + ε)/√(v + ε) · g`;
//! `u ← ρu + (1−ρ)Δ²`; `p ← p − lr·Δ`.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink, per_coordinate};
use super::narrate::{Narration, num, vec2};
use super::ops::l2;
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// `torch.optim.Adadelta`. State: `v` the square average, `u` the accumulated squared updates.
#[derive(Clone, Copy, Debug)]
pub struct Adadelta;

/// Adadelta per coordinate, for the scalar path and the kernel alike: `v` the square average,
/// `v_max` the accumulated squared updates (the state's `u`).
#[derive(Clone, Copy)]
struct AdadeltaRule<T> {
    rho: T,
    one_minus_rho: T,
    eps: T,
    wd: T,
}

impl<T: Real> AdadeltaRule<T> {
    fn new(h: &Hyper) -> Self {
        let c = T::of;
        Self { rho: c(h.rho), one_minus_rho: c(1.0 - h.rho), eps: c(h.eps), wd: c(h.weight_decay) }
    }
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
    const ABOUT: About = About::new("adadelta", "Adadelta", [0x11, 0x77, 0x33])
        .rule("v ← ρv + (1−ρ)g²;  Δ = √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  p ← p − lr·Δ")
        .params(&[P::Lr, P::Rho, P::Eps, P::WeightDecay])
        .defaults(&[(P::Lr, 1.0), (P::Eps, 1e-6)]);

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        per_coordinate(AdadeltaRule::new(h), c, s, p, g)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(AdadeltaRule::new(h))
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
