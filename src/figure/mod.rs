//! The figure: what a picture of a scene is made of, whoever paints it.
//!
//! Data flows one way: a [`Scene`] is simulated ([`crate::sim`]) and sampled ([`crate::field`])
//! into a [`Figure`] — pixel layout, heatmap, contour lines, trajectories, start points, critical
//! points, legend, axes with their ticks, title and caption — and a painter turns the figure into
//! an image: [`svg::to_svg`] writes it as vectors, [`raster::render`] rasterises that same SVG
//! (with resvg) over the heatmap's pixels for a PNG, and [`anim::to_gif`] paints one raster frame
//! per step range. The app builds its screenshots and exports through the same figure, so a
//! slide made from the command line and one made from the window are the same picture.
//!
//! Pure Rust with no GUI crate: it runs without a display or a GPU.

pub mod anim;
pub mod basins;
pub mod census;
mod cloud;
pub mod decimate;
pub mod gif;
pub mod network;
pub mod png;
pub mod raster;
pub mod spectrum;
pub mod steps;
pub mod style;
pub mod svg;
pub mod view3d;

pub use cloud::{CLOUD_TAIL, CloudFrames, Shown};
pub use steps::FigureSteps;

use crate::budget::BudgetError;
use crate::field::{ContourLine, FieldError};
use crate::scene::{Rgb, Scene};
use crate::sim::{
    CriticalKind, CriticalPoint, Domain, FormulaError, Point, SurfaceDef, Trajectory,
    simulate_many_thinned,
};

/// The largest figure side in pixels (after the density scale).
pub const MAX_SIDE: u32 = 8192;

/// Why a figure could not be made or painted.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// The scene's formula does not parse.
    #[error("bad formula: {0}")]
    Formula(#[from] FormulaError),
    /// The scene's network landscape cannot be built.
    #[error("{0}")]
    Network(String),
    /// The requested size is unusable.
    #[error(
        "figure size {width}×{height} at density {density} is out of range (each side from 64 to {MAX_SIDE} pixels)"
    )]
    Size {
        /// Width asked for, logical pixels.
        width: u32,
        /// Height asked for, logical pixels.
        height: u32,
        /// Device pixels per logical pixel.
        density: f32,
    },
    /// The heatmap could not be sampled.
    #[error("cannot sample the surface: {0}")]
    Field(#[from] FieldError),
    /// The scene asks for more than the budget allows.
    #[error("{0}")]
    Budget(#[from] BudgetError),
    /// The scene's cloud cannot be made.
    #[error("cloud: {0}")]
    Cloud(String),
    /// The painter failed (an internal error: the SVG we wrote did not parse).
    #[error("cannot paint the figure: {0}")]
    Paint(String),
    /// Writing the output failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// A rectangle in figure pixels (logical pixels, y down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Frame {
    /// The rectangle from its left, top, right and bottom sides.
    pub fn from_sides(left: f64, top: f64, right: f64, bottom: f64) -> Frame {
        Frame { x: left, y: top, w: right - left, h: bottom - top }
    }

    /// Its left, top, right and bottom sides.
    pub fn sides(&self) -> (f64, f64, f64, f64) {
        (self.x, self.y, self.right(), self.bottom())
    }

    /// Its right side.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Its bottom side.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// One trajectory as the figure draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    /// The legend's name for its optimizer.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// Points 0 (the start) to the last finite one.
    pub points: Vec<Point>,
    /// The step at which it diverged, if it did.
    pub diverged_at: Option<usize>,
    /// Steps between two points (1: every step has its point; more for a thinned run).
    pub stride: usize,
    /// The step of the last point.
    pub last_step: usize,
}

impl Track {
    /// A track of `trajectory`, which holds every point.
    pub fn new(label: &str, color: Rgb, trajectory: &Trajectory) -> Self {
        let last_step = trajectory.points.len().saturating_sub(1);
        Self::thinned(label, color, trajectory, 1, last_step)
    }

    /// A track of `trajectory`, which holds every `stride`-th point and the last one, at step
    /// `last_step`.
    pub fn thinned(
        label: &str,
        color: Rgb,
        trajectory: &Trajectory,
        stride: usize,
        last_step: usize,
    ) -> Self {
        Self {
            label: label.to_owned(),
            color,
            points: trajectory.points.iter().map(|p| p.point).collect(),
            diverged_at: trajectory.diverged_at,
            stride: stride.max(1),
            last_step,
        }
    }

    /// The index of the head at `step` (the last point drawn), or `None` for an empty track.
    pub fn head(&self, step: usize) -> Option<usize> {
        let last = self.points.len().checked_sub(1)?;
        Some(if step >= self.last_step { last } else { (step / self.stride).min(last) })
    }

    /// Whether the head at `step` is where the run diverged.
    pub fn diverged_by(&self, step: usize) -> bool {
        self.diverged_at.is_some() && self.head(step).is_some_and(|h| h + 1 == self.points.len())
    }
}

/// A tick of an axis: its value and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Where, in plot coordinates.
    pub value: f64,
    /// What it says.
    pub label: String,
}

