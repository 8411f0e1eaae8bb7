//! What every cost surface offers: f, ∇f and ∇²f, and f sampled on a grid.

use crate::sim::{Gradient, Hessian, Point};

/// A cost surface f(x, y) with its exact first and second derivatives.
///
/// One trait serves the optimizers, the critical-point finder, the app and the renderer. The
/// derivatives are exact (by hand for the built-in surfaces, by automatic differentiation for
/// typed formulas), never finite differences.
pub trait Surface {
    /// f(p).
    fn value(&self, p: Point) -> f64;

    /// f(p) and ∇f(p), in one evaluation.
    fn value_grad(&self, p: Point) -> (f64, Gradient);

    /// f(p), ∇f(p) and ∇²f(p), in one evaluation.
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian);

    /// f on the grid `xs × ys`, row by row: `out[j·xs.len() + i] = f(xs[i], ys[j])`. The
    /// heatmap samples through this; a surface with separable terms can do it with fewer
    /// transcendental calls than point by point.
    ///
    /// # Panics
    /// If `out.len() != xs.len() · ys.len()`.
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        sample_pointwise(self, xs, ys, out);
    }

    /// The stride of the [`Lattice`](super::Lattice) of exact points when an `nx × ny` grid is
    /// sampled: 1 (the default) when [`Surface::sample_grid`] computes every point; `k > 1`
    /// when it computes only the knots of `Lattice::new(nx, ny, k)` and fills in the rest
    /// ([`Lattice::fill`](super::Lattice::fill)) — a surface whose every value is expensive (a
    /// network slice). The stride of a grid of knots is 1, so a caller may sample the knots in
    /// pieces with `sample_grid` and fill the grid itself: the same values as one call.
    fn grid_stride(&self, _nx: usize, _ny: usize) -> usize {
        1
    }
}

/// [`Surface::sample_grid`] point by point: the default, and what a surface that overrides it
/// falls back on where it has no shortcut.
///
/// # Panics
/// If `out.len() != xs.len() · ys.len()`.
pub fn sample_pointwise<S: Surface + ?Sized>(surface: &S, xs: &[f64], ys: &[f64], out: &mut [f64]) {
    sample_each(|x, y| surface.value(Point::new(x, y)), xs, ys, out);
}

/// `f(x, y)` at every point of the grid `xs × ys`, row by row, as [`Surface::sample_grid`].
///
/// # Panics
/// If `out.len() != xs.len() · ys.len()`.
pub fn sample_each(f: impl Fn(f64, f64) -> f64, xs: &[f64], ys: &[f64], out: &mut [f64]) {
    assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
    if xs.is_empty() {
        return;
    }
    for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
        for (o, &x) in row.iter_mut().zip(xs) {
            *o = f(x, y);
        }
    }
}

impl<S: Surface + ?Sized> Surface for &S {
    #[inline]
    fn value(&self, p: Point) -> f64 {
        (**self).value(p)
    }
    #[inline]
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        (**self).value_grad(p)
    }
    #[inline]
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        (**self).value_grad_hessian(p)
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        (**self).sample_grid(xs, ys, out)
    }
    fn grid_stride(&self, nx: usize, ny: usize) -> usize {
        (**self).grid_stride(nx, ny)
    }
}
