//! The command line: `losscape [--scene FILE]` opens the app; the sub-commands run the
//! simulation core headless (SPEC §4).
//!
//! Parsing is clap's; everything after parsing is [`run`], which writes to the given streams so
//! that tests can drive it in-process. Errors are values: a usage error exits 2 (clap's own
//! convention), anything that goes wrong afterwards exits 1, and nothing panics.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::figure::{self, Figure, MAX_SIDE};
use crate::scene::{OptimizerEntry, Rgb, Scene, SurfaceChoice, default_color};
use crate::sim::basins::{self, Basin, BasinJob, BasinMap, Progress};
use crate::sim::cloud::Cloud;
use crate::sim::{
    Builtin, Domain, Dtype, Formula, LrSchedule, Noise, OptimizerSpec, Param, Point, SurfaceDef,
    critical_points, simulate,
};

mod census;
mod models;
pub use census::CensusArgs;
pub use models::{InterpolateArgs, LandscapeArgs, ModelArgs, NetArgs};

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
    pub command: Option<Command>,
}

/// The headless sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one optimizer from one start point; print the trajectory (CSV or JSON) on stdout.
    ///
    /// CSV has the header `step,x,y,loss` and one row per point, point 0 being the start; numbers
    /// are printed with full float64 round-trip precision. A run that diverges prints its
    /// finite points, says `diverged at step K` on stderr, and exits 0.
    #[command(
        after_help = "Examples:\n  losscape simulate --surface rosenbrock --optimizer adam:lr=0.05 --start -1.5,2 --steps 300\n  losscape simulate --formula 'x^2 + 3*y^2' --optimizer momentum --lr 0.05 --start=-2,1 --steps 100 --format json\n  losscape simulate --surface escape-saddle --optimizer gd:lr=0.1 --start 0,0 --steps 200 --noise 0.01 --seed 3"
    )]
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
    #[command(
        after_help = "Examples:\n  losscape render --scene assets/scenes/saddle.json --out saddle.png\n  losscape render --surface rosenbrock --log-scale --optimizer adam:lr=0.05 --optimizer momentum:lr=0.0005 --start=-1.5,2 --start 0,-0.5 --steps 300 --out banana.svg\n  losscape render --surface plateau --optimizer gd:lr=0.5 --optimizer adam:lr=0.1 --start 3.5,2.5 --steps 300 --out plateau.gif --frames 60 --fps 20"
    )]
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
    #[command(
        after_help = "Examples:\n  losscape basins --surface himmelblau --optimizer adam:lr=0.05 --grid 256 --steps 500 --out himmelblau-basins.png\n  losscape basins --surface rosenbrock --optimizer adam:lr=0.01 --grid 256 --steps 500 --domain=-2,2,-1,3 --out basins.csv"
    )]
    Basins(Box<BasinsArgs>),
    /// Train a small network (2-H[-H…]-1, tanh, logit out) full-batch on 2-D classification
    /// data, print its loss, and map a 2-D slice of its loss around the trained parameters,
    /// L(θ + α·δ + β·η), as .png (with the training path projected) or .csv (alpha,beta,loss).
    #[command(
        after_help = "Examples:\n  losscape landscape --dataset moons --net 2-16-16-1 --train adam:lr=0.01 --train-steps 2000 --seed 0 --out moons-slice.png\n  losscape landscape --dataset spirals --net 2-32-32-1 --train adam:lr=0.01 --train-steps 3000 --seed 1 --directions raw --grid 41 --span 1 --out slice.csv --save slice.json"
    )]
    Landscape(Box<LandscapeArgs>),
    /// Train a network as `landscape` does and write the 1-D line from the initialisation θ₀ to
    /// the trained θ: L((1−α)·θ₀ + α·θ) for α from −0.5 to 1.5, as .png or .csv (alpha,loss).
    #[command(
        after_help = "Example:\n  losscape interpolate --dataset moons --net 2-16-16-1 --train adam:lr=0.01 --train-steps 2000 --seed 0 --out line.png"
    )]
    Interpolate(Box<InterpolateArgs>),
    /// Find critical points of a small network's loss from many starts (Levenberg–Marquardt on
    /// ½‖∇L‖², accepted only where ‖∇L‖ < 1e-8) and write each one's loss and index (the share
    /// of negative Hessian eigenvalues): CSV `loss,index,negative,grad_norm,min_eig,max_eig`, or
    /// a PNG or SVG of loss against index and two Hessian spectra (Dauphin et al. 2014, Fig. 1);
    /// several networks (`--net 2-6-1,2-12-1`) side by side.
    #[command(
        after_help = "Example:\n  losscape census --dataset moons --points 40 --net 2-6-1 --weight-decay 0.001 --starts 80 --seed 3 --out census.csv --params-out params.csv"
    )]
    Census(Box<CensusArgs>),
}

