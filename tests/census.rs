//! The saddle census: every accepted point is a critical point (gradient recomputed
//! independently), the Hessian is the derivative of the gradient, the index counts negative
//! eigenvalues, the deep-linear model has no minimum above its global loss, and the census is
//! seeded and reproducible.

use std::process::{Command, Output};

use losscape::sim::census::{
    self, Census, CensusSettings, GRAD_TOL, Objective, Planar, Start, StartKind,
};
use losscape::sim::data::Dataset;
use losscape::sim::model::{Model, ModelKind};
use losscape::sim::net::{Architecture, Network};
use losscape::sim::progress::Progress;
use nalgebra::SymmetricEigen;

fn moons_net(points: usize, width: usize) -> Network {
    let rows = Dataset::Moons.generate(points, 0.1, 3);
    Network::new(Architecture::parse(&format!("2-{width}-1")).unwrap(), rows, 1e-3).unwrap()
}

fn small_census(seed: u64) -> (Network, Census) {
    let net = moons_net(30, 4);
    let c =
        census::network_census(&net, &CensusSettings::new(24, seed), &Progress::default()).unwrap();
    (net, c)
}

#[test]
fn every_accepted_point_is_critical_and_its_index_counts_negative_eigenvalues() {
    let (net, c) = small_census(3);
    assert_eq!(c.searches, 24);
    assert_eq!(c.accepted + c.rejected, c.searches);
    assert_eq!(c.rejected, c.rejected_grad_norms.len());
    assert!(c.rejected_grad_norms.iter().all(|g| g.is_nan() || *g >= GRAD_TOL));
    assert!(c.points.len() >= 2, "too few points: {}", c.points.len());
    let n = net.n_params();
    for p in &c.points {
        // Recomputed by the network itself, not the census.
        let g = net.gradient(&p.theta);
        let gn = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!(gn < 1e-8, "‖∇L‖ = {gn} at an accepted point");
        assert!((net.loss(&p.theta) - p.loss).abs() < 1e-12);
        // Eigenvalues of the network's own Hessian.
        let mut eig: Vec<f64> =
            SymmetricEigen::new(net.hessian(&p.theta)).eigenvalues.iter().copied().collect();
        eig.sort_by(f64::total_cmp);
        let radius = eig.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let negative = eig.iter().filter(|&&v| v < -1e-9 * radius.max(1.0)).count();
        assert_eq!(p.negative, negative);
        assert_eq!(p.index, negative as f64 / n as f64);
        assert_eq!(p.is_minimum(), negative == 0);
        assert!((p.min_eig() - eig[0]).abs() < 1e-9 * radius.max(1.0));
        assert!((p.max_eig() - eig[n - 1]).abs() < 1e-9 * radius.max(1.0));
    }
    assert_eq!(c.minima() + c.saddles(), c.points.len());
    // Distinct: no two kept points share loss and spectrum.
    for (i, a) in c.points.iter().enumerate() {
        for b in &c.points[i + 1..] {
            assert!(!census::same_point(a, b));
        }
    }
}

#[test]
fn the_hessian_is_the_derivative_of_the_gradient() {
    let net = moons_net(20, 3);
    let theta = net.architecture().init(5);
    let h = Objective::hessian(&net, &theta);
    let n = theta.len();
    let eps = 1e-5;
    for j in 0..n {
        let (mut p, mut m) = (theta.clone(), theta.clone());
        p[j] += eps;
        m[j] -= eps;
        let (gp, gm) = (net.gradient(&p), net.gradient(&m));
        for i in 0..n {
            let fd = (gp[i] - gm[i]) / (2.0 * eps);
            assert!((fd - h[(i, j)]).abs() < 1e-6, "H[{i},{j}] = {} vs {fd}", h[(i, j)]);
        }
    }
}

