//! L-BFGS, one iteration per step, as `torch.optim.LBFGS.step(closure)` with `max_iter=1`:
//! `torch/optim/lbfgs.py` line by line, its `_strong_wolfe` and `_cubic_interpolate` included
//! (themselves ports of minFunc's and Torch7's `lswolfe.lua` / `polyinterp.lua`).
//!
//! One step from p with f(p) and g = ∇f(p):
//! 1. if max |g| ≤ `tolerance_grad`, stop (p stays);
//! 2. the direction: d = −g on the first iteration; afterwards, with y = g − g_prev and
//!    s = t_prev·d_prev, the pair (s, y) joins the history when y·s > 1e-10 (the oldest leaves
//!    past `history_size`), H_diag = y·s / y·y, and d = −H̃g by the two-loop recursion;
//! 3. the step length: t = min(1, 1/‖g‖₁)·lr on the first iteration, lr afterwards; if
//!    g·d > −`tolerance_change`, stop;
//! 4. with `line_search=strong_wolfe`, t is refined by the strong-Wolfe search (c₁ = 1e-4,
//!    c₂ = 0.9, at most 25 evaluations); p ← p + t·d.

use super::Param as P;
use super::narrate::{Narration, num, vec2};
use super::step::{CurvaturePair, LbfgsMemory};
use super::{About, Hyper, Optimizer, State, StepScalars};
use crate::sim::{Gradient, Point};

/// `torch.optim.LBFGS` (Liu & Nocedal 1989), one iteration per step (`max_iter=1`): the
/// two-loop recursion over the last `history_size` (s, y) pairs gives the direction d; the
/// step is `lr·d` (`min(1, 1/‖g‖₁)·lr` on the first), or the strong-Wolfe line search's
/// from there. It evaluates the surface within its step, so the [`Run`](crate::sim::Run)
/// steps it with [`step`] and its [`LbfgsMemory`]; its [`Optimizer::apply`] alone is plain
/// gradient descent.
#[derive(Clone, Copy, Debug)]
pub struct Lbfgs;

impl Optimizer for Lbfgs {
    const ABOUT: About = About::new("lbfgs", "L-BFGS", [0xee, 0x33, 0x77])
        .rule("d = −H̃·g from the last (s, y) pairs (two-loop recursion);  p ← p + t·d, t = lr or a strong-Wolfe line search")
        .params(&[P::Lr, P::HistorySize, P::LineSearch, P::MaxEval, P::ToleranceGrad, P::ToleranceChange])
        .defaults(&[(P::Lr, 1.0)])
        .not_elementwise();

    fn apply(_: &Hyper, c: &StepScalars, _: &mut State, p: Point, g: Gradient) -> Point {
        p + g * -c.lr
    }

