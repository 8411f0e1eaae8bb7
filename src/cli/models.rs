//! The command line of the model surfaces and the network landscapes (SPEC §4):
//! `--model NAME (--data FILE.csv | --dataset NAME)` wherever a surface is chosen, and the
//! sub-commands `landscape` and `interpolate`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use super::CliError;
use crate::figure::{self, Figure, Track};
use crate::scene::{Rgb, Scene, SurfaceChoice};
use crate::sim::net::data::{self, Columns, Dataset};
use crate::sim::net::model::{Model, ModelKind};
use crate::sim::net::{self, Architecture, Directions, Network, Slice, Training};
use crate::sim::{OptimizerSpec, Point, Surface};

/// The most points a built-in data set is drawn with.
pub const MAX_POINTS: usize = 10_000;

/// `--model NAME (--data FILE.csv | --dataset NAME)`: a model surface on data.
#[derive(Clone, Debug, Default, Args)]
pub struct ModelArgs {
    /// A model surface: linreg, deep-linear, tanh-unit or logreg (its loss over two
    /// parameters x, y on data).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// The model's data: a CSV file with the header t,u (logreg: a,b,label).
    #[arg(long, value_name = "FILE.csv", requires = "model", conflicts_with = "dataset")]
    pub data: Option<PathBuf>,
    /// A built-in data set for the model: linear, unscaled, standardised, tanh (t,u);
    /// separable, overlapping (a,b,label). Default: the model's own.
    #[arg(long, value_name = "NAME", requires = "model")]
    pub dataset: Option<String>,
    /// Points of the built-in data set (default 100).
    #[arg(long = "data-points", value_name = "N", requires = "model", value_parser = parse_points)]
    pub data_points: Option<usize>,
    /// Noise of the built-in data set (its default if absent).
    #[arg(long = "data-noise", value_name = "S", requires = "model", value_parser = parse_noise)]
    pub data_noise: Option<f64>,
    /// Seed of the built-in data set (default 0).
    #[arg(long = "data-seed", value_name = "N", requires = "model")]
    pub data_seed: Option<u64>,
}

/// The model of `--model`, or `None` when it is absent.
///
/// # Errors
/// An unknown model or data set, or a data file that cannot be used (file, line, column).
pub fn model_surface(args: &ModelArgs) -> Result<Option<Model>, CliError> {
    let Some(name) = &args.model else { return Ok(None) };
    let kind = ModelKind::from_name(name).ok_or_else(|| {
        CliError::Input(format!(
            "--model: unknown model '{name}'; the models are: {}",
            ModelKind::ALL.map(ModelKind::name).join(", ")
        ))
    })?;
    let model = if let Some(path) = &args.data {
        Model::from_csv(kind, path).map_err(|e| CliError::Input(format!("--data {e}")))?
    } else {
        let dataset = match &args.dataset {
            Some(d) => Dataset::from_name(d).ok_or_else(|| {
                CliError::Input(format!(
                    "--dataset: unknown data set '{d}'; for {kind} the data sets are: {}",
                    data::names_with(kind.columns())
                ))
            })?,
            None => kind.default_dataset(),
        };
        let noise = args.data_noise.unwrap_or(dataset.default_noise());
        Model::on_dataset(
            kind,
            dataset,
            args.data_points.unwrap_or(100),
            noise,
            args.data_seed.unwrap_or(0),
        )
        .map_err(|e| CliError::Input(format!("--dataset: {e}")))?
    };
    Ok(Some(model))
}

fn parse_points(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if (1..=MAX_POINTS as i128).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("from 1 to {MAX_POINTS} points (got {n})")),
        Err(_) => Err(format!("'{s}' is not a whole number of points")),
    }
}

