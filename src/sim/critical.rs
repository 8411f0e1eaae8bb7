//! Critical points of a surface inside a domain: where ∇f = 0, and of which kind.

use super::{Domain, Point, Surface};

/// What the Hessian says a critical point is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CriticalKind {
    /// Both eigenvalues positive.
    Min,
    /// Both eigenvalues negative.
    Max,
    /// One eigenvalue of each sign.
    Saddle,
    /// An eigenvalue is (numerically) zero: the second-order test cannot tell.
    Degenerate,
}

/// A point where the gradient vanishes.
#[derive(Clone, Debug, PartialEq)]
pub struct CriticalPoint {
    /// Where.
    pub point: Point,
    /// f there.
    pub value: f64,
    /// Its kind, by the signs of the Hessian's eigenvalues.
    pub kind: CriticalKind,
    /// The Hessian's eigenvalues, ascending.
    pub eigenvalues: [f64; 2],
    /// Unit eigenvectors, in the order of `eigenvalues`.
    pub eigenvectors: [Point; 2],
}

/// All critical points of `surface` inside `domain`. (The finder lands in the next commit.)
pub fn critical_points<S: Surface>(_surface: &S, _domain: &Domain) -> Vec<CriticalPoint> {
    Vec::new()
}
