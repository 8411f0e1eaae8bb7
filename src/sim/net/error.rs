//! What can be wrong with a network's settings.

/// What is wrong with a network's settings.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NetError {
    /// The architecture string does not parse or is out of range.
    #[error("--net '{text}': {message} (write D-H[-H…]-K, e.g. 2-16-16-1 or 64-32-10)")]
    Architecture {
        /// The text given.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// The data cannot be used.
    #[error("{0}")]
    Data(String),
    /// The optimizer cannot train a network.
    #[error("{0}")]
    Optimizer(String),
    /// A parameter vector of the wrong length.
    #[error("a parameter vector has {got} numbers, the network has {want} parameters")]
    Length {
        /// Its length.
        got: usize,
        /// The network's parameter count.
        want: usize,
    },
}
