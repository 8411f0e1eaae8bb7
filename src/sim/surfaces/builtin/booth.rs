//! Booth's function, f = (x + 2y − 7)² + (2x + y − 5)²: a tilted quadratic bowl, minimum at
//! (1, 3).
//!
//! With a = x + 2y − 7, b = 2x + y − 5: ∇f = (2a + 4b, 4a + 2b); ∇²f = [[10, 8], [8, 10]].

use super::builtin_surface::{BuiltinSurface, sq};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// Booth's function, minimum at (1, 3).
pub struct Booth;

impl BuiltinSurface for Booth {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        sq(x + c(2.0) * y - c(7.0)) + sq(c(2.0) * x + y - c(5.0))
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let (a, b) = (x + c(2.0) * y - c(7.0), c(2.0) * x + y - c(5.0));
        (c(2.0) * a + c(4.0) * b, c(4.0) * a + c(2.0) * b)
    }

    fn hessian(_x: f64, _y: f64) -> (f64, f64, f64) {
        (10.0, 8.0, 10.0)
    }

    const NAME: &'static str = "booth";
    const FORMULA: &'static str = "(x+2*y-7)^2 + (2*x+y-5)^2";
    const DESCRIPTION: &'static str = "Booth: a tilted quadratic bowl";
    const DOMAIN: Domain = Domain { x_min: -10.0, x_max: 10.0, y_min: -10.0, y_max: 10.0 };
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[1.0, 3.0]];
}
