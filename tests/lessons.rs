//! The lessons the app relies on, as tests: if one of these fails, the app teaches something
//! false.

use losscape::sim::{Builtin, Noise, OptimizerSpec, Point, Surface, simulate};

fn spec(s: &str) -> OptimizerSpec {
    OptimizerSpec::parse(s).expect("valid spec")
}

#[test]
fn newton_is_pulled_into_the_saddle_saddle_free_newton_is_not() {
    let surface = Builtin::EscapeSaddle;
    let start = Point::new(0.5, 0.3);

    let newton = simulate(&surface, &spec("newton"), start, 50, Noise::NONE);
    let end = newton.last().expect("points").point;
    assert!(end.norm() < 1e-8, "Newton ends at {end:?}, not at the saddle (0, 0)");
    let (_, _, h) = surface.value_grad_hessian(end);
    let eig = h.symmetric_eigenvalues();
    assert!(eig.min() < 0.0 && eig.max() > 0.0, "(0, 0) is a saddle: {eig:?}");

    let sfn = simulate(&surface, &spec("sfn"), start, 50, Noise::NONE);
    let end = sfn.last().expect("points").point;
    assert!(
        (end - Point::new(0.0, 1.0)).norm() < 1e-6,
        "saddle-free Newton ends at {end:?}, not at the minimum (0, 1)"
    );
}

#[test]
fn on_the_plateau_gd_crawls_while_adam_escapes() {
    let surface = Builtin::Plateau;
    let start = Point::new(3.5, 2.5);
    let gd = simulate(&surface, &spec("gd:lr=0.5"), start, 300, Noise::NONE);
    let adam = simulate(&surface, &spec("adam:lr=0.1"), start, 300, Noise::NONE);
    let gd_loss = gd.last().expect("points").loss;
    let adam_loss = adam.last().expect("points").loss;
    assert_eq!(gd.points.len(), 301);
    assert!(gd_loss > 0.99, "GD left the plateau: loss {gd_loss}");
    assert!(adam_loss < 1e-6, "Adam did not reach the minimum: loss {adam_loss}");
}

#[test]
fn gradient_descent_started_on_the_saddle_stays_there_but_a_little_noise_knocks_it_off() {
    let surface = Builtin::EscapeSaddle;
    let start = Point::new(0.6, 0.0); // on the saddle's attracting axis
    let clean = simulate(&surface, &spec("gd:lr=0.1"), start, 400, Noise::NONE);
    let end = clean.last().expect("points").point;
    assert!(end.norm() < 1e-6, "noiseless GD should settle on the saddle, got {end:?}");

    let noisy = simulate(&surface, &spec("gd:lr=0.1"), start, 400, Noise { sigma: 0.01, seed: 7 });
    let end = noisy.last().expect("points").point;
    assert!((end.y.abs() - 1.0).abs() < 0.05, "noisy GD should reach a valley y = ±1, got {end:?}");
}

#[test]
fn noise_is_reproducible_and_seeded() {
    let surface = Builtin::Bowls;
    let start = Point::new(2.0, -2.0);
    let run =
        |seed| simulate(&surface, &spec("adam:lr=0.05"), start, 100, Noise { sigma: 0.1, seed });
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
    let clean =
        simulate(&surface, &spec("adam:lr=0.05"), start, 100, Noise { sigma: 0.0, seed: 3 });
    assert_eq!(clean, simulate(&surface, &spec("adam:lr=0.05"), start, 100, Noise::NONE));
}

#[test]
fn momentum_damps_the_ravine_zigzag() {
    // On the elongated bowl, GD with a step near its stability limit zig-zags across the
    // ravine (y flips sign every step) and crawls along it; momentum at the same learning rate
    // reaches the bottom in well under half the steps.
    let surface = Builtin::ElongatedBowl;
    let start = Point::new(-9.0, 3.0);
    let steps_to = |s: &str| {
        let run = simulate(&surface, &spec(s), start, 300, Noise::NONE);
        run.points.iter().position(|p| p.loss < 1e-6).expect("reaches the bottom")
    };
    let gd = steps_to("gd:lr=0.45");
    let momentum = steps_to("momentum:lr=0.45,momentum=0.5");
    assert!(2 * momentum < gd, "momentum {momentum} steps vs gd {gd}");
    let gd_run = simulate(&surface, &spec("gd:lr=0.45"), start, 10, Noise::NONE);
    assert!(gd_run.points.windows(2).all(|w| w[0].point.y * w[1].point.y < 0.0), "GD zig-zags");
}

#[test]
fn a_singular_newton_system_is_a_divergence_not_a_panic() {
    // The monkey saddle's Hessian vanishes at the origin.
    let run =
        simulate(&Builtin::MonkeySaddle, &spec("newton"), Point::new(0.0, 0.0), 10, Noise::NONE);
    assert_eq!(run.diverged_at, Some(1));
    assert_eq!(run.points.len(), 1);
}

#[test]
fn absurd_hyper_parameters_diverge_cleanly() {
    for s in ["gd:lr=1e300", "momentum:lr=1e200,momentum=1e10", "adam:lr=1e308", "newton:lr=1e300"]
    {
        let run =
            simulate(&Builtin::Rosenbrock, &spec(s), Point::new(-1.5, 2.0), 1000, Noise::NONE);
        assert!(run.diverged(), "{s} should diverge");
        assert!(
            run.points.iter().all(|p| p.point.iter().all(|v| v.is_finite()) && p.loss.is_finite())
        );
    }
}
