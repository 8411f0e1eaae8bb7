//! The saddle census: every accepted point is a critical point (gradient recomputed
//! independently), the Hessian is the derivative of the gradient, the index counts negative
//! eigenvalues, the deep-linear model has no minimum above its global loss, and the census is
//! seeded and reproducible; the figure read back (a dot per point at its index, histograms
//! that add up to n), the semicircle against a GOE spectrum, the command line with one and two
//! networks, and the Census window in the app.

mod common;

use common::cli::losscape;

use losscape::app::panels::census::CensusInputs;
use losscape::figure::census::{Column, census_svg};
use losscape::sim::net::census::{self, Census, CensusSettings, GRAD_TOL, Start, StartKind};
use losscape::sim::net::census_steps::network_census;
use losscape::sim::net::data::{Columns, Dataset};
use losscape::sim::net::histogram::{Histogram, Semicircle};
use losscape::sim::net::model::{Model, ModelKind};
use losscape::sim::net::objective::{Objective, Planar, sorted_eigenvalues};
use losscape::sim::net::{Architecture, Network};
use losscape::sim::run::progress::Progress;
use nalgebra::SymmetricEigen;

fn moons_net(points: usize, width: usize) -> Network {
    let rows = Dataset::Moons.generate(points, 0.1, 3);
    Network::new(Architecture::parse(&format!("2-{width}-1")).unwrap(), rows, 1e-3).unwrap()
}

fn small_census(seed: u64) -> (Network, Census) {
    let net = moons_net(30, 4);
    let c = network_census(&net, &CensusSettings::new(24, seed), &Progress::default()).unwrap();
    (net, c)
}

