//! The model surfaces (SPEC §2): exact derivatives against finite differences, the loss against
//! an independent evaluation and against PyTorch, trajectories against PyTorch's, the deep linear
//! network's critical points, and clear errors for bad data files.

use std::sync::Arc;

use losscape::scene::SurfaceChoice;
use losscape::sim::net::data::{Columns, Dataset, parse_csv};
use losscape::sim::net::model::{Model, ModelKind};
use losscape::sim::{
    CriticalKind, Noise, OptimizerSpec, Point, Surface, SurfaceDef, critical_points, simulate,
};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    models: Vec<ModelCase>,
}

#[derive(Deserialize)]
struct ModelCase {
    id: String,
    model: String,
    data: Vec<Vec<f64>>,
    optimizer: String,
    start: [f64; 2],
    steps: usize,
    points: Vec<[f64; 3]>,
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("data/torch_models.json")).expect("reference parses")
}

fn model_of(kind: ModelKind, data: &[Vec<f64>]) -> Model {
    let rows = data.iter().map(|r| [r[0], r[1], r.get(2).copied().unwrap_or(0.0)]).collect();
    Model::new(kind, rows).unwrap()
}

/// A fixed data set per model, small enough to read.
fn fixed(kind: ModelKind) -> Model {
    let rows = match kind {
        ModelKind::Logreg => vec![
            [1.0, 0.5, 1.0],
            [0.7, 1.2, 1.0],
            [-0.4, 0.9, 0.0],
            [-1.0, -0.5, 0.0],
            [0.3, -0.9, 1.0],
        ],
        _ => vec![[-1.0, -1.2, 0.0], [0.0, 0.4, 0.0], [0.8, 1.6, 0.0], [1.7, 2.9, 0.0]],
    };
    Model::new(kind, rows).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every model's gradient and Hessian against central differences of f and ∇f.
    #[test]
    fn derivatives_match_finite_differences(k in 0usize..4, x in -2.5f64..2.5, y in -2.5f64..2.5) {
        let m = fixed(ModelKind::ALL[k]);
        let p = Point::new(x, y);
        let (v, g, h) = m.value_grad_hessian(p);
        prop_assert_eq!(v, m.value(p));
        prop_assert_eq!(g, m.value_grad(p).1);
        let e = 1e-5;
        for i in 0..2 {
            let d = if i == 0 { Point::new(e, 0.0) } else { Point::new(0.0, e) };
            let fd = (m.value(p + d) - m.value(p - d)) / (2.0 * e);
            prop_assert!(close(g[i], fd, 1e-6), "{} ∂{}: {} vs {}", ModelKind::ALL[k], i, g[i], fd);
            let gd = (m.value_grad(p + d).1 - m.value_grad(p - d).1) / (2.0 * e);
            for j in 0..2 {
                prop_assert!(close(h[(j, i)], gd[j], 1e-6), "{} H{}{}: {} vs {}", ModelKind::ALL[k], j, i, h[(j, i)], gd[j]);
            }
        }
        prop_assert_eq!(h[(0, 1)], h[(1, 0)]);
    }
}

