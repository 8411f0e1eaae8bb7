//! The surface plot: heatmap, contours, critical points, trajectories and start points, with
//! click-to-add, drag-to-move and right-click-to-remove. One plot for all optimizers (overlay),
//! or one per optimizer with zoom, pan and timeline linked (grid).

use egui::{Align2, Color32, Id, PointerButton, RichText, Vec2};
use egui_plot::{
    Corner, Legend, Line, MarkerShape, Plot, PlotBounds, PlotPoint, PlotPoints, PlotTransform,
    PlotUi, Points, Text,
};

use super::many_runs;
use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::app::runs::Series;
use crate::app::style::{ATTRACT, ESCAPE, arrow, color, ink};
use crate::figure::style::Marker;
use crate::scene::Layout;
use crate::sim::{CriticalKind, CriticalPoint, Point};

/// Pixels within which the pointer grabs a start point.
const GRAB_RADIUS: f32 = 12.0;

/// The map's own state, kept between frames: what the pointer is doing.
#[derive(Clone, Debug, Default)]
pub struct PlotPanel {
    /// The screen ↔ plot transform of the last frame's (first) plot: hit-testing start points
    /// before this frame's plot exists.
    transform: Option<PlotTransform>,
    /// The start point being dragged, and how many start points there were when it was
    /// grabbed (a start removed meanwhile ends the drag).
    dragging: Option<(usize, usize)>,
    /// The start added by the last click, and when: a double-click undoes it.
    last_added: Option<(usize, f64)>,
    /// The bounds shown last frame (where the legend goes).
    bounds: Option<PlotBounds>,
    /// The app's request to show the whole domain that the map last followed.
    fitted: u64,
    /// The map is narrow (beside the 3-D view): its legend is a compact row above it, not a
    /// box over it.
    compact_legend: bool,
}

/// Below this width (points) the map's legend is a compact row above the map: a box of nine
/// rows would cover a third of a narrow map.
const COMPACT_LEGEND_WIDTH: f32 = 640.0;

/// The colour of optimizer `i` of `scene` (grey if there is none).
fn scene_color(scene: &crate::scene::Scene, i: usize) -> Color32 {
    scene.optimizers.get(i).map_or(Color32::GRAY, |e| color(e.color))
}

/// The plot(s) of one frame: which optimizers one shows, and what every one of them shares.
struct Frame<'c, 'a> {
    ctx: &'c Ctx<'a>,
    critical: Option<&'c [CriticalPoint]>,
    /// Fit the view to the domain this frame.
    reset: bool,
    labels: Vec<String>,
    /// The dark theme (the light one draws legend swatches in their dark counterparts).
    dark: bool,
}

impl Component for PlotPanel {
    /// Draws the plot(s) of the scene's layout: the plot's own state changes, the rest comes
    /// back as commands.
    fn ui(&mut self, ui: &mut egui::Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let enabled: Vec<usize> = ctx
            .scene
            .optimizers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.enabled)
            .map(|(i, _)| i)
            .collect();
        let frame = Frame {
            ctx,
            critical: ctx.drawn_critical(),
            reset: ctx.fit_view != self.fitted,
            labels: crate::figure::legend_labels(ctx.scene),
            dark: ui.visuals().dark_mode,
        };
        let commands = match ctx.scene.view.layout {
            Layout::Overlay => {
                self.compact_legend = ui.available_width() < COMPACT_LEGEND_WIDTH;
                if self.compact_legend {
                    compact_legend(ui, &frame, &enabled);
                }
                self.surface_plot(ui, &frame, "surface", &enabled, true)
            }
            Layout::Grid => self.grid(ui, &frame, &enabled),
        };
        // Every plot of the frame fitted the view; the next frames follow the person.
        self.fitted = ctx.fit_view;
        commands
    }
}

