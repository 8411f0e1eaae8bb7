//! `--net D-H[-H…]-K` on the command line, run as a real process: `landscape` and
//! `interpolate` on the digits (64 features, 10 classes), `census` of a 3-input network read
//! from a CSV file, each held to the library's own computation, and clear errors for data that
//! do not fit the network.

mod common;

use common::cli::ok;
use std::path::PathBuf;

use losscape::sim::OptimizerSpec;
use losscape::sim::net::objective::{count_negative, sorted_eigenvalues};
use losscape::sim::net::spectrum::{Labelled, digits};
use losscape::sim::net::{self, Architecture, Network};
use nalgebra::DMatrix;

/// A clear failure: exit code 1 and an `error: ` message, never a panic.
fn fails(args: &[&str]) -> String {
    let (code, err) = common::cli::failure(args);
    assert_eq!(code, Some(1), "{args:?} should fail with code 1");
    assert!(err.starts_with("error: "), "{err}");
    err
}

fn temp(name: &str) -> PathBuf {
    common::cli::temp("cli-net-dk", name)
}

fn csv_rows(path: &PathBuf) -> (String, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_owned();
    let rows = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    (header, rows)
}

/// The digits network of the tests, trained in the library as the command line trains it.
fn digits_run(steps: usize) -> (Network, net::Training) {
    let net = Network::on(Architecture::parse("64-8-10").unwrap(), digits(), 0.0).unwrap();
    let theta0 = net.architecture().init(3);
    let spec = OptimizerSpec::parse("adam:lr=0.02").unwrap();
    let run = net::train(&net, &theta0, spec, steps, None, None).unwrap();
    (net, run)
}

#[test]
fn landscape_and_interpolate_run_a_softmax_network_on_the_digits() {
    let (csv, json, png, line) =
        (temp("digits.csv"), temp("digits.json"), temp("digits.png"), temp("line.csv"));
    let common = ["--dataset", "digits", "--net", "64-8-10", "--train", "adam:lr=0.02"];
    let steps = ["--train-steps", "4", "--seed", "3"];
    let mut args = vec!["landscape"];
    args.extend(common);
    args.extend(steps);
    args.extend(["--grid", "3", "--span", "0.5", "--out", csv.to_str().unwrap()]);
    args.extend(["--save", json.to_str().unwrap()]);
    let out = ok(&args);
    assert!(
        out.contains(
            "trained 64-8-10 (610 parameters) on digits (1797 rows, 64 features, 10 classes)"
        ),
        "{out}"
    );
    assert!(out.contains("accuracy"), "{out}");
    let (net, run) = digits_run(4);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let vec = |k: &str| -> Vec<f64> {
        saved[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
    };
    assert_eq!(vec("theta0"), run.theta0);
    assert_eq!(vec("theta"), run.theta);
    let (header, rows) = csv_rows(&csv);
    assert_eq!(header, "alpha,beta,loss");
    assert_eq!(rows.len(), 9);
    let (delta, eta) = (vec("delta"), vec("eta"));
    for r in &rows {
        let p: Vec<f64> =
            (0..net.n_params()).map(|i| run.theta[i] + r[0] * delta[i] + r[1] * eta[i]).collect();
        assert!((net.loss(&p) - r[2]).abs() < 1e-12 * r[2].max(1.0), "{r:?}");
    }
    let centre = rows.iter().find(|r| r[0] == 0.0 && r[1] == 0.0).unwrap();
    assert!((centre[2] - run.losses[4]).abs() < 1e-12 * run.losses[4]);

    // The figure: the slice and the path, no error about the data not being 2-D.
    let mut args = vec!["landscape"];
    args.extend(common);
    args.extend(["--train-steps", "2", "--grid", "3", "--size", "400x360"]);
    args.extend(["--out", png.to_str().unwrap()]);
    ok(&args);
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);

    let mut args = vec!["interpolate"];
    args.extend(common);
    args.extend(steps);
    args.extend(["--grid", "5", "--out", line.to_str().unwrap()]);
    ok(&args);
    let (header, rows) = csv_rows(&line);
    assert_eq!(header, "alpha,loss");
    assert_eq!(rows.iter().map(|r| r[0]).collect::<Vec<_>>(), [-0.5, 0.0, 0.5, 1.0, 1.5]);
    assert!((rows[1][1] - run.losses[0]).abs() < 1e-14 * run.losses[0], "α = 0 is θ₀");
    assert!((rows[3][1] - run.losses[4]).abs() < 1e-14 * run.losses[4], "α = 1 is θ");
}

/// 30 rows of three features, the label 1 where x1 + x2 − x3 > 0 (with a few flipped).
fn three_d_rows() -> Vec<[f64; 4]> {
    (0..30)
        .map(|i| {
            let f = |k: usize| ((i * (7 + 3 * k) + 5 * k) % 17) as f64 / 8.0 - 1.0;
            let (a, b, c) = (f(0), f(1), f(2));
            let label = usize::from(a + b - c > 0.0) ^ usize::from(i % 9 == 4);
            [a, b, c, label as f64]
        })
        .collect()
}

