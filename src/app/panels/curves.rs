//! Loss and gradient norm against step for every trajectory, with a marker at the current
//! step. A plateau shows up as a long flat stretch of small ‖∇f‖. When an optimizer follows a
//! learning-rate schedule, a third plot shows each optimizer's rate against the step.

use std::sync::Arc;

use egui::epaint::Mesh;
use egui::{Color32, Ui};
use egui_plot::{Line, Plot, PlotPoint, PlotPoints, PlotTransform, VLine};

use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::app::mesh::polyline;
use crate::app::runs::{Runs, Series};
use crate::app::style::ink;
use crate::scene::Scene;
use crate::sim::net::Training;

/// The curves panel's own state.
#[derive(Clone, Debug)]
pub struct Curves {
    /// Whether the curves use a log y axis.
    pub log: bool,
    /// Data units per pixel (x, y) of the two curve plots in the last frame.
    px: [[f64; 2]; 2],
    /// Each plot's lines and mesh of the last frame, kept while nothing they depend on changed
    /// (playing moves only the step's line).
    cache: [Option<Cached>; 2],
}

/// The most points a training curve draws (every step up to this many, evenly spaced beyond).
const TRAINING_POINTS: usize = 4000;

/// `values` against the training step as plot points (log₁₀ on a log axis, non-finite values
/// left out), at most about [`TRAINING_POINTS`] of them, the last step always among them.
fn training_points(values: &[f64], log: bool) -> Vec<PlotPoint> {
    let stride = values.len().div_ceil(TRAINING_POINTS).max(1);
    let last = values.len().saturating_sub(1);
    (0..values.len())
        .filter(|&k| k % stride == 0 || k == last)
        .map(|k| (k, if log { values[k].log10() } else { values[k] }))
        .filter(|(_, v)| v.is_finite())
        .map(|(k, v)| PlotPoint::new(k as f64, v))
        .collect()
}

/// A plot's lines, their bounds, and their mesh on screen.
#[derive(Clone, Debug)]
struct Cached {
    /// The simplified points of every run (by identity), and the colours.
    key: (u64, Vec<Color32>),
    lines: Arc<Lines>,
    bounds: Option<[[f64; 2]; 2]>,
    /// The screen frame and bounds the mesh was made for.
    mesh: Option<([u32; 4], [u64; 4], Arc<Mesh>)>,
}

/// Every run's curve: its colour and points.
type Lines = Vec<(Color32, Vec<PlotPoint>)>;

impl Default for Curves {
    fn default() -> Self {
        Self { log: true, px: [[0.0; 2]; 2], cache: [None, None] }
    }
}

impl Component for Curves {
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        // A network's slice has no start points: its curves are the training's.
        if ctx.scene.starts.is_empty()
            && let Some(landscape) = ctx.network.landscape(&ctx.scene.surface)
        {
            self.show_training(ui, &landscape.training);
        } else {
            self.show(ui, ctx.scene, ctx.runs, ctx.playback.step);
        }
        Vec::new()
    }
}

impl Curves {
    /// Draws the loss and gradient-norm plots side by side (and the learning rates when a
    /// schedule is on), with a line at playback step `step`.
    pub fn show(&mut self, ui: &mut Ui, scene: &Scene, runs: &Runs, step: usize) {
        ui.horizontal(|ui| {
            ui.strong("Curves");
            ui.checkbox(&mut self.log, "log y");
        });
        let log = self.log;
        let step = step as f64;
        let scheduled = scene.optimizers.iter().any(|o| o.enabled && o.spec.schedule().is_some());
        let panels = if scheduled { 3.0 } else { 2.0 };
        let width = (ui.available_width() - 6.0 * panels) / panels;
        let height = ui.available_height().max(80.0);
        ui.horizontal(|ui| {
            for k in 0..2 {
                self.curve_plot(ui, k, scene, runs, [width, height], step);
            }
            if scheduled {
                lr_plot(ui, scene, width, height, log, step);
            }
        });
    }