impl PlotPanel {
    /// One small plot per enabled optimizer, titled with it, zoom and pan linked.
    fn grid(
        &mut self,
        ui: &mut egui::Ui,
        frame: &Frame<'_, '_>,
        enabled: &[usize],
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(points) = frame.critical {
            shared_legend(ui, points);
        }
        let n = enabled.len().max(1);
        let cols = (n as f64).sqrt().ceil() as usize;
        let rows = n.div_ceil(cols);
        let size = ui.available_size();
        let cell = Vec2::new(size.x / cols as f32 - 6.0, size.y / rows as f32 - 6.0);
        egui::Grid::new("grid-layout").spacing([6.0, 6.0]).show(ui, |ui| {
            for (k, &i) in enabled.iter().enumerate() {
                ui.allocate_ui(cell, |ui| {
                    ui.set_min_size(cell);
                    ui.vertical(|ui| {
                        let c = color(frame.ctx.scene.optimizers[i].color);
                        let title =
                            RichText::new(format!("● {}", frame.labels[i])).color(c).strong();
                        ui.add(egui::Label::new(title).selectable(false));
                        let id = format!("surface-{i}");
                        commands.extend(self.surface_plot(ui, frame, &id, &[i], k == 0));
                    });
                });
                if (k + 1) % cols == 0 {
                    ui.end_row();
                }
            }
            if enabled.is_empty() {
                ui.label("Switch an optimizer on to see it here.");
            }
        });
        commands
    }
}

/// The legend of a narrow map as wrapped rows above it: each run's name in its colour, then the
/// critical-point markers.
fn compact_legend(ui: &mut egui::Ui, frame: &Frame<'_, '_>, enabled: &[usize]) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 10.0;
        for &i in enabled {
            let entry = &frame.ctx.scene.optimizers[i];
            let text = format!("● {}", frame.labels[i]);
            ui.add(egui::Label::new(RichText::new(text).color(ink(entry.color, dark))));
        }
    });
    if let Some(points) = frame.critical {
        shared_legend(ui, points);
    }
}

/// One row naming the critical-point markers, shared by the grid's small plots.
fn shared_legend(ui: &mut egui::Ui, points: &[CriticalPoint]) {
    ui.horizontal(|ui| {
        for kind in
            [CriticalKind::Min, CriticalKind::Max, CriticalKind::Saddle, CriticalKind::Degenerate]
        {
            if points.iter().any(|c| c.kind == kind) {
                let (rgb, name) = crate::figure::svg::critical_style(kind);
                let mark = match kind {
                    CriticalKind::Min => "●",
                    CriticalKind::Max => "▲",
                    CriticalKind::Saddle => "◆",
                    CriticalKind::Degenerate => "■",
                };
                ui.label(RichText::new(mark).color(ink(rgb, ui.visuals().dark_mode)));
                ui.label(name);
                ui.add_space(10.0);
            }
        }
        if points.iter().any(|c| c.kind == CriticalKind::Saddle) {
            ui.label(RichText::new("→").color(ESCAPE).strong());
            ui.label("escape (λ < 0)");
            ui.label(RichText::new("→").color(ATTRACT).strong());
            ui.label("attracting (λ > 0)");
        }
    });
}

