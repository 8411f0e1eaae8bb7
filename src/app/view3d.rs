//! The 3-D view panel: the surface as a lit, colour-mapped mesh with the runs rolling over it,
//! drawn by the shared CPU rasteriser ([`crate::figure::view3d`]) and shown as a texture. It
//! owns its camera: drag orbits, the wheel zooms, a double-click resets, a click on the surface
//! drops a start point where the ray through the pointer meets it.
//!
//! The picture is drawn in the background ([`JobSlot`], [`Priority::Interactive`]): the UI
//! thread only asks for the frame it wants and shows the last one drawn meanwhile. While the
//! camera moves (a drag, the wheel) frames are drawn at half the resolution, four times fewer
//! pixels, and the full picture follows once the camera rests. The mesh of a surface is built
//! by the job too (a model surface is slow to sample).

use std::sync::{Arc, Mutex};

use egui::{Color32, ColorImage, Rect, Sense, TextureHandle, TextureOptions, Ui, UiBuilder};

use super::{Command, LosscapeApp};
use crate::field::FieldStyle;
use crate::figure::view3d::{
    CloudRef, DEFAULT_MESH, Marks, Mesh3d, PathRef, Renderer, TrackRef, Viewport,
};
use crate::jobs::{JobSlot, Outcome, Priority};
use crate::scene::{Camera, Projection, ViewMode};
use crate::scene::{Rgb, Scene};
use crate::sim::{CriticalKind, CriticalPoint, Point, SurfaceDef};

/// Degrees the camera turns per point dragged.
const DEGREES_PER_POINT: f64 = 0.4;
/// How long (seconds) after the camera last moved frames are still drawn at the preview
/// resolution.
const SETTLE: f64 = 0.15;

/// What the mesh depends on.
#[derive(Clone, Debug, PartialEq)]
struct MeshKey {
    surface_id: u64,
    domain: [f64; 4],
    style: FieldStyle,
}

/// What a frame's pixels depend on: nothing changed, nothing drawn or uploaded.
#[derive(Clone, Debug, PartialEq)]
struct FrameKey {
    mesh: MeshKey,
    camera: [u64; 3],
    size: [usize; 2],
    scale: u32,
    step: usize,
    runs: u64,
    starts: Vec<[u64; 2]>,
    critical: Vec<[u64; 2]>,
    cloud: Option<(usize, usize)>,
}

/// What the background job keeps between frames: the rasteriser (with its caches) and the mesh.
#[derive(Default)]
struct Drawing {
    renderer: Option<Renderer>,
    mesh: Option<(MeshKey, Arc<Mesh3d>)>,
}

/// A frame drawn in the background.
struct Drawn {
    key: FrameKey,
    image: ColorImage,
    mesh: Arc<Mesh3d>,
}

/// The 3-D view's state.
pub struct View3dPanel {
    /// The camera (its angles are mirrored in the scene's projection).
    pub camera: Camera,
    drawing: Arc<Mutex<Drawing>>,
    job: JobSlot<Result<Drawn, String>>,
    /// The frame the job is drawing.
    pending: Option<FrameKey>,
    /// A frame drawn, not yet uploaded.
    ready: Option<Drawn>,
    /// The mesh of the frame on screen (what a click picks on).
    mesh: Option<Arc<Mesh3d>>,
    texture: Option<TextureHandle>,
    shown: Option<FrameKey>,
    /// Frames drawn at the full resolution (tests).
    pub full_frames: u64,
    /// Until when the camera counts as moving (preview resolution).
    moving_until: Option<f64>,
    /// The mesh could not be made: why.
    failed: Option<String>,
    /// The angles last read from or written to the scene.
    synced: (f64, f64),
    /// Where the 3-D image was on screen in the last frame.
    pub rect: Option<Rect>,
}

impl Default for View3dPanel {
    fn default() -> Self {
        let camera = Camera::default();
        Self {
            camera,
            drawing: Arc::default(),
            job: JobSlot::new("view3d", Priority::Interactive),
            pending: None,
            ready: None,
            mesh: None,
            texture: None,
            shown: None,
            full_frames: 0,
            moving_until: None,
            failed: None,
            synced: (camera.azimuth, camera.elevation),
            rect: None,
        }
    }
}

