//! Trajectories: an optimizer folded over steps from a start point.
//!
//! Point 0 is the start. Each step evaluates f at the current point, records it, then updates.
//! A run stops after its last point whose coordinates and loss are all finite: a run that stopped
//! early has diverged, at the step of the first non-finite value (SPEC §3). No NaN or infinity
//! ever leaves this module as a point.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::sim::optim::LbfgsMemory;
use crate::sim::optim::lbfgs::{self, LbfgsParams};
use crate::sim::{
    Gradient, Hessian, OptimizerKind, OptimizerSpec, Point, State, StepScalars, StepState, Surface,
};

/// Gaussian gradient noise: each step adds σ·N(0, 1) to each gradient component, drawn from a
/// ChaCha8 stream seeded with `seed` (portable and reproducible across platforms).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Noise {
    /// Standard deviation σ per component; 0 is no noise.
    pub sigma: f64,
    /// Seed of the noise stream.
    pub seed: u64,
}

impl Noise {
    /// No noise.
    pub const NONE: Noise = Noise { sigma: 0.0, seed: 0 };

    /// Whether this adds anything.
    pub fn is_active(&self) -> bool {
        self.sigma > 0.0 && self.sigma.is_finite()
    }
}

/// The stream of noise vectors of one run.
#[derive(Clone, Debug)]
pub struct NoiseStream {
    sigma: f64,
    rng: Option<ChaCha8Rng>,
}

impl NoiseStream {
    /// The stream for `noise`; draws nothing when σ is 0.
    pub fn new(noise: Noise) -> Self {
        Self {
            sigma: noise.sigma,
            rng: noise.is_active().then(|| ChaCha8Rng::seed_from_u64(noise.seed)),
        }
    }

    /// Adds the next noise vector to `g`.
    #[inline(always)]
    pub fn perturb(&mut self, g: Gradient) -> Gradient {
        match &mut self.rng {
            None => g,
            Some(rng) => Self::draw(rng, g, self.sigma),
        }
    }

    #[inline(never)]
    fn draw(rng: &mut ChaCha8Rng, g: Gradient, sigma: f64) -> Gradient {
        let nx: f64 = StandardNormal.sample(rng);
        let ny: f64 = StandardNormal.sample(rng);
        g + Gradient::new(nx, ny) * sigma
    }
}

/// One recorded point of a trajectory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrajectoryPoint {
    /// Where.
    pub point: Point,
    /// f there.
    pub loss: f64,
    /// The true gradient there (without noise); may be non-finite at the last point only if
    /// the surface's derivative overflows where its value does not.
    pub grad: Gradient,
}

/// A run of one optimizer from one start point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    /// Points 0 (the start) to the last finite one.
    pub points: Vec<TrajectoryPoint>,
    /// `Some(k)` when step k produced the first non-finite coordinate or loss.
    pub diverged_at: Option<usize>,
}

impl Trajectory {
    /// Whether the run stopped early on a non-finite value.
    pub fn diverged(&self) -> bool {
        self.diverged_at.is_some()
    }

    /// The last recorded point.
    pub fn last(&self) -> Option<&TrajectoryPoint> {
        self.points.last()
    }
}

/// Where a run is between two steps: everything needed to take the next one.
///
/// [`simulate`] drives it and records every point; the basin map drives it without recording.
#[derive(Clone, Debug)]
pub struct Run<'a, S: ?Sized> {
    surface: &'a S,
    spec: OptimizerSpec,
    state: State,
    step_state: StepState,
    noise: NoiseStream,
    p: Point,
    /// The gradient the last update used (with noise), and that update's scalars.
    last_update: (Gradient, StepScalars),
    /// L-BFGS's history (empty for the other optimizers).
    lbfgs: LbfgsMemory,
}

/// What [`Run::evaluate`] found at the current point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Eval {
    /// The point, its loss and gradient are finite (the gradient possibly not, see
    /// [`TrajectoryPoint::grad`]).
    Finite(TrajectoryPoint),
    /// A coordinate or the loss is not finite: the run has diverged here.
    Diverged,
}

