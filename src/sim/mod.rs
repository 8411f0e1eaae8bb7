//! The simulation core: surfaces, formulas, optimizers, trajectories and critical points;
//! networks and their landscapes.
//!
//! Pure, deterministic Rust. Nothing in here knows about a window: the app, the command line and
//! the headless renderer all read from this module, and nothing here reads from them.

pub mod basins;
pub mod batch;
pub mod cloud;
pub mod lbfgs;
pub mod metrics;
pub mod narrate;
pub mod net;
pub mod optimizer;
pub mod parallel;
pub mod progress;
pub mod real;
pub mod schedule;
pub mod surfaces;
pub mod trajectory;
pub mod tune;

pub use optimizer::{
    Coefs, OptimizerKind, OptimizerSpec, Param, ParamType, Schedule, SpecError, State,
};
pub use real::{Dtype, Real};
pub use schedule::{LrSchedule, ScheduleError};
pub use surfaces::{
    Builtin, CriticalKind, CriticalPoint, Domain, DomainError, Formula, FormulaError, Surface,
    SurfaceDef, critical_points,
};
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
