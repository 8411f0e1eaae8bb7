//! `losscape render`: the figure the app would show, as PNG, SVG or an animated GIF.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{CliError, SurfaceArgs, apply_schedule, out_extension, parse, resolve};
use crate::figure::anim::Animation;
use crate::figure::{self, Figure, Shown};
use crate::scene::{OptimizerEntry, Rgb, Scene, SurfaceChoice, ViewMode, default_color};
use crate::sim::run::cloud::Cloud;
use crate::sim::{Domain, Noise, OptimizerSpec, Point, SurfaceDef};

/// `losscape render`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape render --scene assets/scenes/saddle.json --out saddle.png\n  losscape render --surface rosenbrock --log-scale --optimizer adam:lr=0.05 --optimizer momentum:lr=0.0005 --start=-1.5,2 --start 0,-0.5 --steps 300 --out banana.svg\n  losscape render --surface plateau --optimizer gd:lr=0.5 --optimizer adam:lr=0.1 --start 3.5,2.5 --steps 300 --out plateau.gif --frames 60 --fps 20"
)]
pub struct RenderArgs {
    /// Draw this scene file (JSON, as the app saves it); the other flags given override its
    /// values (surface, domain, optimizers, starts, steps, noise, seed, cloud, view).
    #[arg(long, value_name = "FILE")]
    pub scene: Option<PathBuf>,
    /// The surface (unless the scene file's): --surface, --formula or --model.
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The domain X0,X1,Y0,Y1 (default: the surface's own).
    #[arg(long, value_name = "X0,X1,Y0,Y1", allow_hyphen_values = true, value_parser = parse::domain)]
    pub domain: Option<Domain>,
    /// An optimizer NAME[:key=value,...]; repeat for several.
    #[arg(long, value_name = "SPEC", required_unless_present = "scene")]
    pub optimizer: Vec<String>,
    /// A learning-rate schedule for every optimizer (over a scene's own), e.g. cosine:t_max=300;
    /// see `losscape simulate --help`.
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<String>,
    /// A start point X,Y; repeat for several (write --start=-1.5,2 for a negative x).
    #[arg(long, value_name = "X,Y", allow_hyphen_values = true, value_parser = parse::point, required_unless_present_any = ["scene", "cloud"])]
    pub start: Vec<Point>,
    /// Updates per run (default 300).
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse::STEPS)]
    pub steps: Option<usize>,
    /// Gaussian gradient noise σ for every optimizer.
    #[arg(long, value_name = "SIGMA", allow_hyphen_values = true, value_parser = parse::NOISE)]
    pub noise: Option<f64>,
    /// Seed of the gradient noise and of the cloud's start points (default 0).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// A cloud of N runs per optimizer (1 to 100000), from starts spread uniformly over the
    /// domain (seeded by --seed), drawn as moving points.
    #[arg(long, value_name = "N", value_parser = parse::CLOUD)]
    pub cloud: Option<usize>,
    /// The output: .png, .svg or .gif (animated).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Figure size in pixels.
    #[arg(long, value_name = "WxH", default_value = "1200x900", value_parser = parse::size)]
    pub size: (u32, u32),
    /// Pixel density of PNG and GIF output: 2 gives a sharp 2× image of the same figure.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse::DENSITY)]
    pub density: f32,
    /// Draw the trajectories up to this step only (PNG, SVG).
    #[arg(long, value_name = "K", value_parser = parse::STEPS)]
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
    #[arg(long, value_name = "2d|3d", value_parser = parse::view_mode)]
    pub view: Option<ViewMode>,
    /// 3-D camera azimuth in degrees: 0 looks from the +x side, 90 from +y (default -60).
    #[arg(long, value_name = "DEG", allow_hyphen_values = true, value_parser = parse::AZIMUTH)]
    pub azimuth: Option<f64>,
    /// 3-D camera elevation in degrees, -90 to 90: 90 looks straight down (default 30).
    #[arg(long, value_name = "DEG", allow_hyphen_values = true, value_parser = parse::ELEVATION)]
    pub elevation: Option<f64>,
    /// A 3-D GIF of the camera turning a full circle around the finished runs (instead of the
    /// runs growing).
    #[arg(long)]
    pub orbit: bool,
    /// Leave the legend out (for slides that say what the colours are).
    #[arg(long)]
    pub no_legend: bool,
}