/// `losscape basins`.
#[derive(Debug, Args)]
pub struct BasinsArgs {
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The optimizer, as a SPEC: NAME[:key=value,...].
    #[arg(long, value_name = "SPEC")]
    pub optimizer: String,
    /// Start points per side of the grid (1 to 4096): N×N runs.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_grid)]
    pub grid: usize,
    /// Updates per run.
    #[arg(long, value_name = "K", allow_hyphen_values = true, value_parser = parse_steps)]
    pub steps: usize,
    /// The domain of start points X0,X1,Y0,Y1 (default: the surface's own; [-3,3]² for a
    /// formula). Each start is the centre of its grid cell.
    #[arg(long, value_name = "X0,X1,Y0,Y1", allow_hyphen_values = true, value_parser = parse_domain)]
    pub domain: Option<Domain>,
    /// Output file: .png (the map) or .csv (one row per start). Without it, only the time and
    /// the count per end point are printed.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x820", value_parser = parse_size)]
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

/// `losscape render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Draw this scene file (JSON, as the app saves it); the other flags given override its
    /// values (surface, domain, optimizers, starts, steps, noise, seed, cloud, view).
    #[arg(long, value_name = "FILE")]
    pub scene: Option<PathBuf>,
    /// A built-in surface (see `losscape surfaces`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["formula", "model"], required_unless_present_any = ["scene", "formula", "model"])]
    pub surface: Option<String>,
    /// A formula f(x, y).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true, conflicts_with = "model")]
    pub formula: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// The domain X0,X1,Y0,Y1 (default: the surface's own).
    #[arg(long, value_name = "X0,X1,Y0,Y1", allow_hyphen_values = true, value_parser = parse_domain)]
    pub domain: Option<Domain>,
    /// An optimizer NAME[:key=value,...]; repeat for several.
    #[arg(long, value_name = "SPEC", required_unless_present = "scene")]
    pub optimizer: Vec<String>,
    /// A learning-rate schedule for every optimizer (over a scene's own), e.g. cosine:t_max=300;
    /// see `losscape simulate --help`.
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<String>,
    /// A start point X,Y; repeat for several (write --start=-1.5,2 for a negative x).
    #[arg(long, value_name = "X,Y", allow_hyphen_values = true, value_parser = parse_point, required_unless_present_any = ["scene", "cloud"])]
    pub start: Vec<Point>,
    /// Updates per run (default 300).
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_steps)]
    pub steps: Option<usize>,
    /// Gaussian gradient noise σ for every optimizer.
    #[arg(long, value_name = "SIGMA", allow_hyphen_values = true, value_parser = parse_sigma)]
    pub noise: Option<f64>,
    /// Seed of the gradient noise and of the cloud's start points (default 0).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// A cloud of N runs per optimizer (1 to 100000), from starts spread uniformly over the
    /// domain (seeded by --seed), drawn as moving points.
    #[arg(long, value_name = "N", value_parser = parse_cloud)]
    pub cloud: Option<usize>,
    /// The output: .png, .svg or .gif (animated).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Figure size in pixels.
    #[arg(long, value_name = "WxH", default_value = "1200x900", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Pixel density of PNG and GIF output: 2 gives a sharp 2× image of the same figure.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_density)]
    pub density: f32,
    /// Draw the trajectories up to this step only (PNG, SVG).
    #[arg(long, value_name = "K", value_parser = parse_steps)]
    pub step: Option<usize>,
    /// Frames of a GIF, evenly spaced over the steps.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub frames: usize,
    /// Frames per second of a GIF.
    #[arg(long, value_name = "F", default_value_t = 20.0)]
    pub fps: f64,
    /// Colour map: viridis, magma, cividis, turbo, ... (default: the scene's).
    #[arg(long, value_name = "NAME")]
    pub colormap: Option<String>,
    /// Logarithmic colour scale (rosenbrock, beale).
    #[arg(long)]
    pub log_scale: bool,
    /// Number of contour levels (default: the scene's, 20).
    #[arg(long, value_name = "N")]
    pub contours: Option<usize>,
    /// Title line (default: the scene's title, or the formula).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The projection: 2d (the map) or 3d (the surface in perspective, runs drawn on it and
    /// hidden behind hills). Default: the scene's.
    #[arg(long, value_name = "2d|3d", value_parser = parse_view_mode)]
    pub view: Option<crate::figure::view3d::ViewMode>,
    /// 3-D camera azimuth in degrees: 0 looks from the +x side, 90 from +y (default -60).
    #[arg(long, value_name = "DEG", allow_hyphen_values = true, value_parser = parse_azimuth)]
    pub azimuth: Option<f64>,
    /// 3-D camera elevation in degrees, -90 to 90: 90 looks straight down (default 30).
    #[arg(long, value_name = "DEG", allow_hyphen_values = true, value_parser = parse_elevation)]
    pub elevation: Option<f64>,
    /// A 3-D GIF of the camera turning a full circle around the finished runs (instead of the
    /// runs growing).
    #[arg(long)]
    pub orbit: bool,
}

