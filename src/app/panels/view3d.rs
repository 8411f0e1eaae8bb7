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

use super::plot::PlotPanel;
use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::app::runs::ShownRun;
use crate::field::FieldStyle;
use crate::figure::view3d::{
    CloudRef, DEFAULT_MESH, Fit, Marks, Mesh3d, PathRef, Renderer, TrackRef, Viewport,
};
use crate::jobs::{JobSlot, Outcome, Priority};
use crate::scene::Rgb;
use crate::scene::{Camera, Projection, ViewMode};
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

/// The background colour of the 3-D view.
const BACKGROUND: [u8; 4] = [27, 27, 27, 255];

impl View3dPanel {
    /// Draws the 3-D view filling `ui`; orbits, zooms and resets on the pointer; returns a start
    /// point to add when the surface was clicked. Reads the camera's angles from `projection`
    /// when the scene changed them, and writes them back as the camera turns.
    fn show(&mut self, ui: &mut Ui, ctx: &Ctx<'_>, projection: &mut Projection) -> Vec<Command> {
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
        let legend = legend_rows(ctx);
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
        let preview = self.steer(ui, &response);
        projection.azimuth = self.camera.azimuth;
        projection.elevation = self.camera.elevation;
        self.synced = (self.camera.azimuth, self.camera.elevation);

        self.take_finished(ui.ctx());

        let ppp = ui.ctx().pixels_per_point();
        let max_side = ui.ctx().input(|i| i.max_texture_side).min(4096);
        let w = ((rect.width() * ppp).round() as usize).clamp(16, max_side);
        let h = ((rect.height() * ppp).round() as usize).clamp(16, max_side);
        let key = self.frame_key(ctx, if preview { [w / 2, h / 2] } else { [w, h] }, {
            if preview { 0.5 * ppp } else { ppp }
        });
        if self.shown.as_ref() != Some(&key)
            && self.pending.as_ref() != Some(&key)
            && !self.job.busy()
        {
            self.request(ui.ctx(), ctx, key);
        }

        // A click (not a drag) drops a start where the ray through the pointer meets the
        // surface (computed here, from the camera: no need to wait for a frame).
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
            && let Some(mesh) = &self.mesh
        {
            let view = Viewport::new(&self.camera, mesh.half_extents(), w, h, Fit::Tight);
            let (x, y) =
                (f64::from((pos.x - rect.min.x) * ppp), f64::from((pos.y - rect.min.y) * ppp));
            if let Some(p) = mesh.ray_pick(&view, x, y) {
                commands.push(Command::AddStart(p));
            }
        }
        self.paint(ui, whole, rect, beside, legend_size, &legend);
        commands
    }

    /// Orbits on a drag, zooms on the wheel, resets on a double-click; whether frames are drawn
    /// at the preview resolution (the camera moved a moment ago).
    fn steer(&mut self, ui: &Ui, response: &egui::Response) -> bool {
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
        preview
    }