/// The nearest start point within [`GRAB_RADIUS`] of the pointer: of where the primary button
/// went down while it is held (a drag is recognised only after the pointer has moved), else of
/// where the pointer hovers.
fn start_under_pointer(
    ui: &egui::Ui,
    transform: Option<&PlotTransform>,
    starts: &[[f64; 2]],
) -> Option<usize> {
    let transform = transform?;
    let pointer = ui.input(|i| {
        if i.pointer.primary_down() { i.pointer.press_origin() } else { i.pointer.hover_pos() }
    })?;
    if !transform.frame().contains(pointer) {
        return None;
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (i, transform.position_from_point(&PlotPoint::new(s[0], s[1])).distance(pointer))
        })
        .filter(|&(_, d)| d <= GRAB_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

impl PlotPanel {
    /// The start point being dragged, unless a start point was removed since it was grabbed.
    fn dragged(&self, starts: usize) -> Option<usize> {
        self.dragging.filter(|&(_, n)| n == starts).map(|(i, _)| i)
    }

    /// One map: the field, basins, critical points, runs and start points of `optimizers`;
    /// `primary` for the first plot of the frame, whose view the app samples the field for.
    fn surface_plot(
        &mut self,
        ui: &mut egui::Ui,
        frame: &Frame<'_, '_>,
        id: &str,
        optimizers: &[usize],
        primary: bool,
    ) -> Vec<Command> {
        let ctx = frame.ctx;
        let hovered_start = start_under_pointer(ui, self.transform.as_ref(), &ctx.scene.starts);
        let grabbing = hovered_start.is_some() || self.dragged(ctx.scene.starts.len()).is_some();
        let fit = fit_bounds(ui.available_size(), ctx.scene.domain());
        let corner = (!self.compact_legend || ctx.scene.view.layout != Layout::Overlay)
            .then(|| self.legend_corner(ctx, optimizers.len(), frame.critical));
        // Data units per pixel in the last frame: trajectories are simplified to what it can show.
        let px = self.transform.as_ref().map_or([0.0; 2], |t| {
            [
                t.bounds().width() / f64::from(t.frame().width().max(1.0)),
                t.bounds().height() / f64::from(t.frame().height().max(1.0)),
            ]
        });
        let response = map_plot(id, ctx, grabbing, corner).show(ui, |pui: &mut PlotUi| {
            if frame.reset {
                pui.set_plot_bounds(fit);
            }
            draw_layers(pui, frame, optimizers, px);
        });
        let colors = |i: usize| scene_color(ctx.scene, i);
        ctx.cloud.paint(ui.painter(), &response.transform, &colors, optimizers);
        if let Some(c) = frame
            .critical
            .and_then(|points| critical_under_pointer(ui, &response.transform, points))
            && !grabbing
        {
            let text = critical_tooltip(c);
            response.response.clone().on_hover_ui_at_pointer(|ui| {
                ui.label(RichText::new(text).monospace());
            });
        }
        let mut commands = Vec::new();
        if primary {
            let t = response.transform;
            self.transform = Some(t);
            self.bounds = Some(*t.bounds());
            let px = t.frame().size() * ui.ctx().pixels_per_point();
            commands.push(Command::ViewShown { bounds: *t.bounds(), frame: *t.frame(), px });
        }
        self.pointer_edits(ui, ctx, &response, hovered_start, &mut commands);
        commands
    }

    /// The legend goes to the corner where it hides the fewest start and critical points.
    fn legend_corner(
        &self,
        ctx: &Ctx<'_>,
        optimizers: usize,
        critical: Option<&[CriticalPoint]>,
    ) -> Corner {
        let domain = ctx.scene.domain();
        let shown = self.bounds.map_or(domain, |b| {
            let (lo, hi) = (b.min(), b.max());
            crate::sim::Domain::new(lo[0], hi[0], lo[1], hi[1]).unwrap_or(domain)
        });
        let frame_h = self.transform.map_or(600.0, |t| f64::from(t.frame().height()));
        let rows = optimizers + critical.map_or(0, |c| c.len().min(5));
        let h = ((rows as f64 * 21.0 + 16.0) / frame_h.max(1.0)).min(0.9);
        let mut points: Vec<Point> =
            ctx.scene.starts.iter().map(|&[x, y]| Point::new(x, y)).collect();
        points.extend(critical.unwrap_or_default().iter().map(|c| c.point));
        match crate::figure::emptiest_corner(&shown, 0.4, h, &points) {
            crate::figure::Corner::RightTop => Corner::RightTop,
            crate::figure::Corner::LeftTop => Corner::LeftTop,
            crate::figure::Corner::RightBottom => Corner::RightBottom,
            crate::figure::Corner::LeftBottom => Corner::LeftBottom,
        }
    }

    /// What the pointer did on the map: a start grabbed, dragged, added, removed or selected,
    /// a cloud dropped, the view reset.
    fn pointer_edits(
        &mut self,
        ui: &egui::Ui,
        ctx: &Ctx<'_>,
        response: &egui_plot::PlotResponse<()>,
        hovered_start: Option<usize>,
        commands: &mut Vec<Command>,
    ) {
        let r = &response.response;
        let starts = ctx.scene.starts.len();
        let pointer = ui.input(|i| i.pointer.latest_pos()).map(|pos| {
            let p = response.transform.value_from_position(pos);
            Point::new(p.x, p.y)
        });
        let now = ui.input(|i| i.time);
        if r.drag_started_by(PointerButton::Primary)
            && let Some(i) = hovered_start
        {
            self.dragging = Some((i, starts));
            commands.push(Command::Select(Some(i)));
        }
        if let (Some(i), Some(p)) = (self.dragged(starts), pointer)
            && r.dragged_by(PointerButton::Primary)
        {
            commands.push(Command::MoveStart(i, p));
        }
        if r.drag_stopped() {
            if let (Some(i), Some(p)) = (self.dragged(starts), pointer) {
                commands.push(Command::MoveStart(i, p));
            }
            self.dragging = None;
        }
        if r.double_clicked() {
            // The first click of the double-click added a start point: take it back.
            if let Some((i, t)) = self.last_added.take()
                && now - t < 0.6
            {
                commands.push(Command::RemoveStart(i));
            }
            commands.push(Command::ResetView);
        } else if r.clicked() {
            match (hovered_start, pointer) {
                (Some(i), _) => commands.push(Command::Select(Some(i))),
                (None, Some(p)) if ui.input(|i| i.modifiers.shift) => {
                    commands.push(Command::CloudBlob(p));
                }
                (None, Some(p)) => {
                    self.last_added = Some((starts, now));
                    commands.push(Command::AddStart(p));
                }
                (None, None) => {}
            }
        }
        if r.secondary_clicked()
            && let Some(i) = hovered_start
        {
            commands.push(Command::RemoveStart(i));
        }
        let dragging = self.dragged(starts).is_some();
        if hovered_start.is_some() || dragging {
            ui.ctx().set_cursor_icon(if dragging {
                egui::CursorIcon::Grabbing
            } else {
                egui::CursorIcon::Grab
            });
        }
    }
}

/// With equal aspect, the bounds that fit the whole domain in a plot of `size` (axes
/// included): whichever axis the plot's shape asks for is widened.
fn fit_bounds(size: Vec2, domain: crate::sim::Domain) -> PlotBounds {
    let size = size - Vec2::new(60.0, 40.0); // minus the axes
    let aspect = f64::from((size.x / size.y.max(1.0)).max(0.1));
    let (cx, cy) = ((domain.x_min + domain.x_max) / 2.0, (domain.y_min + domain.y_max) / 2.0);
    let (mut w, mut h) = (domain.width() * 1.04, domain.height() * 1.04);
    if w / h < aspect {
        w = h * aspect;
    } else {
        h = w / aspect;
    }
    PlotBounds::from_min_max([cx - w / 2.0, cy - h / 2.0], [cx + w / 2.0, cy + h / 2.0])
}

/// The map's plot: equal aspect, the surface's axis names, linked zoom and pan, a legend in
/// `corner` for the overlay (in the grid each small plot is titled with its optimizer and one
/// legend row serves them all: a legend per plot would cover most of it).
fn map_plot<'p>(id: &str, ctx: &Ctx<'_>, grabbing: bool, corner: Option<Corner>) -> Plot<'p> {
    // α and β on a network's slice.
    let axes = crate::figure::axis_names(ctx.surface);
    let plot = Plot::new(id)
        .data_aspect(1.0)
        .allow_drag(!grabbing)
        .allow_double_click_reset(false)
        .allow_boxed_zoom(true)
        .boxed_zoom_pointer_button(PointerButton::Secondary)
        .show_grid(false);
    let plot = plane_axes(plot, axes[0], axes[1])
        .link_axis(Id::unique("surface-link"), true)
        .link_cursor(Id::unique("surface-link"), true);
    if ctx.scene.view.layout == Layout::Overlay
        && let Some(corner) = corner
    {
        // The first item of a name gives its swatch: the runs' legend-only dot, in the theme's ink.
        plot.legend(
            Legend::default()
                .position(corner)
                .background_alpha(0.75)
                .color_conflict_handling(egui_plot::ColorConflictHandling::PickFirst),
        )
    } else {
        plot
    }
}

