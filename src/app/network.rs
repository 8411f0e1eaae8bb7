//! A network landscape in the app: a scene keeps the network's settings ([`NetSpec`]), and the
//! slice is rebuilt from them — training included — on a background job, never on the UI
//! thread. Until it arrives the plot shows a flat placeholder and the panel the training's
//! progress; the result is cached per settings, so reloading a scene is instant.

use std::sync::Arc;

use egui::{RichText, Ui};

use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced, TakesJob};
use crate::scene::SurfaceChoice;
use crate::sim::net::{Landscape, LandscapeSteps, NetData, NetSpec};

/// What the panel asks the app to do with a finished build.
pub enum Built {
    /// The landscape of the scene's settings: show its slice.
    Done(Arc<Landscape>),
    /// It could not be built; the message says why (and names the field).
    Failed(String),
}

/// A landscape's build: its training a step at a time between frames where there are no
/// threads (the browser); whole on a thread of its own.
struct BuildJob {
    spec: NetSpec,
    /// The build under way, once its data are read.
    steps: Option<LandscapeSteps>,
}

impl Sliced for BuildJob {
    type Output = Result<Arc<Landscape>, String>;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        let steps = match &mut self.steps {
            Some(steps) => steps,
            None => match LandscapeSteps::new(&self.spec) {
                Ok(steps) => {
                    progress.set_total(self.spec.steps as u64);
                    self.steps.insert(steps)
                }
                Err(e) => return Ok(Some(Err(e.to_string()))),
            },
        };
        let units = if budget.is_whole() { usize::MAX } else { 1 };
        loop {
            let built = steps.advance(units, Some(progress));
            // A cancelled build ends its training early: that landscape is thrown away.
            progress.check()?;
            if let Some(landscape) = built {
                return Ok(Some(Ok(Arc::new(landscape))));
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The background build of the scene's network landscape.
pub struct NetworkBuild {
    job: JobSlot<Result<Arc<Landscape>, String>>,
    /// The settings the job under way (or the last one) was asked for.
    asked: Option<NetSpec>,
    /// The last landscape built, with its settings.
    built: Option<(NetSpec, Arc<Landscape>)>,
}

impl Default for NetworkBuild {
    fn default() -> Self {
        Self { job: JobSlot::new("network", Priority::Interactive), asked: None, built: None }
    }
}

impl NetworkBuild {
    /// Asks for the landscape of `choice` when it is a network whose settings were not asked
    /// for yet. A landscape built before for the same settings comes back at once.
    pub fn update(
        &mut self,
        choice: &SurfaceChoice,
        wake: impl Fn() + Send + 'static,
    ) -> Option<Built> {
        let SurfaceChoice::Network(spec) = choice else {
            if self.asked.take().is_some() {
                self.job.cancel();
            }
            return None;
        };
        if self.asked.as_ref() == Some(spec) {
            return None;
        }
        self.asked = Some(spec.clone());
        if let Some((built_spec, landscape)) = &self.built
            && built_spec == spec
        {
            self.job.cancel();
            return Some(Built::Done(Arc::clone(landscape)));
        }
        self.job.request_sliced(wake, BuildJob { spec: spec.clone(), steps: None });
        None
    }

    /// Whether a build is under way.
    pub fn busy(&self) -> bool {
        self.job.busy()
    }

    /// The landscape on screen, if the scene's settings are built.
    pub fn landscape(&self, choice: &SurfaceChoice) -> Option<&Landscape> {
        match (choice, &self.built) {
            (SurfaceChoice::Network(spec), Some((built, l))) if built == spec => Some(l),
            _ => None,
        }
    }

    /// The side panel's section: the network, its data and training, how far the build is,
    /// and the trained loss and accuracy.
    pub fn ui(&self, ui: &mut Ui, choice: &SurfaceChoice) {
        let SurfaceChoice::Network(spec) = choice else { return };
        ui.heading("Network");
        let data = match &spec.data {
            NetData::Dataset { name, points, .. } => format!("{name} ({points} points)"),
            NetData::Csv(path) => path.display().to_string(),
            NetData::Points(rows) => format!("{} points", rows.len()),
        };
        ui.label(format!("{} on {data}, seed {}", spec.net, spec.seed));
        ui.label(format!("trained with {} for {} steps", spec.optimizer, spec.steps));
        ui.label(format!(
            "{} slice: L(θ + α·δ + β·η), α, β in [−{s}, {s}]",
            spec.directions.name(),
            s = spec.span
        ));
        if self.busy() {
            let fraction = self.job.progress().unwrap_or(0.0);
            ui.add(egui::ProgressBar::new(fraction).text(format!(
                "training: step {:.0} of {}",
                fraction * spec.steps as f32,
                spec.steps
            )));
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        } else if let Some(l) = self.landscape(choice) {
            let loss = l.training.losses.last().copied().unwrap_or(f64::NAN);
            let loss =
                if loss.abs() >= 1e-3 { format!("{loss:.4}") } else { format!("{loss:.2e}") };
            ui.label(
                RichText::new(format!(
                    "trained loss {loss} (the centre), accuracy {:.1}%",
                    100.0 * l.accuracy
                ))
                .strong(),
            );
            if let Some(k) = l.training.diverged_at {
                ui.colored_label(
                    egui::Color32::LIGHT_RED,
                    format!("training diverged at step {k}"),
                );
            }
            ui.label(
                RichText::new("White: the training path from θ₀ projected onto the plane").small(),
            );
        }
    }
}

impl TakesJob for NetworkBuild {
    type Output = Result<Arc<Landscape>, String>;
    type Taken = Built;

    fn slot(&mut self) -> &mut JobSlot<Self::Output> {
        &mut self.job
    }

    /// Keeps a finished build; what became of it (nothing when cancelled).
    fn take(
        &mut self,
        outcome: Outcome<Result<Arc<Landscape>, String>>,
        _: std::time::Duration,
    ) -> Option<Built> {
        match outcome {
            Outcome::Done(Ok(landscape)) => {
                let spec = self.asked.clone()?;
                self.built = Some((spec, Arc::clone(&landscape)));
                Some(Built::Done(landscape))
            }
            Outcome::Done(Err(message)) => Some(Built::Failed(format!("network: {message}"))),
            Outcome::Failed(message) => Some(Built::Failed(format!("network failed: {message}"))),
            Outcome::Cancelled => None,
        }
    }
}

/// The flat surface shown while a network landscape trains.
pub fn placeholder() -> crate::sim::SurfaceDef {
    use crate::sim::{Builtin, Formula, SurfaceDef};
    Formula::parse("0")
        .map(|f| SurfaceDef::Formula(Arc::new(f)))
        .unwrap_or(SurfaceDef::Builtin(Builtin::Saddle))
}

/// Draws a network slice's projected training path on the map: a white line from θ₀ (a ring)
/// to the trained θ (a dot).
pub fn draw_path(pui: &mut egui_plot::PlotUi, path: &crate::figure::Track) {
    use egui_plot::{Line, MarkerShape, PlotPoints, Points};
    let c = crate::app::style::color(path.color);
    let pts: Vec<[f64; 2]> = path.points.iter().map(|p| [p.x, p.y]).collect();
    let (Some(&first), Some(&last)) = (pts.first(), pts.last()) else { return };
    pui.line(
        Line::new(path.label.as_str(), PlotPoints::from(pts))
            .color(c)
            .width(2.0)
            .allow_hover(false),
    );
    pui.points(
        Points::new("", vec![first]).shape(MarkerShape::Circle).radius(6.0).filled(false).color(c),
    );
    pui.points(Points::new("", vec![last]).radius(4.0).filled(true).color(c));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Runner, frames_until, set_runner};
    use crate::sim::net::data::Dataset;

    #[test]
    fn between_frames_a_landscape_trains_a_step_at_a_time_and_is_the_whole_build() {
        let mut spec = NetSpec::on_dataset(Dataset::Moons);
        spec.data = NetData::Dataset { name: Dataset::Moons, points: 20, noise: None };
        spec.net = crate::sim::net::Architecture::parse("2-3-1").expect("arch");
        spec.steps = 30;
        let whole = spec.build(None).expect("builds");
        set_runner(Runner::BetweenFrames);
        let mut build = NetworkBuild::default();
        let choice = SurfaceChoice::Network(spec.clone());
        assert!(build.update(&choice, || {}).is_none());
        // A frame of no time: one training step.
        let (built, frames) = frames_until(10_000, "the build", |frame| {
            if frame == 10 {
                let done = build.job.progress().expect("under way");
                assert!(done > 0.0 && done < 1.0, "progress shows between frames: {done}");
            }
            build.poll()
        });
        set_runner(Runner::Threads);
        assert!(frames > spec.steps, "a step a frame: {frames} frames");
        match built {
            Built::Done(landscape) => assert_eq!(*landscape, whole),
            Built::Failed(e) => panic!("{e}"),
        }
        assert!(build.landscape(&choice).is_some());
    }
}
