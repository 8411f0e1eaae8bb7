//! The top bar after the File menu: the lessons menu, the theme, the teaching panels and
//! windows, the scene's title, progress and status, help.

use egui::{Color32, RichText, Ui};

use crate::app::component::{Component, Ctx};
use crate::app::{Command, Panel};
use crate::scene::PRESETS;

/// The title bar (it keeps nothing of its own).
#[derive(Clone, Copy, Debug, Default)]
pub struct TitleBar;

impl Component for TitleBar {
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        lessons_menu(ui, &mut commands);
        theme_menu(ui, ctx.light, &mut commands);
        window_toggles(ui, ctx, &mut commands);
        ui.separator();
        if !ctx.scene.title.is_empty() {
            // One line, cut with … where the help button and the runs' progress need the room
            // (a long title ran under the progress bar at 1280 × 800); whole on hover.
            let reserve = 56.0
                + if ctx.runs.progress().is_some() { 150.0 } else { 0.0 }
                + if ctx.exporting { 30.0 } else { 0.0 };
            // (The bar's own width is not bounded: measured against the window's right edge.)
            let right = ui.ctx().content_rect().right().min(ui.max_rect().right());
            let room = (right - ui.cursor().left() - reserve).max(40.0);
            ui.scope(|ui| {
                ui.set_max_width(room);
                let title = RichText::new(&ctx.scene.title).heading().strong();
                ui.add(egui::Label::new(title).truncate()).on_hover_text(&ctx.scene.title);
            });
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            progress_and_status(ui, ctx, &mut commands);
        });
        commands
    }
}

/// The lecture's presets, each with its caption as a tooltip.
fn lessons_menu(ui: &mut Ui, commands: &mut Vec<Command>) {
    ui.menu_button(RichText::new("📚 Lessons").heading(), |ui| {
        for (i, preset) in PRESETS.iter().enumerate() {
            match preset.scene() {
                Ok(scene) => {
                    let text = format!("{}  {}", i + 1, scene.title);
                    if ui.button(text).on_hover_text(&scene.caption).clicked() {
                        commands.push(Command::LoadScene(Box::new(scene)));
                        ui.close();
                    }
                }
                Err(e) => {
                    ui.colored_label(Color32::LIGHT_RED, e.to_string());
                }
            }
        }
        ui.separator();
        let real = format!("{}  A real network's Hessian", PRESETS.len() + 1);
        if ui.button(real).on_hover_text(super::spectrum::CAPTION).clicked() {
            commands.push(Command::Open(Panel::Spectrum));
            ui.close();
        }
    });
}

/// Dark or light.
fn theme_menu(ui: &mut Ui, light: bool, commands: &mut Vec<Command>) {
    ui.menu_button(RichText::new("👁 View").heading(), |ui| {
        ui.label("Theme (a lit lecture hall washes out dark colours)");
        if ui.radio(!light, "Dark").clicked() {
            commands.push(Command::SetLight(false));
            ui.close();
        }
        if ui.radio(light, "Light").clicked() {
            commands.push(Command::SetLight(true));
            ui.close();
        }
    });
}

/// The buttons that open and close the teaching panels and the windows.
fn window_toggles(ui: &mut Ui, ctx: &Ctx<'_>, commands: &mut Vec<Command>) {
    let toggles = [
        (
            Panel::Narrate,
            "🔎 Narrate",
            "Inside the optimizer at this step: gradient, momentum, step (N)",
        ),
        (Panel::Race, "🏁 Race", "Rank the optimizers over the start points (T)"),
        (Panel::Basins, "🗺 Basins", "Where does a run from each point end? (B)"),
        (Panel::HighDim, "📈 High-D", "Why saddles dominate in high dimensions: random Hessians"),
        (
            Panel::Census,
            "📊 Census",
            "Saddle census: the critical points of a real network, loss against index",
        ),
        (
            Panel::Spectrum,
            "🔬 Spectrum",
            "A real network's Hessian: its eigenvalue density along training",
        ),
    ];
    // Below 1 500 points of width (a 1280 × 800 projector) the toggles take the body's size, so
    // that the scene's title and the progress still fit on the bar.
    let roomy = ui.ctx().content_rect().width() >= 1500.0;
    for (panel, text, hint) in toggles {
        let open = ctx.windows.is_open(panel);
        let text = if roomy { RichText::new(text).heading() } else { RichText::new(text).strong() };
        if ui.selectable_label(open, text).on_hover_text(hint).clicked() {
            commands.push(Command::Toggle(panel));
        }
    }
}

/// Right to left: help, an export under way, the runs' progress, the status line.
fn progress_and_status(ui: &mut Ui, ctx: &Ctx<'_>, commands: &mut Vec<Command>) {
    if ui.button(RichText::new(" ? ").heading()).on_hover_text("Keyboard shortcuts").clicked() {
        commands.push(Command::Toggle(Panel::Help));
    }
    if ctx.exporting {
        ui.spinner();
    }
    if let Some(done) = ctx.runs.progress() {
        // The runs of the scene as it is now are on their way; the old ones stay drawn.
        // In the room the title leaves (it was drawn over a long title at 1280 × 800).
        let width = ui.available_width().clamp(48.0, 140.0);
        let text = if width < 100.0 {
            format!("{:.0}%", 100.0 * done)
        } else {
            format!("runs {:.0}%", 100.0 * done)
        };
        ui.add(egui::ProgressBar::new(done).desired_width(width).text(text))
            .on_hover_text("The runs of the scene are being computed");
    }
    if let Some(status) = ctx.status {
        // In the room the title leaves (a long message is cut with "…", whole on hover), never
        // over the title and the toggles.
        let text = RichText::new(status).color(status_color(status, ui.visuals().dark_mode));
        ui.add(egui::Label::new(text).truncate())
            .on_hover_text(format!("The last thing losscape did or could not do:\n{status}"));
    }
}

/// The colour of a status message: red for what went wrong, green for what was done.
fn status_color(status: &str, dark: bool) -> Color32 {
    let bad = ["failed", "not ", "error", "at most", "formula:", "limit is"];
    match (bad.iter().any(|b| status.contains(b)), dark) {
        (true, true) => Color32::LIGHT_RED,
        (true, false) => Color32::from_rgb(180, 20, 20),
        (false, true) => Color32::LIGHT_GREEN,
        (false, false) => Color32::from_rgb(20, 120, 40),
    }
}