/// Everything drawn inside a map, bottom to top.
fn draw_layers<'p>(
    pui: &mut PlotUi<'p>,
    frame: &Frame<'_, 'p>,
    optimizers: &[usize],
    px: [f64; 2],
) {
    let ctx = frame.ctx;
    let domain = ctx.scene.domain();
    ctx.field.draw(pui, &ctx.scene.view);
    ctx.basins.draw(pui);
    if let Some(points) = frame.critical {
        draw_critical(pui, points, domain.width().hypot(domain.height()), px);
    }
    if let Some(path) = &crate::figure::training_path(ctx.surface) {
        crate::app::network::draw_path(pui, path);
    }
    draw_runs(pui, frame, optimizers, px);
    if ctx.cloud.is_active() {
        // The cloud is painted over the plot; its optimizers still need legend entries.
        for &i in optimizers {
            if let (Some(entry), Some(label)) = (ctx.scene.optimizers.get(i), frame.labels.get(i)) {
                let at = [domain.x_min, domain.y_min];
                let dark = frame.dark;
                pui.points(
                    Points::new(label.as_str(), vec![at]).radius(0.0).color(ink(entry.color, dark)),
                );
            }
        }
    }
    let pick = ctx.narrate_pick.0;
    if let Some(n) = ctx.narration.filter(|_| optimizers.contains(&pick)) {
        crate::app::narration::draw_narration(pui, n, px);
    }
    for (i, s) in ctx.scene.starts.iter().enumerate() {
        let ring = if ctx.selected == Some(i) { 9.0 } else { 7.0 };
        pui.points(Points::new("", vec![*s]).radius(ring).color(Color32::BLACK).filled(true));
        pui.points(Points::new("", vec![*s]).radius(ring - 2.5).color(Color32::WHITE).filled(true));
    }
}

