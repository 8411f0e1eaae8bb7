//! `losscape census` (SPEC §4): the critical points of a small network's loss, their index
//! against their loss (Dauphin et al. 2014, Fig. 1a), as CSV or PNG.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::models::{NetArgs, network};
use crate::figure;
use crate::sim::census::{self, Census, CensusSettings, MAX_STARTS};
use crate::sim::progress::Progress;

fn parse_starts(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if (1..=MAX_STARTS as i128).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("from 1 to {MAX_STARTS} starts (got {n})")),
        Err(_) => Err(format!("'{s}' is not a whole number of starts")),
    }
}

fn parse_points(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("from 1 to 10000 points (got {n})")),
        Err(_) => Err(format!("'{s}' is not a whole number of points")),
    }
}

fn parse_nonneg(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(_) => Err(format!("must be a finite number ≥ 0 (got '{s}')")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

fn parse_wd(s: &str) -> Result<f64, String> {
    parse_nonneg(s).map_err(|e| format!("the weight decay {e}"))
}

/// `losscape census`.
#[derive(Debug, Args)]
pub struct CensusArgs {
    /// Training data: a CSV file with the header x1,x2,label (label 0 or 1).
    #[arg(
        long,
        value_name = "FILE.csv",
        conflicts_with = "dataset",
        required_unless_present = "dataset"
    )]
    pub data: Option<PathBuf>,
    /// A built-in data set: moons, circles, xor, spirals.
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Points of the built-in data set.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = parse_points)]
    pub points: usize,
    /// Noise of the built-in data set (its default if absent).
    #[arg(long, value_name = "S", value_parser = parse_nonneg)]
    pub noise: Option<f64>,
    /// The network: 2-H[-H…]-1 (tanh hidden layers, one logit out).
    #[arg(long, value_name = "2-H-…-1")]
    pub net: String,
    /// Weight decay wd in the loss's (wd/2)·‖θ‖².
    #[arg(long, value_name = "WD", default_value_t = 1e-3, allow_hyphen_values = true, value_parser = parse_wd)]
    pub weight_decay: f64,
    /// Number of searches (a third on gd paths, a third on Adam paths, a third random).
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_starts)]
    pub starts: usize,
    /// Seed of the data set and of every start.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Output: .csv (loss,index,negative,grad_norm,min_eig,max_eig) or .png (loss against index).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write one row of parameters per critical point (same order as --out's rows).
    #[arg(long, value_name = "FILE.csv")]
    pub params_out: Option<PathBuf>,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x640", value_parser = super::parse_size)]
    pub size: (u32, u32),
}

fn io_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// `losscape census`: runs the census, prints the counts, writes the files.
pub fn census_command(
    args: &CensusArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    use std::io::IsTerminal;
    let extension = match &args.out {
        Some(path) => Some(super::out_extension(path, &["csv", "png"])?),
        None => None,
    };
    if let Some(path) = &args.params_out {
        super::out_extension(path, &["csv"])?;
    }
    let net_args = NetArgs {
        data: args.data.clone(),
        dataset: args.dataset.clone(),
        points: args.points,
        noise: args.noise,
        net: args.net.clone(),
        train: String::new(),
        train_steps: 0,
        seed: args.seed,
        weight_decay: args.weight_decay,
    };
    let (net, what) = network(&net_args)?;
    let settings = CensusSettings::new(args.starts, args.seed);
    let started = std::time::Instant::now();
    let progress = Progress::default();
    let result = if std::io::stderr().is_terminal() {
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| census::network_census(&net, &settings, &progress));
            while !worker.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(100));
                let done = progress.done() as usize;
                let _ = write!(err, "\r{done}/{} searches", args.starts);
                let _ = err.flush();
            }
            let _ = write!(err, "\r{}\r", " ".repeat(40));
            worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    } else {
        census::network_census(&net, &settings, &progress)
    };
    let c = result.map_err(io_err)?;
    let elapsed = started.elapsed().as_secs_f64();
    if let (Some(path), Some(ext)) = (&args.out, extension) {
        let bytes = if ext == "csv" {
            census_csv(&c).into_bytes()
        } else {
            let svg = census_svg(&c, &net.architecture().to_string(), &what, args.size);
            let pixmap = figure::raster::rasterize_svg(&svg, 1.0).map_err(io_err)?;
            figure::raster::png_bytes(&pixmap).map_err(io_err)?
        };
        figure::write_atomic(path, &bytes).map_err(io_err)?;
    }
    if let Some(path) = &args.params_out {
        let mut s = String::new();
        let n = net.n_params();
        s.push_str(&(0..n).map(|i| format!("p{i}")).collect::<Vec<_>>().join(","));
        s.push('\n');
        for p in &c.points {
            s.push_str(&p.theta.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(","));
            s.push('\n');
        }
        figure::write_atomic(path, s.as_bytes()).map_err(io_err)?;
    }
    writeln!(
        out,
        "census of {} ({} parameters) on {what}, weight decay {}: {} searches in {elapsed:.3} s on {} threads",
        net.architecture(),
        net.n_params(),
        args.weight_decay,
        c.searches,
        crate::sim::parallel::thread_count(),
    )?;
    writeln!(
        out,
        "found {} distinct critical points ({} accepted searches, copies by symmetry merged): {} minima, {} saddles",
        c.points.len(),
        c.accepted,
        c.minima(),
        c.saddles()
    )?;
    writeln!(
        out,
        "rejected {} searches that ended with ‖∇L‖ ≥ 1e-8 (gradient-flat points, stalls or divergence)",
        c.rejected
    )?;
    if let Some(path) = &args.out {
        writeln!(out, "wrote {}", path.display())?;
    }
    out.flush()?;
    Ok(())
}

