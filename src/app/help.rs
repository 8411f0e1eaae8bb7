//! The keyboard-shortcut overlay (`?`).

use egui::{Align2, RichText};

use super::SHORTCUTS;

/// Shows the shortcuts in a window in the middle of the screen.
pub fn overlay(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new(RichText::new("Keyboard and mouse").heading())
        .open(open)
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts").num_columns(2).spacing([24.0, 8.0]).show(ui, |ui| {
                for (keys, what) in SHORTCUTS {
                    ui.label(RichText::new(keys).monospace().strong().size(18.0));
                    ui.label(RichText::new(what).size(17.0));
                    ui.end_row();
                }
            });
        });
}