fn parse_noise(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(_) => Err(format!("the noise must be a finite number ≥ 0 (got '{s}')")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

fn parse_span(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e6 => Ok(v),
        Ok(_) => Err(format!("the span must be a number > 0 (got '{s}')")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

fn parse_side(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if (2..=1024).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("the grid must be 2 to 1024 points a side (got {n})")),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

fn parse_train_steps(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if (0..=1_000_000).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("from 0 to 1000000 training steps (got {n})")),
        Err(_) => Err(format!("'{s}' is not a whole number of steps")),
    }
}

fn parse_directions(s: &str) -> Result<Directions, String> {
    Directions::from_name(s).ok_or_else(|| format!("'{s}' is not one of filter, raw, init, pca"))
}

fn parse_wd(s: &str) -> Result<f64, String> {
    parse_noise(s).map_err(|e| e.replace("noise", "weight decay"))
}

/// The network flags shared by `landscape`, `interpolate` (and a census).
#[derive(Clone, Debug, Args)]
pub struct NetArgs {
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
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = parse_points)]
    pub points: usize,
    /// Noise of the built-in data set (its default if absent).
    #[arg(long, value_name = "S", value_parser = parse_noise)]
    pub noise: Option<f64>,
    /// The network: 2-H[-H…]-1 (tanh hidden layers, one logit out).
    #[arg(long, value_name = "2-H-…-1", default_value = "2-16-16-1")]
    pub net: String,
    /// The training optimizer, NAME[:key=value,...].
    #[arg(long, value_name = "SPEC", default_value = "adam:lr=0.01")]
    pub train: String,
    /// Full-batch training steps.
    #[arg(long, value_name = "K", default_value_t = 2000, value_parser = parse_train_steps)]
    pub train_steps: usize,
    /// Seed of the data set, the initialisation and the directions.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Weight decay wd in the loss's (wd/2)·‖θ‖².
    #[arg(long, value_name = "WD", default_value_t = 0.0, value_parser = parse_wd)]
    pub weight_decay: f64,
}

/// `losscape landscape`.
#[derive(Debug, Args)]
pub struct LandscapeArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// The slice's directions: filter (filter-normalised Gaussian), raw (Gaussian as drawn),
    /// init (δ = θ₀ − θ, η filter-normalised), pca (the training path's two principal
    /// directions).
    #[arg(long, value_name = "KIND", default_value = "filter", value_parser = parse_directions)]
    pub directions: Directions,
    /// Points per side of the map.
    #[arg(long, value_name = "G", default_value_t = 51, value_parser = parse_side)]
    pub grid: usize,
    /// The map covers [−A, A]².
    #[arg(long, value_name = "A", default_value_t = 1.0, value_parser = parse_span)]
    pub span: f64,
    /// Output: .png (the slice with the projected training path) or .csv (alpha,beta,loss).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Also write {"theta0","theta","delta","eta"} as JSON.
    #[arg(long, value_name = "FILE.json")]
    pub save: Option<PathBuf>,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x820", value_parser = super::parse_size)]
    pub size: (u32, u32),
}

/// `losscape interpolate`.
#[derive(Debug, Args)]
pub struct InterpolateArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// Points on the line from α = −0.5 to 1.5.
    #[arg(long, value_name = "N", default_value_t = 201, value_parser = parse_side)]
    pub grid: usize,
    /// Output: .png (the plot) or .csv (alpha,loss).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x560", value_parser = super::parse_size)]
    pub size: (u32, u32),
}

/// The network and its data from the flags.
///
/// # Errors
/// A bad architecture, data set name or data file.
pub fn network(args: &NetArgs) -> Result<(Network, String), CliError> {
    let arch = Architecture::parse(&args.net).map_err(|e| CliError::Input(e.to_string()))?;
    let (rows, what) = if let Some(path) = &args.data {
        let rows = data::read_csv(path, Columns::X1X2Label)
            .map_err(|e| CliError::Input(format!("--data {e}")))?;
        let what = format!("{} ({} points)", path.display(), rows.len());
        (rows, what)
    } else {
        let name = args.dataset.as_deref().unwrap_or("moons");
        let dataset = Dataset::from_name(name)
            .filter(|d| d.columns() == Columns::X1X2Label)
            .ok_or_else(|| {
                CliError::Input(format!(
                    "--dataset: unknown data set '{name}'; for a network the data sets are: {}",
                    data::names_with(Columns::X1X2Label)
                ))
            })?;
        let noise = args.noise.unwrap_or(dataset.default_noise());
        (
            dataset.generate(args.points, noise, args.seed),
            format!("{dataset} ({} points)", args.points),
        )
    };
    let net =
        Network::new(arch, rows, args.weight_decay).map_err(|e| CliError::Input(e.to_string()))?;
    Ok((net, what))
}

