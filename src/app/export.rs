//! Screenshots, figures and scene files from the app: the "File" menu, Ctrl+S.
//!
//! Every picture of the plot goes through the same [`Figure`] as `losscape render`: the app hands
//! the figure its scene, its runs (already computed), the current view and step, and a
//! background thread paints and writes it, so the UI never waits on a PNG encoder. Files are
//! auto-numbered (`losscape-001.png`, …) in a folder the person sets once (it is remembered with
//! the session), and written atomically.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::runs::Runs;
use crate::figure::anim::Animation;
use crate::figure::svg::Layers;
use crate::figure::{self, Canvas, Figure, Track, legend_labels, raster};
use crate::jobs::{JobSlot, Outcome, Priority};
use crate::scene::Scene;
use crate::sim::{Domain, SurfaceDef};

/// The export settings, remembered with the session.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ExportSettings {
    /// Where screenshots and figures go.
    pub folder: String,
    /// Pixel density of screenshots of the plot: 1 or 2.
    pub scale: u8,
    /// Screenshot the whole window instead of the plot.
    pub whole_window: bool,
    /// GIF: first and last step (the last step of the runs when `None`).
    pub gif_from: usize,
    /// GIF: last step, `None` for the end.
    pub gif_to: Option<usize>,
    /// GIF: frames.
    pub gif_frames: usize,
    /// GIF: frames per second.
    pub gif_fps: f64,
    /// The scene file that "Save scene" and "Open scene" use.
    pub scene_file: String,
}

impl Default for ExportSettings {
    fn default() -> Self {
        let folder = default_folder();
        let scene_file = Path::new(&folder).join("scene.json").display().to_string();
        Self {
            folder,
            scale: 2,
            whole_window: false,
            gif_from: 0,
            gif_to: None,
            gif_frames: 60,
            gif_fps: 20.0,
            scene_file,
        }
    }
}

/// `~/Pictures/losscape` when there is a home, else `losscape-figures` here.
fn default_folder() -> String {
    std::env::var_os("HOME")
        .map(|home| Path::new(&home).join("Pictures").join("losscape"))
        .unwrap_or_else(|| PathBuf::from("losscape-figures"))
        .display()
        .to_string()
}

/// What the export thread reports back to the UI.
#[derive(Default)]
pub struct Outbox {
    /// Status messages, oldest first.
    messages: Vec<String>,
    /// An image to put on the clipboard.
    clipboard: Option<egui::ColorImage>,
}

/// The exporter: settings, and the mailbox of its background jobs.
#[derive(Default)]
pub struct Exporter {
    /// The settings.
    pub settings: ExportSettings,
    outbox: Arc<Mutex<Outbox>>,
    /// The exports under way.
    jobs: Vec<JobSlot<()>>,
}

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// A PNG of the plot (or the window).
    Screenshot,
    /// The plot's image on the clipboard.
    CopyImage,
    /// The figure as SVG.
    Svg,
    /// The animation as GIF.
    Gif,
    /// The trajectories as CSV.
    Csv,
}

/// Everything a figure of the app needs, owned, so a thread can paint it.
struct Snapshot {
    scene: Scene,
    surface: SurfaceDef,
    tracks: Vec<Track>,
    layout: Canvas,
    step: usize,
}

impl Exporter {
    /// Whether an export is under way.
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// Takes the finished jobs' messages, and puts a copied image on the clipboard.
    pub fn poll(&mut self, ctx: &egui::Context) -> Vec<String> {
        let mut failures = Vec::new();
        self.jobs.retain_mut(|job| match job.poll() {
            None => true,
            Some((Outcome::Failed(e), _)) => {
                failures.push(format!("export failed: {e}"));
                false
            }
            Some(_) => false,
        });
        if !self.jobs.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Ok(mut outbox) = self.outbox.lock() else { return failures };
        if let Some(image) = outbox.clipboard.take() {
            crate::platform::copy_image(ctx, image);
        }
        let mut messages = std::mem::take(&mut outbox.messages);
        messages.extend(failures);
        messages
    }

