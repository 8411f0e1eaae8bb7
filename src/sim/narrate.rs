//! Inside an optimizer at one step: the numbers of its update, read off the simulator itself.
//!
//! [`narrate`] replays a run to step k with [`Run`] and takes one more step, keeping the
//! optimizer state before and after, the gradient the update used and that step's scalars. The
//! derived quantities (m′, v′, the per-axis step size lr / (√v′ + ε)) are computed from that
//! state exactly as [`OptimizerSpec::apply`] does, and [`Narration::lines`] prints the update
//! in the optimizer's own formula with these numbers.

use super::optimizer::{Coefs, Schedule};
use super::{Eval, Gradient, Noise, OptimizerKind, OptimizerSpec, Point, Run, State, Surface};

/// One step of one run, explained.
#[derive(Clone, Debug, PartialEq)]
pub struct Narration {
    /// The optimizer.
    pub spec: OptimizerSpec,
    /// k: the update from point k to point k + 1 (t = k + 1 in PyTorch's count).
    pub step: usize,
    /// Point k.
    pub point: Point,
    /// f at point k.
    pub loss: f64,
    /// ∇f at point k (without noise).
    pub grad: Gradient,
    /// The gradient the update used: ∇f plus the step's noise.
    pub g: Gradient,
    /// Optimizer state before the update.
    pub before: State,
    /// Optimizer state after the update.
    pub after: State,
    /// The step's scalars (bias corrections, NAdam's coefficients).
    pub coefs: Coefs,
    /// The step-count schedule after the update.
    pub schedule: Schedule,
    /// Point k + 1 (non-finite if the update diverged).
    pub next: Point,
    /// Bias-corrected first moment m′ (Adam, AdamW, NAdam).
    pub m_hat: Option<Gradient>,
    /// Bias-corrected second moment v′ (Adam, AdamW, NAdam; RMSProp's v and AdaGrad's s as
    /// they are, which have no correction).
    pub v_hat: Option<Gradient>,
    /// The effective per-axis step size lr / (√v′ + ε) of the adaptive methods.
    pub effective_lr: Option<Gradient>,
}

impl Narration {
    /// The step taken, point k + 1 − point k.
    pub fn delta(&self) -> Gradient {
        self.next - self.point
    }

