//! "Tune learning rate": a log-spaced search for the learning rate that minimises the mean final
//! loss over a set of start points after a number of steps, so that a comparison between
//! optimizers is not won by a bad default.

use super::{OptimizerSpec, Param, Point, Surface, SurfaceDef, batch};

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
    if starts.is_empty() {
        return None;
    }
    let (lo, hi) = range(spec);
    let decades = (hi / lo).log10();
    let count = (decades * PER_DECADE as f64).round() as usize + 1;
    let mut tried = Vec::with_capacity(count);
    for k in 0..count {
        let lr = lo * 10f64.powf(decades * k as f64 / (count - 1) as f64);
        let mut candidate = *spec;
        if candidate.set(Param::Lr, lr).is_err() {
            continue;
        }
        let ends = batch::final_points(surface, &candidate, starts, steps);
        let mut total = 0.0;
        for (p, diverged) in ends {
            let loss = surface.value(p);
            total += if diverged.is_some() || !loss.is_finite() { f64::INFINITY } else { loss };
        }
        tried.push((lr, total / starts.len() as f64));
    }
    let &(lr, mean_loss) =
        tried.iter().filter(|(_, loss)| loss.is_finite()).min_by(|a, b| a.1.total_cmp(&b.1))?;
    Some(Tuned { lr, mean_loss, tried })
}
