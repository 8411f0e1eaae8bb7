//! The simulation core: surfaces, formulas, optimizers, trajectories and critical points.
//!
//! Pure, deterministic Rust. Nothing in here knows about a window: the app, the command line and
//! the headless renderer all read from this module, and nothing here reads from them.

pub mod builtin;
pub mod census;
pub mod critical;
pub mod data;
pub mod formula;
pub mod goe;
pub mod model;
pub mod net;
pub mod optim;
pub mod real;
pub mod run;
pub mod surface;

pub use optim::{lbfgs, narrate, schedule};
pub use run::{basins, batch, cloud, metrics, parallel, progress, trajectory, tune};

pub use builtin::Builtin;
pub use critical::{CriticalKind, CriticalPoint, critical_points};
pub use formula::{Formula, FormulaError};
pub use optim::{
    OptimizerKind, OptimizerSpec, Param, ParamType, SpecError, State, StepScalars, StepState,
};
pub use real::{Dtype, Real};
pub use schedule::{LrSchedule, ScheduleError};
pub use surface::{Domain, DomainError, Surface, SurfaceDef};
pub use trajectory::{
    Eval, Noise, Run, Trajectory, TrajectoryPoint, final_point, final_points, simulate,
    simulate_many, simulate_many_thinned,
};

/// A point of the plane, (x, y).
pub type Point = nalgebra::Vector2<f64>;
/// A gradient, (∂f/∂x, ∂f/∂y).
pub type Gradient = nalgebra::Vector2<f64>;
/// A Hessian, the symmetric matrix of second partial derivatives.
pub type Hessian = nalgebra::Matrix2<f64>;
