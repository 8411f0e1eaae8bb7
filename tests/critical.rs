//! Critical points: every one inside the domain, found once, of the right kind, where the
//! gradient vanishes; the lecture's surfaces give the counts the lecture states.

use losscape::sim::{
    Builtin, CriticalKind, CriticalPoint, Domain, Formula, Gradient, Hessian, Point, Surface,
    critical_points,
};

fn count(points: &[CriticalPoint], kind: CriticalKind) -> usize {
    points.iter().filter(|c| c.kind == kind).count()
}

/// The critical point of `kind` nearest `(x, y)`, asserted within `tol`.
fn assert_has(points: &[CriticalPoint], kind: CriticalKind, x: f64, y: f64, tol: f64) {
    let nearest = points
        .iter()
        .filter(|c| c.kind == kind)
        .min_by(|a, b| {
            let da = (a.point - Point::new(x, y)).norm();
            let db = (b.point - Point::new(x, y)).norm();
            da.total_cmp(&db)
        })
        .unwrap_or_else(|| panic!("no {kind} at all, looking for ({x}, {y})"));
    let d = (nearest.point - Point::new(x, y)).norm();
    assert!(d <= tol, "{kind} at ({x}, {y}): nearest is {:?}, {d:e} away", nearest.point);
}

/// (minima, maxima, saddles, degenerate) of a built-in surface over its domain.
fn counts(b: Builtin) -> (usize, usize, usize, usize) {
    let p = critical_points(&b, &b.domain());
    (
        count(&p, CriticalKind::Min),
        count(&p, CriticalKind::Max),
        count(&p, CriticalKind::Saddle),
        count(&p, CriticalKind::Degenerate),
    )
}

#[test]
fn bowls_has_four_minima_and_three_saddles() {
    assert_eq!(counts(Builtin::Bowls), (4, 0, 3, 0));
}

#[test]
fn escape_saddle_is_a_saddle_between_two_valleys() {
    let p = critical_points(&Builtin::EscapeSaddle, &Builtin::EscapeSaddle.domain());
    assert_eq!(p.len(), 3, "{p:?}");
    assert_has(&p, CriticalKind::Min, 0.0, -1.0, 1e-8);
    assert_has(&p, CriticalKind::Min, 0.0, 1.0, 1e-8);
    assert_has(&p, CriticalKind::Saddle, 0.0, 0.0, 1e-8);
    let saddle = p.iter().find(|c| c.kind == CriticalKind::Saddle).unwrap();
    assert!(
        (saddle.eigenvalues[0] + 1.0).abs() < 1e-12 && (saddle.eigenvalues[1] - 2.0).abs() < 1e-12
    );
    // The escape direction (negative curvature) is along y, the attracting one along x.
    assert!(saddle.eigenvectors[0].y.abs() > 1.0 - 1e-12, "{:?}", saddle.eigenvectors);
    assert!(saddle.eigenvectors[1].x.abs() > 1.0 - 1e-12, "{:?}", saddle.eigenvectors);
    assert_eq!(saddle.value, 0.25);
}

#[test]
fn six_hump_camel_has_its_six_minima_two_maxima_and_seven_saddles() {
    // Minima to 1e-8 against high-precision references (mpmath), digits kept as printed.
    #[allow(clippy::excessive_precision)]
    const MINIMA: [(f64, f64); 3] = [
        (0.0898420131003180624, -0.712656403020739633),
        (1.70360671496998085, -0.796083568672625119),
        (1.60710475292019723, 0.568651454884131371),
    ];
    let b = Builtin::SixHumpCamel;
    let p = critical_points(&b, &b.domain());
    // The polynomial has 15 critical points in the plane, all inside the default domain.
    assert_eq!(counts(b), (6, 2, 7, 0));
    for (x, y) in MINIMA {
        assert_has(&p, CriticalKind::Min, x, y, 1e-8);
        assert_has(&p, CriticalKind::Min, -x, -y, 1e-8);
    }
    // The function is odd-symmetric: f(−x, −y) = f(x, y), so the maxima come in a pair.
    let maxima: Vec<&CriticalPoint> = p.iter().filter(|c| c.kind == CriticalKind::Max).collect();
    assert!((maxima[0].point + maxima[1].point).norm() < 1e-8, "{maxima:?}");
}

