//! Plateau and saddle metrics of a trajectory, and a race that ranks optimizers by them.
//!
//! "Near a minimum" is within [`Thresholds::reach`] of one of the surface's minima; "flat" is a
//! gradient norm below [`Thresholds::flat`], a small fraction of the largest gradient norm over
//! the domain, so that "a plateau" means the same on a gentle surface and on a steep one.

use crate::sim::{CriticalKind, CriticalPoint, Domain, Point, Surface, Trajectory};

/// What counts as "at a minimum" and "flat".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Distance to a minimum within which a run has reached it.
    pub reach: f64,
    /// Gradient norm below which the surface counts as flat.
    pub flat: f64,
}

/// Fraction of the domain's diagonal within which a run has reached a critical point.
pub const REACH: f64 = 0.01;
/// Fraction of the largest gradient norm in the domain below which the surface is flat.
pub const FLAT: f64 = 1e-3;

impl Thresholds {
    /// [`REACH`] of the domain's diagonal, and [`FLAT`] times the largest finite gradient norm
    /// on a 33 × 33 grid over the domain.
    pub fn for_surface<S: Surface + ?Sized>(surface: &S, domain: &Domain) -> Self {
        let n = 33;
        let mut largest: f64 = 0.0;
        for j in 0..n {
            for i in 0..n {
                let p = domain.lerp(i as f64 / (n - 1) as f64, j as f64 / (n - 1) as f64);
                let g = surface.value_grad(p).1.norm();
                if g.is_finite() {
                    largest = largest.max(g);
                }
            }
        }
        Self { reach: REACH * domain.width().hypot(domain.height()), flat: FLAT * largest }
    }
}

/// How a run stands at its last point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Within reach of a minimum.
    Converged,
    /// Still moving: not at a minimum, not flat.
    Running,
    /// Flat, within reach of a saddle (or another critical point that is not a minimum).
    StalledAtSaddle,
    /// Flat, near no critical point: stuck on a plateau.
    StalledOnPlateau,
    /// Stopped on a non-finite value.
    Diverged,
}

impl Status {
    /// One word, for a narrow table.
    pub fn short(self) -> &'static str {
        match self {
            Status::Converged => "at min",
            Status::Running => "running",
            Status::StalledAtSaddle => "saddle",
            Status::StalledOnPlateau => "plateau",
            Status::Diverged => "diverged",
        }
    }

    /// How the race table says it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Converged => "converged",
            Status::Running => "still running",
            Status::StalledAtSaddle => "stalled near a saddle",
            Status::StalledOnPlateau => "stalled on a plateau",
            Status::Diverged => "diverged",
        }
    }
}

/// The metrics of one trajectory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// The first step at which the run is within reach of a minimum (and stays a candidate:
    /// the first time it gets there).
    pub steps_to_minimum: Option<usize>,
    /// Steps spent flat but not at a minimum: on a plateau or near a saddle.
    pub flat_steps: usize,
    /// f at the last point.
    pub final_loss: f64,
    /// How it stands at the end.
    pub status: Status,
}

impl Metrics {
    /// The metrics of `trajectory` among the critical points `critical`.
    pub fn of(trajectory: &Trajectory, critical: &[CriticalPoint], t: &Thresholds) -> Self {
        Self::of_thinned(trajectory, 1, critical, t)
    }

    /// [`of`](Self::of) for a trajectory that keeps every `stride`-th point: each kept point
    /// stands for `stride` steps, so counts are within `stride` steps of the full run's.
    pub fn of_thinned(
        trajectory: &Trajectory,
        stride: usize,
        critical: &[CriticalPoint],
        t: &Thresholds,
    ) -> Self {
        let near = |p: Point, pred: &dyn Fn(CriticalKind) -> bool| {
            critical.iter().any(|c| pred(c.kind) && (c.point - p).norm() <= t.reach)
        };
        let at_min = |p: Point| near(p, &|k| k == CriticalKind::Min);
        let mut steps_to_minimum = None;
        let mut flat_steps = 0;
        for (k, tp) in trajectory.points.iter().enumerate() {
            let is_at_min = at_min(tp.point);
            if is_at_min && steps_to_minimum.is_none() {
                steps_to_minimum = Some(k * stride);
            }
            if !is_at_min && tp.grad.norm() < t.flat {
                flat_steps += stride;
            }
        }
        let Some(last) = trajectory.points.last() else {
            return Self {
                steps_to_minimum,
                flat_steps,
                final_loss: f64::NAN,
                status: Status::Diverged,
            };
        };
        let flat = last.grad.norm() < t.flat;
        let status = if trajectory.diverged() {
            Status::Diverged
        } else if at_min(last.point) {
            Status::Converged
        } else if flat && near(last.point, &|k| k != CriticalKind::Min) {
            Status::StalledAtSaddle
        } else if flat {
            Status::StalledOnPlateau
        } else {
            Status::Running
        };
        Self { steps_to_minimum, flat_steps, final_loss: last.loss, status }
    }
}

/// One optimizer's standing in a race: its runs from every start point, summed up.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    /// Which optimizer (an index the caller gave).
    pub entry: usize,
    /// Runs that ended at a minimum, of `runs`.
    pub converged: usize,
    /// Runs.
    pub runs: usize,
    /// Mean steps to a minimum over the converged runs.
    pub mean_steps_to_minimum: Option<f64>,
    /// Mean flat steps over all runs.
    pub mean_flat_steps: f64,
    /// Mean final loss over the runs that did not diverge (`None` if all did).
    pub mean_final_loss: Option<f64>,
    /// Runs per status.
    pub statuses: Vec<(Status, usize)>,
}

/// Ranks optimizers: most runs at a minimum first, then fewest steps to get there, then lowest
/// mean final loss. `entries` pairs a caller's index with the metrics of its runs.
pub fn race(entries: &[(usize, Vec<Metrics>)]) -> Vec<Standing> {
    let mut out: Vec<Standing> = entries
        .iter()
        .map(|(entry, metrics)| {
            let converged: Vec<f64> = metrics
                .iter()
                .filter_map(|m| m.steps_to_minimum.filter(|_| m.status == Status::Converged))
                .map(|s| s as f64)
                .collect();
            let finite: Vec<f64> = metrics
                .iter()
                .filter(|m| m.status != Status::Diverged)
                .map(|m| m.final_loss)
                .collect();
            let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
            let mut statuses: Vec<(Status, usize)> = Vec::new();
            for m in metrics {
                match statuses.iter_mut().find(|(s, _)| *s == m.status) {
                    Some((_, n)) => *n += 1,
                    None => statuses.push((m.status, 1)),
                }
            }
            statuses.sort();
            Standing {
                entry: *entry,
                converged: converged.len(),
                runs: metrics.len(),
                mean_steps_to_minimum: mean(&converged),
                mean_flat_steps: metrics.iter().map(|m| m.flat_steps as f64).sum::<f64>()
                    / metrics.len().max(1) as f64,
                mean_final_loss: mean(&finite),
                statuses,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.converged
            .cmp(&a.converged)
            .then(
                a.mean_steps_to_minimum
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.mean_steps_to_minimum.unwrap_or(f64::INFINITY)),
            )
            .then(
                a.mean_final_loss
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.mean_final_loss.unwrap_or(f64::INFINITY)),
            )
    });
    out
}
