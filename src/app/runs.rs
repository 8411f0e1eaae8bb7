//! The trajectories on screen, computed in the background once per change of their inputs and
//! cached.
//!
//! A run is keyed by everything it depends on (surface, start, optimizer and hyper-parameters,
//! noise, steps, and how finely it is stored), so moving one start point recomputes only that
//! start's runs, and a frame that changes nothing computes nothing. The computation is a job
//! ([`crate::jobs`]): the UI keeps drawing the previous runs, with a progress note, until the
//! new ones arrive, and a newer change cancels an older computation.
//!
//! Memory is budgeted ([`crate::budget`]): a scene whose runs would not fit is stored thinned
//! (every k-th step, k a power of two), which is all a screen can show of it; exact values at any
//! step are recomputed on demand (the narrate panel replays the run, the simulator being
//! deterministic).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use egui_plot::PlotPoint;
use rayon::prelude::*;

use crate::budget::{self, Plan};
use crate::figure::decimate::simplify_by;
use crate::jobs::{Budget, Cancelled, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced};
use crate::scene::Scene;
use crate::sim::{Noise, OptimizerSpec, Point, SurfaceDef, Trajectory, simulate_many_thinned};

/// One run as the app shows it: its trajectory (thinned when the budget asks) and its
/// simplified series, cached per zoom level.
#[derive(Debug)]
pub struct ShownRun {
    /// The simulated trajectory: every point, or every `stride`-th and the last one.
    pub trajectory: Trajectory,
    /// The steps between two stored points (1: every point is stored).
    pub stride: usize,
    /// The step of the last stored point.
    last_step: usize,
    /// Whether every loss is ≥ 0, so that a log axis can show it (found once, off the UI
    /// thread: asked per point, it made a frame quadratic in the run's length).
    loss_positive: bool,
    /// The points of each series worth drawing at the last resolution asked for.
    simplified: [Mutex<Simplified>; 5],
}

/// One of a run's drawable series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Where the run went, (x, y).
    Path,
    /// f against the step.
    Loss,
    /// log₁₀ f against the step.
    LossLog,
    /// ‖∇f‖ against the step.
    GradNorm,
    /// log₁₀ ‖∇f‖ against the step.
    GradNormLog,
}

/// A cached simplification: for a pixel size, the indices kept.
#[derive(Debug, Default)]
struct Simplified {
    px: [f64; 2],
    kept: Arc<[u32]>,
}

/// Pixels a simplified line may stray from the true one.
const TOLERANCE_PX: f64 = 0.35;

/// Pixels a simplified loss or gradient curve may stray: the curves are small plots of many
/// runs at once, where a pixel of error cannot be seen and halves what a frame draws.
const CURVE_TOLERANCE_PX: f64 = 1.0;

/// The smallest value a log axis shows.
const LOG_FLOOR: f64 = 1e-16;

/// Points a frame may simplify afresh (after a zoom); runs beyond it keep their previous
/// simplification for a frame or two, so that zooming into thousands of runs never stalls a
/// frame.
const SIMPLIFY_POINTS_PER_FRAME: usize = 400_000;

/// What is left of this frame's simplification allowance.
static SIMPLIFY_ALLOWANCE: AtomicUsize = AtomicUsize::new(SIMPLIFY_POINTS_PER_FRAME);

/// Points a run shows before its simplification is computed.
const ROUGH_POINTS: usize = 96;

/// Every ⌈n / most⌉-th of `n` indices, and the last: at most about `most + 1`.
fn strided(n: usize, most: usize) -> Vec<u32> {
    let step = n.div_ceil(most.max(1)).max(1);
    let mut kept: Vec<u32> = (0..n).step_by(step).map(|i| i as u32).collect();
    if n > 0 && kept.last() != Some(&((n - 1) as u32)) {
        kept.push((n - 1) as u32);
    }
    kept
}

/// How coarsely to draw runs whose simplified paths hold `total` points together, at most
/// `most` drawn: every `thinning(total, most)`-th point of each.
pub fn thinning(total: usize, most: usize) -> usize {
    total.div_ceil(most.max(1)).max(1)
}

