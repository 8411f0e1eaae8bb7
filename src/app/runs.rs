//! The trajectories on screen, computed once per change of their inputs and cached.
//!
//! A run is keyed by everything it depends on (surface, start, optimizer and hyper-parameters,
//! noise, steps), so moving one start point recomputes only that start's runs, and a frame that
//! changes nothing computes nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use egui_plot::PlotPoint;

use super::decimate;
use crate::scene::{OptimizerEntry, Scene};
use crate::sim::{Noise, OptimizerSpec, Point, SurfaceDef, Trajectory, simulate_many};

/// One computed run, with its points ready for the plot.
#[derive(Debug)]
pub struct Run {
    /// The simulated trajectory.
    pub trajectory: Trajectory,
    /// Its points as plot coordinates (borrowed by the plot every frame, never rebuilt).
    pub path: Vec<PlotPoint>,
    /// Its losses by step, as (step, loss) plot points.
    pub loss: Vec<PlotPoint>,
    /// Its gradient norms by step, as (step, ‖∇f‖) plot points.
    pub grad_norm: Vec<PlotPoint>,
    /// log₁₀ of the losses (floored at 10⁻¹⁶), for a log axis; `None` when a loss is negative.
    pub loss_log: Option<Vec<PlotPoint>>,
    /// log₁₀ of the gradient norms (floored at 10⁻¹⁶).
    pub grad_norm_log: Vec<PlotPoint>,
    /// The points of each series worth drawing at the last resolution asked for.
    simplified: [Mutex<Simplified>; 5],
}

/// One of a run's drawable series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    Path,
    Loss,
    LossLog,
    GradNorm,
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

/// The smallest value a log axis shows.
const LOG_FLOOR: f64 = 1e-16;

fn log10_series(series: &[PlotPoint]) -> Vec<PlotPoint> {
    series.iter().map(|p| PlotPoint::new(p.x, p.y.max(LOG_FLOOR).log10())).collect()
}

impl Run {
    fn new(trajectory: Trajectory) -> Self {
        let step = |i: usize| i as f64;
        let path = trajectory.points.iter().map(|p| PlotPoint::new(p.point.x, p.point.y)).collect();
        let loss: Vec<PlotPoint> = trajectory
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| PlotPoint::new(step(i), p.loss))
            .collect();
        let grad_norm: Vec<PlotPoint> = trajectory
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| PlotPoint::new(step(i), p.grad.norm()))
            .collect();
        let loss_log = loss.iter().all(|p: &PlotPoint| p.y >= 0.0).then(|| log10_series(&loss));
        let grad_norm_log = log10_series(&grad_norm);
        Self {
            trajectory,
            path,
            loss,
            grad_norm,
            loss_log,
            grad_norm_log,
            simplified: Default::default(),
        }
    }

    /// The points of `series`.
    pub fn series(&self, series: Series) -> &[PlotPoint] {
        match series {
            Series::Path => &self.path,
            Series::Loss => &self.loss,
            Series::LossLog => self.loss_log.as_deref().unwrap_or(&self.loss),
            Series::GradNorm => &self.grad_norm,
            Series::GradNormLog => &self.grad_norm_log,
        }
    }

    /// The indices of `series` worth drawing where a pixel is `px` data units (x, y): computed
    /// once per zoom level, not per frame (a cached result up to twice as fine is reused).
    pub fn simplified(&self, series: Series, px: [f64; 2]) -> Arc<[u32]> {
        let slot = &self.simplified[series as usize];
        let mut cache = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fits = |c: f64, want: f64| c > 0.0 && c <= want && c >= want / 2.0;
        if !(fits(cache.px[0], px[0]) && fits(cache.px[1], px[1])) {
            let kept = decimate::simplify(self.series(series), px[0], px[1], TOLERANCE_PX);
            *cache = Simplified { px, kept: kept.into() };
        }
        Arc::clone(&cache.kept)
    }

    /// The index of the point shown at playback step `step`.
    pub fn head(&self, step: usize) -> usize {
        step.min(self.path.len().saturating_sub(1))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    surface: u64,
    start: [u64; 2],
    spec: String,
    noise: [u64; 2],
    steps: usize,
}

impl Key {
    fn new(surface: u64, start: Point, spec: &OptimizerSpec, noise: Noise, steps: usize) -> Self {
        Self {
            surface,
            start: [start.x.to_bits(), start.y.to_bits()],
            spec: spec.to_string(),
            noise: [noise.sigma.to_bits(), noise.seed],
            steps,
        }
    }
}

/// The runs of the current scene: `runs[optimizer][start]`, `None` for a disabled optimizer.
#[derive(Default)]
pub struct Runs {
    cache: HashMap<Key, Arc<Run>>,
    /// Per optimizer entry, per start point.
    pub table: Vec<Option<Vec<Arc<Run>>>>,
    /// The longest run's last step.
    pub max_len: usize,
    /// Changes whenever `table` is rebuilt: a cache key for what is derived from the runs.
    pub generation: u64,
}

impl Runs {
    /// Brings the table up to date with `scene` on `surface` (whose identity is `surface_id`:
    /// it changes whenever the surface does). Computes only what is not cached; drops what is no
    /// longer used.
    pub fn update(&mut self, scene: &Scene, surface: &SurfaceDef, surface_id: u64) {
        self.generation += 1;
        let mut used = HashMap::with_capacity(self.cache.len());
        let starts: Vec<Point> = scene.start_points().collect();
        self.table = scene
            .optimizers
            .iter()
            .map(|entry: &OptimizerEntry| {
                entry.enabled.then(|| {
                    let keys: Vec<Key> = starts
                        .iter()
                        .map(|&s| Key::new(surface_id, s, &entry.spec, entry.noise, scene.steps))
                        .collect();
                    // The starts not cached, computed side by side in one lockstep batch.
                    let missing: Vec<usize> =
                        (0..starts.len()).filter(|&i| !self.cache.contains_key(&keys[i])).collect();
                    let missing_starts: Vec<Point> = missing.iter().map(|&i| starts[i]).collect();
                    let mut fresh = simulate_many(
                        surface,
                        &entry.spec,
                        &missing_starts,
                        scene.steps,
                        entry.noise,
                    )
                    .into_iter()
                    .map(|t| Arc::new(Run::new(t)));
                    keys.into_iter()
                        .map(|key| {
                            let run = match self.cache.get(&key) {
                                Some(run) => Arc::clone(run),
                                None => fresh.next().expect("one fresh run per missing start"),
                            };
                            used.insert(key, Arc::clone(&run));
                            run
                        })
                        .collect()
                })
            })
            .collect();
        self.cache = used;
        self.max_len = self
            .table
            .iter()
            .flatten()
            .flatten()
            .map(|r| r.path.len().saturating_sub(1))
            .max()
            .unwrap_or(0);
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
