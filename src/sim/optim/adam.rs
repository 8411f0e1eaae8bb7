//! `torch.optim.Adam` (with AMSGrad) and `torch.optim.AdamW`, and the moment updates the Adam
//! family shares.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Inside, Narration, num, per_axis, vec2};
use super::ops::{add_scalar, addcdiv, addcmul, l2, l2_decay, lerp2, sqrt2};
use super::schedule::Cycled;
use super::{About, Hyper, Optimizer, State, StepScalars, StepState};
use crate::sim::{Gradient, Point};

/// `torch.optim.Adam` (Kingma & Ba 2015), bias-corrected: `m ← β₁m + (1−β₁)g`,
/// `v ← β₂v + (1−β₂)g²`, `p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)`; AMSGrad uses the
/// running maximum of v. State: `m`, `v` and AMSGrad's `v_max`.
#[derive(Clone, Copy, Debug)]
pub struct Adam;

/// `torch.optim.AdamW` (Loshchilov & Hutter 2019): `p ← p·(1 − lr·wd)` first, then Adam.
#[derive(Clone, Copy, Debug)]
pub struct AdamW;

/// Adam's and AdamW's step scalars: `lr / (1 − β₁ᵗ)` and `√(1 − β₂ᵗ)`.
fn adam_scalars(h: &Hyper, clock: &mut StepState, c: &mut StepScalars, cycled: bool) {
    // PyTorch computes 1 − β^step with pow(); a running product gives the same to a few ulps
    // (far inside the 1e-7 contract) without two pow() calls per step. A β₁ that OneCycle
    // changes every step needs the pow().
    let t = c.step as f64;
    clock.beta1_power = if cycled { c.beta1.powf(t) } else { clock.beta1_power * c.beta1 };
    clock.beta2_power *= h.beta2;
    c.step_size = c.lr / (1.0 - clock.beta1_power);
    c.bias_correction2 = (1.0 - clock.beta2_power).sqrt();
}

/// Adam's step from (p, g), after AdamW's decay or with Adam's L2 decay.
#[inline(always)]
fn adam_step(
    h: &Hyper,
    c: &StepScalars,
    s: &mut State,
    p: Point,
    g: Gradient,
    amsgrad: bool,
) -> Point {
    s.m = lerp2(s.m, g, 1.0 - c.beta1);
    s.v = addcmul(s.v * h.beta2, g, g, 1.0 - h.beta2);
    let v = if amsgrad {
        s.v_max = s.v_max.zip_map(&s.v, f64::max);
        s.v_max
    } else {
        s.v
    };
    let denom = add_scalar(sqrt2(v) / c.bias_correction2, h.eps);
    addcdiv(p, s.m, denom, -c.step_size)
}

/// The moment updates Adam, AdamW, NAdam, RAdam and Adamax share in the kernel, with the branch
/// of PyTorch's `lerp` chosen once for the run (its weight, 1 − β₁, does not change).
#[derive(Clone, Copy)]
pub(super) struct Moments<T> {
    /// 1 − β₁, the `lerp` weight.
    pub(super) weight: T,
    /// 1 − weight, for the upper branch.
    pub(super) rest: T,
    pub(super) low_branch: bool,
    pub(super) beta2: T,
    one_minus_beta2: T,
    pub(super) eps: T,
    /// L2 weight decay added to the gradient (0 where decay is decoupled or absent).
    wd: T,
}

impl<T: Real> Moments<T> {
    /// The moments of `h`, with L2 weight decay `wd` on the gradient.
    pub(super) fn new(h: &Hyper, wd: f64) -> Self {
        let weight = T::of(1.0 - h.beta1);
        Self {
            weight,
            rest: T::of(1.0) - weight,
            low_branch: weight.to_f64().abs() < 0.5,
            beta2: T::of(h.beta2),
            one_minus_beta2: T::of(1.0 - h.beta2),
            eps: T::of(h.eps),
            wd: T::of(wd),
        }
    }

    /// The gradient with L2 weight decay: `g + wd·p`.
    #[inline(always)]
    pub(super) fn l2(&self, g: T, p: T) -> T {
        l2(g, p, self.wd)
    }

    /// `m ← lerp(m, g, 1 − β₁)`.
    #[inline(always)]
    pub(super) fn first(&self, g: T, s: &mut Moment<T>) {
        s.m =
            if self.low_branch { s.m + self.weight * (g - s.m) } else { g - (g - s.m) * self.rest };
    }

    /// Both moments: `m ← lerp(m, g, 1 − β₁)`, `v ← β₂·v + (1 − β₂)·g²`.
    #[inline(always)]
    pub(super) fn advance(&self, g: T, s: &mut Moment<T>) {
        self.first(g, s);
        s.v = s.v * self.beta2 + self.one_minus_beta2 * g * g;
    }
}

/// Adam and AdamW per coordinate: AdamW's `1 − lr·wd` is `decay` in the scalars, 1 for Adam
/// (`p·1 = p` exactly, so one code path serves both); Adam's L2 decay is `wd` (0 for AdamW).
#[derive(Clone, Copy)]
struct AdamRule<T>(Moments<T>);

