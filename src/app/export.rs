//! Screenshots, figures and scene files from the app: the "File" menu, Ctrl+S, dropped files.
//!
//! Every picture of the plot goes through the same [`Figure`] as `losscape render`: the app hands
//! the figure its scene, its runs (already computed), the current view and step, and a
//! background thread paints and writes it, so the UI never waits on a PNG encoder. Files are
//! auto-numbered (`losscape-001.png`, …) in a folder the person sets once (it is remembered with
//! the session), and written atomically.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{RichText, Ui};

use super::{Command, LosscapeApp};
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
            ctx.copy_image(image);
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

/// The tracks the app shows: every enabled optimizer's runs, in legend order.
pub fn app_tracks(app: &LosscapeApp) -> Vec<Track> {
    let labels = legend_labels(&app.scene);
    let mut tracks = Vec::new();
    for (i, entry) in app.scene.optimizers.iter().enumerate() {
        if !entry.enabled {
            continue;
        }
        if let Some(Some(runs)) = app.runs.table.get(i) {
            tracks.extend(runs.iter().map(|r| {
                Track::thinned(&labels[i], entry.color, &r.trajectory, r.stride, r.last_step())
            }));
        }
    }
    tracks
}

/// The figure of what the plot shows now: its view, its size (plus room for axes and title),
/// the current step; at `density` device pixels per point.
fn snapshot(app: &LosscapeApp, density: f32) -> Snapshot {
    let (view, size) = match &app.plot.transform {
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
        !app.scene.caption.is_empty(),
    );
    Snapshot {
        scene: app.scene.clone(),
        surface: app.surface.clone(),
        tracks: app_tracks(app),
        layout: Canvas { width, height, density, view },
        step: app.playback.step,
    }
}

/// The next free `losscape-NNN.ext` in `folder` (created if missing).
pub fn next_file(folder: &Path, ext: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let used = std::fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_prefix("losscape-")?.split('.').next()?.to_owned();
            stem.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0);
    Ok(folder.join(format!("losscape-{:03}.{ext}", used + 1)))
}

