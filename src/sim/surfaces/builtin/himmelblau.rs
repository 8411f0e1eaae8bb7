//! Himmelblau's function (Himmelblau 1972), f = (x² + y − 11)² + (x + y² − 7)²: four minima of
//! equal value 0.
//!
//! With a = x² + y − 11, b = x + y² − 7: ∇f = (4x·a + 2b, 2a + 4y·b);
//! ∇²f = [[4a + 8x² + 2, 4(x + y)], [4(x + y), 2 + 4b + 8y²]].

use super::builtin_surface::{BuiltinSurface, sq};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// Himmelblau's function: four minima of equal value 0.
pub struct Himmelblau;

impl BuiltinSurface for Himmelblau {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        sq(x * x + y - c(11.0)) + sq(x + y * y - c(7.0))
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let (a, b) = (x * x + y - c(11.0), x + y * y - c(7.0));
        (c(4.0) * x * a + c(2.0) * b, c(2.0) * a + c(4.0) * y * b)
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        let (a, b) = (x * x + y - 11.0, x + y * y - 7.0);
        (4.0 * a + 8.0 * x * x + 2.0, 4.0 * (x + y), 2.0 + 4.0 * b + 8.0 * y * y)
    }

    const NAME: &'static str = "himmelblau";
    const FORMULA: &'static str = "(x^2+y-11)^2 + (x+y^2-7)^2";
    const DESCRIPTION: &'static str = "four minima of equal depth: the start decides the basin";
    const DOMAIN: Domain = Domain { x_min: -5.0, x_max: 5.0, y_min: -5.0, y_max: 5.0 };
    /// Computed with 30-digit arithmetic (see `tests/critical.rs`).
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[
        [3.0, 2.0],
        [-2.805_118_086_952_745, 3.131_312_518_250_573],
        [-3.779_310_253_377_747, -3.283_185_991_286_169_4],
        [3.584_428_340_330_492, -1.848_126_526_964_403_5],
    ];
}
