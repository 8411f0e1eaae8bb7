//! `torch.optim.RMSprop`: `v ← α·v + (1−α)·g²`; `p ← p − lr·g / (√v + ε)` (ε outside the
//! square root), optionally centred and with momentum.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Inside, Narration, num, per_axis, vec2};
use super::ops::{add_scalar, addcdiv, addcmul, l2, l2_decay, lerp2, sqrt2};
use super::schedule::Cycled;
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// `torch.optim.RMSprop`. State: `v` the square average, `u` the centred gradient average,
/// `m` the momentum buffer.
#[derive(Clone, Copy, Debug)]
pub struct Rmsprop;

/// RMSprop per coordinate: `v` the square average, `v_max` the centred gradient average, `m`
/// the momentum buffer.
#[derive(Clone, Copy)]
struct RmspropRule<T> {
    alpha: T,
    one_minus_alpha: T,
    eps: T,
    wd: T,
    momentum: T,
    centered: bool,
    /// The branch of `lerp(grad_avg, g, 1 − α)`.
    low_branch: bool,
}

impl<T: Real> Rule<T> for RmspropRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        s.v = s.v * self.alpha + self.one_minus_alpha * g * g;
        let avg = if self.centered {
            let w = self.one_minus_alpha;
            s.v_max = if self.low_branch {
                s.v_max + w * (g - s.v_max)
            } else {
                g - (g - s.v_max) * (T::of(1.0) - w)
            };
            (s.v + T::of(-1.0) * s.v_max * s.v_max).sqrt()
        } else {
            s.v.sqrt()
        };
        let avg = avg + self.eps;
        if self.momentum > T::default() {
            s.m = s.m * self.momentum + T::of(1.0) * g / avg;
            p + s.m * -c.lr
        } else {
            p + -c.lr * g / avg
        }
    }
}

impl Optimizer for Rmsprop {
    const ABOUT: About = About::new("rmsprop", "RMSProp", [0xf0, 0xe4, 0x42])
        .rule("v ← α·v + (1−α)·g²;  p ← p − lr·g / (√v + ε)")
        .params(&[P::Lr, P::Alpha, P::Eps, P::WeightDecay, P::Momentum, P::Centered])
        .defaults(&[(P::Lr, 0.01)])
        .cycles(Cycled::Momentum);

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        let g = l2_decay(g, p, h.weight_decay);
        s.v = addcmul(s.v * h.alpha, g, g, 1.0 - h.alpha);
        let avg = if h.centered {
            s.u = lerp2(s.u, g, 1.0 - h.alpha);
            sqrt2(addcmul(s.v, s.u, s.u, -1.0))
        } else {
            sqrt2(s.v)
        };
        let avg = add_scalar(avg, h.eps);
        if c.momentum > 0.0 {
            s.m = addcdiv(s.m * c.momentum, g, avg, 1.0);
            p + s.m * -c.lr
        } else {
            addcdiv(p, g, avg, -c.lr)
        }
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        let c = T::of;
        sink.run(RmspropRule {
            alpha: c(h.alpha),
            one_minus_alpha: c(1.0 - h.alpha),
            eps: c(h.eps),
            wd: c(h.weight_decay),
            momentum: c(h.momentum),
            centered: h.centered,
            low_branch: c(1.0 - h.alpha).to_f64().abs() < 0.5,
        })
    }

    fn inside(h: &Hyper, c: &StepScalars, after: &State) -> Inside {
        if h.centered {
            return Inside::default();
        }
        Inside {
            v_hat: Some(after.v),
            effective_lr: Some(per_axis(after.v, h.eps, c.lr)),
            ..Inside::default()
        }
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let (h, c, a) = (n.spec.hyper(), &n.coefs, &n.after);
        out.push(format!("v ← α·v + (1−α)·g² = {}", vec2(a.v)));
        let denom = if h.centered {
            out.push(format!("ḡ ← α·ḡ + (1−α)·g = {}", vec2(a.u)));
            "(√(v − ḡ²) + ε)"
        } else {
            "(√v + ε)"
        };
        if c.momentum > 0.0 {
            out.push(format!("b ← μ·b + g / {denom} = {}·b + … = {}", num(c.momentum), vec2(a.m)));
            out.push(format!("Δp = −lr·b, lr = {}", num(c.lr)));
        } else {
            out.push(format!("Δp = −lr·g / {denom}, lr = {}", num(c.lr)));
        }
    }
}
