//! `torch.optim.Adagrad`: `s ← s + g²`; `p ← p − lr·g / (√s + ε)`.

use super::super::real::Real;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Inside, Narration, num, per_axis, vec2};
use super::ops::{add_scalar, addcdiv, addcmul, l2, l2_decay, sqrt2};
use super::{About, Hyper, Optimizer, Param, State, StepScalars, StepState};
use crate::sim::{Gradient, Hessian, Point};

/// `torch.optim.Adagrad`. State: `v` the sum of squares (starting at
/// `initial_accumulator_value`); the step's `lr / (1 + (t−1)·lr_decay)` is `step_size`.
#[derive(Clone, Copy, Debug)]
pub struct Adagrad;

/// Adagrad per coordinate.
#[derive(Clone, Copy)]
struct AdagradRule<T> {
    eps: T,
    wd: T,
    initial: T,
}

impl<T: Real> Rule<T> for AdagradRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        if c.first() {
            s.v = self.initial;
        }
        let g = l2(g, p, self.wd);
        s.v += T::of(1.0) * g * g;
        p + -c.step_size * g / (s.v.sqrt() + self.eps)
    }
}

impl Optimizer for Adagrad {
    const ABOUT: About = About {
        name: "adagrad",
        label: "AdaGrad",
        rule: "s ← s + g²;  p ← p − lr·g / (√s + ε)",
        colour: [0x00, 0x9e, 0x73],
        params: &[
            Param::Lr,
            Param::LrDecay,
            Param::WeightDecay,
            Param::InitialAccumulatorValue,
            Param::Eps,
        ],
        defaults: &[(Param::Lr, 0.01), (Param::Eps, 1e-10)],
        ..About::BASE
    };

    fn init(h: &Hyper) -> State {
        let a = h.initial_accumulator_value;
        State { v: Gradient::new(a, a), ..State::default() }
    }

    fn scalars(h: &Hyper, _: &mut StepState, c: &mut StepScalars, _: bool) {
        let t = c.step as f64;
        c.step_size = c.lr / (1.0 + (t - 1.0) * h.lr_decay);
    }

    fn apply(
        h: &Hyper,
        c: &StepScalars,
        s: &mut State,
        p: Point,
        g: Gradient,
        _: Option<&Hessian>,
    ) -> Point {
        let g = l2_decay(g, p, h.weight_decay);
        s.v = addcmul(s.v, g, g, 1.0);
        let std = add_scalar(sqrt2(s.v), h.eps);
        addcdiv(p, g, std, -c.step_size)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        let c = T::of;
        sink.run(AdagradRule {
            eps: c(h.eps),
            wd: c(h.weight_decay),
            initial: c(h.initial_accumulator_value),
        });
        Ok(())
    }

    fn inside(h: &Hyper, c: &StepScalars, after: &State) -> Inside {
        Inside {
            v_hat: Some(after.v),
            effective_lr: Some(per_axis(after.v, h.eps, c.step_size)),
            ..Inside::default()
        }
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let (h, c) = (n.spec.hyper(), &n.coefs);
        out.push(format!("s ← s + g² = {}", vec2(n.after.v)));
        if h.lr_decay != 0.0 {
            out.push(format!(
                "clr = lr / (1 + (t−1)·lr_decay) = {} / (1 + {}·{}) = {}",
                num(c.lr),
                c.step - 1,
                num(h.lr_decay),
                num(c.step_size)
            ));
            out.push("Δp = −clr·g / (√s + ε)".to_owned());
        } else {
            out.push(format!("Δp = −lr·g / (√s + ε), lr = {}", num(c.lr)));
        }
    }
}