    /// Runs `job` in the background (exports do not supersede each other: each has its own
    /// slot); its message, or its failure (a panic included), reaches the status line.
    fn spawn(&mut self, job: impl FnOnce() -> Result<String, String> + Send + 'static) {
        let outbox = Arc::clone(&self.outbox);
        let mut slot = JobSlot::new("export", Priority::Background);
        slot.request(
            || {},
            move |_| {
                let message = match job() {
                    Ok(m) => m,
                    Err(e) => format!("export failed: {e}"),
                };
                if let Ok(mut o) = outbox.lock() {
                    o.messages.push(message);
                }
                Ok(())
            },
        );
        self.jobs.push(slot);
    }
}

/// What an export shows: the scene, its surface and runs, where the map is, the step.
pub struct OnScreen<'a> {
    /// The scene.
    pub scene: &'a Scene,
    /// Its surface.
    pub surface: &'a SurfaceDef,
    /// Its runs, already computed.
    pub runs: &'a Runs,
    /// Where the map was on screen and what it showed (none before it was drawn).
    pub transform: Option<egui_plot::PlotTransform>,
    /// The playback step.
    pub step: usize,
}

/// The tracks the app shows: every enabled optimizer's runs, in legend order.
pub fn app_tracks(scene: &Scene, runs: &Runs) -> Vec<Track> {
    let labels = legend_labels(scene);
    let mut tracks = Vec::new();
    for (i, entry) in scene.optimizers.iter().enumerate() {
        if !entry.enabled {
            continue;
        }
        if let Some(Some(runs)) = runs.table.get(i) {
            tracks.extend(runs.iter().map(|r| {
                Track::thinned(&labels[i], entry.color, &r.trajectory, r.stride, r.last_step())
            }));
        }
    }
    tracks
}

/// The figure of what the plot shows now: its view, its size (plus room for axes and title),
/// the current step; at `density` device pixels per point.
fn snapshot(shown: &OnScreen<'_>, density: f32) -> Snapshot {
    let (view, size) = match &shown.transform {
        Some(t) => {
            let b = t.bounds();
            let view = Domain::new(b.min()[0], b.max()[0], b.min()[1], b.max()[1]).ok();
            (view, t.frame().size())
        }
        None => (None, egui::vec2(900.0, 680.0)),
    };
    // The figure's plot frame is the size of the plot on screen.
    let (width, height) = figure::size_around_frame(
        f64::from(size.x.max(240.0)),
        f64::from(size.y.max(160.0)),
        !shown.scene.caption.is_empty(),
    );
    Snapshot {
        scene: shown.scene.clone(),
        surface: shown.surface.clone(),
        tracks: app_tracks(shown.scene, shown.runs),
        layout: Canvas { width, height, density, view },
        step: shown.step,
    }
}