impl<'a, S: Surface + ?Sized> Run<'a, S> {
    /// A run of `spec` from `start`.
    pub fn new(surface: &'a S, spec: OptimizerSpec, start: Point, noise: Noise) -> Self {
        Self {
            surface,
            state: spec.init(),
            step_state: spec.start(),
            spec,
            noise: NoiseStream::new(noise),
            p: start,
            last_update: (Gradient::zeros(), StepScalars::default()),
            lbfgs: LbfgsMemory::default(),
        }
    }

    /// A run of `spec` under way, without noise: at `p` with its optimizer state and L-BFGS
    /// memory, and `step_state` (shared by runs in lockstep).
    fn resumed(
        surface: &'a S,
        spec: OptimizerSpec,
        step_state: StepState,
        (p, state, lbfgs): (Point, State, LbfgsMemory),
    ) -> Self {
        Self {
            surface,
            spec,
            state,
            step_state,
            noise: NoiseStream::new(Noise::NONE),
            p,
            last_update: (Gradient::zeros(), StepScalars::default()),
            lbfgs,
        }
    }

    /// The current point.
    pub fn point(&self) -> Point {
        self.p
    }

    /// The optimizer state (after the updates done so far).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// L-BFGS's history (empty for the other optimizers).
    pub fn lbfgs(&self) -> &LbfgsMemory {
        &self.lbfgs
    }

    /// The step-dependent part of the optimizer state.
    pub fn step_state(&self) -> &StepState {
        &self.step_state
    }

    /// Evaluates f and ∇f at the current point, then updates to the next point. Returns what
    /// was found at the point before the update.
    #[inline(always)]
    pub fn step(&mut self) -> Eval {
        let c = self.spec.advance(&mut self.step_state);
        self.step_with(&c)
    }

    /// [`step`](Self::step) with this step's scalars computed by the caller, from a step state
    /// shared by runs in lockstep (the run's own step state does not advance).
    #[inline(always)]
    fn step_with(&mut self, c: &StepScalars) -> Eval {
        let p = self.p;
        if !(p.x.is_finite() && p.y.is_finite()) {
            return Eval::Diverged;
        }
        let (loss, grad, hessian): (f64, Gradient, Option<Hessian>) =
            if self.spec.kind().needs_hessian() {
                let (f, g, h) = self.surface.value_grad_hessian(p);
                (f, g, Some(h))
            } else {
                let (f, g) = self.surface.value_grad(p);
                (f, g, None)
            };
        if !loss.is_finite() {
            return Eval::Diverged;
        }
        let g_noisy = self.noise.perturb(grad);
        self.p = if self.spec.kind() == OptimizerKind::Lbfgs {
            // L-BFGS evaluates the surface inside its step (the line search), without noise.
            let params = LbfgsParams::new(self.spec.hyper(), c.lr);
            self.state.step = c.step;
            let surface = self.surface;
            lbfgs::step(&params, &mut self.lbfgs, p, loss, g_noisy, |q| surface.value_grad(q))
        } else {
            self.spec.apply(c, &mut self.state, p, g_noisy, hessian.as_ref())
        };
        self.last_update = (g_noisy, *c);
        Eval::Finite(TrajectoryPoint { point: p, loss, grad })
    }

    /// The gradient the last update used (the true one plus noise) and that update's
    /// step-dependent scalars: what the narrate panel prints.
    pub fn last_update(&self) -> (Gradient, StepScalars) {
        self.last_update
    }

    /// Evaluates f and ∇f at the current point without updating.
    pub fn peek(&self) -> Eval {
        let p = self.p;
        if !(p.x.is_finite() && p.y.is_finite()) {
            return Eval::Diverged;
        }
        let (loss, grad) = self.surface.value_grad(p);
        if loss.is_finite() {
            Eval::Finite(TrajectoryPoint { point: p, loss, grad })
        } else {
            Eval::Diverged
        }
    }
}

/// Runs of one optimizer in flight, without their surface: where each is after
/// [`step`](Self::step) updates, with everything needed to continue them exactly as
/// [`final_points`] would have run them from the start. A cloud moving forward advances its
/// runs by the steps since the last frame instead of replaying them all.
#[derive(Clone, Debug)]
pub struct ScalarFlight {
    spec: OptimizerSpec,
    /// Each run's point, optimizer state and L-BFGS memory (its own step state is unused: the
    /// runs share `step_state`, as [`final_points`]'s lockstep runs do).
    runs: Vec<(Point, State, LbfgsMemory)>,
    /// Each run's last finite point and step of divergence.
    ends: Vec<(Point, Option<usize>)>,
    step_state: StepState,
    step: usize,
}

