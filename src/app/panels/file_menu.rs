//! The "File" menu: screenshots, figures and scene files as commands, and the export settings
//! (folder, resolution, GIF range, scene file), whose edits come back as one command.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::app::export::{Export, ExportSettings};
use crate::figure;

/// The File menu (it keeps nothing: the settings are the app's).
#[derive(Clone, Copy, Debug, Default)]
pub struct FileMenu;

impl Component for FileMenu {
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.menu_button(RichText::new("🗁 File").heading(), |ui| {
            ui.set_min_width(320.0);
            export_items(ui, &mut commands);
            if ui
                .button("🔗 Copy link")
                .on_hover_text(
                    "A link that opens this scene in the browser version: for slides and students",
                )
                .clicked()
            {
                commands.push(Command::CopyLink);
                ui.close();
            }
            ui.separator();
            let mut settings = ctx.export.clone();
            settings_items(ui, &mut settings);
            ui.separator();
            let mut scene_commands = Vec::new();
            if crate::platform::HAS_FILE_SYSTEM {
                scene_items(ui, &mut settings, &mut scene_commands);
            } else {
                browser_scene_items(ui, &mut scene_commands);
            }
            // The settings first: saving or opening uses the scene file just typed.
            if settings != *ctx.export {
                commands.push(Command::SetExportSettings(Box::new(settings)));
            }
            commands.extend(scene_commands);
        });
        commands
    }
}

/// Screenshot, copy, SVG, GIF, CSV.
fn export_items(ui: &mut Ui, commands: &mut Vec<Command>) {
    let items = [
        (
            "📷 Screenshot    Ctrl+S",
            "Save a PNG of the plot (or the window) in the folder below",
            Export::Screenshot,
        ),
        ("📋 Copy image", "Put a PNG of the plot on the clipboard", Export::CopyImage),
        (
            "Export SVG",
            "The plot as vectors: heatmap image, contours and trajectories as paths",
            Export::Svg,
        ),
        ("Export GIF", "Animate the runs over the step range below", Export::Gif),
        ("Export CSV", "optimizer,start,step,x,y,loss for every trajectory", Export::Csv),
    ];
    for (text, hint, what) in items {
        if ui.button(text).on_hover_text(hint).clicked() {
            commands.push(Command::Export(what));
            ui.close();
        }
    }
}

/// The folder (where there is a file system), what a screenshot shows, its resolution, and the
/// GIF's range and pace.
fn settings_items(ui: &mut Ui, s: &mut ExportSettings) {
    if crate::platform::HAS_FILE_SYSTEM {
        ui.label("Folder");
        ui.text_edit_singleline(&mut s.folder);
    }
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
        ui.add_enabled(!to_end, egui::DragValue::new(&mut to).range(0..=crate::scene::MAX_STEPS));
        ui.checkbox(&mut to_end, "end");
        s.gif_to = (!to_end).then_some(to);
    });
    ui.horizontal(|ui| {
        ui.label("GIF frames");
        ui.add(egui::DragValue::new(&mut s.gif_frames).range(1..=figure::anim::MAX_FRAMES));
        ui.label("fps");
        ui.add(egui::DragValue::new(&mut s.gif_fps).range(0.5..=60.0));
    });
}

/// The scene file, and saving or opening it.
fn scene_items(ui: &mut Ui, s: &mut ExportSettings, commands: &mut Vec<Command>) {
    ui.label("Scene file");
    ui.text_edit_singleline(&mut s.scene_file);
    ui.horizontal(|ui| {
        if ui.button("💾 Save scene").on_hover_text("Write the whole setting as JSON").clicked() {
            commands.push(Command::SaveScene);
            ui.close();
        }
        if ui.button("🗁 Open scene").on_hover_text("Or drop a scene file onto the window").clicked()
        {
            commands.push(Command::OpenScene(PathBuf::from(&s.scene_file)));
            ui.close();
        }
    });
}

/// In the browser: saving downloads the scene; opening picks a scene or a data file (or drop
/// one on the page).
fn browser_scene_items(ui: &mut Ui, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui.button("💾 Save scene").on_hover_text("Download the whole setting as JSON").clicked()
        {
            commands.push(Command::SaveScene);
            ui.close();
        }
        if ui
            .button("🗁 Open…")
            .on_hover_text("A scene (.json), or data (.csv) for a model or network lesson; or drop one on the page")
            .clicked()
        {
            commands.push(Command::PickFile);
            ui.close();
        }
    });
}
