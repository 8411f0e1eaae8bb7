//! The batch kernel: one optimizer from many start points at once, recording nothing but where
//! each run ends. The basin map runs it over a whole grid of starts, and "tune learning rate"
//! over the scene's starts.
//!
//! It computes exactly what [`final_point`](super::final_point) computes, bit for bit (a test
//! holds it to that), but is laid out for the CPU rather than for reading:
//!
//! - runs go in blocks of [`LANES`], their state as structure-of-arrays, and every step is one
//!   branch-free loop over the lanes that the compiler turns into SIMD;
//! - a run that diverges is masked off, not branched around: its lane keeps computing and its
//!   result is frozen at the last finite point;
//! - everything that is the same for every lane (the optimizer, the surface, the branch of
//!   PyTorch's two-sided `lerp`, the step's bias corrections) is decided once, outside the loop:
//!   the kernel is monomorphised per optimizer rule and per built-in surface, so no `match`
//!   runs per step;
//! - on x86-64 with AVX2 it runs in 256-bit registers (chosen at run time; no FMA, so the
//!   rounding is the same as the scalar path's).
//!
//! It can also compute in `f32` ([`Dtype::Float32`], PyTorch's default dtype): the same
//! arithmetic with every constant, per-step scalar and operation rounded to single precision,
//! and about twice as fast (twice the lanes per register, a faster divider). PyTorch on a CPU
//! fuses some multiply-adds (`add_` with `alpha`, `addcmul_`, `addcdiv_`, `lerp_`) into one
//! rounding where this rounds twice, so a step can land one float32 apart from PyTorch's:
//! `tests/batch.rs` holds the kernel to PyTorch's own float32 runs within float32 rounding.
//! Formula surfaces are then evaluated in `f64` at the `f32` point and rounded.
//!
//! Newton and saddle-free Newton (a 2 × 2 solve or eigen-decomposition per step), Adafactor
//! (whose norms couple the coordinates), L-BFGS (whose line search evaluates the surface), runs
//! whose momentum or β₁ OneCycle cycles, and runs with gradient noise, go through the scalar path
//! in `f64` whatever the dtype: [`final_points`] picks. A learning-rate schedule is otherwise
//! served by the kernel: the rate is one of the step's scalars.

use super::optimizer::{Coefs, Hyper, Schedule};
use super::real::{Dtype, Real};
use super::trajectory::ScalarFlight;
use super::{Builtin, OptimizerKind, OptimizerSpec, Point, Surface, SurfaceDef};

/// Runs per block: eight AVX2 registers (sixteen SSE2 ones) of independent work per operation,
/// enough to keep the divider and square-root unit busy, which bound an adaptive step.
pub const LANES: usize = 32;

/// Steps per chunk: a block runs this many steps on the fast path (no bookkeeping per step),
/// then checks whether all its runs have diverged and it can stop.
const CHUNK: usize = 32;

/// Where a run ended: its last finite point, and the step at which it diverged, if it did.
pub type End = (Point, Option<usize>);

/// Whether the kernel runs `spec` (in the chosen dtype), rather than the scalar `f64` path:
/// every optimizer whose update is elementwise, unless OneCycle cycles its momentum or β₁.
pub fn in_kernel(spec: &OptimizerSpec) -> bool {
    !spec.cycles_momentum()
        && !matches!(
            spec.kind(),
            OptimizerKind::Adafactor
                | OptimizerKind::Lbfgs
                | OptimizerKind::Newton
                | OptimizerKind::Sfn
        )
}

/// [`final_point`](super::final_point) from each of `starts`, `steps` updates each, with the
/// batch kernel where it applies and the scalar lockstep path where it does not (Newton,
/// saddle-free Newton). The results are bit-identical either way.
pub fn final_points(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
) -> Vec<End> {
    final_points_in(Dtype::Float64, surface, spec, starts, steps)
}

/// [`final_points`] computed in `dtype`. In [`Dtype::Float32`] each start is first rounded to
/// `f32`, and the ends (exact `f32` values) come back as `f64`.
pub fn final_points_in(
    dtype: Dtype,
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
) -> Vec<End> {
    let mut out = Vec::with_capacity(starts.len());
    let sink = |end| out.push(end);
    match dtype {
        Dtype::Float64 => for_each_end::<f64>(surface, spec, starts, steps, sink),
        Dtype::Float32 => for_each_end::<f32>(surface, spec, starts, steps, sink),
    }
    out
}