/// What the panel draws.
pub struct Input<'a> {
    /// The scene (surface style, start points, optimizers' colours).
    pub scene: &'a Scene,
    /// The surface.
    pub surface: &'a SurfaceDef,
    /// Changes whenever the surface does.
    pub surface_id: u64,
    /// The runs.
    pub runs: &'a super::Runs,
    /// The playback step.
    pub step: usize,
    /// Critical points, when shown.
    pub critical: &'a [CriticalPoint],
    /// The cloud on screen.
    pub cloud: &'a super::cloud::CloudView,
}

/// The background colour of the 3-D view.
const BACKGROUND: [u8; 4] = [27, 27, 27, 255];

impl View3dPanel {
    /// Draws the 3-D view filling `ui`; orbits, zooms and resets on the pointer; returns a start
    /// point to add when the surface was clicked. Reads the camera's angles from `projection`
    /// when the scene changed them, and writes them back as the camera turns.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        input: &Input<'_>,
        projection: &mut Projection,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if (projection.azimuth, projection.elevation) != self.synced {
            self.camera.azimuth = projection.azimuth;
            self.camera.elevation = projection.elevation;
        }
        let size = ui.available_size().max(egui::vec2(64.0, 64.0));
        let (whole, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
        // The legend in a column of its own right of the picture when there is room for it
        // (the picture stays wider than high), else over the picture's top-right corner: never
        // over the surface's middle.
        let legend = legend_rows(input);
        let legend_size = legend_size(ui, &legend);
        let beside = legend_size.x > 0.0 && whole.width() - legend_size.x - 12.0 > whole.height();
        let rect = if beside {
            Rect::from_min_max(
                whole.min,
                egui::pos2(whole.max.x - legend_size.x - 12.0, whole.max.y),
            )
        } else {
            whole
        };
        self.rect = Some(rect);
        let mut moved = false;
        if response.dragged_by(egui::PointerButton::Primary)
            || response.dragged_by(egui::PointerButton::Secondary)
        {
            let d = response.drag_delta();
            if d != egui::Vec2::ZERO {
                self.camera
                    .orbit(-f64::from(d.x) * DEGREES_PER_POINT, f64::from(d.y) * DEGREES_PER_POINT);
                moved = true;
            }
        }
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                self.camera.zoom =
                    (self.camera.zoom * f64::from(scroll * 0.002).exp()).clamp(0.3, 8.0);
                moved = true;
            }
        }
        if response.double_clicked() {
            self.camera = Camera::default();
        }
        projection.azimuth = self.camera.azimuth;
        projection.elevation = self.camera.elevation;
        self.synced = (self.camera.azimuth, self.camera.elevation);
        let now = ui.input(|i| i.time);
        if moved {
            self.moving_until = Some(now + SETTLE);
        }
        let preview = self.moving_until.is_some_and(|t| now < t);
        if let Some(t) = self.moving_until {
            if preview {
                // Draw the full picture once the camera rests.
                ui.ctx().request_repaint_after(std::time::Duration::from_secs_f64(t - now));
            } else {
                self.moving_until = None;
            }
        }

        self.take_finished(ui.ctx());

        let ppp = ui.ctx().pixels_per_point();
        let max_side = ui.ctx().input(|i| i.max_texture_side).min(4096);
        let w = ((rect.width() * ppp).round() as usize).clamp(16, max_side);
        let h = ((rect.height() * ppp).round() as usize).clamp(16, max_side);
        let key = self.frame_key(input, if preview { [w / 2, h / 2] } else { [w, h] }, {
            if preview { 0.5 * ppp } else { ppp }
        });
        if self.shown.as_ref() != Some(&key)
            && self.pending.as_ref() != Some(&key)
            && !self.job.busy()
        {
            self.request(ui.ctx(), input, key);
        }

        // A click (not a drag) drops a start where the ray through the pointer meets the
        // surface (computed here, from the camera: no need to wait for a frame).
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
            && let Some(mesh) = &self.mesh
        {
            let view = Viewport::new(&self.camera, mesh.half_extents(), w, h);
            let (x, y) =
                (f64::from((pos.x - rect.min.x) * ppp), f64::from((pos.y - rect.min.y) * ppp));
            if let Some(p) = mesh.ray_pick(&view, x, y) {
                commands.push(Command::AddStart(p));
            }
        }

        let painter = ui.painter_at(whole);
        painter.rect_filled(
            whole,
            0.0,
            Color32::from_rgb(BACKGROUND[0], BACKGROUND[1], BACKGROUND[2]),
        );
        if let Some(texture) = &self.texture {
            let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
            painter.image(texture.id(), rect, uv, Color32::WHITE);
        }
        let message = match (&self.failed, &self.texture) {
            (Some(why), _) => Some((
                format!("the surface cannot be drawn in 3-D here: {why}"),
                Color32::LIGHT_RED,
            )),
            (None, None) => Some(("drawing the surface…".to_owned(), Color32::GRAY)),
            _ => None,
        };
        if let Some((text, color)) = message {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(16.0),
                color,
            );
        }
        let legend_at = if beside {
            egui::pos2(whole.max.x - legend_size.x - 4.0, whole.min.y + 8.0)
        } else {
            egui::pos2(whole.max.x - legend_size.x - 8.0, whole.min.y + 8.0)
        };
        paint_legend(&painter, legend_at, legend_size, &legend);
        painter.text(
            rect.left_bottom() + egui::vec2(8.0, -8.0),
            egui::Align2::LEFT_BOTTOM,
            format!(
                "azimuth {:.0}°  elevation {:.0}°  ·  drag: orbit · wheel: zoom · double-click: reset · click: add start",
                self.camera.azimuth, self.camera.elevation
            ),
            egui::FontId::proportional(13.0),
            Color32::from_gray(170),
        );
        commands
    }

    /// Waits for the frame being drawn (tests and screenshots; the UI never waits).
    pub fn settle(&mut self) {
        if let Some(outcome) = self.job.wait() {
            self.finished(outcome);
        }
    }

    /// Takes a finished frame from the job and uploads it.
    fn take_finished(&mut self, ctx: &egui::Context) {
        if let Some((outcome, _)) = self.job.poll() {
            self.finished(outcome);
        }
        if let Some(drawn) = self.ready.take() {
            let full = drawn.key.scale == ctx.pixels_per_point().to_bits();
            match &mut self.texture {
                Some(t) => t.set(drawn.image, TextureOptions::LINEAR),
                None => {
                    self.texture =
                        Some(ctx.load_texture("losscape-3d", drawn.image, TextureOptions::LINEAR));
                }
            }
            if full {
                self.full_frames += 1;
            }
            self.shown = Some(drawn.key);
            self.mesh = Some(drawn.mesh);
        }
    }

    fn finished(&mut self, outcome: Outcome<Result<Drawn, String>>) {
        self.pending = None;
        match outcome {
            Outcome::Done(Ok(drawn)) => {
                self.failed = None;
                self.ready = Some(drawn);
            }
            Outcome::Done(Err(why)) | Outcome::Failed(why) => self.failed = Some(why),
            Outcome::Cancelled => {}
        }
    }

    /// What the frame of `input` at `size` pixels (lines scaled by `scale`) depends on.
    fn frame_key(&self, input: &Input<'_>, size: [usize; 2], scale: f32) -> FrameKey {
        let view = &input.scene.view;
        let style = FieldStyle {
            colormap: view.colormap,
            log_scale: view.log_scale,
            contour_count: if view.contour_lines { view.contours } else { 0 },
        };
        let bits = |p: Point| [p.x.to_bits(), p.y.to_bits()];
        FrameKey {
            mesh: MeshKey {
                surface_id: input.surface_id,
                domain: input.scene.domain().into(),
                style,
            },
            camera: [
                self.camera.azimuth.to_bits(),
                self.camera.elevation.to_bits(),
                self.camera.zoom.to_bits(),
            ],
            size,
            scale: scale.to_bits(),
            step: input.step,
            runs: input.runs.generation,
            starts: input.scene.start_points().map(bits).collect(),
            critical: input.critical.iter().map(|c| bits(c.point)).collect(),
            cloud: input
                .cloud
                .newest()
                .map(|(step, frames)| (step, frames.iter().map(|(_, f)| f.points.len()).sum())),
        }
    }

    /// Asks the job for the frame `key` of `input`.
    fn request(&mut self, ctx: &egui::Context, input: &Input<'_>, key: FrameKey) {
        let drawing = Arc::clone(&self.drawing);
        let surface = input.surface.clone();
        let domain = input.scene.domain();
        let mut tracks: Vec<(Rgb, Arc<super::runs::Run>)> = Vec::new();
        for (entry, runs) in input.scene.optimizers.iter().zip(&input.runs.table) {
            for run in runs.iter().flatten() {
                tracks.push((entry.color, Arc::clone(run)));
            }
        }
        // A network slice's training path, from θ₀ to the trained θ at the centre, drawn whole.
        let path: Vec<Point> = match input.surface {
            SurfaceDef::Slice(slice) => slice.path().to_vec(),
            _ => Vec::new(),
        };
        // Thinned runs keep every stride-th point: the head at step k is point k/stride.
        let head = input.step / input.runs.plan.stride.max(1);
        // The training path changes with the surface, the runs with their generation.
        let tracks_id = input.runs.generation ^ input.surface_id.rotate_left(32);
        let starts: Vec<Point> = input.scene.start_points().collect();
        let critical = input.critical.to_vec();
        let clouds: Vec<(Rgb, Vec<Point>)> = input
            .cloud
            .newest()
            .map(|(_, frames)| {
                // The first optimizer on top, as on the map.
                frames
                    .iter()
                    .rev()
                    .filter_map(|(i, f)| {
                        input.scene.optimizers.get(*i).map(|e| (e.color, f.points.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let camera = self.camera;
        let job_key = key.clone();
        let ctx = ctx.clone();
        self.pending = Some(key);
        self.job.request(
            move || ctx.request_repaint(),
            move |_| {
                let key = job_key;
                let mut drawing = drawing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let mesh = match &drawing.mesh {
                    Some((k, mesh)) if *k == key.mesh => Arc::clone(mesh),
                    _ => {
                        let made = Mesh3d::new(&surface, domain, DEFAULT_MESH, &key.mesh.style);
                        match made {
                            Ok(mesh) => {
                                let mesh = Arc::new(mesh);
                                drawing.mesh = Some((key.mesh.clone(), Arc::clone(&mesh)));
                                mesh
                            }
                            Err(e) => return Ok(Err(e.to_string())),
                        }
                    }
                };
                let renderer = drawing.renderer.get_or_insert_with(|| Renderer::new(BACKGROUND));
                renderer.scale = f32::from_bits(key.scale);
                let training = (!path.is_empty()).then(|| TrackRef {
                    color: crate::figure::TRAINING_PATH_COLOR,
                    path: PathRef::Points(&path),
                    diverged_at: None,
                    whole: true,
                });
                let runs = tracks.iter().map(|(color, run)| TrackRef {
                    color: *color,
                    path: PathRef::Trajectory(&run.trajectory.points),
                    diverged_at: run.trajectory.diverged_at,
                    whole: false,
                });
                let refs: Vec<TrackRef<'_>> = training.into_iter().chain(runs).collect();
                let cloud_refs: Vec<CloudRef<'_>> = clouds
                    .iter()
                    .map(|(color, points)| CloudRef { color: *color, points })
                    .collect();
                let marks = Marks {
                    tracks: &refs,
                    tracks_id,
                    step: Some(head),
                    starts: &starts,
                    critical: &critical,
                    clouds: &cloud_refs,
                };
                let [w, h] = key.size;
                let rgba = renderer.render(&mesh, &camera, w, h, &marks);
                // Opaque pixels: premultiplied is the same, and a copy cheaper.
                let image = ColorImage::from_rgba_premultiplied([w, h], rgba);
                Ok(Ok(Drawn { key, image, mesh }))
            },
        );
    }
}

/// The legend's rows: each enabled optimizer's label and colour, then a saddle's directions.
fn legend_rows(input: &Input<'_>) -> Vec<(String, Color32)> {
    let color = |c: Rgb| Color32::from_rgb(c.0[0], c.0[1], c.0[2]);
    let mut rows: Vec<(String, Color32)> = input
        .scene
        .optimizers
        .iter()
        .zip(crate::figure::legend_labels(input.scene))
        .filter(|(o, _)| o.enabled)
        .map(|(o, label)| (label, color(o.color)))
        .collect();
    if input.critical.iter().any(|c| c.kind == CriticalKind::Saddle) {
        use crate::figure::view3d::{ATTRACT, ESCAPE};
        rows.push(("escape direction (λ < 0)".to_owned(), color(ESCAPE)));
        rows.push(("attracting direction (λ > 0)".to_owned(), color(ATTRACT)));
    }
    rows
}

const LEGEND_FONT: f32 = 13.0;
const LEGEND_ROW: f32 = 18.0;

/// The legend's size in points (zero when it has no rows).
fn legend_size(ui: &Ui, rows: &[(String, Color32)]) -> egui::Vec2 {
    if rows.is_empty() {
        return egui::Vec2::ZERO;
    }
    let painter = ui.painter();
    let widest = rows
        .iter()
        .map(|(label, _)| {
            painter
                .layout_no_wrap(
                    label.clone(),
                    egui::FontId::proportional(LEGEND_FONT),
                    Color32::WHITE,
                )
                .size()
                .x
        })
        .fold(0.0, f32::max);
    egui::vec2(widest + 40.0, 8.0 + LEGEND_ROW * rows.len() as f32)
}

fn paint_legend(
    painter: &egui::Painter,
    at: egui::Pos2,
    size: egui::Vec2,
    rows: &[(String, Color32)],
) {
    if rows.is_empty() {
        return;
    }
    let frame = Rect::from_min_size(at, size);
    painter.rect(
        frame,
        4.0,
        Color32::from_black_alpha(190),
        egui::Stroke::new(1.0, Color32::from_gray(90)),
        egui::StrokeKind::Inside,
    );
    for (k, (label, color)) in rows.iter().enumerate() {
        let y = at.y + 4.0 + LEGEND_ROW * (k as f32 + 0.5);
        painter.line_segment(
            [egui::pos2(at.x + 8.0, y), egui::pos2(at.x + 28.0, y)],
            egui::Stroke::new(3.0, *color),
        );
        painter.text(
            egui::pos2(at.x + 34.0, y),
            egui::Align2::LEFT_CENTER,
            label,
            egui::FontId::proportional(LEGEND_FONT),
            Color32::from_gray(235),
        );
    }
}

/// The next projection when `V` is pressed: map → 3-D → both → map.
pub fn next_mode(mode: ViewMode) -> ViewMode {
    match mode {
        ViewMode::Map => ViewMode::Surface,
        ViewMode::Surface => ViewMode::Both,
        ViewMode::Both => ViewMode::Map,
    }
}

/// The central area: the projection switch, then the map, the 3-D view, or both side by side.
pub fn central(
    ui: &mut Ui,
    app: &mut LosscapeApp,
    critical: Option<&[CriticalPoint]>,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let current = app.scene.view.projection;
    let mut mode = current.mode;
    ui.horizontal(|ui| {
        ui.label("View:");
        ui.selectable_value(&mut mode, ViewMode::Map, "2-D map")
            .on_hover_text("The heatmap (V cycles)");
        ui.selectable_value(&mut mode, ViewMode::Surface, "3-D")
            .on_hover_text("The surface in 3-D (V)");
        ui.selectable_value(&mut mode, ViewMode::Both, "both")
            .on_hover_text("Map and 3-D side by side (V)");
    });
    let rect = ui.available_rect_before_wrap();
    let (map_rect, surface_rect) = match current.mode {
        ViewMode::Map => (Some(rect), None),
        ViewMode::Surface => (None, Some(rect)),
        ViewMode::Both => {
            let mid = rect.center().x;
            (
                Some(Rect::from_min_max(rect.min, egui::pos2(mid - 4.0, rect.max.y))),
                Some(Rect::from_min_max(egui::pos2(mid + 4.0, rect.min.y), rect.max)),
            )
        }
    };
    if let Some(r) = map_rect {
        ui.scope_builder(UiBuilder::new().max_rect(r), |ui| {
            commands.extend(super::plot::plots(ui, app, critical));
        });
    }
    let mut projection = Projection { mode, ..current };
    if let Some(r) = surface_rect {
        // The panel owns its camera and pictures; the camera's angles come back as a command.
        let mut panel = std::mem::take(&mut app.view3d);
        ui.scope_builder(UiBuilder::new().max_rect(r), |ui| {
            let input = Input {
                scene: &app.scene,
                surface: &app.surface,
                surface_id: app.surface_id,
                runs: &app.runs,
                step: app.playback.step,
                critical: critical.unwrap_or(&[]),
                cloud: &app.cloud,
            };
            commands.extend(panel.ui(ui, &input, &mut projection));
        });
        app.view3d = panel;
    }
    if projection != current {
        commands.push(Command::SetProjection(projection));
    }
    ui.advance_cursor_after_rect(rect);
    commands
}