#[test]
fn himmelblau_has_four_minima_one_maximum_four_saddles() {
    let b = Builtin::Himmelblau;
    let p = critical_points(&b, &b.domain());
    assert_eq!(counts(b), (4, 1, 4, 0));
    for (x, y) in [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    {
        assert_has(&p, CriticalKind::Min, x, y, 1e-5);
    }
    assert_has(&p, CriticalKind::Min, 3.0, 2.0, 1e-12);
    assert_has(&p, CriticalKind::Max, -0.270845, -0.923039, 1e-5);
}

#[test]
fn the_monkey_saddle_is_one_degenerate_point() {
    let p = critical_points(&Builtin::MonkeySaddle, &Builtin::MonkeySaddle.domain());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, CriticalKind::Degenerate);
    assert!(p[0].point.norm() < 1e-8, "{:?}", p[0].point);
}

#[test]
fn simple_surfaces_have_their_one_point() {
    let p = critical_points(&Builtin::Saddle, &Builtin::Saddle.domain());
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].kind, p[0].eigenvalues), (CriticalKind::Saddle, [-2.0, 2.0]));
    let p = critical_points(&Builtin::Rosenbrock, &Builtin::Rosenbrock.domain());
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind, CriticalKind::Min);
    assert!((p[0].point - Point::new(1.0, 1.0)).norm() < 1e-12);
    assert_eq!(counts(Builtin::Plateau), (1, 0, 0, 0));
    assert_eq!(counts(Builtin::StyblinskiTang), (4, 1, 4, 0));
    // Rastrigin: 11 minima and 10 maxima per axis in [−5.12, 5.12]: 121, 100 and 220 saddles.
    assert_eq!(counts(Builtin::Rastrigin), (121, 100, 220, 0));
}

#[test]
fn every_point_is_a_distinct_zero_of_the_gradient_inside_the_domain() {
    for b in Builtin::ALL {
        let d = b.domain();
        let points = critical_points(&b, &d);
        assert!(!points.is_empty(), "{b} has critical points");
        for (i, c) in points.iter().enumerate() {
            assert!(d.contains(c.point), "{b}: {:?} outside {d}", c.point);
            let (f, g, h) = b.value_grad_hessian(c.point);
            assert_eq!(f, c.value);
            let scale = h.abs().max().max(1.0);
            assert!(g.norm() <= 1e-9 * scale, "{b}: ‖∇f‖ = {:e} at {:?}", g.norm(), c.point);
            let [l0, l1] = c.eigenvalues;
            assert!(l0 <= l1 && l0.is_finite() && l1.is_finite());
            let expected = match (l0 > 0.0, l1 < 0.0) {
                _ if l0.abs().min(l1.abs()) <= 1e-7 * l0.abs().max(l1.abs()).max(1.0) => {
                    CriticalKind::Degenerate
                }
                (true, _) => CriticalKind::Min,
                (_, true) => CriticalKind::Max,
                _ => CriticalKind::Saddle,
            };
            assert_eq!(c.kind, expected, "{b} at {:?}: {:?}", c.point, c.eigenvalues);
            let [v0, v1] = c.eigenvectors;
            assert!((v0.norm() - 1.0).abs() < 1e-12 && (v1.norm() - 1.0).abs() < 1e-12);
            assert!(v0.dot(&v1).abs() < 1e-12);
            // H·v = λ·v.
            assert!((h * v0 - v0 * l0).norm() <= 1e-9 * scale);
            for other in &points[i + 1..] {
                assert!((other.point - c.point).norm() > 1e-6, "{b}: duplicate at {:?}", c.point);
            }
        }
        assert!(
            points.windows(2).all(|w| (w[0].point.x, w[0].point.y) <= (w[1].point.x, w[1].point.y)),
            "{b}: sorted by x then y"
        );
    }
}