/// Trains the network of the flags and says so on `out`.
fn trained(args: &NetArgs, out: &mut impl Write) -> Result<(Arc<Network>, Training), CliError> {
    let started = std::time::Instant::now();
    let (net, what) = network(args)?;
    let spec = OptimizerSpec::parse(&args.train)
        .map_err(|e| CliError::Input(format!("--train '{}': {e}", args.train)))?;
    let theta0 = net.architecture().init(args.seed);
    let training = net::train(&net, &theta0, spec, args.train_steps, None, None)
        .map_err(|e| CliError::Input(format!("--train: {e}")))?;
    let loss = training.losses.last().copied().unwrap_or(f64::NAN);
    write!(
        out,
        "trained {} ({} parameters) on {what} with {spec} for {} steps in {:.3} s: loss {}, accuracy {:.1}%",
        net.architecture(),
        net.n_params(),
        training.path.len().saturating_sub(1),
        started.elapsed().as_secs_f64(),
        short(loss),
        100.0 * net.accuracy(&training.theta),
    )?;
    match training.diverged_at {
        Some(k) => writeln!(out, " (diverged at step {k})")?,
        None => writeln!(out)?,
    }
    Ok((Arc::new(net), training))
}

/// The JSON of `landscape --save`.
#[derive(serde::Serialize)]
struct Saved<'a> {
    theta0: &'a [f64],
    theta: &'a [f64],
    delta: &'a [f64],
    eta: &'a [f64],
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    figure::write_atomic(path, bytes).map_err(|e| CliError::Input(e.to_string()))
}

