//! `losscape basins`: where an optimizer ends from every cell of a grid of starts.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;

use super::{CliError, SurfaceArgs, apply_schedule, out_extension, parse, resolve};
use crate::figure;
use crate::sim::run::basins::{Basin, BasinJob, BasinMap, Progress};
use crate::sim::{Domain, Dtype, OptimizerSpec};

/// `losscape basins`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape basins --surface himmelblau --optimizer adam:lr=0.05 --grid 256 --steps 500 --out himmelblau-basins.png\n  losscape basins --surface rosenbrock --optimizer adam:lr=0.01 --grid 256 --steps 500 --domain=-2,2,-1,3 --out basins.csv"
)]
pub struct BasinsArgs {
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The optimizer, as a SPEC: NAME[:key=value,...].
    #[arg(long, value_name = "SPEC")]
    pub optimizer: String,
    /// Start points per side of the grid (1 to 4096): N×N runs.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse::GRID)]
    pub grid: usize,
    /// Updates per run.
    #[arg(long, value_name = "K", allow_hyphen_values = true, value_parser = parse::STEPS)]
    pub steps: usize,
    /// The domain of start points X0,X1,Y0,Y1 (default: the surface's own; [-3,3]² for a
    /// formula). Each start is the centre of its grid cell.
    #[arg(long, value_name = "X0,X1,Y0,Y1", allow_hyphen_values = true, value_parser = parse::domain)]
    pub domain: Option<Domain>,
    /// Output file: .png (the map) or .csv (one row per start). Without it, only the time and
    /// the count per end point are printed.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x820", value_parser = parse::size)]
    pub size: (u32, u32),
    /// The type the runs compute in, by PyTorch's names: float64 (bit for bit what `simulate`
    /// and the app compute) or float32 (PyTorch's default dtype; about twice as fast).
    #[arg(long, value_name = "DTYPE", default_value = "float64", value_parser = parse_dtype)]
    pub dtype: Dtype,
    /// A learning-rate schedule NAME[:key=value,...], stepped after every step as in PyTorch:
    /// step:step_size=N[,gamma=F], exponential:gamma=F, cosine:t_max=N[,eta_min=F],
    /// cosine-restarts:t_0=N[,t_mult=N,eta_min=F], linear[:start_factor=F,end_factor=F,total_iters=N],
    /// onecycle:max_lr=F,total_steps=N[,pct_start=F,anneal_strategy=cos|linear,...].
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<String>,
}

/// Parses a dtype: `float32` or `float64` (or `f32`, `f64`).
fn parse_dtype(s: &str) -> Result<Dtype, String> {
    s.parse()
}

/// `losscape basins`: runs the grid, writes the map, prints the time and the count per end.
pub(super) fn basins_command(
    args: &BasinsArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let extension = match &args.out {
        Some(path) => Some(out_extension(path, &["png", "csv"])?),
        None => None,
    };
    let surface = resolve(&args.surface)?;
    let mut spec = OptimizerSpec::parse(&args.optimizer)
        .map_err(|e| CliError::Input(format!("--optimizer '{}': {e}", args.optimizer)))?;
    apply_schedule(&mut spec, args.schedule.as_deref())?;
    let domain = args.domain.unwrap_or_else(|| surface.default_domain());
    let job =
        BasinJob { surface, spec, domain, grid: args.grid, steps: args.steps, dtype: args.dtype };
    let progress = Progress::default();
    let grid = args.grid;
    let map = super::with_progress(
        err,
        60,
        || job.run(&progress),
        |err| {
            let done = progress.done() as usize;
            let bar = "█".repeat(30 * done / grid) + &"░".repeat(30 - 30 * done / grid);
            write!(err, "\r{bar} {:3}%  {done}/{grid} rows", 100 * done / grid)
        },
    )
    .map_err(|e| CliError::Input(e.to_string()))?;
    let computed = started.elapsed();
    if let (Some(path), Some(extension)) = (&args.out, extension) {
        let bytes = match extension.as_str() {
            "csv" => basins_csv(&map).into_bytes(),
            _ => {
                let (width, height) = args.size;
                let canvas = figure::Canvas::new(width, height);
                let fig = figure::basins::figure(&map, canvas)
                    .map_err(|e| CliError::Input(e.to_string()))?;
                figure::raster::to_png(&fig, None).map_err(|e| CliError::Input(e.to_string()))?
            }
        };
        figure::write_atomic(path, &bytes).map_err(|e| CliError::Input(e.to_string()))?;
    }
    let runs = args.grid * args.grid;
    let steps = runs as f64 * args.steps as f64;
    write!(
        out,
        "{} on {}: {runs} runs of {} steps in {:.3} s ({:.0} M steps/s on {} threads)",
        map.job.spec,
        map.job.surface.name(),
        args.steps,
        computed.as_secs_f64(),
        steps / computed.as_secs_f64().max(1e-9) / 1e6,
        crate::sim::run::parallel::thread_count(),
    )?;
    match &args.out {
        Some(path) => {
            writeln!(out, "; wrote {} in {:.3} s", path.display(), started.elapsed().as_secs_f64())?
        }
        None => writeln!(out)?,
    }
    counts_table(out, &map)?;
    out.flush()?;
    Ok(())
}

/// The count and share of runs per end: each basin found, still moving, diverged.
fn counts_table(out: &mut impl Write, map: &BasinMap) -> io::Result<()> {
    let runs = map.job.grid * map.job.grid;
    let (at, moving, diverged) = map.counts();
    let mut rows: Vec<(String, usize)> = at
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(i, &n)| (map.label(Basin::At(i as u16)), n))
        .collect();
    rows.push(("still moving".to_owned(), moving));
    rows.push(("diverged".to_owned(), diverged));
    let width = rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    for (label, n) in rows {
        let pad = width - label.chars().count();
        writeln!(
            out,
            "  {label}{}  {n:>8}  {:5.1}%",
            " ".repeat(pad),
            100.0 * n as f64 / runs as f64
        )?;
    }
    Ok(())
}

/// `x,y,end_x,end_y,basin,diverged_at`, one row per start, row by row from `y_min`; numbers
/// in the shortest form that reads back to the same float (zmij: a grid of a million rows is
/// written in well under a second).
fn basins_csv(map: &BasinMap) -> String {
    use std::fmt::Write as _;
    let n = map.job.grid;
    // Each basin's token once, not once per cell.
    let attractors: Vec<String> =
        (0..map.attractors.len()).map(|i| map.token(Basin::At(i as u16))).collect();
    let token = |b: Basin| match b {
        Basin::At(i) => attractors[usize::from(i)].as_str(),
        Basin::Moving => "moving",
        Basin::Diverged => "diverged",
    };
    let mut number = zmij::Buffer::new();
    let mut s = String::with_capacity(n * n * 80 + 64);
    s.push_str("x,y,end_x,end_y,basin,diverged_at\n");
    for j in 0..n {
        for i in 0..n {
            let start = map.cell_centre(i, j);
            let (end, diverged) = map.ends[j * n + i];
            for v in [start.x, start.y, end.x, end.y] {
                s.push_str(number.format(v));
                s.push(',');
            }
            s.push_str(token(map.basins[j * n + i]));
            s.push(',');
            if let Some(k) = diverged {
                let _ = write!(s, "{k}");
            }
            s.push('\n');
        }
    }
    s
}