/// What the kernel is asked to do with the runs of one optimizer.
enum Work<'w, T> {
    /// Runs from `starts`, `steps` updates each, their ends handed to `sink` in order.
    Fresh { starts: &'w [Point], steps: usize, sink: &'w mut dyn FnMut(End) },
    /// Runs under way (each block with its schedule), continued from `from` to `to` updates.
    Resume { blocks: &'w mut [(Block<T>, Schedule)], from: usize, to: usize },
}

/// The ends in `T`, handed to `sink` in the order of `starts`.
fn for_each_end<T: Real>(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    mut sink: impl FnMut(End),
) {
    dispatch::<T>(surface, spec, Work::Fresh { starts, steps, sink: &mut sink });
}

/// Does `work` with the kernel monomorphised for `surface` and `spec`.
fn dispatch<T: Real>(surface: &SurfaceDef, spec: &OptimizerSpec, work: Work<'_, T>) {
    match surface {
        SurfaceDef::Builtin(b) => with_builtin::<T>(*b, spec, work),
        SurfaceDef::Formula(f) => {
            let field = |x: T, y: T| {
                let (v, g) = f.value_grad(Point::new(x.to_f64(), y.to_f64()));
                (T::of(v), T::of(g.x), T::of(g.y))
            };
            with_field(field, &**f, spec, work);
        }
        SurfaceDef::Model(_) | SurfaceDef::Slice(_) => {
            // A model's or a slice's loss is a sum over data in float64; a float32 run rounds
            // each evaluation to T, as for a formula.
            let field = |x: T, y: T| {
                let (v, g) = surface.value_grad(Point::new(x.to_f64(), y.to_f64()));
                (T::of(v), T::of(g.x), T::of(g.y))
            };
            with_field(field, surface, spec, work);
        }
    }
}

/// Monomorphises the kernel per built-in surface: `Builtin::X.value_grad_in` with `X` a
/// constant inlines to that surface's arithmetic alone.
fn with_builtin<T: Real>(b: Builtin, spec: &OptimizerSpec, work: Work<'_, T>) {
    macro_rules! dispatch {
        ($($variant:ident),*) => {
            match b {
                $(Builtin::$variant => {
                    let field = |x: T, y: T| Builtin::$variant.value_grad_in(x, y);
                    with_field(field, &Builtin::$variant, spec, work)
                })*
            }
        };
    }
    dispatch!(
        Bowls,
        Saddle,
        EscapeSaddle,
        MonkeySaddle,
        Plateau,
        ElongatedBowl,
        Rosenbrock,
        Himmelblau,
        Beale,
        Booth,
        Rastrigin,
        SixHumpCamel,
        StyblinskiTang
    )
}