fn parse_view_mode(s: &str) -> Result<crate::figure::view3d::ViewMode, String> {
    use crate::figure::view3d::ViewMode;
    match s.trim().to_ascii_lowercase().as_str() {
        "2d" => Ok(ViewMode::Map),
        "3d" => Ok(ViewMode::Surface),
        _ => Err(format!("expected 2d or 3d, got '{s}'")),
    }
}

fn parse_azimuth(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{s}' is not an angle in degrees")),
    }
}

fn parse_elevation(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (-90.0..=90.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("the elevation must be from -90 to 90 degrees, got {v}")),
        Err(_) => Err(format!("'{s}' is not an angle in degrees")),
    }
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

/// `losscape simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The optimizer: NAME[:key=value,...], e.g. adam:lr=0.05,beta1=0.8. Names: gd, momentum,
    /// nesterov, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta, rprop, asgd,
    /// adafactor, lbfgs, newton, sfn.
    #[arg(long, value_name = "SPEC")]
    pub optimizer: String,
    /// The start point X,Y (write --start=-1.5,2 or --start -1.5,2).
    #[arg(long, value_name = "X,Y", allow_hyphen_values = true, value_parser = parse_point)]
    pub start: Point,
    /// Number of updates; the trajectory has steps + 1 points.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_steps)]
    pub steps: usize,
    #[command(flatten)]
    pub hyper: HyperArgs,
    /// Gaussian gradient noise: standard deviation per component.
    #[arg(long, value_name = "SIGMA", allow_hyphen_values = true, value_parser = parse_sigma)]
    pub noise: Option<f64>,
    /// Seed of the gradient noise (default 0).
    #[arg(long, value_name = "N", requires = "noise")]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// A learning-rate schedule NAME[:key=value,...], stepped after every step as in PyTorch:
    /// step:step_size=N[,gamma=F], exponential:gamma=F, cosine:t_max=N[,eta_min=F],
    /// cosine-restarts:t_0=N[,t_mult=N,eta_min=F], linear[:start_factor=F,end_factor=F,total_iters=N],
    /// onecycle:max_lr=F,total_steps=N[,pct_start=F,anneal_strategy=cos|linear,...].
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<String>,
}

/// Hyper-parameter flags; each overrides the value in the SPEC. An optimizer that does not take
/// a given hyper-parameter makes it an error.
#[derive(Debug, Args)]
pub struct HyperArgs {
    /// Learning rate.
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub lr: Option<f64>,
    /// Momentum factor (momentum, nesterov).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub momentum: Option<f64>,
    /// Momentum dampening (momentum).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub dampening: Option<f64>,
    /// Smoothing constant α (rmsprop).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// β₁ (adam, adamw, nadam).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub beta1: Option<f64>,
    /// β₂ (adam, adamw, nadam).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub beta2: Option<f64>,
    /// ε (adagrad, rmsprop, adam, adamw, nadam).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub eps: Option<f64>,
    /// Use AMSGrad (adam).
    #[arg(long)]
    pub amsgrad: bool,
    /// Decoupled weight decay (adamw).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub weight_decay: Option<f64>,
    /// Momentum decay ψ (nadam).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub momentum_decay: Option<f64>,
    /// Damping λ added to the Hessian (newton, sfn).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub damping: Option<f64>,
}