/// The heatmap's pixels: `nx × ny` RGBA, first row at the top, stretched over the plot frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Heatmap {
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
    /// RGBA bytes, row-major, unpremultiplied.
    pub rgba: Vec<u8>,
}

/// What every picture of a scene holds, whichever projection paints it (the 2-D [`Figure`] or
/// the 3-D [`view3d::Figure3d`]): its size, its text, where the plot sits, the runs, the start
/// and critical points, the legend, the axis names and the cloud.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// Width in logical pixels.
    pub width: u32,
    /// Height in logical pixels.
    pub height: u32,
    /// Device pixels per logical pixel in raster output (1 or 2 for screenshots).
    pub density: f32,
    /// The title line (the scene's title, or the surface).
    pub title: String,
    /// The scene's caption, under the title; may be empty.
    pub caption: String,
    /// Where the plot sits in the figure.
    pub frame: Frame,
    /// Critical points, when on.
    pub critical: Vec<CriticalPoint>,
    /// Trajectories, in legend order (optimizer by optimizer, start by start).
    pub tracks: Vec<Track>,
    /// Start points.
    pub starts: Vec<Point>,
    /// Legend entries: one per enabled optimizer.
    pub legend: Vec<(String, Rgb)>,
    /// Whether the legend is drawn (`render --no-legend` leaves it out, for slides).
    pub legend_shown: bool,
    /// The names of the two axes: x and y, or α and β on a network's slice.
    pub axes: [String; 2],
    /// A cloud of runs at the steps the figure shows, when the scene has one.
    pub cloud: Option<CloudFrames>,
}

impl Sheet {
    /// The sheet of `scene` on `canvas` with `tracks`: the caption, legend, start points and
    /// axis names of the scene, the plot frame filling the canvas below the title (and caption)
    /// less `margins` (left, right, bottom); no critical points or cloud yet.
    ///
    /// # Errors
    /// [`FigureError::Size`] for a size outside 64 to [`MAX_SIDE`] device pixels a side, or
    /// under 160 × 120 logical pixels.
    pub fn new(
        scene: &Scene,
        surface: &SurfaceDef,
        canvas: &Canvas,
        title: String,
        tracks: Vec<Track>,
        [left, right, bottom]: [f64; 3],
    ) -> Result<Self, FigureError> {
        canvas.check()?;
        let Canvas { width, height, density, .. } = *canvas;
        let caption = scene.caption.clone();
        let top = if caption.is_empty() { MARGIN_TOP_TITLE } else { MARGIN_TOP_CAPTION };
        let frame = Frame {
            x: left,
            y: top,
            w: f64::from(width) - left - right,
            h: f64::from(height) - top - bottom,
        };
        let legend = scene
            .optimizers
            .iter()
            .zip(legend_labels(scene))
            .filter(|(o, _)| o.enabled)
            .map(|(o, label)| (label, o.color))
            .collect();
        Ok(Self {
            width,
            height,
            density,
            title,
            caption,
            frame,
            critical: Vec::new(),
            tracks,
            starts: scene.start_points().collect(),
            legend,
            legend_shown: true,
            axes: axis_names(surface).map(str::to_owned),
            cloud: None,
        })
    }

    /// Puts a network slice's training path (if `surface` is one) first among the tracks and
    /// the legend; returns its start.
    fn lead_with_training_path(&mut self, surface: &SurfaceDef) -> Option<Point> {
        let path = training_path(surface)?;
        let start = path.points[0];
        self.legend.insert(0, (path.label.clone(), path.color));
        self.tracks.insert(0, path);
        Some(start)
    }

