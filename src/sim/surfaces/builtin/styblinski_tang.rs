//! The Styblinski–Tang function, f = ½·(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y): four minima, global
//! at (−2.9035…, −2.9035…).
//!
//! ∇f = ½·(4x³ − 32x + 5, 4y³ − 32y + 5); ∇²f = diag(6x² − 16, 6y² − 16).

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// The Styblinski–Tang function: four minima, global at (−2.9035…, −2.9035…).
pub struct StyblinskiTang;

impl BuiltinSurface for StyblinskiTang {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        let (x2, y2) = (x * x, y * y);
        c(0.5) * (x2 * x2 - c(16.0) * x2 + c(5.0) * x + y2 * y2 - c(16.0) * y2 + c(5.0) * y)
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        (
            c(0.5) * (c(4.0) * x * x * x - c(32.0) * x + c(5.0)),
            c(0.5) * (c(4.0) * y * y * y - c(32.0) * y + c(5.0)),
        )
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        (6.0 * x * x - 16.0, 0.0, 6.0 * y * y - 16.0)
    }

    const NAME: &'static str = "styblinski-tang";
    const FORMULA: &'static str = "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)";
    const DESCRIPTION: &'static str = "Styblinski–Tang: four minima, one global";
    const DOMAIN: Domain = Domain { x_min: -5.0, x_max: 5.0, y_min: -5.0, y_max: 5.0 };
    /// The global minimum, computed with 30-digit arithmetic (see `tests/critical.rs`).
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[-2.903_534_027_771_177, -2.903_534_027_771_177]];
}