/// Monomorphises per optimizer rule, or falls back to the scalar path.
fn with_field<T: Real, F: Field<T>, S: Surface + ?Sized>(
    field: F,
    surface: &S,
    spec: &OptimizerSpec,
    work: Work<'_, T>,
) {
    let h = spec.hyper();
    let c = T::of;
    let wd = c(h.weight_decay);
    if !in_kernel(spec) {
        // OneCycle changing the momentum or β₁ every step (the rules fix them per run), or an
        // update that is not elementwise: the scalar path.
        scalar(surface, spec, work);
        return;
    }
    match spec.kind() {
        OptimizerKind::Gd => blocks(field, Gd { wd }, spec, work),
        OptimizerKind::Momentum | OptimizerKind::Nesterov => {
            let nesterov = spec.kind() == OptimizerKind::Nesterov;
            let rule = Heavy {
                momentum: c(h.momentum),
                keep: c(1.0 - if nesterov { 0.0 } else { h.dampening }),
                nesterov,
                wd,
            };
            blocks(field, rule, spec, work)
        }
        OptimizerKind::Adagrad => {
            let rule = Adagrad { eps: c(h.eps), wd, initial: c(h.initial_accumulator_value) };
            blocks(field, rule, spec, work)
        }
        OptimizerKind::Rmsprop => {
            let rule = Rmsprop {
                alpha: c(h.alpha),
                one_minus_alpha: c(1.0 - h.alpha),
                eps: c(h.eps),
                wd,
                momentum: c(h.momentum),
                centered: h.centered,
                low_branch: c(1.0 - h.alpha).to_f64().abs() < 0.5,
            };
            blocks(field, rule, spec, work)
        }
        OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Nadam => {
            let moments = Moments::new(h);
            match (spec.kind(), h.amsgrad) {
                (OptimizerKind::Adam, false) => blocks(field, Adam { moments, wd }, spec, work),
                (OptimizerKind::Adam, true) => blocks(field, AmsGrad { moments, wd }, spec, work),
                (OptimizerKind::Adamw, _) => {
                    blocks(field, Adam { moments, wd: c(0.0) }, spec, work)
                }
                _ => blocks(field, Nadam { moments }, spec, work),
            }
        }
        OptimizerKind::Radam => {
            let wd = if h.decoupled_weight_decay { c(0.0) } else { wd };
            blocks(field, Radam { moments: Moments::new(h), wd }, spec, work)
        }
        OptimizerKind::Adamax => blocks(field, Adamax { moments: Moments::new(h), wd }, spec, work),
        OptimizerKind::Adadelta => {
            let rule = Adadelta { rho: c(h.rho), one_minus_rho: c(1.0 - h.rho), eps: c(h.eps), wd };
            blocks(field, rule, spec, work)
        }
        OptimizerKind::Rprop => {
            let rule = Rprop {
                eta_minus: c(h.eta_minus),
                eta_plus: c(h.eta_plus),
                step_min: c(h.step_min),
                step_max: c(h.step_max),
            };
            blocks(field, rule, spec, work)
        }
        OptimizerKind::Asgd => blocks(field, Asgd { lambd: c(h.lambd), wd }, spec, work),
        // Not elementwise (Adafactor's norms couple the coordinates, L-BFGS's line search
        // evaluates the surface), or a 2 × 2 solve per step: the scalar path (see `in_kernel`).
        OptimizerKind::Adafactor
        | OptimizerKind::Lbfgs
        | OptimizerKind::Newton
        | OptimizerKind::Sfn => scalar(surface, spec, work),
    }
}

/// The scalar `f64` path, for what the kernel does not serve. Runs under way of such an
/// optimizer are a [`ScalarFlight`], never kernel blocks ([`Flight::new`] chooses), so there
/// is nothing to resume here.
fn scalar<T, S: Surface + ?Sized>(surface: &S, spec: &OptimizerSpec, work: Work<'_, T>) {
    match work {
        Work::Fresh { starts, steps, sink } => {
            super::final_points(surface, spec, starts, steps).into_iter().for_each(sink);
        }
        Work::Resume { .. } => debug_assert!(false, "kernel blocks of a scalar-path optimizer"),
    }
}

/// f and ∇f at (x, y) as `(f, ∂f/∂x, ∂f/∂y)`: a plain function the kernel inlines.
trait Field<T>: Fn(T, T) -> (T, T, T) + Copy {}
impl<T, F: Fn(T, T) -> (T, T, T) + Copy> Field<T> for F {}

/// One lane's optimizer state: the first and second moments and AMSGrad's maximum.
#[derive(Clone, Copy, Default)]
struct Moment<T> {
    m: T,
    v: T,
    v_max: T,
}

/// One step's scalars ([`Coefs`]), computed in `f64` as Python computes them and rounded to `T`
/// as PyTorch rounds a scalar operand to its tensor's dtype.
#[derive(Clone, Copy, Default)]
struct Scalars<T> {
    first: bool,
    /// The step's learning rate (a schedule's, or the constant one).
    lr: T,
    step_size: T,
    bias_correction2: T,
    grad_coef: T,
    momentum_coef: T,
    /// RAdam's rectification (0: no adaptive step this step).
    rect: T,
    /// Decoupled weight decay's factor `1 − lr·wd` (AdamW, RAdam with
    /// `decoupled_weight_decay`); 1 otherwise.
    decay: T,
}

