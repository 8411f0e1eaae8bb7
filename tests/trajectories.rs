//! Runs stepped in lockstep give exactly the trajectories of runs stepped one by one.

use losscape::sim::{
    Builtin, Noise, OptimizerKind, OptimizerSpec, Point, final_point, final_points, simulate,
    simulate_many,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn lockstep_equals_one_by_one(
        surface in 0..Builtin::ALL.len(),
        kind in 0..OptimizerKind::ALL.len(),
        lr in prop::sample::select(vec![1e-3, 0.05, 0.5, 5.0]),
        starts in prop::collection::vec((-1.0f64..=1.0, -1.0f64..=1.0), 0..11),
        steps in 0usize..60,
        sigma in prop::sample::select(vec![0.0, 0.3]),
    ) {
        let surface = Builtin::ALL[surface];
        let mut spec = OptimizerSpec::new(OptimizerKind::ALL[kind]);
        spec.set(losscape::sim::Param::Lr, lr).unwrap();
        let d = surface.domain();
        let starts: Vec<Point> = starts
            .into_iter()
            .map(|(u, v)| d.lerp(u * 1.5, v * 1.5)) // some outside the domain, some diverging
            .collect();
        let noise = Noise { sigma, seed: 7 };
        let many = simulate_many(&surface, &spec, &starts, steps, noise);
        prop_assert_eq!(many.len(), starts.len());
        for (start, got) in starts.iter().zip(&many) {
            prop_assert_eq!(got, &simulate(&surface, &spec, *start, steps, noise));
        }
        let ends = final_points(&surface, &spec, &starts, steps);
        for (start, got) in starts.iter().zip(&ends) {
            let want = final_point(&surface, &spec, *start, steps);
            prop_assert_eq!(got.1, want.1);
            prop_assert_eq!(got.0.x.to_bits(), want.0.x.to_bits());
            prop_assert_eq!(got.0.y.to_bits(), want.0.y.to_bits());
        }
    }
}

#[test]
fn lockstep_handles_a_mix_of_diverging_and_converging_runs() {
    let spec = OptimizerSpec::parse("gd:lr=0.001").unwrap();
    // On rosenbrock with lr 0.001, a start far out diverges, one near the valley does not.
    let starts = [Point::new(0.9, 0.8), Point::new(-6.0, 8.0), Point::new(1.1, 1.2)];
    let runs = simulate_many(&Builtin::Rosenbrock, &spec, &starts, 200, Noise::NONE);
    assert!(runs[1].diverged(), "the far start diverges");
    assert!(!runs[0].diverged() && !runs[2].diverged());
    assert_eq!(runs[0].points.len(), 201);
    for (s, r) in starts.iter().zip(&runs) {
        assert_eq!(r, &simulate(&Builtin::Rosenbrock, &spec, *s, 200, Noise::NONE));
    }
}
