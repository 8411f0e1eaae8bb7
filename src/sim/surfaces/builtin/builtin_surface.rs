//! What one built-in surface is: the [`BuiltinSurface`] trait each file of the catalogue
//! implements, and [`BuiltinVisitor`], the generic code run for one surface's type.

use crate::sim::Real;
use crate::sim::surfaces::domain::Domain;
use crate::sim::surfaces::surface::sample_each;

/// One built-in surface: everything about it, in one place.
///
/// Every function takes the point as two numbers and is an associated function (the surface
/// has no state), so the batch kernel, given the type, inlines the arithmetic alone.
pub trait BuiltinSurface {
    /// The name on the command line and in scene files (kebab-case).
    const NAME: &'static str;
    /// f(x, y) in formula syntax: parsing it gives the same surface.
    const FORMULA: &'static str;
    /// One line on what the surface teaches.
    const DESCRIPTION: &'static str;
    /// The domain the surface is first shown over.
    const DOMAIN: Domain;
    /// The minima known in closed form or to full precision; empty where the surface has none
    /// (saddles) or where they are only found numerically.
    const KNOWN_MINIMA: &'static [[f64; 2]] = &[];

    /// f(x, y) computed in `T`: every constant rounded to `T`, every operation in `T`, as a
    /// PyTorch tensor of that dtype would compute it.
    fn value_in<T: Real>(x: T, y: T) -> T;

    /// (∂f/∂x, ∂f/∂y) computed in `T`, as [`value_in`](Self::value_in).
    fn grad_in<T: Real>(x: T, y: T) -> (T, T);

    /// The Hessian's entries (∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²) in `f64`.
    fn hessian(x: f64, y: f64) -> (f64, f64, f64);

    /// (f, ∂f/∂x, ∂f/∂y) computed in `T`.
    #[inline(always)]
    fn value_grad_in<T: Real>(x: T, y: T) -> (T, T, T) {
        let (gx, gy) = Self::grad_in(x, y);
        (Self::value_in(x, y), gx, gy)
    }

    /// f on the grid `xs × ys`, row by row, as
    /// [`Surface::sample_grid`](crate::sim::Surface::sample_grid): point by point, unless the
    /// surface knows a shortcut.
    ///
    /// # Panics
    /// If `out.len() != xs.len() · ys.len()`.
    fn sample_grid(xs: &[f64], ys: &[f64], out: &mut [f64]) {
        sample_each(Self::value_in, xs, ys, out);
    }
}

/// Something done with one built-in surface's type: [`Builtin::visit`](super::Builtin::visit) calls
/// [`visit`](Self::visit) with the surface as `S`, so the code inside is compiled for that
/// surface alone (the batch kernel's monomorphisation).
pub trait BuiltinVisitor {
    /// What the visit gives back.
    type Output;
    /// Does the work for the surface `S`.
    fn visit<S: BuiltinSurface>(self) -> Self::Output;
}

/// `v²`.
#[inline(always)]
pub(super) fn sq<T: Real>(v: T) -> T {
    v * v
}