impl<T: Real> Scalars<T> {
    fn of(c: &Coefs, spec: &OptimizerSpec) -> Self {
        let h = spec.hyper();
        let decoupled = match spec.kind() {
            OptimizerKind::Adamw => true,
            OptimizerKind::Radam => h.decoupled_weight_decay && h.weight_decay != 0.0,
            _ => false,
        };
        Self {
            first: c.step == 1,
            lr: T::of(c.lr),
            step_size: T::of(c.step_size),
            bias_correction2: T::of(c.bias_correction2),
            grad_coef: T::of(c.grad_coef),
            momentum_coef: T::of(c.momentum_coef),
            rect: T::of(c.rect),
            decay: T::of(if decoupled { 1.0 - c.lr * h.weight_decay } else { 1.0 }),
        }
    }
}

/// `grad.add(param, alpha=weight_decay)` when the decay is on, as PyTorch skips it at 0.
#[inline(always)]
fn l2<T: Real>(g: T, p: T, wd: T) -> T {
    if wd != T::default() { g + p * wd } else { g }
}

/// `torch.sign`, generic: −1, 0 (of the same sign) or 1.
#[inline(always)]
fn sign<T: Real>(v: T) -> T {
    let zero = T::default();
    if v > zero {
        T::of(1.0)
    } else if v < zero {
        T::of(-1.0)
    } else {
        v * zero
    }
}

/// One optimizer's update of one coordinate, as in [`OptimizerSpec::apply`], operation for
/// operation. Coordinates update independently for every optimizer the kernel serves.
trait Rule<T>: Copy {
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T;
}

#[derive(Clone, Copy)]
struct Gd<T> {
    wd: T,
}

impl<T: Real> Rule<T> for Gd<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, _: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        p + g * -c.lr
    }
}

#[derive(Clone, Copy)]
struct Heavy<T> {
    momentum: T,
    /// `1 − dampening`.
    keep: T,
    nesterov: bool,
    wd: T,
}

impl<T: Real> Rule<T> for Heavy<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        s.m = if c.first { g } else { s.m * self.momentum + g * self.keep };
        let d = if self.nesterov { g + s.m * self.momentum } else { s.m };
        p + d * -c.lr
    }
}

/// Adagrad: `v` the sum of squares (starting at `initial_accumulator_value`); the step's
/// `lr / (1 + (t−1)·lr_decay)` is `step_size`.
#[derive(Clone, Copy)]
struct Adagrad<T> {
    eps: T,
    wd: T,
    initial: T,
}

impl<T: Real> Rule<T> for Adagrad<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        if c.first {
            s.v = self.initial;
        }
        let g = l2(g, p, self.wd);
        s.v += T::of(1.0) * g * g;
        p + -c.step_size * g / (s.v.sqrt() + self.eps)
    }
}

/// RMSprop: `v` the square average, `v_max` the centred gradient average, `m` the momentum
/// buffer.
#[derive(Clone, Copy)]
struct Rmsprop<T> {
    alpha: T,
    one_minus_alpha: T,
    eps: T,
    wd: T,
    momentum: T,
    centered: bool,
    /// The branch of `lerp(grad_avg, g, 1 − α)`.
    low_branch: bool,
}

impl<T: Real> Rule<T> for Rmsprop<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
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

/// RAdam: `step_size` is 1 − β₁ᵗ, `rect` the rectification (0 before ρₜ > 5).
#[derive(Clone, Copy)]
struct Radam<T> {
    moments: Moments<T>,
    /// L2 decay (0 when decoupled: that one is `decay` in the scalars).
    wd: T,
}

impl<T: Real> Rule<T> for Radam<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let p = p * c.decay;
        let g = l2(g, p, self.wd);
        self.moments.advance(g, s);
        let m_hat = s.m / c.step_size;
        let d = if c.rect != T::default() {
            m_hat * c.lr * (c.bias_correction2 / (s.v.sqrt() + self.moments.eps)) * c.rect
        } else {
            m_hat * c.lr
        };
        p + d * T::of(-1.0)
    }
}

/// Adamax: `v` the infinity norm `exp_inf`; `step_size` is lr/(1 − β₁ᵗ).
#[derive(Clone, Copy)]
struct Adamax<T> {
    moments: Moments<T>,
    wd: T,
}

impl<T: Real> Rule<T> for Adamax<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        let m = &self.moments;
        s.m = if m.low_branch { s.m + m.weight * (g - s.m) } else { g - (g - s.m) * m.rest };
        let abs = if g < T::default() { -g } else { g };
        s.v = (s.v * m.beta2).max(abs + m.eps);
        p + -c.step_size * s.m / s.v
    }
}