/// The scene `render` draws: the file, or one built from the flags; the view flags apply to
/// either.
fn render_scene(args: &RenderArgs) -> Result<Scene, CliError> {
    let mut scene = base_scene(args, surface_choice(args)?)?;
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
        scene.optimizers = optimizer_entries(&args.optimizer)?;
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
    apply_view_flags(args, &mut scene)?;
    scene.check().map_err(|e| CliError::Input(e.to_string()))?;
    Ok(scene)
}

/// The surface of `--surface`, `--formula` or `--model`; `None` when a scene file is given
/// without one.
fn surface_choice(args: &RenderArgs) -> Result<Option<SurfaceChoice>, CliError> {
    let SurfaceArgs { surface, formula, model } = &args.surface;
    if surface.is_none() && formula.is_none() && model.model.is_none() && args.scene.is_some() {
        return Ok(None);
    }
    Ok(Some(match resolve(&args.surface)? {
        SurfaceDef::Builtin(b) => SurfaceChoice::Builtin(b),
        SurfaceDef::Formula(f) => SurfaceChoice::Formula(f.source().to_owned()),
        SurfaceDef::Model(m) => SurfaceChoice::Model((*m).clone()),
        SurfaceDef::Slice(_) => {
            return Err(CliError::Input("a network slice is drawn by `landscape`".into()));
        }
    }))
}

/// The scene file of `--scene` (on the surface `choice`, when one is given), or a new scene of
/// `choice` with 300 steps.
fn base_scene(args: &RenderArgs, choice: Option<SurfaceChoice>) -> Result<Scene, CliError> {
    match (&args.scene, choice) {
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
            Ok(scene)
        }
        (None, Some(choice)) => {
            let mut scene = Scene::new(choice);
            scene.steps = 300;
            Ok(scene)
        }
        (None, None) => Err(CliError::Input(
            "give --scene FILE, or a surface: --surface, --formula or --model".into(),
        )),
    }
}

/// The optimizers of `--optimizer`, each in its kind's colour; two of one kind (two learning
/// rates, say) get two colours.
fn optimizer_entries(texts: &[String]) -> Result<Vec<OptimizerEntry>, CliError> {
    let mut used = Vec::new();
    let mut entries = Vec::with_capacity(texts.len());
    for text in texts {
        let spec = OptimizerSpec::parse(text)
            .map_err(|e| CliError::Input(format!("--optimizer '{text}': {e}")))?;
        let mut color = default_color(spec.kind());
        if used.contains(&color) {
            color = EXTRA_COLORS.into_iter().find(|c| !used.contains(c)).unwrap_or(color);
        }
        used.push(color);
        entries.push(OptimizerEntry { spec, color, enabled: true, noise: Noise::NONE });
    }
    Ok(entries)
}

/// The colour map, scale, contours, title and projection flags over the scene's.
fn apply_view_flags(args: &RenderArgs, scene: &mut Scene) -> Result<(), CliError> {
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
    Ok(())
}

/// Colours for a second optimizer of a kind already drawn (Paul Tol's muted palette).
const EXTRA_COLORS: [Rgb; 6] =
    Rgb::palette([0x88ccee, 0x44aa99, 0x117733, 0xddcc77, 0xaa4499, 0x882255]);

