//! The Hessian spectrum of a network of real size (`sim::net::spectrum`), held to independent
//! references: num-dual's exact derivatives of a scalar forward pass written here
//! (`reference`), dense eigenvalues of matrices with known spectra and of the network's own
//! Hessian assembled column by column, and PyTorch's numbers (`tests/data/torch_spectrum.json`,
//! made by `tests/data/make_spectrum_reference.py`): the loss, every eigenvalue and full-batch
//! Adam training from PyTorch's own initialisation.
//!
//! One test binary (`cargo test --test spectrum`); sizes are chosen so that it stays within
//! about a minute in the debug profile.

mod errors;
mod hvp;
mod lanczos;
mod reference;
mod slq;
mod steps;
mod torch;

use losscape::sim::net::spectrum::{Labelled, Loss, Widths};
use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Gaussian-ish blobs: `rows` rows of `features` features in `classes` classes (row i in class
/// i mod classes), centres uniform in [−1, 1], spread `spread` (a sum of uniforms).
pub fn blobs(features: usize, classes: usize, rows: usize, spread: f64, seed: u64) -> Labelled {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres = DMatrix::from_fn(classes, features, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<usize> = (0..rows).map(|i| i % classes).collect();
    let x = DMatrix::from_fn(rows, features, |i, j| {
        let noise: f64 = (0..3).map(|_| rng.random_range(-1.0..1.0)).sum();
        centres[(labels[i], j)] + spread * noise
    });
    Labelled::new(x, labels).expect("valid data")
}

/// A loss on blobs for `widths` (binary labels for one output).
pub fn loss_on_blobs(widths: &str, rows: usize, wd: f64, seed: u64) -> Loss {
    let widths = Widths::parse(widths).expect("valid widths");
    let data = blobs(widths.inputs(), widths.outputs().max(2), rows, 0.5, seed);
    Loss::new(widths, data, wd).expect("valid loss")
}

/// A vector of uniform numbers in [−1, 1].
pub fn random_vector(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(-1.0..1.0)).collect()
}

/// The largest |x|.
pub fn max_abs(x: &[f64]) -> f64 {
    x.iter().fold(0.0, |m, v| m.max(v.abs()))
}
