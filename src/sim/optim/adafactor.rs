//! `torch.optim.Adafactor` (Shazeer & Stern 2018), for a vector parameter.

use super::Param as P;
use super::narrate::{Narration, num, vec2};
use super::ops::lerp2;
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// `torch.optim.Adafactor`: `v ← lerp(v, g², t^β₂decay)`; `u = g/√max(v, ε₁²)`;
/// `p ← p − max(ε₂, ‖p‖/√n)·min(lr, 1/√t) / max(1, ‖u‖/(√n·d)) · u`. Not elementwise: the
/// norms couple the coordinates, so the batch kernel leaves it to the scalar path. State: `v`
/// the variance.
#[derive(Clone, Copy, Debug)]
pub struct Adafactor;

impl Optimizer for Adafactor {
    const ABOUT: About = About::new("adafactor", "Adafactor", [0x44, 0xaa, 0x99])
        .rule("v ← lerp(v, g², t^c);  u = g/√v;  p ← p − max(ε₂, RMS(p))·min(lr, 1/√t)·u / max(1, RMS(u)/d)")
        .params(&[P::Lr, P::Beta2Decay, P::Eps1, P::Eps2, P::D, P::WeightDecay])
        .defaults(&[(P::Lr, 0.01)])
        .not_elementwise();

    fn apply(h: &Hyper, c: &StepScalars, s: &mut State, p: Point, g: Gradient) -> Point {
        let (lr, t) = (c.lr, c.step as f64);
        let one_minus_beta2_t = t.powf(h.beta2_decay);
        let rho_t = f64::min(lr, 1.0 / t.powf(0.5));
        let n_sqrt = 2f64.powf(0.5);
        let alpha = f64::max(h.eps2, p.norm() / n_sqrt) * rho_t;
        let p = if h.weight_decay != 0.0 { p * (1.0 - lr * h.weight_decay) } else { p };
        s.v = lerp2(s.v, g.component_mul(&g), one_minus_beta2_t);
        let eps1_sq = h.eps1 * h.eps1;
        let update = s.v.map(|v| 1.0 / v.max(eps1_sq).sqrt()).component_mul(&g);
        let denom = f64::max(1.0, update.norm() / (n_sqrt * h.d));
        p + update * (-alpha / denom)
    }

    fn l2_shown(_: &Hyper) -> bool {
        false
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let (h, lr, t) = (n.spec.hyper(), n.coefs.lr, n.coefs.step as f64);
        out.push(format!(
            "β₂ decay: v ← lerp(v, g², t^c) with t^c = {}",
            num(t.powf(h.beta2_decay))
        ));
        out.push(format!("v = {}", vec2(n.after.v)));
        out.push(format!(
            "ρ_t = min(lr, 1/√t) = {};  α = max(ε₂, RMS(p))·ρ_t",
            num(lr.min(1.0 / t.sqrt()))
        ));
        out.push("u = g/√v;  Δp = −α·u / max(1, RMS(u)/d)".to_owned());
    }
}
