//! Loss and gradient norm against step for every trajectory, with a marker at the current
//! step. A plateau shows up as a long flat stretch of small ‖∇f‖. When an optimizer follows a
//! learning-rate schedule, a third plot shows each optimizer's rate against the step.

use egui::Ui;
use egui_plot::{Line, Plot, PlotPoints, VLine};

use super::LosscapeApp;
use super::runs::Series;
use super::style::color;

/// Draws the two curve plots side by side.
pub fn curves(ui: &mut Ui, app: &mut LosscapeApp) {
    ui.horizontal(|ui| {
        ui.strong("Curves");
        ui.checkbox(&mut app.log_curves, "log y");
    });
    let log = app.log_curves;
    let step = app.playback.step as f64;
    let scheduled = app.scene.optimizers.iter().any(|o| o.enabled && o.spec.schedule().is_some());
    let panels = if scheduled { 3.0 } else { 2.0 };
    let width = (ui.available_width() - 6.0 * panels) / panels;
    let height = ui.available_height().max(80.0);
    ui.horizontal(|ui| {
        for (k, (title, which)) in
            [("loss f", Which::Loss), ("‖∇f‖", Which::GradNorm)].into_iter().enumerate()
        {
            let px = app.curve_px[k];
            let plot = Plot::new(title)
                .width(width)
                .height(height)
                .x_axis_label("step")
                .y_axis_label(if log { format!("log₁₀ {title}") } else { title.to_owned() })
                .link_axis(egui::Id::unique("curves-x"), [true, false])
                .link_cursor(egui::Id::unique("curves-x"), [true, false]);
            let response = plot.show(ui, |pui| {
                for (i, entry) in app.scene.optimizers.iter().enumerate() {
                    let Some(Some(runs)) = app.runs.table.get(i) else { continue };
                    for run in runs {
                        let series = match (which, log) {
                            (Which::Loss, true) => Series::LossLog,
                            (Which::Loss, false) => Series::Loss,
                            (Which::GradNorm, true) => Series::GradNormLog,
                            (Which::GradNorm, false) => Series::GradNorm,
                        };
                        // Only the points a pixel can tell apart (cached per zoom level).
                        let kept = run.simplified(series, px);
                        let points = PlotPoints::Owned(
                            kept.iter().map(|&i| run.point(series, i as usize)).collect(),
                        );
                        pui.line(
                            Line::new(entry.label(), points)
                                .color(color(entry.color))
                                .allow_hover(false),
                        );
                    }
                }
                pui.vline(VLine::new("", step).color(egui::Color32::WHITE).width(1.5));
            });
            let t = response.transform;
            app.curve_px[k] = [
                t.bounds().width() / f64::from(t.frame().width().max(1.0)),
                t.bounds().height() / f64::from(t.frame().height().max(1.0)),
            ];
        }
        if scheduled {
            lr_plot(ui, app, width, height, log, step);
        }
    });
}

/// The learning rate of each enabled optimizer against the step (PyTorch's rate of step t is
/// drawn at point t − 1, where that update starts).
fn lr_plot(ui: &mut Ui, app: &LosscapeApp, width: f32, height: f32, log: bool, step: f64) {
    let steps = app.scene.steps;
    let title = "learning rate";
    Plot::new(title)
        .width(width)
        .height(height)
        .x_axis_label("step")
        .y_axis_label(if log { format!("log₁₀ {title}") } else { title.to_owned() })
        .link_axis(egui::Id::unique("curves-x"), [true, false])
        .link_cursor(egui::Id::unique("curves-x"), [true, false])
        .show(ui, |pui| {
            for (i, entry) in app.scene.optimizers.iter().enumerate() {
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
                    .color(color(entry.color))
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

#[derive(Clone, Copy)]
enum Which {
    Loss,
    GradNorm,
}
