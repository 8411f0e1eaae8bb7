//! Basins of attraction: the map names the right ends, agrees with single runs, covers the grid,
//! can be cancelled, and `losscape basins` writes it as CSV and PNG with a clear error for every
//! bad input.

use std::process::Command;

use losscape::sim::run::basins::{Basin, BasinError, BasinJob, Progress};
use losscape::sim::{Builtin, CriticalKind, Domain, Dtype, OptimizerSpec, SurfaceDef, final_point};

fn job(surface: Builtin, spec: &str, grid: usize, steps: usize) -> BasinJob {
    BasinJob {
        surface: SurfaceDef::Builtin(surface),
        spec: OptimizerSpec::parse(spec).unwrap(),
        domain: surface.domain(),
        grid,
        steps,
        dtype: Dtype::Float64,
    }
}

#[test]
fn himmelblau_has_four_basins_that_cover_the_grid() {
    let map = job(Builtin::Himmelblau, "adam:lr=0.05", 48, 600).run(&Progress::default()).unwrap();
    assert_eq!(map.basins.len(), 48 * 48);
    let (at, moving, diverged) = map.counts();
    assert_eq!((moving, diverged), (0, 0), "every run should reach a minimum");
    let reached: Vec<_> = at
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(i, &n)| (&map.attractors[i], n))
        .collect();
    assert_eq!(reached.len(), 4, "{reached:?}");
    for (c, n) in &reached {
        assert_eq!(c.kind, CriticalKind::Min);
        assert!(c.value.abs() < 1e-9, "Himmelblau's minima are all 0, got {}", c.value);
        // Each of the four symmetric-ish basins holds a fair share of the grid.
        assert!(*n > 48 * 48 / 10, "{c:?} has only {n} cells");
    }
    assert_eq!(at.iter().sum::<usize>(), 48 * 48);
}

#[test]
fn each_cell_is_where_a_single_run_from_its_centre_ends() {
    let map = job(Builtin::Bowls, "momentum:lr=0.05", 24, 300).run(&Progress::default()).unwrap();
    let reach =
        losscape::sim::run::basins::REACHED * map.job.domain.width().hypot(map.job.domain.height());
    for j in (0..24).step_by(5) {
        for i in (0..24).step_by(3) {
            let start = map.cell_centre(i, j);
            let (end, diverged) = final_point(&map.job.surface, &map.job.spec, start, 300);
            assert_eq!(map.ends[j * 24 + i], (end, diverged));
            let basin = map.basin_at(start).unwrap();
            match basin {
                Basin::At(k) => {
                    assert!((map.attractors[usize::from(k)].point - end).norm() <= reach)
                }
                Basin::Moving => {
                    assert!(map.attractors.iter().all(|c| (c.point - end).norm() > reach))
                }
                Basin::Diverged => assert!(diverged.is_some()),
            }
        }
    }
}

#[test]
fn newton_ends_on_the_saddle_where_saddle_free_newton_never_does() {
    let on_saddle = |spec: &str| {
        let map = job(Builtin::EscapeSaddle, spec, 40, 60).run(&Progress::default()).unwrap();
        let (at, _, _) = map.counts();
        at.iter()
            .zip(&map.attractors)
            .filter(|(_, c)| c.kind == CriticalKind::Saddle)
            .map(|(n, _)| n)
            .sum::<usize>()
    };
    assert!(on_saddle("newton") > 40 * 40 / 10);
    assert_eq!(on_saddle("sfn"), 0);
}

#[test]
fn a_cancelled_or_impossible_job_says_so() {
    let progress = Progress::default();
    progress.cancel();
    let err = job(Builtin::Rosenbrock, "adam", 64, 100).run(&progress).unwrap_err();
    assert_eq!(err, BasinError::Cancelled);
    // Cancelled before it starts, it takes no row (the next test cancels one mid-run).
    assert_eq!(progress.done(), 0, "a job cancelled before it starts takes no row");
    let err = job(Builtin::Rosenbrock, "adam", 0, 100).run(&Progress::default()).unwrap_err();
    assert_eq!(err, BasinError::Grid(0));
    // A domain where every run diverges at once still gives a full map.
    let mut j = job(Builtin::Saddle, "gd:lr=1e300", 8, 20);
    j.domain = Domain::new(1.0, 2.0, 1.0, 2.0).unwrap();
    let map = j.run(&Progress::default()).unwrap();
    assert_eq!(map.counts().2, 64);
}

