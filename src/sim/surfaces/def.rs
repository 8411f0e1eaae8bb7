//! A surface as a person picks it: a built-in, a typed formula, a tiny model or a network's
//! slice, behind one type.

use std::sync::Arc;

use super::builtin::Builtin;
use super::domain::Domain;
use super::formula::Formula;
use super::surface::Surface;
use crate::sim::net::{Slice, model::Model};
use crate::sim::{Gradient, Hessian, Point};

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
    Slice(Arc<Slice>),
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
    fn grid_stride(&self, nx: usize, ny: usize) -> usize {
        match self {
            SurfaceDef::Slice(s) => s.grid_stride(nx, ny),
            SurfaceDef::Builtin(_) | SurfaceDef::Formula(_) | SurfaceDef::Model(_) => 1,
        }
    }
}
