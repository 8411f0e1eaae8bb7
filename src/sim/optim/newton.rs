//! Newton's method and saddle-free Newton (Dauphin et al. 2014): second-order steps, with the
//! Hessian of the surface.

use nalgebra::SymmetricEigen;

use super::Param as P;
use super::narrate::{Narration, num};
use super::{About, At, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Hessian, Point};

/// Newton's method (`Newton<false>`): `p ← p − lr·(H + λI)⁻¹·g`, attracted to saddles; and
/// saddle-free Newton (`Newton<true>`): `p ← p − lr·(|H| + λI)⁻¹·g` with `|H| = V·|Λ|·Vᵀ`,
/// repelled by saddles. A singular system (or no Hessian) gives a non-finite point: a
/// divergence.
#[derive(Clone, Copy, Debug)]
pub struct Newton<const SADDLE_FREE: bool>;

/// Solves `(a + damping·I)·d = g` for symmetric 2×2 `a`, `None` when singular.
fn solve_damped(a: &Hessian, damping: f64, g: Gradient) -> Option<Gradient> {
    let m = a + Hessian::identity() * damping;
    m.lu().solve(&g)
}

/// `|H| = V·|Λ|·Vᵀ`, `None` unless every entry of `h` is finite.
fn abs_hessian(h: &Hessian) -> Option<Hessian> {
    if !h.iter().all(|v| v.is_finite()) {
        return None;
    }
    let eig = SymmetricEigen::new(*h);
    Some(
        eig.eigenvectors
            * Hessian::from_diagonal(&eig.eigenvalues.map(f64::abs))
            * eig.eigenvectors.transpose(),
    )
}

const NEWTON: About = About::new("newton", "Newton", [0xff, 0xff, 0xff])
    .rule("p ← p − lr·(H + λI)⁻¹·g   (pulled into saddles)")
    .params(&[P::Lr, P::Damping])
    .defaults(&[(P::Lr, 1.0), (P::Damping, 0.0)])
    .second_order();

const SADDLE_FREE_NEWTON: About = About::new("sfn", "Saddle-free Newton", [0x33, 0xbb, 0xee])
    .rule("p ← p − lr·(|H| + λI)⁻¹·g,  |H| = V·|Λ|·V^T   (repelled by saddles)")
    .params(&[P::Lr, P::Damping])
    .defaults(&[(P::Lr, 1.0), (P::Damping, 0.1)])
    .second_order();

impl<const SADDLE_FREE: bool> Optimizer for Newton<SADDLE_FREE> {
    const ABOUT: About = if SADDLE_FREE { SADDLE_FREE_NEWTON } else { NEWTON };

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        Self::apply_with_hessian(h, c, s, At { p, g, hess: None })
    }

    fn apply_with_hessian(h: &Hyper, c: &StepScalars, _: &mut State, at: At<'_>) -> Point {
        let At { p, g, hess } = at;
        let a = if SADDLE_FREE { hess.and_then(abs_hessian) } else { hess.copied() };
        match a.and_then(|a| solve_damped(&a, h.damping, g)) {
            Some(d) => p - d * c.lr,
            None => Point::new(f64::NAN, f64::NAN),
        }
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let (lr, damping) = (num(n.coefs.lr), num(n.spec.hyper().damping));
        out.push(if SADDLE_FREE {
            format!("Δp = −lr·(|H| + λI)⁻¹·g, |H| = V·|Λ|·Vᵀ, lr = {lr}, λ = {damping}")
        } else {
            format!("Δp = −lr·(H + λI)⁻¹·g, lr = {lr}, λ = {damping}")
        });
    }
}
