//! The plain saddle f = x² − y²: down along y, up along x.
//!
//! ∇f = (2x, −2y); ∇²f = diag(2, −2). One critical point, the saddle at the origin.

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// The plain saddle `x² − y²`.
pub struct Saddle;

impl BuiltinSurface for Saddle {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        x * x - y * y
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        (c(2.0) * x, c(-2.0) * y)
    }

    fn hessian(_x: f64, _y: f64) -> (f64, f64, f64) {
        (2.0, 0.0, -2.0)
    }

    const NAME: &'static str = "saddle";
    const FORMULA: &'static str = "x^2 - y^2";
    const DESCRIPTION: &'static str = "a plain saddle: down along y, up along x";
    const DOMAIN: Domain = Domain { x_min: -2.0, x_max: 2.0, y_min: -2.0, y_max: 2.0 };
}
