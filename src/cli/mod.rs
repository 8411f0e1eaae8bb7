//! The command line: `losscape [--scene FILE]` opens the app; the sub-commands run the
//! simulation core headless (SPEC §4).
//!
//! Parsing is clap's; everything after parsing is [`run`], which writes to the given streams so
//! that tests can drive it in-process. Errors are values: a usage error exits 2 (clap's own
//! convention), anything that goes wrong afterwards exits 1, and nothing panics.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser};

use crate::sim::{Builtin, Formula, LrSchedule, OptimizerSpec, SurfaceDef};

mod basins;
mod census;
mod critical;
mod data;
mod files;
mod interpolate;
mod landscape;
mod model;
mod parse;
mod render;
mod simulate;
mod spectrum;
mod surfaces;

pub use basins::BasinsArgs;
pub use census::CensusArgs;
pub use critical::CriticalArgs;
pub use data::{DataArgs, NetArgs};
pub use interpolate::InterpolateArgs;
pub use landscape::LandscapeArgs;
pub use model::ModelArgs;
pub use render::RenderArgs;
pub use simulate::{Format, HyperArgs, SimulateArgs};
pub use spectrum::SpectrumArgs;
pub use surfaces::{SurfacesArgs, TableFormat};

/// The most steps `simulate` takes (each point is 40 bytes in memory before it is written).
pub const MAX_STEPS: usize = 1_000_000;

/// See why saddles and plateaus, not bad local minima, slow optimisation down.
///
/// Without a sub-command, opens the app on the saddle lecture (or on --scene FILE).
#[derive(Debug, Parser)]
#[command(name = "losscape", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Open the app on this scene file (JSON) instead of the default lecture.
    #[arg(long, value_name = "FILE")]
    pub scene: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Subcommand>,
}

/// The headless sub-commands.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Run one optimizer from one start point; print the trajectory (CSV or JSON) on stdout.
    ///
    /// CSV has the header `step,x,y,loss` and one row per point, point 0 being the start; numbers
    /// are printed with full float64 round-trip precision. A run that diverges prints its
    /// finite points, says `diverged at step K` on stderr, and exits 0.
    Simulate(Box<SimulateArgs>),
    /// Print the critical points of a surface inside a domain as CSV: `x,y,value,kind,eig1,eig2`.
    ///
    /// kind is min, max, saddle or degenerate, by the signs of the Hessian's eigenvalues
    /// eig1 ≤ eig2.
    #[command(after_help = "Example:\n  losscape critical --surface bowls")]
    Critical(CriticalArgs),
    /// Draw the figure the app would show — heatmap, contours, trajectories, start points,
    /// critical points, legend, axes — as PNG, SVG or an animated GIF, without a display or GPU.
    ///
    /// Either from a scene file (--scene), or from a surface with optimizers and start points
    /// (--optimizer and --start repeat; every optimizer runs from every start).
    Render(Box<RenderArgs>),
    /// Print the catalogue of built-in surfaces: name, domain and formula.
    Surfaces(SurfacesArgs),
    /// Run an optimizer from every cell of an N×N grid of starts and map where each run ends:
    /// which minimum (or saddle), still moving, or diverged.
    ///
    /// Writes the map as a picture (.png: basins over the heatmap, with a legend) or as CSV
    /// (.csv: `x,y,end_x,end_y,basin,diverged_at`, one row per start); prints the time and the
    /// count per end on stdout, and the progress on stderr when it is a terminal. Runs on all
    /// cores.
    Basins(Box<BasinsArgs>),
    /// Train a network D-H[-H…]-K (D inputs, tanh hidden layers; K = 1 the logit of a 0/1
    /// label, K ≥ 2 the logits of K classes) full-batch on labelled data (a 2-D data set, a CSV
    /// x1,…,xD,label, or the digits), print its loss, and map a 2-D slice of its loss around
    /// the trained parameters, L(θ + α·δ + β·η), as .png (with the training path projected) or
    /// .csv (alpha,beta,loss).
    Landscape(Box<LandscapeArgs>),
    /// Train a network as `landscape` does and write the 1-D line from the initialisation θ₀ to
    /// the trained θ: L((1−α)·θ₀ + α·θ) for α from −0.5 to 1.5, as .png or .csv (alpha,loss).
    Interpolate(Box<InterpolateArgs>),
    /// Find critical points of a small network's loss (D-H[-H…]-K, at most 400 parameters) from
    /// many starts (Levenberg–Marquardt on ½‖∇L‖², accepted only where ‖∇L‖ < 1e-8) and write
    /// each one's loss and index (the share of negative Hessian eigenvalues): CSV
    /// `loss,index,negative,grad_norm,min_eig,max_eig`, or a PNG or SVG of loss against index
    /// and two Hessian spectra (Dauphin et al. 2014, Fig. 1);
    /// several networks (`--net 2-6-1,2-12-1`) side by side (with several networks the CSV has
    /// a first column net).
    ///
    /// `--params-out` writes one row of parameters per critical point, in the CSV's order (with
    /// several networks a first column net, shorter rows ending in empty cells). The figure is
    /// 960x860 for one network and 700 wider for each more, unless `--size` says otherwise.
    Census(Box<CensusArgs>),
    /// Train a network D-H[-H…]-K (tanh hidden layers; K = 1 a logit, K ≥ 2 class logits)
    /// full-batch and estimate its Hessian's eigenvalue density at chosen steps of training by
    /// stochastic Lanczos quadrature (exact Hessian-vector products, M Lanczos steps with full
    /// reorthogonalisation, P Rademacher probes): CSV
    /// `step,loss,lambda_min,lambda_max,trace,negative_share,flat_share`, the densities
    /// (`--density-out`), θ (`--params-out`), or a PNG or SVG of the densities and the negative
    /// share against the loss. Networks of 10⁵ parameters on real data (`--dataset digits`).
    ///
    /// `--params-out` writes θ at each step of --at, one row each. The figure is 1200x640 unless
    /// `--size` says otherwise.
    Spectrum(Box<SpectrumArgs>),
}

