//! Local-optima bowls: a wide bowl with four Gaussian wells (four minima, three saddles).
//!
//! f = 0.05·(x² + y²) − Σₖ aₖ·exp(−((x − cₖ)² + (y − dₖ)²)/sₖ) over the four `WELLS`. With
//! tₖ the k-th term and (δx, δy) the offset from its centre: ∇f = (0.1x, 0.1y) + Σₖ 2tₖ·(δx, δy)/sₖ;
//! ∇²f = 0.1·I + Σₖ tₖ·(2/sₖ·I − 4/sₖ²·(δx, δy)(δx, δy)ᵀ).

use super::builtin_surface::{BuiltinSurface, sq};
use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;
use crate::sim::surfaces::surface::sample_each;

/// The four Gaussian wells: depth, centre x, centre y, width s in
/// `depth·exp(−((x−cx)² + (y−cy)²)/s)`.
const WELLS: [(f64, f64, f64, f64); 4] =
    [(1.2, 1.5, 1.0, 0.8), (0.8, -1.5, -0.5, 0.6), (0.6, 0.2, -1.8, 0.5), (0.5, -0.8, 2.0, 0.4)];

/// Local-optima bowls: four minima of different depth, three saddles between them.
pub struct Bowls;

impl BuiltinSurface for Bowls {
    #[inline(always)]
    fn value_in<T: Real>(x: T, y: T) -> T {
        let c = T::of;
        let mut f = c(0.05) * (x * x + y * y);
        for (a, cx, cy, s) in WELLS {
            f -= c(a) * (-(sq(x - c(cx)) + sq(y - c(cy))) / c(s)).exp();
        }
        f
    }

    #[inline(always)]
    fn grad_in<T: Real>(x: T, y: T) -> (T, T) {
        let c = T::of;
        let (mut gx, mut gy) = (c(0.1) * x, c(0.1) * y);
        for (a, cx, cy, s) in WELLS {
            let (dx, dy) = (x - c(cx), y - c(cy));
            let t = c(a) * (-(dx * dx + dy * dy) / c(s)).exp();
            gx += c(2.0) * t * dx / c(s);
            gy += c(2.0) * t * dy / c(s);
        }
        (gx, gy)
    }

    fn hessian(x: f64, y: f64) -> (f64, f64, f64) {
        let (mut hxx, mut hxy, mut hyy) = (0.1, 0.0, 0.1);
        for (a, cx, cy, s) in WELLS {
            let (dx, dy) = (x - cx, y - cy);
            let t = a * (-(dx * dx + dy * dy) / s).exp();
            hxx += t * (2.0 / s - 4.0 * dx * dx / (s * s));
            hxy -= t * 4.0 * dx * dy / (s * s);
            hyy += t * (2.0 / s - 4.0 * dy * dy / (s * s));
        }
        (hxx, hxy, hyy)
    }

    /// The wells are separable, `exp(−(dx² + dy²)/s) = exp(−dx²/s)·exp(−dy²/s)`: on a grid
    /// that is one `exp` per column and per row for each well instead of one per sample (the
    /// heatmap of a 1024² view: 8 thousand calls instead of 4 million). Equal to
    /// [`value_in`](BuiltinSurface::value_in) to a few ulps.
    fn sample_grid(xs: &[f64], ys: &[f64], out: &mut [f64]) {
        if xs.is_empty() {
            return sample_each(Self::value_in, xs, ys, out);
        }
        assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
        // Per column: 0.05·x² and each well's x factor, times its depth.
        let columns: Vec<(f64, [f64; 4])> = xs
            .iter()
            .map(|&x| (0.05 * x * x, WELLS.map(|(a, cx, _, s)| a * (-sq(x - cx) / s).exp())))
            .collect();
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            let fy = 0.05 * y * y;
            let ey = WELLS.map(|(_, _, cy, s)| (-sq(y - cy) / s).exp());
            for (o, (fx, ex)) in row.iter_mut().zip(&columns) {
                *o = fx + fy - ex[0] * ey[0] - ex[1] * ey[1] - ex[2] * ey[2] - ex[3] * ey[3];
            }
        }
    }

    const NAME: &'static str = "bowls";
    const FORMULA: &'static str = "0.05*(x^2+y^2) - 1.2*exp(-((x-1.5)^2+(y-1)^2)/0.8) \
         - 0.8*exp(-((x+1.5)^2+(y+0.5)^2)/0.6) - 0.6*exp(-((x-0.2)^2+(y+1.8)^2)/0.5) \
         - 0.5*exp(-((x+0.8)^2+(y-2)^2)/0.4)";
    const DESCRIPTION: &'static str =
        "local optima: four minima of different depth, three saddles between them";
    const DOMAIN: Domain = Domain { x_min: -3.0, x_max: 3.0, y_min: -3.0, y_max: 3.0 };
    // Found numerically only: ask `critical_points`.
}
