//! Tuning a learning rate: a search over log-spaced rates for the lowest mean final loss over the
//! scene's start points ([`crate::sim::run::tune`]), in the background. The rate found comes back as
//! the optimizers' new settings ([`Command::SetOptimizers`], with its check), and what happened
//! as a status message.

use super::Command;
use crate::jobs::{Budget, JobSlot, Outcome, Progress, SliceResult, Sliced};
use crate::scene::Scene;
use crate::sim::optim::narrate::num;
use crate::sim::run::tune;
use crate::sim::{OptimizerSpec, Param, Point, SurfaceDef};

/// What a tune job hands back: which optimizer, its settings when asked, the search.
pub type TuneResult = (usize, OptimizerSpec, Option<tune::Tuned>);

/// A search for optimizer `i`'s rate: a piece at a time between frames where there are no
/// threads (the browser); every rate at once on all cores on a thread of its own.
struct Search {
    i: usize,
    spec: OptimizerSpec,
    surface: SurfaceDef,
    starts: Vec<Point>,
    steps: usize,
    /// The search, once begun (it sets the progress's total).
    search: Option<tune::TuneSteps>,
}

impl Sliced for Search {
    type Output = TuneResult;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        let units = budget.units();
        let (spec, starts, steps) = (&self.spec, &self.starts, self.steps);
        let search =
            self.search.get_or_insert_with(|| tune::TuneSteps::new(spec, starts, steps, progress));
        loop {
            if let Some(tuned) = search.advance(&self.surface, units, progress)? {
                return Ok(Some((self.i, self.spec, tuned)));
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The learning-rate search under way.
#[derive(Default)]
pub struct Tuner {
    job: JobSlot<TuneResult>,
}

impl Tuner {
    /// Starts tuning optimizer `i`'s learning rate over the scene's starts and steps in the
    /// background (a newer request cancels an older one); says so, or why not, on the status
    /// line.
    pub fn request(
        &mut self,
        scene: &Scene,
        surface: &SurfaceDef,
        i: usize,
        wake: impl Fn() + Send + 'static,
    ) -> Option<Command> {
        let starts: Vec<Point> = scene.start_points().collect();
        let entry = scene.optimizers.get(i)?;
        if starts.is_empty() {
            return Some(Command::Status("tune lr: drop a start point first".to_owned()));
        }
        let job = Search {
            i,
            spec: entry.spec,
            surface: surface.clone(),
            starts,
            steps: scene.steps,
            search: None,
        };
        self.job.request_sliced(wake, job);
        Some(Command::Status(format!("tuning the learning rate of {}…", entry.label())))
    }

    /// A finished search: the optimizers with the rate found, if the optimizer is still as it
    /// was when the search began, and what was done.
    pub fn poll(&mut self, scene: &Scene) -> Vec<Command> {
        let Some((outcome, _)) = self.job.poll() else { return Vec::new() };
        let (i, spec, tuned) = match outcome {
            Outcome::Done(done) => done,
            Outcome::Cancelled => return Vec::new(),
            Outcome::Failed(e) => return vec![Command::Status(format!("tune lr failed: {e}"))],
        };
        let mut optimizers = scene.optimizers.clone();
        let Some(entry) = optimizers.get_mut(i).filter(|e| e.spec == spec) else {
            let message = "tune lr: the optimizer changed meanwhile; not applied";
            return vec![Command::Status(message.to_owned())];
        };
        let label = entry.label();
        let Some(t) = tuned else {
            return vec![Command::Status(format!("{label}: every learning rate tried diverged"))];
        };
        let _ = entry.spec.set(Param::Lr, t.lr);
        let message = format!(
            "{label}: lr {} → {} (mean final loss {} over {} start(s) after {} steps; {} rates tried)",
            num(spec.lr()),
            num(t.lr),
            num(t.mean_loss),
            scene.starts.len(),
            scene.steps,
            t.tried.len()
        );
        vec![Command::SetOptimizers(optimizers), Command::Status(message)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Runner, frames_until, set_runner};

    #[test]
    fn between_frames_a_search_comes_in_pieces_and_sets_the_rate_of_the_whole_search() {
        let scene = crate::scene::default_scene();
        let surface = scene.surface.resolve().expect("the default surface");
        let i = scene.optimizers.iter().position(|e| e.enabled).expect("an optimizer");
        let starts: Vec<Point> = scene.start_points().collect();
        let want = tune::tune_lr(&surface, &scene.optimizers[i].spec, &starts, scene.steps)
            .expect("a rate");
        set_runner(Runner::BetweenFrames);
        let mut tuner = Tuner::default();
        assert!(matches!(tuner.request(&scene, &surface, i, || {}), Some(Command::Status(_))));
        let (commands, frames) = frames_until(100_000, "the search", |_| {
            Some(tuner.poll(&scene)).filter(|c| !c.is_empty())
        });
        set_runner(Runner::Threads);
        assert!(frames > want.tried.len(), "cut into pieces: {frames} frames");
        let Some(Command::SetOptimizers(optimizers)) = commands.first() else {
            panic!("expected the new rate, got {commands:?}");
        };
        assert_eq!(optimizers[i].spec.lr(), want.lr);
    }
}
