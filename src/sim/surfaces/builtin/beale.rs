//! Beale's function, f = Σᵢ₌₁³ rᵢ² with residuals rᵢ = cᵢ − x + x·yⁱ (`RESIDUALS`): sharp
//! ridges and a flat valley floor, minimum at (3, 0.5).
//!
//! ∇f = Σᵢ 2rᵢ·(yⁱ − 1, i·x·yⁱ⁻¹); ∇²f = Σᵢ 2(∇rᵢ∇rᵢᵀ + rᵢ∇²rᵢ), with ∂²rᵢ/∂x∂y = i·yⁱ⁻¹ and
//! ∂²rᵢ/∂y² = i(i − 1)·x·yⁱ⁻².

use super::builtin_surface::{BuiltinSurface, sq};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;

/// The constants of the three residuals `cᵢ − x + x·yⁱ`.
const RESIDUALS: [f64; 3] = [1.5, 2.25, 2.625];

/// Beale's function, minimum at (3, 0.5).
pub struct Beale;

impl BuiltinSurface for Beale {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        let mut yi = c(1.0);
        let mut f = c(0.0);
        for b in RESIDUALS {
            yi *= y;
            f += sq(c(b) - x + x * yi);
        }
        f
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let (mut gx, mut gy) = (c(0.0), c(0.0));
        let mut yim1 = c(1.0); // y^(i-1)
        for (i, b) in RESIDUALS.into_iter().enumerate() {
            let n = c((i + 1) as f64);
            let yi = yim1 * y;
            let r = c(b) - x + x * yi;
            gx += c(2.0) * r * (yi - c(1.0));
            gy += c(2.0) * r * n * x * yim1;
            yim1 = yi;
        }
        (gx, gy)
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        let (mut hxx, mut hxy, mut hyy) = (0.0, 0.0, 0.0);
        let (mut yim2, mut yim1) = (0.0, 1.0); // y^(i-2) (0 for i = 1), y^(i-1)
        for (i, c) in RESIDUALS.into_iter().enumerate() {
            let n = (i + 1) as f64;
            let yi = yim1 * y;
            let r = c - x + x * yi;
            let (rx, ry) = (yi - 1.0, n * x * yim1);
            let (rxy, ryy) = (n * yim1, n * (n - 1.0) * x * yim2);
            hxx += 2.0 * rx * rx;
            hxy += 2.0 * (rx * ry + r * rxy);
            hyy += 2.0 * (ry * ry + r * ryy);
            yim2 = yim1;
            yim1 = yi;
        }
        (hxx, hxy, hyy)
    }

    const NAME: &'static str = "beale";
    const FORMULA: &'static str = "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2";
    const DESCRIPTION: &'static str = "Beale: sharp ridges and a flat valley floor";
    const DOMAIN: Domain = Domain { x_min: -4.5, x_max: 4.5, y_min: -4.5, y_max: 4.5 };
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[[3.0, 0.5]];
}
