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
//! Newton and saddle-free Newton (a 2 × 2 solve or eigen-decomposition per step), and runs with
//! gradient noise, go through the scalar path: [`final_points`] picks.

use super::optimizer::{Coefs, Hyper, Schedule};
use super::{Builtin, OptimizerKind, OptimizerSpec, Point, Surface, SurfaceDef};

/// Runs per block: eight AVX2 registers (sixteen SSE2 ones) of independent work per operation,
/// enough to keep the divider and square-root unit busy, which bound an adaptive step.
pub const LANES: usize = 32;

/// How often (in steps) a block checks whether all its runs have diverged and it can stop.
const LIVENESS_CHECK: usize = 32;

/// Where a run ended: its last finite point, and the step at which it diverged, if it did.
pub type End = (Point, Option<usize>);

/// [`final_point`](super::final_point) from each of `starts`, `steps` updates each, with the
/// batch kernel where it applies and the scalar lockstep path where it does not (Newton,
/// saddle-free Newton). The results are bit-identical either way.
pub fn final_points(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
) -> Vec<End> {
    let mut out = Vec::with_capacity(starts.len());
    for_each_end(surface, spec, starts, steps, |end| out.push(end));
    out
}

/// [`final_points`] without collecting: `sink` receives the ends in the order of `starts`.
pub fn for_each_end(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    sink: impl FnMut(End),
) {
    match surface {
        SurfaceDef::Builtin(b) => with_builtin(*b, spec, starts, steps, sink),
        SurfaceDef::Formula(f) => {
            let field = |x: f64, y: f64| {
                let (v, g) = f.value_grad(Point::new(x, y));
                (v, g.x, g.y)
            };
            with_field(field, &**f, spec, starts, steps, sink);
        }
    }
}