/// The trajectories as CSV: `optimizer,start,step,x,y,loss`, full float64 precision.
pub fn tracks_csv(app: &LosscapeApp) -> String {
    let labels = legend_labels(&app.scene);
    let mut out = String::from("optimizer,start,step,x,y,loss\n");
    for (i, entry) in app.scene.optimizers.iter().enumerate() {
        let Some(Some(runs)) = app.runs.table.get(i).filter(|_| entry.enabled) else { continue };
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

/// Starts an export.
pub fn export(app: &mut LosscapeApp, ctx: &egui::Context, what: Export) {
    let folder = PathBuf::from(&app.exporter.settings.folder);
    let settings = app.exporter.settings.clone();
    match what {
        Export::Screenshot if settings.whole_window => {
            let outbox = Arc::clone(&app.exporter.outbox);
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
        Export::Screenshot | Export::CopyImage | Export::Svg | Export::Gif => {
            let density =
                if what == Export::Svg { 1.0 } else { f32::from(settings.scale.clamp(1, 2)) };
            let snap = snapshot(app, density);
            let outbox = Arc::clone(&app.exporter.outbox);
            app.exporter.spawn(move || {
                let err = |e: figure::FigureError| e.to_string();
                // The cloud at the steps this export shows, as the command line does.
                let last = snap.scene.steps;
                let shown = match what {
                    Export::Gif => figure::Shown::Animation(Animation {
                        from: settings.gif_from.min(last),
                        to: settings.gif_to.unwrap_or(last).min(last),
                        frames: settings.gif_frames.clamp(1, figure::anim::MAX_FRAMES),
                        fps: 20.0,
                    }),
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
                        figure::svg::to_svg(&fig, Some(snap.step), Layers::ALL)
                            .map_err(err)?
                            .into_bytes(),
                    ),
                    Export::Gif => {
                        let last = fig.last_step();
                        let anim = Animation {
                            from: settings.gif_from.min(last),
                            to: settings.gif_to.unwrap_or(last).min(last),
                            frames: settings.gif_frames.clamp(1, figure::anim::MAX_FRAMES),
                            fps: settings.gif_fps.clamp(0.5, 60.0),
                        };
                        let mut bytes = Vec::new();
                        figure::anim::to_gif(&fig, &anim, &mut bytes).map_err(err)?;
                        ("gif", bytes)
                    }
                    _ => ("png", raster::to_png(&fig, Some(snap.step)).map_err(err)?),
                };
                let path = next_file(&folder, ext)?;
                figure::write_atomic(&path, &bytes).map_err(err)?;
                Ok(format!("saved {}", path.display()))
            });
        }
        Export::Csv => {
            let csv = tracks_csv(app);
            app.exporter.spawn(move || {
                let path = next_file(&folder, "csv")?;
                figure::write_atomic(&path, csv.as_bytes()).map_err(|e| e.to_string())?;
                Ok(format!("saved {}", path.display()))
            });
        }
    }
}

/// Loads a scene file; a bad one leaves the current scene and says why.
pub fn open_scene(app: &mut LosscapeApp, path: &Path) -> Option<Command> {
    match Scene::load(path) {
        Ok(scene) => {
            app.status = Some(format!("opened {}", path.display()));
            Some(Command::LoadScene(Box::new(scene)))
        }
        Err(e) => {
            app.status = Some(format!("scene not loaded: {e}"));
            None
        }
    }
}

/// Saves the scene atomically to the settings' scene file.
pub fn save_scene(app: &mut LosscapeApp) {
    let path = PathBuf::from(&app.exporter.settings.scene_file);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        app.status = Some(format!("scene not saved: {}: {e}", dir.display()));
        return;
    }
    app.status = Some(match app.scene.save(&path) {
        Ok(()) => format!("saved {}", path.display()),
        Err(e) => format!("scene not saved: {e}"),
    });
}

/// Scene files dropped onto the window: the last `.json` one is loaded.
pub fn dropped_scene(ctx: &egui::Context) -> Option<Command> {
    let dropped: Vec<PathBuf> =
        ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
    let path = dropped.into_iter().rev().find(|p| {
        p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json"))
    })?;
    Some(Command::OpenScene(path))
}

impl Exporter {
    /// The "File" menu: exports and scene files as commands, the export settings edited here.
    pub fn menu(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.menu_button(RichText::new("🗁 File").heading(), |ui| {
            ui.set_min_width(320.0);
            let item =
                |ui: &mut Ui, text: &str, hint: &str| ui.button(text).on_hover_text(hint).clicked();
            if item(
                ui,
                "📷 Screenshot    Ctrl+S",
                "Save a PNG of the plot (or the window) in the folder below",
            ) {
                commands.push(Command::Export(Export::Screenshot));
                ui.close();
            }
            if item(ui, "📋 Copy image", "Put a PNG of the plot on the clipboard") {
                commands.push(Command::Export(Export::CopyImage));
                ui.close();
            }
            if item(
                ui,
                "Export SVG",
                "The plot as vectors: heatmap image, contours and trajectories as paths",
            ) {
                commands.push(Command::Export(Export::Svg));
                ui.close();
            }
            if item(ui, "Export GIF", "Animate the runs over the step range below") {
                commands.push(Command::Export(Export::Gif));
                ui.close();
            }
            if item(ui, "Export CSV", "optimizer,start,step,x,y,loss for every trajectory") {
                commands.push(Command::Export(Export::Csv));
                ui.close();
            }
            ui.separator();
            let s = &mut self.settings;
            ui.label("Folder");
            ui.text_edit_singleline(&mut s.folder);
            ui.horizontal(|ui| {
                ui.label("Screenshot of");
                ui.radio_value(&mut s.whole_window, false, "plot");
                ui.radio_value(&mut s.whole_window, true, "window");
            });
            ui.horizontal(|ui| {
                ui.label("Plot resolution");
                ui.radio_value(&mut s.scale, 1, "1×");
                ui.radio_value(&mut s.scale, 2, "2×");
            });
            ui.horizontal(|ui| {
                ui.label("GIF steps from");
                ui.add(egui::DragValue::new(&mut s.gif_from).range(0..=crate::scene::MAX_STEPS));
                let mut to = s.gif_to.unwrap_or(0);
                let mut to_end = s.gif_to.is_none();
                ui.label("to");
                ui.add_enabled(
                    !to_end,
                    egui::DragValue::new(&mut to).range(0..=crate::scene::MAX_STEPS),
                );
                ui.checkbox(&mut to_end, "end");
                s.gif_to = (!to_end).then_some(to);
            });
            ui.horizontal(|ui| {
                ui.label("GIF frames");
                ui.add(egui::DragValue::new(&mut s.gif_frames).range(1..=figure::anim::MAX_FRAMES));
                ui.label("fps");
                ui.add(egui::DragValue::new(&mut s.gif_fps).range(0.5..=60.0));
            });
            ui.separator();
            ui.label("Scene file");
            ui.text_edit_singleline(&mut self.settings.scene_file);
            ui.horizontal(|ui| {
                if ui
                    .button("💾 Save scene")
                    .on_hover_text("Write the whole setting as JSON")
                    .clicked()
                {
                    commands.push(Command::SaveScene);
                    ui.close();
                }
                if ui
                    .button("🗁 Open scene")
                    .on_hover_text("Or drop a scene file onto the window")
                    .clicked()
                {
                    commands.push(Command::OpenScene(PathBuf::from(&self.settings.scene_file)));
                    ui.close();
                }
            });
        });
        commands
    }
}