/// `losscape landscape`: trains, prints the loss, maps the slice.
pub fn landscape_command(args: &LandscapeArgs, out: &mut impl Write) -> Result<(), CliError> {
    let extension = super::out_extension(&args.out, &["png", "csv"])?;
    let (net, training) = trained(&args.net, out)?;
    let slice = Slice::of_training(net, &training, args.directions, args.net.seed, args.span);
    let started = std::time::Instant::now();
    let g = args.grid;
    let axis: Vec<f64> =
        (0..g).map(|i| -args.span + 2.0 * args.span * i as f64 / (g - 1) as f64).collect();
    let bytes = if extension == "csv" {
        let mut values = vec![0.0; g * g];
        slice.sample_grid(&axis, &axis, &mut values);
        let mut s = String::with_capacity(g * g * 60);
        s.push_str("alpha,beta,loss\n");
        for (j, b) in axis.iter().enumerate() {
            for (i, a) in axis.iter().enumerate() {
                s.push_str(&format!("{a:?},{b:?},{:?}\n", values[j * g + i]));
            }
        }
        s.into_bytes()
    } else {
        let (width, height) = args.size;
        let fig = slice_figure(&slice, &training, args.directions, g, (width, height))?;
        figure::raster::to_png(&fig, None).map_err(|e| CliError::Input(e.to_string()))?
    };
    write_file(&args.out, &bytes)?;
    if let Some(path) = &args.save {
        let doc = Saved {
            theta0: &training.theta0,
            theta: slice.theta(),
            delta: slice.delta(),
            eta: slice.eta(),
        };
        let json = serde_json::to_string(&doc).map_err(std::io::Error::from)?;
        write_file(path, json.as_bytes())?;
    }
    writeln!(
        out,
        "slice ({} directions) at (0, 0): loss {}; wrote {} in {:.3} s",
        args.directions.name(),
        short(slice.value(Point::new(0.0, 0.0))),
        args.out.display(),
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    Ok(())
}

/// A loss for a caption: 4 decimals, or 3 significant digits when small.
fn short(v: f64) -> String {
    if v.abs() >= 1e-3 || v == 0.0 { format!("{v:.4}") } else { format!("{v:.3e}") }
}

/// A map sampled on a G × G grid over `[lo, lo + (g−1)·step]²`, read between the samples by
/// bilinear interpolation (clamped at the edges). Only for drawing: the figure's heatmap and
/// contours show exactly the map `--grid` asks for (the CSV's numbers), not a denser resampling
/// of the network; its derivatives are not used and are given as zero.
struct Sampled {
    lo: f64,
    step: f64,
    g: usize,
    values: Vec<f64>,
}

impl Surface for Sampled {
    fn value(&self, p: Point) -> f64 {
        let last = (self.g - 1) as f64;
        let u = ((p.x - self.lo) / self.step).clamp(0.0, last);
        let v = ((p.y - self.lo) / self.step).clamp(0.0, last);
        let (i, j) = ((u.floor() as usize).min(self.g - 2), (v.floor() as usize).min(self.g - 2));
        let (fu, fv) = (u - i as f64, v - j as f64);
        let at = |i: usize, j: usize| self.values[j * self.g + i];
        (1.0 - fv) * ((1.0 - fu) * at(i, j) + fu * at(i + 1, j))
            + fv * ((1.0 - fu) * at(i, j + 1) + fu * at(i + 1, j + 1))
    }

    fn value_grad(&self, p: Point) -> (f64, crate::sim::Gradient) {
        (self.value(p), crate::sim::Gradient::zeros())
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, crate::sim::Gradient, crate::sim::Hessian) {
        (self.value(p), crate::sim::Gradient::zeros(), crate::sim::Hessian::zeros())
    }
}

/// The figure of a slice: its G × G map as heatmap and contours, and the training path projected
/// onto the slice's plane (from θ₀, the start marker, to θ at the centre).
pub fn slice_figure(
    slice: &Slice,
    training: &Training,
    directions: Directions,
    grid: usize,
    (width, height): (u32, u32),
) -> Result<Figure, CliError> {
    let domain = slice.default_domain();
    let g = grid.max(2);
    let axis: Vec<f64> =
        (0..g).map(|i| domain.x_min + domain.width() * i as f64 / (g - 1) as f64).collect();
    let mut values = vec![0.0; g * g];
    slice.sample_grid(&axis, &axis, &mut values);
    let sampled = Sampled { lo: domain.x_min, step: domain.width() / (g - 1) as f64, g, values };

    let mut scene = Scene::new(SurfaceChoice::Formula("0".into()));
    scene.title = format!(
        "{} slice of a trained {} network: L(θ + α·δ + β·η)",
        directions.name(),
        slice.network().architecture()
    );
    scene.caption = format!(
        "loss {} at the centre (the trained θ); {g}×{g} map, log colour scale; the training path projected onto the plane",
        short(slice.value(Point::new(0.0, 0.0)))
    );
    scene.view.log_scale = true;
    scene.domain = Some(domain);
    scene.optimizers.clear();
    scene.starts.clear();
    scene.view.critical_points = false;
    // A square frame, so that the map fills it.
    let side = (f64::from(width.min(height)) - 110.0).max(100.0);
    let (w, h) = figure::size_around_frame(side, side, true);
    let layout = figure::Layout { view: Some(domain), ..figure::Layout::new(w, h) };
    let flat = crate::sim::SurfaceDef::Formula(Arc::new(
        crate::sim::Formula::parse("0").map_err(|e| CliError::Input(e.to_string()))?,
    ));
    let mut fig = Figure::new(&scene, &flat, Vec::new(), layout)
        .map_err(|e| CliError::Input(e.to_string()))?;
    // The slice's coordinates: steps along δ and η.
    fig.axes = ["α".to_owned(), "β".to_owned()];
    let style = crate::field::FieldStyle {
        colormap: scene.view.colormap,
        log_scale: scene.view.log_scale,
        contour_count: scene.view.contours,
    };
    if let Some(heatmap) = &mut fig.heatmap {
        let layers =
            crate::field::FieldLayers::compute(&sampled, fig.view, heatmap.nx, heatmap.ny, &style)
                .map_err(|e| CliError::Input(e.to_string()))?;
        heatmap.rgba = layers.rgba;
        fig.contours = layers.contours;
    }
    let color = Rgb([0xff, 0x40, 0x40]);
    let points: Vec<Point> = training.path.iter().map(|t| slice.project(t)).collect();
    fig.starts = points.first().copied().into_iter().collect();
    let last_step = points.len().saturating_sub(1);
    let path = Track {
        label: "training path".into(),
        color,
        points,
        diverged_at: None,
        stride: 1,
        last_step,
    };
    fig.tracks.push(path);
    fig.legend.push(("training path (projected)".into(), color));
    Ok(fig)
}

/// `losscape interpolate`: trains, prints the loss, and the line from θ₀ to θ.
pub fn interpolate_command(args: &InterpolateArgs, out: &mut impl Write) -> Result<(), CliError> {
    let extension = super::out_extension(&args.out, &["png", "csv"])?;
    let (net, training) = trained(&args.net, out)?;
    let line = net::interpolate(&net, &training.theta0, &training.theta, -0.5, 1.5, args.grid);
    let bytes = if extension == "csv" {
        let mut s = String::from("alpha,loss\n");
        for (a, l) in &line {
            s.push_str(&format!("{a:?},{l:?}\n"));
        }
        s.into_bytes()
    } else {
        let svg = line_svg(&line, &net, args.size);
        let pixmap =
            figure::raster::rasterize_svg(&svg, 1.0).map_err(|e| CliError::Input(e.to_string()))?;
        figure::raster::png_bytes(&pixmap).map_err(|e| CliError::Input(e.to_string()))?
    };
    write_file(&args.out, &bytes)?;
    writeln!(out, "wrote {} ({} points, α from -0.5 to 1.5)", args.out.display(), line.len())?;
    out.flush()?;
    Ok(())
}

/// The interpolation plot as SVG: loss against α, θ₀ at α = 0 and θ at α = 1 marked.
fn line_svg(line: &[(f64, f64)], net: &Network, (w, h): (u32, u32)) -> String {
    use std::fmt::Write as _;
    let (w, h) = (f64::from(w), f64::from(h));
    let (left, right, top, bottom) = (80.0, 30.0, 60.0, 60.0);
    let finite: Vec<f64> = line.iter().map(|p| p.1).filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(hi.is_finite() && hi > lo) {
        hi = lo + 1.0;
    }
    let x = |a: f64| left + (a + 0.5) / 2.0 * (w - left - right);
    let y = |l: f64| top + (1.0 - (l - lo) / (hi - lo)) * (h - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">"##
    );
    let _ = write!(s, r##"<rect width="{w}" height="{h}" fill="#181818"/>"##);
    let _ = write!(
        s,
        r##"<text x="{left}" y="30" fill="#eeeeee" font-size="18">Interpolation L((1−α)·θ₀ + α·θ), {} network</text>"##,
        crate::figure::svg::escape(&net.architecture().to_string())
    );
    let (fx0, fx1, fy0, fy1) = (x(-0.5), x(1.5), y(hi), y(lo));
    let _ = write!(
        s,
        r##"<rect x="{fx0}" y="{fy0}" width="{}" height="{}" fill="none" stroke="#888888"/>"##,
        fx1 - fx0,
        fy1 - fy0
    );
    for tick in figure::ticks(-0.5, 1.5, 8.0) {
        let tx = x(tick.value);
        let _ = write!(
            s,
            r##"<line x1="{tx}" y1="{fy1}" x2="{tx}" y2="{}" stroke="#888888"/><text x="{tx}" y="{}" fill="#cccccc" font-size="13" text-anchor="middle">{}</text>"##,
            fy1 + 5.0,
            fy1 + 22.0,
            crate::figure::svg::escape(&tick.label)
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
            crate::figure::svg::escape(&tick.label)
        );
    }
    for (a, name) in [(0.0, "θ₀"), (1.0, "θ")] {
        let _ = write!(
            s,
            r##"<line x1="{0}" y1="{fy0}" x2="{0}" y2="{fy1}" stroke="#555555" stroke-dasharray="4 4"/><text x="{0}" y="{1}" fill="#cccccc" font-size="14" text-anchor="middle">{name}</text>"##,
            x(a),
            fy0 - 6.0
        );
    }
    let mut d = String::new();
    for &(a, l) in line.iter().filter(|p| p.1.is_finite()) {
        let _ = write!(d, "{}{:.2},{:.2} ", if d.is_empty() { "M" } else { "L" }, x(a), y(l));
    }
    let _ = write!(s, r##"<path d="{d}" fill="none" stroke="#ff4040" stroke-width="2.5"/>"##);
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" fill="#cccccc" font-size="14" text-anchor="middle">α</text><text x="20" y="{}" fill="#cccccc" font-size="14">loss</text></svg>"##,
        (fx0 + fx1) / 2.0,
        h - 15.0,
        (fy0 + fy1) / 2.0
    );
    s
}