    /// Puts the cloud of `scene` (when it has one) on the sheet at exactly the steps `shown` of
    /// runs `last` steps long.
    ///
    /// # Errors
    /// [`FigureError::Cloud`] when the scene's cloud is not valid.
    pub fn show_cloud(
        &mut self,
        scene: &Scene,
        surface: &SurfaceDef,
        shown: Shown,
        last: usize,
    ) -> Result<(), FigureError> {
        self.cloud = CloudFrames::compute(scene, surface, &shown.steps(last))?;
        Ok(())
    }

    /// The kinds of the critical points shown, each once, in the legend's order.
    pub fn critical_kinds(&self) -> Vec<CriticalKind> {
        let mut kinds: Vec<CriticalKind> = self.critical.iter().map(|c| c.kind).collect();
        kinds.sort_by_key(|k| *k as u8);
        kinds.dedup();
        kinds
    }

    /// The length in characters of the longest legend row: a run's label, a critical kind's name
    /// among `kinds`, or one of `more`.
    pub fn longest_label(&self, kinds: &[CriticalKind], more: &[&str]) -> usize {
        let runs = self.legend.iter().map(|(l, _)| l.chars().count());
        let kinds = kinds.iter().map(|k| svg::critical_style(*k).1.len());
        runs.chain(kinds).chain(more.iter().map(|n| n.chars().count())).max().unwrap_or(0)
    }

    /// The size in device pixels.
    pub fn device_size(&self) -> (u32, u32) {
        let d = f64::from(self.density);
        ((f64::from(self.width) * d).round() as u32, (f64::from(self.height) * d).round() as u32)
    }

    /// The error of a size that cannot be painted.
    pub fn size_error(&self) -> FigureError {
        FigureError::Size { width: self.width, height: self.height, density: self.density }
    }
}

/// Everything a 2-D picture of a scene shows, laid out in figure pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Size, text, frame, runs, points, legend and cloud: what the 3-D figure shows too.
    pub sheet: Sheet,
    /// The rectangle of the plane the frame shows (equal aspect).
    pub view: Domain,
    /// The heatmap over the frame, when on.
    pub heatmap: Option<Heatmap>,
    /// Contour lines in plot coordinates, when on.
    pub contours: Vec<ContourLine>,
    /// Ticks of the x axis, inside the view.
    pub x_ticks: Vec<Tick>,
    /// Ticks of the y axis, inside the view.
    pub y_ticks: Vec<Tick>,
}

/// The canvas a figure is asked for: its size and density, and optionally the view (the app's
/// zoom).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Canvas {
    /// Width in logical pixels.
    pub width: u32,
    /// Height in logical pixels.
    pub height: u32,
    /// Device pixels per logical pixel.
    pub density: f32,
    /// The region of the plane to show; the scene's domain when `None`. Either is widened to the
    /// frame's aspect ratio so that the plot has equal scales.
    pub view: Option<Domain>,
}

impl Canvas {
    /// A `width × height` figure of the scene's domain at density 1.
    pub fn new(width: u32, height: u32) -> Self {
        Self { width, height, density: 1.0, view: None }
    }

    /// Whether a figure can be painted at this size: 64 to [`MAX_SIDE`] device pixels a side,
    /// 160 × 120 logical pixels at least.
    ///
    /// # Errors
    /// [`FigureError::Size`] otherwise.
    pub fn check(&self) -> Result<(), FigureError> {
        let Canvas { width, height, density, .. } = *self;
        let device = |v: u32| f64::from(v) * f64::from(density);
        let side_ok = |v: u32| (64.0..=f64::from(MAX_SIDE)).contains(&device(v));
        let ok = density.is_finite()
            && density > 0.0
            && side_ok(width)
            && side_ok(height)
            && width >= 160
            && height >= 120;
        if ok { Ok(()) } else { Err(FigureError::Size { width, height, density }) }
    }
}

/// Margins around the plot frame: room for the title, tick labels and axis names.
const MARGIN_LEFT: f64 = 64.0;
const MARGIN_RIGHT: f64 = 18.0;
const MARGIN_BOTTOM: f64 = 52.0;
const MARGIN_TOP_TITLE: f64 = 40.0;
const MARGIN_TOP_CAPTION: f64 = 62.0;