#[test]
fn losses_match_an_independent_evaluation() {
    // Written from the SPEC's table, term by term, in a different order and form.
    let p = Point::new(0.7, -0.3);
    for kind in ModelKind::ALL {
        let m = fixed(kind);
        let n = m.rows().len() as f64;
        let expected: f64 = m
            .rows()
            .iter()
            .map(|&[t, u, l]| match kind {
                ModelKind::Linreg => (p.x * t + p.y - u).powi(2) / (2.0 * n),
                ModelKind::DeepLinear => (p.y * (p.x * t) - u).powi(2) / (2.0 * n),
                ModelKind::TanhUnit => (p.y * (p.x * t).tanh() - u).powi(2) / (2.0 * n),
                ModelKind::Logreg => {
                    let z = p.x * t + p.y * u;
                    ((1.0 + z.exp()).ln() - l * z) / n
                }
            })
            .sum();
        assert!(close(m.value(p), expected, 1e-14), "{kind}: {} vs {expected}", m.value(p));
    }
    // Logistic regression far out: softplus must not overflow.
    let m = fixed(ModelKind::Logreg);
    assert!(m.value(Point::new(800.0, 800.0)).is_finite());
    // Linreg's Hessian is the data's second moments, everywhere.
    let m = fixed(ModelKind::Linreg);
    let (_, _, h) = m.value_grad_hessian(Point::new(3.0, -7.0));
    let stt: f64 = m.rows().iter().map(|r| r[0] * r[0]).sum::<f64>() / 4.0;
    let st: f64 = m.rows().iter().map(|r| r[0]).sum::<f64>() / 4.0;
    assert!(close(h[(0, 0)], stt, 1e-15) && close(h[(0, 1)], st, 1e-15) && h[(1, 1)] == 1.0);
}

#[test]
fn trajectories_match_pytorch() {
    let reference = reference();
    assert!(reference.models.len() >= 8);
    for case in &reference.models {
        let kind = ModelKind::from_name(&case.model).unwrap();
        let model = model_of(kind, &case.data);
        let spec = OptimizerSpec::parse(&case.optimizer).unwrap();
        let start = Point::new(case.start[0], case.start[1]);
        let surface = SurfaceDef::Model(Arc::new(model));
        let t = simulate(&surface, &spec, start, case.steps, Noise::default());
        assert_eq!(t.points.len(), case.points.len(), "{}", case.id);
        for (k, (ours, theirs)) in t.points.iter().zip(&case.points).enumerate() {
            for (a, b) in
                [(ours.point.x, theirs[0]), (ours.point.y, theirs[1]), (ours.loss, theirs[2])]
            {
                assert!(close(a, b, 1e-7), "{} step {k}: {a} vs PyTorch {b}", case.id);
            }
        }
    }
}

#[test]
fn deep_linear_has_a_saddle_at_the_origin_and_a_hyperbola_of_minima() {
    let m = Model::on_dataset(ModelKind::DeepLinear, Dataset::Linear, 60, 0.3, 5).unwrap();
    let n = m.rows().len() as f64;
    let stu: f64 = m.rows().iter().map(|r| r[0] * r[1]).sum();
    let stt: f64 = m.rows().iter().map(|r| r[0] * r[0]).sum();
    let c = stu / stt;
    // The origin: zero gradient, eigenvalues ±|Σtu|/n.
    let (_, g, h) = m.value_grad_hessian(Point::new(0.0, 0.0));
    assert_eq!(g, losscape::sim::Gradient::zeros());
    let eig = h.symmetric_eigenvalues();
    let (lo, hi) = (eig.min(), eig.max());
    assert!(close(lo, -stu.abs() / n, 1e-14) && close(hi, stu.abs() / n, 1e-14), "{eig}");
    // Every point of x·y = c is a global minimum: zero gradient, the same loss, the least.
    let best = m.value(Point::new(1.0, c));
    for x in [-3.0, -1.0, -0.2, 0.5, 2.0] {
        let p = Point::new(x, c / x);
        let (v, g) = m.value_grad(p);
        assert!(g.norm() < 1e-12, "∇ at {p}: {g}");
        assert!(close(v, best, 1e-12));
        assert!(m.value(Point::new(x * 1.01, c / x)) > v);
    }
    // What the critical-point finder reports: the origin as a saddle, everything else on the
    // hyperbola.
    let surface = SurfaceDef::Model(Arc::new(m));
    let points = critical_points(&surface, &surface.default_domain());
    let origin = points.iter().find(|p| p.point.norm() < 1e-6).expect("the origin is found");
    assert_eq!(origin.kind, CriticalKind::Saddle);
    for p in points.iter().filter(|p| p.point.norm() >= 1e-6) {
        assert!((p.point.x * p.point.y - c).abs() < 1e-6, "{:?} is off the hyperbola", p.point);
        assert!(p.kind != CriticalKind::Max && p.kind != CriticalKind::Saddle, "{p:?}");
    }
}