/// Which surface: a catalogue name, a typed formula, or a model on data (exactly one).
#[derive(Debug, Args)]
pub struct SurfaceArgs {
    /// A built-in surface (see `losscape surfaces`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["formula", "model"])]
    pub surface: Option<String>,
    /// A formula f(x, y), e.g. 'x^2 - y^2' or '(1-x)^2 + 100*(y-x^2)^2'.
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true, conflicts_with = "model")]
    pub formula: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// What went wrong after parsing.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A bad value: what and where (the first line of the message).
    #[error("{0}")]
    Input(String),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Io(#[from] io::Error),
}

/// The surface named by `--surface`, typed with `--formula`, or a `--model` on data.
fn resolve(args: &SurfaceArgs) -> Result<SurfaceDef, CliError> {
    if let Some(model) = model::model_surface(&args.model)? {
        return Ok(SurfaceDef::Model(Arc::new(model)));
    }
    match (&args.surface, &args.formula) {
        (Some(name), _) => name
            .parse::<Builtin>()
            .map(SurfaceDef::Builtin)
            .map_err(|e| CliError::Input(format!("--surface: {e}"))),
        (None, Some(text)) => match Formula::parse(text) {
            Ok(f) => Ok(SurfaceDef::Formula(Arc::new(f))),
            Err(e) => {
                let caret = format!("{}^", " ".repeat(e.column.saturating_sub(1)));
                Err(CliError::Input(format!(
                    "--formula: bad formula at column {}: {}\n  {text}\n  {caret}",
                    e.column, e.message
                )))
            }
        },
        (None, None) => Err(CliError::Input(
            "give --surface NAME, --formula EXPR or --model NAME (--data FILE.csv | --dataset NAME)"
                .into(),
        )),
    }
}

/// Puts the schedule of `--schedule` (if given) on `spec`.
fn apply_schedule(spec: &mut OptimizerSpec, schedule: Option<&str>) -> Result<(), CliError> {
    let Some(text) = schedule else { return Ok(()) };
    let schedule = LrSchedule::parse(text)
        .map_err(|e| CliError::Input(format!("--schedule '{text}': {e}")))?;
    spec.set_schedule(Some(schedule))
        .map_err(|e| CliError::Input(format!("--schedule '{text}' on {}: {e}", spec.kind())))
}

/// Runs a parsed command line that has a sub-command; `out` gets the results, `err` the
/// diagnostics that are not errors (`diverged at step K`).
pub fn run(
    command: &Subcommand,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        Subcommand::Simulate(args) => simulate::simulate_command(args, out, err),
        Subcommand::Critical(args) => critical::critical_command(args, out),
        Subcommand::Surfaces(args) => surfaces::surfaces_command(args, out),
        Subcommand::Render(args) => render::render_command(args, out),
        Subcommand::Basins(args) => basins::basins_command(args, out, err),
        Subcommand::Landscape(args) => landscape::landscape_command(args, out),
        Subcommand::Interpolate(args) => interpolate::interpolate_command(args, out),
        Subcommand::Census(args) => census::census_command(args, out, err),
        Subcommand::Spectrum(args) => spectrum::spectrum_command(args, out, err),
    }
}

/// The lower-case extension of `--out`, which must be one of `allowed`.
fn out_extension(out: &std::path::Path, allowed: &[&str]) -> Result<String, CliError> {
    let extension =
        out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if allowed.contains(&extension.as_str()) {
        return Ok(extension);
    }
    let names: Vec<String> = allowed.iter().map(|e| format!(".{e}")).collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    Err(CliError::Input(format!("--out {}: the file must end in {list}", out.display())))
}

/// Runs `work`; while it runs, when stderr is a terminal, `report` writes its progress on one
/// line of `err` every 100 ms (a line `clear` characters wide, blanked at the end). Without a
/// terminal, `work` runs on this thread and nothing is written.
fn with_progress<T: Send>(
    err: &mut impl Write,
    clear: usize,
    work: impl FnOnce() -> T + Send,
    mut report: impl FnMut(&mut dyn Write) -> io::Result<()>,
) -> T {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        return work();
    }
    std::thread::scope(|scope| {
        let worker = scope.spawn(work);
        while !worker.is_finished() {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let _ = report(err);
            let _ = err.flush();
        }
        let _ = write!(err, "\r{}\r", " ".repeat(clear));
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Runs a sub-command on the process's stdout and stderr and turns the outcome into an exit
/// code: 0 on success (and when stdout is closed early, as by `| head`), 1 on an error.
pub fn run_main(command: &Subcommand) -> std::process::ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    match run(command, &mut out, &mut err) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            // The output so far is useless without the rest; errors go to stderr.
            let _ = writeln!(err, "error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