/// Adadelta: `v` the square average, `v_max` the accumulated squared updates.
#[derive(Clone, Copy)]
struct Adadelta<T> {
    rho: T,
    one_minus_rho: T,
    eps: T,
    wd: T,
}

impl<T: Real> Rule<T> for Adadelta<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        s.v = s.v * self.rho + self.one_minus_rho * g * g;
        let std = (s.v + self.eps).sqrt();
        let delta = (s.v_max + self.eps).sqrt() / std * g;
        s.v_max = s.v_max * self.rho + self.one_minus_rho * delta * delta;
        p + delta * -c.lr
    }
}

/// Rprop: `m` the previous gradient, `v_max` the step size (the first step's lr at first).
#[derive(Clone, Copy)]
struct Rprop<T> {
    eta_minus: T,
    eta_plus: T,
    step_min: T,
    step_max: T,
}

impl<T: Real> Rule<T> for Rprop<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        if c.first {
            s.v_max = c.lr;
        }
        let zero = T::default();
        let mut f = sign(g * s.m);
        if f > zero {
            f = self.eta_plus;
        }
        if f < zero {
            f = self.eta_minus;
        }
        if f == zero {
            f = T::of(1.0);
        }
        let step = s.v_max * f;
        // clamp(min, max): the lower bound, then the upper (a NaN stays NaN, as in torch).
        let step = if step < self.step_min { self.step_min } else { step };
        s.v_max = if step > self.step_max { self.step_max } else { step };
        let g = if f == self.eta_minus { zero } else { g };
        s.m = g;
        p + -sign(g) * s.v_max
    }
}

/// ASGD: `step_size` is η; no state per coordinate (the average is not drawn).
#[derive(Clone, Copy)]
struct Asgd<T> {
    lambd: T,
    wd: T,
}

impl<T: Real> Rule<T> for Asgd<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, _: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        let eta = c.step_size;
        let p = p * (T::of(1.0) - self.lambd * eta);
        p + g * -eta
    }
}

/// The moment updates Adam, AdamW and NAdam share, with the branch of PyTorch's `lerp` chosen
/// once for the run (its weight, 1 − β₁, does not change).
#[derive(Clone, Copy)]
struct Moments<T> {
    /// 1 − β₁, the `lerp` weight.
    weight: T,
    /// 1 − weight, for the upper branch.
    rest: T,
    low_branch: bool,
    beta2: T,
    one_minus_beta2: T,
    eps: T,
}

impl<T: Real> Moments<T> {
    fn new(h: &Hyper) -> Self {
        let weight = T::of(1.0 - h.beta1);
        Self {
            weight,
            rest: T::of(1.0) - weight,
            low_branch: weight.to_f64().abs() < 0.5,
            beta2: T::of(h.beta2),
            one_minus_beta2: T::of(1.0 - h.beta2),
            eps: T::of(h.eps),
        }
    }

    #[inline(always)]
    fn advance(&self, g: T, s: &mut Moment<T>) {
        s.m =
            if self.low_branch { s.m + self.weight * (g - s.m) } else { g - (g - s.m) * self.rest };
        s.v = s.v * self.beta2 + self.one_minus_beta2 * g * g;
    }
}

/// Adam and AdamW: AdamW's `1 − lr·wd` is `decay` in the scalars, 1 for Adam (`p·1 = p`
/// exactly, so one code path serves both); Adam's L2 decay is `wd` (0 for AdamW).
#[derive(Clone, Copy)]
struct Adam<T> {
    moments: Moments<T>,
    wd: T,
}

impl<T: Real> Rule<T> for Adam<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let p = p * c.decay;
        let g = l2(g, p, self.wd);
        self.moments.advance(g, s);
        let denom = s.v.sqrt() / c.bias_correction2 + self.moments.eps;
        p + -c.step_size * s.m / denom
    }
}

#[derive(Clone, Copy)]
struct AmsGrad<T> {
    moments: Moments<T>,
    wd: T,
}