/// The CSV: `loss,index,negative,grad_norm,min_eig,max_eig`, one row per distinct point.
pub fn census_csv(c: &Census) -> String {
    let mut s = String::from("loss,index,negative,grad_norm,min_eig,max_eig\n");
    for p in &c.points {
        s.push_str(&format!(
            "{:?},{:?},{},{:?},{:?},{:?}\n",
            p.loss,
            p.index,
            p.negative,
            p.grad_norm,
            p.min_eig(),
            p.max_eig()
        ));
    }
    s
}

/// Loss against index (Dauphin et al. 2014, Fig. 1a) as SVG, with a caption.
fn census_svg(c: &Census, arch: &str, what: &str, (w, h): (u32, u32)) -> String {
    use std::fmt::Write as _;
    let esc = figure::svg::escape;
    let (w, h) = (f64::from(w), f64::from(h));
    let (left, right, top, bottom) = (80.0, 30.0, 60.0, 110.0);
    let losses: Vec<f64> = c.points.iter().map(|p| p.loss).filter(|v| v.is_finite()).collect();
    let lo = losses.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = losses.iter().copied().fold(f64::NEG_INFINITY, f64::max) * 1.05;
    if !(hi.is_finite() && hi > lo) {
        hi = lo + 1.0;
    }
    let imax = c.points.iter().map(|p| p.index).fold(0.0_f64, f64::max).max(0.2) * 1.1;
    let x = |i: f64| left + i / imax * (w - left - right);
    let y = |l: f64| top + (1.0 - (l - lo) / (hi - lo)) * (h - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">"##
    );
    let _ = write!(s, r##"<rect width="{w}" height="{h}" fill="#181818"/>"##);
    let _ = write!(
        s,
        r##"<text x="{left}" y="30" fill="#eeeeee" font-size="18">Saddle census: {} critical points of a {} network on {}</text>"##,
        c.points.len(),
        esc(arch),
        esc(what)
    );
    let (fx0, fx1, fy0, fy1) = (x(0.0), x(imax), y(hi), y(lo));
    let _ = write!(
        s,
        r##"<rect x="{fx0}" y="{fy0}" width="{}" height="{}" fill="none" stroke="#888888"/>"##,
        fx1 - fx0,
        fy1 - fy0
    );
    for tick in figure::ticks(0.0, imax, 8.0) {
        let tx = x(tick.value);
        let _ = write!(
            s,
            r##"<line x1="{tx}" y1="{fy1}" x2="{tx}" y2="{}" stroke="#888888"/><text x="{tx}" y="{}" fill="#cccccc" font-size="13" text-anchor="middle">{}</text>"##,
            fy1 + 5.0,
            fy1 + 22.0,
            esc(&tick.label)
        );
    }
    for tick in figure::ticks(lo, hi, 6.0) {
        let ty = y(tick.value);
        let _ = write!(
            s,
            r##"<line x1="{}" y1="{ty}" x2="{fx0}" y2="{ty}" stroke="#888888"/><text x="{}" y="{}" fill="#cccccc" font-size="13" text-anchor="end">{}</text>"##,
            fx0 - 5.0,
            fx0 - 8.0,
            ty + 4.0,
            esc(&tick.label)
        );
    }
    for p in c.points.iter().filter(|p| p.loss.is_finite()) {
        let color = if p.is_minimum() { "#40d040" } else { "#ff5050" };
        let _ = write!(
            s,
            r##"<circle cx="{:.2}" cy="{:.2}" r="5" fill="{color}" fill-opacity="0.8"/>"##,
            x(p.index),
            y(p.loss)
        );
    }
    let _ = write!(
        s,
        r##"<circle cx="{}" cy="{}" r="5" fill="#40d040"/><text x="{}" y="{}" fill="#cccccc" font-size="13">minimum ({})</text><circle cx="{}" cy="{}" r="5" fill="#ff5050"/><text x="{}" y="{}" fill="#cccccc" font-size="13">saddle ({}); {} searches rejected (|grad L| ≥ 1e-8)</text>"##,
        fx0 + 20.0,
        fy0 + 20.0,
        fx0 + 30.0,
        fy0 + 25.0,
        c.minima(),
        fx0 + 20.0,
        fy0 + 40.0,
        fx0 + 30.0,
        fy0 + 45.0,
        c.saddles(),
        c.rejected
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" fill="#cccccc" font-size="14" text-anchor="middle">index (share of negative Hessian eigenvalues)</text><text x="20" y="{}" fill="#cccccc" font-size="14">loss</text>"##,
        (fx0 + fx1) / 2.0,
        fy1 + 45.0,
        (fy0 + fy1) / 2.0
    );
    let caption = [
        "Each dot is a point where the gradient is 0 (|grad L| < 1e-8), placed by its loss and the share of directions in which the loss goes down;",
        "if bad local minima were common, many green dots (index 0) would sit high on the loss axis, among the red saddles.",
    ];
    for (k, line) in caption.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{left}" y="{}" fill="#dddddd" font-size="13">{}</text>"##,
            h - 38.0 + 18.0 * k as f64,
            esc(line)
        );
    }
    s.push_str("</svg>");
    s
}