    /// The training of a network scene: its loss and ‖∇L‖ against the training step.
    pub fn show_training(&mut self, ui: &mut Ui, training: &Training) {
        ui.horizontal(|ui| {
            ui.strong("Training curves");
            ui.checkbox(&mut self.log, "log y");
        });
        let width = (ui.available_width() - 12.0) / 2.0;
        let height = ui.available_height().max(80.0);
        let color = ui.visuals().strong_text_color();
        ui.horizontal(|ui| {
            for (title, values) in
                [("training loss L", &training.losses), ("‖∇L‖", &training.grad_norms)]
            {
                let points = training_points(values, self.log);
                Plot::new(title)
                    .width(width)
                    .height(height)
                    .x_axis_label("training step")
                    .y_axis_label(if self.log {
                        format!("log₁₀ {title}")
                    } else {
                        title.to_owned()
                    })
                    .allow_scroll(false)
                    .show(ui, |pui| {
                        pui.line(
                            Line::new(title, PlotPoints::Owned(points)).color(color).width(2.0),
                        );
                    });
            }
        });
    }

    /// Plot `k` of the curves (0: the loss, 1: the gradient's norm) of every run against the
    /// step.
    fn curve_plot(
        &mut self,
        ui: &mut Ui,
        k: usize,
        scene: &Scene,
        runs: &Runs,
        [width, height]: [f32; 2],
        step: f64,
    ) {
        let log = self.log;
        let (title, which) = [("loss f", Which::Loss), ("‖∇f‖", Which::GradNorm)][k];
        let series = match (which, log) {
            (Which::Loss, true) => Series::LossLog,
            (Which::Loss, false) => Series::Loss,
            (Which::GradNorm, true) => Series::GradNormLog,
            (Which::GradNorm, false) => Series::GradNorm,
        };
        let px = self.px[k];
        // Only the points a pixel can tell apart (cached per zoom level), the first
        // optimizer of the scene last (on top).
        let mut kept = Vec::new();
        let mut colors = Vec::new();
        let dark = ui.visuals().dark_mode;
        for (i, entry) in scene.optimizers.iter().enumerate().rev() {
            let Some(Some(runs)) = runs.table.get(i) else { continue };
            for run in runs {
                kept.push((run, run.simplified(series, px)));
                colors.push(ink(entry.color, dark));
            }
        }
        // What the lines depend on: the runs' generation, which simplification of which
        // run (by identity).
        let seed = runs.generation.rotate_left(8) ^ series as u64;
        let identity = kept.iter().fold(seed, |h, (run, k)| {
            let h = h.rotate_left(7) ^ (Arc::as_ptr(k) as *const u32 as usize as u64);
            h.rotate_left(7) ^ (std::ptr::from_ref(*run) as usize as u64)
        });
        let key = (identity, colors);
        if self.cache[k].as_ref().is_none_or(|c| c.key != key) {
            // Where more runs are drawn than the platform draws points of (the browser), each
            // a coarser curve.
            let total = kept.iter().map(|(_, k)| k.len()).sum();
            let every = crate::app::runs::thinning(total, crate::platform::DRAWN_PATH_POINTS);
            let lines: Lines = kept
                .iter()
                .zip(&key.1)
                .map(|((run, kept), c)| {
                    let kept = crate::app::runs::thinned(kept, every);
                    (*c, kept.iter().map(|&i| run.point(series, i as usize)).collect())
                })
                .collect();
            let bounds = bounds(&lines);
            self.cache[k] = Some(Cached { key, lines: Arc::new(lines), bounds, mesh: None });
        }
        let Some(cached) = self.cache[k].as_mut() else { return };
        let mut plot = Plot::new(title)
            .width(width)
            .height(height)
            .x_axis_label("step")
            .y_axis_label(if log { format!("log₁₀ {title}") } else { title.to_owned() })
            .link_axis(egui::Id::unique("curves-x"), [true, false])
            .link_cursor(egui::Id::unique("curves-x"), [true, false]);
        if let Some([lo, hi]) = cached.bounds {
            plot = plot.include_x(lo[0]).include_x(hi[0]).include_y(lo[1]).include_y(hi[1]);
        }
        // The plot draws its axes and grid; the curves of every run are painted over it as
        // one mesh (hundreds of plot items cost more than the rest of the frame).
        let response = plot.show(ui, |_| {});
        let step_color = ui.visuals().strong_text_color();
        let t = response.transform;
        let (f, b) = (t.frame(), t.bounds());
        let at = (
            [f.min.x, f.min.y, f.max.x, f.max.y].map(f32::to_bits),
            [b.min()[0], b.min()[1], b.max()[0], b.max()[1]].map(f64::to_bits),
        );
        let mesh = match &cached.mesh {
            Some((frame, bounds, mesh)) if (*frame, *bounds) == at => Arc::clone(mesh),
            _ => {
                let mesh = Arc::new(curves_mesh(&t, &cached.lines));
                cached.mesh = Some((at.0, at.1, Arc::clone(&mesh)));
                mesh
            }
        };
        paint_curves(ui.painter(), &t, mesh, step, step_color);
        self.px[k] = [
            t.bounds().width() / f64::from(t.frame().width().max(1.0)),
            t.bounds().height() / f64::from(t.frame().height().max(1.0)),
        ];
    }
}