impl<T: Real> Rule<T> for AmsGrad<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        let g = l2(g, p, self.wd);
        self.moments.advance(g, s);
        s.v_max = s.v_max.max(s.v);
        let denom = s.v_max.sqrt() / c.bias_correction2 + self.moments.eps;
        p + -c.step_size * s.m / denom
    }
}

#[derive(Clone, Copy)]
struct Nadam<T> {
    moments: Moments<T>,
}

impl<T: Real> Rule<T> for Nadam<T> {
    #[inline(always)]
    fn update(&self, c: &Scalars<T>, p: T, g: T, s: &mut Moment<T>) -> T {
        self.moments.advance(g, s);
        let denom = (s.v / c.bias_correction2).sqrt() + self.moments.eps;
        let p = p + c.grad_coef * g / denom;
        p + c.momentum_coef * s.m / denom
    }
}

/// Runs every block of starts and hands the ends to `sink` in order.
fn blocks<T: Real, F: Field<T>, R: Rule<T>>(
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    work: Work<'_, T>,
) {
    match work {
        Work::Fresh { starts, steps, sink } => {
            for chunk in starts.chunks(LANES) {
                let mut block = Block::new(chunk);
                run(&mut block, field, rule, spec, &mut spec.start(), 0, steps);
                for i in 0..chunk.len() {
                    sink(block.end(i));
                }
            }
        }
        Work::Resume { blocks, from, to } => {
            for (block, schedule) in blocks {
                run(block, field, rule, spec, schedule, from, to);
            }
        }
    }
}

/// The state of [`LANES`] runs, as structure-of-arrays.
#[derive(Clone)]
struct Block<T> {
    x: [T; LANES],
    y: [T; LANES],
    /// Optimizer state per coordinate, each field its own array (no interleaving to shuffle).
    mx: [T; LANES],
    vx: [T; LANES],
    wx: [T; LANES],
    my: [T; LANES],
    vy: [T; LANES],
    wy: [T; LANES],
    /// The last point whose coordinates and loss were finite.
    last_x: [T; LANES],
    last_y: [T; LANES],
    alive: [bool; LANES],
    /// The step of divergence, `u64::MAX` while alive.
    diverged_at: [u64; LANES],
}

impl<T: Real> Block<T> {
    fn new(chunk: &[Point]) -> Self {
        // Unused lanes repeat the first start: finite, so they cost nothing unusual.
        let start = |i: usize| chunk.get(i).or(chunk.first()).copied().unwrap_or_default();
        let x = std::array::from_fn(|i| T::of(start(i).x));
        let y = std::array::from_fn(|i| T::of(start(i).y));
        let zero = [T::default(); LANES];
        Self {
            x,
            y,
            mx: zero,
            vx: zero,
            wx: zero,
            my: zero,
            vy: zero,
            wy: zero,
            last_x: x,
            last_y: y,
            alive: [true; LANES],
            diverged_at: [u64::MAX; LANES],
        }
    }

    fn end(&self, i: usize) -> End {
        let at = self.diverged_at[i];
        let p = Point::new(self.last_x[i].to_f64(), self.last_y[i].to_f64());
        (p, (at != u64::MAX).then_some(at as usize))
    }

