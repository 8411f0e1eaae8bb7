//! The command line of the model surfaces and networks, run as a real process: `--model` where a
//! surface is chosen, `landscape`, `interpolate`, and clear errors for bad data.

mod common;

use common::cli::{fails, ok};
use std::path::PathBuf;
use std::sync::Arc;

use losscape::sim::net::data::Dataset;
use losscape::sim::net::model::{Model, ModelKind};
use losscape::sim::net::{self, Architecture, Network};
use losscape::sim::{Noise, OptimizerSpec, Point, SurfaceDef, simulate};

fn temp(name: &str) -> PathBuf {
    common::cli::temp("cli-models", name)
}

#[test]
fn simulate_on_a_model_is_the_library_run() {
    let csv = ok(&[
        "simulate",
        "--model",
        "linreg",
        "--dataset",
        "unscaled",
        "--optimizer",
        "gd:lr=0.01",
        "--start",
        "0,0",
        "--steps",
        "50",
    ]);
    let model = Model::on_dataset(ModelKind::Linreg, Dataset::Unscaled, 100, 0.3, 0).unwrap();
    let t = simulate(
        &SurfaceDef::Model(Arc::new(model)),
        &OptimizerSpec::parse("gd:lr=0.01").unwrap(),
        Point::new(0.0, 0.0),
        50,
        Noise::default(),
    );
    let last = csv.lines().last().unwrap();
    let p = t.points.last().unwrap();
    assert_eq!(last, format!("50,{:?},{:?},{:?}", p.point.x, p.point.y, p.loss));
}

#[test]
fn a_data_file_is_read_and_bad_ones_say_where() {
    let good = temp("good.csv");
    std::fs::write(&good, "t,u\n-1,-1.2\n0,0.4\n1,2.2\n2,3.9\n").unwrap();
    let out = ok(&["critical", "--model", "deep-linear", "--data", good.to_str().unwrap()]);
    assert!(out.lines().any(|l| l.starts_with("0.0,0.0,") || l.contains(",saddle,")), "{out}");

    let bad = temp("bad.csv");
    std::fs::write(&bad, "t,u\n1,2\n3,x\n").unwrap();
    let err = fails(&["critical", "--model", "linreg", "--data", bad.to_str().unwrap()]);
    assert!(err.starts_with("error: --data "), "{err}");
    assert!(err.contains("bad.csv: line 3, column 2"), "{err}");

    let err = fails(&["critical", "--model", "logreg", "--data", good.to_str().unwrap()]);
    assert!(err.contains("missing column 'x1'"), "{err}");
    let err = fails(&["critical", "--model", "lasso", "--dataset", "linear"]);
    assert!(err.contains("unknown model 'lasso'"), "{err}");
    let err = fails(&["critical", "--model", "logreg", "--dataset", "moonz"]);
    assert!(err.contains("separable"), "{err}");
    let err = fails(&["critical", "--surface", "saddle", "--model", "linreg"]);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn render_and_basins_take_a_model() {
    let png = temp("model.png");
    ok(&[
        "render",
        "--model",
        "tanh-unit",
        "--optimizer",
        "adam:lr=0.05",
        "--start=0.3,-0.4",
        "--steps",
        "100",
        "--out",
        png.to_str().unwrap(),
        "--size",
        "400x300",
    ]);
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    let out = ok(&[
        "basins",
        "--model",
        "tanh-unit",
        "--optimizer",
        "gd:lr=0.3",
        "--grid",
        "8",
        "--steps",
        "50",
    ]);
    assert!(out.contains("64 runs"), "{out}");
}

#[test]
fn landscape_writes_the_slice_and_the_vectors() {
    let csv = temp("slice.csv");
    let json = temp("slice.json");
    let out = ok(&[
        "landscape",
        "--dataset",
        "moons",
        "--points",
        "60",
        "--net",
        "2-5-1",
        "--train",
        "adam:lr=0.05",
        "--train-steps",
        "100",
        "--seed",
        "2",
        "--grid",
        "5",
        "--span",
        "0.5",
        "--out",
        csv.to_str().unwrap(),
        "--save",
        json.to_str().unwrap(),
    ]);
    assert!(out.contains("loss"), "{out}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let vec = |k: &str| -> Vec<f64> {
        saved[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
    };
    // The same training in the library: θ₀ from the seed, the same θ, and the CSV's centre is
    // the trained loss.
    let rows = Dataset::Moons.generate(60, Dataset::Moons.default_noise(), 2);
    let net = Network::new(Architecture::parse("2-5-1").unwrap(), rows, 0.0).unwrap();
    let theta0 = net.architecture().init(2);
    assert_eq!(vec("theta0"), theta0);
    let run =
        net::train(&net, &theta0, OptimizerSpec::parse("adam:lr=0.05").unwrap(), 100, None, None)
            .unwrap();
    assert_eq!(vec("theta"), run.theta);
    assert_eq!(vec("delta").len(), net.n_params());
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("alpha,beta,loss"));
    let rows: Vec<Vec<f64>> =
        lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 25);
    let centre = rows.iter().find(|r| r[0] == 0.0 && r[1] == 0.0).unwrap();
    assert_eq!(centre[2], *run.losses.last().unwrap());
    // Each row is L(θ + αδ + βη).
    let (delta, eta) = (vec("delta"), vec("eta"));
    for r in &rows {
        let p: Vec<f64> =
            (0..net.n_params()).map(|i| run.theta[i] + r[0] * delta[i] + r[1] * eta[i]).collect();
        assert!((net.loss(&p) - r[2]).abs() < 1e-12 * r[2].max(1.0));
    }

    let png = temp("slice.png");
    ok(&[
        "landscape",
        "--dataset",
        "xor",
        "--points",
        "40",
        "--net",
        "2-4-1",
        "--train-steps",
        "50",
        "--grid",
        "5",
        "--directions",
        "init",
        "--out",
        png.to_str().unwrap(),
        "--size",
        "400x360",
    ]);
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
}