/// Each run of `optimizers` up to the playback step, its head a dot (a cross where it
/// diverged).
fn draw_runs(pui: &mut PlotUi<'_>, frame: &Frame<'_, '_>, optimizers: &[usize], px: [f64; 2]) {
    let ctx = frame.ctx;
    let step = ctx.playback.step;
    // More runs than the platform draws as plot items (the browser) are one mesh item; their
    // legend entries are still made here.
    let meshed = many_runs::meshed(ctx, optimizers);
    if meshed {
        pui.add(many_runs::item(ctx, optimizers, px));
    }
    let every = if meshed { 1 } else { many_runs::path_thinning(ctx, optimizers, px) };
    for &i in optimizers {
        let entry = &ctx.scene.optimizers[i];
        let Some(Some(runs_of)) = ctx.runs.table.get(i) else { continue };
        let c = color(entry.color);
        let label = &frame.labels[i];
        // On the light theme the legend's swatch is the colour's dark counterpart (the first
        // item of a name gives its legend colour; this one draws nothing).
        let dark = frame.dark;
        if let Some(first) = runs_of.iter().find(|r| !r.is_empty()) {
            let at = first.point(Series::Path, 0);
            pui.points(
                Points::new(label.as_str(), vec![[at.x, at.y]])
                    .radius(0.0)
                    .color(ink(entry.color, dark)),
            );
        }
        if meshed {
            continue;
        }
        for run in runs_of.iter().filter(|r| !r.is_empty()) {
            let head = run.head(step);
            let kept = run.simplified(Series::Path, px);
            let path = run.prefix(Series::Path, &crate::app::runs::thinned(&kept, every), head);
            pui.line(
                Line::new(label.as_str(), PlotPoints::Owned(path))
                    .color(c)
                    .width(2.5)
                    .allow_hover(false),
            );
            let tip = run.point(Series::Path, head);
            let diverged_here = run.trajectory.diverged_at.is_some() && head + 1 == run.len();
            if diverged_here {
                let k = run.trajectory.diverged_at.unwrap_or(0);
                pui.points(
                    Points::new("", vec![[tip.x, tip.y]])
                        .shape(MarkerShape::Cross)
                        .radius(9.0)
                        .color(c),
                );
                pui.text(
                    Text::new(
                        "",
                        tip,
                        RichText::new(format!("diverged at step {k}")).color(c).strong(),
                    )
                    .anchor(Align2::LEFT_BOTTOM),
                );
            } else {
                pui.points(Points::new("", vec![[tip.x, tip.y]]).radius(5.5).color(c).filled(true));
            }
        }
    }
}