/// Every `every`-th of the `kept` indices, the last one included: a coarser path, where more
/// runs are drawn than the platform draws points of ([`crate::platform::DRAWN_PATH_POINTS`]).
pub fn thinned(kept: &[u32], every: usize) -> std::borrow::Cow<'_, [u32]> {
    if every <= 1 {
        return std::borrow::Cow::Borrowed(kept);
    }
    let mut out: Vec<u32> = kept.iter().copied().step_by(every).collect();
    if let Some(&last) = kept.last()
        && out.last() != Some(&last)
    {
        out.push(last);
    }
    std::borrow::Cow::Owned(out)
}

/// Starts a new frame's simplification allowance.
pub fn new_frame() {
    SIMPLIFY_ALLOWANCE.store(SIMPLIFY_POINTS_PER_FRAME, Ordering::Relaxed);
}

impl ShownRun {
    fn new(trajectory: Trajectory, stride: usize, steps: usize) -> Self {
        let last_step = match trajectory.diverged_at {
            Some(k) => k.saturating_sub(1),
            None => steps,
        };
        let loss_positive = trajectory.points.iter().all(|p| p.loss >= 0.0);
        Self { trajectory, stride, last_step, loss_positive, simplified: Default::default() }
    }

    /// How many points are stored.
    pub fn len(&self) -> usize {
        self.trajectory.points.len()
    }

    /// Whether the run has no point at all (its start was not finite).
    pub fn is_empty(&self) -> bool {
        self.trajectory.points.is_empty()
    }

    /// The step of stored point `i`.
    pub fn step_of(&self, i: usize) -> usize {
        if i + 1 >= self.len() { self.last_step } else { i * self.stride }
    }

    /// The step of the last point: the run's length in steps.
    pub fn last_step(&self) -> usize {
        self.last_step
    }

    /// Point `i` of `series`.
    pub fn point(&self, series: Series, i: usize) -> PlotPoint {
        let tp = &self.trajectory.points[i];
        let step = self.step_of(i) as f64;
        let log = |v: f64| v.max(LOG_FLOOR).log10();
        match series {
            Series::Path => PlotPoint::new(tp.point.x, tp.point.y),
            Series::Loss => PlotPoint::new(step, tp.loss),
            Series::LossLog if self.loss_positive => PlotPoint::new(step, log(tp.loss)),
            Series::LossLog => PlotPoint::new(step, tp.loss),
            Series::GradNorm => PlotPoint::new(step, tp.grad.norm()),
            Series::GradNormLog => PlotPoint::new(step, log(tp.grad.norm())),
        }
    }

