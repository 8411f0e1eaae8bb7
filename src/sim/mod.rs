//! The simulation core: surfaces, formulas, optimizers, trajectories and critical points.
//!
//! Pure, deterministic Rust. Nothing in here knows about a window: the app, the command line and
//! the headless renderer all read from this module, and nothing here reads from them.

pub mod basins;
pub mod batch;
pub mod builtin;
pub mod census;
pub mod cloud;
pub mod critical;
pub mod data;
pub mod formula;
pub mod goe;
pub mod lbfgs;
pub mod metrics;
pub mod model;
pub mod narrate;
pub mod net;
pub mod optimizer;
pub mod parallel;
pub mod progress;
pub mod real;
pub mod schedule;
pub mod surface;
pub mod trajectory;
pub mod tune;

pub use builtin::Builtin;
pub use critical::{CriticalKind, CriticalPoint, critical_points};
pub use formula::{Formula, FormulaError};
pub use optimizer::{
    Coefs, OptimizerKind, OptimizerSpec, Param, ParamType, Schedule, SpecError, State,
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