    /// The update in the optimizer's own formula, one line per quantity, with this step's
    /// numbers.
    pub fn lines(&self) -> Vec<String> {
        let h = self.spec.hyper();
        let t = self.coefs.step;
        let v2 = |v: Gradient| format!("({}, {})", num(v.x), num(v.y));
        let mut out = vec![
            format!("{}, step t = {t}, at p = {}", self.spec.kind().label(), v2(self.point)),
            format!("f(p) = {}", num(self.loss)),
            format!("g = ∇f(p) = {}", v2(self.grad)),
        ];
        if self.g != self.grad {
            out.push(format!("g + noise = {}", v2(self.g)));
        }
        let a = &self.after;
        match self.spec.kind() {
            OptimizerKind::Gd => out.push(format!("Δp = −lr·g = −{}·g", num(h.lr))),
            OptimizerKind::Momentum => {
                out.push(if t == 1 {
                    format!("b ← g = {}", v2(a.m))
                } else {
                    format!(
                        "b ← μ·b + (1−τ)·g = {}·b + {}·g = {}",
                        num(h.momentum),
                        num(1.0 - h.dampening),
                        v2(a.m)
                    )
                });
                out.push(format!("Δp = −lr·b = −{}·b", num(h.lr)));
            }
            OptimizerKind::Nesterov => {
                out.push(format!("b ← μ·b + g = {}", v2(a.m)));
                out.push(format!(
                    "Δp = −lr·(g + μ·b), lr = {}, μ = {}",
                    num(h.lr),
                    num(h.momentum)
                ));
            }
            OptimizerKind::Adagrad => {
                out.push(format!("s ← s + g² = {}", v2(a.v)));
                out.push(format!("Δp = −lr·g / (√s + ε), lr = {}", num(h.lr)));
            }
            OptimizerKind::Rmsprop => {
                out.push(format!("v ← α·v + (1−α)·g² = {}", v2(a.v)));
                out.push(format!("Δp = −lr·g / (√v + ε), lr = {}", num(h.lr)));
            }
            OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Nadam => {
                if self.spec.kind() == OptimizerKind::Adamw {
                    out.push(format!("p ← p·(1 − lr·wd) = p·{}", num(1.0 - h.lr * h.weight_decay)));
                }
                out.push(format!("m ← β₁·m + (1−β₁)·g = {}", v2(a.m)));
                out.push(format!("v ← β₂·v + (1−β₂)·g² = {}", v2(a.v)));
                if let (Some(m), Some(v)) = (self.m_hat, self.v_hat) {
                    out.push(format!("m′ = m / (1−β₁^t) = {}", v2(m)));
                    out.push(format!("v′ = v / (1−β₂^t) = {}", v2(v)));
                }
                out.push(if self.spec.kind() == OptimizerKind::Nadam {
                    "Δp = −lr·[(1−μₜ)·g/(1−Πμ) + μₜ₊₁·m/(1−Πμ·μₜ₊₁)] / (√v′ + ε)".to_owned()
                } else {
                    format!("Δp = −lr·m′ / (√v′ + ε), lr = {}", num(h.lr))
                });
            }
            OptimizerKind::Newton => {
                out.push(format!(
                    "Δp = −lr·(H + λI)⁻¹·g, lr = {}, λ = {}",
                    num(h.lr),
                    num(h.damping)
                ));
            }
            OptimizerKind::Sfn => out.push(format!(
                "Δp = −lr·(|H| + λI)⁻¹·g, |H| = V·|Λ|·Vᵀ, lr = {}, λ = {}",
                num(h.lr),
                num(h.damping)
            )),
        }
        if let Some(e) = self.effective_lr {
            out.push(format!("step size per axis lr/(√v′+ε) = {}", v2(e)));
        }
        out.push(format!("Δp = {}   ‖Δp‖ = {}", v2(self.delta()), num(self.delta().norm())));
        out.push(format!("p ← p + Δp = {}", v2(self.next)));
        out
    }
}

/// A number as the panel prints it: 4 significant digits, scientific when small or large.
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".to_owned()
    } else if !(1e-3..1e5).contains(&v.abs()) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// Replays `spec` from `start` (with `noise`) to point `step` and explains the update from
/// there. `None` if the run diverges before point `step` (or at it).
pub fn narrate<S: Surface + ?Sized>(
    surface: &S,
    spec: &OptimizerSpec,
    start: Point,
    noise: Noise,
    step: usize,
) -> Option<Narration> {
    let mut run = Run::new(surface, *spec, start, noise);
    for _ in 0..step {
        if run.step() == Eval::Diverged {
            return None;
        }
    }
    let before = *run.state();
    let Eval::Finite(at) = run.step() else { return None };
    let (g, coefs) = run.last_update();
    let after = *run.state();
    let h = spec.hyper();
    let (mut m_hat, mut v_hat, mut effective_lr) = (None, None, None);
    let per_axis = |v: Gradient, eps: f64, lr: f64| v.map(|v| lr / (v.sqrt() + eps));
    match spec.kind() {
        OptimizerKind::Adagrad | OptimizerKind::Rmsprop => {
            v_hat = Some(after.v);
            effective_lr = Some(per_axis(after.v, h.eps, h.lr));
        }
        OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Nadam => {
            let t = coefs.step as f64;
            let bc1 = 1.0 - h.beta1.powf(t);
            let bc2 = 1.0 - h.beta2.powf(t);
            let v =
                if h.amsgrad && spec.kind() == OptimizerKind::Adam { after.v_max } else { after.v };
            m_hat = Some(after.m / bc1);
            v_hat = Some(v / bc2);
            effective_lr = Some(per_axis(v / bc2, h.eps, h.lr));
        }
        _ => {}
    }
    Some(Narration {
        spec: *spec,
        step,
        point: at.point,
        loss: at.loss,
        grad: at.grad,
        g,
        before,
        after,
        coefs,
        schedule: *run.schedule(),
        next: run.point(),
        m_hat,
        v_hat,
        effective_lr,
    })
}
