//! Loss and gradient norm against step for every trajectory, with a marker at the current
//! step. A plateau shows up as a long flat stretch of small ‖∇f‖.

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
    let width = (ui.available_width() - 12.0) / 2.0;
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
    });
}

#[derive(Clone, Copy)]
enum Which {
    Loss,
    GradNorm,
}
