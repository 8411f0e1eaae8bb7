//! `torch.optim.Rprop` (Riedmiller & Braun 1993): per coordinate, the step size grows by η₊
//! while the gradient keeps its sign and shrinks by η₋ when it flips (that step is then
//! skipped), clamped to [step_min, step_max]; `p ← p − sign(g)·step`.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink, per_coordinate};
use super::narrate::{Narration, num, vec2};
use super::ops::sign;
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// `torch.optim.Rprop`. State: `m` the previous gradient, `u` the step size (the first step's
/// lr at first).
#[derive(Clone, Copy, Debug)]
pub struct Rprop;

/// Rprop per coordinate (`_single_tensor_rprop`), for the scalar path and the kernel alike: `m`
/// the previous gradient, `v_max` the step size (the state's `u`).
#[derive(Clone, Copy)]
struct RpropRule<T> {
    /// PyTorch's `etas`: (η−, η+).
    etas: (T, T),
    /// PyTorch's `step_sizes`: (min, max).
    step_sizes: (T, T),
}

impl<T: Real> RpropRule<T> {
    fn new(h: &Hyper) -> Self {
        let c = T::of;
        Self { etas: (c(h.eta_minus), c(h.eta_plus)), step_sizes: (c(h.step_min), c(h.step_max)) }
    }

    /// From the gradient `g`, the previous gradient `s.m` and the step size `s.v_max`: the
    /// change of p; `s` advanced.
    #[inline(always)]
    fn delta(&self, g: T, s: &mut Moment<T>) -> T {
        let ((eta_minus, eta_plus), (step_min, step_max)) = (self.etas, self.step_sizes);
        let zero = T::default();
        let mut f = sign(g * s.m);
        if f > zero {
            f = eta_plus;
        }
        if f < zero {
            f = eta_minus;
        }
        if f == zero {
            f = T::of(1.0);
        }
        let step = s.v_max * f;
        // clamp_(min, max): the lower bound, then the upper; a NaN stays NaN, as in torch.
        let step = if step < step_min { step_min } else { step };
        s.v_max = if step > step_max { step_max } else { step };
        let g = if f == eta_minus { zero } else { g };
        s.m = g;
        -sign(g) * s.v_max
    }
}

impl<T: Real> Rule<T> for RpropRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        if c.first() {
            s.v_max = c.lr;
        }
        p + self.delta(g, s)
    }
}

impl Optimizer for Rprop {
    const ABOUT: About = About::new("rprop", "Rprop", [0xdd, 0xcc, 0x77])
        .rule("step ← clamp(step·η±, min, max) by whether g kept its sign;  p ← p − sign(g)·step")
        .params(&[P::Lr, P::EtaMinus, P::EtaPlus, P::StepMin, P::StepMax])
        .defaults(&[(P::Lr, 0.01)]);

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        per_coordinate(RpropRule::new(h), c, s, p, g)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(RpropRule::new(h))
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let (h, b, t) = (n.spec.hyper(), &n.before, n.coefs.step);
        let word = |g: f64, prev: f64| {
            if t == 1 || g * prev == 0.0 {
                "×1"
            } else if g * prev > 0.0 {
                "same sign, ×η₊"
            } else {
                "sign flip, ×η₋, step skipped"
            }
        };
        out.push(format!("x: {};  y: {}", word(n.g.x, b.m.x), word(n.g.y, b.m.y)));
        out.push(format!(
            "step ← clamp(step·η, {}, {}) = {}",
            num(h.step_min),
            num(h.step_max),
            vec2(n.after.u)
        ));
        out.push("Δp = −sign(g)·step".to_owned());
    }
}
