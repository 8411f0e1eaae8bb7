//! What can go wrong when a spectrum is asked for: bad widths, bad data, bad settings, a
//! vector of the wrong length, a training run that diverged, or a cancelled run. Every failure
//! is a value, never a panic.

use crate::sim::run::progress::Cancelled;

/// What is wrong with a spectrum's inputs, or why it stopped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SpectrumError {
    /// The widths `D-H[-H…]-K` do not parse or are out of range.
    #[error("--net '{text}': {message} (write D-H[-H…]-K, e.g. 64-256-256-10)")]
    Widths {
        /// The text given.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// The data cannot be used with this network (shape, non-finite number, label).
    #[error("{0}")]
    Data(String),
    /// A vector of the wrong length.
    #[error("{what} has {got} numbers, {want} are needed")]
    Length {
        /// What the vector is (`"θ"`, `"v"`, `"start"`, …).
        what: &'static str,
        /// Its length.
        got: usize,
        /// The length wanted.
        want: usize,
    },
    /// A number that must be finite is not (`what` says which).
    #[error("{0} has a number that is not finite")]
    NotFinite(&'static str),
    /// A setting out of range (weight decay, steps, probes, σ, the optimizer, the memory, …).
    #[error("{0}")]
    Settings(String),
    /// Training diverged (the loss or θ stopped being finite) at `step`, before a step whose
    /// spectrum was asked for.
    #[error(
        "training diverged at step {step} (the loss or θ is not finite), before step {wanted} \
         whose spectrum was asked for: lower the learning rate"
    )]
    Diverged {
        /// The first step whose loss or θ is not finite.
        step: usize,
        /// The step asked for.
        wanted: usize,
    },
    /// The caller cancelled the run.
    #[error("cancelled")]
    Cancelled,
}

impl From<Cancelled> for SpectrumError {
    fn from(_: Cancelled) -> Self {
        Self::Cancelled
    }
}
