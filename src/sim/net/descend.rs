//! Descent to a true minimum (the census's second search; issue: a census whose minima corner is
//! empty cannot show the lecture's claim).
//!
//! Training stalls on a saddle whose negative curvature is tiny: at an index-1 saddle with
//! λ_min ≈ −2·10⁻⁵ the gradient vanishes and gradient descent needs a push along the negative
//! direction and many more steps. The Levenberg–Marquardt search of [`super::census`] finds such
//! saddles (it converges to critical points of any index) but never the minimum beside them.
//! [`descend`] minimises L itself with the exact Hessian H = Q·Λ·Qᵀ:
//!
//! - the **saddle-free Newton** step `d = −Q·diag(1/(|λᵢ| + μ))·Qᵀ·∇L` (Dauphin et al. 2014),
//!   which goes downhill along every eigen-direction, negative ones included;
//! - plus, while some λᵢ is negative, a **negative-curvature step** `α·s·v_min` along the
//!   eigenvector of the smallest eigenvalue, its sign `s` pointing downhill (`s·∇L·v ≤ 0`):
//!   at a saddle, where ∇L ≈ 0 and the Newton step vanishes, this is what leaves it;
//! - accepted only if L decreases; otherwise μ grows ×4 and α halves; after a success μ shrinks
//!   ×1/3 and α doubles (up to [`MAX_ESCAPE`]), so the steps become Newton's near a minimum and
//!   converge quadratically.
//!
//! It stops at a point with ‖∇L‖ below `1e-12·max(1, |L|)` (the census then accepts it only
//! below [`super::census::GRAD_TOL`]) and no eigenvalue below
//! `−`[`EIG_TOL`]`·max(1, spectral radius)`: a minimum, never a saddle; or after
//! [`MAX_DESCENT`] iterations, when no step lowers L, or when asked to.

use nalgebra::{DVector, SymmetricEigen};

use super::objective::{EIG_TOL, Objective};
use crate::sim::run::progress::{Cancelled, Progress};

/// The most iterations of one descent.
pub const MAX_DESCENT: usize = 600;

/// The largest negative-curvature step, in parameter units.
pub const MAX_ESCAPE: f64 = 4.0;

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// One iteration's proposal: the trial point for damping `mu` and escape length `alpha`.
fn trial(
    theta: &[f64],
    eig: &SymmetricEigen<f64, nalgebra::Dyn>,
    gq: &DVector<f64>,
    (mu, alpha): (f64, f64),
    escape: Option<(usize, f64)>,
) -> Vec<f64> {
    let coef = DVector::from_iterator(
        gq.len(),
        eig.eigenvalues.iter().zip(gq.iter()).map(|(&l, &c)| -c / (l.abs() + mu)),
    );
    let mut step = &eig.eigenvectors * coef;
    if let Some((k, sign)) = escape {
        step += eig.eigenvectors.column(k) * (sign * alpha);
    }
    theta.iter().zip(step.iter()).map(|(t, d)| t + d).collect()
}