/// The learning rate of each enabled optimizer against the step (PyTorch's rate of step t is
/// drawn at point t − 1, where that update starts).
fn lr_plot(ui: &mut Ui, scene: &Scene, width: f32, height: f32, log: bool, step: f64) {
    let steps = scene.steps;
    let title = "learning rate";
    let dark = ui.visuals().dark_mode;
    Plot::new(title)
        .width(width)
        .height(height)
        .x_axis_label("step")
        .y_axis_label(if log { format!("log₁₀ {title}") } else { title.to_owned() })
        .link_axis(egui::Id::unique("curves-x"), [true, false])
        .link_cursor(egui::Id::unique("curves-x"), [true, false])
        .show(ui, |pui| {
            for (i, entry) in scene.optimizers.iter().enumerate() {
                if !entry.enabled {
                    continue;
                }
                let rates = cached_rates(pui.ctx(), i, &entry.spec, steps);
                let points: Vec<[f64; 2]> = rates
                    .iter()
                    .enumerate()
                    .map(|(k, &lr)| [k as f64, if log { lr.log10() } else { lr }])
                    .collect();
                pui.line(
                    Line::new(
                        entry.label(),
                        PlotPoints::Owned(points.into_iter().map(Into::into).collect()),
                    )
                    .color(ink(entry.color, dark))
                    .allow_hover(false),
                );
            }
            pui.vline(VLine::new("", step).color(egui::Color32::WHITE).width(1.5));
        });
}

/// The rates of `spec` over `steps` steps, kept in egui's memory until the spec or the step
/// count changes (a schedule is cheap, but not worth recomputing every frame).
fn cached_rates(
    ctx: &egui::Context,
    index: usize,
    spec: &crate::sim::OptimizerSpec,
    steps: usize,
) -> std::sync::Arc<Vec<f64>> {
    let id = egui::Id::unique(("lr-curve", index));
    let key = format!("{spec:?}/{steps}");
    let cached = ctx.data_mut(|d| d.get_temp::<(String, std::sync::Arc<Vec<f64>>)>(id));
    if let Some((k, rates)) = cached
        && k == key
    {
        return rates;
    }
    let rates = std::sync::Arc::new(spec.rates(steps.min(1 << 20)));
    ctx.data_mut(|d| d.insert_temp(id, (key, rates.clone())));
    rates
}

/// The smallest box holding every finite point of `lines`, if any.
fn bounds(lines: &[(Color32, Vec<PlotPoint>)]) -> Option<[[f64; 2]; 2]> {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in lines.iter().flat_map(|(_, points)| points) {
        if p.x.is_finite() && p.y.is_finite() {
            lo = [lo[0].min(p.x), lo[1].min(p.y)];
            hi = [hi[0].max(p.x), hi[1].max(p.y)];
        }
    }
    (lo[0] <= hi[0]).then_some([lo, hi])
}

/// Width of a curve, in points.
const CURVE_WIDTH: f32 = 1.2;

