//! `torch.optim.Adagrad`: `s ← s + g²`; `p ← p − lr·g / (√s + ε)`.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink, per_coordinate};
use super::narrate::{Inside, Narration, num, per_axis, vec2};
use super::ops::l2;
use super::{About, Hyper, Optimizer, State, StepScalars, StepState};
use crate::sim::{Gradient, Point};

/// `torch.optim.Adagrad`. State: `v` the sum of squares (starting at
/// `initial_accumulator_value`); the step's `lr / (1 + (t−1)·lr_decay)` is `step_size`.
#[derive(Clone, Copy, Debug)]
pub struct Adagrad;

/// Adagrad per coordinate, for the scalar path and the kernel alike.
#[derive(Clone, Copy)]
struct AdagradRule<T> {
    eps: T,
    wd: T,
    initial: T,
}

impl<T: Real> AdagradRule<T> {
    fn new(h: &Hyper) -> Self {
        let c = T::of;
        Self { eps: c(h.eps), wd: c(h.weight_decay), initial: c(h.initial_accumulator_value) }
    }
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
    const ABOUT: About = About::new("adagrad", "AdaGrad", [0x00, 0x9e, 0x73])
        .rule("s ← s + g²;  p ← p − lr·g / (√s + ε)")
        .params(&[P::Lr, P::LrDecay, P::WeightDecay, P::InitialAccumulatorValue, P::Eps])
        .defaults(&[(P::Lr, 0.01), (P::Eps, 1e-10)]);

    fn init(h: &Hyper) -> State {
        let a = h.initial_accumulator_value;
        State { v: Gradient::new(a, a), ..State::default() }
    }

    fn scalars(h: &Hyper, _: &mut StepState, c: &mut StepScalars, _: bool) {
        let t = c.step as f64;
        c.step_size = c.lr / (1.0 + (t - 1.0) * h.lr_decay);
    }

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        per_coordinate(AdagradRule::new(h), c, s, p, g)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(AdagradRule::new(h))
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
