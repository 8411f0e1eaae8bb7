//! The monkey saddle f = x³ − 3xy²: three valleys down, a degenerate critical point.
//!
//! ∇f = (3(x² − y²), −6xy); ∇²f = [[6x, −6y], [−6y, −6x]], zero at the origin.

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// The monkey saddle `x³ − 3xy²`.
pub struct MonkeySaddle;

impl BuiltinSurface for MonkeySaddle {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        x * x * x - c(3.0) * x * y * y
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        (c(3.0) * (x * x - y * y), c(-6.0) * x * y)
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        (6.0 * x, -6.0 * y, -6.0 * x)
    }

    const NAME: &'static str = "monkey-saddle";
    const FORMULA: &'static str = "x^3 - 3*x*y^2";
    const DESCRIPTION: &'static str =
        "a monkey saddle: three ways down, a degenerate critical point";
    const DOMAIN: Domain = Domain { x_min: -1.5, x_max: 1.5, y_min: -1.5, y_max: 1.5 };
}