pub(super) fn render_command(args: &RenderArgs, out: &mut impl Write) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let extension = out_extension(&args.out, &["png", "svg", "gif"])?;
    let scene = render_scene(args)?;
    let (width, height) = args.size;
    let canvas = figure::Canvas { width, height, density: args.density, view: None };
    if scene.view.projection.mode != ViewMode::Map {
        return render_3d(args, &scene, canvas, &extension, started, out);
    }
    if args.orbit {
        return Err(CliError::Input("--orbit turns the 3-D camera: add --view 3d".to_owned()));
    }
    let mut fig = Figure::of_scene(&scene, canvas).map_err(input)?;
    fig.sheet.legend_shown = !args.no_legend;
    if scene.cloud.is_some() {
        let surface = scene.surface.resolve().map_err(input)?;
        let shown = if extension == "gif" {
            Shown::Animation(animation(args, scene.steps))
        } else {
            Shown::Still(args.step.unwrap_or(scene.steps))
        };
        fig = fig.with_cloud_for(&scene, &surface, shown).map_err(input)?;
    }
    let (bytes, what) = match extension.as_str() {
        "png" => (figure::raster::to_png(&fig, args.step).map_err(input)?, String::new()),
        "svg" => (
            figure::svg::to_svg(&fig, args.step, figure::svg::Layers::ALL)
                .map_err(input)?
                .into_bytes(),
            String::new(),
        ),
        _ => {
            let anim = figure::anim::Animation::whole(&fig, args.frames, args.fps);
            let mut bytes = Vec::new();
            let frames = figure::anim::to_gif(&fig, &anim, &mut bytes).map_err(input)?;
            (bytes, format!(", {frames} frames"))
        }
    };
    let tracks = fig.sheet.tracks.len();
    write_output(args, &bytes, &format!("{tracks} trajectories{what}"), started, out)
}

/// Writes the output file and says so: `wrote FILE (W×H, {what}) in S s`.
fn write_output(
    args: &RenderArgs,
    bytes: &[u8],
    what: &str,
    started: std::time::Instant,
    out: &mut impl Write,
) -> Result<(), CliError> {
    figure::write_atomic(&args.out, bytes).map_err(input)?;
    let (width, height) = args.size;
    let seconds = started.elapsed().as_secs_f64();
    writeln!(out, "wrote {} ({width}×{height}, {what}) in {seconds:.3} s", args.out.display())?;
    out.flush()?;
    Ok(())
}

/// Any error of the figure or the scene, as an input error.
fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// The GIF of `--frames` and `--fps` over every step to `last`.
fn animation(args: &RenderArgs, last: usize) -> Animation {
    Animation { from: 0, to: last, frames: args.frames, fps: args.fps }
}

/// `render` in 3-D (SPEC §4): the surface seen from the scene's camera.
fn render_3d(
    args: &RenderArgs,
    scene: &Scene,
    canvas: figure::Canvas,
    extension: &str,
    started: std::time::Instant,
    out: &mut impl Write,
) -> Result<(), CliError> {
    use figure::view3d::{self, Figure3d};
    if args.orbit && extension != "gif" {
        return Err(CliError::Input("--orbit makes an animation: write a .gif".to_owned()));
    }
    let mut fig =
        Figure3d::of_scene(scene, canvas, scene.view.projection.camera()).map_err(input)?;
    fig.sheet.legend_shown = !args.no_legend;
    if scene.cloud.is_some() {
        let surface = scene.surface.resolve().map_err(input)?;
        let last = fig.last_step().max(scene.steps);
        let shown = if extension == "gif" && !args.orbit {
            Shown::Animation(animation(args, last))
        } else {
            Shown::Step(args.step.unwrap_or(last))
        };
        fig.sheet.show_cloud(scene, &surface, shown, last).map_err(input)?;
    }
    let (bytes, what) = match extension {
        "png" => (view3d::to_png(&fig, args.step).map_err(input)?, String::new()),
        "svg" => (view3d::to_svg(&fig, args.step).map_err(input)?.into_bytes(), String::new()),
        _ => {
            let mut bytes = Vec::new();
            let frames = if args.orbit {
                view3d::orbit_gif(&fig, args.frames, args.fps, &mut bytes)
            } else {
                view3d::to_gif(&fig, args.frames, args.fps, &mut bytes)
            }
            .map_err(input)?;
            (bytes, format!(", {frames} frames"))
        }
    };
    let tracks = fig.sheet.tracks.len();
    write_output(args, &bytes, &format!("3-D, {tracks} trajectories{what}"), started, out)
}
