//! The simulation core: surfaces, formulas, optimizers, trajectories and critical points;
//! networks and their landscapes.
//!
//! Pure, deterministic Rust. Nothing in here knows about a window: the app, the command line and
//! the headless renderer all read from this module, and nothing here reads from them.

pub mod net;
pub mod optim;
pub mod real;
pub mod run;
pub mod surfaces;

pub use optim::schedule::{LrSchedule, ScheduleError};
pub use optim::{
    OptimizerKind, OptimizerSpec, Param, ParamType, SpecError, State, StepScalars, StepState,
};
pub use real::{Dtype, Real};
pub use run::trajectory::{
    Eval, Noise, Run, Trajectory, TrajectoryPoint, final_point, final_points, simulate,
    simulate_many, simulate_many_thinned,
};
pub use surfaces::{
    Builtin, CriticalKind, CriticalPoint, Domain, DomainError, Formula, FormulaError, Surface,
    SurfaceDef, critical_points,
};

/// A point of the plane, (x, y).
pub type Point = nalgebra::Vector2<f64>;
/// A gradient, (∂f/∂x, ∂f/∂y).
pub type Gradient = nalgebra::Vector2<f64>;
/// A Hessian, the symmetric matrix of second partial derivatives.
pub type Hessian = nalgebra::Matrix2<f64>;
