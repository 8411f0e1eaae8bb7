//! A test-only optimizer, sign-GD (`θ ← θ − lr·sign(g)`, cargo feature `sign-gd`), added as one
//! file (`src/sim/optim/sign_gd.rs`) and one line in the registry, works everywhere an
//! optimizer does: SPECs and scene files, `simulate`, the batch kernel (bit-identical to
//! `simulate`), the app's list of optimizers and the narration.
//!
//! Run with `cargo test --features sign-gd --test sign_gd`.

use losscape::scene::{OptimizerEntry, Scene, SurfaceChoice};
use losscape::sim::optim::narrate::narrate;
use losscape::sim::run::batch;
use losscape::sim::{
    Builtin, Dtype, Noise, OptimizerKind, OptimizerSpec, Point, SurfaceDef, final_point, simulate,
};

fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[test]
fn the_spec_names_it_and_prints_back() {
    let spec = OptimizerSpec::parse("signgd:lr=0.05").unwrap();
    assert_eq!(spec.kind(), OptimizerKind::SignGd);
    assert_eq!((spec.lr(), spec.to_string()), (0.05, "signgd:lr=0.05".to_owned()));
    let err = OptimizerSpec::parse("signgd:momentum=0.9").unwrap_err().to_string();
    assert!(err.contains("signgd takes no 'momentum'"), "{err}");
}

#[test]
fn simulate_steps_by_the_sign_of_the_gradient() {
    let spec = OptimizerSpec::parse("signgd:lr=0.1").unwrap();
    let run = simulate(&Builtin::Rosenbrock, &spec, Point::new(-1.2, 1.0), 40, Noise::NONE);
    assert_eq!(run.points.len(), 41);
    for w in run.points.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let want = Point::new(a.point.x - 0.1 * sign(a.grad.x), a.point.y - 0.1 * sign(a.grad.y));
        assert_eq!(b.point, want);
    }
}

#[test]
fn the_batch_kernel_ends_where_simulate_ends_bit_for_bit() {
    let spec = OptimizerSpec::parse("signgd:lr=0.07").unwrap();
    assert!(batch::in_kernel(&spec));
    let starts: Vec<Point> = (0..70)
        .map(|i| Point::new(-2.0 + 0.06 * f64::from(i), 1.5 - 0.04 * f64::from(i)))
        .collect();
    for builtin in [Builtin::Himmelblau, Builtin::Saddle, Builtin::Rosenbrock] {
        let surface = SurfaceDef::Builtin(builtin);
        let ends = batch::final_points(&surface, &spec, &starts, 150);
        for (start, end) in starts.iter().zip(&ends) {
            let trajectory = simulate(&surface, &spec, *start, 150, Noise::NONE);
            let last = trajectory.last().unwrap().point;
            assert_eq!(end.0, last, "{builtin:?} from {start:?}");
            assert_eq!(end.1, trajectory.diverged_at);
            assert_eq!(*end, final_point(&surface, &spec, *start, 150));
        }
        let f32_ends = batch::final_points_in(Dtype::Float32, &surface, &spec, &starts, 150);
        assert_eq!(f32_ends.len(), starts.len());
    }
}

#[test]
fn the_apps_list_and_scenes_have_it() {
    assert!(OptimizerKind::ALL.contains(&OptimizerKind::SignGd));
    assert_eq!(OptimizerKind::from_name("signgd"), Some(OptimizerKind::SignGd));
    assert_eq!(OptimizerKind::SignGd.label(), "Sign GD");
    let mut scene = Scene::new(SurfaceChoice::Builtin(Builtin::Himmelblau));
    assert!(scene.optimizers.iter().any(|e| e.spec.kind() == OptimizerKind::SignGd));
    scene.optimizers = vec![OptimizerEntry::new(OptimizerKind::SignGd)];
    let json = serde_json::to_string(&scene).unwrap();
    assert!(json.contains("\"signgd\""), "{json}");
    let back: Scene = serde_json::from_str(&json).unwrap();
    assert_eq!(back, scene);
}

#[test]
fn the_narration_shows_its_formula_with_the_steps_numbers() {
    let spec = OptimizerSpec::parse("signgd:lr=0.25").unwrap();
    let n = narrate(&Builtin::Himmelblau, &spec, Point::new(0.5, -1.0), Noise::NONE, 3).unwrap();
    let lines = n.lines().join("\n");
    assert!(lines.starts_with("Sign GD, step t = 4"), "{lines}");
    assert!(lines.contains("Δp = −lr·sign(g), lr = 0.2500"), "{lines}");
    assert_eq!(n.delta(), -n.g.map(sign) * 0.25);
}
