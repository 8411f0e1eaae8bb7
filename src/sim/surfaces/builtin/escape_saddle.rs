//! A saddle at the origin between two valleys at (0, ±1): f = x² + ¼·(y² − 1)².
//!
//! ∇f = (2x, y·(y² − 1)); ∇²f = diag(2, 3y² − 1): a saddle at the origin, minima at (0, ±1).

use super::builtin_surface::{BuiltinSurface, sq};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// A saddle at the origin between two valleys at (0, ±1).
pub struct EscapeSaddle;

impl BuiltinSurface for EscapeSaddle {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        x * x + c(0.25) * sq(y * y - c(1.0))
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        (c(2.0) * x, y * (y * y - c(1.0)))
    }

    fn hessian(_x: f64, y: f64) -> (f64, f64, f64) {
        (2.0, 0.0, 3.0 * y * y - 1.0)
    }

    const NAME: &'static str = "escape-saddle";
    const FORMULA: &'static str = "x^2 + 0.25*(y^2-1)^2";
    const DESCRIPTION: &'static str = "a saddle at the origin between two valleys at (0, ±1)";
    const DOMAIN: Domain = Domain { x_min: -2.0, x_max: 2.0, y_min: -2.0, y_max: 2.0 };
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[0.0, -1.0], [0.0, 1.0]];
}
