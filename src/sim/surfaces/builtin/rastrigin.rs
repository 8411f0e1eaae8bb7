//! Rastrigin's function, f = 20 + x² − 10·cos(2πx) + y² − 10·cos(2πy): a regular grid of
//! local minima, global minimum at the origin.
//!
//! ∇f = (2x + 20π·sin(2πx), 2y + 20π·sin(2πy)); ∇²f = diag(2 + 40π²·cos(2πx), 2 + 40π²·cos(2πy)).

use std::f64::consts::PI;

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// Rastrigin's function: a grid of local minima, global minimum at the origin.
pub struct Rastrigin;

impl BuiltinSurface for Rastrigin {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        c(20.0) + x * x - c(10.0) * (c(2.0 * PI) * x).cos() + y * y
            - c(10.0) * (c(2.0 * PI) * y).cos()
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        (
            c(2.0) * x + c(20.0 * PI) * (c(2.0 * PI) * x).sin(),
            c(2.0) * y + c(20.0 * PI) * (c(2.0 * PI) * y).sin(),
        )
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        (
            2.0 + 40.0 * PI * PI * (2.0 * PI * x).cos(),
            0.0,
            2.0 + 40.0 * PI * PI * (2.0 * PI * y).cos(),
        )
    }

    const NAME: &'static str = "rastrigin";
    const FORMULA: &'static str = "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)";
    const DESCRIPTION: &'static str = "Rastrigin: a regular grid of local minima";
    const DOMAIN: Domain = Domain { x_min: -5.12, x_max: 5.12, y_min: -5.12, y_max: 5.12 };
    /// The global minimum; the local ones are found numerically (`critical_points`).
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[0.0, 0.0]];
}