fn write_rows(path: &PathBuf, rows: &[[f64; 4]]) {
    let mut text = String::from("x1,x2,x3,label\n");
    for r in rows {
        text.push_str(&format!("{:?},{:?},{:?},{}\n", r[0], r[1], r[2], r[3]));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_census_of_a_three_input_softmax_network_from_a_csv_file() {
    let (data, out, params) = (temp("small.csv"), temp("census.csv"), temp("params.csv"));
    let rows = three_d_rows();
    write_rows(&data, &rows);
    let stdout = ok(&[
        "census",
        "--data",
        data.to_str().unwrap(),
        "--net",
        "3-4-2",
        "--starts",
        "6",
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--params-out",
        params.to_str().unwrap(),
    ]);
    assert!(stdout.contains("census of 3-4-2 (26 parameters)"), "{stdout}");
    // The library's network on the same rows (the census's weight decay, 1e-3).
    let x = DMatrix::from_fn(rows.len(), 3, |i, j| rows[i][j]);
    let labels = rows.iter().map(|r| r[3] as usize).collect();
    let net =
        Network::on(Architecture::parse("3-4-2").unwrap(), Labelled::new(x, labels).unwrap(), 1e-3)
            .unwrap();
    let (header, points) = csv_rows(&out);
    assert_eq!(header, "loss,index,negative,grad_norm,min_eig,max_eig");
    let (_, thetas) = csv_rows(&params);
    assert!(!points.is_empty(), "the census found critical points");
    assert_eq!(points.len(), thetas.len());
    for (p, theta) in points.iter().zip(&thetas) {
        assert_eq!(theta.len(), 26);
        let g = net.gradient(theta);
        assert!(g.iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-8, "not critical: {p:?}");
        assert!((net.loss(theta) - p[0]).abs() <= 1e-12 * p[0].abs().max(1.0), "{p:?}");
        let negative = count_negative(&sorted_eigenvalues(net.hessian(theta)));
        assert_eq!(negative as f64, p[2], "{p:?}");
        assert_eq!(p[1], negative as f64 / 26.0);
    }
}

#[test]
fn data_that_do_not_fit_the_network_are_clear_errors() {
    let bad_label = temp("label.csv");
    std::fs::write(&bad_label, "x1,x2,x3,label\n0,0,0,1\n1,0.5,1,0\n1,1,1,2\n").unwrap();
    let err = fails(&[
        "census",
        "--data",
        bad_label.to_str().unwrap(),
        "--net",
        "3-4-2",
        "--starts",
        "3",
    ]);
    assert!(
        err.contains("label.csv: line 4, column 4: the label must be 0 to 1 (2 outputs), got '2'"),
        "{err}"
    );
    // The same file fits three classes, but not a net of four inputs.
    let err = fails(&[
        "landscape",
        "--data",
        bad_label.to_str().unwrap(),
        "--net",
        "4-4-3",
        "--out",
        "x.csv",
    ]);
    assert!(err.contains("--net '4-4-3': the network takes 4 features, but"), "{err}");
    assert!(err.contains("label.csv (3 rows, 3 features, 3 classes) has 3"), "{err}");
    // A spare output is as likely a mistake as a missing one.
    let err = fails(&[
        "landscape",
        "--data",
        bad_label.to_str().unwrap(),
        "--net",
        "3-4-4",
        "--out",
        "x.csv",
    ]);
    assert!(err.contains("the network has 4 outputs, but") && err.contains("must be 3"), "{err}");
    let short_row = temp("short.csv");
    std::fs::write(&short_row, "x1,x2,x3,label\n0,0,0,1\n1,1,0\n").unwrap();
    let err = fails(&[
        "interpolate",
        "--data",
        short_row.to_str().unwrap(),
        "--net",
        "3-4-2",
        "--out",
        "x.csv",
    ]);
    assert!(err.contains("short.csv: line 3: 3 fields, but the first line has 4"), "{err}");
    let err = fails(&["landscape", "--dataset", "moons", "--net", "3-4-2", "--out", "x.csv"]);
    assert!(
        err.contains("--net '3-4-2': the network takes 3 features, but moons (200 points) has 2"),
        "{err}"
    );
    let err = fails(&["landscape", "--dataset", "digits", "--net", "64-8-1", "--out", "x.csv"]);
    assert!(
        err.contains("--dataset digits has 64 features and 10 classes, but --net '64-8-1'"),
        "{err}"
    );
    let err = fails(&[
        "landscape",
        "--dataset",
        "digits",
        "--net",
        "64-8-10",
        "--points",
        "9",
        "--out",
        "x.csv",
    ]);
    assert!(err.contains("the digits are 1797 fixed images"), "{err}");
    // The census needs the whole Hessian: at most 400 parameters.
    let err = fails(&["census", "--dataset", "digits", "--net", "64-8-10", "--starts", "2"]);
    assert!(err.contains("--net 64-8-10: 610 parameters: a census takes at most 400"), "{err}");
    let err = fails(&["census", "--dataset", "moons", "--net", "2-4-0", "--starts", "2"]);
    assert!(err.contains("--net '2-4-0'"), "{err}");
}
