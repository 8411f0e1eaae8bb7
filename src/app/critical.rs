//! The critical points of the surface in the scene's domain: found once per surface and domain,
//! in the background ([`crate::sim::critical_points`]); until they arrive, the last ones found
//! for the same surface (or none).

use std::sync::Arc;

use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced, TakesJob};
use crate::sim::surfaces::critical::CriticalSteps;
use crate::sim::{CriticalPoint, Domain, SurfaceDef};

/// A search for critical points: a few Newton iterations at a time between frames where there are no
/// threads (the browser); whole, on all cores, on a thread of its own.
struct Search {
    surface: SurfaceDef,
    steps: CriticalSteps,
}

impl Sliced for Search {
    type Output = Vec<CriticalPoint>;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        let units = budget.units();
        progress.set_total(1000);
        loop {
            let found = self.steps.advance(&self.surface, units);
            progress.check()?;
            if found.is_some() {
                return Ok(found);
            }
            let done = (1000.0 * self.steps.fraction()) as u64;
            progress.advance(done.saturating_sub(progress.done()));
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The critical points found, and the job finding the next ones.
pub struct CriticalCache {
    /// The last points found: for which surface (its id) and domain.
    found: Option<(u64, Domain, Arc<Vec<CriticalPoint>>)>,
    /// The job finding the critical points.
    job: JobSlot<Vec<CriticalPoint>>,
    /// What the job was last asked for.
    asked: Option<(u64, Domain)>,
}

impl Default for CriticalCache {
    fn default() -> Self {
        Self {
            found: None,
            job: JobSlot::new("critical points", Priority::Interactive),
            asked: None,
        }
    }
}

impl CriticalCache {
    /// The critical points of `surface` (whose identity is `surface_id`) in `domain`: asks the
    /// job for them when they were not asked for yet; `wake` is called when they are found.
    pub fn points(
        &mut self,
        surface: &SurfaceDef,
        surface_id: u64,
        domain: Domain,
        wake: impl Fn() + Send + 'static,
    ) -> Arc<Vec<CriticalPoint>> {
        let key = (surface_id, domain);
        let current = match &self.found {
            Some((id, d, points)) if (*id, *d) == key => return Arc::clone(points),
            Some((id, _, points)) if *id == surface_id => Arc::clone(points),
            _ => Arc::default(),
        };
        if self.asked != Some(key) {
            self.asked = Some(key);
            let job = Search { surface: surface.clone(), steps: CriticalSteps::new(&domain) };
            self.job.request_sliced(wake, job);
        }
        current
    }

    /// Whether the points are being looked for.
    pub fn busy(&self) -> bool {
        self.job.busy()
    }
}

impl TakesJob for CriticalCache {
    type Output = Vec<CriticalPoint>;
    type Taken = String;

    fn slot(&mut self) -> &mut JobSlot<Vec<CriticalPoint>> {
        &mut self.job
    }

    /// Keeps the points found; a message when the job failed.
    fn take(
        &mut self,
        outcome: Outcome<Vec<CriticalPoint>>,
        _: std::time::Duration,
    ) -> Option<String> {
        match (outcome, self.asked) {
            (Outcome::Done(points), Some((id, domain))) => {
                self.found = Some((id, domain, Arc::new(points)));
                None
            }
            (Outcome::Failed(message), _) => Some(format!("critical points: {message}")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Runner, frames_until, set_runner};
    use crate::sim::{Builtin, critical_points};

    #[test]
    fn between_frames_the_points_are_found_a_newton_iteration_at_a_time() {
        let surface = SurfaceDef::Builtin(Builtin::Himmelblau);
        let domain = surface.default_domain();
        set_runner(Runner::BetweenFrames);
        let mut cache = CriticalCache::default();
        assert!(cache.points(&surface, 1, domain, || {}).is_empty(), "none found yet");
        let ((), frames) = frames_until(100_000, "the search", |_| {
            assert_eq!(cache.poll(), None, "no failure");
            (!cache.busy()).then_some(())
        });
        set_runner(Runner::Threads);
        assert!(frames > 100, "cut into units: {frames} frames");
        let found = cache.points(&surface, 1, domain, || {});
        assert_eq!(*found, critical_points(&surface, &domain));
        assert!(!cache.busy(), "found once per surface and domain");
    }
}
