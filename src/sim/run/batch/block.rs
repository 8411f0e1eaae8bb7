//! A block of [`LANES`] runs as structure-of-arrays, and the loop that steps it: every step one
//! branch-free pass over the lanes, a diverged lane masked off rather than branched around.

use super::{CHUNK, End, GradField, LANES};
use crate::sim::optim::kernel::{Moment, Rule};
use crate::sim::real::Real;
use crate::sim::{OptimizerSpec, Point, StepScalars, StepState};

/// The state of [`LANES`] runs, as structure-of-arrays.
#[derive(Clone)]
pub(super) struct Block<T> {
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
    pub(super) fn new(chunk: &[Point]) -> Self {
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

    pub(super) fn end(&self, i: usize) -> End {
        let at = self.diverged_at[i];
        let p = Point::new(self.last_x[i].to_f64(), self.last_y[i].to_f64());
        (p, (at != u64::MAX).then_some(at as usize))
    }

    /// Evaluates every lane at its current point, records the finite ones as their last point
    /// and masks off the ones that are not; with `update`, then takes one step.
    // One index into a dozen arrays: the structure-of-arrays loop the compiler vectorises.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn step<F: GradField<T>, R: Rule<T>>(
        &mut self,
        field: F,
        rule: R,
        c: &StepScalars<T>,
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
    fn fast_chunk<F: GradField<T>, R: Rule<T>>(
        &mut self,
        field: F,
        rule: R,
        coefs: &[StepScalars<T>],
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
    fn fast_step<F: GradField<T>, R: Rule<T>>(
        &mut self,
        field: F,
        rule: R,
        c: &StepScalars<T>,
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
    fn update_lane<R: Rule<T>>(&mut self, rule: R, c: &StepScalars<T>, i: usize, gx: T, gy: T) {
        let mut sx = Moment { m: self.mx[i], v: self.vx[i], v_max: self.wx[i] };
        let mut sy = Moment { m: self.my[i], v: self.vy[i], v_max: self.wy[i] };
        self.x[i] = rule.update(c, self.x[i], gx, &mut sx);
        self.y[i] = rule.update(c, self.y[i], gy, &mut sy);
        (self.mx[i], self.vx[i], self.wx[i]) = (sx.m, sx.v, sx.v_max);
        (self.my[i], self.vy[i], self.wy[i]) = (sy.m, sy.v, sy.v_max);
    }
}

/// What the kernel steps a block with: the surface's gradient field, the optimizer's rule,
/// its spec and the step state the block's runs share.
pub(super) struct Job<'a, F, R> {
    pub(super) field: F,
    pub(super) rule: R,
    pub(super) spec: &'a OptimizerSpec,
    pub(super) step_state: &'a mut StepState,
}

/// The updates `from` to `to` of every lane of `block` (whose `schedule` has made `from`
/// steps), then the evaluation of the point reached. Continuing a block this way ends bit for
/// bit where running it from 0 to `to` at once does: the evaluation at the end changes nothing
/// but what is recorded about that point, which the next update would record the same way.
pub(super) fn run<T: Real, F: GradField<T>, R: Rule<T>>(
    block: &mut Block<T>,
    job: Job<'_, F, R>,
    from: usize,
    to: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has just been found to support AVX2.
        unsafe { run_avx2(block, job, from, to) };
        return;
    }
    run_generic(block, job, from, to);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<T: Real, F: GradField<T>, R: Rule<T>>(
    block: &mut Block<T>,
    job: Job<'_, F, R>,
    from: usize,
    to: usize,
) {
    run_generic(block, job, from, to);
}

#[inline(always)]
fn run_generic<T: Real, F: GradField<T>, R: Rule<T>>(
    block: &mut Block<T>,
    job: Job<'_, F, R>,
    from: usize,
    to: usize,
) {
    let Job { field, rule, spec, step_state } = job;
    let mut coefs = [StepScalars::default(); CHUNK];
    let mut k = from;
    while k < to {
        if !block.any_alive() {
            return;
        }
        let n = CHUNK.min(to - k);
        for c in &mut coefs[..n] {
            *c = spec.advance(step_state).cast();
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
    block.step(field, rule, &StepScalars::default(), to as u64, false);
}