#[test]
fn a_job_cancelled_mid_run_stops_early_and_leaves_nothing_running() {
    // 256 rows of 256 Adam runs of 20 000 steps: minutes of work, so the job is surely still
    // running when the first rows are done.
    const GRID: usize = 256;
    let progress = std::sync::Arc::new(Progress::default());
    let worker = {
        let progress = std::sync::Arc::clone(&progress);
        std::thread::spawn(move || {
            job(Builtin::Rosenbrock, "adam:lr=0.001", GRID, 20_000).run(&progress)
        })
    };
    // Cancel from this thread once the job has made progress, as the app's Cancel button does.
    while progress.done() == 0 && !worker.is_finished() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    progress.cancel();
    let at_cancel = progress.done();
    let outcome = worker.join().expect("the job does not panic");
    assert_eq!(outcome.unwrap_err(), BasinError::Cancelled, "a cancelled job says so");
    let done = progress.done();
    assert!(at_cancel >= 1, "the job was cancelled mid-run, not before it started");
    // It stopped after the rows in hand, not at the end of the grid.
    assert!(done < (GRID / 4) as u64, "{done} of {GRID} rows done after cancelling at {at_cancel}");
    // Nothing of it is left running: no row finishes after `run` has returned.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    assert_eq!(progress.done(), done, "rows kept finishing after the job returned");
}

fn losscape(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_losscape")).args(args).output().expect("the binary runs")
}

