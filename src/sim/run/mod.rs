//! Running the optimizers: trajectories, the batch kernel that runs many at once, and what is
//! built on them (clouds of runs, basin maps, learning-rate tuning, metrics), with the thread
//! pool and progress reports they share.

pub mod basins;
pub mod batch;
pub mod cloud;
pub mod metrics;
pub mod parallel;
pub mod progress;
pub mod trajectory;
pub mod tune;
