//! Rosenbrock's banana valley (Rosenbrock 1960), f = (1 − x)² + 100·(y − x²)², minimum at (1, 1).
//!
//! With r = y − x²: ∇f = (−2(1 − x) − 400x·r, 200r);
//! ∇²f = [[2 + 1200x² − 400y, −400x], [−400x, 200]].

use super::builtin_surface::{BuiltinSurface, sq};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// Rosenbrock's banana valley, minimum at (1, 1).
pub struct Rosenbrock;

impl BuiltinSurface for Rosenbrock {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        sq(c(1.0) - x) + c(100.0) * sq(y - x * x)
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let r = y - x * x;
        (c(-2.0) * (c(1.0) - x) - c(400.0) * x * r, c(200.0) * r)
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        (2.0 + 1200.0 * x * x - 400.0 * y, -400.0 * x, 200.0)
    }

    const NAME: &'static str = "rosenbrock";
    const FORMULA: &'static str = "(1-x)^2 + 100*(y-x^2)^2";
    const DESCRIPTION: &'static str = "Rosenbrock's banana valley: easy to find, slow to follow";
    const DOMAIN: Domain = Domain { x_min: -2.0, x_max: 2.0, y_min: -1.0, y_max: 3.0 };
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[1.0, 1.0]];
}
