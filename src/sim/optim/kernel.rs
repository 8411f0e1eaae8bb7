//! What the [batch kernel](crate::sim::batch) asks of an optimizer whose update is elementwise:
//! a [`Rule`], the update of one coordinate over [`Real`], which the kernel runs in a
//! branch-free loop over many runs at once. Each optimizer's module writes its rule beside its
//! scalar update, operation for operation the same, and hands it to the kernel through
//! [`RuleSink`] (so the kernel is monomorphised per rule: no dispatch per step).

use super::super::real::Real;
use super::step::StepScalars;

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
    /// Runs the kernel with `rule`.
    fn run<R: Rule<T>>(self, rule: R);
}
