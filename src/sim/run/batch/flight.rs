//! Runs of one optimizer in flight: the kernel's blocks (or the scalar path's runs) kept
//! between calls, so that a cloud moving forward continues its runs instead of replaying them.

use super::block::Block;
use super::{LANES, Work, dispatch, in_kernel};
use crate::sim::run::trajectory::ScalarFlight;
use crate::sim::{OptimizerSpec, Point, StepState, SurfaceDef};

use super::End;

/// Steps a resumed flight runs between two checks for cancellation.
const FLIGHT_PIECE: usize = 256;

/// Runs of one optimizer in flight, in `f64`: where each is after [`step`](Self::step)
/// updates, with the state to continue them. [`advance`](Self::advance) continues them and
/// [`ends`](Self::ends) says where they are: exactly [`final_points`] at that step, bit for
/// bit, however the steps were split (a test holds it to that). The kernel's blocks for the
/// optimizers it serves, a [`ScalarFlight`] for the others.
#[derive(Clone)]
pub struct Flight {
    spec: OptimizerSpec,
    len: usize,
    state: FlightState,
}

#[derive(Clone)]
enum FlightState {
    Kernel { blocks: Vec<(Block<f64>, StepState)>, step: usize },
    Scalar(Box<ScalarFlight>),
}

impl Flight {
    /// Runs of `spec` from each of `starts` on `surface`, at step 0.
    pub fn new(surface: &SurfaceDef, spec: &OptimizerSpec, starts: &[Point]) -> Self {
        let state = if in_kernel(spec) {
            let blocks = starts.chunks(LANES).map(|c| (Block::new(c), spec.start())).collect();
            FlightState::Kernel { blocks, step: 0 }
        } else {
            FlightState::Scalar(Box::new(ScalarFlight::new(spec, starts)))
        };
        let mut flight = Self { spec: *spec, len: starts.len(), state };
        if let FlightState::Kernel { blocks, .. } = &mut flight.state {
            // The evaluation of the starts: a start that is not finite has diverged at step 0.
            dispatch::<f64>(surface, spec, Work::Resume { blocks, from: 0, to: 0 });
        }
        flight
    }

    /// How many runs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no runs.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The updates done so far.
    pub fn step(&self) -> usize {
        match &self.state {
            FlightState::Kernel { step, .. } => *step,
            FlightState::Scalar(s) => s.step(),
        }
    }

    /// Continues every run on `surface` (the one it started on) until `to` updates are done
    /// (nothing if it is there or beyond). `check` is asked between pieces of work and may
    /// stop it; the runs are then at a consistent step, from which they can go on.
    pub fn advance<E>(
        &mut self,
        surface: &SurfaceDef,
        to: usize,
        mut check: impl FnMut() -> Result<(), E>,
    ) -> Result<(), E> {
        match &mut self.state {
            FlightState::Kernel { blocks, step } => {
                while *step < to {
                    check()?;
                    let next = to.min(step.saturating_add(FLIGHT_PIECE));
                    dispatch::<f64>(
                        surface,
                        &self.spec,
                        Work::Resume { blocks, from: *step, to: next },
                    );
                    *step = next;
                }
                Ok(())
            }
            FlightState::Scalar(s) => s.advance(surface, to, check),
        }
    }

    /// Where each run is at [`step`](Self::step): its last finite point and the step it
    /// diverged at, if it did.
    pub fn ends(&self, surface: &SurfaceDef) -> Vec<End> {
        match &self.state {
            FlightState::Kernel { blocks, .. } => {
                let mut out = Vec::with_capacity(self.len);
                for (block, _) in blocks {
                    let n = (self.len - out.len()).min(LANES);
                    out.extend((0..n).map(|i| block.end(i)));
                }
                out
            }
            FlightState::Scalar(s) => s.ends(surface),
        }
    }
}