/// The critical point within [`GRAB_RADIUS`] of the pointer, if any.
pub fn critical_under_pointer<'a>(
    ui: &egui::Ui,
    transform: &PlotTransform,
    points: &'a [CriticalPoint],
) -> Option<&'a CriticalPoint> {
    let pointer = ui.input(|i| i.pointer.hover_pos())?;
    points
        .iter()
        .map(|c| {
            let at = transform.position_from_point(&PlotPoint::new(c.point.x, c.point.y));
            (c, at.distance(pointer))
        })
        .filter(|&(_, d)| d <= GRAB_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// What a critical point's tooltip says: kind, where, f, the signed eigenvalues and what they
/// mean.
pub fn critical_tooltip(c: &CriticalPoint) -> String {
    let [l1, l2] = c.eigenvalues;
    let meaning = match c.kind {
        CriticalKind::Min => "both curvatures up: a minimum",
        CriticalKind::Max => "both curvatures down: a maximum",
        CriticalKind::Saddle => "one curvature down: a saddle, escaped along λ₁'s direction",
        CriticalKind::Degenerate => "a zero curvature: second-order test cannot tell",
    };
    format!(
        "{} at ({:.4}, {:.4})\nf = {:.6}\nHessian eigenvalues λ₁ = {l1:+.4}, λ₂ = {l2:+.4}\n{meaning}",
        c.kind.name(),
        c.point.x,
        c.point.y,
        c.value
    )
}

fn draw_critical(pui: &mut PlotUi, points: &[CriticalPoint], diagonal: f64, px: [f64; 2]) {
    // A saddle's eigen-directions: out along the negative curvature, in along the positive.
    let reach = 0.06 * diagonal;
    for cp in points.iter().filter(|c| c.kind == CriticalKind::Saddle) {
        let [down, up] = cp.eigenvectors;
        for sign in [1.0, -1.0] {
            let gap = 0.25 * reach;
            let (out_from, out_to) =
                (cp.point + down * (sign * gap), cp.point + down * (sign * reach));
            let (in_from, in_to) = (cp.point + up * (sign * reach), cp.point + up * (sign * gap));
            for (name, from, to, colour) in [
                ("escape direction (λ < 0)", out_from, out_to, ESCAPE),
                ("attracting direction (λ > 0)", in_from, in_to, ATTRACT),
            ] {
                arrow(pui, name, from, to, colour, 3.0, px);
            }
        }
    }
    // A run of degenerate points along a line (f = x², say, is critical all along x = 0) is
    // one line, not a column of markers.
    let degenerate: Vec<Point> =
        points.iter().filter(|c| c.kind == CriticalKind::Degenerate).map(|c| c.point).collect();
    // Many along a curve (the deep linear net's hyperbola of minima) are drawn as curves too.
    let as_line = degenerate_line(&degenerate)
        .map(|l| vec![l])
        .or_else(|| (degenerate.len() >= 8).then(|| degenerate_curves(&degenerate)));
    if let Some(lines) = &as_line {
        let (rgb, _) = crate::figure::svg::critical_style(CriticalKind::Degenerate);
        for (k, line) in lines.iter().enumerate() {
            let pts: Vec<[f64; 2]> = line.iter().map(|p| [p.x, p.y]).collect();
            let name = if k == 0 { "degenerate (a line of critical points)" } else { "" };
            if pts.len() == 1 {
                pui.points(Points::new(name, pts).radius(3.0).color(color(rgb)).filled(true));
                continue;
            }
            pui.line(Line::new("", PlotPoints::from(pts.clone())).color(Color32::BLACK).width(6.0));
            pui.line(Line::new(name, PlotPoints::from(pts)).color(color(rgb)).width(3.5));
        }
    }
    for cp in points {
        if as_line.is_some() && cp.kind == CriticalKind::Degenerate {
            continue;
        }
        // The same markers and colours as the figures (`losscape render`, exports).
        let shape = match crate::figure::style::critical_marker(cp.kind) {
            Marker::Circle => MarkerShape::Circle,
            Marker::Triangle => MarkerShape::Up,
            Marker::Diamond => MarkerShape::Diamond,
            Marker::Square => MarkerShape::Square,
        };
        let (rgb, name) = crate::figure::svg::critical_style(cp.kind);
        let at = [cp.point.x, cp.point.y];
        pui.points(
            Points::new("", vec![at]).shape(shape).radius(7.0).color(Color32::BLACK).filled(true),
        );
        pui.points(
            Points::new(name, vec![at]).shape(shape).radius(5.0).color(color(rgb)).filled(true),
        );
    }
}

/// `points` in order along the line they lie on, when there are at least three and they lie
/// on one (within 2 % of their spread); `None` otherwise.
pub fn degenerate_line(points: &[Point]) -> Option<Vec<Point>> {
    if points.len() < 3 {
        return None;
    }
    let mean = points.iter().fold(Point::zeros(), |m, p| m + p) / points.len() as f64;
    let cov = points.iter().fold(nalgebra::Matrix2::zeros(), |c, p| {
        let d = p - mean;
        c + d * d.transpose()
    });
    let eig = cov.symmetric_eigen();
    let (major, minor) = if eig.eigenvalues[0] >= eig.eigenvalues[1] { (0, 1) } else { (1, 0) };
    let (spread, off) =
        (eig.eigenvalues[major].max(0.0).sqrt(), eig.eigenvalues[minor].max(0.0).sqrt());
    if !(spread > 0.0 && off <= 0.02 * spread) {
        return None;
    }
    let axis = eig.eigenvectors.column(major).into_owned();
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| (a - mean).dot(&axis).total_cmp(&(b - mean).dot(&axis)));
    Some(sorted)
}