/// `losscape critical`.
#[derive(Debug, Args)]
pub struct CriticalArgs {
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The domain X0,X1,Y0,Y1 (default: the surface's own; [-3,3]² for a formula).
    #[arg(long, value_name = "X0,X1,Y0,Y1", allow_hyphen_values = true, value_parser = parse_domain)]
    pub domain: Option<Domain>,
}

/// `losscape surfaces`.
#[derive(Debug, Args)]
pub struct SurfacesArgs {
    /// table: aligned for reading; csv: `name,x_min,x_max,y_min,y_max,formula` for scripts.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// Output format of `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

/// Output format of `surfaces`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Csv,
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

/// Parses `X,Y` into a finite point.
pub fn parse_point(s: &str) -> Result<Point, String> {
    let v = parse_numbers(s, 2, "X,Y")?;
    Ok(Point::new(v[0], v[1]))
}

/// Parses `X0,X1,Y0,Y1` into a domain.
pub fn parse_domain(s: &str) -> Result<Domain, String> {
    let v = parse_numbers(s, 4, "X0,X1,Y0,Y1")?;
    Domain::new(v[0], v[1], v[2], v[3]).map_err(|e| e.to_string())
}

fn parse_numbers(s: &str, n: usize, shape: &str) -> Result<Vec<f64>, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != n {
        return Err(format!("expected {n} numbers {shape}, got {} in '{s}'", parts.len()));
    }
    parts
        .iter()
        .map(|p| match p.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(format!("'{p}' is not a finite number (in '{s}')")),
            Err(_) if p.is_empty() => {
                Err(format!("a number is missing in '{s}' (expected {shape})"))
            }
            Err(_) => Err(format!("'{p}' is not a number (in '{s}')")),
        })
        .collect()
}

/// Parses a dtype: `float32` or `float64` (or `f32`, `f64`).
fn parse_dtype(s: &str) -> Result<Dtype, String> {
    s.parse()
}

/// Parses a grid side: a whole number from 1 to [`basins::MAX_GRID`].
pub fn parse_grid(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if (1..=basins::MAX_GRID as i128).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("the grid must be 1 to {} cells a side (got {n})", basins::MAX_GRID)),
        Err(_) => Err(format!("'{s}' is not a whole number of cells")),
    }
}

/// Parses a step count: a whole number from 0 to [`MAX_STEPS`].
pub fn parse_steps(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if n < 0 => Err(format!("the number of steps cannot be negative (got {n})")),
        Ok(n) if n > MAX_STEPS as i128 => Err(format!("at most {MAX_STEPS} steps (got {n})")),
        Ok(n) => Ok(n as usize),
        Err(_) => Err(format!("'{s}' is not a whole number of steps")),
    }
}

fn parse_cloud(s: &str) -> Result<usize, String> {
    use crate::sim::cloud::MAX_CLOUD;
    match s.trim().parse::<i128>() {
        Ok(n) if (1..=MAX_CLOUD as i128).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("a cloud holds 1 to {MAX_CLOUD} runs per optimizer (got {n})")),
        Err(_) => Err(format!("'{s}' is not a whole number of runs")),
    }
}

