//! Inside an optimizer at one step: the numbers of its update, read off the simulator itself.
//!
//! [`narrate`] replays a run to step k with [`Run`] and takes one more step, keeping the
//! optimizer state before and after, the gradient the update used and that step's scalars. The
//! derived quantities (m′, v′, the per-axis step size lr / (√v′ + ε)) are computed from that
//! state exactly as [`OptimizerSpec::apply`] does, and [`Narration::lines`] prints the update
//! in the optimizer's own formula with these numbers. What is particular to an optimizer, its
//! lines and its derived quantities, is in its own module
//! ([`Optimizer::narrate`](super::Optimizer::narrate), [`Optimizer::inside`](super::Optimizer::inside)).

use super::schedule::Cycled;
use super::step::LbfgsMemory;
use super::{OptimizerKind, OptimizerSpec, State, StepScalars, StepState};
use crate::sim::{Eval, Gradient, Noise, Point, Run, Surface};

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
    /// The step's scalars (its learning rate, bias corrections, NAdam's coefficients).
    pub coefs: StepScalars,
    /// The step-dependent state after the update.
    pub step_state: StepState,
    /// Point k + 1 (non-finite if the update diverged).
    pub next: Point,
    /// Bias-corrected first moment m′ (Adam, AdamW, NAdam).
    pub m_hat: Option<Gradient>,
    /// Bias-corrected second moment v′ (Adam, AdamW, NAdam; RMSProp's v and AdaGrad's s as
    /// they are, which have no correction).
    pub v_hat: Option<Gradient>,
    /// The effective per-axis step size lr / (√v′ + ε) of the adaptive methods.
    pub effective_lr: Option<Gradient>,
    /// L-BFGS's memory after the step.
    pub lbfgs: Option<LbfgsMemory>,
}

impl Narration {
    /// The step taken, point k + 1 − point k.
    pub fn delta(&self) -> Gradient {
        self.next - self.point
    }

    /// The update in the optimizer's own formula, one line per quantity, with this step's
    /// numbers: the point, loss and gradient, the schedule's rate, the optimizer's own lines
    /// ([`Optimizer::narrate`](super::Optimizer::narrate)), and the step taken.
    pub fn lines(&self) -> Vec<String> {
        let h = self.spec.hyper();
        let t = self.coefs.step;
        let mut out = vec![
            format!("{}, step t = {t}, at p = {}", self.spec.kind().label(), vec2(self.point)),
            format!("f(p) = {}", num(self.loss)),
            format!("g = ∇f(p) = {}", vec2(self.grad)),
        ];
        if self.g != self.grad {
            out.push(format!("g + noise = {}", vec2(self.g)));
        }
        self.schedule_lines(&mut out);
        let kind = self.spec.kind();
        if kind.l2_shown(h) {
            let g = self.g + self.point * h.weight_decay;
            out.push(format!("g ← g + wd·p = g + {}·p = {}", num(h.weight_decay), vec2(g)));
        }
        kind.narrate(self, &mut out);
        if let Some(e) = self.effective_lr {
            out.push(format!("step size per axis lr/(√v′+ε) = {}", vec2(e)));
        }
        out.push(format!("Δp = {}   ‖Δp‖ = {}", vec2(self.delta()), num(self.delta().norm())));
        out.push(format!("p ← p + Δp = {}", vec2(self.next)));
        out
    }

    /// The schedule's rate of this step, and OneCycle's momentum or β₁ when it cycles one.
    fn schedule_lines(&self, out: &mut Vec<String>) {
        let Some(schedule) = self.spec.schedule() else { return };
        let c = &self.coefs;
        out.push(format!("lr_t = {} ({schedule})", num(c.lr)));
        if self.spec.cycles_momentum() {
            let (what, value) = match self.spec.kind().cycled() {
                Some(Cycled::Beta1) => ("β₁", c.beta1),
                _ => ("μ", c.momentum),
            };
            out.push(format!("{what}_t = {} (cycled by onecycle)", num(value)));
        }
    }
}

/// What an optimizer's narration shows of its inside beyond its state: the bias-corrected
/// moments and the effective per-axis step size ([`Optimizer::inside`](super::Optimizer::inside)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Inside {
    /// Bias-corrected first moment m′.
    pub m_hat: Option<Gradient>,
    /// Bias-corrected second moment v′ (or a second moment that has no correction).
    pub v_hat: Option<Gradient>,
    /// The effective per-axis step size lr / (√v′ + ε).
    pub effective_lr: Option<Gradient>,
}

/// lr / (√v + ε) per axis: the effective step size of an adaptive method.
pub fn per_axis(v: Gradient, eps: f64, lr: f64) -> Gradient {
    v.map(|v| lr / (v.sqrt() + eps))
}

/// A vector as the panel prints it, `(x, y)` with [`num`]'s digits.
pub fn vec2(v: Gradient) -> String {
    format!("({}, {})", num(v.x), num(v.y))
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
    let inside = spec.kind().inside(spec.hyper(), &coefs, &after);
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
        step_state: *run.step_state(),
        next: run.point(),
        m_hat: inside.m_hat,
        v_hat: inside.v_hat,
        effective_lr: inside.effective_lr,
        lbfgs: (spec.kind() == OptimizerKind::Lbfgs).then(|| run.lbfgs().clone()),
    })
}