#[test]
fn a_symmetric_copy_is_the_same_point() {
    // Swap the two hidden units and flip the sign of one: the loss and spectrum are unchanged,
    // so the census counts the copy once.
    let (net, c) = small_census(3);
    let p = &c.points[0];
    let h = 4;
    let mut q = p.theta.clone();
    // Layer 1: weight 4×2 at 0, bias at 8; layer 2: weight 1×4 at 12, bias at 16.
    for k in 0..2 {
        q.swap(k, 2 + k);
    }
    q.swap(8, 9);
    q.swap(12, 13);
    for idx in [4, 5, 10, 14] {
        q[idx] = -q[idx];
    }
    assert_eq!(q.len(), 2 * h + h + h + 1);
    let copy = census::search(
        &net,
        &[Start { theta: q.clone(), kind: StartKind::Given }],
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(copy.points.len(), 1);
    assert!((copy.points[0].loss - p.loss).abs() < 1e-12);
    assert!(census::same_point(&copy.points[0], p));
}

#[test]
fn the_census_is_seeded_and_reproducible() {
    let (_, a) = small_census(7);
    let (_, b) = small_census(7);
    assert_eq!(a, b);
    let (_, c) = small_census(8);
    assert_ne!(a.points, c.points);
}

#[test]
fn deep_linear_has_no_minimum_above_the_global_loss() {
    // L(x, y) = 1/(2n)·Σ (x·y·t − u)²: every critical point is a global minimum (x·y = c* the
    // least-squares slope) or the saddle at 0 (Baldi & Hornik 1989; Kawaguchi 2016).
    let model = Model::on_dataset(ModelKind::DeepLinear, Dataset::Linear, 60, 0.3, 1).unwrap();
    let rows = model.rows().to_vec();
    let n = rows.len() as f64;
    let stt: f64 = rows.iter().map(|r| r[0] * r[0]).sum();
    let stu: f64 = rows.iter().map(|r| r[0] * r[1]).sum();
    let c = stu / stt;
    let global: f64 = rows.iter().map(|r| (c * r[0] - r[1]).powi(2)).sum::<f64>() / (2.0 * n);
    let at_zero: f64 = rows.iter().map(|r| r[1] * r[1]).sum::<f64>() / (2.0 * n);
    let obj = Planar(model);
    let starts: Vec<Start> = (0..60)
        .map(|i| {
            let a = i as f64 * 0.7;
            let r = 0.05 + 3.0 * (i as f64 / 60.0);
            Start { theta: vec![r * a.cos(), r * a.sin()], kind: StartKind::Given }
        })
        .collect();
    let census = census::search(&obj, &starts, &Progress::default()).unwrap();
    assert!(census.minima() >= 1 && census.saddles() == 1, "{census:?}");
    for p in &census.points {
        if p.is_minimum() {
            assert!(
                p.loss <= global + 1e-9 * global.max(1.0),
                "a minimum at {} > {global}",
                p.loss
            );
        } else {
            assert!((p.loss - at_zero).abs() < 1e-9, "a saddle away from 0: {p:?}");
            assert_eq!(p.negative, 1);
        }
    }
}

#[test]
fn cancelling_stops_the_census() {
    let net = moons_net(30, 4);
    let progress = Progress::default();
    progress.cancel();
    assert!(census::network_census(&net, &CensusSettings::new(10, 0), &progress).is_err());
}

fn losscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs")
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("losscape-census-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn census_command_finds_minima_and_saddles_on_moons() {
    let (csv, params, png) = (temp("c.csv"), temp("p.csv"), temp("c.png"));
    let args = [
        "census",
        "--dataset",
        "moons",
        "--points",
        "40",
        "--net",
        "2-6-1",
        "--weight-decay",
        "0.001",
        "--starts",
        "80",
        "--seed",
        "3",
        "--out",
        csv.to_str().unwrap(),
        "--params-out",
        params.to_str().unwrap(),
    ];
    let o = losscape(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("rejected"), "{stdout}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("loss,index,negative,grad_norm,min_eig,max_eig"));
    let rows: Vec<Vec<f64>> =
        lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert!(rows.len() >= 10, "{} critical points: {stdout}", rows.len());
    assert!(rows.iter().any(|r| r[2] == 0.0), "no minimum");
    assert!(rows.iter().filter(|r| r[2] > 0.0).count() >= 3, "fewer than 3 saddles");
    // Recompute each point's gradient from its parameters.
    let net = moons_net_cli();
    let ptext = std::fs::read_to_string(&params).unwrap();
    let prow: Vec<Vec<f64>> =
        ptext.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(prow.len(), rows.len());
    for (p, r) in prow.iter().zip(&rows) {
        assert_eq!(p.len(), 25);
        let g = net.gradient(p);
        assert!(g.iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-8);
        assert!((net.loss(p) - r[0]).abs() < 1e-12);
        assert_eq!(r[1], r[2] / 25.0);
    }
    let mut png_args = args[..9].to_vec();
    png_args.extend(["--starts", "6", "--seed", "3", "--out", png.to_str().unwrap()]);
    let o = losscape(&png_args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}

fn moons_net_cli() -> Network {
    let rows = Dataset::Moons.generate(40, Dataset::Moons.default_noise(), 3);
    Network::new(Architecture::parse("2-6-1").unwrap(), rows, 1e-3).unwrap()
}

#[test]
fn bad_census_flags_are_clear_errors() {
    for (args, want) in [
        (vec!["census", "--dataset", "moons", "--net", "2-x-1", "--starts", "5"], "--net"),
        (vec!["census", "--dataset", "moons", "--net", "2-4-1", "--starts", "0"], "--starts"),
        (vec!["census", "--dataset", "nope", "--net", "2-4-1", "--starts", "5"], "nope"),
        (
            vec![
                "census",
                "--dataset",
                "moons",
                "--net",
                "2-4-1",
                "--starts",
                "5",
                "--out",
                "a.txt",
            ],
            "a.txt",
        ),
        (
            vec![
                "census",
                "--dataset",
                "moons",
                "--net",
                "2-4-1",
                "--weight-decay",
                "-1",
                "--starts",
                "5",
            ],
            "weight",
        ),
        (
            vec!["census", "--data", "/nonexistent.csv", "--net", "2-4-1", "--starts", "5"],
            "nonexistent",
        ),
    ] {
        let o = losscape(&args);
        assert!(!o.status.success(), "{args:?} should fail");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
