//! Tuning a learning rate: a search over log-spaced rates for the lowest mean final loss over the
//! scene's start points ([`crate::sim::run::tune`]), in the background. The rate found comes back as
//! the optimizers' new settings ([`Command::SetOptimizers`], with its check), and what happened
//! as a status message.

use super::Command;
use crate::jobs::{JobSlot, Outcome};
use crate::scene::Scene;
use crate::sim::optim::narrate::num;
use crate::sim::run::tune;
use crate::sim::{OptimizerSpec, Param, Point, SurfaceDef};

/// What a tune job hands back: which optimizer, its settings when asked, the search.
pub type TuneResult = (usize, OptimizerSpec, Option<tune::Tuned>);

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
        let (spec, steps, surface) = (entry.spec, scene.steps, surface.clone());
        self.job.request(wake, move |progress| {
            tune::tune_lr_with(&surface, &spec, &starts, steps, progress).map(|t| (i, spec, t))
        });
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