/// Monomorphises the kernel per built-in surface: `Builtin::X.value_grad` with `X` a constant
/// inlines to that surface's arithmetic alone.
fn with_builtin(
    b: Builtin,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    sink: impl FnMut(End),
) {
    macro_rules! dispatch {
        ($($variant:ident),*) => {
            match b {
                $(Builtin::$variant => {
                    let field = |x: f64, y: f64| {
                        let (v, g) = Builtin::$variant.value_grad(Point::new(x, y));
                        (v, g.x, g.y)
                    };
                    with_field(field, &Builtin::$variant, spec, starts, steps, sink)
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
fn with_field<F: Field, S: Surface + ?Sized>(
    field: F,
    surface: &S,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    sink: impl FnMut(End),
) {
    let h = spec.hyper();
    match spec.kind() {
        OptimizerKind::Gd => blocks(field, Gd { lr: h.lr }, spec, starts, steps, sink),
        OptimizerKind::Momentum | OptimizerKind::Nesterov => {
            let nesterov = spec.kind() == OptimizerKind::Nesterov;
            let rule = Heavy {
                lr: h.lr,
                momentum: h.momentum,
                keep: 1.0 - if nesterov { 0.0 } else { h.dampening },
                nesterov,
            };
            blocks(field, rule, spec, starts, steps, sink)
        }
        OptimizerKind::Adagrad => {
            blocks(field, Adagrad { lr: h.lr, eps: h.eps }, spec, starts, steps, sink)
        }
        OptimizerKind::Rmsprop => {
            let rule =
                Rmsprop { lr: h.lr, alpha: h.alpha, one_minus_alpha: 1.0 - h.alpha, eps: h.eps };
            blocks(field, rule, spec, starts, steps, sink)
        }
        OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Nadam => {
            let moments = Moments::new(h);
            match (spec.kind(), h.amsgrad) {
                (OptimizerKind::Adam, false) => {
                    blocks(field, Adam { moments, decay: 1.0 }, spec, starts, steps, sink)
                }
                (OptimizerKind::Adam, true) => {
                    blocks(field, AmsGrad { moments }, spec, starts, steps, sink)
                }
                (OptimizerKind::Adamw, _) => {
                    let decay = 1.0 - h.lr * h.weight_decay;
                    blocks(field, Adam { moments, decay }, spec, starts, steps, sink)
                }
                _ => blocks(field, Nadam { moments }, spec, starts, steps, sink),
            }
        }
        OptimizerKind::Newton | OptimizerKind::Sfn => {
            super::final_points(surface, spec, starts, steps).into_iter().for_each(sink)
        }
    }
}

/// f and ∇f at (x, y) as `(f, ∂f/∂x, ∂f/∂y)`: a plain function the kernel inlines.
trait Field: Fn(f64, f64) -> (f64, f64, f64) + Copy {}
impl<F: Fn(f64, f64) -> (f64, f64, f64) + Copy> Field for F {}

/// One lane's optimizer state: the first and second moments and AMSGrad's maximum.
#[derive(Clone, Copy, Default)]
struct Moment {
    m: f64,
    v: f64,
    v_max: f64,
}

/// One optimizer's update of one coordinate, as in [`OptimizerSpec::apply`], operation for
/// operation. Coordinates update independently for every optimizer the kernel serves.
trait Rule: Copy {
    fn update(&self, c: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64;
}

#[derive(Clone, Copy)]
struct Gd {
    lr: f64,
}

impl Rule for Gd {
    #[inline(always)]
    fn update(&self, _: &Coefs, p: f64, g: f64, _: &mut Moment) -> f64 {
        p + g * -self.lr
    }
}

#[derive(Clone, Copy)]
struct Heavy {
    lr: f64,
    momentum: f64,
    /// `1 − dampening`.
    keep: f64,
    nesterov: bool,
}

impl Rule for Heavy {
    #[inline(always)]
    fn update(&self, c: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64 {
        s.m = if c.step == 1 { g } else { s.m * self.momentum + g * self.keep };
        let d = if self.nesterov { g + s.m * self.momentum } else { s.m };
        p + d * -self.lr
    }
}

#[derive(Clone, Copy)]
struct Adagrad {
    lr: f64,
    eps: f64,
}

impl Rule for Adagrad {
    #[inline(always)]
    fn update(&self, _: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64 {
        s.v += 1.0 * g * g;
        p + -self.lr * g / (s.v.sqrt() + self.eps)
    }
}

#[derive(Clone, Copy)]
struct Rmsprop {
    lr: f64,
    alpha: f64,
    one_minus_alpha: f64,
    eps: f64,
}

impl Rule for Rmsprop {
    #[inline(always)]
    fn update(&self, _: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64 {
        s.v = s.v * self.alpha + self.one_minus_alpha * g * g;
        p + -self.lr * g / (s.v.sqrt() + self.eps)
    }
}

/// The moment updates Adam, AdamW and NAdam share, with the branch of PyTorch's `lerp` chosen
/// once for the run (its weight, 1 − β₁, does not change).
#[derive(Clone, Copy)]
struct Moments {
    /// 1 − β₁, the `lerp` weight.
    weight: f64,
    /// 1 − weight, for the upper branch.
    rest: f64,
    low_branch: bool,
    beta2: f64,
    one_minus_beta2: f64,
    eps: f64,
}

impl Moments {
    fn new(h: &Hyper) -> Self {
        let weight = 1.0 - h.beta1;
        Self {
            weight,
            rest: 1.0 - weight,
            low_branch: weight.abs() < 0.5,
            beta2: h.beta2,
            one_minus_beta2: 1.0 - h.beta2,
            eps: h.eps,
        }
    }

    #[inline(always)]
    fn advance(&self, g: f64, s: &mut Moment) {
        s.m =
            if self.low_branch { s.m + self.weight * (g - s.m) } else { g - (g - s.m) * self.rest };
        s.v = s.v * self.beta2 + self.one_minus_beta2 * g * g;
    }
}

#[derive(Clone, Copy)]
struct Adam {
    moments: Moments,
    /// AdamW's `1 − lr·wd`; 1 for Adam (`p·1 = p` exactly, so one code path serves both).
    decay: f64,
}

impl Rule for Adam {
    #[inline(always)]
    fn update(&self, c: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64 {
        let p = p * self.decay;
        self.moments.advance(g, s);
        let denom = s.v.sqrt() / c.bias_correction2 + self.moments.eps;
        p + -c.step_size * s.m / denom
    }
}

#[derive(Clone, Copy)]
struct AmsGrad {
    moments: Moments,
}

impl Rule for AmsGrad {
    #[inline(always)]
    fn update(&self, c: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64 {
        self.moments.advance(g, s);
        s.v_max = s.v_max.max(s.v);
        let denom = s.v_max.sqrt() / c.bias_correction2 + self.moments.eps;
        p + -c.step_size * s.m / denom
    }
}

#[derive(Clone, Copy)]
struct Nadam {
    moments: Moments,
}

impl Rule for Nadam {
    #[inline(always)]
    fn update(&self, c: &Coefs, p: f64, g: f64, s: &mut Moment) -> f64 {
        self.moments.advance(g, s);
        let denom = (s.v / c.bias_correction2).sqrt() + self.moments.eps;
        let p = p + c.grad_coef * g / denom;
        p + c.momentum_coef * s.m / denom
    }
}

/// Runs every block of starts and hands the ends to `sink` in order.
fn blocks<F: Field, R: Rule>(
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    mut sink: impl FnMut(End),
) {
    for chunk in starts.chunks(LANES) {
        let mut block = Block::new(chunk);
        run(&mut block, field, rule, spec, steps);
        for i in 0..chunk.len() {
            sink(block.end(i));
        }
    }
}

/// The state of [`LANES`] runs, as structure-of-arrays.
struct Block {
    x: [f64; LANES],
    y: [f64; LANES],
    /// Optimizer state per coordinate, each field its own array (no interleaving to shuffle).
    mx: [f64; LANES],
    vx: [f64; LANES],
    wx: [f64; LANES],
    my: [f64; LANES],
    vy: [f64; LANES],
    wy: [f64; LANES],
    /// The last point whose coordinates and loss were finite.
    last_x: [f64; LANES],
    last_y: [f64; LANES],
    alive: [bool; LANES],
    /// The step of divergence, `u64::MAX` while alive.
    diverged_at: [u64; LANES],
}

impl Block {
    fn new(chunk: &[Point]) -> Self {
        // Unused lanes repeat the first start: finite, so they cost nothing unusual.
        let start = |i: usize| chunk.get(i).or(chunk.first()).copied().unwrap_or_default();
        let x = std::array::from_fn(|i| start(i).x);
        let y = std::array::from_fn(|i| start(i).y);
        Self {
            x,
            y,
            mx: [0.0; LANES],
            vx: [0.0; LANES],
            wx: [0.0; LANES],
            my: [0.0; LANES],
            vy: [0.0; LANES],
            wy: [0.0; LANES],
            last_x: x,
            last_y: y,
            alive: [true; LANES],
            diverged_at: [u64::MAX; LANES],
        }
    }

    fn end(&self, i: usize) -> End {
        let at = self.diverged_at[i];
        (Point::new(self.last_x[i], self.last_y[i]), (at != u64::MAX).then_some(at as usize))
    }

    /// Evaluates every lane at its current point, records the finite ones as their last point
    /// and masks off the ones that are not; with `update`, then takes one step.
    #[inline(always)]
    fn step<F: Field, R: Rule>(&mut self, field: F, rule: R, c: &Coefs, k: u64, update: bool) {
        for i in 0..LANES {
            let (x, y) = (self.x[i], self.y[i]);
            let (f, gx, gy) = field(x, y);
            let ok = x.is_finite() & y.is_finite() & f.is_finite();
            let was_alive = self.alive[i];
            let alive = was_alive & ok;
            self.diverged_at[i] = if was_alive & !ok { k } else { self.diverged_at[i] };
            self.alive[i] = alive;
            self.last_x[i] = if alive { x } else { self.last_x[i] };
            self.last_y[i] = if alive { y } else { self.last_y[i] };
            if update {
                let mut sx = Moment { m: self.mx[i], v: self.vx[i], v_max: self.wx[i] };
                let mut sy = Moment { m: self.my[i], v: self.vy[i], v_max: self.wy[i] };
                self.x[i] = rule.update(c, x, gx, &mut sx);
                self.y[i] = rule.update(c, y, gy, &mut sy);
                (self.mx[i], self.vx[i], self.wx[i]) = (sx.m, sx.v, sx.v_max);
                (self.my[i], self.vy[i], self.wy[i]) = (sy.m, sy.v, sy.v_max);
            }
        }
    }

    fn any_alive(&self) -> bool {
        self.alive.iter().any(|&a| a)
    }
}

/// `steps` updates of every lane of `block`, then the evaluation of the last point.
fn run<F: Field, R: Rule>(
    block: &mut Block,
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    steps: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has just been found to support AVX2.
        unsafe { run_avx2(block, field, rule, spec, steps) };
        return;
    }
    run_generic(block, field, rule, spec, steps);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<F: Field, R: Rule>(
    block: &mut Block,
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    steps: usize,
) {
    run_generic(block, field, rule, spec, steps);
}

#[inline(always)]
fn run_generic<F: Field, R: Rule>(
    block: &mut Block,
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    steps: usize,
) {
    let mut schedule = Schedule::default();
    for k in 0..steps {
        if k % LIVENESS_CHECK == 0 && !block.any_alive() {
            return;
        }
        let c = spec.advance(&mut schedule);
        block.step(field, rule, &c, k as u64, true);
    }
    block.step(field, rule, &Coefs::default(), steps as u64, false);
}
