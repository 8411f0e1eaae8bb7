//! "Tune learning rate": a log-spaced search for the learning rate that minimises the mean final
//! loss over a set of start points after a number of steps, so that a comparison between
//! optimizers is not won by a bad default.

use crate::sim::run::batch;
use crate::sim::run::progress::{Cancelled, Progress};
use crate::sim::{OptimizerSpec, Param, Point, Surface, SurfaceDef};

/// Learning rates tried per decade.
pub const PER_DECADE: usize = 6;

/// The outcome of a search.
#[derive(Clone, Debug, PartialEq)]
pub struct Tuned {
    /// The best learning rate found.
    pub lr: f64,
    /// Its mean final loss.
    pub mean_loss: f64,
    /// Every rate tried with its mean final loss (infinite when a run diverged), ascending in lr.
    pub tried: Vec<(f64, f64)>,
}

/// The range searched: 1e-4 to 10 for first-order methods, 1e-2 to 2 for the Newton methods
/// (whose natural rate is 1).
pub fn range(spec: &OptimizerSpec) -> (f64, f64) {
    if spec.kind().needs_hessian() { (1e-2, 2.0) } else { (1e-4, 10.0) }
}

/// Searches [`range`] with [`PER_DECADE`] log-spaced rates, runs `spec` (other
/// hyper-parameters as given, no gradient noise) from every start for `steps` steps, and
/// returns the rate with the lowest mean final loss; a rate with a diverging run counts as
/// infinitely bad, and of equally good rates the smallest wins. `None` without starts or when
/// every rate diverges.
pub fn tune_lr(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
) -> Option<Tuned> {
    tune_lr_with(surface, spec, starts, steps, &Progress::default()).ok().flatten()
}

/// [`tune_lr`], the rates tried in parallel, reporting each rate tried to `progress` and
/// stopping when it is cancelled.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn tune_lr_with(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    steps: usize,
    progress: &Progress,
) -> Result<Option<Tuned>, Cancelled> {
    if starts.is_empty() {
        return Ok(None);
    }
    let (lo, hi) = range(spec);
    let decades = (hi / lo).log10();
    let count = (decades * PER_DECADE as f64).round() as usize + 1;
    progress.set_total(count as u64);
    let rates: Vec<f64> =
        (0..count).map(|k| lo * 10f64.powf(decades * k as f64 / (count - 1) as f64)).collect();
    let tried = crate::sim::run::parallel::par_map(&rates, 2, |&lr| {
        progress.check()?;
        let mut candidate = *spec;
        if candidate.set(Param::Lr, lr).is_err() {
            return Ok(None);
        }
        let ends = batch::final_points(surface, &candidate, starts, steps);
        let mut total = 0.0;
        for (p, diverged) in ends {
            let loss = surface.value(p);
            total += if diverged.is_some() || !loss.is_finite() { f64::INFINITY } else { loss };
        }
        progress.advance(1);
        Ok(Some((lr, total / starts.len() as f64)))
    });
    let tried: Vec<(f64, f64)> =
        tried.into_iter().collect::<Result<Vec<_>, Cancelled>>()?.into_iter().flatten().collect();
    let best = tried.iter().filter(|(_, loss)| loss.is_finite()).min_by(|a, b| a.1.total_cmp(&b.1));
    Ok(best.map(|&(lr, mean_loss)| Tuned { lr, mean_loss, tried: tried.clone() }))
}
