//! The Hessian spectrum of a network of real size (SPEC §2, networks of real size; §4
//! `losscape spectrum`): 10⁵ parameters and more, where the census's n × n Hessian is out of
//! reach.
//!
//! A fully connected network `D-H[-H…]-K` (tanh hidden layers, K logits) on labelled data has
//! the loss `L(θ) = mean cross-entropy + (wd/2)·‖θ‖²` ([`Loss`]), with θ in the order of
//! PyTorch's `nn.Linear` layers: per layer the weight (out × in, row-major), then the bias.
//! - [`Curvature`]: L(θ), ∇L(θ) by reverse mode, and exact Hessian-vector products H·v by
//!   Pearlmutter's R-operator (forward-over-reverse) on whole matrices over row blocks of the
//!   data, in parallel and deterministic;
//! - [`lanczos`]: the Lanczos tridiagonal with full reorthogonalisation, and its Ritz values;
//! - [`Density`]: stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017; PyHessian, Yao et
//!   al. 2020): the eigenvalue density, its extremes, the Hutchinson trace and the shares of
//!   negative, flat and positive curvature;
//! - [`Labelled`]: the data — a CSV of `x1,…,xD,label`, a built-in 2-D set, or the UCI optical
//!   digits shipped with the project ([`digits`]);
//! - [`spectra_along_training`]: train full-batch with the project's optimizers, then the
//!   spectrum at chosen steps, with progress and cancellation (what `losscape spectrum` and the
//!   app run).

mod along;
mod data;
mod density;
mod error;
mod hvp;
mod lanczos;
mod widths;

pub use along::{
    Along, MAX_AT, MAX_LANCZOS, MAX_PROBES, MEMORY_BYTES, Sample, SpectrumSettings, SpectrumSteps,
    Trained, memory_bytes, spectra_along_training, train,
};
pub use data::{DIGITS_CLASSES, DIGITS_FEATURES, DIGITS_ROWS, Labelled, digits, parse_labelled};
pub use density::{DEFAULT_FLAT, DEFAULT_PROBES, DEFAULT_STEPS, Density, DensitySteps, Shares};
pub use error::SpectrumError;
pub use hvp::{Curvature, DEFAULT_BLOCK_ROWS, Loss};
pub use lanczos::{BREAKDOWN, Ritz, Tridiagonal, lanczos, rademacher};
pub use widths::{MAX_PARAMS, Widths, init};