/// Descends from `theta` to a minimum of `obj` (see the module's doc); the final θ.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn descend<O: Objective + ?Sized>(
    obj: &O,
    theta: &[f64],
    progress: Option<&Progress>,
) -> Result<Vec<f64>, Cancelled> {
    let mut theta = theta.to_vec();
    let mut loss = obj.loss(&theta);
    let (mut mu, mut alpha) = (1e-3, 1e-2);
    for _ in 0..MAX_DESCENT {
        if let Some(p) = progress {
            p.check()?;
        }
        let g = obj.gradient(&theta);
        let h = obj.hessian(&theta);
        if !loss.is_finite() || h.iter().any(|v| !v.is_finite()) {
            break;
        }
        let eig = SymmetricEigen::new(h);
        let radius = eig.eigenvalues.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let (k_min, l_min) = eig
            .eigenvalues
            .iter()
            .copied()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((0, 0.0));
        let negative = l_min < -EIG_TOL * radius.max(1.0);
        if !negative && norm(&g) < 1e-12 * loss.abs().max(1.0) {
            break;
        }
        let gq = eig.eigenvectors.transpose() * DVector::from_column_slice(&g);
        // Downhill along v_min: against the gradient's component (either way when it is 0).
        let escape = negative.then(|| (k_min, if gq[k_min] > 0.0 { -1.0 } else { 1.0 }));
        let scale = radius.max(1e-12);
        let mut improved = false;
        for _ in 0..60 {
            let next = trial(&theta, &eig, &gq, (mu * scale, alpha), escape);
            let next_loss = obj.loss(&next);
            if next_loss.is_finite() && next_loss < loss {
                theta = next;
                loss = next_loss;
                mu = (mu / 3.0).max(1e-15);
                alpha = (2.0 * alpha).min(MAX_ESCAPE);
                improved = true;
                break;
            }
            mu *= 4.0;
            alpha *= 0.5;
            if mu > 1e12 && alpha < 1e-14 {
                break;
            }
        }
        if !improved {
            break;
        }
    }
    Ok(theta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::net::objective::{Planar, count_negative, sorted_eigenvalues};
    use crate::sim::surfaces::formula::Formula;

    fn planar(text: &str) -> Planar<Formula> {
        Planar(Formula::parse(text).expect("a formula"))
    }

    #[test]
    fn from_a_saddle_it_leaves_for_the_minimum_and_stops_there() {
        // A saddle at the origin with λ_min = −2e-5 (the census's stuck saddle) and minima at
        // y = ±√(1e-5 / 1e-3)·… : f = x² − 1e-5·y² + 1e-3·y⁴, minima at y = ±0.0707.
        let obj = planar("x^2 - 1e-5*y^2 + 1e-3*y^4");
        for start in [[0.0, 0.0], [0.3, 1e-9], [-0.2, -1e-7]] {
            let end = descend(&obj, &start, None).unwrap();
            let g = obj.gradient(&end);
            assert!(norm(&g) < 1e-12, "{start:?}: ‖∇f‖ = {}", norm(&g));
            let eig = sorted_eigenvalues(obj.hessian(&end));
            assert_eq!(count_negative(&eig), 0, "{start:?}: a minimum, not the saddle: {eig:?}");
            let want = (1e-5 / (2.0 * 1e-3_f64)).sqrt();
            assert!((end[1].abs() - want).abs() < 1e-6, "{start:?} → {end:?}");
        }
    }

    #[test]
    fn gradient_descent_would_stay_where_descend_leaves() {
        // At the saddle itself the gradient is exactly 0: no first-order method moves.
        let obj = planar("x^2 - 1e-5*y^2 + 1e-3*y^4");
        assert_eq!(norm(&obj.gradient(&[0.0, 0.0])), 0.0);
        let end = descend(&obj, &[0.0, 0.0], None).unwrap();
        assert!(obj.loss(&end) < -2e-8, "below the saddle's 0: {}", obj.loss(&end));
    }

    #[test]
    fn rosenbrock_and_himmelblau_end_at_minima() {
        for (text, starts) in [
            ("(1-x)^2 + 100*(y-x^2)^2", vec![[-1.5, 2.0], [0.0, 0.0], [2.0, -1.0]]),
            ("(x^2+y-11)^2 + (x+y^2-7)^2", vec![[-0.270845, -0.923039], [0.0, 0.0], [3.5, -3.5]]),
        ] {
            let obj = planar(text);
            for s in starts {
                let end = descend(&obj, &s, None).unwrap();
                assert!(obj.loss(&end) < 1e-16, "{text} from {s:?}: f = {}", obj.loss(&end));
            }
        }
    }

    #[test]
    fn cancelling_stops_it() {
        let obj = planar("(1-x)^2 + 100*(y-x^2)^2");
        let progress = Progress::default();
        progress.cancel();
        assert!(descend(&obj, &[-1.5, 2.0], Some(&progress)).is_err());
    }
}