#[test]
fn tanh_unit_is_symmetric_and_logreg_on_separable_data_has_no_minimum() {
    let m = Model::on_dataset(ModelKind::TanhUnit, Dataset::Tanh, 50, 0.1, 2).unwrap();
    for (x, y) in [(0.4, 1.3), (-2.0, 0.1), (1.1, -0.7)] {
        assert!(close(m.value(Point::new(x, y)), m.value(Point::new(-x, -y)), 1e-14));
    }
    let m = Model::on_dataset(ModelKind::Logreg, Dataset::Separable, 50, 0.0, 2).unwrap();
    // Along the separating direction (1, 1) the loss keeps falling, the gradient fades.
    let (mut last, mut last_g) = (f64::INFINITY, f64::INFINITY);
    let first_g = m.value_grad(Point::new(1.0, 1.0)).1.norm();
    for s in [1.0, 2.0, 4.0, 8.0, 16.0] {
        let (v, g) = m.value_grad(Point::new(s, s));
        assert!(v < last && v > 0.0);
        assert!(g.norm() < last_g || s == 1.0);
        (last, last_g) = (v, g.norm());
    }
    assert!(last_g < first_g / 100.0, "{last_g} vs {first_g}");
}

#[test]
fn bad_data_files_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("losscape-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("missing.csv", "t,v\n1,2\n", ModelKind::Linreg, "missing column 'u'", "line 1"),
        ("word.csv", "t,u\n1,2\n3,abc\n", ModelKind::Linreg, "'abc'", "line 3, column 2"),
        ("empty.csv", "", ModelKind::DeepLinear, "empty", ""),
        (
            "label.csv",
            "a,b,label\n1,2,1\n0,1,0.5\n",
            ModelKind::Logreg,
            "0 or 1",
            "line 3, column 3",
        ),
        ("short.csv", "a,b,label\n1,2\n", ModelKind::Logreg, "fields", "line 2"),
        ("nan.csv", "t,u\nNaN,1\n", ModelKind::TanhUnit, "not a finite number", "line 2, column 1"),
    ];
    for (name, text, kind, what, place) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let e = Model::from_csv(kind, &path).unwrap_err().to_string();
        assert!(e.contains(name), "{e}");
        assert!(e.contains(what), "{e}");
        assert!(e.contains(place), "{e}");
    }
    let e = Model::from_csv(ModelKind::Linreg, &dir.join("absent.csv")).unwrap_err().to_string();
    assert!(e.contains("absent.csv") && e.contains("cannot read"), "{e}");
    // A model on a data set of the wrong shape.
    let e = Model::on_dataset(ModelKind::Logreg, Dataset::Linear, 10, 0.1, 0).unwrap_err();
    assert!(e.to_string().contains("x1,x2,label"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn models_round_trip_through_a_scene() {
    let m = fixed(ModelKind::Logreg);
    let choice = losscape::scene::SurfaceChoice::Model(m.clone());
    let json = serde_json::to_string(&choice).unwrap();
    assert!(json.contains("\"logreg\""), "{json}");
    let back: losscape::scene::SurfaceChoice = serde_json::from_str(&json).unwrap();
    assert_eq!(back, choice);
    // A bad label in a scene is refused with the row named.
    let bad = r#"{"model":{"model":"logreg","data":[[1,2,1],[1,2,3]]}}"#;
    let e = serde_json::from_str::<losscape::scene::SurfaceChoice>(bad).unwrap_err().to_string();
    assert!(e.contains("data point 1"), "{e}");
    // CSV text round trip for every column set.
    for (columns, rows) in
        [(Columns::TU, [[0.25, -1.5, 0.0]]), (Columns::X1X2Label, [[0.25, -1.5, 1.0]])]
    {
        let text = losscape::sim::net::data::to_csv(&rows, columns);
        assert_eq!(parse_csv(&text, "x.csv", columns).unwrap(), rows);
    }
}

#[test]
fn lesson_scenes_load_and_teach_their_lesson() {
    use losscape::scene::Scene;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes");
    let load = |name: &str| Scene::load(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let run = |scene: &Scene, optimizer: usize, start: usize| {
        let surface = scene.surface.resolve().unwrap();
        let spec = scene.optimizers[optimizer].spec;
        let start = scene.start_points().nth(start).unwrap();
        simulate(&surface, &spec, start, scene.steps, Noise::default())
    };
    // Feature scaling: the same regression; GD is far from the fit on the raw feature after the
    // scene's steps, at it on the standardised one.
    let raw = load("feature-scaling-raw.json");
    let std = load("feature-scaling-standardised.json");
    let gap = |scene: &Scene| {
        let t = run(scene, 0, 0);
        let surface = scene.surface.resolve().unwrap();
        let best = critical_points(&surface, &scene.domain())
            .iter()
            .map(|c| c.value)
            .fold(f64::INFINITY, f64::min);
        t.last().unwrap().loss - best
    };
    assert!(gap(&raw) > 1e-3, "raw: {}", gap(&raw));
    assert!(gap(&std) < 1e-9, "standardised: {}", gap(&std));
    // Deep linear: Newton from near the origin is pulled into the saddle; GD escapes to the
    // hyperbola.
    let deep = load("deep-linear.json");
    let newton = deep.optimizers.iter().position(|o| o.spec.kind().name() == "newton").unwrap();
    assert!(run(&deep, newton, 0).last().unwrap().point.norm() < 1e-6);
    let SurfaceChoice::Model(m) = &deep.surface else { panic!("a model scene") };
    let c = m.rows().iter().map(|r| r[0] * r[1]).sum::<f64>()
        / m.rows().iter().map(|r| r[0] * r[0]).sum::<f64>();
    let end = run(&deep, 0, 0).last().unwrap().point;
    assert!((end.x * end.y - c).abs() < 1e-3, "{end}");
    for name in ["tanh-unit.json", "logreg-separable.json"] {
        let scene = load(name);
        assert!(matches!(scene.surface, SurfaceChoice::Model(_)), "{name}");
    }
    // Logistic regression on separable data: still falling at the end.
    let lr = load("logreg-separable.json");
    let t = run(&lr, 0, 0);
    let n = t.points.len();
    assert!(t.points[n - 1].loss < t.points[n - 2].loss);
}

/// One header convention for every two-feature file: a CSV with `x1,x2,label` serves logistic
/// regression and a network alike, and the models' older `a,b,label` reads as the same rows.
#[test]
fn one_two_feature_csv_serves_logreg_and_networks() {
    use losscape::sim::net::{Architecture, Network};
    let dir = std::env::temp_dir().join(format!("losscape-x1x2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let new = dir.join("new.csv");
    let old = dir.join("old.csv");
    std::fs::write(&new, "x1,x2,label\n1,2,1\n-1,0.5,0\n0.25,-3,1\n").unwrap();
    std::fs::write(&old, "label,b,a\n1,2,1\n0,0.5,-1\n1,-3,0.25\n").unwrap();
    let logreg = Model::from_csv(ModelKind::Logreg, &new).unwrap();
    let rows = logreg.rows().to_vec();
    assert_eq!(rows, [[1.0, 2.0, 1.0], [-1.0, 0.5, 0.0], [0.25, -3.0, 1.0]]);
    assert_eq!(Model::from_csv(ModelKind::Logreg, &old).unwrap().rows(), &rows[..]);
    let net_rows = losscape::sim::net::data::read_csv(&new, Columns::X1X2Label).unwrap();
    assert_eq!(net_rows, rows);
    let net = Network::new(Architecture::parse("2-3-1").unwrap(), net_rows, 0.0).unwrap();
    assert!(net.loss(&net.architecture().init(0)).is_finite());
    let _ = std::fs::remove_dir_all(&dir);
}
