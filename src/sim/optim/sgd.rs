//! Stochastic gradient descent, `torch.optim.SGD`: plain, with heavy-ball momentum, and with
//! Nesterov momentum.

use super::super::real::Real;
use super::Param as P;
use super::kernel::{Moment, Rule, RuleSink};
use super::narrate::{Narration, num, vec2};
use super::ops::{l2, l2_decay};
use super::schedule::Cycled;
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// Gradient descent, `torch.optim.SGD` without momentum: `p ← p − lr·g`.
#[derive(Clone, Copy, Debug)]
pub struct Gd;

/// `SGD` with momentum: heavy-ball (`NESTEROV = false`) or Nesterov's, one type as in PyTorch
/// (`SGD(nesterov=True)`).
#[derive(Clone, Copy, Debug)]
pub struct Heavy<const NESTEROV: bool>;

/// Heavy-ball momentum, `SGD(momentum=μ, dampening=τ)`: `b ← g` on the first step, then
/// `b ← μ·b + (1−τ)·g`; `p ← p − lr·b`.
pub type Momentum = Heavy<false>;

/// Nesterov momentum, `SGD(momentum=μ, nesterov=True)`: `b ← μ·b + g` (`b ← g` first);
/// `p ← p − lr·(g + μ·b)`.
pub type Nesterov = Heavy<true>;

/// SGD's step (`_single_tensor_sgd`). The momentum branch runs when momentum ≠ 0 (on gd only
/// when OneCycle cycles it in); the buffer starts as a copy of the gradient. State: `m` the
/// momentum buffer.
#[inline(always)]
fn sgd(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient, nesterov: bool) -> Point {
    let g = l2_decay(g, p, h.weight_decay);
    if c.momentum == 0.0 {
        return p + g * -c.lr;
    }
    let dampening = if nesterov { 0.0 } else { h.dampening };
    s.m = if c.step == 1 { g } else { s.m * c.momentum + g * (1.0 - dampening) };
    let d = if nesterov { g + s.m * c.momentum } else { s.m };
    p + d * -c.lr
}

/// Gradient descent per coordinate.
#[derive(Clone, Copy)]
struct GdRule<T> {
    wd: T,
}

impl<T: Real> Rule<T> for GdRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, _: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        p + g * -c.lr
    }
}

/// Heavy-ball or Nesterov momentum per coordinate: `m` the buffer.
#[derive(Clone, Copy)]
struct HeavyRule<T> {
    momentum: T,
    /// `1 − dampening`.
    keep: T,
    nesterov: bool,
    wd: T,
}

impl<T: Real> HeavyRule<T> {
    fn new(h: &Hyper, nesterov: bool) -> Self {
        Self {
            momentum: T::of(h.momentum),
            keep: T::of(1.0 - if nesterov { 0.0 } else { h.dampening }),
            nesterov,
            wd: T::of(h.weight_decay),
        }
    }
}

impl<T: Real> Rule<T> for HeavyRule<T> {
    #[inline(always)]
    fn update(&self, c: &StepScalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        s.m = if c.first() { g } else { s.m * self.momentum + g * self.keep };
        let d = if self.nesterov { g + s.m * self.momentum } else { s.m };
        p + d * -c.lr
    }
}

/// The heavy-ball buffer's line: `b ← g` at first, then its update with this step's numbers.
fn buffer_line(n: &Narration, tau: f64) -> String {
    let c = &n.coefs;
    if c.step == 1 {
        format!("b ← g = {}", vec2(n.after.m))
    } else {
        format!(
            "b ← μ·b + (1−τ)·g = {}·b + {}·g = {}",
            num(c.momentum),
            num(1.0 - tau),
            vec2(n.after.m)
        )
    }
}

impl Optimizer for Gd {
    const ABOUT: About = About::new("gd", "GD", [0x9a, 0x9a, 0x9a])
        .rule("p ← p − lr·g")
        .params(&[P::Lr, P::WeightDecay])
        .defaults(&[(P::Lr, 0.01)])
        .cycles(Cycled::Momentum);

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        sgd(h, c, s, p, g, false)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(GdRule { wd: T::of(h.weight_decay) })
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let lr = n.coefs.lr;
        if n.coefs.momentum == 0.0 {
            out.push(format!("Δp = −lr·g = −{}·g", num(lr)));
        } else {
            out.push(buffer_line(n, 0.0));
            out.push(format!("Δp = −lr·b = −{}·b", num(lr)));
        }
    }
}

impl<const NESTEROV: bool> Optimizer for Heavy<NESTEROV> {
    const ABOUT: About = if NESTEROV {
        About::new("nesterov", "Nesterov", [0x56, 0xb4, 0xe9])
            .rule("b ← μ·b + g;  p ← p − lr·(g + μ·b)")
            .params(&[P::Lr, P::Momentum, P::WeightDecay])
    } else {
        About::new("momentum", "Momentum", [0xe6, 0x9f, 0x00])
            .rule("b ← μ·b + (1−τ)·g  (b ← g at first);  p ← p − lr·b")
            .params(&[P::Lr, P::Momentum, P::Dampening, P::WeightDecay])
    }
    .defaults(&[(P::Lr, 0.01), (P::Momentum, 0.9)])
    .cycles(Cycled::Momentum);

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        sgd(h, c, s, p, g, NESTEROV)
    }

    fn kernel<T: Real, S: RuleSink<T>>(h: &Hyper, sink: S) -> Result<(), S> {
        sink.run(HeavyRule::new(h, NESTEROV))
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let c = &n.coefs;
        if NESTEROV {
            out.push(format!("b ← μ·b + g = {}", vec2(n.after.m)));
            out.push(format!("Δp = −lr·(g + μ·b), lr = {}, μ = {}", num(c.lr), num(c.momentum)));
        } else {
            out.push(buffer_line(n, n.spec.hyper().dampening));
            out.push(format!("Δp = −lr·b = −{}·b", num(c.lr)));
        }
    }
}