/// The next free `losscape-NNN.ext` in `folder` (created if missing).
pub fn next_file(folder: &Path, ext: &str) -> Result<PathBuf, String> {
    crate::platform::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let used = crate::platform::file_names(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .into_iter()
        .filter_map(|name| {
            let stem = name.strip_prefix("losscape-")?.split('.').next()?.to_owned();
            stem.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0);
    Ok(folder.join(format!("losscape-{:03}.{ext}", used + 1)))
}

/// The trajectories as CSV: `optimizer,start,step,x,y,loss`, full float64 precision.
pub fn tracks_csv(scene: &Scene, runs: &Runs) -> String {
    let labels = legend_labels(scene);
    let mut out = String::from("optimizer,start,step,x,y,loss\n");
    for (i, entry) in scene.optimizers.iter().enumerate() {
        let Some(Some(runs)) = runs.table.get(i).filter(|_| entry.enabled) else { continue };
        let name = labels[i].replace(['"', ','], " ");
        for (s, run) in runs.iter().enumerate() {
            for (i, p) in run.trajectory.points.iter().enumerate() {
                let k = run.step_of(i);
                out.push_str(&format!(
                    "{name},{s},{k},{:?},{:?},{:?}\n",
                    p.point.x, p.point.y, p.loss
                ));
            }
        }
    }
    out
}

/// The animation the settings ask for, over runs whose last step is `last`.
fn animation(settings: &ExportSettings, last: usize, fps: f64) -> Animation {
    Animation {
        from: settings.gif_from.min(last),
        to: settings.gif_to.unwrap_or(last).min(last),
        frames: settings.gif_frames.clamp(1, figure::anim::MAX_FRAMES),
        fps,
    }
}

impl Exporter {
    /// Starts exporting `what` of what the app `shown` shows.
    pub fn export(&mut self, ctx: &egui::Context, what: Export, shown: &OnScreen<'_>) {
        let folder = PathBuf::from(&self.settings.folder);
        match what {
            Export::Screenshot if self.settings.whole_window => self.screenshot_window(ctx, folder),
            Export::Screenshot | Export::CopyImage | Export::Svg | Export::Gif => {
                let density = if what == Export::Svg {
                    1.0
                } else {
                    f32::from(self.settings.scale.clamp(1, 2))
                };
                let snap = snapshot(shown, density);
                let outbox = Arc::clone(&self.outbox);
                let settings = self.settings.clone();
                self.spawn(move || export_figure(snap, what, &settings, &folder, &outbox));
            }
            Export::Csv => {
                let csv = tracks_csv(shown.scene, shown.runs);
                self.spawn(move || {
                    let path = next_file(&folder, "csv")?;
                    figure::write_atomic(&path, csv.as_bytes()).map_err(|e| e.to_string())?;
                    Ok(format!("saved {}", path.display()))
                });
            }
        }
    }

    /// A PNG of the whole window, as egui hands it over after the next frame.
    fn screenshot_window(&mut self, ctx: &egui::Context, folder: PathBuf) {
        let outbox = Arc::clone(&self.outbox);
        ctx.request_screenshot(move |image| {
            let message = next_file(&folder, "png").and_then(|path| {
                let [w, h] = image.size;
                let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
                raster::encode_rgba_png(&rgba, w as u32, h as u32)
                    .and_then(|png| figure::write_atomic(&path, &png))
                    .map(|()| format!("saved {}", path.display()))
                    .map_err(|e| e.to_string())
            });
            if let Ok(mut o) = outbox.lock() {
                o.messages.push(message.unwrap_or_else(|e| format!("screenshot failed: {e}")));
            }
        });
        ctx.request_repaint();
    }
}

/// Paints the figure of `snap` and writes it to the next free file in `folder` (or puts it on
/// the clipboard): what an export thread does.
fn export_figure(
    snap: Snapshot,
    what: Export,
    settings: &ExportSettings,
    folder: &Path,
    outbox: &Mutex<Outbox>,
) -> Result<String, String> {
    let err = |e: figure::FigureError| e.to_string();
    // The cloud at the steps this export shows, as the command line does.
    let last = snap.scene.steps;
    let shown = match what {
        Export::Gif => figure::Shown::Animation(animation(settings, last, 20.0)),
        _ => figure::Shown::Still(snap.step),
    };
    let fig = Figure::new(&snap.scene, &snap.surface, snap.tracks, snap.layout)
        .map_err(err)?
        .with_cloud_for(&snap.scene, &snap.surface, shown)
        .map_err(err)?;
    let (ext, bytes) = match what {
        Export::CopyImage => {
            let pixmap = raster::render(&fig, Some(snap.step)).map_err(err)?;
            let size = [pixmap.width() as usize, pixmap.height() as usize];
            let image = egui::ColorImage::from_rgba_premultiplied(size, pixmap.data());
            if let Ok(mut o) = outbox.lock() {
                o.clipboard = Some(image);
            }
            return Ok("image copied to the clipboard".to_owned());
        }
        Export::Svg => (
            "svg",
            figure::svg::to_svg(&fig, Some(snap.step), Layers::ALL).map_err(err)?.into_bytes(),
        ),
        Export::Gif => {
            let anim = animation(settings, fig.last_step(), settings.gif_fps.clamp(0.5, 60.0));
            let mut bytes = Vec::new();
            figure::anim::to_gif(&fig, &anim, &mut bytes).map_err(err)?;
            ("gif", bytes)
        }
        _ => ("png", raster::to_png(&fig, Some(snap.step)).map_err(err)?),
    };
    let path = next_file(folder, ext)?;
    figure::write_atomic(&path, &bytes).map_err(err)?;
    Ok(format!("saved {}", path.display()))
}

/// Saves `scene` atomically to `path`; what happened, for the status line.
pub fn save_scene(scene: &Scene, path: &Path) -> String {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = crate::platform::create_dir_all(dir)
    {
        return format!("scene not saved: {}: {e}", dir.display());
    }
    match scene.save(path) {
        Ok(()) => format!("saved {}", path.display()),
        Err(e) => format!("scene not saved: {e}"),
    }
}
