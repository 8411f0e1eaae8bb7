//! The six-hump camel, f = (4 − 2.1x² + x⁴/3)·x² + xy + (−4 + 4y²)·y²: six minima (two global),
//! two maxima.
//!
//! ∇f = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³); ∇²f = [[8 − 25.2x² + 10x⁴, 1], [1, −8 + 48y²]].

use super::builtin_surface::{BuiltinSurface};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// The six-hump camel: six minima (two global), two maxima.
pub struct SixHumpCamel;

impl BuiltinSurface for SixHumpCamel {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        let x2 = x * x;
        (c(4.0) - c(2.1) * x2 + x2 * x2 / c(3.0)) * x2 + x * y + (c(-4.0) + c(4.0) * y * y) * y * y
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let x2 = x * x;
        (
            c(8.0) * x - c(8.4) * x2 * x + c(2.0) * x2 * x2 * x + y,
            x - c(8.0) * y + c(16.0) * y * y * y,
        )
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        let x2 = x * x;
        (8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * y * y)
    }

    const NAME: &'static str = "six-hump-camel";
    const FORMULA: &'static str = "(4-2.1*x^2+x^4/3)*x^2 + x*y + (-4+4*y^2)*y^2";
    const DESCRIPTION: &'static str = "six-hump camel: six minima, two global";
    const DOMAIN: Domain = Domain { x_min: -2.2, x_max: 2.2, y_min: -1.2, y_max: 1.2 };
    /// Computed with 30-digit arithmetic (see `tests/critical.rs`).
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[
        [0.089_842_013_100_318_06, -0.712_656_403_020_739_6],
        [-0.089_842_013_100_318_06, 0.712_656_403_020_739_6],
        [1.703_606_714_969_980_8, -0.796_083_568_672_625_1],
        [-1.703_606_714_969_980_8, 0.796_083_568_672_625_1],
        [1.607_104_752_920_197_2, 0.568_651_454_884_131_4],
        [-1.607_104_752_920_197_2, -0.568_651_454_884_131_4],
    ];
}
