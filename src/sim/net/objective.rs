//! What a search for critical points works on: an objective with its exact gradient and
//! Hessian (a network's loss, or a 2-D surface), and the count of its Hessian's negative
//! eigenvalues by one tolerance (the index of a critical point).

use nalgebra::{DMatrix, SymmetricEigen};

use super::network::Network;
use crate::sim::Point;
use crate::sim::surfaces::surface::Surface;

/// An eigenvalue is negative when below `−EIG_TOL·max(1, spectral radius)`.
pub const EIG_TOL: f64 = 1e-9;

/// A twice-differentiable objective in n parameters, for the search.
pub trait Objective: Sync {
    /// The number of parameters n.
    fn dim(&self) -> usize;
    /// L(θ).
    fn loss(&self, theta: &[f64]) -> f64;
    /// ∇L(θ).
    fn gradient(&self, theta: &[f64]) -> Vec<f64>;
    /// The exact Hessian ∇²L(θ), symmetric.
    fn hessian(&self, theta: &[f64]) -> DMatrix<f64>;
}

impl Objective for Network {
    fn dim(&self) -> usize {
        self.n_params()
    }
    fn loss(&self, theta: &[f64]) -> f64 {
        Network::loss(self, theta)
    }
    fn gradient(&self, theta: &[f64]) -> Vec<f64> {
        Network::gradient(self, theta)
    }
    fn hessian(&self, theta: &[f64]) -> DMatrix<f64> {
        Network::hessian(self, theta)
    }
}

/// A 2-D surface (a built-in, a formula, a model such as deep-linear) as an objective in
/// θ = (x, y), with the surface's own exact gradient and Hessian.
#[derive(Clone, Debug)]
pub struct Planar<S>(pub S);

impl<S: Surface + Sync> Objective for Planar<S> {
    fn dim(&self) -> usize {
        2
    }
    fn loss(&self, theta: &[f64]) -> f64 {
        self.0.value(Point::new(theta[0], theta[1]))
    }
    fn gradient(&self, theta: &[f64]) -> Vec<f64> {
        let (_, g) = self.0.value_grad(Point::new(theta[0], theta[1]));
        vec![g.x, g.y]
    }
    fn hessian(&self, theta: &[f64]) -> DMatrix<f64> {
        let (_, _, h) = self.0.value_grad_hessian(Point::new(theta[0], theta[1]));
        let off = 0.5 * (h[(0, 1)] + h[(1, 0)]);
        DMatrix::from_row_slice(2, 2, &[h[(0, 0)], off, off, h[(1, 1)]])
    }
}

/// The count of negative eigenvalues, by the census's tolerance.
pub fn count_negative(eigenvalues: &[f64]) -> usize {
    let radius = eigenvalues.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let tol = EIG_TOL * radius.max(1.0);
    eigenvalues.iter().filter(|&&v| v < -tol).count()
}

/// The eigenvalues of a symmetric matrix, ascending.
pub fn sorted_eigenvalues(h: DMatrix<f64>) -> Vec<f64> {
    let mut e: Vec<f64> = SymmetricEigen::new(h).eigenvalues.iter().copied().collect();
    e.sort_by(f64::total_cmp);
    e
}
