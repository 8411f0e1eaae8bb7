//! The data panel of a model surface or a network landscape: the data points in a small plot
//! that a person edits — a click adds a point, a drag moves one, a right-click removes one —
//! and the loss surface follows. A model's surface follows live (a sum over a few hundred
//! points at most, cheap to rebuild; its heatmap, runs and critical points are recomputed in
//! the background as for any surface change); a network retrains on a background job, the
//! slice on screen staying until the new one is built (as in TensorFlow Playground, but with
//! the landscape).
//!
//! The panel owns its state (the point being dragged, the label of new points, the plot's
//! bounds) and returns [`Command::SetModelData`] with the edited rows.

use egui::{Color32, PointerButton, Pos2, RichText, Ui};
use egui_plot::{
    Line, MarkerShape, Plot, PlotBounds, PlotPoint, PlotPoints, PlotTransform, Points,
};

use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::scene::SurfaceChoice;
use crate::sim::net::NetSpec;
use crate::sim::net::data::Columns;
use crate::sim::net::model::{Model, ModelKind};

/// Pixels within which the pointer grabs a data point.
const GRAB_RADIUS: f32 = 10.0;

/// The data panel's state.
#[derive(Clone, Debug)]
pub struct DataPanel {
    /// The label of points a click adds (logistic regression): 1 or 0.
    pub label_one: bool,
    /// The point being dragged.
    dragging: Option<usize>,
    /// The plot's bounds, kept while a point is dragged so the plot does not slide under it.
    bounds: Option<PlotBounds>,
    /// The screen ↔ data transform of the last frame (hit-testing, and tests converting
    /// coordinates).
    pub transform: Option<PlotTransform>,
}

impl Default for DataPanel {
    fn default() -> Self {
        Self { label_one: true, dragging: None, bounds: None, transform: None }
    }
}

/// The bounds that show every row with a margin (and at least a unit square).
fn bounds_of(rows: &[[f64; 3]]) -> PlotBounds {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for r in rows {
        for k in 0..2 {
            lo[k] = lo[k].min(r[k]);
            hi[k] = hi[k].max(r[k]);
        }
    }
    for k in 0..2 {
        if !(lo[k].is_finite() && hi[k].is_finite()) {
            (lo[k], hi[k]) = (-1.0, 1.0);
        }
        let pad = (0.12 * (hi[k] - lo[k])).max(0.5);
        lo[k] -= pad;
        hi[k] += pad;
    }
    PlotBounds::from_min_max(lo, hi)
}

impl DataPanel {
    /// The screen position of data point (a, b) in the last frame.
    pub fn screen_pos(&self, a: f64, b: f64) -> Option<Pos2> {
        self.transform.map(|t| t.position_from_point(&PlotPoint::new(a, b)))
    }

    /// The row nearest to `pos` within [`GRAB_RADIUS`].
    fn row_under(&self, rows: &[[f64; 3]], pos: Pos2) -> Option<usize> {
        let t = self.transform?;
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i, t.position_from_point(&PlotPoint::new(r[0], r[1])).distance(pos)))
            .filter(|&(_, d)| d <= GRAB_RADIUS)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// Draws the panel for `model` and returns the edit, if any.
    fn model_ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let kind = model.kind();
        let line = fit_line(model);
        let commands = self.points_ui(ui, model.rows(), kind.columns(), line.as_ref());
        if kind == ModelKind::Linreg {
            ui.label(RichText::new("grey: the least-squares line").small());
        }
        commands
    }

    /// Draws the panel for a network's data and returns the edit, if any: the points given in
    /// the scene, or those of the data set or file once the network has been built on them.
    fn network_ui(&mut self, ui: &mut Ui, spec: &NetSpec, ctx: &Ctx<'_>) -> Vec<Command> {
        let built = match &spec.data {
            crate::sim::net::NetData::Points(_) => None,
            _ => ctx.network.landscape(&ctx.scene.surface).and_then(|l| l.slice.network().points()),
        };
        let rows = match (&spec.data, &built) {
            (crate::sim::net::NetData::Points(rows), _) => rows.as_slice(),
            (_, Some(rows)) => rows.as_slice(),
            (_, None) => {
                ui.heading("Data");
                ui.label(RichText::new("The points appear once the network is trained.").small());
                return Vec::new();
            }
        };
        let commands = self.points_ui(ui, rows, Columns::X1X2Label, None);
        if ctx.network.busy() {
            ui.label(RichText::new("retraining on the new points…").small());
        }
        commands
    }

    /// The heading, the hint, the label chooser (labelled data), the plot and its edits.
    fn points_ui(
        &mut self,
        ui: &mut Ui,
        rows: &[[f64; 3]],
        columns: Columns,
        line: Option<&(f64, f64)>,
    ) -> Vec<Command> {
        let labelled = columns.labelled();
        let names = columns.names();
        ui.heading("Data");
        ui.label(
            RichText::new(format!(
                "{} points ({}, {}). Click: add · drag: move · right-click: remove",
                rows.len(),
                names[0],
                names[1]
            ))
            .small(),
        );
        if labelled {
            ui.horizontal(|ui| {
                ui.label("a click adds label");
                ui.selectable_value(&mut self.label_one, true, "1");
                ui.selectable_value(&mut self.label_one, false, "0");
            });
        }
        if self.dragging.is_none() || self.bounds.is_none() {
            self.bounds = Some(bounds_of(rows));
        }
        let bounds = self.bounds.unwrap_or_else(|| bounds_of(rows));
        let response = data_plot(ui, rows, names, bounds, labelled, line);
        self.transform = Some(response.transform);
        self.edits(ui, &response, rows, labelled)
    }
}

