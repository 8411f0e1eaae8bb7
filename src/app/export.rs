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
use crate::figure::anim::{Animation, GifSteps};
use crate::figure::svg::Layers;
use crate::figure::{self, Canvas, Figure, FigureSteps, Track, legend_labels, raster};
use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced};
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
    /// The exports under way, each saying what it did (or why it failed).
    jobs: Vec<JobSlot<Result<String, String>>>,
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
        let mut done = Vec::new();
        self.jobs.retain_mut(|job| match job.poll() {
            None => true,
            Some((Outcome::Done(Ok(message)), _)) => {
                done.push(message);
                false
            }
            Some((Outcome::Done(Err(e)) | Outcome::Failed(e), _)) => {
                done.push(format!("export failed: {e}"));
                false
            }
            Some((Outcome::Cancelled, _)) => false,
        });
        if !self.jobs.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Ok(mut outbox) = self.outbox.lock() else { return done };
        if let Some(image) = outbox.clipboard.take() {
            crate::platform::copy_image(ctx, image);
        }
        let mut messages = std::mem::take(&mut outbox.messages);
        messages.extend(done);
        messages
    }

    /// Runs `job` in the background (exports do not supersede each other: each has its own
    /// slot); its message, or its failure (a panic included), reaches the status line.
    fn spawn(&mut self, job: impl FnOnce() -> Result<String, String> + Send + 'static) {
        let mut slot = JobSlot::new("export", Priority::Background);
        slot.request(|| {}, move |_| Ok(job()));
        self.jobs.push(slot);
    }

    /// Runs the export `job` in the background, a piece at a time between frames where there
    /// are no threads (the browser); as [`spawn`](Self::spawn).
    fn spawn_sliced(&mut self, job: FigureExport) {
        let mut slot = JobSlot::new("export", Priority::Background);
        slot.request_sliced(|| {}, job);
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
                let job = FigureExport {
                    what,
                    settings: self.settings.clone(),
                    folder,
                    outbox: Arc::clone(&self.outbox),
                    phase: Phase::Layout(Box::new(snapshot(shown, density))),
                };
                self.spawn_sliced(job);
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

/// A figure export: laid out, painted, encoded and written, each a piece of work of its own
/// and a GIF a frame at a time, so that where there are no threads (the browser) the page
/// goes on between them. On a thread of its own, all in one go.
struct FigureExport {
    what: Export,
    settings: ExportSettings,
    folder: PathBuf,
    outbox: Arc<Mutex<Outbox>>,
    phase: Phase,
}

/// Where a figure export is.
enum Phase {
    /// The figure to lay out (heatmap, contours, critical points, the cloud at the steps shown).
    Layout(Box<Snapshot>),
    /// Being laid out, a piece at a time.
    Laying(Box<Snapshot>, Box<FigureSteps>),
    /// Laid out: to paint at the step.
    Paint(Box<Figure>, usize),
    /// Painted: to encode as PNG.
    Encode(resvg::tiny_skia::Pixmap),
    /// A GIF being written.
    Frames(Box<Figure>, Box<GifSteps<Vec<u8>>>),
    /// Written.
    Done,
}

impl Sliced for FigureExport {
    type Output = Result<String, String>;

    fn slice(&mut self, budget: Budget, _: &Progress) -> SliceResult<Self::Output> {
        loop {
            match self.step(budget.is_whole()) {
                Ok(None) => {}
                Ok(Some(message)) => return Ok(Some(Ok(message))),
                Err(e) => return Ok(Some(Err(e.to_string()))),
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

impl FigureExport {
    /// Does the next piece of the export (the whole layout at once when `whole`: on a thread
    /// of its own); what was done once it is written.
    fn step(&mut self, whole: bool) -> Result<Option<String>, figure::FigureError> {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Layout(mut snap) => {
                let tracks = std::mem::take(&mut snap.tracks);
                let steps = FigureSteps::new(&snap.scene, &snap.surface, tracks, snap.layout)?;
                self.phase = Phase::Laying(snap, Box::new(steps));
            }
            Phase::Laying(snap, mut steps) => match steps.advance(&snap.surface, whole)? {
                Some(fig) => {
                    // The cloud at the steps this export shows, as the command line does.
                    let shown = match self.what {
                        Export::Gif => figure::Shown::Animation(animation(
                            &self.settings,
                            snap.scene.steps,
                            20.0,
                        )),
                        _ => figure::Shown::Still(snap.step),
                    };
                    let fig = fig.with_cloud_for(&snap.scene, &snap.surface, shown)?;
                    self.phase = Phase::Paint(Box::new(fig), snap.step);
                }
                None => self.phase = Phase::Laying(snap, steps),
            },
            Phase::Paint(fig, step) => match self.what {
                Export::Svg => {
                    let svg = figure::svg::to_svg(&fig, Some(step), Layers::ALL)?;
                    return self.save("svg", svg.as_bytes()).map(Some);
                }
                Export::Gif => {
                    let fps = self.settings.gif_fps.clamp(0.5, 60.0);
                    let anim = animation(&self.settings, fig.last_step(), fps);
                    let gif = GifSteps::new(&fig, &anim, Vec::new())?;
                    self.phase = Phase::Frames(fig, Box::new(gif));
                }
                _ => {
                    let pixmap = raster::render(&fig, Some(step))?;
                    if self.what == Export::CopyImage {
                        let size = [pixmap.width() as usize, pixmap.height() as usize];
                        let image = egui::ColorImage::from_rgba_premultiplied(size, pixmap.data());
                        if let Ok(mut o) = self.outbox.lock() {
                            o.clipboard = Some(image);
                        }
                        return Ok(Some("image copied to the clipboard".to_owned()));
                    }
                    self.phase = Phase::Encode(pixmap);
                }
            },
            Phase::Encode(pixmap) => {
                return self.save("png", &raster::png_bytes(&pixmap)?).map(Some);
            }
            Phase::Frames(fig, mut gif) => {
                if gif.advance(&fig, 1)? {
                    return self.save("gif", &gif.finish()?).map(Some);
                }
                self.phase = Phase::Frames(fig, gif);
            }
            Phase::Done => {
                return Err(figure::FigureError::Paint("the export was already written".into()));
            }
        }
        Ok(None)
    }

    /// Writes `bytes` to the next free `losscape-NNN.ext` of the folder; what was done.
    fn save(&self, ext: &str, bytes: &[u8]) -> Result<String, figure::FigureError> {
        let path = next_file(&self.folder, ext).map_err(figure::FigureError::Paint)?;
        figure::write_atomic(&path, bytes)?;
        Ok(format!("saved {}", path.display()))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Runner, frames_until, set_runner};

    #[test]
    fn between_frames_a_gif_is_written_a_frame_at_a_time_and_is_the_gif_written_whole() {
        let folder =
            std::env::temp_dir().join(format!("losscape-sliced-gif-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        let scene = crate::scene::default_scene();
        let surface = scene.surface.resolve().expect("the default surface");
        let tracks = figure::simulate_scene(&scene, &surface).expect("runs");
        let layout = Canvas { width: 320, height: 240, density: 1.0, view: None };
        let settings = ExportSettings {
            folder: folder.display().to_string(),
            gif_frames: 5,
            ..ExportSettings::default()
        };
        let snap =
            Snapshot { scene: scene.clone(), surface: surface.clone(), tracks, layout, step: 0 };
        let fig =
            Figure::new(&snap.scene, &surface, snap.tracks.clone(), layout).expect("a figure");
        let anim = animation(&settings, fig.last_step(), settings.gif_fps);
        let mut whole = Vec::new();
        figure::anim::to_gif(&fig, &anim, &mut whole).expect("a GIF");
        // The pieces of its layout: bands of the heatmap, colours, contours, critical points.
        let mut steps =
            FigureSteps::new(&snap.scene, &surface, snap.tracks.clone(), layout).expect("steps");
        let mut pieces = 1;
        while steps.advance(&surface, false).expect("a piece").is_none() {
            pieces += 1;
        }
        assert!(pieces > 10, "the layout is cut into pieces: {pieces}");
        assert!(!fig.sheet.critical.is_empty(), "critical points found a piece at a time too");

        set_runner(Runner::BetweenFrames);
        let mut exporter = Exporter { settings: settings.clone(), ..Exporter::default() };
        exporter.spawn_sliced(FigureExport {
            what: Export::Gif,
            settings,
            folder: folder.clone(),
            outbox: Arc::clone(&exporter.outbox),
            phase: Phase::Layout(Box::new(snap)),
        });
        let ctx = egui::Context::default();
        let (messages, frames) = frames_until(10_000, "the export", |_| {
            Some(exporter.poll(&ctx)).filter(|m| !m.is_empty())
        });
        set_runner(Runner::Threads);
        let path = folder.join("losscape-001.gif");
        assert_eq!(messages, [format!("saved {}", path.display())]);
        // Begun, laid out a piece a slice; the GIF begun, the still layers, the last frame, the
        // palette, the header, then each of the first four frames painted, indexed and encoded
        // a slice each, and the last (painted before the palette) indexed and encoded.
        assert_eq!(frames, 1 + pieces + 5 + 3 * 4 + 2);
        assert!(std::fs::read(&path).expect("the GIF") == whole, "the same bytes as in one go");
        let _ = std::fs::remove_dir_all(&folder);
    }
}