/// Paints the curves' mesh over a plot, clipped to the plot's frame, and the current step as a
/// vertical line over them.
fn paint_curves(
    painter: &egui::Painter,
    transform: &PlotTransform,
    mesh: Arc<Mesh>,
    step: f64,
    step_color: Color32,
) {
    let frame = *transform.frame();
    let painter = painter.with_clip_rect(frame);
    painter.add(egui::Shape::mesh(mesh));
    let x = transform.position_from_point(&PlotPoint::new(step, 0.0)).x;
    if frame.x_range().contains(x) {
        painter.vline(x, frame.y_range(), egui::Stroke::new(1.5, step_color));
    }
}

/// The mesh of `lines` on screen, each a [`CURVE_WIDTH`] wide [`polyline`].
fn curves_mesh(transform: &PlotTransform, lines: &[(Color32, Vec<PlotPoint>)]) -> Mesh {
    let mut mesh = Mesh::default();
    for (color, points) in lines {
        polyline(&mut mesh, transform, points, CURVE_WIDTH, *color);
    }
    mesh
}

#[derive(Clone, Copy)]
enum Which {
    Loss,
    GradNorm,
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_plot::PlotBounds;

    fn transform() -> PlotTransform {
        let frame =
            egui::Rect::from_min_size(egui::Pos2::new(10.0, 20.0), egui::vec2(200.0, 100.0));
        PlotTransform::new(frame, PlotBounds::from_min_max([0.0, 0.0], [10.0, 1.0]), false)
    }

    #[test]
    fn training_curves_keep_the_last_step_and_thin_long_runs() {
        let values: Vec<f64> = (0..10_001).map(|k| 1.0 / (1.0 + k as f64)).collect();
        let pts = training_points(&values, false);
        assert!(pts.len() <= TRAINING_POINTS + 1, "{} points", pts.len());
        assert_eq!(pts.last().map(|p| p.x), Some(10_000.0), "the last step is drawn");
        assert!(pts.windows(2).all(|w| w[0].x < w[1].x), "in step order");
        let log = training_points(&[100.0, 0.0, 1.0], true);
        assert_eq!(log.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>(), [(0.0, 2.0), (2.0, 0.0)]);
        assert_eq!(training_points(&[0.5, 0.25], false).len(), 2, "short runs: every step");
    }

    #[test]
    fn a_curve_is_a_quad_per_visible_segment_and_breaks_at_non_finite_points() {
        let line = |ys: &[f64]| -> Vec<PlotPoint> {
            ys.iter().enumerate().map(|(i, &y)| PlotPoint::new(i as f64, y)).collect()
        };
        // Four segments, of which the NaN removes two.
        let lines = [(Color32::RED, line(&[0.1, 0.5, f64::NAN, 0.7, 0.9]))];
        let mesh = curves_mesh(&transform(), &lines);
        assert_eq!(mesh.vertices.len(), 4 * 2);
        assert_eq!(mesh.indices.len(), 6 * 2);
        // A segment far above the plot is not drawn; one crossing its edge is.
        let above = [(Color32::RED, vec![PlotPoint::new(1.0, 50.0), PlotPoint::new(2.0, 60.0)])];
        assert!(curves_mesh(&transform(), &above).vertices.is_empty());
        let across = [(Color32::RED, vec![PlotPoint::new(1.0, 0.5), PlotPoint::new(2.0, 60.0)])];
        assert_eq!(curves_mesh(&transform(), &across).vertices.len(), 4);
    }

    #[test]
    fn bounds_hold_every_finite_point_and_only_those() {
        let lines = [
            (Color32::RED, vec![PlotPoint::new(0.0, -1.0), PlotPoint::new(f64::INFINITY, 9.0)]),
            (Color32::RED, vec![PlotPoint::new(5.0, 2.0)]),
        ];
        assert_eq!(bounds(&lines), Some([[0.0, -1.0], [5.0, 2.0]]));
        assert_eq!(bounds(&[(Color32::RED, vec![PlotPoint::new(f64::NAN, 0.0)])]), None);
    }
}