    /// Evaluates every lane at its current point, records the finite ones as their last point
    /// and masks off the ones that are not; with `update`, then takes one step.
    // One index into a dozen arrays: the structure-of-arrays loop the compiler vectorises.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn step<F: Field<T>, R: Rule<T>>(
        &mut self,
        field: F,
        rule: R,
        c: &Scalars<T>,
        k: u64,
        update: bool,
    ) {
        // Lanes that diverge at this step: marked here, their step written below, outside the
        // vector loop (a 64-bit step beside 32-bit `f32` lanes would cost a widening per step).
        let mut died = [false; LANES];
        for i in 0..LANES {
            let (x, y) = (self.x[i], self.y[i]);
            let (f, gx, gy) = field(x, y);
            let ok = x.is_finite() & y.is_finite() & f.is_finite();
            let was_alive = self.alive[i];
            let alive = was_alive & ok;
            died[i] = was_alive & !ok;
            self.alive[i] = alive;
            self.last_x[i] = if alive { x } else { self.last_x[i] };
            self.last_y[i] = if alive { y } else { self.last_y[i] };
            if update {
                self.update_lane(rule, c, i, gx, gy);
            }
        }
        if died.iter().any(|&d| d) {
            for (at, _) in self.diverged_at.iter_mut().zip(died).filter(|(_, d)| *d) {
                *at = k;
            }
        }
    }

    fn any_alive(&self) -> bool {
        self.alive.iter().any(|&a| a)
    }

    /// The steps `coefs` on the fast path: no last point, no step of divergence, only a
    /// running `(x + y + f)·0` per lane, which stays zero while every value is finite and turns
    /// NaN for good once one is not. Returns `false` if a live lane went non-finite (or a sum
    /// overflowed): the caller then restores the block and replays the chunk with [`step`],
    /// which records exactly where. Otherwise the block is where [`step`] would have left it.
    ///
    /// [`step`]: Self::step
    #[allow(clippy::needless_range_loop)] // as in `step`
    #[inline(always)]
    fn fast_chunk<F: Field<T>, R: Rule<T>>(
        &mut self,
        field: F,
        rule: R,
        coefs: &[Scalars<T>],
    ) -> bool {
        let mut poison = [T::default(); LANES];
        let Some((last, rest)) = coefs.split_last() else { return true };
        for c in rest {
            self.fast_step(field, rule, c, &mut poison);
        }
        // The last point evaluated: the run's last finite point if the chunk is clean.
        let (at_x, at_y) = (self.x, self.y);
        self.fast_step(field, rule, last, &mut poison);
        let clean = (0..LANES).all(|i| !self.alive[i] | poison[i].is_finite());
        if clean {
            for i in 0..LANES {
                self.last_x[i] = if self.alive[i] { at_x[i] } else { self.last_x[i] };
                self.last_y[i] = if self.alive[i] { at_y[i] } else { self.last_y[i] };
            }
        }
        clean
    }

    /// One step of [`fast_chunk`](Self::fast_chunk).
    #[allow(clippy::needless_range_loop)] // as in `step`
    #[inline(always)]
    fn fast_step<F: Field<T>, R: Rule<T>>(
        &mut self,
        field: F,
        rule: R,
        c: &Scalars<T>,
        poison: &mut [T; LANES],
    ) {
        for i in 0..LANES {
            let (x, y) = (self.x[i], self.y[i]);
            let (f, gx, gy) = field(x, y);
            poison[i] += (x + y + f) * T::default();
            self.update_lane(rule, c, i, gx, gy);
        }
    }

    /// One update of lane `i` (both coordinates and their optimizer state), given the gradient
    /// at its current point: what [`step`](Self::step) and [`fast_step`](Self::fast_step)
    /// share.
    #[inline(always)]
    fn update_lane<R: Rule<T>>(&mut self, rule: R, c: &Scalars<T>, i: usize, gx: T, gy: T) {
        let mut sx = Moment { m: self.mx[i], v: self.vx[i], v_max: self.wx[i] };
        let mut sy = Moment { m: self.my[i], v: self.vy[i], v_max: self.wy[i] };
        self.x[i] = rule.update(c, self.x[i], gx, &mut sx);
        self.y[i] = rule.update(c, self.y[i], gy, &mut sy);
        (self.mx[i], self.vx[i], self.wx[i]) = (sx.m, sx.v, sx.v_max);
        (self.my[i], self.vy[i], self.wy[i]) = (sy.m, sy.v, sy.v_max);
    }
}

/// The updates `from` to `to` of every lane of `block` (whose `schedule` has made `from`
/// steps), then the evaluation of the point reached. Continuing a block this way ends bit for
/// bit where running it from 0 to `to` at once does: the evaluation at the end changes nothing
/// but what is recorded about that point, which the next update would record the same way.
fn run<T: Real, F: Field<T>, R: Rule<T>>(
    block: &mut Block<T>,
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    schedule: &mut Schedule,
    from: usize,
    to: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has just been found to support AVX2.
        unsafe { run_avx2(block, field, rule, spec, schedule, from, to) };
        return;
    }
    run_generic(block, field, rule, spec, schedule, from, to);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<T: Real, F: Field<T>, R: Rule<T>>(
    block: &mut Block<T>,
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    schedule: &mut Schedule,
    from: usize,
    to: usize,
) {
    run_generic(block, field, rule, spec, schedule, from, to);
}

