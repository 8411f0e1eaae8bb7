//! The critical points of the surface in the scene's domain: found once per surface and domain,
//! in the background ([`crate::sim::critical_points`]); until they arrive, the last ones found
//! for the same surface (or none).

use std::sync::Arc;

use crate::jobs::{JobSlot, Outcome, Priority, TakesJob};
use crate::sim::{self, CriticalPoint, Domain, SurfaceDef};

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
            let surface = surface.clone();
            self.job.request(wake, move |_| Ok(sim::critical_points(&surface, &domain)));
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
    fn take(&mut self, outcome: Outcome<Vec<CriticalPoint>>) -> Option<String> {
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
