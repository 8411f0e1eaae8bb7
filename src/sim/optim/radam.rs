//! `torch.optim.RAdam` (Liu et al. 2020): Adam whose adaptive step is switched on, and
//! rectified, once the variance of the adaptive rate is tractable.

use super::super::real::Real;
use super::Param as P;
use super::adam::{Moments, moment_lines};
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Inside, Narration, num};
use super::ops::{add_scalar, addcmul, l2_decay, lerp2, sqrt2};
use super::schedule::Cycled;
use super::{About, Hyper, Optimizer, State, StepScalars, StepState};
use crate::sim::{Gradient, Point};

/// `torch.optim.RAdam`: the adaptive step is rectified by
/// `r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t))` once `ρ_t > 5` (`ρ_∞ = 2/(1−β₂) − 1`,
/// `ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)`); before that, SGD with momentum `p ← p − lr·m′`. State: `m`,
/// `v`; `step_size` is 1 − β₁ᵗ, `rect` the rectification (0 before ρₜ > 5).
#[derive(Clone, Copy, Debug)]
pub struct Radam;

/// Whether RAdam's weight decay is decoupled (AdamW-style) and on.
fn decoupled(h: &Hyper) -> bool {
    h.decoupled_weight_decay && h.weight_decay != 0.0
}

/// RAdam per coordinate.
#[derive(Clone, Copy)]
struct RadamRule<T>(Moments<T>);

impl<T: Real> Rule<T> for RadamRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let p = p * c.decay;
        let g = self.0.l2(g, p);
        self.0.advance(g, s);
        let m_hat = s.m / c.step_size;
        let d = if c.rect != T::default() {
            m_hat * c.lr * (c.bias_correction2 / (s.v.sqrt() + self.0.eps)) * c.rect
        } else {
            m_hat * c.lr
        };
        p + d * T::of(-1.0)
    }
}

impl Optimizer for Radam {
    const ABOUT: About = About::new("radam", "RAdam", [0xaa, 0x33, 0x77])
        .rule(
            "Adam's moments; p ← p − lr·m′·r_t·√(1−β₂^t)/(√v + ε) once ρ_t > 5, else p ← p − lr·m′",
        )
        .params(&[P::Lr, P::Beta1, P::Beta2, P::Eps, P::WeightDecay, P::DecoupledWeightDecay])
        .defaults(&[(P::Lr, 0.001)])
        .cycles(Cycled::Beta1);

    fn scalars(h: &Hyper, _: &mut StepState, c: &mut StepScalars, _: bool) {
        let t = c.step as f64;
        let bias_correction1 = 1.0 - c.beta1.powf(t);
        let bias_correction2 = 1.0 - h.beta2.powf(t);
        let rho_inf = 2.0 / (1.0 - h.beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * h.beta2.powf(t) / bias_correction2;
        c.step_size = bias_correction1;
        c.bias_correction2 = bias_correction2.powf(0.5);
        c.rect = if rho_t > 5.0 {
            ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                .powf(0.5)
        } else {
            0.0
        };
        if decoupled(h) {
            c.decay = 1.0 - c.lr * h.weight_decay;
        }
    }

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        let (p, g) = match (h.weight_decay != 0.0, h.decoupled_weight_decay) {
            (true, true) => (p * (1.0 - c.lr * h.weight_decay), g),
            (true, false) => (p, l2_decay(g, p, h.weight_decay)),
            _ => (p, g),
        };
        s.m = lerp2(s.m, g, 1.0 - c.beta1);
        s.v = addcmul(s.v * h.beta2, g, g, 1.0 - h.beta2);
        let m_hat = s.m / c.step_size;
        let d = if c.rect > 0.0 {
            let adaptive = add_scalar(sqrt2(s.v), h.eps).map(|v| c.bias_correction2 / v);
            (m_hat * c.lr).component_mul(&adaptive) * c.rect
        } else {
            m_hat * c.lr
        };
        p + d * -1.0
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        // L2 decay on the gradient; decoupled decay is `decay` in the scalars.
        let wd = if h.decoupled_weight_decay { 0.0 } else { h.weight_decay };
        sink.run(RadamRule(Moments::new(h, wd)))
    }

    fn l2_shown(h: &Hyper) -> bool {
        h.weight_decay != 0.0 && !h.decoupled_weight_decay
    }

    fn inside(h: &Hyper, c: &StepScalars, after: &State) -> Inside {
        let effective_lr = (c.rect > 0.0)
            .then(|| after.v.map(|v| c.lr * c.rect * c.bias_correction2 / (v.sqrt() + h.eps)));
        Inside { m_hat: Some(after.m / c.step_size), v_hat: None, effective_lr }
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let c = &n.coefs;
        moment_lines(n, out, decoupled(n.spec.hyper()));
        out.push(if c.rect > 0.0 {
            format!(
                "ρ_t > 5: rectified, r_t = {};  Δp = −lr·m′·r_t·√(1−β₂^t) / (√v + ε), lr = {}",
                num(c.rect),
                num(c.lr)
            )
        } else {
            format!(
                "ρ_t ≤ 5: variance not yet tractable, no adaptive step;  Δp = −lr·m′, lr = {}",
                num(c.lr)
            )
        });
    }
}
