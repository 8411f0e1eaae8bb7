//! The command line, run as a real process: golden outputs of `simulate`, `critical` and
//! `surfaces`, full-precision round trips, and a clear error (never a panic) for every bad input.
//!
//! Regenerate the golden files with `UPDATE_GOLDEN=1 cargo test --test cli`, then read the diff.

mod common;

use common::cli::losscape;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use losscape::sim::{Builtin, Noise, OptimizerSpec, Point, Surface, simulate};

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 diagnostics")
}

/// Compares `actual` with `tests/golden/NAME` (or writes it when UPDATE_GOLDEN is set).
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn ok(args: &[&str]) -> String {
    let o = losscape(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Parses `step,x,y,loss` CSV into rows of numbers.
fn rows(csv: &str) -> Vec<[f64; 4]> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("step,x,y,loss"));
    lines
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|s| s.parse().unwrap()).collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect()
}

#[test]
fn simulate_csv_is_golden_and_round_trips_exactly() {
    let args = [
        "simulate",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "adam:lr=0.05",
        "--start=-1.5,2",
        "--steps",
        "25",
    ];
    let csv = ok(&args);
    golden("simulate_rosenbrock_adam.csv", &csv);
    let spec = OptimizerSpec::parse("adam:lr=0.05").unwrap();
    let t = simulate(&Builtin::Rosenbrock, &spec, Point::new(-1.5, 2.0), 25, Noise::NONE);
    let printed = rows(&csv);
    assert_eq!(printed.len(), 26, "the start and 25 steps");
    for (k, (row, p)) in printed.iter().zip(&t.points).enumerate() {
        assert_eq!(row[0], k as f64);
        // Bit for bit: the printed numbers are float64 round-trip exact.
        assert_eq!(
            [row[1], row[2], row[3]].map(f64::to_bits),
            [p.point.x, p.point.y, p.loss].map(f64::to_bits)
        );
        assert_eq!(row[3], Builtin::Rosenbrock.value(Point::new(row[1], row[2])));
    }
    // The same surface typed as a formula gives the same trajectory, to the last bit here.
    let formula_args =
        [&["simulate", "--formula", Builtin::Rosenbrock.formula()], &args[3..]].concat();
    let from_formula = rows(&ok(&formula_args));
    for (a, b) in from_formula.iter().zip(&printed) {
        for i in 1..4 {
            assert!((a[i] - b[i]).abs() <= 1e-12 * b[i].abs().max(1.0), "{a:?} vs {b:?}");
        }
    }
}

#[test]
fn simulate_json_is_golden_and_parses() {
    let json = ok(&[
        "simulate",
        "--surface",
        "escape-saddle",
        "--optimizer",
        "momentum",
        "--lr",
        "0.1",
        "--momentum",
        "0.8",
        "--start",
        "0.5,0.001",
        "--steps",
        "5",
        "--format",
        "json",
    ]);
    golden("simulate_escape_saddle_momentum.json", &json);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["optimizer"], "momentum:lr=0.1,momentum=0.8", "flags override the SPEC");
    assert_eq!(doc["points"].as_array().unwrap().len(), 6);
    assert_eq!(doc["points"][0]["x"], 0.5);
    assert!(doc["diverged_at"].is_null());
}

#[test]
fn hyper_parameter_flags_equal_the_spec_syntax() {
    let common = ["simulate", "--surface", "himmelblau", "--start", "0,0", "--steps", "30"];
    let by_spec =
        ok(&[&common[..], &["--optimizer", "adam:lr=0.05,beta1=0.8,amsgrad=true"]].concat());
    let by_flags =
        ok(&[&common[..], &["--optimizer", "adam", "--lr", "0.05", "--beta1", "0.8", "--amsgrad"]]
            .concat());
    assert_eq!(by_spec, by_flags);
    let default = ok(&[&common[..], &["--optimizer", "adam"]].concat());
    assert_ne!(by_spec, default, "the hyper-parameters took effect");
}

