//! Cost surfaces: what every surface offers ([`Surface`]), the catalogue of built-in ones
//! ([`builtin`], one file per surface), typed formulas ([`formula`]), the domain a surface is
//! looked at over ([`Domain`]), the surface a person picked ([`SurfaceDef`]), its critical
//! points ([`critical`]) and the lattice an expensive surface is sampled on ([`lattice`]).
//!
//! The surfaces made from data (tiny models, network slices) live with the networks in
//! [`crate::sim::net`]; they implement the same [`Surface`].

pub mod builtin;
pub mod critical;
pub mod def;
pub mod domain;
pub mod dual;
pub mod formula;
pub mod lattice;
pub mod surface;

pub use builtin::{Builtin, BuiltinSurface, BuiltinVisitor, UnknownSurface};
pub use critical::{CriticalKind, CriticalPoint, critical_points};
pub use def::SurfaceDef;
pub use domain::{Domain, DomainError};
pub use dual::Scalar;
pub use formula::{Formula, FormulaError};
pub use lattice::Lattice;
pub use surface::{Surface, sample_each, sample_pointwise};
