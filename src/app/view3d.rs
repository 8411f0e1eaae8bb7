//! The 3-D view panel: the surface as a lit, colour-mapped mesh with the runs rolling over it,
//! drawn by the shared CPU rasteriser ([`crate::figure::view3d`]) and shown as a texture. It
//! owns its camera: drag orbits, the wheel zooms, a double-click resets, a click on the surface
//! drops a start point where the ray through the pointer meets it.

use egui::{Color32, Rect, Sense, TextureHandle, TextureOptions, Ui, UiBuilder};

use super::{Command, LosscapeApp};
use crate::field::FieldStyle;
use crate::figure::view3d::{
    Camera, DEFAULT_MESH, Marks, Mesh3d, PathRef, Projection, Renderer, TrackRef, ViewMode,
};
use crate::scene::Scene;
use crate::sim::{CriticalPoint, SurfaceDef};

/// Degrees the camera turns per point dragged.
const DEGREES_PER_POINT: f64 = 0.4;

/// What the mesh depends on.
#[derive(Clone, Debug, PartialEq)]
struct MeshKey {
    surface_id: u64,
    domain: [f64; 4],
    style: FieldStyle,
}

/// What a frame's pixels depend on (besides the mesh): nothing changed, nothing uploaded.
#[derive(Clone, Debug, PartialEq)]
struct FrameKey {
    mesh: u64,
    camera: [u64; 3],
    size: [usize; 2],
    step: usize,
    runs: u64,
    starts: Vec<[u64; 2]>,
    critical: usize,
}

