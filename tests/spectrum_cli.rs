//! `losscape spectrum` as a real process, and its figure read back: the CSV, the densities and
//! θ it writes (recomputed independently from the written θ), D-feature data files, the digits,
//! the figure's densities and dots, and a clear `error: …` line (never a panic) for every bad
//! flag or file, exit 1 (2 for usage).

mod common;

use common::cli::losscape;
use std::path::PathBuf;

use losscape::figure::spectrum::{SpectrumFigure, spectrum_svg};
use losscape::sim::OptimizerSpec;
use losscape::sim::net::spectrum::{
    Labelled, Loss, SpectrumSettings, Widths, digits, init, spectra_along_training,
};
use losscape::sim::run::progress::Progress;

fn temp(name: &str) -> PathBuf {
    common::cli::temp("spectrum", name)
}

/// The rows of a CSV with `header`, as numbers.
fn numbers(path: &PathBuf, header: &str) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(header), "{}", path.display());
    lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect()
}

/// The spectrum of a small network on the digits: the CSV's numbers are the network's own at
/// the θ written beside them, the densities' weights sum to 1 per step, the figure is written.
#[test]
fn spectrum_on_the_digits_writes_what_it_says() {
    let (csv, density, params, svg, png) =
        (temp("s.csv"), temp("d.csv"), temp("p.csv"), temp("s.svg"), temp("s.png"));
    let args = [
        "spectrum",
        "--dataset",
        "digits",
        "--net",
        "64-8-10",
        "--train",
        "adam:lr=0.01",
        "--train-steps",
        "30",
        "--seed",
        "2",
        "--at",
        "30,0",
        "--lanczos",
        "12",
        "--probes",
        "3",
        "--out",
        csv.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
        "--out",
        png.to_str().unwrap(),
        "--density-out",
        density.to_str().unwrap(),
        "--params-out",
        params.to_str().unwrap(),
    ];
    let o = losscape(&args);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("64-8-10 (610 parameters) on digits (1797 rows, 64 features, 10 classes)"),
        "{stdout}"
    );
    assert!(stdout.contains("step 0: loss") && stdout.contains("step 30: loss"), "{stdout}");
    let rows = numbers(&csv, "step,loss,lambda_min,lambda_max,trace,negative_share,flat_share");
    assert_eq!(rows.iter().map(|r| r[0]).collect::<Vec<_>>(), [0.0, 30.0]);
    let thetas = numbers(
        &params,
        &format!("step,{}", (0..610).map(|i| format!("p{i}")).collect::<Vec<_>>().join(",")),
    );
    assert_eq!(thetas.len(), 2);
    let loss = Loss::new(Widths::parse("64-8-10").unwrap(), digits(), 0.0).unwrap();
    assert_eq!(thetas[0][1..], init(loss.widths(), 2)[..], "θ₀ is the seed's initialisation");
    for (row, theta) in rows.iter().zip(&thetas) {
        assert_eq!(row[0], theta[0]);
        // Bit for bit: the written θ gives the written loss.
        assert_eq!(loss.value(&theta[1..]).unwrap(), row[1]);
        assert!(row[2] <= row[3] && row[5] + row[6] <= 1.0 + 1e-12);
    }
    assert!(rows[1][1] < rows[0][1], "training lowers the loss");
    let nodes = numbers(&density, "step,eigenvalue,weight");
    assert_eq!(nodes.len(), 2 * 12 * 3);
    for (step, row) in [0.0, 30.0].into_iter().zip(&rows) {
        let mine: Vec<&Vec<f64>> = nodes.iter().filter(|n| n[0] == step).collect();
        let total: f64 = mine.iter().map(|n| n[2]).sum();
        assert!((total - 1.0).abs() < 1e-12, "step {step}: weights sum to {total}");
        let lo = mine.iter().map(|n| n[1]).fold(f64::INFINITY, f64::min);
        assert_eq!(lo, row[2], "λ_min is the smallest node");
    }
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    let count =
        |class: &str| doc.descendants().filter(|n| n.attribute("class") == Some(class)).count();
    assert_eq!((count("density"), count("step-dot")), (2, 2));
}