/// The data as points (by label when labelled, with the least-squares line `line` = (slope,
/// intercept) when given) in a plot that does not pan or zoom.
fn data_plot(
    ui: &mut Ui,
    rows: &[[f64; 3]],
    names: &[&str],
    bounds: PlotBounds,
    labelled: bool,
    line: Option<&(f64, f64)>,
) -> egui_plot::PlotResponse<()> {
    let width = ui.available_width().clamp(160.0, 420.0);
    let plot = Plot::new("model-data")
        .width(width)
        .height(0.75 * width)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid(false);
    // The plane's marks, labelled as the map's are: steps of 0.5 read 0.5, not 0 and -0.
    let plot = super::plot::plane_axes(plot, names[0], names[1]);
    plot.show(ui, |pui| {
        pui.set_plot_bounds(bounds);
        if labelled {
            for (label, color, shape) in [
                (1.0, Color32::from_rgb(0xff, 0x70, 0x40), MarkerShape::Circle),
                (0.0, Color32::from_rgb(0x56, 0xb4, 0xe9), MarkerShape::Square),
            ] {
                let pts: Vec<[f64; 2]> =
                    rows.iter().filter(|r| r[2] == label).map(|r| [r[0], r[1]]).collect();
                pui.points(
                    Points::new(format!("label {label}"), pts)
                        .shape(shape)
                        .radius(3.5)
                        .filled(true)
                        .color(color),
                );
            }
        } else {
            if let Some(&(slope, intercept)) = line {
                let (lo, hi) = (bounds.min()[0], bounds.max()[0]);
                let ends = vec![[lo, slope * lo + intercept], [hi, slope * hi + intercept]];
                pui.line(
                    Line::new("", PlotPoints::from(ends))
                        .color(Color32::from_gray(140))
                        .width(1.0)
                        .allow_hover(false),
                );
            }
            let pts: Vec<[f64; 2]> = rows.iter().map(|r| [r[0], r[1]]).collect();
            pui.points(
                Points::new("data", pts).radius(3.5).filled(true).color(Color32::LIGHT_BLUE),
            );
        }
    })
}

impl DataPanel {
    /// What the pointer did on the plot: a row added, moved or removed, as the edited rows.
    fn edits(
        &mut self,
        ui: &Ui,
        response: &egui_plot::PlotResponse<()>,
        rows: &[[f64; 3]],
        labelled: bool,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        let r = &response.response;
        let pointer = r.interact_pointer_pos().or_else(|| r.hover_pos());
        let at = |pos: Pos2| {
            let p = response.transform.value_from_position(pos);
            [p.x, p.y]
        };
        if r.drag_started_by(PointerButton::Primary)
            && let Some(pos) = r.interact_pointer_pos()
        {
            // The press position: the pointer has moved a little by now.
            let press = ui.input(|i| i.pointer.press_origin()).unwrap_or(pos);
            self.dragging = self.row_under(rows, press);
        }
        if let (Some(i), Some(pos)) = (self.dragging, pointer)
            && r.dragged_by(PointerButton::Primary)
            && i < rows.len()
        {
            let [a, b] = at(pos);
            let mut edited = rows.to_vec();
            if (edited[i][0], edited[i][1]) != (a, b) {
                edited[i][0] = a;
                edited[i][1] = b;
                commands.push(Command::SetModelData(edited));
            }
        }
        if r.drag_stopped() {
            self.dragging = None;
        }
        if r.clicked_by(PointerButton::Primary)
            && let Some(pos) = r.interact_pointer_pos()
            && self.row_under(rows, pos).is_none()
        {
            let [a, b] = at(pos);
            let label = if labelled && self.label_one { 1.0 } else { 0.0 };
            let mut edited = rows.to_vec();
            edited.push([a, b, label]);
            commands.push(Command::SetModelData(edited));
        }
        // The last point stays: a model needs data.
        if r.clicked_by(PointerButton::Secondary)
            && let Some(pos) = r.interact_pointer_pos()
            && let Some(i) = self.row_under(rows, pos)
            && rows.len() > 1
        {
            let mut edited = rows.to_vec();
            edited.remove(i);
            commands.push(Command::SetModelData(edited));
        }
        commands
    }
}

impl Component for DataPanel {
    /// The data panel when the surface is a model's, nothing otherwise.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        match &ctx.scene.surface {
            SurfaceChoice::Model(model) => self.model_ui(ui, model),
            SurfaceChoice::Network(spec) => self.network_ui(ui, spec, ctx),
            _ => Vec::new(),
        }
    }
}

/// The least-squares line u = x·t + y as (slope, intercept) (linear regression only).
fn fit_line(model: &Model) -> Option<(f64, f64)> {
    if model.kind() != ModelKind::Linreg {
        return None;
    }
    let d = model.default_domain();
    // The default domain is centred on the least-squares fit (slope, intercept).
    Some((0.5 * (d.x_min + d.x_max), 0.5 * (d.y_min + d.y_max)))
}