/// The figure size (logical pixels) whose plot frame is `frame_w × frame_h`: the frame plus the
/// margins for title (and caption), ticks and axis names.
pub fn size_around_frame(frame_w: f64, frame_h: f64, caption: bool) -> (u32, u32) {
    let top = if caption { MARGIN_TOP_CAPTION } else { MARGIN_TOP_TITLE };
    (
        (frame_w + MARGIN_LEFT + MARGIN_RIGHT).round().max(160.0) as u32,
        (frame_h + top + MARGIN_BOTTOM).round().max(120.0) as u32,
    )
}

/// The trajectories of every enabled optimizer of `scene` from every start point, in legend
/// order: the headless path (the app has them computed already). Within the memory budget
/// ([`crate::budget`]): a scene too large to keep every point is thinned as the app thins it.
///
/// # Errors
/// [`BudgetError`] for a scene that asks for more work than the budget allows.
pub fn simulate_scene(scene: &Scene, surface: &SurfaceDef) -> Result<Vec<Track>, BudgetError> {
    use rayon::prelude::*;
    let plan = crate::budget::plan_scene(scene)?;
    let starts: Vec<Point> = scene.start_points().collect();
    let labels = legend_labels(scene);
    // (optimizer, a few starts) at a time, on all cores; collected in legend order.
    let tasks: Vec<(usize, &[Point])> = scene
        .optimizers
        .iter()
        .enumerate()
        .filter(|(_, e)| e.enabled)
        .flat_map(|(i, _)| starts.chunks(8).map(move |c| (i, c)))
        .collect();
    let tracks = tasks
        .par_iter()
        .with_max_len(1)
        .map(|&(i, chunk)| {
            let entry = &scene.optimizers[i];
            simulate_many_thinned(
                surface,
                &entry.spec,
                chunk,
                scene.steps,
                entry.noise,
                plan.stride,
            )
            .into_iter()
            .map(|t| {
                let last = t.diverged_at.map_or(scene.steps, |k| k.saturating_sub(1));
                Track::thinned(&labels[i], entry.color, &t, plan.stride, last)
            })
            .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    Ok(tracks.into_iter().flatten().collect())
}

/// The names of a surface's two axes: `x`, `y`, or `α`, `β` on a network's slice (its
/// coordinates are the steps along the directions δ and η).
pub fn axis_names(surface: &SurfaceDef) -> [&'static str; 2] {
    match surface {
        SurfaceDef::Slice(_) => ["α", "β"],
        _ => ["x", "y"],
    }
}

/// The colour of a network's training path on its slice.
pub const TRAINING_PATH_COLOR: Rgb = Rgb([0xff, 0xff, 0xff]);

/// A network slice's training path projected onto its plane, as a track (θ₀ at its start, the
/// trained θ at the centre); `None` for other surfaces.
pub fn training_path(surface: &SurfaceDef) -> Option<Track> {
    let SurfaceDef::Slice(slice) = surface else { return None };
    let points = slice.path().to_vec();
    if points.is_empty() {
        return None;
    }
    let last_step = points.len() - 1;
    Some(Track {
        label: "training path (projected)".into(),
        color: TRAINING_PATH_COLOR,
        points,
        diverged_at: None,
        stride: 1,
        last_step,
    })
}

impl From<crate::scene::SurfaceError> for FigureError {
    fn from(e: crate::scene::SurfaceError) -> Self {
        match e {
            crate::scene::SurfaceError::Formula(f) => FigureError::Formula(f),
            crate::scene::SurfaceError::Network(n) => FigureError::Network(n.to_string()),
        }
    }
}

/// Legend names, one per optimizer of the scene: the optimizer's label made unique (two Adams
/// with different learning rates read "Adam" and "Adam #2").
pub fn legend_labels(scene: &Scene) -> Vec<String> {
    let mut labels: Vec<String> = Vec::with_capacity(scene.optimizers.len());
    for entry in &scene.optimizers {
        let base = entry.label();
        let mut label = base.clone();
        let mut n = 2;
        while labels.contains(&label) {
            label = format!("{base} #{n}");
            n += 1;
        }
        labels.push(label);
    }
    labels
}

impl Figure {
    /// Lays out the figure of `scene` with `tracks` (from [`simulate_scene`], or the app's runs):
    /// samples the heatmap at the frame's device resolution, traces the contours, finds the
    /// critical points when the scene shows them, and places ticks and legend.
    ///
    /// # Errors
    /// [`FigureError::Size`] for a size outside 64 to [`MAX_SIDE`] device pixels a side, and
    /// [`FigureError::Field`] when the view cannot be sampled.
    pub fn new(
        scene: &Scene,
        surface: &SurfaceDef,
        tracks: Vec<Track>,
        canvas: Canvas,
    ) -> Result<Self, FigureError> {
        let mut steps = FigureSteps::new(scene, surface, tracks, canvas)?;
        loop {
            if let Some(fig) = steps.advance(surface, true)? {
                return Ok(fig);
            }
        }
    }

    /// The figure of `scene` as the command line draws it: simulate, then lay out.
    ///
    /// # Errors
    /// As [`Figure::new`], and [`FigureError::Formula`] for a formula that does not parse.
    pub fn of_scene(scene: &Scene, canvas: Canvas) -> Result<Self, FigureError> {
        let surface = scene.surface.resolve()?;
        let tracks = simulate_scene(scene, &surface)?;
        let mut fig = Self::new(scene, &surface, tracks, canvas)?;
        if let Some(start) = fig.sheet.lead_with_training_path(&surface) {
            fig.sheet.starts.push(start);
        }
        Ok(fig)
    }

    /// The figure with the cloud of `scene` (when it has one) at exactly the steps `shown`.
    ///
    /// # Errors
    /// [`FigureError::Cloud`] when the scene's cloud is not valid.
    pub fn with_cloud_for(
        mut self,
        scene: &Scene,
        surface: &SurfaceDef,
        shown: Shown,
    ) -> Result<Self, FigureError> {
        self.sheet.show_cloud(scene, surface, shown, scene.steps)?;
        Ok(self)
    }

    /// The last step any track reaches.
    pub fn last_step(&self) -> usize {
        let cloud = self.sheet.cloud.as_ref().map_or(0, |c| c.last);
        self.sheet.tracks.iter().map(|t| t.last_step).max().unwrap_or(0).max(cloud)
    }

    /// Figure pixel of plot point `p`.
    pub fn to_px(&self, p: Point) -> (f64, f64) {
        let f = &self.sheet.frame;
        let v = &self.view;
        (f.x + (p.x - v.x_min) / v.width() * f.w, f.y + (v.y_max - p.y) / v.height() * f.h)
    }
}

/// The title of a figure of `scene`: the scene's own, or the surface — with its formula when
/// `room` (the 2-D figure's width) is given and, for a built-in surface, leaves space for it.
pub fn scene_title(scene: &Scene, room: Option<u32>) -> String {
    use crate::scene::SurfaceChoice;
    if !scene.title.is_empty() {
        return scene.title.clone();
    }
    match (&scene.surface, room) {
        (SurfaceChoice::Builtin(b), Some(width)) => {
            let full = format!("{}:  f(x, y) = {}", b.name(), b.formula());
            // A formula too long for the line gives way to the name alone.
            if full.chars().count() as f64 * 10.0 < f64::from(width) - 80.0 {
                full
            } else {
                b.name().to_owned()
            }
        }
        (SurfaceChoice::Builtin(b), None) => b.name().to_owned(),
        (SurfaceChoice::Formula(f), _) => format!("f(x, y) = {f}"),
        (SurfaceChoice::Model(m), Some(_)) => {
            format!("{}:  L(x, y) = {}", m.label(), m.kind().formula())
        }
        (SurfaceChoice::Model(m), None) => m.label(),
        (SurfaceChoice::Network(spec), room) => {
            let name =
                format!("{} slice of a trained {} network", spec.directions.name(), spec.net);
            if room.is_some() { format!("{name}:  L(θ + α·δ + β·η)") } else { name }
        }
    }
}

/// A corner of the plot, for the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Top right: the default.
    RightTop,
    /// Top left.
    LeftTop,
    /// Bottom right.
    RightBottom,
    /// Bottom left.
    LeftBottom,
}

impl Corner {
    /// In order of preference.
    pub const ALL: [Corner; 4] =
        [Corner::RightTop, Corner::LeftTop, Corner::RightBottom, Corner::LeftBottom];
}

/// The corner of `view` where a legend covering the fractions `w × h` of its width and height
/// hides the fewest of `points` (start points, critical points): a start the lecturer put in
/// the top right must not vanish under the legend. Ties go to the earlier of [`Corner::ALL`].
pub fn emptiest_corner(view: &Domain, w: f64, h: f64, points: &[Point]) -> Corner {
    let hidden = |corner: Corner| {
        let (right, top) = match corner {
            Corner::RightTop => (true, true),
            Corner::LeftTop => (false, true),
            Corner::RightBottom => (true, false),
            Corner::LeftBottom => (false, false),
        };
        let u = |p: &Point| (p.x - view.x_min) / view.width();
        let v = |p: &Point| (p.y - view.y_min) / view.height();
        points
            .iter()
            .filter(|p| {
                let (u, v) = (u(p), v(p));
                let across =
                    if right { (1.0 - w..=1.0).contains(&u) } else { (0.0..=w).contains(&u) };
                let down = if top { (1.0 - h..=1.0).contains(&v) } else { (0.0..=h).contains(&v) };
                across && down
            })
            .count()
    };
    Corner::ALL.into_iter().min_by_key(|&c| hidden(c)).unwrap_or(Corner::RightTop)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a reader
/// never sees half a picture and a failed write leaves the old file as it was.
///
/// # Errors
/// [`FigureError::Io`] naming the file.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<(), FigureError> {
    crate::platform::write_atomic(path, bytes)
        .map_err(|e| FigureError::Io { path: path.display().to_string(), message: e.to_string() })
}

/// `domain` widened about its centre to the aspect ratio `aspect` (width / height).
fn fit(domain: Domain, aspect: f64) -> Domain {
    let (cx, cy) = ((domain.x_min + domain.x_max) / 2.0, (domain.y_min + domain.y_max) / 2.0);
    let (mut w, mut h) = (domain.width(), domain.height());
    if w / h < aspect {
        w = h * aspect;
    } else {
        h = w / aspect;
    }
    Domain { x_min: cx - w / 2.0, x_max: cx + w / 2.0, y_min: cy - h / 2.0, y_max: cy + h / 2.0 }
}

/// "Nice" ticks (steps of 1, 2 or 5 times a power of ten) inside `[lo, hi]`, about `target` of
/// them, labelled with as many decimals as the step needs.
pub fn ticks(lo: f64, hi: f64, target: f64) -> Vec<Tick> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    let raw = span / target.max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|k| {
            let value = k as f64 * step;
            // No "-0".
            let value = if value.abs() < step * 1e-9 { 0.0 } else { value };
            Tick { value, label: format!("{value:.decimals$}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_goes_where_it_hides_the_fewest_points() {
        let view = Domain::new(-5.0, 5.0, -5.0, 5.0).unwrap();
        let p = |x, y| Point::new(x, y);
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &[]), Corner::RightTop);
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &[p(0.0, 0.0)]), Corner::RightTop);
        // Himmelblau's lesson: a start at (4, 4.5) under the default corner.
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &[p(4.0, 4.5)]), Corner::LeftTop);
        let top = [p(4.0, 4.5), p(-4.0, 4.5)];
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &top), Corner::RightBottom);
        let all_but_one = [p(4.0, 4.5), p(-4.0, 4.5), p(4.0, -4.5)];
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &all_but_one), Corner::LeftBottom);
        // Every corner taken: the one hiding fewest, the default on a tie.
        let crowded = [p(4.0, 4.5), p(4.5, 4.0), p(-4.0, 4.5), p(4.0, -4.5), p(-4.0, -4.5)];
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &crowded), Corner::LeftTop);
        // A taller legend reaches further down.
        assert_eq!(emptiest_corner(&view, 0.4, 0.3, &[p(4.0, 0.5)]), Corner::RightTop);
        assert_eq!(emptiest_corner(&view, 0.4, 0.5, &[p(4.0, 0.5)]), Corner::LeftTop);
    }

    #[test]
    fn ticks_are_nice_and_inside() {
        let t = ticks(-2.0, 2.0, 5.0);
        let labels: Vec<&str> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["-2", "-1", "0", "1", "2"]);
        let t = ticks(-0.13, 0.42, 6.0);
        assert!(t.iter().all(|t| (-0.13..=0.42).contains(&t.value)));
        assert_eq!(t[0].label, "-0.1");
        assert!(ticks(1.0, 1.0, 5.0).is_empty());
        assert!(ticks(0.0, f64::NAN, 5.0).is_empty());
    }

    #[test]
    fn fit_keeps_the_domain_and_matches_the_aspect() {
        let d = Domain::new(-2.0, 2.0, -1.0, 3.0).unwrap();
        let v = fit(d, 2.0);
        assert!((v.width() / v.height() - 2.0).abs() < 1e-12);
        assert!(v.x_min <= d.x_min && v.x_max >= d.x_max && v.y_min <= d.y_min);
    }
}
