//! An inverted Gaussian: f = 1 − exp(−(x² + 2y²)/2), a minimum in a basin surrounded by a vast
//! flat plateau.
//!
//! With e = exp(−(x² + 2y²)/2): ∇f = (x·e, 2y·e);
//! ∇²f = [[e·(1 − x²), −2xy·e], [−2xy·e, e·(2 − 4y²)]].

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// An inverted Gaussian: a minimum in a basin surrounded by a vast flat plateau.
pub struct Plateau;

impl BuiltinSurface for Plateau {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        c(1.0) - (-(x * x + c(2.0) * y * y) / c(2.0)).exp()
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let e = (-(x * x + c(2.0) * y * y) / c(2.0)).exp();
        (x * e, c(2.0) * y * e)
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        let e = (-(x * x + 2.0 * y * y) / 2.0).exp();
        (e * (1.0 - x * x), -2.0 * x * y * e, e * (2.0 - 4.0 * y * y))
    }

    const NAME: &'static str = "plateau";
    const FORMULA: &'static str = "1 - exp(-(x^2 + 2*y^2)/2)";
    const DESCRIPTION: &'static str =
        "a minimum inside a vast plateau where the gradient all but vanishes";
    const DOMAIN: Domain = Domain { x_min: -5.0, x_max: 5.0, y_min: -5.0, y_max: 5.0 };
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[0.0, 0.0]];
}