/// Every hyper-parameter in the table is a flag, of each kind: a number, a count, a flag and
/// L-BFGS's line search, each equal to the SPEC that says the same; and a bad value names its flag.
#[test]
fn every_hyper_parameter_is_a_flag() {
    let common = ["simulate", "--surface", "rosenbrock", "--start=-1.5,2", "--steps", "25"];
    for (spec, flags) in [
        (
            "adadelta:rho=0.5,lr=0.3",
            &["--optimizer", "adadelta", "--rho", "0.5", "--lr", "0.3"][..],
        ),
        (
            "rprop:eta_minus=0.3,step_max=0.2",
            &["--optimizer", "rprop", "--eta-minus", "0.3", "--step-max", "0.2"],
        ),
        (
            "rmsprop:centered=true,lr=0.01",
            &["--optimizer", "rmsprop", "--centered", "--lr", "0.01"],
        ),
        (
            "lbfgs:history_size=2,line_search=strong_wolfe,lr=0.5",
            &[
                "--optimizer",
                "lbfgs",
                "--history-size",
                "2",
                "--line-search",
                "strong_wolfe",
                "--lr",
                "0.5",
            ],
        ),
    ] {
        let by_spec = ok(&[&common[..], &["--optimizer", spec]].concat());
        let by_flags = ok(&[&common[..], flags].concat());
        assert_eq!(by_spec, by_flags, "{spec}");
        let name = spec.split(':').next().unwrap();
        let default = ok(&[&common[..], &["--optimizer", name]].concat());
        assert_ne!(by_spec, default, "{spec}: the flags took effect");
    }
    for (flags, says) in [
        (&["--optimizer", "lbfgs", "--history-size", "2.5"][..], "--history-size"),
        (&["--optimizer", "lbfgs", "--line-search", "maybe"], "line search"),
        (&["--optimizer", "adam", "--rho", "0.5"], "--rho"),
    ] {
        let out = losscape(&[&common[..], flags].concat());
        assert!(!out.status.success(), "{flags:?}");
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
    }
}

#[test]
fn noise_is_seeded() {
    let run = |seed: &str| {
        ok(&[
            "simulate",
            "--surface",
            "saddle",
            "--optimizer",
            "gd:lr=0.1",
            "--start",
            "1,0",
            "--steps",
            "40",
            "--noise",
            "0.01",
            "--seed",
            seed,
        ])
    };
    assert_eq!(run("3"), run("3"));
    assert_ne!(run("3"), run("4"));
    let y_end = rows(&run("3")).last().unwrap()[2];
    assert!(y_end.abs() > 1e-3, "the noise knocked the run off the saddle's ridge: y = {y_end}");
}

#[test]
fn a_diverging_run_prints_its_finite_points_and_says_so() {
    let o = losscape(&[
        "simulate",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "gd:lr=0.01",
        "--start=-1.5,2",
        "--steps",
        "100",
    ]);
    assert!(o.status.success(), "a divergence is a result, not an error");
    let printed = rows(&stdout(&o));
    let err = stderr(&o);
    let k: usize = err.trim().strip_prefix("diverged at step ").expect(&err).parse().unwrap();
    assert_eq!(printed.len(), k, "points 0..k-1 are finite, step k is not");
    assert!(printed.iter().flatten().all(|v| v.is_finite()));
}

#[test]
fn critical_is_golden() {
    let csv = ok(&["critical", "--surface", "escape-saddle"]);
    golden("critical_escape_saddle.csv", &csv);
    assert_eq!(
        csv,
        "x,y,value,kind,eig1,eig2\n0.0,-1.0,0.0,min,2.0,2.0\n0.0,0.0,0.25,saddle,-1.0,2.0\n0.0,1.0,0.0,min,2.0,2.0\n"
    );
    let bowls = ok(&["critical", "--surface", "bowls"]);
    golden("critical_bowls.csv", &bowls);
    assert_eq!(bowls.matches(",min,").count(), 4);
    assert_eq!(bowls.matches(",saddle,").count(), 3);
    let inside =
        ok(&["critical", "--formula", "(x^2+y-11)^2 + (x+y^2-7)^2", "--domain", "0,5,0,5"]);
    assert_eq!(inside.matches(",min,").count(), 1, "{inside}");
}

#[test]
fn surfaces_is_golden() {
    let table = ok(&["surfaces"]);
    golden("surfaces.txt", &table);
    let csv = ok(&["surfaces", "--format", "csv"]);
    golden("surfaces.csv", &csv);
    for b in Builtin::ALL {
        assert!(table.contains(b.name()) && table.contains(b.formula()), "{b}");
        let d = b.domain();
        let line = format!(
            "{},{:?},{:?},{:?},{:?},\"{}\"",
            b.name(),
            d.x_min,
            d.x_max,
            d.y_min,
            d.y_max,
            b.formula()
        );
        assert!(csv.lines().any(|l| l == line), "{line}");
    }
}

