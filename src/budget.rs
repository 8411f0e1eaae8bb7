//! Memory and work budgets: no valid scene may exhaust the machine.
//!
//! A scene asks for `optimizers × starts × (steps + 1)` trajectory points. They are stored as
//! [`TrajectoryPoint`]s (40 bytes: x, y, f, ∇f); beyond [`TRAJECTORY_BYTES`] the runs are stored
//! thinned, every `stride`-th step with `stride` the smallest power of two that fits (a power of
//! two, so that a small change of the scene rarely changes it and the cached runs stay valid).
//! The work is bounded too: more than [`MAX_STEP_EVALUATIONS`] optimizer steps in one scene is
//! refused with a message that says what it asks, what the limit is and what to lower.
//!
//! The app and `losscape render` plan with the same function, so they obey the same budget.

use crate::scene::Scene;
use crate::sim::TrajectoryPoint;

/// Bytes of trajectory data a scene may keep in memory.
pub const TRAJECTORY_BYTES: usize = 384 << 20;

/// Bytes one stored trajectory point takes.
pub const POINT_BYTES: usize = std::mem::size_of::<TrajectoryPoint>();

/// Optimizer steps one scene may ask for in all (runs × steps): a few tens of seconds of work
/// on two cores for the slowest optimizers.
pub const MAX_STEP_EVALUATIONS: u64 = 2_000_000_000;

/// How a scene's runs are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// How many runs (enabled optimizers × starts).
    pub runs: usize,
    /// Steps per run.
    pub steps: usize,
    /// Steps between two stored points (a power of two; 1 stores every point).
    pub stride: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Self { runs: 0, steps: 0, stride: 1 }
    }
}

impl Plan {
    /// Points stored per run at most.
    pub fn points_per_run(&self) -> usize {
        self.steps / self.stride + 2
    }

    /// Bytes the stored runs take at most.
    pub fn bytes(&self) -> usize {
        self.runs.saturating_mul(self.points_per_run()).saturating_mul(POINT_BYTES)
    }

    /// Whether the runs are stored thinned.
    pub fn thinned(&self) -> bool {
        self.stride > 1
    }
}

/// A scene asks for more work than the budget allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the scene asks for {runs} runs × {steps} steps = {asked} optimizer steps; the limit is \
     {limit}: lower the steps, the start points or the optimizers"
)]
pub struct BudgetError {
    /// Runs asked for.
    pub runs: usize,
    /// Steps per run asked for.
    pub steps: usize,
    /// runs × steps.
    pub asked: u64,
    /// The limit.
    pub limit: u64,
}

/// How `runs` runs of `steps` steps are stored within the budget, or why they are refused.
pub fn plan(runs: usize, steps: usize) -> Result<Plan, BudgetError> {
    plan_within(runs, steps, TRAJECTORY_BYTES)
}

/// [`plan`] with `bytes` of trajectory data instead of [`TRAJECTORY_BYTES`].
pub fn plan_within(runs: usize, steps: usize, bytes: usize) -> Result<Plan, BudgetError> {
    let asked = (runs as u64).saturating_mul(steps as u64);
    if asked > MAX_STEP_EVALUATIONS {
        return Err(BudgetError { runs, steps, asked, limit: MAX_STEP_EVALUATIONS });
    }
    let mut plan = Plan { runs, steps, stride: 1 };
    while plan.bytes() > bytes && plan.stride < steps.max(1) {
        plan.stride *= 2;
    }
    Ok(plan)
}

/// [`plan`] for the runs of `scene`: every enabled optimizer from every start.
pub fn plan_scene(scene: &Scene) -> Result<Plan, BudgetError> {
    plan_scene_within(scene, TRAJECTORY_BYTES)
}

/// [`plan_scene`] with `bytes` of trajectory data.
pub fn plan_scene_within(scene: &Scene, bytes: usize) -> Result<Plan, BudgetError> {
    let optimizers = scene.optimizers.iter().filter(|e| e.enabled).count();
    plan_within(optimizers * scene.starts.len(), scene.steps, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_scenes_keep_every_point() {
        let p = plan(8 * 16, 2000).expect("fits");
        assert_eq!(p.stride, 1);
        assert!(p.bytes() <= TRAJECTORY_BYTES);
    }

    #[test]
    fn large_scenes_are_thinned_to_fit() {
        // 10 optimizers × 256 starts × 20 000 steps: ~2 GB at every point.
        let p = plan(10 * 256, 20_000).expect("within the work budget");
        assert!(p.stride > 1 && p.stride.is_power_of_two());
        assert!(p.bytes() <= TRAJECTORY_BYTES, "{} bytes", p.bytes());
        // The next finer stride would not fit: the thinning is no coarser than it must be.
        let finer = Plan { stride: p.stride / 2, ..p };
        assert!(finer.bytes() > TRAJECTORY_BYTES);
    }

    #[test]
    fn absurd_scenes_are_refused_with_what_to_lower() {
        let e = plan(30 * 256, 1_000_000).expect_err("too much work");
        let message = e.to_string();
        assert!(message.contains("7680 runs"), "{message}");
        assert!(message.contains("lower the steps"), "{message}");
    }
}
