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
/// stopping when it is cancelled. [`TuneSteps`] run whole.
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
    let mut search = TuneSteps::new(spec, starts, steps, progress);
    loop {
        if let Some(tuned) = search.advance(surface, usize::MAX, progress)? {
            return Ok(tuned);
        }
    }
}

/// Steps one piece of [`TuneSteps::advance`] takes the runs of one rate further.
pub const PIECE: usize = 64;

/// A learning-rate search cut into pieces of work (the runs of one rate, [`PIECE`] steps
/// further), so that where there are no threads (the browser) it runs between frames. The same
/// search however it is cut: the runs of each rate continue where they were
/// ([`batch::Flight`]), bit for bit the runs of [`batch::final_points`].
pub struct TuneSteps {
    spec: OptimizerSpec,
    starts: Vec<Point>,
    steps: usize,
    rates: Vec<f64>,
    /// The rates from `next` on are not begun.
    next: usize,
    /// The runs of the rates begun and not finished: (rate's index, runs).
    active: Vec<(usize, batch::Flight)>,
    /// Per rate, its mean final loss once its runs ended (`None` for a rate the optimizer
    /// refuses).
    tried: Vec<Option<Option<(f64, f64)>>>,
}

impl TuneSteps {
    /// The search of [`tune_lr`], not started; sets `progress`'s total (one per rate).
    pub fn new(spec: &OptimizerSpec, starts: &[Point], steps: usize, progress: &Progress) -> Self {
        let (lo, hi) = range(spec);
        let decades = (hi / lo).log10();
        let count = (decades * PER_DECADE as f64).round() as usize + 1;
        let rates: Vec<f64> = if starts.is_empty() {
            Vec::new()
        } else {
            (0..count).map(|k| lo * 10f64.powf(decades * k as f64 / (count - 1) as f64)).collect()
        };
        progress.set_total(rates.len() as u64);
        Self {
            spec: *spec,
            starts: starts.to_vec(),
            steps,
            tried: vec![None; rates.len()],
            rates,
            next: 0,
            active: Vec::new(),
        }
    }

    /// Does at most `units` pieces of work on `surface` (the same every call; the rates in
    /// order, up to `units` of them at once, in parallel where there are threads); the outcome
    /// of [`tune_lr`] once every rate is tried.
    ///
    /// # Errors
    /// [`Cancelled`] when `progress` was cancelled.
    pub fn advance(
        &mut self,
        surface: &SurfaceDef,
        units: usize,
        progress: &Progress,
    ) -> Result<Option<Option<Tuned>>, Cancelled> {
        use rayon::prelude::*;
        progress.check()?;
        let units = units.max(1);
        while self.active.len() < units && self.next < self.rates.len() {
            let k = self.next;
            self.next += 1;
            let mut candidate = self.spec;
            if candidate.set(Param::Lr, self.rates[k]).is_err() {
                self.tried[k] = Some(None);
                progress.advance(1);
                continue;
            }
            self.active.push((k, batch::Flight::new(surface, &candidate, &self.starts)));
        }
        let reach = PIECE.saturating_mul(units / self.active.len().max(1));
        let steps = self.steps;
        self.active.par_iter_mut().with_max_len(1).try_for_each(|(_, flight)| {
            let to = steps.min(flight.step().saturating_add(reach));
            flight.advance(surface, to, || progress.check())
        })?;
        let (rates, tried, starts) = (&self.rates, &mut self.tried, self.starts.len());
        self.active.retain(|(k, flight)| {
            if flight.step() < steps {
                return true;
            }
            let mut total = 0.0;
            for (p, diverged) in flight.ends(surface) {
                let loss = surface.value(p);
                total += if diverged.is_some() || !loss.is_finite() { f64::INFINITY } else { loss };
            }
            tried[*k] = Some(Some((rates[*k], total / starts as f64)));
            progress.advance(1);
            false
        });
        if !self.active.is_empty() || self.next < self.rates.len() {
            return Ok(None);
        }
        let tried: Vec<(f64, f64)> = self.tried.iter().flatten().flatten().copied().collect();
        let best =
            tried.iter().filter(|(_, loss)| loss.is_finite()).min_by(|a, b| a.1.total_cmp(&b.1));
        Ok(Some(best.map(|&(lr, mean_loss)| Tuned { lr, mean_loss, tried: tried.clone() })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Builtin;

    /// The search as it was written before it was cut: every rate's runs in one go.
    fn reference(
        surface: &SurfaceDef,
        spec: &OptimizerSpec,
        starts: &[Point],
        steps: usize,
    ) -> Vec<(f64, f64)> {
        let mut search = TuneSteps::new(spec, starts, steps, &Progress::default());
        search
            .rates
            .iter()
            .map(|&lr| {
                let mut candidate = *spec;
                candidate.set(Param::Lr, lr).expect("a rate in range");
                let ends = batch::final_points(surface, &candidate, starts, steps);
                let total: f64 = ends
                    .iter()
                    .map(|&(p, diverged)| {
                        let loss = surface.value(p);
                        if diverged.is_some() || !loss.is_finite() { f64::INFINITY } else { loss }
                    })
                    .sum();
                search.next += 1;
                (lr, total / starts.len() as f64)
            })
            .collect()
    }

    #[test]
    fn a_search_a_piece_at_a_time_is_the_search_in_one_go() {
        let surface = SurfaceDef::Builtin(Builtin::Rosenbrock);
        let starts = [Point::new(-1.2, 1.0), Point::new(0.5, -0.5), Point::new(1.5, 2.0)];
        let steps = 2 * PIECE + 5;
        for spec in ["gd", "adam", "newton"] {
            let spec: OptimizerSpec = spec.parse().expect("a spec");
            let want = reference(&surface, &spec, &starts, steps);
            let whole = tune_lr(&surface, &spec, &starts, steps).expect("a rate that converges");
            assert_eq!(whole.tried, want, "{spec}");
            if spec.kind() == crate::sim::OptimizerKind::Gd {
                assert!(whole.tried.iter().any(|(_, l)| l.is_infinite()), "some rates diverge");
            }
            let progress = Progress::default();
            let mut search = TuneSteps::new(&spec, &starts, steps, &progress);
            let mut calls = 0;
            let sliced = loop {
                calls += 1;
                if let Some(tuned) = search.advance(&surface, 1, &progress).expect("not cancelled")
                {
                    break tuned;
                }
            };
            assert_eq!(sliced, Some(whole), "{spec}");
            assert_eq!(progress.done(), want.len() as u64);
            // Each rate three pieces (a diverged run still runs its steps).
            assert_eq!(calls, 3 * want.len(), "{spec}");
        }
    }

    #[test]
    fn a_search_without_starts_finds_nothing_and_a_cancelled_one_stops() {
        let surface = SurfaceDef::Builtin(Builtin::Rosenbrock);
        let spec = OptimizerSpec::new(crate::sim::OptimizerKind::Gd);
        let progress = Progress::default();
        assert_eq!(
            TuneSteps::new(&spec, &[], 10, &progress).advance(&surface, 1, &progress),
            Ok(Some(None))
        );
        let mut search = TuneSteps::new(&spec, &[Point::new(0.0, 0.0)], 1000, &progress);
        assert_eq!(search.advance(&surface, 1, &progress), Ok(None));
        progress.cancel();
        assert!(search.advance(&surface, 1, &progress).is_err());
    }
}