#[test]
fn every_bad_input_is_a_clear_error() {
    let base =
        ["simulate", "--surface", "saddle", "--optimizer", "gd", "--start", "1,1", "--steps", "3"];
    let with = |replace: &[(&str, &str)], extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        for (flag, value) in replace {
            let i = args.iter().position(|a| a == flag).unwrap();
            args[i + 1] = value.to_string();
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (with(&[("--surface", "rosenbrok")], &[]), "unknown surface 'rosenbrok'"),
        (with(&[("--optimizer", "adamm")], &[]), "unknown optimizer 'adamm'"),
        (with(&[("--optimizer", "adam:lr=abc")], &[]), "'abc' is not a number"),
        (with(&[("--optimizer", "adam:foo=1")], &[]), "unknown hyper-parameter 'foo'"),
        (with(&[], &["--beta1", "0.9"]), "gd takes no 'beta1'"),
        (with(&[], &["--lr", "-1"]), "lr must be"),
        (with(&[], &["--lr", "abc"]), "--lr"),
        (with(&[("--start", "nan,1")], &[]), "'nan' is not a finite number"),
        (with(&[("--start", "1")], &[]), "expected 2 numbers"),
        (with(&[("--start", "1,")], &[]), "a number is missing"),
        (with(&[("--start", "1,x")], &[]), "'x' is not a number"),
        (with(&[("--steps", "-5")], &[]), "cannot be negative"),
        (with(&[("--steps", "abc")], &[]), "not a whole number"),
        (with(&[("--steps", "99999999999999")], &[]), "at most"),
        (with(&[], &["--noise", "-1"]), "noise must be"),
        (with(&[], &["--seed", "3"]), "--noise"),
        (with(&[], &["--format", "xml"]), "xml"),
        (with(&[], &["--formula", "x"]), "cannot be used with"),
        (vec!["simulate".into(), "--surface".into(), "saddle".into()], "required"),
        (
            [
                "simulate",
                "--formula",
                "x^^2",
                "--optimizer",
                "gd",
                "--start",
                "0,0",
                "--steps",
                "1",
            ]
            .map(String::from)
            .to_vec(),
            "bad formula at column 3",
        ),
        (
            ["simulate", "--formula", "", "--optimizer", "gd", "--start", "0,0", "--steps", "1"]
                .map(String::from)
                .to_vec(),
            "the formula is empty",
        ),
        (
            ["critical", "--surface", "saddle", "--domain", "1,0,0,1"].map(String::from).to_vec(),
            "inverted",
        ),
        (
            ["critical", "--surface", "saddle", "--domain", "0,1,0"].map(String::from).to_vec(),
            "expected 4 numbers",
        ),
        (
            ["critical", "--formula", "sin(", "--domain", "0,1,0,1"].map(String::from).to_vec(),
            "bad formula",
        ),
        (["frobnicate"].map(String::from).to_vec(), "unrecognized subcommand"),
        (["--scene", "x.json", "surfaces"].map(String::from).to_vec(), "--scene"),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = losscape(&args);
        let err = stderr(&o);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(err.starts_with("error:"), "{args:?}: stderr starts with 'error:': {err}");
        assert!(err.contains(needle), "{args:?}: expected '{needle}' in: {err}");
        assert!(!err.contains("panicked") && !err.contains("backtrace"), "{args:?}: {err}");
        assert!(o.stdout.is_empty() || !args.contains(&"simulate"), "{args:?}: nothing on stdout");
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args([
            "simulate",
            "--surface",
            "saddle",
            "--optimizer",
            "gd:lr=0.001",
            "--start",
            "1,1",
            "--steps",
            "1000000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert_eq!(first, "step,x,y,loss\n");
    drop(reader);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
}

#[test]
fn help_describes_every_sub_command() {
    let help = ok(&["--help"]);
    for word in ["simulate", "critical", "surfaces", "--scene"] {
        assert!(help.contains(word), "{word} in:\n{help}");
    }
    let sim = ok(&["simulate", "--help"]);
    for flag in [
        "--optimizer",
        "--start",
        "--steps",
        "--noise",
        "--seed",
        "--format",
        "--amsgrad",
        "--weight-decay",
        "--momentum-decay",
        "--damping",
    ] {
        assert!(sim.contains(flag), "{flag} in:\n{sim}");
    }
}
