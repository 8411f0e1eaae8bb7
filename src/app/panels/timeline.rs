//! The playback bar: play/pause, step, reset, speed, and a scrubber to any step.

use egui::{RichText, Ui};

use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::scene::SPEED_RANGE;

/// The playback bar (it keeps nothing of its own).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timeline;

impl Component for Timeline {
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        timeline(ui, ctx)
    }
}

/// Draws the timeline.
fn timeline(ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut commands = Vec::new();
    let last = ctx.last_step;
    let mut step_label = None;
    ui.add_space(2.0);
    ui.horizontal(|ui| {
        let big = |s: &str| RichText::new(s).size(20.0);
        if ui.button(big("⏮")).on_hover_text("Reset to step 0 (R)").clicked() {
            commands.push(Command::ResetPlayback);
        }
        if ui.button(big("⏴")).on_hover_text("One step back (←)").clicked() {
            commands.push(Command::StepBack);
        }
        let play = if ctx.playback.playing { "⏸" } else { "▶" };
        if ui.button(big(play)).on_hover_text("Play / pause (Space)").clicked() {
            commands.push(Command::TogglePlay);
        }
        if ui.button(big("⏵")).on_hover_text("One step forward (→)").clicked() {
            commands.push(Command::StepForward);
        }
        step_label = Some(ui.label(
            RichText::new(format!("step {:>5} / {last}", ctx.playback.step)).monospace().size(18.0),
        ));
        let label = ui.label("speed");
        let mut speed = ctx.scene.speed;
        let r = ui
            .add(
                egui::Slider::new(&mut speed, SPEED_RANGE.0..=SPEED_RANGE.1)
                    .logarithmic(true)
                    .suffix(" steps/s")
                    .max_decimals(0),
            )
            .labelled_by(label.id);
        if r.changed() {
            commands.push(Command::SetSpeed(speed));
        }
    });
    ui.horizontal(|ui| {
        let mut step = ctx.playback.step;
        ui.spacing_mut().slider_width = (ui.available_width() - 12.0).max(80.0);
        let scrub = ui
            .add(egui::Slider::new(&mut step, 0..=last.max(1)).show_value(false))
            .labelled_by(step_label.as_ref().map_or(egui::Id::NULL, |l| l.id))
            .on_hover_text("Drag to any step");
        if scrub.changed() {
            commands.push(Command::Seek(step));
        }
    });
    ui.add_space(2.0);
    commands
}
