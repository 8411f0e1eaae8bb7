//! Sign gradient descent, `θ ← θ − lr·sign(g)`: a test-only optimizer (cargo feature
//! `sign-gd`, `tests/sign_gd.rs`), there to show that an optimizer is this one file and its
//! line in the registry. One per-coordinate update serves the scalar path and the batch
//! kernel, so the two agree bit for bit by construction.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink, per_coordinate};
use super::narrate::{Narration, num, vec2};
use super::ops::sign;
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// Sign gradient descent: each coordinate moves by the learning rate against its gradient's
/// sign (`torch.sign`: not at all where the gradient is 0). No state.
#[derive(Clone, Copy, Debug)]
pub struct SignGd;

impl<T: Real> Rule<T> for SignGd {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, _: &mut Moment<T>) -> T {
        p + -c.lr * sign(g)
    }
}

impl Optimizer for SignGd {
    const ABOUT: About = About::new("signgd", "Sign GD", [0x70, 0x70, 0x70])
        .rule("p ← p − lr·sign(g)")
        .params(&[P::Lr])
        .defaults(&[(P::Lr, 0.01)]);

    fn apply(_: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        per_coordinate(SignGd, c, s, p, g)
    }

    fn kernel<T: Real, S: RuleSink<T>>(_: &Hyper, sink: S) -> Result<(), S> {
        sink.run(SignGd)
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let s = n.g.map(sign);
        out.push(format!("sign(g) = {}", vec2(s)));
        out.push(format!("Δp = −lr·sign(g), lr = {}", num(n.coefs.lr)));
    }
}