#[test]
fn interpolate_writes_the_line() {
    let csv = temp("line.csv");
    ok(&[
        "interpolate",
        "--dataset",
        "circles",
        "--points",
        "40",
        "--net",
        "2-4-1",
        "--train-steps",
        "60",
        "--grid",
        "21",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("alpha,loss"));
    let rows: Vec<Vec<f64>> =
        lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 21);
    assert_eq!((rows[0][0], rows[20][0]), (-0.5, 1.5));
    let png = temp("line.png");
    ok(&[
        "interpolate",
        "--dataset",
        "circles",
        "--points",
        "40",
        "--net",
        "2-4-1",
        "--train-steps",
        "60",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
}

#[test]
fn network_errors_are_clear() {
    let err = fails(&["landscape", "--dataset", "moons", "--net", "3-4-1", "--out", "x.png"]);
    assert!(err.contains("--net '3-4-1'"), "{err}");
    let err = fails(&["landscape", "--dataset", "linear", "--out", "x.png"]);
    assert!(err.contains("moons, circles, xor, spirals"), "{err}");
    let err =
        fails(&["landscape", "--dataset", "moons", "--train", "adam:lr=-1", "--out", "x.png"]);
    assert!(err.contains("--train"), "{err}");
    let err = fails(&["interpolate", "--dataset", "moons", "--out", "x.txt"]);
    assert!(err.contains(".png or .csv"), "{err}");
    let bad = temp("net.csv");
    std::fs::write(&bad, "x1,x2,label\n0,0,1\n1,1,2\n").unwrap();
    let err = fails(&["landscape", "--data", bad.to_str().unwrap(), "--out", "x.png"]);
    assert!(err.contains("net.csv: line 3, column 3"), "{err}");
}
