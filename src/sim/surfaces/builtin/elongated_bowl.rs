//! An elongated bowl (a ravine), f = 0.1x² + 2y²: condition number 20.
//!
//! ∇f = (0.2x, 4y); ∇²f = diag(0.2, 4).

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// An elongated bowl (a ravine): condition number 20.
pub struct ElongatedBowl;

impl BuiltinSurface for ElongatedBowl {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        c(0.1) * x * x + c(2.0) * y * y
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        (c(0.2) * x, c(4.0) * y)
    }

    fn hessian(_x: f64, _y: f64) -> (f64, f64, f64) {
        // Twice each coefficient (exact: doubling only changes the exponent).
        (2.0 * 0.1, 0.0, 2.0 * 2.0)
    }

    const NAME: &'static str = "elongated-bowl";
    const FORMULA: &'static str = "0.1*x^2 + 2*y^2";
    const DESCRIPTION: &'static str = "a ravine: steep across, shallow along (condition number 20)";
    const DOMAIN: Domain = Domain { x_min: -10.0, x_max: 10.0, y_min: -5.0, y_max: 5.0 };
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[0.0, 0.0]];
}
