//! What the [batch kernel](crate::sim::run::batch) asks of an optimizer whose update is elementwise:
//! a [`Rule`], the update of one coordinate over [`Real`], which the kernel runs in a
//! branch-free loop over many runs at once. Each optimizer's module writes its rule beside its
//! scalar update, operation for operation the same, and hands it to the kernel through
//! [`RuleSink`] (so the kernel is monomorphised per rule: no dispatch per step).

use super::super::real::Real;
use super::step::{State, StepScalars};
use crate::sim::{Gradient, Point};

/// One coordinate's optimizer state in the kernel: three buffers whose roles each rule names
/// (the first and second moments and a third, as the scalar [`State`](super::State)'s `m`,
/// `v` and `v_max` or `u`).
#[derive(Clone, Copy, Default)]
pub struct Moment<T> {
    /// The first moment (or the rule's first buffer).
    pub m: T,
    /// The second moment (or the rule's second buffer).
    pub v: T,
    /// AMSGrad's maximum (or the rule's third buffer).
    pub v_max: T,
}

/// One optimizer's update of one coordinate, as in its scalar update, operation for
/// operation. Coordinates update independently for every optimizer the kernel serves.
pub trait Rule<T>: Copy {
    /// From `p` with gradient `g` and this step's scalars, the next `p`; advances `s`.
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T;
}

/// Where an optimizer hands its [`Rule`], built from its hyper-parameters, to the kernel.
pub trait RuleSink<T: Real> {
    /// Runs the kernel with `rule` (always `Ok`: the `Result` is the one an optimizer's
    /// [`kernel`](super::Optimizer::kernel) returns, `Err` handing the sink back when it has no
    /// rule).
    fn run<R: Rule<T>>(self, rule: R) -> Result<(), Self>
    where
        Self: Sized;
}

/// The scalar update of an elementwise optimizer written once as its [`Rule`]: the rule on
/// each coordinate, the [`State`]'s `m`, `v` and `u` as the rule's `m`, `v` and `v_max`. The
/// scalar path and the batch kernel then run the same arithmetic by construction.
#[inline(always)]
pub fn per_coordinate<R: Rule<f64>>(
    rule: R,
    c: &StepScalars,
    s: &mut State,
    p: Point,
    g: Gradient,
) -> Point {
    let mut x = Moment { m: s.m.x, v: s.v.x, v_max: s.u.x };
    let mut y = Moment { m: s.m.y, v: s.v.y, v_max: s.u.y };
    let next = Point::new(rule.update(c, p.x, g.x, &mut x), rule.update(c, p.y, g.y, &mut y));
    s.m = Gradient::new(x.m, y.m);
    s.v = Gradient::new(x.v, y.v);
    s.u = Gradient::new(x.v_max, y.v_max);
    next
}
