//! `torch.optim.NAdam` (Dozat 2016): Adam with Nesterov momentum and the momentum schedule
//! `μₜ = β₁(1 − ½·0.96^(t·ψ))`.

use super::super::real::Real;
use super::Param as P;
use super::adam::{Moments, corrected, moment_lines};
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Inside, Narration};
use super::ops::{add_scalar, addcdiv, addcmul, lerp2, sqrt2};
use super::schedule::Cycled;
use super::{About, Hyper, Optimizer, State, StepScalars, StepState};
use crate::sim::{Gradient, Point};

/// `torch.optim.NAdam`. State: `m`, `v`; the step's gradient and momentum coefficients are
/// `grad_coef` and `momentum_coef`, `1 − β₂ᵗ` is `bias_correction2`.
#[derive(Clone, Copy, Debug)]
pub struct Nadam;

/// NAdam per coordinate.
#[derive(Clone, Copy)]
struct NadamRule<T>(Moments<T>);

impl<T: Real> Rule<T> for NadamRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        self.0.advance(g, s);
        let denom = (s.v / c.bias_correction2).sqrt() + self.0.eps;
        let p = p + c.grad_coef * g / denom;
        p + c.momentum_coef * s.m / denom
    }
}

impl Optimizer for Nadam {
    const ABOUT: About = About::new("nadam", "NAdam", [0xee, 0x77, 0x33])
        .rule("Adam with Nesterov momentum: p ← p − lr·[(1−μ_t)·g/(1−Πμ) + μ_t+1·m/(1−Πμ·μ_t+1)] / (√v′ + ε)")
        .params(&[P::Lr, P::Beta1, P::Beta2, P::Eps, P::MomentumDecay])
        .defaults(&[(P::Lr, 0.002)])
        .cycles(Cycled::Beta1);

    fn scalars(h: &Hyper, clock: &mut StepState, c: &mut StepScalars, _: bool) {
        let (lr, beta1) = (c.lr, c.beta1);
        clock.beta2_power *= h.beta2;
        c.bias_correction2 = 1.0 - clock.beta2_power;
        // μₜ = β₁(1 − ½·0.96^(ψt)), with 0.96^(ψt) kept as a running product.
        let decay = 0.96f64.powf(h.momentum_decay);
        clock.decay_power *= decay;
        let mu = beta1 * (1.0 - 0.5 * clock.decay_power);
        let mu_next = beta1 * (1.0 - 0.5 * (clock.decay_power * decay));
        clock.mu_product *= mu;
        let mu_product_next = clock.mu_product * mu_next;
        c.grad_coef = -lr * (1.0 - mu) / (1.0 - clock.mu_product);
        c.momentum_coef = (-lr * mu_next) / (1.0 - mu_product_next);
    }

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        s.m = lerp2(s.m, g, 1.0 - c.beta1);
        s.v = addcmul(s.v * h.beta2, g, g, 1.0 - h.beta2);
        let denom = add_scalar(sqrt2(s.v / c.bias_correction2), h.eps);
        let p = addcdiv(p, g, denom, c.grad_coef);
        addcdiv(p, s.m, denom, c.momentum_coef)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(NadamRule(Moments::new(h, 0.0)))
    }

    fn inside(h: &Hyper, c: &StepScalars, after: &State) -> Inside {
        corrected(h, c, after.m, after.v)
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        moment_lines(n, out, false);
        out.push("Δp = −lr·[(1−μₜ)·g/(1−Πμ) + μₜ₊₁·m/(1−Πμ·μₜ₊₁)] / (√v′ + ε)".to_owned());
    }
}