#[test]
fn every_accepted_point_is_critical_and_its_index_counts_negative_eigenvalues() {
    let (net, c) = small_census(3);
    // 24 searches for critical points of any index, then the descents to minima: each one
    // counted once, accepted or rejected (searches() = accepted + rejected()).
    assert_eq!(c.searches(), 24 + c.descents);
    assert!(c.descents >= 12, "one descent per training path at least: {}", c.descents);
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

/// The census: noisy two moons, 40 points, 2-6-1, weight decay 1e-3, 80 starts. The
/// searches for critical points of any index found saddles only; the descents find the minima
/// beside them. Every point is re-checked: ‖∇L‖ ≤ 1e-6 from the network's own gradient, and
/// the same number of negative eigenvalues by an independent Hessian (central differences of
/// the gradient).
#[test]
fn the_census_finds_minima_and_saddles_and_pairs_a_stuck_saddle_with_its_minimum() {
    let rows = Dataset::Moons.generate(40, Dataset::Moons.default_noise(), 3);
    let net = Network::new(Architecture::parse("2-6-1").unwrap(), rows, 1e-3).unwrap();
    let c = network_census(&net, &CensusSettings::new(80, 3), &Progress::default()).unwrap();
    assert!(c.minima() >= 1, "no minimum: {} saddles", c.saddles());
    assert!(c.saddles() >= 3, "{} saddles", c.saddles());
    let n = net.n_params();
    for p in &c.points {
        let g = net.gradient(&p.theta);
        assert!(g.iter().map(|v| v * v).sum::<f64>().sqrt() <= 1e-6);
        let h = 1e-5;
        let mut fd = nalgebra::DMatrix::<f64>::zeros(n, n);
        for j in 0..n {
            let (mut a, mut b) = (p.theta.clone(), p.theta.clone());
            a[j] += h;
            b[j] -= h;
            let (ga, gb) = (net.gradient(&a), net.gradient(&b));
            for i in 0..n {
                fd[(i, j)] = (ga[i] - gb[i]) / (2.0 * h);
            }
        }
        let fd = 0.5 * (&fd + fd.transpose());
        let eig = SymmetricEigen::new(fd).eigenvalues;
        let radius = eig.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        // Central differences are good to ~1e-9 here: count what is clearly negative, and
        // require nothing between −1e-7 and −1e-9·radius that could go either way.
        let negative = eig.iter().filter(|&&v| v < -1e-7 * radius.max(1.0)).count();
        let unsure = eig
            .iter()
            .filter(|&&v| v < -1e-9 * radius.max(1.0) && v >= -1e-7 * radius.max(1.0))
            .count();
        if unsure == 0 {
            assert_eq!(p.negative, negative, "at loss {}: {:?}", p.loss, p.eigenvalues);
        }
    }
    // Each pair: a saddle whose descent reached a minimum a little below it.
    for pair in &c.pairs {
        let (s, m) = (&c.points[pair.saddle], &c.points[pair.minimum]);
        assert!(!s.is_minimum() && m.is_minimum());
        assert!(m.loss < s.loss && s.loss - m.loss <= census::NEAR_MINIMUM * s.loss);
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
    assert!(network_census(&net, &CensusSettings::new(10, 0), &progress).is_err());
}

fn temp(name: &str) -> std::path::PathBuf {
    common::cli::temp("census", name)
}

#[test]
fn census_command_finds_minima_and_saddles_on_a_40_point_data_file() {
    let (data, csv, params, png, svg) =
        (temp("d.csv"), temp("c.csv"), temp("p.csv"), temp("c.png"), temp("c.svg"));
    let rows = Dataset::Moons.generate(40, Dataset::Moons.default_noise(), 3);
    std::fs::write(&data, losscape::sim::net::data::to_csv(&rows, Columns::X1X2Label)).unwrap();
    let args = [
        "census",
        "--data",
        data.to_str().unwrap(),
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
    // The figure, as PNG and SVG at once.
    let mut fig_args = args[..7].to_vec();
    fig_args.extend([
        "--starts",
        "6",
        "--seed",
        "3",
        "--out",
        png.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
    ]);
    let o = losscape(&fig_args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let text = std::fs::read_to_string(&svg).unwrap();
    roxmltree::Document::parse(&text).expect("the SVG parses");
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

#[test]
fn two_networks_side_by_side_on_the_command_line() {
    let (csv, params, svg) = (temp("two.csv"), temp("two-p.csv"), temp("two.svg"));
    let o = losscape(&[
        "census",
        "--dataset",
        "moons",
        "--points",
        "30",
        "--net",
        "2-3-1,2-5-1",
        "--starts",
        "12",
        "--seed",
        "1",
        "--out",
        csv.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
        "--params-out",
        params.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("census of 2-3-1 (13 parameters)"), "{stdout}");
    assert!(stdout.contains("census of 2-5-1 (21 parameters)"), "{stdout}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("net,loss,index,negative,grad_norm,min_eig,max_eig\n"));
    let ptext = std::fs::read_to_string(&params).unwrap();
    let header: Vec<&str> = ptext.lines().next().unwrap().split(',').collect();
    assert_eq!(header.len(), 1 + 21);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    let prows: Vec<&str> = ptext.lines().skip(1).collect();
    assert_eq!(rows.len(), prows.len());
    for arch in ["2-3-1", "2-5-1"] {
        assert!(rows.iter().any(|r| r.starts_with(&format!("{arch},"))), "no {arch} row");
    }
    for (r, p) in rows.iter().zip(&prows) {
        let net_name = r.split(',').next().unwrap();
        assert!(p.starts_with(&format!("{net_name},")));
        // Each row holds that network's parameters, then empty cells.
        let cells: Vec<&str> = p.split(',').skip(1).collect();
        let filled = cells.iter().filter(|c| !c.is_empty()).count();
        let n = if net_name == "2-3-1" { 13 } else { 21 };
        assert_eq!((cells.len(), filled), (21, n));
        let theta: Vec<f64> = cells[..n].iter().map(|c| c.parse().unwrap()).collect();
        let rows = Dataset::Moons.generate(30, Dataset::Moons.default_noise(), 1);
        let net = Network::new(Architecture::parse(net_name).unwrap(), rows, 1e-3).unwrap();
        let g = net.gradient(&theta);
        assert!(g.iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-8);
    }
    let doc = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&doc).unwrap();
    let columns: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("census-column"))
        .filter_map(|n| n.attribute("data-net"))
        .collect();
    assert_eq!(columns, ["2-3-1", "2-5-1"]);
}

#[test]
fn bad_multi_network_flags_are_clear_errors() {
    for (args, want) in [
        (
            vec![
                "census",
                "--dataset",
                "moons",
                "--net",
                "2-3-1,2-3-1,2-3-1,2-3-1,2-3-1",
                "--starts",
                "5",
            ],
            "at most 4",
        ),
        (vec!["census", "--dataset", "moons", "--net", "2-3-1,2-y-1", "--starts", "5"], "2-y-1"),
        (
            vec!["census", "--dataset", "moons", "--net", "2-64-64-1", "--starts", "5"],
            "at most 400",
        ),
        (
            vec![
                "census",
                "--dataset",
                "moons",
                "--net",
                "2-3-1",
                "--starts",
                "5",
                "--params-out",
                "p.txt",
            ],
            "--params-out p.txt",
        ),
        (
            vec![
                "census",
                "--dataset",
                "moons",
                "--net",
                "2-3-1",
                "--starts",
                "5",
                "--out",
                "a.csv",
                "--out",
                "b.gif",
            ],
            "b.gif",
        ),
    ] {
        let o = losscape(&args);
        assert!(!o.status.success(), "{args:?} should fail");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

/// The figure read back: one dot per critical point in each network's column, each dot's
/// horizontal position (read through the index axis's own tick labels) at the count of negative
/// eigenvalues of the network's own Hessian over n; each histogram's bars add up to the number
/// of parameters, with heights proportional to their counts.
#[test]
fn the_census_figure_shows_every_point_at_its_index_and_whole_spectra() {
    let nets = [moons_net(30, 3), moons_net(30, 5)];
    let censuses: Vec<Census> = nets
        .iter()
        .map(|net| network_census(net, &CensusSettings::new(24, 2), &Progress::default()).unwrap())
        .collect();
    let names = ["2-3-1", "2-5-1"];
    let columns: Vec<Column<'_>> =
        names.iter().zip(&censuses).map(|(arch, census)| Column { arch, census }).collect();
    let svg = census_svg(&columns, "moons (30 points)", (1600, 860));
    let doc = roxmltree::Document::parse(&svg).expect("the SVG parses");
    let groups: Vec<roxmltree::Node<'_, '_>> =
        doc.descendants().filter(|n| n.attribute("class") == Some("census-column")).collect();
    assert_eq!(groups.len(), 2);
    let num =
        |n: &roxmltree::Node<'_, '_>, a: &str| -> f64 { n.attribute(a).unwrap().parse().unwrap() };
    for ((group, net), c) in groups.iter().zip(&nets).zip(&censuses) {
        assert!(!c.points.is_empty());
        let n = net.n_params();
        // The index axis from its tick labels: x = x0 + k·index.
        let ticks: Vec<(f64, f64)> = group
            .descendants()
            .filter(|t| t.attribute("class") == Some("index-tick"))
            .map(|t| (t.text().unwrap().parse::<f64>().unwrap(), num(&t, "x")))
            .collect();
        assert!(ticks.len() >= 2);
        let (a, b) = (ticks[0], ticks[ticks.len() - 1]);
        let to_index = |x: f64| a.0 + (x - a.1) * (b.0 - a.0) / (b.1 - a.1);
        let mut drawn: Vec<f64> = group
            .descendants()
            .filter(|d| d.attribute("class") == Some("critical"))
            .map(|d| to_index(num(&d, "cx")))
            .collect();
        assert_eq!(drawn.len(), c.points.len(), "a dot per critical point");
        let mut expected: Vec<f64> = c
            .points
            .iter()
            .map(|p| {
                let eig = SymmetricEigen::new(net.hessian(&p.theta)).eigenvalues;
                let radius = eig.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
                eig.iter().filter(|&&v| v < -1e-9 * radius.max(1.0)).count() as f64 / n as f64
            })
            .collect();
        drawn.sort_by(f64::total_cmp);
        expected.sort_by(f64::total_cmp);
        for (d, e) in drawn.iter().zip(&expected) {
            assert!((d - e).abs() < 1e-3, "a dot at index {d}, expected {e}");
        }
        let hists: Vec<roxmltree::Node<'_, '_>> =
            group.descendants().filter(|h| h.attribute("class") == Some("histogram")).collect();
        assert_eq!(hists.len(), 2);
        // A is the lowest-loss point, B the highest; the bars left of zero are their negative
        // eigenvalues, counted from the network's own Hessian.
        let by_loss = |best: std::cmp::Ordering| {
            c.points
                .iter()
                .reduce(|a, b| if b.loss.total_cmp(&a.loss) == best { b } else { a })
                .unwrap()
        };
        let ab = [by_loss(std::cmp::Ordering::Less), by_loss(std::cmp::Ordering::Greater)];
        for (h, p) in hists.into_iter().zip(ab) {
            assert_eq!(num(&h, "data-loss"), p.loss);
            let eig = SymmetricEigen::new(net.hessian(&p.theta)).eigenvalues;
            let radius = eig.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let negative = eig.iter().filter(|&&v| v < -1e-9 * radius.max(1.0)).count() as f64;
            let bars: Vec<(f64, f64, f64)> = h
                .descendants()
                .filter(|r| r.attribute("class") == Some("bar"))
                .map(|r| (num(&r, "data-count"), num(&r, "height"), num(&r, "data-below-zero")))
                .collect();
            assert_eq!(bars.iter().map(|b| b.0).sum::<f64>(), n as f64, "counts add up to n");
            let below: f64 = bars.iter().filter(|b| b.2 == 1.0).map(|b| b.0).sum();
            assert_eq!(below, negative, "the bars left of zero are the negative eigenvalues");
            let per = bars[0].1 / bars[0].0;
            assert!(bars.iter().all(|(c, ht, _)| (ht - c * per).abs() < 0.01), "{bars:?}");
        }
        assert_eq!(
            group.descendants().filter(|s| s.attribute("class") == Some("semicircle")).count(),
            2
        );
    }
    // The PNG painter takes the same SVG.
    assert!(losscape::figure::raster::rasterize_svg(&svg, 1.0).is_ok());
}

#[test]
fn a_histogram_counts_every_value_in_range_once() {
    let values = [-1.0, -0.5, 0.0, 0.25, 0.999, 1.0, f64::NAN, 7.0];
    let h = Histogram::new(&values, -1.0, 1.0, 4);
    // Bins [-1,-0.5), [-0.5,0), [0,0.5), [0.5,1]: the right edge goes in the last bin, 7 and
    // NaN nowhere.
    assert_eq!(h.counts, [1, 1, 2, 2]);
    assert_eq!(h.hi(), 1.0);
    assert_eq!(h.centre(0), -0.75);
    // A degenerate range still counts the values on it.
    assert_eq!(Histogram::new(&[2.0, 2.0], 2.0, 2.0, 3).counts.iter().sum::<usize>(), 2);
}

/// The semicircle is a probability density whose distribution function is its integral, and
/// fitted to a large GOE matrix's spectrum it is the one theory predicts: centre 0, radius
/// 2σ√n with σ² = ½ the off-diagonal variance of (A + Aᵀ)/2, and the histogram follows it.
#[test]
fn the_semicircle_fits_a_goe_spectrum_as_wigner_predicts() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let sc = Semicircle { centre: 1.0, radius: 2.0 };
    let steps = 20_000;
    let (a, b) = (-1.5, 3.5);
    let dx = (b - a) / steps as f64;
    let mut integral = 0.0;
    for k in 0..steps {
        let x = a + (k as f64 + 0.5) * dx;
        integral += sc.density(x) * dx;
        if k % 2000 == 0 {
            assert!((integral - sc.cdf(x + 0.5 * dx)).abs() < 1e-6);
        }
    }
    assert!((integral - 1.0).abs() < 1e-6);
    assert!((sc.cdf(1.0) - 0.5).abs() < 1e-15);
    assert_eq!(sc.predicted_index(), sc.cdf(0.0));
    let n = 400;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let m = nalgebra::DMatrix::<f64>::from_fn(n, n, |_, _| StandardNormal.sample(&mut rng));
    let goe = (&m + m.transpose()) * 0.5;
    let eig = sorted_eigenvalues(goe);
    let fit = Semicircle::fit(&eig).unwrap();
    let theory = 2.0 * (0.5_f64).sqrt() * (n as f64).sqrt();
    assert!(fit.centre.abs() < 0.05 * theory, "{fit:?}");
    assert!((fit.radius / theory - 1.0).abs() < 0.03, "{fit:?} vs radius {theory}");
    assert!((fit.predicted_index() - 0.5).abs() < 0.02);
    let h = Histogram::new(&eig, -theory, theory, 10);
    for (k, &count) in h.counts.iter().enumerate() {
        let lo = h.lo + k as f64 * h.width;
        let expected = fit.expected_count(n, lo, lo + h.width);
        assert!(
            (count as f64 - expected).abs() < 4.0 * expected.sqrt() + 3.0,
            "bin {k}: {count} vs {expected}"
        );
    }
}

/// The Census window opens from the title bar, runs a census in the background, and a newer run
/// supersedes the one under way: what it shows is the newest census, with its points.
#[test]
fn the_census_window_runs_a_census_and_shows_its_points() {
    use egui_kittest::kittest::{By, Queryable};
    let mut h = common::harness(losscape::scene::default_scene());
    let tiny = |seed| CensusInputs {
        dataset: Dataset::Moons,
        points: 24,
        net: "2-3-1".to_owned(),
        starts: 12,
        weight_decay: 1e-3,
        seed,
    };
    // A census long enough to be still under way when the newer one is asked for.
    h.state_mut().panels.census.inputs =
        CensusInputs { net: "2-6-1".to_owned(), starts: 2000, ..tiny(1) };
    h.get(By::new().label_contains("Census")).click();
    // The click's command opens the window at the end of that frame; a new window lays itself
    // out invisibly in its first frame.
    h.run_steps(3);
    assert!(h.state().is_open(losscape::app::Panel::Census));
    assert!(h.state().panels.census.busy(), "opening the window starts a census");
    h.state_mut().panels.census.inputs = tiny(2);
    h.get(By::new().label_contains("Run census")).click();
    common::frames_until(&mut h, 10, |h| h.state().panels.census.result().is_some());
    h.run_steps(2);
    let (inputs, census) = h.state().panels.census.result().expect("a census");
    assert_eq!(inputs.seed, 2, "the newer request won");
    assert!(!census.points.is_empty());
    let summary = format!("{} critical points —", census.points.len());
    assert!(h.query(By::new().label_contains(&summary)).is_some());
    assert!(h.query(By::new().label_contains("A: lowest loss")).is_some());
    assert!(h.query(By::new().label_contains("B: highest loss")).is_some());
    // The same census as the simulation computes for those inputs.
    let net = inputs.network().unwrap();
    let direct = network_census(&net, &CensusSettings::new(12, 2), &Progress::default()).unwrap();
    assert_eq!(&direct, census);
    // A network too large for a census is refused with a message, not started.
    h.state_mut().panels.census.inputs.net = "2-64-64-1".to_owned();
    h.get(By::new().label_contains("Run census")).click();
    h.run_steps(2);
    assert!(!h.state().panels.census.busy());
    assert!(h.query(By::new().label_contains("at most 400")).is_some());
}

/// The Census window compares networks as the command line does: `2-3-1,2-4-1` runs a census
/// of each on the same data, shows each one's summary and spectra, and each census is the one
/// the simulation computes for that network.
#[test]
fn the_census_window_compares_two_networks() {
    use egui_kittest::kittest::{By, Queryable};
    let mut h = common::harness(losscape::scene::default_scene());
    h.state_mut().panels.census.inputs = CensusInputs {
        dataset: Dataset::Moons,
        points: 24,
        net: "2-3-1, 2-4-1".to_owned(),
        starts: 12,
        weight_decay: 1e-3,
        seed: 5,
    };
    h.get(By::new().label_contains("Census")).click();
    common::frames_until(&mut h, 10, |h| h.state().panels.census.results().is_some());
    h.run_steps(2);
    let (inputs, censuses) = h.state().panels.census.results().expect("the censuses");
    let names: Vec<&str> = censuses.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["2-3-1", "2-4-1"]);
    for (k, ((name, census), (_, net))) in
        censuses.iter().zip(inputs.networks().unwrap()).enumerate()
    {
        let direct =
            network_census(&net, &CensusSettings::new(12, 5), &Progress::default()).unwrap();
        assert_eq!(&direct, census, "{name}");
        let summary = format!("{name} on 24 moons points: {} critical points", census.points.len());
        assert!(h.query(By::new().label_contains(&summary)).is_some(), "{summary}");
        let a = format!("{name} A{}: lowest loss", k + 1);
        assert!(h.query(By::new().label_contains(&a)).is_some(), "{a}");
    }
    // More networks than a window compares: a message, no census.
    h.state_mut().panels.census.inputs.net = "2-3-1,2-4-1,2-5-1,2-6-1".to_owned();
    h.get(By::new().label_contains("Run census")).click();
    h.run_steps(2);
    assert!(h.query(By::new().label_contains("one to 3 networks")).is_some());
}
