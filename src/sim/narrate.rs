//! Inside an optimizer at one step: the numbers of its update, read off the simulator itself.
//!
//! [`narrate`] replays a run to step k with [`Run`] and takes one more step, keeping the
//! optimizer state before and after, the gradient the update used and that step's scalars. The
//! derived quantities (m′, v′, the per-axis step size lr / (√v′ + ε)) are computed from that
//! state exactly as [`OptimizerSpec::apply`] does, and [`Narration::lines`] prints the update
//! in the optimizer's own formula with these numbers.

use super::lbfgs::LbfgsMemory;
use super::optimizer::{Coefs, Schedule};
use super::schedule::Cycled;
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
    /// The step's scalars (its learning rate, bias corrections, NAdam's coefficients).
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
    /// L-BFGS's memory after the step.
    pub lbfgs: Option<LbfgsMemory>,
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
        let b = &self.before;
        let c = &self.coefs;
        let lr = c.lr;
        if let Some(schedule) = self.spec.schedule() {
            out.push(format!("lr_t = {} ({schedule})", num(lr)));
            if self.spec.cycles_momentum() {
                let (what, value) = match self.spec.kind().cycled() {
                    Some(Cycled::Beta1) => ("β₁", c.beta1),
                    _ => ("μ", c.momentum),
                };
                out.push(format!("{what}_t = {} (cycled by onecycle)", num(value)));
            }
        }
        let kind = self.spec.kind();
        let l2 = h.weight_decay != 0.0
            && !matches!(kind, OptimizerKind::Adamw | OptimizerKind::Adafactor)
            && !(kind == OptimizerKind::Radam && h.decoupled_weight_decay);
        if l2 {
            let g = self.g + self.point * h.weight_decay;
            out.push(format!("g ← g + wd·p = g + {}·p = {}", num(h.weight_decay), v2(g)));
        }
        match kind {
            OptimizerKind::Gd if c.momentum == 0.0 => {
                out.push(format!("Δp = −lr·g = −{}·g", num(lr)))
            }
            OptimizerKind::Gd | OptimizerKind::Momentum => {
                let tau = if kind == OptimizerKind::Momentum { h.dampening } else { 0.0 };
                out.push(if t == 1 {
                    format!("b ← g = {}", v2(a.m))
                } else {
                    format!(
                        "b ← μ·b + (1−τ)·g = {}·b + {}·g = {}",
                        num(c.momentum),
                        num(1.0 - tau),
                        v2(a.m)
                    )
                });
                out.push(format!("Δp = −lr·b = −{}·b", num(lr)));
            }
            OptimizerKind::Nesterov => {
                out.push(format!("b ← μ·b + g = {}", v2(a.m)));
                out.push(format!("Δp = −lr·(g + μ·b), lr = {}, μ = {}", num(lr), num(c.momentum)));
            }
            OptimizerKind::Adagrad => {
                out.push(format!("s ← s + g² = {}", v2(a.v)));
                if h.lr_decay != 0.0 {
                    out.push(format!(
                        "clr = lr / (1 + (t−1)·lr_decay) = {} / (1 + {}·{}) = {}",
                        num(lr),
                        t - 1,
                        num(h.lr_decay),
                        num(c.step_size)
                    ));
                    out.push("Δp = −clr·g / (√s + ε)".to_owned());
                } else {
                    out.push(format!("Δp = −lr·g / (√s + ε), lr = {}", num(lr)));
                }
            }
            OptimizerKind::Rmsprop => {
                out.push(format!("v ← α·v + (1−α)·g² = {}", v2(a.v)));
                let denom = if h.centered {
                    out.push(format!("ḡ ← α·ḡ + (1−α)·g = {}", v2(a.u)));
                    "(√(v − ḡ²) + ε)"
                } else {
                    "(√v + ε)"
                };
                if c.momentum > 0.0 {
                    out.push(format!(
                        "b ← μ·b + g / {denom} = {}·b + … = {}",
                        num(c.momentum),
                        v2(a.m)
                    ));
                    out.push(format!("Δp = −lr·b, lr = {}", num(lr)));
                } else {
                    out.push(format!("Δp = −lr·g / {denom}, lr = {}", num(lr)));
                }
            }
            OptimizerKind::Adam
            | OptimizerKind::Adamw
            | OptimizerKind::Nadam
            | OptimizerKind::Radam => {
                let decoupled = kind == OptimizerKind::Adamw
                    || (kind == OptimizerKind::Radam
                        && h.decoupled_weight_decay
                        && h.weight_decay != 0.0);
                if decoupled {
                    out.push(format!("p ← p·(1 − lr·wd) = p·{}", num(1.0 - lr * h.weight_decay)));
                }
                out.push(format!("m ← β₁·m + (1−β₁)·g = {}", v2(a.m)));
                out.push(format!("v ← β₂·v + (1−β₂)·g² = {}", v2(a.v)));
                if let (Some(m), Some(v)) = (self.m_hat, self.v_hat) {
                    out.push(format!("m′ = m / (1−β₁^t) = {}", v2(m)));
                    if kind != OptimizerKind::Radam {
                        out.push(format!("v′ = v / (1−β₂^t) = {}", v2(v)));
                    }
                }
                out.push(match kind {
                    OptimizerKind::Nadam => {
                        "Δp = −lr·[(1−μₜ)·g/(1−Πμ) + μₜ₊₁·m/(1−Πμ·μₜ₊₁)] / (√v′ + ε)".to_owned()
                    }
                    OptimizerKind::Radam if c.rect > 0.0 => format!(
                        "ρ_t > 5: rectified, r_t = {};  Δp = −lr·m′·r_t·√(1−β₂^t) / (√v + ε), lr = {}",
                        num(c.rect),
                        num(lr)
                    ),
                    OptimizerKind::Radam => format!(
                        "ρ_t ≤ 5: variance not yet tractable, no adaptive step;  Δp = −lr·m′, lr = {}",
                        num(lr)
                    ),
                    _ => format!("Δp = −lr·m′ / (√v′ + ε), lr = {}", num(lr)),
                });
            }
            OptimizerKind::Adamax => {
                out.push(format!("m ← β₁·m + (1−β₁)·g = {}", v2(a.m)));
                out.push(format!("u ← max(β₂·u, |g| + ε) = {}", v2(a.v)));
                out.push(format!("Δp = −lr/(1−β₁^t) · m/u = −{}·m/u", num(c.step_size)));
            }
            OptimizerKind::Adadelta => {
                out.push(format!("v ← ρ·v + (1−ρ)·g² = {}", v2(a.v)));
                let delta = self.delta() / -lr;
                out.push(format!(
                    "Δ = √(u + ε)/√(v + ε)·g = {}   (u before: {})",
                    v2(delta),
                    v2(b.u)
                ));
                out.push(format!("u ← ρ·u + (1−ρ)·Δ² = {}", v2(a.u)));
                out.push(format!("Δp = −lr·Δ, lr = {}", num(lr)));
            }
            OptimizerKind::Rprop => {
                let word = |g: f64, prev: f64| {
                    if t == 1 || g * prev == 0.0 {
                        "×1"
                    } else if g * prev > 0.0 {
                        "same sign, ×η₊"
                    } else {
                        "sign flip, ×η₋, step skipped"
                    }
                };
                out.push(format!("x: {};  y: {}", word(self.g.x, b.m.x), word(self.g.y, b.m.y)));
                out.push(format!(
                    "step ← clamp(step·η, {}, {}) = {}",
                    num(h.step_min),
                    num(h.step_max),
                    v2(a.u)
                ));
                out.push("Δp = −sign(g)·step".to_owned());
            }
            OptimizerKind::Asgd => {
                out.push(format!(
                    "η = lr/(1 + λ·lr·(t−1))^α = {},  λ = {}",
                    num(c.step_size),
                    num(h.lambd)
                ));
                out.push("p ← p·(1 − λη) − η·g".to_owned());
            }
            OptimizerKind::Adafactor => {
                let tf = t as f64;
                out.push(format!(
                    "β₂ decay: v ← lerp(v, g², t^c) with t^c = {}",
                    num(tf.powf(h.beta2_decay))
                ));
                out.push(format!("v = {}", v2(a.v)));
                out.push(format!(
                    "ρ_t = min(lr, 1/√t) = {};  α = max(ε₂, RMS(p))·ρ_t",
                    num(lr.min(1.0 / tf.sqrt()))
                ));
                out.push("u = g/√v;  Δp = −α·u / max(1, RMS(u)/d)".to_owned());
            }
            OptimizerKind::Lbfgs => {
                if let Some(mem) = &self.lbfgs {
                    out.push(format!(
                        "history: {} (s, y) pairs, H_diag = {}",
                        mem.old_dirs.len(),
                        num(mem.h_diag)
                    ));
                    out.push(format!("d = −H̃·g = {}", v2(mem.d)));
                    if h.strong_wolfe {
                        out.push(format!(
                            "strong-Wolfe line search: t = {} after {} evaluations",
                            num(mem.t),
                            mem.ls_func_evals
                        ));
                    } else {
                        out.push(format!("t = {}", num(mem.t)));
                    }
                    out.push("Δp = t·d".to_owned());
                }
            }
            OptimizerKind::Newton => {
                out.push(format!(
                    "Δp = −lr·(H + λI)⁻¹·g, lr = {}, λ = {}",
                    num(lr),
                    num(h.damping)
                ));
            }
            OptimizerKind::Sfn => out.push(format!(
                "Δp = −lr·(|H| + λI)⁻¹·g, |H| = V·|Λ|·Vᵀ, lr = {}, λ = {}",
                num(lr),
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
    let lr = coefs.lr;
    match spec.kind() {
        OptimizerKind::Adagrad => {
            v_hat = Some(after.v);
            effective_lr = Some(per_axis(after.v, h.eps, coefs.step_size));
        }
        OptimizerKind::Rmsprop if !h.centered => {
            v_hat = Some(after.v);
            effective_lr = Some(per_axis(after.v, h.eps, lr));
        }
        OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Nadam => {
            let t = coefs.step as f64;
            let bc1 = 1.0 - coefs.beta1.powf(t);
            let bc2 = 1.0 - h.beta2.powf(t);
            let v =
                if h.amsgrad && spec.kind() == OptimizerKind::Adam { after.v_max } else { after.v };
            m_hat = Some(after.m / bc1);
            v_hat = Some(v / bc2);
            effective_lr = Some(per_axis(v / bc2, h.eps, lr));
        }
        OptimizerKind::Radam => {
            m_hat = Some(after.m / coefs.step_size);
            if coefs.rect > 0.0 {
                let bc2 = coefs.bias_correction2;
                effective_lr = Some(after.v.map(|v| lr * coefs.rect * bc2 / (v.sqrt() + h.eps)));
            }
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
        lbfgs: (spec.kind() == OptimizerKind::Lbfgs).then(|| run.lbfgs().clone()),
    })
}