    fn narrate(n: &Narration, out: &mut Vec<String>) {
        let Some(mem) = &n.lbfgs else { return };
        out.push(format!(
            "history: {} (s, y) pairs, H_diag = {}",
            mem.pairs.len(),
            num(mem.h_diag)
        ));
        out.push(format!("d = −H̃·g = {}", vec2(mem.d)));
        if n.spec.hyper().strong_wolfe {
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

/// What one L-BFGS step needs of the hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbfgsParams {
    /// The step's learning rate.
    pub lr: f64,
    /// Pairs kept.
    pub history_size: usize,
    /// Strong-Wolfe line search on or off.
    pub strong_wolfe: bool,
    /// Stop when max |g| ≤ this.
    pub tolerance_grad: f64,
    /// Stop when g·d or the bracket is below this.
    pub tolerance_change: f64,
}

impl LbfgsParams {
    /// The parameters of a step at rate `lr` with the hyper-parameters `h`.
    pub fn new(h: &Hyper, lr: f64) -> Self {
        Self {
            lr,
            history_size: h.history_size,
            strong_wolfe: h.strong_wolfe,
            tolerance_grad: h.tolerance_grad,
            tolerance_change: h.tolerance_change,
        }
    }
}

fn max_abs(v: Gradient) -> f64 {
    v.x.abs().max(v.y.abs())
}

/// One L-BFGS step from `p` with loss `f` and gradient `g`; `eval` gives f and ∇f elsewhere
/// (for the line search). Returns the next point.
pub fn step(
    params: &LbfgsParams,
    mem: &mut LbfgsMemory,
    p: Point,
    f: f64,
    g: Gradient,
    mut eval: impl FnMut(Point) -> (f64, Gradient),
) -> Point {
    mem.ls_func_evals = 0;
    if max_abs(g) <= params.tolerance_grad {
        return p;
    }
    mem.n_iter += 1;
    let d = if mem.n_iter == 1 {
        mem.pairs.clear();
        mem.h_diag = 1.0;
        -g
    } else {
        let y = g - mem.prev_flat_grad;
        let s = mem.d * mem.t;
        let ys = y.dot(&s);
        if ys > 1e-10 {
            if mem.pairs.len() == params.history_size {
                mem.pairs.pop_front();
            }
            mem.pairs.push_back(CurvaturePair { y, s, ro: 1.0 / ys });
            mem.h_diag = ys / y.dot(&y);
        }
        let mut al = vec![0.0; mem.pairs.len()];
        let mut q = -g;
        for (pair, al_i) in mem.pairs.iter().zip(&mut al).rev() {
            *al_i = pair.s.dot(&q) * pair.ro;
            q += pair.y * -*al_i;
        }
        let mut r = q * mem.h_diag;
        for (pair, &al_i) in mem.pairs.iter().zip(&al) {
            let be_i = pair.y.dot(&r) * pair.ro;
            r += pair.s * (al_i - be_i);
        }
        r
    };
    mem.d = d;
    mem.prev_flat_grad = g;
    let mut t = if mem.n_iter == 1 {
        f64::min(1.0, 1.0 / (g.x.abs() + g.y.abs())) * params.lr
    } else {
        params.lr
    };
    let gtd = g.dot(&d);
    if gtd > -params.tolerance_change {
        mem.t = t;
        return p;
    }
    if params.strong_wolfe {
        let obj = |t: f64| eval(p + d * t);
        let (_, _, t_ls, evals) = strong_wolfe(obj, t, d, f, g, gtd, params.tolerance_change);
        t = t_ls;
        mem.ls_func_evals = evals;
    }
    mem.t = t;
    p + d * t
}

/// `_cubic_interpolate`: the minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2),
/// clamped to `bounds` (or to [x1, x2]).
pub fn cubic_interpolate(
    x1: f64,
    f1: f64,
    g1: f64,
    x2: f64,
    f2: f64,
    g2: f64,
    bounds: Option<(f64, f64)>,
) -> f64 {
    let (xmin_bound, xmax_bound) = match bounds {
        Some(b) => b,
        None if x1 <= x2 => (x1, x2),
        None => (x2, x1),
    };
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        // Python's min(max(min_pos, lo), hi), NaN handling included.
        py_min(py_max(min_pos, xmin_bound), xmax_bound)
    } else {
        (xmin_bound + xmax_bound) / 2.0
    }
}

/// Python's `max(a, b)`: `b` if `b > a`, else `a` (so a NaN `a` stays, a NaN `b` is dropped).
fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Python's `min(a, b)`: `b` if `b < a`, else `a`.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// `_strong_wolfe` with c₁ = 1e-4, c₂ = 0.9, max_ls = 25: returns (f, g, t, evaluations) at the
/// step length found. `obj(t)` gives f and ∇f at p + t·d.
#[allow(clippy::too_many_arguments)]
fn strong_wolfe(
    mut obj: impl FnMut(f64) -> (f64, Gradient),
    mut t: f64,
    d: Gradient,
    f: f64,
    g: Gradient,
    gtd: f64,
    tolerance_change: f64,
) -> (f64, Gradient, f64, usize) {
    const C1: f64 = 1e-4;
    const C2: f64 = 0.9;
    const MAX_LS: usize = 25;
    let d_norm = max_abs(d);
    let (mut f_new, mut g_new) = obj(t);
    let mut ls_func_evals = 1;
    let mut gtd_new = g_new.dot(&d);

    let (mut t_prev, mut f_prev, mut g_prev, mut gtd_prev) = (0.0, f, g, gtd);
    let mut done = false;
    let mut ls_iter = 0;
    // bracket: positions, values, gradients, directional derivatives.
    let mut bracket: Vec<f64> = Vec::new();
    let mut bracket_f: Vec<f64> = Vec::new();
    let mut bracket_g: Vec<Gradient> = Vec::new();
    let mut bracket_gtd: Vec<f64> = Vec::new();
    while ls_iter < MAX_LS {
        if f_new > (f + C1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev) {
            bracket = vec![t_prev, t];
            bracket_f = vec![f_prev, f_new];
            bracket_g = vec![g_prev, g_new];
            bracket_gtd = vec![gtd_prev, gtd_new];
            break;
        }
        if gtd_new.abs() <= -C2 * gtd {
            bracket = vec![t];
            bracket_f = vec![f_new];
            bracket_g = vec![g_new];
            done = true;
            break;
        }
        if gtd_new >= 0.0 {
            bracket = vec![t_prev, t];
            bracket_f = vec![f_prev, f_new];
            bracket_g = vec![g_prev, g_new];
            bracket_gtd = vec![gtd_prev, gtd_new];
            break;
        }
        let min_step = t + 0.01 * (t - t_prev);
        let max_step = t * 10.0;
        let tmp = t;
        t = cubic_interpolate(
            t_prev,
            f_prev,
            gtd_prev,
            t,
            f_new,
            gtd_new,
            Some((min_step, max_step)),
        );
        t_prev = tmp;
        f_prev = f_new;
        g_prev = g_new;
        gtd_prev = gtd_new;
        (f_new, g_new) = obj(t);
        ls_func_evals += 1;
        gtd_new = g_new.dot(&d);
        ls_iter += 1;
    }
    if ls_iter == MAX_LS {
        bracket = vec![0.0, t];
        bracket_f = vec![f, f_new];
        bracket_g = vec![g, g_new];
        // PyTorch leaves bracket_gtd as it was: a stale list from no iteration (it is only
        // read in the zoom below, which max_ls ends at once).
    }

    let mut insuf_progress = false;
    let (mut low_pos, mut high_pos) =
        if bracket_f[0] <= bracket_f[bracket_f.len() - 1] { (0, 1) } else { (1, 0) };
    while !done && ls_iter < MAX_LS {
        if (bracket[1] - bracket[0]).abs() * d_norm < tolerance_change {
            break;
        }
        t = cubic_interpolate(
            bracket[0],
            bracket_f[0],
            bracket_gtd[0],
            bracket[1],
            bracket_f[1],
            bracket_gtd[1],
            None,
        );
        let b_max = py_max(bracket[0], bracket[1]);
        let b_min = py_min(bracket[0], bracket[1]);
        let eps = 0.1 * (b_max - b_min);
        if py_min(b_max - t, t - b_min) < eps {
            if insuf_progress || t >= b_max || t <= b_min {
                t = if (t - b_max).abs() < (t - b_min).abs() { b_max - eps } else { b_min + eps };
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        (f_new, g_new) = obj(t);
        ls_func_evals += 1;
        gtd_new = g_new.dot(&d);
        ls_iter += 1;

        if f_new > (f + C1 * t * gtd) || f_new >= bracket_f[low_pos] {
            bracket[high_pos] = t;
            bracket_f[high_pos] = f_new;
            bracket_g[high_pos] = g_new;
            bracket_gtd[high_pos] = gtd_new;
            (low_pos, high_pos) = if bracket_f[0] <= bracket_f[1] { (0, 1) } else { (1, 0) };
        } else {
            if gtd_new.abs() <= -C2 * gtd {
                done = true;
            } else if gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0.0 {
                bracket[high_pos] = bracket[low_pos];
                bracket_f[high_pos] = bracket_f[low_pos];
                bracket_g[high_pos] = bracket_g[low_pos];
                bracket_gtd[high_pos] = bracket_gtd[low_pos];
            }
            bracket[low_pos] = t;
            bracket_f[low_pos] = f_new;
            bracket_g[low_pos] = g_new;
            bracket_gtd[low_pos] = gtd_new;
        }
    }
    let t = bracket[low_pos];
    (bracket_f[low_pos], bracket_g[low_pos], t, ls_func_evals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cubic_interpolation_finds_a_cubics_minimum() {
        // f(x) = (x − 1)² through x = 0 and x = 3: the cubic is the parabola, minimum at 1.
        let f = |x: f64| (x - 1.0) * (x - 1.0);
        let g = |x: f64| 2.0 * (x - 1.0);
        let t = cubic_interpolate(0.0, f(0.0), g(0.0), 3.0, f(3.0), g(3.0), None);
        assert!((t - 1.0).abs() < 1e-12, "{t}");
    }

    #[test]
    fn the_line_search_ends_where_the_strong_wolfe_conditions_hold() {
        // An anisotropic quadratic, from the first trial step 1/‖g‖₁.
        let eval = |p: Point| (p.x * p.x + 10.0 * p.y * p.y, Gradient::new(2.0 * p.x, 20.0 * p.y));
        let params = LbfgsParams {
            lr: 1.0,
            history_size: 100,
            strong_wolfe: true,
            tolerance_grad: 1e-7,
            tolerance_change: 1e-9,
        };
        let mut mem = LbfgsMemory::default();
        let p = Point::new(3.0, -4.0);
        let (f, g) = eval(p);
        let next = step(&params, &mut mem, p, f, g, eval);
        let d = -g;
        let gtd = g.dot(&d);
        let (f_new, g_new) = eval(next);
        assert!(f_new <= f + 1e-4 * mem.t * gtd, "sufficient decrease: {f_new} vs {f}");
        assert!(g_new.dot(&d).abs() <= 0.9 * gtd.abs(), "curvature condition");
        assert_eq!(next, p + d * mem.t);
    }
}