impl<T: Real> Rule<T> for AdamRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let p = p * c.decay;
        let g = self.0.l2(g, p);
        self.0.advance(g, s);
        let denom = s.v.sqrt() / c.bias_correction2 + self.0.eps;
        p + -c.step_size * s.m / denom
    }
}

/// Adam with AMSGrad per coordinate: `v_max` the running maximum of `v`.
#[derive(Clone, Copy)]
struct AmsGradRule<T>(Moments<T>);

impl<T: Real> Rule<T> for AmsGradRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = self.0.l2(g, p);
        self.0.advance(g, s);
        s.v_max = s.v_max.max(s.v);
        let denom = s.v_max.sqrt() / c.bias_correction2 + self.0.eps;
        p + -c.step_size * s.m / denom
    }
}

/// m′ = m/(1−β₁ᵗ), v′ = v/(1−β₂ᵗ) and the per-axis step size lr/(√v′ + ε), from `v` (Adam's
/// second moment, or AMSGrad's maximum of it): what the narration shows of Adam, AdamW and
/// NAdam.
pub(super) fn corrected(h: &Hyper, c: &StepScalars, m: Gradient, v: Gradient) -> Inside {
    let t = c.step as f64;
    let bc1 = 1.0 - c.beta1.powf(t);
    let bc2 = 1.0 - h.beta2.powf(t);
    Inside {
        m_hat: Some(m / bc1),
        v_hat: Some(v / bc2),
        effective_lr: Some(per_axis(v / bc2, h.eps, c.lr)),
    }
}

/// The lines the Adam family's narrations share: the decoupled decay (if `decoupled`), both
/// moments, and m′ and v′ when the narration has them.
pub(super) fn moment_lines(n: &Narration, out: &mut Vec<String>, decoupled: bool) {
    let (h, a) = (n.spec.hyper(), &n.after);
    if decoupled {
        out.push(format!("p ← p·(1 − lr·wd) = p·{}", num(1.0 - n.coefs.lr * h.weight_decay)));
    }
    out.push(format!("m ← β₁·m + (1−β₁)·g = {}", vec2(a.m)));
    out.push(format!("v ← β₂·v + (1−β₂)·g² = {}", vec2(a.v)));
    if let (Some(m), Some(v)) = (n.m_hat, n.v_hat) {
        out.push(format!("m′ = m / (1−β₁^t) = {}", vec2(m)));
        out.push(format!("v′ = v / (1−β₂^t) = {}", vec2(v)));
    }
}

const ADAM_RULE: &str = "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr·m′ / (√v′ + ε), \
                         m′ = m/(1−β₁^t), v′ = v/(1−β₂^t)";

impl Optimizer for Adam {
    const ABOUT: About = About::new("adam", "Adam", [0xff, 0x40, 0x40])
        .rule(ADAM_RULE)
        .params(&[P::Lr, P::Beta1, P::Beta2, P::Eps, P::WeightDecay, P::Amsgrad])
        .defaults(&[(P::Lr, 0.001)])
        .cycles(Cycled::Beta1);

    fn scalars(h: &Hyper, clock: &mut StepState, c: &mut StepScalars, cycled: bool) {
        adam_scalars(h, clock, c, cycled);
    }

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        let g = l2_decay(g, p, h.weight_decay);
        adam_step(h, c, s, p, g, h.amsgrad)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        let moments = Moments::new(h, h.weight_decay);
        if h.amsgrad { sink.run(AmsGradRule(moments)) } else { sink.run(AdamRule(moments)) }
    }

    fn inside(h: &Hyper, c: &StepScalars, after: &State) -> Inside {
        corrected(h, c, after.m, if h.amsgrad { after.v_max } else { after.v })
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        moment_lines(n, out, false);
        out.push(format!("Δp = −lr·m′ / (√v′ + ε), lr = {}", num(n.coefs.lr)));
    }
}

impl Optimizer for AdamW {
    const ABOUT: About = About::new("adamw", "AdamW", [0xcc, 0x79, 0xa7])
        .rule("p ← p·(1 − lr·wd);  then the Adam step")
        .params(&[P::Lr, P::Beta1, P::Beta2, P::Eps, P::WeightDecay])
        .defaults(&[(P::Lr, 0.001), (P::WeightDecay, 0.01)])
        .cycles(Cycled::Beta1);

    fn scalars(h: &Hyper, clock: &mut StepState, c: &mut StepScalars, cycled: bool) {
        adam_scalars(h, clock, c, cycled);
        c.decay = 1.0 - c.lr * h.weight_decay;
    }

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        let p = p * (1.0 - c.lr * h.weight_decay);
        adam_step(h, c, s, p, g, false)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(AdamRule(Moments::new(h, 0.0)))
    }

    fn l2_shown(_: &Hyper) -> bool {
        false
    }

    fn inside(h: &Hyper, c: &StepScalars, after: &State) -> Inside {
        corrected(h, c, after.m, after.v)
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        moment_lines(n, out, true);
        out.push(format!("Δp = −lr·m′ / (√v′ + ε), lr = {}", num(n.coefs.lr)));
    }
}