/// A file of D features: the network must take D inputs and give one logit per class; a
/// two-class file takes one logit or two.
#[test]
fn feature_files_train_networks_that_fit_them() {
    let data = temp("three.csv");
    let mut text = String::from("x1,x2,x3,label\n");
    for i in 0..60 {
        let t = f64::from(i) / 10.0;
        text.push_str(&format!("{},{},{},{}\n", t.sin(), t.cos(), 0.1 * t, i % 3));
    }
    std::fs::write(&data, &text).unwrap();
    let file = data.to_str().unwrap();
    let run = |net: &str| {
        losscape(&[
            "spectrum",
            "--data",
            file,
            "--net",
            net,
            "--train",
            "gd:lr=0.1",
            "--train-steps",
            "5",
            "--lanczos",
            "8",
            "--probes",
            "2",
        ])
    };
    let o = run("3-5-3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("(60 rows, 3 features, 3 classes)"));
    for (net, says) in [
        ("4-5-3", "the network takes 4 features, but"),
        ("3-5-4", "the network has 4 outputs, but"),
        ("3-5-1", "the last width must be 3"),
    ] {
        let o = run(net);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{net}: {err}");
        assert!(err.starts_with("error: --net") && err.contains(says), "{net}: {err}");
    }
    // Two classes: a logit (K = 1) or two logits.
    let two = temp("two.csv");
    std::fs::write(&two, "1,0.5,0\n-1,0.25,1\n0.5,2,1\n").unwrap();
    for net in ["2-4-1", "2-4-2"] {
        let o = losscape(&[
            "spectrum",
            "--data",
            two.to_str().unwrap(),
            "--net",
            net,
            "--train",
            "adam",
            "--train-steps",
            "3",
            "--lanczos",
            "5",
            "--probes",
            "1",
        ]);
        assert!(o.status.success(), "{net}: {}", String::from_utf8_lossy(&o.stderr));
    }
}

/// Runs each `(arguments after "spectrum", what the message says)` and checks the failure: one
/// `error: …` message saying it, no panic, exit status `code`.
fn fails_with(cases: &[(&str, &str)], code: i32) {
    for (args, says) in cases {
        let mut argv = vec!["spectrum"];
        argv.extend(args.split(' '));
        let o = losscape(&argv);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{argv:?}: {err}");
        assert!(err.starts_with("error: "), "{argv:?}: {err}");
        assert!(err.contains(says), "{argv:?}: expected '{says}' in {err}");
        assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    }
}

const DIGITS: &str = "--dataset digits --train adam --train-steps 3";

#[test]
fn bad_spectrum_flags_are_clear_errors() {
    let case = |extra: &str| format!("{DIGITS} {extra}");
    let (net, huge, memory, at) = (
        case("--net 64-x-10"),
        case("--net 64-2000-2000-10"),
        case("--net 64-500-500-10 --lanczos 1000"),
        case("--net 64-8-10 --at 5"),
    );
    let (out, density, params, points) = (
        case("--net 64-8-10 --out s.txt"),
        case("--net 64-8-10 --density-out d.png"),
        case("--net 64-8-10 --params-out p.json"),
        case("--net 64-8-10 --points 50"),
    );
    fails_with(
        &[
            (&net, "--net '64-x-10': 'x' is not a width"),
            (&huge, "parameters, more than the 1000000 allowed"),
            (&memory, "GB, more than the 2 GB allowed: use fewer Lanczos steps"),
            (&at, "--at 5: past the last step of training (--train-steps 3)"),
            (&out, "--out s.txt: the file must end in .csv, .png or .svg"),
            (&density, "--density-out d.png: the file must end in .csv"),
            (&params, "--params-out p.json: the file must end in .csv"),
            (&points, "--points and --noise draw a 2-D data set"),
        ],
        1,
    );
    // Values clap's parsers refuse, and missing flags, are usage errors: exit status 2.
    let (lanczos, probes, flat) = (
        case("--net 64-8-10 --lanczos 0"),
        case("--net 64-8-10 --probes x"),
        case("--net 64-8-10 --flat 1.5"),
    );
    fails_with(
        &[
            (&lanczos, "from 1 to 1000 Lanczos steps (got 0)"),
            (&probes, "'x' is not a whole number of probes"),
            (&flat, "the flat band ε is a number in [0, 1)"),
            (DIGITS, "--net"),
            ("--dataset digits --net 64-8-10 --train-steps 3", "--train"),
            ("--net 64-8-10 --train adam --train-steps 3", "--data"),
        ],
        2,
    );
}

#[test]
fn bad_data_and_training_are_clear_errors() {
    let bad_file = temp("bad.csv");
    std::fs::write(&bad_file, "x1,x2,label\n1,2,0\n3,four,1\n").unwrap();
    let bad = format!("--data {} --net 2-4-2 --train adam --train-steps 3", bad_file.display());
    let training =
        |spec: &str| format!("--dataset digits --net 64-8-10 --train {spec} --train-steps 40");
    let (newton, lbfgs, diverges) =
        (training("newton"), training("lbfgs"), training("gd:lr=1e308"));
    fails_with(
        &[
            (&bad, "line 3, column 2: 'four' in column 'x2' is not a number"),
            (
                "--data /nonexistent.csv --net 2-4-2 --train adam --train-steps 3",
                "--data /nonexistent.csv: cannot read the file",
            ),
            (
                "--dataset digitz --net 64-8-10 --train adam --train-steps 3",
                "unknown data set 'digitz'",
            ),
            (&newton, "newton needs the whole n × n Hessian"),
            (&lbfgs, "cannot train a network"),
            (&diverges, "training diverged at step"),
        ],
        1,
    );
    // The 2-D networks keep their data sets, and say where the digits go.
    let o = losscape(&["landscape", "--dataset", "digits", "--out", "x.png"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: --dataset digits has 64 features and 10 classes"), "{err}");
}

/// The figure read back: one density curve and one dot per step, each dot at its step's share
/// and loss (in the order of the steps: lower loss, lower on the page).
#[test]
fn the_figure_shows_one_density_and_one_dot_per_step() {
    let rows: Vec<usize> = (0..300).collect();
    let full = digits();
    let x = full.x().select_rows(rows.iter());
    let labels = rows.iter().map(|&r| full.labels()[r]).collect();
    let loss = Loss::new(Widths::parse("64-6-10").unwrap(), Labelled::new(x, labels).unwrap(), 0.0)
        .unwrap();
    let adam = OptimizerSpec::parse("adam:lr=0.02").unwrap();
    let settings = SpectrumSettings {
        at: vec![0, 10, 60],
        lanczos: 15,
        probes: 2,
        ..SpectrumSettings::new(adam, 60, 4)
    };
    let along =
        spectra_along_training(&loss, &init(loss.widths(), 4), &settings, &Progress::default())
            .unwrap();
    let fig =
        SpectrumFigure { samples: &along.samples, flat: 0.01, title: "64-6-10 on 300 digits" };
    let svg = spectrum_svg(&fig, (1200, 640));
    let doc = roxmltree::Document::parse(&svg).expect("the SVG parses");
    let of = |class: &str| -> Vec<roxmltree::Node<'_, '_>> {
        doc.descendants().filter(|n| n.attribute("class") == Some(class)).collect()
    };
    let (curves, dots) = (of("density"), of("step-dot"));
    let steps = |nodes: &[roxmltree::Node<'_, '_>]| -> Vec<usize> {
        nodes.iter().map(|n| n.attribute("data-step").unwrap().parse().unwrap()).collect()
    };
    assert_eq!(steps(&curves), [0, 10, 60]);
    assert_eq!(steps(&dots), [0, 10, 60]);
    for curve in &curves {
        assert!(curve.attribute("d").unwrap().starts_with('M'), "a drawn curve");
    }
    let mut last_y = f64::NEG_INFINITY;
    for (dot, sample) in dots.iter().zip(&along.samples) {
        let attr = |a: &str| dot.attribute(a).unwrap().parse::<f64>().unwrap();
        assert_eq!(attr("data-loss"), sample.loss);
        assert_eq!(attr("data-negative"), sample.shares.negative);
        assert!(attr("cy") > last_y, "the loss falls, so each dot is lower");
        last_y = attr("cy");
    }
    assert_eq!(of("nodes").len(), 3);
    losscape::figure::raster::rasterize_svg(&svg, 1.0).expect("the SVG rasterises");
}