impl ScalarFlight {
    /// Runs of `spec` from each of `starts`, at step 0.
    pub fn new(spec: &OptimizerSpec, starts: &[Point]) -> Self {
        Self {
            spec: *spec,
            runs: starts.iter().map(|&p| (p, spec.init(), LbfgsMemory::default())).collect(),
            ends: starts.iter().map(|&p| (p, None)).collect(),
            step_state: spec.start(),
            step: 0,
        }
    }

    /// The updates done so far.
    pub fn step(&self) -> usize {
        self.step
    }

    /// Continues every run on `surface` (the one it started on) until `to` updates are done;
    /// nothing if it is there already. Between updates `check` may stop it (the runs are then
    /// left at a consistent step).
    pub fn advance<S: Surface + ?Sized, E>(
        &mut self,
        surface: &S,
        to: usize,
        mut check: impl FnMut() -> Result<(), E>,
    ) -> Result<(), E> {
        let spec = self.spec;
        while self.step < to {
            if self.ends.iter().all(|e| e.1.is_some()) {
                self.step = to;
                break;
            }
            if self.step.is_multiple_of(64) {
                check()?;
            }
            let k = self.step;
            let c = spec.advance(&mut self.step_state);
            for ((p, state, lbfgs), end) in self.runs.iter_mut().zip(&mut self.ends) {
                if end.1.is_some() {
                    continue;
                }
                let resumed = (*p, *state, std::mem::take(lbfgs));
                let mut run = Run::resumed(surface, spec, self.step_state, resumed);
                match run.step_with(&c) {
                    Eval::Finite(tp) => end.0 = tp.point,
                    Eval::Diverged => end.1 = Some(k),
                }
                (*p, *state, *lbfgs) = (run.p, run.state, run.lbfgs);
            }
            self.step += 1;
        }
        Ok(())
    }

    /// Where each run is at [`step`](Self::step): [`final_points`] at that step, bit for bit.
    pub fn ends<S: Surface + ?Sized>(&self, surface: &S) -> Vec<(Point, Option<usize>)> {
        self.runs
            .iter()
            .zip(&self.ends)
            .map(|((p, state, _), &end)| {
                if end.1.is_some() {
                    return end;
                }
                let resumed = (*p, *state, LbfgsMemory::default());
                let run = Run::resumed(surface, self.spec, self.step_state, resumed);
                match run.peek() {
                    Eval::Finite(tp) => (tp.point, None),
                    Eval::Diverged => (end.0, Some(self.step)),
                }
            })
            .collect()
    }
}

/// Runs `spec` from `start` for `steps` updates and records points 0 to `steps` (fewer if the
/// run diverges).
pub fn simulate<S: Surface + ?Sized>(
    surface: &S,
    spec: &OptimizerSpec,
    start: Point,
    steps: usize,
    noise: Noise,
) -> Trajectory {
    let mut run = Run::new(surface, *spec, start, noise);
    let mut points = Vec::with_capacity(steps.min(1 << 20) + 1);
    for k in 0..=steps {
        let eval = if k == steps { run.peek() } else { run.step() };
        match eval {
            Eval::Finite(point) => points.push(point),
            Eval::Diverged => return Trajectory { points, diverged_at: Some(k) },
        }
    }
    Trajectory { points, diverged_at: None }
}

/// Runs `spec` from `start` for `steps` updates without recording: the last finite point and
/// the step of divergence, if any. The kernel of the basin map.
pub fn final_point<S: Surface + ?Sized>(
    surface: &S,
    spec: &OptimizerSpec,
    start: Point,
    steps: usize,
) -> (Point, Option<usize>) {
    let mut run = Run::new(surface, *spec, start, Noise::NONE);
    let mut last = start;
    for k in 0..steps {
        match run.step() {
            Eval::Finite(tp) => last = tp.point,
            Eval::Diverged => return (last, Some(k)),
        }
    }
    match run.peek() {
        Eval::Finite(tp) => (tp.point, None),
        Eval::Diverged => (last, Some(steps)),
    }
}

