//! What every cost surface offers, and the domain it is looked at over.

use std::fmt;
use std::sync::Arc;

use super::model::Model;
use super::{Builtin, Formula, Gradient, Hessian, Point};

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
}

/// [`Surface::sample_grid`] point by point: the default, and what a surface that overrides it
/// falls back on where it has no shortcut.
///
/// # Panics
/// If `out.len() != xs.len() · ys.len()`.
pub fn sample_pointwise<S: Surface + ?Sized>(surface: &S, xs: &[f64], ys: &[f64], out: &mut [f64]) {
    assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
    if xs.is_empty() {
        return;
    }
    for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
        for (o, &x) in row.iter_mut().zip(xs) {
            *o = surface.value(Point::new(x, y));
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
}

/// A rectangle of the plane, `[x_min, x_max] × [y_min, y_max]`, with `x_min < x_max` and
/// `y_min < y_max`, all finite.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "[f64; 4]", into = "[f64; 4]")]
pub struct Domain {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

/// Why four numbers do not make a [`Domain`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("domain bounds must be finite numbers, got {0:?}")]
    NotFinite([f64; 4]),
    #[error("domain is empty or inverted: x from {0} to {1} (the first bound must be smaller)")]
    InvertedX(f64, f64),
    #[error("domain is empty or inverted: y from {0} to {1} (the first bound must be smaller)")]
    InvertedY(f64, f64),
    #[error(
        "domain is too large: x from {} to {}, y from {} to {} (its width and height must be \
         finite, at most {MAX_EXTENT:e})",
        .0[0], .0[1], .0[2], .0[3]
    )]
    TooLarge([f64; 4]),
    #[error(
        "domain is too small: x from {} to {}, y from {} to {} (a width or height below \
         {MIN_EXTENT_RELATIVE:e} of its centre cannot be told apart in float64)",
        .0[0], .0[1], .0[2], .0[3]
    )]
    TooSmall([f64; 4]),
}

/// The widest a domain may be: twice this still fits in a float64, so nothing derived from
/// the width (margins, ticks, pixel sizes) overflows.
pub const MAX_EXTENT: f64 = 1e150;

/// The narrowest a domain may be, relative to the size of its coordinates: below it the grid's
/// sample points would collapse onto the same floats.
pub const MIN_EXTENT_RELATIVE: f64 = 1e-12;

impl Domain {
    /// A checked domain: finite bounds, each interval non-empty.
    pub fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Result<Self, DomainError> {
        let all = [x_min, x_max, y_min, y_max];
        if all.iter().any(|v| !v.is_finite()) {
            return Err(DomainError::NotFinite(all));
        }
        if x_min >= x_max {
            return Err(DomainError::InvertedX(x_min, x_max));
        }
        if y_min >= y_max {
            return Err(DomainError::InvertedY(y_min, y_max));
        }
        let d = Self { x_min, x_max, y_min, y_max };
        d.check_extent()?;
        Ok(d)
    }

    /// Whether the width and height are representable and distinguishable (see
    /// [`MAX_EXTENT`], [`MIN_EXTENT_RELATIVE`]).
    pub fn check_extent(&self) -> Result<(), DomainError> {
        let all = [self.x_min, self.x_max, self.y_min, self.y_max];
        if all.iter().any(|v| !v.is_finite()) {
            return Err(DomainError::NotFinite(all));
        }
        let (w, h) = (self.x_max - self.x_min, self.y_max - self.y_min);
        if !(w.is_finite() && h.is_finite() && w <= MAX_EXTENT && h <= MAX_EXTENT)
            || all.iter().any(|v| v.abs() > MAX_EXTENT)
        {
            return Err(DomainError::TooLarge(all));
        }
        let scale_x = self.x_min.abs().max(self.x_max.abs()).max(1e-300);
        let scale_y = self.y_min.abs().max(self.y_max.abs()).max(1e-300);
        if w < MIN_EXTENT_RELATIVE * scale_x || h < MIN_EXTENT_RELATIVE * scale_y {
            return Err(DomainError::TooSmall(all));
        }
        Ok(())
    }

    /// Width of the x interval.
    pub fn width(&self) -> f64 {
        self.x_max - self.x_min
    }

    /// Height of the y interval.
    pub fn height(&self) -> f64 {
        self.y_max - self.y_min
    }

