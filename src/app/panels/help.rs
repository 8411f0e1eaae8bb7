//! The keyboard-shortcut overlay (`?`).

use egui::{Align2, RichText};

use crate::app::component::{Component, Ctx};
use crate::app::keys::SHORTCUTS;
use crate::app::{Command, Panel};

/// The help overlay (it keeps nothing of its own).
#[derive(Clone, Copy, Debug, Default)]
pub struct Help;

impl Component for Help {
    /// Shows the shortcuts in a window in the middle of the screen, when open.
    fn ui(&mut self, ui: &mut egui::Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        if !ctx.windows.help {
            return Vec::new();
        }
        let mut open = true;
        egui::Window::new(RichText::new("Keyboard and mouse").heading())
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ui.ctx(), |ui| {
                egui::Grid::new("shortcuts").num_columns(2).spacing([24.0, 8.0]).show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(RichText::new(keys).monospace().strong().size(18.0));
                        ui.label(RichText::new(what).size(17.0));
                        ui.end_row();
                    }
                });
            });
        if open { Vec::new() } else { vec![Command::Toggle(Panel::Help)] }
    }
}