#[test]
fn a_smaller_domain_keeps_only_the_points_inside() {
    let d = Domain::new(0.0, 5.0, 0.0, 5.0).unwrap();
    let p = critical_points(&Builtin::Himmelblau, &d);
    // Of Himmelblau's nine, the first quadrant holds one minimum and two saddles.
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p.iter().all(|c| d.contains(c.point)));
    assert_eq!(count(&p, CriticalKind::Min), 1);
    assert_eq!(count(&p, CriticalKind::Saddle), 2);
    assert_has(&p, CriticalKind::Min, 3.0, 2.0, 1e-12);
}

#[test]
fn formulas_give_the_same_points_as_their_builtin_twins() {
    for b in [Builtin::Bowls, Builtin::SixHumpCamel, Builtin::Himmelblau] {
        let f = Formula::parse(b.formula()).unwrap();
        let from_formula = critical_points(&f, &b.domain());
        let from_builtin = critical_points(&b, &b.domain());
        assert_eq!(from_formula.len(), from_builtin.len(), "{b}");
        for (a, c) in from_formula.iter().zip(&from_builtin) {
            assert_eq!(a.kind, c.kind);
            assert!((a.point - c.point).norm() < 1e-9, "{b}: {:?} vs {:?}", a.point, c.point);
        }
    }
}

/// A surface given by closures, for the degenerate cases.
struct Custom(fn(Point) -> (f64, Gradient, Hessian));

impl Surface for Custom {
    fn value(&self, p: Point) -> f64 {
        (self.0)(p).0
    }
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let (f, g, _) = (self.0)(p);
        (f, g)
    }
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        (self.0)(p)
    }
}

#[test]
fn surfaces_without_isolated_points_never_panic_or_explode() {
    let d = Domain::new(-2.0, 2.0, -2.0, 2.0).unwrap();
    // f = x: no critical point at all.
    let slope = Custom(|p| (p.x, Gradient::new(1.0, 0.0), Hessian::zeros()));
    assert!(critical_points(&slope, &d).is_empty());
    // f = x²: a whole line of (degenerate) minima.
    let valley =
        Custom(|p| (p.x * p.x, Gradient::new(2.0 * p.x, 0.0), Hessian::new(2.0, 0.0, 0.0, 0.0)));
    let line = critical_points(&valley, &d);
    assert!(!line.is_empty() && line.len() <= losscape::sim::surfaces::critical::MAX_POINTS);
    assert!(line.iter().all(|c| c.kind == CriticalKind::Degenerate && c.point.x.abs() < 1e-12));
    // f = 0: critical everywhere; bounded.
    let flat = Custom(|_| (0.0, Gradient::zeros(), Hessian::zeros()));
    let everywhere = critical_points(&flat, &d);
    assert!(everywhere.len() <= losscape::sim::surfaces::critical::MAX_POINTS);
    assert!(everywhere.iter().all(|c| c.kind == CriticalKind::Degenerate));
    // NaN everywhere, and NaN in half the plane.
    let nan = Custom(|_| (f64::NAN, Gradient::repeat(f64::NAN), Hessian::repeat(f64::NAN)));
    assert!(critical_points(&nan, &d).is_empty());
    let half = Formula::parse("ln(x) + (y - 1)^2 + x").unwrap();
    let p = critical_points(&half, &d);
    assert!(p.iter().all(|c| c.point.x > 0.0 && c.value.is_finite()), "{p:?}");
    // f = sin(x): a line of critical points per extremum, bounded.
    let waves = Formula::parse("sin(3*x)").unwrap();
    assert!(critical_points(&waves, &d).len() <= losscape::sim::surfaces::critical::MAX_POINTS);
}
