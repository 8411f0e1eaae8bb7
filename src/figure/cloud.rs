//! A cloud of runs in a figure: where its runs are at exactly the steps an output shows.

use super::{FigureError, anim};
use crate::scene::{Rgb, Scene};
use crate::sim::run::cloud::CloudRuns;
use crate::sim::{Point, SurfaceDef};

/// The steps an output shows of its runs, at which a cloud is computed exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shown {
    /// A 2-D still at this step: the step and the fading tail behind it.
    Still(usize),
    /// A 3-D still at this step: the step alone.
    Step(usize),
    /// The frames of an animation.
    Animation(anim::Animation),
}

impl Shown {
    /// The steps shown, for runs of `last` steps.
    pub fn steps(&self, last: usize) -> Vec<usize> {
        match self {
            Shown::Still(step) => CloudFrames::steps_for_still((*step).min(last), last),
            Shown::Step(step) => vec![(*step).min(last)],
            Shown::Animation(anim) => anim.steps(last),
        }
    }
}

/// Where a cloud's runs are at the steps a figure shows (each computed exactly from step 0).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CloudFrames {
    /// The steps computed, ascending.
    pub steps: Vec<usize>,
    /// Per step: per enabled optimizer, its colour and where its runs are.
    pub frames: Vec<Vec<(Rgb, Vec<Point>)>>,
    /// The last step of the scene.
    pub last: usize,
}

/// Frames of a cloud's tail drawn behind its heads (older, fainter).
pub const CLOUD_TAIL: usize = 2;

impl CloudFrames {
    /// The cloud of `scene` (which must have one) at `steps`, on all cores.
    ///
    /// # Errors
    /// [`FigureError::Cloud`] when the scene's cloud is not valid.
    pub fn compute(
        scene: &Scene,
        surface: &SurfaceDef,
        steps: &[usize],
    ) -> Result<Option<Self>, FigureError> {
        let Some(cloud) = scene.cloud else { return Ok(None) };
        cloud.check().map_err(|e| FigureError::Cloud(e.to_string()))?;
        let starts = cloud.starts(&scene.domain());
        let mut steps: Vec<usize> = steps.to_vec();
        steps.sort_unstable();
        steps.dedup();
        let progress = crate::sim::run::progress::Progress::default();
        let starts = std::sync::Arc::new(starts);
        // The runs go forward from frame to frame: the steps are sorted.
        let mut runs: Vec<(Rgb, CloudRuns)> = (scene.optimizers.iter().filter(|e| e.enabled))
            .map(|e| (e.color, CloudRuns::new(surface, &e.spec, std::sync::Arc::clone(&starts))))
            .collect();
        let mut frames = Vec::with_capacity(steps.len());
        for &k in &steps {
            let mut members = Vec::new();
            for (color, runs) in &mut runs {
                let at = runs
                    .frame(surface, k, &progress)
                    .map_err(|e| FigureError::Cloud(e.to_string()))?;
                members.push((*color, at.points));
            }
            frames.push(members);
        }
        Ok(Some(Self { steps, frames, last: scene.steps }))
    }

    /// The steps a still figure at `step` needs: the step and its tail before it.
    pub fn steps_for_still(step: usize, last: usize) -> Vec<usize> {
        let gap = (last / 60).max(1);
        (0..=CLOUD_TAIL).rev().map(|age| step.saturating_sub(age * gap)).collect()
    }

    /// The frames to draw at `step`, newest first: the last computed at or before `step`, and
    /// up to [`CLOUD_TAIL`] before it.
    pub fn at(&self, step: usize) -> impl Iterator<Item = &Vec<(Rgb, Vec<Point>)>> {
        let newest = self.steps.partition_point(|&k| k <= step);
        let oldest = newest.saturating_sub(CLOUD_TAIL + 1);
        self.frames[oldest..newest].iter().rev()
    }
}
