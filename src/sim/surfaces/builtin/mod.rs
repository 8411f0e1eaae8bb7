//! The catalogue of built-in surfaces: the lecture's five and eight classic test functions.
//!
//! Each surface is one file here: a unit struct implementing [`BuiltinSurface`], holding its
//! name, formula text, description, domain and known minima, and f, its gradient and its
//! Hessian side by side, written out by hand (as argmin-testfunctions does). A property test
//! holds the derivatives to central finite differences (`tests/surfaces.rs`), and the formula
//! string of each is valid formula syntax that gives the same surface.
//!
//! **Adding a surface** is one file plus one line in the `catalogue!` call below: it becomes
//! a [`Builtin`] variant (its name in scene files and on the command line is its
//! [`BuiltinSurface::NAME`], which a unit test holds to the variant's kebab-case spelling), and
//! the batch kernel, the app's list and the CLI's `surfaces` pick it up.

use std::fmt;
use std::str::FromStr;

use super::domain::Domain;
use super::surface::Surface;
use crate::sim::{Gradient, Hessian, Point, Real};

mod builtin_surface;

pub use builtin_surface::{BuiltinSurface, BuiltinVisitor};

/// The registry: declares each surface's module and makes the [`Builtin`] enum, its list and
/// its dispatch to the surface's type.
macro_rules! catalogue {
    ($($module:ident::$surface:ident,)*) => {
        $(pub mod $module;)*
        $(pub use $module::$surface;)*

        /// One of the catalogue's surfaces. Serialised by its kebab-case name (`escape-saddle`),
        /// which is its [`BuiltinSurface::NAME`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Builtin {
            $(
                #[doc = concat!("[`", stringify!($surface), "`](", stringify!($module), "::",
                    stringify!($surface), ").")]
                $surface,
            )*
        }

        impl Builtin {
            /// Every built-in surface, the lecture's five first.
            pub const ALL: [Builtin; [$(stringify!($surface)),*].len()] = [$(Builtin::$surface),*];

            /// Calls `visitor` with this surface's type.
            #[inline(always)]
            pub fn visit<V: BuiltinVisitor>(self, visitor: V) -> V::Output {
                match self {
                    $(Builtin::$surface => visitor.visit::<$module::$surface>(),)*
                }
            }
        }
    };
}

catalogue! {
    bowls::Bowls,
    saddle::Saddle,
    escape_saddle::EscapeSaddle,
    monkey_saddle::MonkeySaddle,
    plateau::Plateau,
    elongated_bowl::ElongatedBowl,
    rosenbrock::Rosenbrock,
    himmelblau::Himmelblau,
    beale::Beale,
    booth::Booth,
    rastrigin::Rastrigin,
    six_hump_camel::SixHumpCamel,
    styblinski_tang::StyblinskiTang,
}

/// A visitor reading one of [`BuiltinSurface`]'s constants.
struct About;

/// The constants of one surface, as [`About`] reads them.
type Constants = (&'static str, &'static str, &'static str, Domain, &'static [[f64; 2]]);

impl BuiltinVisitor for About {
    type Output = Constants;
    #[inline]
    fn visit<S: BuiltinSurface>(self) -> Constants {
        (S::NAME, S::FORMULA, S::DESCRIPTION, S::DOMAIN, S::KNOWN_MINIMA)
    }
}

impl Builtin {
    /// The name used on the command line and in scene files.
    pub fn name(self) -> &'static str {
        self.visit(About).0
    }

    /// f(x, y) in formula syntax: parsing it gives the same surface.
    pub fn formula(self) -> &'static str {
        self.visit(About).1
    }

    /// One line on what the surface teaches.
    pub fn description(self) -> &'static str {
        self.visit(About).2
    }

    /// The domain the surface is first shown over.
    pub fn domain(self) -> Domain {
        self.visit(About).3
    }

    /// The surface's minima, where they are known in closed form or to full precision
    /// (computed with 30-digit arithmetic; see `tests/critical.rs`). Empty where the surface has
    /// no minimum (saddles) or where they are only found numerically (bowls, Rastrigin's local
    /// minima: ask [`critical_points`](super::critical_points)).
    pub fn known_minima(self) -> &'static [[f64; 2]] {
        self.visit(About).4
    }

    /// Looks a surface up by its catalogue name.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }

    /// f(x, y) computed in `T`: every constant rounded to `T`, every operation in `T`, as a
    /// PyTorch tensor of that dtype would compute it. For `f64` this is [`Surface::value`].
    #[inline(always)]
    pub fn value_in<T: Real>(self, x: T, y: T) -> T {
        struct Value<T>(T, T);
        impl<T: Real> BuiltinVisitor for Value<T> {
            type Output = T;
            #[inline(always)]
            fn visit<S: BuiltinSurface>(self) -> T {
                S::value_in(self.0, self.1)
            }
        }
        self.visit(Value(x, y))
    }

    /// (f, ∂f/∂x, ∂f/∂y) computed in `T`, as [`value_in`](Self::value_in). For `f64` this is
    /// [`Surface::value_grad`].
    ///
    /// Always inlined: with the surface known, the match folds away and the arithmetic
    /// vectorises.
    #[inline(always)]
    pub fn value_grad_in<T: Real>(self, x: T, y: T) -> (T, T, T) {
        struct ValueGrad<T>(T, T);
        impl<T: Real> BuiltinVisitor for ValueGrad<T> {
            type Output = (T, T, T);
            #[inline(always)]
            fn visit<S: BuiltinSurface>(self) -> (T, T, T) {
                S::value_grad_in(self.0, self.1)
            }
        }
        self.visit(ValueGrad(x, y))
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown surface name, with the catalogue to choose from.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("unknown surface '{0}'; the surfaces are: {names}", names = Builtin::ALL.map(Builtin::name).join(", "))]
pub struct UnknownSurface(pub String);

impl FromStr for Builtin {
    type Err = UnknownSurface;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Builtin::from_name(s).ok_or_else(|| UnknownSurface(s.to_owned()))
    }
}

impl Surface for Builtin {
    #[inline]
    fn value(&self, p: Point) -> f64 {
        self.value_in(p.x, p.y)
    }

    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        struct Grid<'a>(&'a [f64], &'a [f64], &'a mut [f64]);
        impl BuiltinVisitor for Grid<'_> {
            type Output = ();
            fn visit<S: BuiltinSurface>(self) {
                S::sample_grid(self.0, self.1, self.2)
            }
        }
        self.visit(Grid(xs, ys, out))
    }

    // Always inlined: with the surface known (the batch kernel), the match folds away and the
    // arithmetic vectorises.
    #[inline(always)]
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let (f, gx, gy) = self.value_grad_in(p.x, p.y);
        (f, Gradient::new(gx, gy))
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        struct Second(f64, f64);
        impl BuiltinVisitor for Second {
            type Output = (f64, f64, f64);
            fn visit<S: BuiltinSurface>(self) -> (f64, f64, f64) {
                S::hessian(self.0, self.1)
            }
        }
        let (hxx, hxy, hyy) = self.visit(Second(p.x, p.y));
        let (f, g) = self.value_grad(p);
        (f, g, Hessian::new(hxx, hxy, hxy, hyy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A surface's name is its serialised form: scene files and the command line agree.
    #[test]
    fn names_are_the_serialised_variants() {
        for b in Builtin::ALL {
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{}\"", b.name()));
        }
    }
}