fn parse_sigma(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(_) => Err(format!("the noise must be a finite number ≥ 0 (got '{s}')")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// The surface named by `--surface`, typed with `--formula`, or a `--model` on data.
fn resolve(args: &SurfaceArgs) -> Result<SurfaceDef, CliError> {
    if let Some(model) = models::model_surface(&args.model)? {
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

/// The optimizer of `--optimizer`, with the hyper-parameter flags applied over it.
fn optimizer(args: &SimulateArgs) -> Result<OptimizerSpec, CliError> {
    let mut spec = OptimizerSpec::parse(&args.optimizer)
        .map_err(|e| CliError::Input(format!("--optimizer '{}': {e}", args.optimizer)))?;
    let h = &args.hyper;
    let flags = [
        (Param::Lr, h.lr),
        (Param::Momentum, h.momentum),
        (Param::Dampening, h.dampening),
        (Param::Alpha, h.alpha),
        (Param::Beta1, h.beta1),
        (Param::Beta2, h.beta2),
        (Param::Eps, h.eps),
        (Param::Amsgrad, h.amsgrad.then_some(1.0)),
        (Param::WeightDecay, h.weight_decay),
        (Param::MomentumDecay, h.momentum_decay),
        (Param::Damping, h.damping),
    ];
    for (param, value) in flags {
        if let Some(v) = value {
            spec.set(param, v).map_err(|e| {
                CliError::Input(format!("--{}: {e}", param.key().replace('_', "-")))
            })?;
        }
    }
    apply_schedule(&mut spec, args.schedule.as_deref())?;
    Ok(spec)
}

/// Runs a parsed command line that has a sub-command; `out` gets the results, `err` the
/// diagnostics that are not errors (`diverged at step K`).
pub fn run(command: &Command, out: &mut impl Write, err: &mut impl Write) -> Result<(), CliError> {
    match command {
        Command::Simulate(args) => simulate_command(args, out, err),
        Command::Critical(args) => critical_command(args, out),
        Command::Surfaces(args) => surfaces_command(args, out),
        Command::Render(args) => render_command(args, out),
        Command::Basins(args) => basins_command(args, out, err),
        Command::Landscape(args) => models::landscape_command(args, out),
        Command::Interpolate(args) => models::interpolate_command(args, out),
        Command::Census(args) => census::census_command(args, out, err),
    }
}

/// Parses `WxH`.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT in pixels, like 1200x900, got '{s}'"))?;
    let side = |t: &str| match t.trim().parse::<u32>() {
        Ok(v) if (160..=MAX_SIDE).contains(&v) => Ok(v),
        Ok(v) => Err(format!("each side must be from 160 to {MAX_SIDE} pixels, got {v}")),
        Err(_) => Err(format!("'{t}' is not a whole number of pixels (in '{s}')")),
    };
    Ok((side(w)?, side(h)?))
}

fn parse_density(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if (0.25..=4.0).contains(&v) => Ok(v),
        Ok(_) => Err(format!("the density must be from 0.25 to 4, got '{s}'")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// The scene `render` draws: the file, or one built from the flags; the view flags apply to
/// either.
fn render_scene(args: &RenderArgs) -> Result<Scene, CliError> {
    let surface_given =
        args.surface.is_some() || args.formula.is_some() || args.model.model.is_some();
    let choice = if surface_given || args.scene.is_none() {
        let surface_args = SurfaceArgs {
            surface: args.surface.clone(),
            formula: args.formula.clone(),
            model: args.model.clone(),
        };
        Some(match resolve(&surface_args)? {
            SurfaceDef::Builtin(b) => SurfaceChoice::Builtin(b),
            SurfaceDef::Formula(f) => SurfaceChoice::Formula(f.source().to_owned()),
            SurfaceDef::Model(m) => SurfaceChoice::Model((*m).clone()),
            SurfaceDef::Slice(_) => {
                return Err(CliError::Input("a network slice is drawn by `landscape`".into()));
            }
        })
    } else {
        None
    };
    let mut scene = match (&args.scene, choice) {
        (Some(path), choice) => {
            let mut scene =
                Scene::load(path).map_err(|e| CliError::Input(format!("--scene: {e}")))?;
            if let Some(choice) = choice {
                // Another surface: its own domain (unless --domain says otherwise), and a title
                // that names it rather than the lesson written for the scene's surface.
                scene.title = choice.label().to_owned();
                scene.caption.clear();
                scene.surface = choice;
                scene.domain = None;
            }
            scene
        }
        (None, Some(choice)) => {
            let mut scene = Scene::new(choice);
            scene.steps = 300;
            scene
        }
        (None, None) => {
            return Err(CliError::Input(
                "give --scene FILE, or a surface: --surface, --formula or --model".into(),
            ));
        }
    };
    // The flags given override the scene's values.
    if let Some(domain) = args.domain {
        scene.domain = Some(domain);
    }
    if !args.start.is_empty() {
        scene.starts = args.start.iter().map(|p| [p.x, p.y]).collect();
    }
    if let Some(steps) = args.steps {
        scene.steps = steps;
    }
    if let Some(count) = args.cloud {
        let seed = args.seed.or(scene.cloud.map(|c| c.seed)).unwrap_or(0);
        scene.cloud = Some(Cloud::uniform(count, seed));
    }
    if !args.optimizer.is_empty() {
        let mut used = Vec::new();
        scene.optimizers = Vec::with_capacity(args.optimizer.len());
        for text in &args.optimizer {
            let spec = OptimizerSpec::parse(text)
                .map_err(|e| CliError::Input(format!("--optimizer '{text}': {e}")))?;
            // Two optimizers of one kind (two learning rates, say) get two colours.
            let mut color = default_color(spec.kind());
            if used.contains(&color) {
                color = EXTRA_COLORS.into_iter().find(|c| !used.contains(c)).unwrap_or(color);
            }
            used.push(color);
            scene.optimizers.push(OptimizerEntry {
                spec,
                color,
                enabled: true,
                noise: Noise::NONE,
            });
        }
    }
    if args.noise.is_some() || args.seed.is_some() {
        for entry in &mut scene.optimizers {
            entry.noise = Noise {
                sigma: args.noise.unwrap_or(entry.noise.sigma),
                seed: args.seed.unwrap_or(entry.noise.seed),
            };
        }
    }
    for entry in &mut scene.optimizers {
        apply_schedule(&mut entry.spec, args.schedule.as_deref())?;
    }
    if let Some(name) = &args.colormap {
        scene.view.colormap =
            name.parse().map_err(|e| CliError::Input(format!("--colormap: {e}")))?;
    }
    if args.log_scale {
        scene.view.log_scale = true;
    }
    if let Some(n) = args.contours {
        scene.view.contours = n;
    }
    if let Some(title) = &args.title {
        scene.title = title.clone();
    }
    let projection = &mut scene.view.projection;
    projection.mode = args.view.unwrap_or(projection.mode);
    projection.azimuth = args.azimuth.unwrap_or(projection.azimuth);
    projection.elevation = args.elevation.unwrap_or(projection.elevation);
    scene.check().map_err(|e| CliError::Input(e.to_string()))?;
    Ok(scene)
}

/// Colours for a second optimizer of a kind already drawn (Paul Tol's muted palette).
const EXTRA_COLORS: [Rgb; 6] = [
    Rgb([0x88, 0xcc, 0xee]),
    Rgb([0x44, 0xaa, 0x99]),
    Rgb([0x11, 0x77, 0x33]),
    Rgb([0xdd, 0xcc, 0x77]),
    Rgb([0xaa, 0x44, 0x99]),
    Rgb([0x88, 0x22, 0x55]),
];

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

fn render_command(args: &RenderArgs, out: &mut impl Write) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let extension = out_extension(&args.out, &["png", "svg", "gif"])?;
    let scene = render_scene(args)?;
    let (width, height) = args.size;
    let layout = figure::Layout { width, height, density: args.density, view: None };
    if scene.view.projection.mode != figure::view3d::ViewMode::Map {
        return render_3d(args, &scene, layout, &extension, started, out);
    }
    if args.orbit {
        return Err(CliError::Input("--orbit turns the 3-D camera: add --view 3d".to_owned()));
    }
    let mut fig = Figure::of_scene(&scene, layout).map_err(|e| CliError::Input(e.to_string()))?;
    let paint = |e: figure::FigureError| CliError::Input(e.to_string());
    if scene.cloud.is_some() {
        // The cloud's positions at exactly the steps the output shows.
        let last = scene.steps;
        let steps = if extension == "gif" {
            figure::anim::Animation { from: 0, to: last, frames: args.frames, fps: args.fps }
                .steps(last)
        } else {
            figure::CloudFrames::steps_for_still(args.step.unwrap_or(last).min(last), last)
        };
        let surface = scene.surface.resolve().map_err(|e| CliError::Input(e.to_string()))?;
        fig.cloud = figure::CloudFrames::compute(&scene, &surface, &steps).map_err(paint)?;
    }
    let (bytes, what) = match extension.as_str() {
        "png" => (figure::raster::to_png(&fig, args.step).map_err(paint)?, String::new()),
        "svg" => (
            figure::svg::to_svg(&fig, args.step, figure::svg::Layers::ALL)
                .map_err(paint)?
                .into_bytes(),
            String::new(),
        ),
        _ => {
            let anim = figure::anim::Animation::whole(&fig, args.frames, args.fps);
            let mut bytes = Vec::new();
            let frames = figure::anim::to_gif(&fig, &anim, &mut bytes).map_err(paint)?;
            (bytes, format!(", {frames} frames"))
        }
    };
    figure::write_atomic(&args.out, &bytes).map_err(|e| CliError::Input(e.to_string()))?;
    writeln!(
        out,
        "wrote {} ({width}×{height}, {} trajectories{what}) in {:.3} s",
        args.out.display(),
        fig.tracks.len(),
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    Ok(())
}

/// `render` in 3-D (SPEC §4): the surface seen from the scene's camera.
fn render_3d(
    args: &RenderArgs,
    scene: &Scene,
    layout: figure::Layout,
    extension: &str,
    started: std::time::Instant,
    out: &mut impl Write,
) -> Result<(), CliError> {
    use figure::view3d::{self, Figure3d};
    if args.orbit && extension != "gif" {
        return Err(CliError::Input("--orbit makes an animation: write a .gif".to_owned()));
    }
    let mut fig = Figure3d::of_scene(scene, layout, scene.view.projection.camera())
        .map_err(|e| CliError::Input(e.to_string()))?;
    let paint = |e: figure::FigureError| CliError::Input(e.to_string());
    if scene.cloud.is_some() {
        // The cloud's positions at exactly the steps the output shows (as in 2-D).
        let last = fig.last_step().max(scene.steps);
        let steps = if extension == "gif" && !args.orbit {
            figure::anim::Animation { from: 0, to: last, frames: args.frames, fps: args.fps }
                .steps(last)
        } else {
            vec![args.step.unwrap_or(last).min(last)]
        };
        let surface = scene.surface.resolve().map_err(|e| CliError::Input(e.to_string()))?;
        fig.cloud = figure::CloudFrames::compute(scene, &surface, &steps).map_err(paint)?;
    }
    let (bytes, what) = match extension {
        "png" => (view3d::to_png(&fig, args.step).map_err(paint)?, String::new()),
        "svg" => (view3d::to_svg(&fig, args.step).map_err(paint)?.into_bytes(), String::new()),
        _ => {
            let mut bytes = Vec::new();
            let frames = if args.orbit {
                view3d::orbit_gif(&fig, args.frames, args.fps, &mut bytes)
            } else {
                view3d::to_gif(&fig, args.frames, args.fps, &mut bytes)
            }
            .map_err(paint)?;
            (bytes, format!(", {frames} frames"))
        }
    };
    figure::write_atomic(&args.out, &bytes).map_err(|e| CliError::Input(e.to_string()))?;
    let (width, height) = args.size;
    writeln!(
        out,
        "wrote {} ({width}×{height}, 3-D, {} trajectories{what}) in {:.3} s",
        args.out.display(),
        fig.tracks.len(),
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    Ok(())
}

fn simulate_command(
    args: &SimulateArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    let surface = resolve(&args.surface)?;
    let spec = optimizer(args)?;
    let noise = Noise { sigma: args.noise.unwrap_or(0.0), seed: args.seed.unwrap_or(0) };
    let trajectory = simulate(&surface, &spec, args.start, args.steps, noise);
    match args.format {
        Format::Csv => {
            writeln!(out, "step,x,y,loss")?;
            for (k, p) in trajectory.points.iter().enumerate() {
                writeln!(out, "{k},{:?},{:?},{:?}", p.point.x, p.point.y, p.loss)?;
            }
        }
        Format::Json => {
            let doc = JsonTrajectory {
                surface: surface.name(),
                formula: surface.formula(),
                optimizer: spec.to_string(),
                schedule: spec.schedule().map(ToString::to_string),
                start: [args.start.x, args.start.y],
                steps: args.steps,
                noise,
                diverged_at: trajectory.diverged_at,
                points: trajectory
                    .points
                    .iter()
                    .enumerate()
                    .map(|(step, p)| JsonPoint { step, x: p.point.x, y: p.point.y, loss: p.loss })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if let Some(k) = trajectory.diverged_at {
        writeln!(err, "diverged at step {k}")?;
    }
    Ok(())
}

/// The JSON document of `simulate --format json`.
#[derive(serde::Serialize)]
struct JsonTrajectory<'a> {
    surface: &'a str,
    formula: &'a str,
    optimizer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<String>,
    start: [f64; 2],
    steps: usize,
    noise: Noise,
    diverged_at: Option<usize>,
    points: Vec<JsonPoint>,
}

#[derive(serde::Serialize)]
struct JsonPoint {
    step: usize,
    x: f64,
    y: f64,
    loss: f64,
}

fn critical_command(args: &CriticalArgs, out: &mut impl Write) -> Result<(), CliError> {
    let surface = resolve(&args.surface)?;
    let domain = args.domain.unwrap_or_else(|| surface.default_domain());
    writeln!(out, "x,y,value,kind,eig1,eig2")?;
    for c in critical_points(&surface, &domain) {
        writeln!(
            out,
            "{:?},{:?},{:?},{},{:?},{:?}",
            c.point.x, c.point.y, c.value, c.kind, c.eigenvalues[0], c.eigenvalues[1]
        )?;
    }
    out.flush()?;
    Ok(())
}

fn surfaces_command(args: &SurfacesArgs, out: &mut impl Write) -> Result<(), CliError> {
    match args.format {
        TableFormat::Csv => {
            writeln!(out, "name,x_min,x_max,y_min,y_max,formula")?;
            for b in Builtin::ALL {
                let d = b.domain();
                writeln!(
                    out,
                    "{},{:?},{:?},{:?},{:?},\"{}\"",
                    b.name(),
                    d.x_min,
                    d.x_max,
                    d.y_min,
                    d.y_max,
                    b.formula()
                )?;
            }
        }
        TableFormat::Table => {
            let domains: Vec<String> = Builtin::ALL
                .iter()
                .map(|b| {
                    let d = b.domain();
                    format!("[{}, {}] × [{}, {}]", d.x_min, d.x_max, d.y_min, d.y_max)
                })
                .collect();
            let name_w = Builtin::ALL.iter().map(|b| b.name().len()).max().unwrap_or(0);
            let dom_w = domains.iter().map(|d| d.chars().count()).max().unwrap_or(0);
            writeln!(out, "{:name_w$}  {:dom_w$}  formula", "name", "domain")?;
            for (b, d) in Builtin::ALL.iter().zip(&domains) {
                let pad = dom_w - d.chars().count();
                writeln!(out, "{:name_w$}  {d}{}  {}", b.name(), " ".repeat(pad), b.formula())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn basins_command(
    args: &BasinsArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    use std::io::IsTerminal;
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
    let map = if io::stderr().is_terminal() {
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| job.run(&progress));
            while !worker.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(100));
                let done = progress.done() as usize;
                let bar =
                    "█".repeat(30 * done / args.grid) + &"░".repeat(30 - 30 * done / args.grid);
                let _ =
                    write!(err, "\r{bar} {:3}%  {done}/{} rows", 100 * done / args.grid, args.grid);
                let _ = err.flush();
            }
            let _ = write!(err, "\r{}\r", " ".repeat(60));
            worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    } else {
        job.run(&progress)
    }
    .map_err(|e| CliError::Input(e.to_string()))?;
    let computed = started.elapsed();
    if let (Some(path), Some(extension)) = (&args.out, extension) {
        let bytes = match extension.as_str() {
            "csv" => basins_csv(&map).into_bytes(),
            _ => {
                let (width, height) = args.size;
                let layout = figure::Layout::new(width, height);
                let fig = figure::basins::figure(&map, layout)
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
        crate::sim::parallel::thread_count(),
    )?;
    match &args.out {
        Some(path) => {
            writeln!(out, "; wrote {} in {:.3} s", path.display(), started.elapsed().as_secs_f64())?
        }
        None => writeln!(out)?,
    }
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
    out.flush()?;
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

/// Runs a sub-command on the process's stdout and stderr and turns the outcome into an exit
/// code: 0 on success (and when stdout is closed early, as by `| head`), 1 on an error.
pub fn run_main(command: &Command) -> std::process::ExitCode {
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
