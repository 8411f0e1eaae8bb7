//! Newton's method and saddle-free Newton (Dauphin et al. 2014): second-order steps, with the
//! Hessian of the surface.

use nalgebra::SymmetricEigen;

use super::narrate::{Narration, num};
use super::{About, Hyper, Optimizer, Param, State, StepScalars};
use crate::sim::{Gradient, Hessian, Point};

/// Newton's method: `p ← p − lr·(H + λI)⁻¹·g`. Attracted to saddles.
#[derive(Clone, Copy, Debug)]
pub struct Newton;

/// Saddle-free Newton: `p ← p − lr·(|H| + λI)⁻¹·g` with `|H| = V·|Λ|·Vᵀ`. Repelled by saddles.
#[derive(Clone, Copy, Debug)]
pub struct SaddleFreeNewton;

/// Solves `(a + damping·I)·d = g` for symmetric 2×2 `a`, `None` when singular.
fn solve_damped(a: &Hessian, damping: f64, g: Gradient) -> Option<Gradient> {
    let m = a + Hessian::identity() * damping;
    m.lu().solve(&g)
}

/// `p − lr·d`, or a non-finite point (a divergence) when there is no `d`.
fn step_to(p: Point, d: Option<Gradient>, lr: f64) -> Point {
    match d {
        Some(d) => p - d * lr,
        None => Point::new(f64::NAN, f64::NAN),
    }
}

const SECOND_ORDER: About = About {
    params: &[Param::Lr, Param::Damping],
    needs_hessian: true,
    elementwise: false,
    ..About::BASE
};

impl Optimizer for Newton {
    const ABOUT: About = About {
        name: "newton",
        label: "Newton",
        rule: "p ← p − lr·(H + λI)⁻¹·g   (pulled into saddles)",
        colour: [0xff, 0xff, 0xff],
        defaults: &[(Param::Lr, 1.0), (Param::Damping, 0.0)],
        ..SECOND_ORDER
    };

    fn apply(
        h: &Hyper,
        c: &StepScalars,
        _: &mut State,
        p: Point,
        g: Gradient,
        hess: Option<&Hessian>,
    ) -> Point {
        step_to(p, hess.and_then(|hess| solve_damped(hess, h.damping, g)), c.lr)
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        out.push(format!(
            "Δp = −lr·(H + λI)⁻¹·g, lr = {}, λ = {}",
            num(n.coefs.lr),
            num(n.spec.hyper().damping)
        ));
    }
}

impl Optimizer for SaddleFreeNewton {
    const ABOUT: About = About {
        name: "sfn",
        label: "Saddle-free Newton",
        rule: "p ← p − lr·(|H| + λI)⁻¹·g,  |H| = V·|Λ|·V^T   (repelled by saddles)",
        colour: [0x33, 0xbb, 0xee],
        defaults: &[(Param::Lr, 1.0), (Param::Damping, 0.1)],
        ..SECOND_ORDER
    };

    fn apply(
        h: &Hyper,
        c: &StepScalars,
        _: &mut State,
        p: Point,
        g: Gradient,
        hess: Option<&Hessian>,
    ) -> Point {
        let Some(hess) = hess.filter(|hess| hess.iter().all(|v| v.is_finite())) else {
            return Point::new(f64::NAN, f64::NAN);
        };
        let eig = SymmetricEigen::new(*hess);
        let abs_h = eig.eigenvectors
            * Hessian::from_diagonal(&eig.eigenvalues.map(f64::abs))
            * eig.eigenvectors.transpose();
        step_to(p, solve_damped(&abs_h, h.damping, g), c.lr)
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        out.push(format!(
            "Δp = −lr·(|H| + λI)⁻¹·g, |H| = V·|Λ|·Vᵀ, lr = {}, λ = {}",
            num(n.coefs.lr),
            num(n.spec.hyper().damping)
        ));
    }
}
