//! Narration of the optimizers, options and schedules beyond the first set: each one's update is
//! printed in its own formula, with numbers that are the simulator's own (the step the narration
//! reports is the trajectory's step, and its formula, evaluated on the reported state, gives the
//! step taken).

use losscape::sim::optim::narrate::{Narration, narrate};
use losscape::sim::{Builtin, LrSchedule, Noise, OptimizerSpec, Point, simulate};

fn narrated(text: &str, schedule: Option<&str>, k: usize) -> (OptimizerSpec, Narration, String) {
    let schedule = schedule.map(|s| LrSchedule::parse(s).unwrap());
    let spec = OptimizerSpec::parse(text).unwrap().with_schedule(schedule).unwrap();
    let surface = Builtin::Himmelblau;
    let start = Point::new(0.5, -1.0);
    let n = narrate(&surface, &spec, start, Noise::NONE, k).unwrap();
    let run = simulate(&surface, &spec, start, k + 1, Noise::NONE);
    assert_eq!(run.points[k].point, n.point, "{text}");
    assert_eq!(run.points[k + 1].point, n.next, "{text}");
    let lines = n.lines().join("\n");
    (spec, n, lines)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn each_new_optimizer_is_narrated_in_its_own_formula() {
    for (text, fragment) in [
        ("radam:lr=0.05", "ρ_t"),
        ("adamax:lr=0.1", "u ← max(β₂·u, |g| + ε)"),
        ("adadelta", "Δ = √(u + ε)/√(v + ε)·g"),
        ("rprop", "step ← clamp(step·η"),
        ("asgd:lr=0.01", "η = lr/(1 + λ·lr·(t−1))^α"),
        ("adafactor:lr=0.1", "v ← lerp(v, g², t^c)"),
        ("lbfgs:lr=0.5", "d = −H̃·g"),
        ("lbfgs:line_search=strong_wolfe", "strong-Wolfe line search: t = "),
        ("rmsprop:momentum=0.9,centered=true", "ḡ ← α·ḡ + (1−α)·g"),
        ("adagrad:lr_decay=0.1", "clr = lr / (1 + (t−1)·lr_decay)"),
        ("momentum:weight_decay=0.1", "g ← g + wd·p"),
    ] {
        for k in [0, 3, 12] {
            let (_, _, lines) = narrated(text, None, k);
            assert!(lines.contains(fragment), "{text} at step {k}:\n{lines}");
        }
    }
}

#[test]
fn the_printed_quantities_give_the_step_taken() {
    let k = 6;
    // Adamax: Δp = −lr/(1−β₁ᵗ) · m/u with the reported m and u.
    let (spec, n, _) = narrated("adamax:lr=0.1", None, k);
    let clr = spec.lr() / (1.0 - spec.hyper().beta1.powf((k + 1) as f64));
    let want = -(n.after.m * clr).component_div(&n.after.v);
    assert!(
        close(n.delta().x, want.x) && close(n.delta().y, want.y),
        "{:?} vs {want:?}",
        n.delta()
    );
    // Rprop: each coordinate moves by its reported step size, against the gradient's sign.
    let (_, n, _) = narrated("rprop:lr=0.05", None, k);
    for i in 0..2 {
        assert!(close(n.delta()[i].abs(), n.after.u[i]) || n.after.m[i] == 0.0);
    }
    // ASGD: p ← p·(1 − λη) − η·g with the η printed.
    let (spec, n, lines) = narrated("asgd:lr=0.05,lambd=0.1", None, k);
    let eta = n.coefs.step_size;
    assert!(lines.contains(&losscape::sim::optim::narrate::num(eta)), "{lines}");
    let want = n.point * (1.0 - spec.hyper().lambd * eta) - n.g * eta;
    assert!(close(n.next.x, want.x) && close(n.next.y, want.y));
    // L-BFGS: Δp = t·d with the printed t and d.
    let (_, n, _) = narrated("lbfgs:line_search=strong_wolfe", None, k);
    let mem = n.lbfgs.as_ref().unwrap();
    let want = mem.d * mem.t;
    assert!(close(n.delta().x, want.x) && close(n.delta().y, want.y));
}

#[test]
fn a_scheduled_run_narrates_the_steps_rate() {
    for (text, schedule) in [
        ("adam:lr=0.1", "cosine:t_max=20"),
        ("gd:lr=0.01", "onecycle:max_lr=0.05,total_steps=30"),
        ("newton:lr=0.8", "step:step_size=2,gamma=0.5"),
    ] {
        for k in [0, 5, 11] {
            let (spec, n, lines) = narrated(text, Some(schedule), k);
            let rate = spec.rates(k + 1)[k];
            assert_eq!(n.coefs.lr, rate, "{text} {schedule} at {k}");
            assert!(
                lines.contains(&format!("lr_t = {}", losscape::sim::optim::narrate::num(rate))),
                "{lines}"
            );
            if schedule.starts_with("onecycle") {
                assert!(lines.contains("cycled by onecycle") && lines.contains("b ← "), "{lines}");
            }
        }
    }
}