    /// The picture, or why there is none, the legend, and the camera's angles.
    fn paint(
        &self,
        ui: &Ui,
        whole: Rect,
        rect: Rect,
        beside: bool,
        legend_size: egui::Vec2,
        legend: &[(String, Color32)],
    ) {
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
        paint_legend(&painter, legend_at, legend_size, legend);
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

    /// What the frame of `ctx` at `size` pixels (lines scaled by `scale`) depends on.
    fn frame_key(&self, ctx: &Ctx<'_>, size: [usize; 2], scale: f32) -> FrameKey {
        let view = &ctx.scene.view;
        let style = FieldStyle {
            colormap: view.colormap,
            log_scale: view.log_scale,
            contour_count: if view.contour_lines { view.contours } else { 0 },
        };
        let bits = |p: Point| [p.x.to_bits(), p.y.to_bits()];
        FrameKey {
            mesh: MeshKey { surface_id: ctx.surface_id, domain: ctx.scene.domain().into(), style },
            camera: [
                self.camera.azimuth.to_bits(),
                self.camera.elevation.to_bits(),
                self.camera.zoom.to_bits(),
            ],
            size,
            scale: scale.to_bits(),
            step: ctx.playback.step,
            runs: ctx.runs.generation,
            starts: ctx.scene.start_points().map(bits).collect(),
            critical: ctx.drawn_critical().unwrap_or(&[]).iter().map(|c| bits(c.point)).collect(),
            cloud: ctx
                .cloud
                .newest()
                .map(|(step, frames)| (step, frames.iter().map(|(_, f)| f.points.len()).sum())),
        }
    }

    /// Asks the job for the frame `key` of what `ctx` shows.
    fn request(&mut self, egui: &egui::Context, ctx: &Ctx<'_>, key: FrameKey) {
        let drawing = Arc::clone(&self.drawing);
        let frame = FrameJob::new(ctx, self.camera, key.clone());
        let egui = egui.clone();
        self.pending = Some(key);
        self.job.request(
            move || egui.request_repaint(),
            move |_| {
                let mut drawing = drawing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                Ok(frame.draw(&mut drawing))
            },
        );
    }
}

/// Everything a frame is drawn from, owned, so that the job can draw it.
struct FrameJob {
    key: FrameKey,
    surface: SurfaceDef,
    domain: crate::sim::Domain,
    tracks: Vec<(Rgb, Arc<ShownRun>)>,
    /// A network slice's training path, from θ₀ to the trained θ at the centre, drawn whole.
    path: Vec<Point>,
    /// The stored point of every run at the playback step.
    head: usize,
    tracks_id: u64,
    starts: Vec<Point>,
    critical: Vec<CriticalPoint>,
    clouds: Vec<(Rgb, Vec<Point>)>,
    camera: Camera,
}

impl FrameJob {
    fn new(ctx: &Ctx<'_>, camera: Camera, key: FrameKey) -> Self {
        let mut tracks: Vec<(Rgb, Arc<ShownRun>)> = Vec::new();
        for (entry, runs) in ctx.scene.optimizers.iter().zip(&ctx.runs.table) {
            for run in runs.iter().flatten() {
                tracks.push((entry.color, Arc::clone(run)));
            }
        }
        let path: Vec<Point> = match ctx.surface {
            SurfaceDef::Slice(slice) => slice.path().to_vec(),
            _ => Vec::new(),
        };
        let clouds: Vec<(Rgb, Vec<Point>)> = ctx
            .cloud
            .newest()
            .map(|(_, frames)| {
                // The first optimizer on top, as on the map.
                frames
                    .iter()
                    .rev()
                    .filter_map(|(i, f)| {
                        ctx.scene.optimizers.get(*i).map(|e| (e.color, f.points.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            key,
            surface: ctx.surface.clone(),
            domain: ctx.scene.domain(),
            tracks,
            path,
            // Thinned runs keep every stride-th point: the head at step k is point k/stride.
            head: ctx.playback.step / ctx.runs.plan.stride.max(1),
            // The training path changes with the surface, the runs with their generation.
            tracks_id: ctx.runs.generation ^ ctx.surface_id.rotate_left(32),
            starts: ctx.scene.start_points().collect(),
            critical: ctx.drawn_critical().unwrap_or(&[]).to_vec(),
            clouds,
            camera,
        }
    }

    /// Draws the frame with the job's rasteriser, on its mesh (made again only when the
    /// surface, domain or style changed).
    fn draw(self, drawing: &mut Drawing) -> Result<Drawn, String> {
        let key = self.key;
        let mesh = match &drawing.mesh {
            Some((k, mesh)) if *k == key.mesh => Arc::clone(mesh),
            _ => {
                let made = Mesh3d::new(&self.surface, self.domain, DEFAULT_MESH, &key.mesh.style);
                let mesh = Arc::new(made.map_err(|e| e.to_string())?);
                drawing.mesh = Some((key.mesh.clone(), Arc::clone(&mesh)));
                mesh
            }
        };
        let renderer = drawing.renderer.get_or_insert_with(|| Renderer::new(BACKGROUND));
        renderer.scale = f32::from_bits(key.scale);
        let training = (!self.path.is_empty()).then(|| TrackRef {
            color: crate::figure::TRAINING_PATH_COLOR,
            path: PathRef::Points(&self.path),
            diverged_at: None,
            whole: true,
        });
        let runs = self.tracks.iter().map(|(color, run)| TrackRef {
            color: *color,
            path: PathRef::Trajectory(&run.trajectory.points),
            diverged_at: run.trajectory.diverged_at,
            whole: false,
        });
        let refs: Vec<TrackRef<'_>> = training.into_iter().chain(runs).collect();
        let cloud_refs: Vec<CloudRef<'_>> =
            self.clouds.iter().map(|(color, points)| CloudRef { color: *color, points }).collect();
        let marks = Marks {
            tracks: &refs,
            tracks_id: self.tracks_id,
            step: Some(self.head),
            starts: &self.starts,
            critical: &self.critical,
            clouds: &cloud_refs,
        };
        let [w, h] = key.size;
        let rgba = renderer.render(&mesh, &self.camera, w, h, &marks);
        // Opaque pixels: premultiplied is the same, and a copy cheaper.
        let image = ColorImage::from_rgba_premultiplied([w, h], rgba);
        Ok(Drawn { key, image, mesh })
    }
}

/// The legend's rows: each enabled optimizer's label and colour, then a saddle's directions.
fn legend_rows(ctx: &Ctx<'_>) -> Vec<(String, Color32)> {
    let color = |c: Rgb| Color32::from_rgb(c.0[0], c.0[1], c.0[2]);
    let mut rows: Vec<(String, Color32)> = ctx
        .scene
        .optimizers
        .iter()
        .zip(crate::figure::legend_labels(ctx.scene))
        .filter(|(o, _)| o.enabled)
        .map(|(o, label)| (label, color(o.color)))
        .collect();
    if ctx.drawn_critical().unwrap_or(&[]).iter().any(|c| c.kind == CriticalKind::Saddle) {
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

impl Component for View3dPanel {
    /// The 3-D view filling `ui`; the camera's angles come back as the scene's projection.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let current = ctx.scene.view.projection;
        let mut projection = current;
        let mut commands = self.show(ui, ctx, &mut projection);
        if projection != current {
            commands.push(Command::SetProjection(projection));
        }
        commands
    }
}

/// The central area: the projection switch, then the map, the 3-D view, or both side by side.
pub fn central(
    ui: &mut Ui,
    ctx: &Ctx<'_>,
    map: &mut PlotPanel,
    surface: &mut View3dPanel,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let current = ctx.scene.view.projection;
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
            commands.extend(map.ui(ui, ctx));
        });
    }
    if let Some(r) = surface_rect {
        // The panel owns its camera and pictures; the camera's angles come back as a command.
        ui.scope_builder(UiBuilder::new().max_rect(r), |ui| {
            commands.extend(surface.ui(ui, ctx));
        });
    }
    if mode != current.mode {
        // The switch and the camera in one projection.
        let turned = commands.iter_mut().find_map(|c| match c {
            Command::SetProjection(p) => Some(p),
            _ => None,
        });
        match turned {
            Some(p) => p.mode = mode,
            None => commands.push(Command::SetProjection(Projection { mode, ..current })),
        }
    }
    ui.advance_cursor_after_rect(rect);
    commands
}