    /// The indices of `series` worth drawing where a pixel is `px` data units (x, y): computed
    /// once per zoom level, not per frame (a cached result up to twice as fine is reused, and
    /// a stale one while this frame's allowance is spent).
    pub fn simplified(&self, series: Series, px: [f64; 2]) -> Arc<[u32]> {
        let slot = &self.simplified[series as usize];
        let mut cache = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fits = |c: f64, want: f64| c > 0.0 && c <= want && c >= want / 2.0;
        let fresh = fits(cache.px[0], px[0]) && fits(cache.px[1], px[1]);
        let have = !cache.kept.is_empty() || self.is_empty();
        if !fresh {
            let n = self.len();
            let allowed = SIMPLIFY_ALLOWANCE
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |a| a.checked_sub(n))
                .is_ok();
            if !allowed && !have {
                // Over this frame's allowance with nothing to show yet (thousands of long runs
                // just arrived): every few points for now, refined in the frames that follow.
                *cache = Simplified { px: [0.0; 2], kept: strided(n, ROUGH_POINTS).into() };
            } else if allowed {
                let kept = if px[0] > 0.0 && px[1] > 0.0 {
                    simplify_by(
                        n,
                        |i| {
                            let p = self.point(series, i);
                            (p.x / px[0], p.y / px[1])
                        },
                        if series == Series::Path { TOLERANCE_PX } else { CURVE_TOLERANCE_PX },
                    )
                } else {
                    (0..n as u32).collect()
                };
                *cache = Simplified { px, kept: kept.into() };
            }
        }
        Arc::clone(&cache.kept)
    }

    /// The simplified points of `series` up to stored index `head` (inclusive): the kept
    /// points before it, then the head itself.
    pub fn prefix(&self, series: Series, kept: &[u32], head: usize) -> Vec<PlotPoint> {
        let k = kept.partition_point(|&i| (i as usize) <= head);
        let mut out: Vec<PlotPoint> =
            kept[..k].iter().map(|&i| self.point(series, i as usize)).collect();
        if kept[..k].last().map(|&i| i as usize) != Some(head) && head < self.len() {
            out.push(self.point(series, head));
        }
        out
    }

    /// The index of the stored point shown at playback step `step`.
    pub fn head(&self, step: usize) -> usize {
        let last = self.len().saturating_sub(1);
        if step >= self.last_step { last } else { (step / self.stride).min(last) }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RunKey {
    surface: u64,
    start: [u64; 2],
    spec: String,
    noise: [u64; 2],
    steps: usize,
    stride: usize,
}

impl RunKey {
    fn new(
        surface: u64,
        start: Point,
        spec: &OptimizerSpec,
        noise: Noise,
        steps: usize,
        stride: usize,
    ) -> Self {
        Self {
            surface,
            start: [start.x.to_bits(), start.y.to_bits()],
            spec: spec.to_string(),
            noise: [noise.sigma.to_bits(), noise.seed],
            steps,
            stride,
        }
    }
}

/// The runs of a scene: `table[optimizer][start]`, `None` for a disabled optimizer.
type Table = Vec<Option<Vec<Arc<ShownRun>>>>;

/// What a runs job hands back.
struct ComputedRuns {
    table: Table,
    cache: HashMap<RunKey, Arc<ShownRun>>,
    plan: Plan,
}

/// The runs of the current scene, and the job computing the next ones.
pub struct Runs {
    cache: HashMap<RunKey, Arc<ShownRun>>,
    /// Per optimizer entry, per start point.
    pub table: Table,
    /// The longest run's last step.
    pub max_len: usize,
    /// Changes whenever `table` is replaced: a cache key for what is derived from the runs.
    pub generation: u64,
    /// How the runs on screen are stored.
    pub plan: Plan,
    /// Bytes of trajectory data the runs may keep ([`budget::TRAJECTORY_BYTES`]).
    pub budget_bytes: usize,
    job: JobSlot<ComputedRuns>,
    /// Whether the runs on screen are the ones the scene asks for.
    current: bool,
    /// The scene and surface the runs were last asked for.
    asked: Option<(Scene, u64)>,
}

impl Default for Runs {
    fn default() -> Self {
        Self {
            cache: HashMap::new(),
            table: Vec::new(),
            max_len: 0,
            generation: 0,
            plan: Plan::default(),
            budget_bytes: budget::TRAJECTORY_BYTES,
            // Background: the heatmap (interactive) must not wait behind a long scene.
            job: JobSlot::new("runs", Priority::Background),
            current: false,
            asked: None,
        }
    }
}

impl Runs {
    /// Asks for the runs of `scene` on `surface` (whose identity is `surface_id`: it changes
    /// whenever the surface does). Computes, in the background, only what is not cached; the
    /// runs on screen stay until the new ones arrive. `wake` is called when they have. A scene
    /// beyond the budget is refused with a message, and the runs on screen stay.
    pub fn request(
        &mut self,
        scene: &Scene,
        surface: &SurfaceDef,
        surface_id: u64,
        wake: impl Fn() + Send + 'static,
    ) -> Result<(), budget::BudgetError> {
        let plan = budget::plan_scene_within(scene, self.budget_bytes)?;
        let job =
            ComputeRuns::new(scene.clone(), surface.clone(), surface_id, self.cache.clone(), plan);
        self.current = false;
        self.job.request_sliced(wake, job);
        Ok(())
    }

    /// Asks for the runs of `scene` when their inputs changed since the last request (cheap
    /// when nothing did). A scene beyond the budget is refused: its start points, optimizers
    /// and steps go back to the last ones asked for, and the message says why.
    pub fn refresh(
        &mut self,
        scene: &mut Scene,
        surface: &SurfaceDef,
        surface_id: u64,
        wake: impl Fn() + Send + 'static,
    ) -> Option<String> {
        let inputs_changed = match &self.asked {
            Some((last, id)) => *id != surface_id || !same_inputs(last, scene),
            None => true,
        };
        if !inputs_changed {
            return None;
        }
        match self.request(scene, surface, surface_id, wake) {
            Ok(()) => {
                self.asked = Some((scene.clone(), surface_id));
                None
            }
            Err(e) => {
                if let Some((last, _)) = &self.asked {
                    scene.starts.clone_from(&last.starts);
                    scene.optimizers.clone_from(&last.optimizers);
                    scene.steps = last.steps;
                }
                Some(e.to_string())
            }
        }
    }

    /// Takes the runs the job computed, if it has finished: returns `Some(Ok(()))` when new runs
    /// arrived, `Some(Err(message))` when the job failed.
    pub fn poll(&mut self) -> Option<Result<(), String>> {
        let (outcome, _) = self.job.poll()?;
        match outcome {
            Outcome::Done(computed) => {
                self.install(computed);
                Some(Ok(()))
            }
            Outcome::Cancelled => None,
            Outcome::Failed(message) => Some(Err(format!("the runs: {message}"))),
        }
    }

    /// Waits for the job under way and takes its runs (tests, benchmarks and exports that need
    /// the runs of the scene as it is; never called by a frame).
    pub fn wait(&mut self) {
        if let Some(Outcome::Done(computed)) = self.job.wait() {
            self.install(computed);
        }
    }

    fn install(&mut self, computed: ComputedRuns) {
        self.table = computed.table;
        self.cache = computed.cache;
        self.plan = computed.plan;
        self.generation += 1;
        self.current = true;
        self.max_len =
            self.table.iter().flatten().flatten().map(|r| r.last_step()).max().unwrap_or(0);
    }

    /// The fraction done of the computation under way, if one is.
    pub fn progress(&self) -> Option<f32> {
        self.job.progress()
    }

    /// Whether the runs on screen are those of the scene as it is now.
    pub fn is_current(&self) -> bool {
        self.current
    }

    /// How many runs are cached.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}

/// Whether two scenes give the same runs (the view and playback speed do not matter).
fn same_inputs(a: &Scene, b: &Scene) -> bool {
    a.starts == b.starts
        && a.optimizers == b.optimizers
        && a.steps == b.steps
        && a.surface == b.surface
}

/// Runs per unit of parallel work: one lockstep group of the simulator.
const RUNS_PER_TASK: usize = 8;

/// The runs of a scene that are not cached, computed as a job cut into slices ([`Sliced`]): on
/// a thread, every task in one parallel sweep; between frames, a few tasks (one per thread of
/// the pool) per slice. The runs are the same either way: each task's are computed alone.
struct ComputeRuns {
    scene: Scene,
    surface: SurfaceDef,
    surface_id: u64,
    cache: HashMap<RunKey, Arc<ShownRun>>,
    plan: Plan,
    /// The tasks ([`ComputeRuns::plan_tasks`]), planned by the first slice: on the job's
    /// thread, not the caller's.
    tasks: Option<Vec<(usize, Vec<Point>)>>,
    /// The tasks done so far, and their runs.
    done: usize,
    fresh: Vec<(RunKey, Arc<ShownRun>)>,
}

impl ComputeRuns {
    fn new(
        scene: Scene,
        surface: SurfaceDef,
        surface_id: u64,
        cache: HashMap<RunKey, Arc<ShownRun>>,
        plan: Plan,
    ) -> Self {
        Self { scene, surface, surface_id, cache, plan, tasks: None, done: 0, fresh: Vec::new() }
    }

    /// The runs not cached, as (optimizer, starts) tasks of a few starts each.
    fn plan_tasks(&self) -> Vec<(usize, Vec<Point>)> {
        let starts: Vec<Point> = self.scene.start_points().collect();
        let mut tasks = Vec::new();
        for (i, entry) in self.scene.optimizers.iter().enumerate().filter(|(_, e)| e.enabled) {
            let missing: Vec<Point> = starts
                .iter()
                .copied()
                .filter(|&s| !self.cache.contains_key(&self.key(entry, s)))
                .collect();
            tasks.extend(missing.chunks(RUNS_PER_TASK).map(|c| (i, c.to_vec())));
        }
        tasks
    }

    fn key(&self, entry: &crate::scene::OptimizerEntry, start: Point) -> RunKey {
        let scene = &self.scene;
        RunKey::new(self.surface_id, start, &entry.spec, entry.noise, scene.steps, self.plan.stride)
    }

    /// Computes `tasks` in parallel: their runs, in the order of the tasks.
    fn compute(
        &self,
        tasks: &[(usize, Vec<Point>)],
        progress: &Progress,
    ) -> Result<Vec<(RunKey, Arc<ShownRun>)>, Cancelled> {
        let (scene, stride) = (&self.scene, self.plan.stride);
        tasks
            .par_iter()
            .map(|(i, chunk)| {
                progress.check()?;
                let entry = &scene.optimizers[*i];
                let runs = simulate_many_thinned(
                    &self.surface,
                    &entry.spec,
                    chunk,
                    scene.steps,
                    entry.noise,
                    stride,
                );
                progress.advance(chunk.len() as u64);
                Ok(chunk
                    .iter()
                    .zip(runs)
                    .map(|(&s, t)| {
                        (self.key(entry, s), Arc::new(ShownRun::new(t, stride, scene.steps)))
                    })
                    .collect())
            })
            .collect::<Result<Vec<Vec<_>>, Cancelled>>()
            .map(|runs| runs.into_iter().flatten().collect())
    }

    /// The table of the scene's runs from the cached and the fresh ones; the cache keeps those
    /// in use.
    fn finish(&mut self) -> ComputedRuns {
        let mut all = std::mem::take(&mut self.cache);
        all.extend(self.fresh.drain(..));
        let starts: Vec<Point> = self.scene.start_points().collect();
        let mut used = HashMap::with_capacity(all.len());
        let table = self
            .scene
            .optimizers
            .iter()
            .map(|entry| {
                entry.enabled.then(|| {
                    starts
                        .iter()
                        .filter_map(|&s| {
                            let k = self.key(entry, s);
                            let run = Arc::clone(all.get(&k)?);
                            used.insert(k, Arc::clone(&run));
                            Some(run)
                        })
                        .collect()
                })
            })
            .collect();
        ComputedRuns { table, cache: used, plan: self.plan }
    }
}

impl Sliced for ComputeRuns {
    type Output = ComputedRuns;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        let tasks = match self.tasks.take() {
            Some(tasks) => tasks,
            None => {
                let tasks = self.plan_tasks();
                progress.set_total(tasks.iter().map(|(_, s)| s.len() as u64).sum());
                tasks
            }
        };
        while self.done < tasks.len() {
            let step = if budget.is_whole() { tasks.len() } else { rayon::current_num_threads() };
            let end = (self.done + step).min(tasks.len());
            let fresh = self.compute(&tasks[self.done..end], progress)?;
            self.fresh.extend(fresh);
            self.done = end;
            if !budget.left() {
                break;
            }
        }
        let finished = self.done == tasks.len();
        self.tasks = Some(tasks);
        Ok(finished.then(|| self.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thinned_path_keeps_every_kth_point_and_its_last() {
        let kept: Vec<u32> = vec![0, 3, 4, 9, 12, 20, 21];
        assert!(matches!(thinned(&kept, 1), std::borrow::Cow::Borrowed(_)));
        assert_eq!(&*thinned(&kept, 2), [0, 4, 12, 21]);
        assert_eq!(&*thinned(&kept, 3), [0, 9, 21]);
        assert_eq!(&*thinned(&kept, 100), [0, 21]);
        assert!(thinned(&[], 5).is_empty());
        // 2 560 runs of 50 kept points, at most 40 000 drawn: every 4th.
        assert_eq!(thinning(2560 * 50, 40_000), 4);
        assert_eq!(thinning(1000, usize::MAX), 1, "the desktop draws every point");
        assert_eq!(thinning(0, 40_000), 1);
    }
}