/// The 3-D view's state.
pub struct View3dPanel {
    /// The camera (its angles are mirrored in the scene's projection).
    pub camera: Camera,
    renderer: Renderer,
    mesh: Option<(MeshKey, u64, Mesh3d)>,
    mesh_count: u64,
    texture: Option<TextureHandle>,
    shown: Option<FrameKey>,
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
            renderer: Renderer::new([27, 27, 27, 255]),
            mesh: None,
            mesh_count: 0,
            texture: None,
            shown: None,
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
}

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
        let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
        self.rect = Some(rect);
        if response.dragged_by(egui::PointerButton::Primary)
            || response.dragged_by(egui::PointerButton::Secondary)
        {
            let d = response.drag_delta();
            self.camera
                .orbit(-f64::from(d.x) * DEGREES_PER_POINT, f64::from(d.y) * DEGREES_PER_POINT);
        }
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                self.camera.zoom =
                    (self.camera.zoom * f64::from(scroll * 0.002).exp()).clamp(0.3, 8.0);
            }
        }
        if response.double_clicked() {
            self.camera = Camera::default();
        }
        projection.azimuth = self.camera.azimuth;
        projection.elevation = self.camera.elevation;
        self.synced = (self.camera.azimuth, self.camera.elevation);

        let ppp = ui.ctx().pixels_per_point();
        let max_side = ui.ctx().input(|i| i.max_texture_side).min(4096);
        let w = ((rect.width() * ppp).round() as usize).clamp(16, max_side);
        let h = ((rect.height() * ppp).round() as usize).clamp(16, max_side);
        self.renderer.scale = ppp;
        let Some(mesh_id) = self.mesh(input) else {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "the surface cannot be drawn in 3-D here",
                egui::FontId::proportional(16.0),
                Color32::LIGHT_RED,
            );
            return commands;
        };
        let Some((_, _, mesh)) = &self.mesh else { return commands };

        // A click (not a drag) drops a start where the ray meets the surface.
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
            && self.renderer.view().is_some()
        {
            let (x, y) =
                (f64::from((pos.x - rect.min.x) * ppp), f64::from((pos.y - rect.min.y) * ppp));
            if let Some(p) = self.renderer.pick(mesh, x, y) {
                commands.push(Command::AddStart(p));
            }
        }

        let starts: Vec<_> = input.scene.start_points().collect();
        let key = FrameKey {
            mesh: mesh_id,
            camera: [
                self.camera.azimuth.to_bits(),
                self.camera.elevation.to_bits(),
                self.camera.zoom.to_bits(),
            ],
            size: [w, h],
            step: input.step,
            runs: input.runs.generation ^ input.surface_id.rotate_left(32),
            starts: starts.iter().map(|p| [p.x.to_bits(), p.y.to_bits()]).collect(),
            critical: input.critical.len(),
        };
        if self.shown.as_ref() != Some(&key) || self.texture.is_none() {
            let mut tracks: Vec<TrackRef<'_>> = Vec::new();
            // A network slice's training path, from θ₀ to the trained θ at the centre.
            if let SurfaceDef::Slice(slice) = input.surface
                && !slice.path().is_empty()
            {
                tracks.push(TrackRef {
                    color: crate::figure::TRAINING_PATH_COLOR,
                    path: PathRef::Points(slice.path()),
                    diverged_at: None,
                    whole: true,
                });
            }
            for (entry, runs) in input.scene.optimizers.iter().zip(&input.runs.table) {
                for run in runs.iter().flatten() {
                    tracks.push(TrackRef {
                        color: entry.color,
                        path: PathRef::Trajectory(&run.trajectory.points),
                        diverged_at: run.trajectory.diverged_at,
                        whole: false,
                    });
                }
            }
            let marks = Marks {
                tracks: &tracks,
                // The training path changes with the surface, the runs with their generation.
                tracks_id: input.runs.generation ^ input.surface_id.rotate_left(32),
                // Thinned runs keep every stride-th point: the head at step k is point k/stride.
                step: Some(input.step / input.runs.plan.stride.max(1)),
                starts: &starts,
                critical: input.critical,
            };
            let rgba = self.renderer.render(mesh, &self.camera, w, h, &marks);
            let image = egui::ColorImage::from_rgba_unmultiplied([w, h], rgba);
            match &mut self.texture {
                Some(t) => t.set(image, TextureOptions::LINEAR),
                None => {
                    self.texture =
                        Some(ui.ctx().load_texture("losscape-3d", image, TextureOptions::LINEAR));
                }
            }
            self.shown = Some(key);
        }
        if let Some(texture) = &self.texture {
            let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
            ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
        }
        ui.painter().text(
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

    /// The mesh of the current surface and style (rebuilt only when they change); its id.
    fn mesh(&mut self, input: &Input<'_>) -> Option<u64> {
        let view = &input.scene.view;
        let style = FieldStyle {
            colormap: view.colormap,
            log_scale: view.log_scale,
            contour_count: if view.contour_lines { view.contours } else { 0 },
        };
        let domain = input.scene.domain();
        let key = MeshKey { surface_id: input.surface_id, domain: domain.into(), style };
        if let Some((k, id, _)) = &self.mesh
            && *k == key
        {
            return Some(*id);
        }
        let mesh = Mesh3d::new(input.surface, domain, DEFAULT_MESH, &style).ok()?;
        self.mesh_count += 1;
        self.mesh = Some((key, self.mesh_count, mesh));
        Some(self.mesh_count)
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
    let mode = &mut app.scene.view.projection.mode;
    ui.horizontal(|ui| {
        ui.label("View:");
        ui.selectable_value(mode, ViewMode::Map, "2-D map").on_hover_text("The heatmap (V cycles)");
        ui.selectable_value(mode, ViewMode::Surface, "3-D").on_hover_text("The surface in 3-D (V)");
        ui.selectable_value(mode, ViewMode::Both, "both")
            .on_hover_text("Map and 3-D side by side (V)");
    });
    let mode = app.scene.view.projection.mode;
    let rect = ui.available_rect_before_wrap();
    let (map_rect, surface_rect) = match mode {
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
    if let Some(r) = surface_rect {
        ui.scope_builder(UiBuilder::new().max_rect(r), |ui| {
            let mut projection = app.scene.view.projection;
            let input = Input {
                scene: &app.scene,
                surface: &app.surface,
                surface_id: app.surface_id,
                runs: &app.runs,
                step: app.playback.step,
                critical: critical.unwrap_or(&[]),
            };
            commands.extend(app.view3d.ui(ui, &input, &mut projection));
            app.scene.view.projection = projection;
        });
    }
    ui.advance_cursor_after_rect(rect);
    commands
}