/// `points` chained into curves: each grows from a point at both ends by the nearest point left,
/// as long as it is within three times the median nearest-neighbour distance (a gap beyond that
/// starts a new curve). For critical points found along a curve, such as a hyperbola of minima.
pub fn degenerate_curves(points: &[Point]) -> Vec<Vec<Point>> {
    let nearest = |p: &Point, among: &[Point]| {
        among
            .iter()
            .enumerate()
            .map(|(j, q)| (j, (p - q).norm()))
            .filter(|&(_, d)| d > 0.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    let mut gaps: Vec<f64> =
        points.iter().filter_map(|p| nearest(p, points).map(|(_, d)| d)).collect();
    gaps.sort_by(f64::total_cmp);
    let reach = 3.0 * gaps.get(gaps.len() / 2).copied().unwrap_or(0.0);
    let mut left = points.to_vec();
    let mut curves = Vec::new();
    while let Some(first) = left.pop() {
        let mut curve = std::collections::VecDeque::from([first]);
        loop {
            let mut grew = false;
            for front in [true, false] {
                let end = if front { curve.front() } else { curve.back() };
                let Some(&end) = end else { break };
                if let Some((j, d)) = nearest(&end, &left)
                    && d <= reach
                {
                    let p = left.swap_remove(j);
                    if front {
                        curve.push_front(p)
                    } else {
                        curve.push_back(p)
                    }
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        curves.push(curve.into());
    }
    curves
}

/// A plane's axes, named `x` and `y`: marks at 1 and 5 times powers of ten
/// ([`one_five_spacer`]), each labelled with the decimals its step needs ([`tick_label`]).
pub fn plane_axes<'p>(plot: Plot<'p>, x: &str, y: &str) -> Plot<'p> {
    plot.custom_x_axes(vec![egui_plot::AxisHints::new_x().label(x).formatter(tick_label)])
        .custom_y_axes(vec![egui_plot::AxisHints::new_y().label(y).formatter(tick_label)])
        .x_grid_spacer(one_five_spacer)
        .y_grid_spacer(one_five_spacer)
}

/// Grid marks at 1 and 5 times powers of ten (egui_plot's default has powers of ten only, which
/// leaves a plot 16 units wide with a single labelled "0": steps of 1 are too dense to label
/// and steps of 10 fall outside).
pub fn one_five_spacer(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let base = input.base_step_size;
    if !(lo.is_finite() && hi.is_finite() && base.is_finite() && base > 0.0 && hi > lo) {
        return Vec::new();
    }
    // The ladder 1, 5, 10, 50, …: each rung a multiple of the one below.
    let mut step = 10f64.powf(base.log10().floor());
    if step < base {
        step *= 5.0;
    }
    if step < base {
        step *= 2.0;
    }
    let next = |s: f64| {
        if (s / 10f64.powf(s.log10().floor()) - 1.0).abs() < 1e-9 { s * 5.0 } else { s * 2.0 }
    };
    let rungs = [step, next(step), next(next(step)), next(next(next(step)))];
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last - first > 10_000 {
        return Vec::new();
    }
    (first..=last)
        .map(|k| {
            let value = k as f64 * step;
            let step_size = rungs
                .iter()
                .rev()
                .copied()
                .find(|&r| ((value / r).round() * r - value).abs() <= 1e-9 * r)
                .unwrap_or(step);
            egui_plot::GridMark { value, step_size }
        })
        .collect()
}

/// A tick label with as many decimals as its step needs (`2.5`, not `2`), and no `-0`.
pub fn tick_label(mark: egui_plot::GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    let decimals = (-mark.step_size.log10().floor()).clamp(0.0, 12.0) as usize;
    let value = if mark.value.abs() < 1e-9 * mark.step_size { 0.0 } else { mark.value };
    format!("{value:.decimals$}")
}