    /// Whether `p` lies in the closed rectangle.
    pub fn contains(&self, p: Point) -> bool {
        (self.x_min..=self.x_max).contains(&p.x) && (self.y_min..=self.y_max).contains(&p.y)
    }

    /// The point at fractions `(u, v)` of the rectangle, `(0, 0)` being `(x_min, y_min)`.
    pub fn lerp(&self, u: f64, v: f64) -> Point {
        Point::new(self.x_min + u * self.width(), self.y_min + v * self.height())
    }
}

impl TryFrom<[f64; 4]> for Domain {
    type Error = DomainError;
    fn try_from(v: [f64; 4]) -> Result<Self, DomainError> {
        Domain::new(v[0], v[1], v[2], v[3])
    }
}

impl From<Domain> for [f64; 4] {
    fn from(d: Domain) -> Self {
        [d.x_min, d.x_max, d.y_min, d.y_max]
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}] × [{}, {}]", self.x_min, self.x_max, self.y_min, self.y_max)
    }
}

/// A surface as a person picks it: one of the built-in catalogue, or a typed formula.
///
/// Cheap to clone (a formula is shared). Dispatch is one predictable branch per evaluation.
#[derive(Clone, Debug)]
pub enum SurfaceDef {
    /// One of the catalogue's surfaces, with hand-written derivatives.
    Builtin(Builtin),
    /// A typed f(x, y), differentiated automatically.
    Formula(Arc<Formula>),
    /// A tiny model's loss over its two parameters, on data (SPEC §2, model surfaces).
    Model(Arc<Model>),
    /// A slice of a trained network's loss, f(α, β) = L(θ + α·δ + β·η) (SPEC §2).
    Slice(Arc<super::net::Slice>),
}

impl SurfaceDef {
    /// The surface's name: the catalogue name, or the formula as typed.
    pub fn name(&self) -> &str {
        match self {
            SurfaceDef::Builtin(b) => b.name(),
            SurfaceDef::Formula(f) => f.source(),
            SurfaceDef::Model(m) => m.kind().name(),
            SurfaceDef::Slice(_) => "network slice",
        }
    }

    /// The formula string: the catalogue's formula, or the one typed.
    pub fn formula(&self) -> &str {
        match self {
            SurfaceDef::Builtin(b) => b.formula(),
            SurfaceDef::Formula(f) => f.source(),
            SurfaceDef::Model(m) => m.kind().formula(),
            SurfaceDef::Slice(_) => "L(θ + α·δ + β·η)",
        }
    }

    /// The domain a surface is first shown over: the catalogue's, or `[-3, 3]²` for a formula.
    pub fn default_domain(&self) -> Domain {
        match self {
            SurfaceDef::Builtin(b) => b.domain(),
            SurfaceDef::Formula(_) => Domain { x_min: -3.0, x_max: 3.0, y_min: -3.0, y_max: 3.0 },
            SurfaceDef::Model(m) => m.default_domain(),
            SurfaceDef::Slice(s) => s.default_domain(),
        }
    }
}

impl Surface for SurfaceDef {
    #[inline]
    fn value(&self, p: Point) -> f64 {
        match self {
            SurfaceDef::Builtin(b) => b.value(p),
            SurfaceDef::Formula(f) => f.value(p),
            SurfaceDef::Model(m) => m.value(p),
            SurfaceDef::Slice(s) => s.value(p),
        }
    }
    #[inline]
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        match self {
            SurfaceDef::Builtin(b) => b.value_grad(p),
            SurfaceDef::Formula(f) => f.value_grad(p),
            SurfaceDef::Model(m) => m.value_grad(p),
            SurfaceDef::Slice(s) => s.value_grad(p),
        }
    }
    #[inline]
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        match self {
            SurfaceDef::Builtin(b) => b.value_grad_hessian(p),
            SurfaceDef::Formula(f) => f.value_grad_hessian(p),
            SurfaceDef::Model(m) => m.value_grad_hessian(p),
            SurfaceDef::Slice(s) => s.value_grad_hessian(p),
        }
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        match self {
            SurfaceDef::Builtin(b) => b.sample_grid(xs, ys, out),
            SurfaceDef::Formula(f) => f.sample_grid(xs, ys, out),
            SurfaceDef::Model(m) => m.sample_grid(xs, ys, out),
            SurfaceDef::Slice(s) => s.sample_grid(xs, ys, out),
        }
    }
}