/// Runs stepped in lockstep: independent runs interleaved so that their dependency chains
/// overlap in the CPU's pipeline (one run alone is bound by the latency of its own step).
const LANES: usize = 4;

/// [`simulate`] from each of `starts`, in lockstep groups: the same trajectories, computed
/// several times faster on one core than one after the other.
pub fn simulate_many<S: Surface + ?Sized>(
    surface: &S,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    noise: Noise,
) -> Vec<Trajectory> {
    simulate_many_thinned(surface, spec, starts, steps, noise, 1)
}

/// [`simulate_many`] keeping only every `stride`-th point (steps 0, stride, 2·stride, …) and
/// the last finite one, so that a long run costs memory in proportion to what a screen can show.
/// The kept points are exactly the ones [`simulate`] records at those steps, and
/// [`Trajectory::diverged_at`] is the same. With `stride` 1 this is [`simulate_many`].
pub fn simulate_many_thinned<S: Surface + ?Sized>(
    surface: &S,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    noise: Noise,
    stride: usize,
) -> Vec<Trajectory> {
    let stride = stride.max(1);
    let kept = steps / stride + 2;
    let mut out = Vec::with_capacity(starts.len());
    for chunk in starts.chunks(LANES) {
        let mut runs: Vec<Run<'_, S>> =
            chunk.iter().map(|&start| Run::new(surface, *spec, start, noise)).collect();
        let mut trajectories: Vec<Trajectory> = chunk
            .iter()
            .map(|_| Trajectory {
                points: Vec::with_capacity(kept.min(1 << 20)),
                diverged_at: None,
            })
            .collect();
        // The last point evaluated of each run, kept in case it is not on the stride.
        let mut last: Vec<Option<TrajectoryPoint>> = vec![None; chunk.len()];
        let mut live = chunk.len();
        let mut step_state = spec.start();
        for k in 0..=steps {
            if live == 0 {
                break;
            }
            let c = spec.advance(&mut step_state);
            let on_stride = k % stride == 0;
            for ((run, trajectory), last) in runs.iter_mut().zip(&mut trajectories).zip(&mut last) {
                if trajectory.diverged_at.is_some() {
                    continue;
                }
                match if k == steps { run.peek() } else { run.step_with(&c) } {
                    Eval::Finite(point) if on_stride => {
                        trajectory.points.push(point);
                        *last = None;
                    }
                    Eval::Finite(point) => *last = Some(point),
                    Eval::Diverged => {
                        trajectory.diverged_at = Some(k);
                        live -= 1;
                    }
                }
            }
        }
        for (trajectory, last) in trajectories.iter_mut().zip(last) {
            trajectory.points.extend(last);
        }
        out.extend(trajectories);
    }
    out
}

/// [`final_point`] from each of `starts`, in lockstep groups: the kernel of the basin map.
pub fn final_points<S: Surface + ?Sized>(
    surface: &S,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
) -> Vec<(Point, Option<usize>)> {
    let mut out = Vec::with_capacity(starts.len());
    for chunk in starts.chunks(LANES) {
        let mut runs: Vec<Run<'_, S>> =
            chunk.iter().map(|&start| Run::new(surface, *spec, start, Noise::NONE)).collect();
        let mut ends: Vec<(Point, Option<usize>)> =
            chunk.iter().map(|&start| (start, None)).collect();
        let mut live = chunk.len();
        let mut step_state = spec.start();
        for k in 0..steps {
            if live == 0 {
                break;
            }
            let c = spec.advance(&mut step_state);
            for (run, end) in runs.iter_mut().zip(&mut ends) {
                if end.1.is_some() {
                    continue;
                }
                match run.step_with(&c) {
                    Eval::Finite(tp) => end.0 = tp.point,
                    Eval::Diverged => {
                        end.1 = Some(k);
                        live -= 1;
                    }
                }
            }
        }
        for (run, end) in runs.iter().zip(&mut ends) {
            if end.1.is_none() {
                match run.peek() {
                    Eval::Finite(tp) => end.0 = tp.point,
                    Eval::Diverged => end.1 = Some(steps),
                }
            }
        }
        out.extend(ends);
    }
    out
}
