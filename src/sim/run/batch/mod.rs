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

mod block;
mod flight;

pub use flight::Flight;

use self::block::{Block, Job, run};
use crate::sim::optim::kernel::{Rule, RuleSink};
use crate::sim::real::{Dtype, Real};
use crate::sim::surfaces::{BuiltinSurface, BuiltinVisitor};
use crate::sim::{Builtin, OptimizerSpec, Point, StepState, Surface, SurfaceDef};

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
    !spec.cycles_momentum() && spec.kind().about().elementwise
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
    Resume { blocks: &'w mut [(Block<T>, StepState)], from: usize, to: usize },
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

/// Monomorphises the kernel per built-in surface: the field is that surface's own
/// `value_grad_in`, so the kernel inlines its arithmetic alone.
fn with_builtin<T: Real>(b: Builtin, spec: &OptimizerSpec, work: Work<'_, T>) {
    struct Kernel<'s, 'w, T> {
        b: Builtin,
        spec: &'s OptimizerSpec,
        work: Work<'w, T>,
    }
    impl<T: Real> BuiltinVisitor for Kernel<'_, '_, T> {
        type Output = ();
        #[inline(always)]
        fn visit<S: BuiltinSurface>(self) {
            with_field(S::value_grad_in::<T>, &self.b, self.spec, self.work)
        }
    }
    b.visit(Kernel { b, spec, work })
}

/// Monomorphises per optimizer rule (the optimizer's module hands its [`Rule`] to a
/// [`RuleSink`]), or falls back to the scalar path.
fn with_field<T: Real, F: GradField<T>, S: Surface + ?Sized>(
    field: F,
    surface: &S,
    spec: &OptimizerSpec,
    work: Work<'_, T>,
) {
    if !in_kernel(spec) {
        // OneCycle changing the momentum or β₁ every step (the rules fix them per run), or an
        // update that is not elementwise: the scalar path.
        scalar(surface, spec, work);
        return;
    }
    let sink = Sink { field, spec, work };
    if let Err(sink) = spec.kind().kernel(spec.hyper(), sink) {
        scalar(surface, spec, sink.work);
    }
}

/// The kernel's end of [`RuleSink`]: given the rule, runs the blocks.
struct Sink<'s, 'w, T, F> {
    field: F,
    spec: &'s OptimizerSpec,
    work: Work<'w, T>,
}

impl<T: Real, F: GradField<T>> RuleSink<T> for Sink<'_, '_, T, F> {
    fn run<R: Rule<T>>(self, rule: R) -> Result<(), Self> {
        blocks(self.field, rule, self.spec, self.work);
        Ok(())
    }
}

/// The scalar `f64` path, for what the kernel does not serve. Runs under way of such an
/// optimizer are a [`ScalarFlight`](crate::sim::run::trajectory::ScalarFlight), never kernel blocks ([`Flight::new`] chooses), so there
/// is nothing to resume here.
fn scalar<T, S: Surface + ?Sized>(surface: &S, spec: &OptimizerSpec, work: Work<'_, T>) {
    match work {
        Work::Fresh { starts, steps, sink } => {
            crate::sim::final_points(surface, spec, starts, steps).into_iter().for_each(sink);
        }
        Work::Resume { .. } => debug_assert!(false, "kernel blocks of a scalar-path optimizer"),
    }
}

/// f and ∇f at (x, y) as `(f, ∂f/∂x, ∂f/∂y)`: a plain function the kernel inlines.
trait GradField<T>: Fn(T, T) -> (T, T, T) + Copy {}
impl<T, F: Fn(T, T) -> (T, T, T) + Copy> GradField<T> for F {}

/// Runs every block of starts and hands the ends to `sink` in order.
fn blocks<T: Real, F: GradField<T>, R: Rule<T>>(
    field: F,
    rule: R,
    spec: &OptimizerSpec,
    work: Work<'_, T>,
) {
    match work {
        Work::Fresh { starts, steps, sink } => {
            for chunk in starts.chunks(LANES) {
                let mut block = Block::new(chunk);
                let job = Job { field, rule, spec, step_state: &mut spec.start() };
                run(&mut block, job, 0, steps);
                for i in 0..chunk.len() {
                    sink(block.end(i));
                }
            }
        }
        Work::Resume { blocks, from, to } => {
            for (block, step_state) in blocks {
                run(block, Job { field, rule, spec, step_state }, from, to);
            }
        }
    }
}
