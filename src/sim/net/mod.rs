//! Fully connected networks on labelled data, and their loss landscapes (SPEC §2, network
//! landscapes and networks of real size).
//!
//! The network `D-H[-H…]-K` has D inputs, tanh hidden layers and K linear outputs, the logits
//! z. Its loss is the mean cross-entropy plus weight decay, `L(θ) = 1/n·Σ ℓ(zᵢ, yᵢ) +
//! (wd/2)·‖θ‖²` ([`output`]): for K = 1 the binary cross-entropy with logits,
//! `ℓ = softplus(z) − y·z` with labels 0/1 (PyTorch's `BCEWithLogitsLoss`); for K ≥ 2 the
//! softmax cross-entropy `ℓ = logsumexp(z) − z_y` with labels 0…K−1 (PyTorch's
//! `CrossEntropyLoss`).
//!
//! The parameters are one flat vector θ in the order of PyTorch's `nn.Linear` layers: per layer
//! the weight (out × in, row-major), then the bias. The same vector is trained, sliced, saved and
//! compared with PyTorch.
//!
//! The forward and backward passes are written once, generic over the scalar
//! ([`Scalar`](crate::sim::surfaces::Scalar): `f64` and num-dual's dual numbers):
//! - reverse mode on `f64` gives ∇L for training ([`Network::loss_grad`]);
//! - the same reverse pass on first-order duals seeded with a direction v gives the
//!   Hessian-vector product H·v, and n of them the exact Hessian (forward-over-reverse,
//!   [`Network::hessian`]);
//! - a forward pass on second-order duals in (α, β) gives a slice's exact gradient and Hessian
//!   ([`Slice`]).
//!
//! The spectrum's [`Loss`](spectrum::Loss) computes the same loss on whole matrices (for 10⁵
//! parameters, where the per-row passes on dual numbers would be far too slow). The two share
//! what defines the loss: the data ([`Labelled`](spectrum::Labelled)), the layers' order and
//! initialisation, and each row's [`output::cross_entropy`] and label check; they differ only
//! in the order of their sums (a test holds them together to 1e-12).
//!
//! The room also holds what is made from data and what shows why saddles dominate in high
//! dimension: the data sets ([`data`]), the tiny models whose loss is a 2-D surface ([`model`]),
//! the saddle census of a network's critical points ([`census`]) and random Hessians ([`goe`]).
//! Beside the census, the Hessian spectrum of a network of real size ([`spectrum`]): exact
//! Hessian-vector products on whole matrices and stochastic Lanczos quadrature, for networks
//! `D-H[-H…]-K` of 10⁵ parameters on real data.

mod architecture;
mod eigen;
mod error;
mod interpolate;
mod landscape;
mod network;
mod pca;
mod slice;
mod train;

pub mod census;
pub mod census_steps;
pub mod data;
pub mod descend;
pub mod goe;
pub mod histogram;
pub mod model;
pub mod objective;
pub mod output;
pub mod spectrum;

pub use architecture::{
    Architecture, Layer, MAX_HIDDEN_LAYERS, MAX_INPUTS, MAX_OUTPUTS, MAX_WIDTH,
};
pub use error::NetError;
pub use interpolate::interpolate;
pub use landscape::{
    Landscape, LandscapeSteps, MAX_PATH_NUMBERS, MAX_SCENE_POINTS, MAX_SCENE_STEPS, NetData,
    NetSpec,
};
pub use network::{Network, Scratch};
pub use output::{sigmoid, softplus};
pub use pca::{PCA_POINTS, PcaSteps, pca_directions};
pub use slice::{Directions, SLICE_EXACT_SIDE, Slice, filter_normalise};
pub use train::{
    MAX_NEWTON_PARAMS, NdOptimizer, TrainSteps, Training, newton_fits, train, train_observed,
};