#[inline(always)]
fn run_generic<T: Real, F: Field<T>, R: Rule<T>>(
    block: &mut Block<T>,
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    schedule: &mut Schedule,
    from: usize,
    to: usize,
) {
    let mut coefs = [Scalars::default(); CHUNK];
    let mut k = from;
    while k < to {
        if !block.any_alive() {
            return;
        }
        let n = CHUNK.min(to - k);
        for c in &mut coefs[..n] {
            *c = Scalars::of(&spec.advance(schedule), spec);
        }
        let before = block.clone();
        if !block.fast_chunk(field, rule, &coefs[..n]) {
            // A run diverged in this chunk (rare: once per run at most): again, step by step.
            *block = before;
            for (j, c) in coefs[..n].iter().enumerate() {
                block.step(field, rule, c, (k + j) as u64, true);
            }
        }
        k += n;
    }
    block.step(field, rule, &Scalars::default(), to as u64, false);
}

/// Steps a resumed flight runs between two checks for cancellation.
const FLIGHT_PIECE: usize = 256;

/// Runs of one optimizer in flight, in `f64`: where each is after [`step`](Self::step)
/// updates, with the state to continue them. [`advance`](Self::advance) continues them and
/// [`ends`](Self::ends) says where they are: exactly [`final_points`] at that step, bit for
/// bit, however the steps were split (a test holds it to that). The kernel's blocks for the
/// optimizers it serves, a [`ScalarFlight`] for the others.
#[derive(Clone)]
pub struct Flight {
    spec: OptimizerSpec,
    len: usize,
    state: FlightState,
}

#[derive(Clone)]
enum FlightState {
    Kernel { blocks: Vec<(Block<f64>, Schedule)>, step: usize },
    Scalar(Box<ScalarFlight>),
}

impl Flight {
    /// Runs of `spec` from each of `starts` on `surface`, at step 0.
    pub fn new(surface: &SurfaceDef, spec: &OptimizerSpec, starts: &[Point]) -> Self {
        let state = if in_kernel(spec) {
            let blocks = starts.chunks(LANES).map(|c| (Block::new(c), spec.start())).collect();
            FlightState::Kernel { blocks, step: 0 }
        } else {
            FlightState::Scalar(Box::new(ScalarFlight::new(spec, starts)))
        };
        let mut flight = Self { spec: *spec, len: starts.len(), state };
        if let FlightState::Kernel { blocks, .. } = &mut flight.state {
            // The evaluation of the starts: a start that is not finite has diverged at step 0.
            dispatch::<f64>(surface, spec, Work::Resume { blocks, from: 0, to: 0 });
        }
        flight
    }

    /// The updates done so far.
    pub fn step(&self) -> usize {
        match &self.state {
            FlightState::Kernel { step, .. } => *step,
            FlightState::Scalar(s) => s.step(),
        }
    }

    /// Continues every run on `surface` (the one it started on) until `to` updates are done
    /// (nothing if it is there or beyond). `check` is asked between pieces of work and may
    /// stop it; the runs are then at a consistent step, from which they can go on.
    pub fn advance<E>(
        &mut self,
        surface: &SurfaceDef,
        to: usize,
        mut check: impl FnMut() -> Result<(), E>,
    ) -> Result<(), E> {
        match &mut self.state {
            FlightState::Kernel { blocks, step } => {
                while *step < to {
                    check()?;
                    let next = to.min(step.saturating_add(FLIGHT_PIECE));
                    dispatch::<f64>(
                        surface,
                        &self.spec,
                        Work::Resume { blocks, from: *step, to: next },
                    );
                    *step = next;
                }
                Ok(())
            }
            FlightState::Scalar(s) => s.advance(surface, to, check),
        }
    }

    /// Where each run is at [`step`](Self::step): its last finite point and the step it
    /// diverged at, if it did.
    pub fn ends(&self, surface: &SurfaceDef) -> Vec<End> {
        match &self.state {
            FlightState::Kernel { blocks, .. } => {
                let mut out = Vec::with_capacity(self.len);
                for (block, _) in blocks {
                    let n = (self.len - out.len()).min(LANES);
                    out.extend((0..n).map(|i| block.end(i)));
                }
                out
            }
            FlightState::Scalar(s) => s.ends(surface),
        }
    }
}