#[test]
fn the_command_writes_csv_and_png_and_counts_the_ends() {
    let dir = std::env::temp_dir().join(format!("losscape-basins-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("b.csv");
    let o = losscape(&[
        "basins",
        "--surface",
        "himmelblau",
        "--optimizer",
        "adam:lr=0.05",
        "--grid",
        "20",
        "--steps",
        "400",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8(o.stdout).unwrap();
    assert!(summary.contains("400 runs of 400 steps in"), "{summary}");
    assert_eq!(summary.matches("min ").count(), 4, "{summary}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("x,y,end_x,end_y,basin,diverged_at"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 400);
    assert!(rows.iter().all(|r| r.len() == 6 && r[4].starts_with("min") && r[5].is_empty()));
    // Row by row from y_min, cell centres.
    assert_eq!((rows[0][0], rows[0][1]), ("-4.75", "-4.75"));
    assert_eq!((rows[1][0], rows[20][1]), ("-4.25", "-4.25"));

    let png = dir.join("b.png");
    let o = losscape(&[
        "basins",
        "--formula",
        "x^2 + 0.25*(y^2-1)^2",
        "--optimizer",
        "newton",
        "--grid",
        "30",
        "--steps",
        "40",
        "--domain=-2,2,-2,2",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |k: usize| u32::from_be_bytes(bytes[k..k + 4].try_into().unwrap());
    // The default 900×820 shrunk to the square domain's aspect (the frame is square).
    let (w, h) = (be(16), be(20));
    assert!(w <= 900 && h <= 820 && (w == 900 || h == 820), "{w}×{h}");
    assert_eq!(w - 64 - 18, h - 40 - 52, "the frame is square: {w}×{h}");
    assert!(String::from_utf8(o.stdout).unwrap().contains("saddle 1 (0.000, 0.000)"));
}

#[test]
fn without_out_it_only_counts_and_in_float32_it_computes_in_single_precision() {
    let dir = std::env::temp_dir().join(format!("losscape-basins-f32-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let args = |dtype: &'static str| {
        vec![
            "basins",
            "--surface",
            "himmelblau",
            "--optimizer",
            "adam:lr=0.05",
            "--grid",
            "24",
            "--steps",
            "400",
            "--dtype",
            dtype,
        ]
    };
    // The command line has no --out: the time and counts, and no file.
    let before: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    let o = losscape(&args("float64"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let double = String::from_utf8(o.stdout).unwrap();
    assert!(double.contains("576 runs of 400 steps in") && !double.contains("wrote"), "{double}");
    assert_eq!(double.matches("min ").count(), 4, "{double}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), before.len());

    let csv = dir.join("f32.csv");
    let mut with_out = args("f32");
    with_out.extend(["--out", csv.to_str().unwrap()]);
    let o = losscape(&with_out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let single = String::from_utf8(o.stdout).unwrap();
    // Himmelblau's basins are wide: the counts agree but for a few boundary cells.
    let counts = |s: &str| -> Vec<i64> {
        s.lines()
            .filter(|l| l.trim_start().starts_with("min "))
            .map(|l| l.split_whitespace().nth_back(1).unwrap().parse().unwrap())
            .collect()
    };
    let (c32, c64) = (counts(&single), counts(&double));
    assert_eq!(c32.len(), 4, "{single}");
    assert!(c32.iter().zip(&c64).all(|(a, b)| (a - b).abs() <= 6), "{c32:?} vs {c64:?}");
    let text = std::fs::read_to_string(&csv).unwrap();
    for row in text.lines().skip(1) {
        let cols: Vec<&str> = row.split(',').collect();
        for v in &cols[2..4] {
            let v: f64 = v.parse().unwrap();
            assert_eq!(v, f64::from(v as f32), "{row}: an f32 end printed as f64");
        }
    }
}

#[test]
fn bad_basins_input_is_a_clear_error() {
    for (args, says) in [
        (&["--grid", "0"][..], "from 1 to 4096 cells a side"),
        (&["--grid", "many"][..], "'many' is not a whole number"),
        (&["--grid", "5000"][..], "from 1 to 4096 cells a side"),
        (&["--grid", "8", "--optimizer", "adamm"][..], "unknown optimizer 'adamm'"),
        (&["--grid", "8", "--out", "map.txt"][..], "must end in .png or .csv"),
        (&["--grid", "8", "--domain=2,1,0,1"][..], "domain"),
        (&["--grid", "8", "--steps", "-3"][..], "cannot be negative"),
        (&["--grid", "8", "--dtype", "half"][..], "unknown dtype 'half': expected float32 or"),
    ] {
        let mut all = vec![
            "basins",
            "--surface",
            "booth",
            "--optimizer",
            "adam",
            "--steps",
            "10",
            "--out",
            "/tmp/losscape-never.png",
        ];
        // Later flags override earlier ones in the list above only where clap allows; build
        // the line so that each case's flag is the one that matters.
        for pair in args.chunks(2) {
            if let Some(k) = all.iter().position(|a| *a == pair[0]) {
                all.remove(k);
                all.remove(k);
            }
        }
        all.extend_from_slice(args);
        let o = losscape(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{all:?} succeeded");
        assert!(err.contains(says), "{all:?}: {err}");
        assert!(!err.contains("panicked"), "{all:?}: {err}");
    }
}

#[test]
fn the_difference_map_marks_exactly_the_cells_that_end_apart() {
    use losscape::figure::basins::{DIFFERENT, difference_rgba};
    let newton = job(Builtin::EscapeSaddle, "newton", 30, 60).run(&Progress::default()).unwrap();
    let sfn = job(Builtin::EscapeSaddle, "sfn", 30, 60).run(&Progress::default()).unwrap();
    let (same, none) = difference_rgba(&newton, &newton, 255);
    assert_eq!(none, 0);
    assert!(same.chunks(4).all(|px| px[3] == 0), "a map agrees with itself everywhere");
    let (rgba, differ) = difference_rgba(&newton, &sfn, 255);
    // Newton's saddle band is where the two must differ: sfn never ends on the saddle.
    let on_saddle = newton
        .basins
        .iter()
        .filter(|b| matches!(b, Basin::At(i) if newton.attractors[usize::from(*i)].kind == CriticalKind::Saddle))
        .count();
    assert!(
        differ >= on_saddle && on_saddle > 0,
        "{differ} cells differ, {on_saddle} on the saddle"
    );
    let marked = rgba.chunks(4).filter(|px| px[..3] == DIFFERENT.0 && px[3] == 255).count();
    assert_eq!(marked, differ);
}

/// A map computed a row at a time (as the browser does between frames) is the map computed
/// whole: the same ends, attractors and basins; and a grid out of range is refused at once.
#[test]
fn a_basin_map_row_by_row_is_the_map_computed_whole() {
    use losscape::sim::run::basins::BasinSteps;
    let himmelblau = job(Builtin::Himmelblau, "adam:lr=0.1", 12, 150);
    let whole = himmelblau.clone().run(&Progress::default()).unwrap();
    let progress = Progress::default();
    let mut steps = BasinSteps::new(himmelblau, &progress).unwrap();
    let mut calls = 0;
    let map = loop {
        calls += 1;
        if let Some(map) = steps.advance(1, &progress).unwrap() {
            break map;
        }
    };
    assert_eq!(calls, 12, "one row a call");
    assert_eq!(map.ends, whole.ends);
    assert_eq!(map.basins, whole.basins);
    assert_eq!(map.attractors, whole.attractors);
    assert_eq!(progress.done(), 12);
    let empty = BasinJob { grid: 0, ..job(Builtin::Himmelblau, "gd:lr=0.01", 4, 10) };
    assert!(BasinSteps::new(empty, &Progress::default()).is_err());
}
