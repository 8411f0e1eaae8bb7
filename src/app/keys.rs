//! The keyboard shortcuts: each key a [`Command`], as a button would give it. The help overlay
//! lists them ([`SHORTCUTS`]).

use egui::{Key, KeyboardShortcut, Modifiers};

use super::component::Ctx;
use super::export::Export;
use super::panels::view3d;
use super::{Command, Panel};
use crate::scene::{Layout, PRESETS};

/// The keyboard shortcuts, shown by the help overlay (`?`).
pub const SHORTCUTS: [(&str, &str); 18] = [
    ("Space", "play / pause"),
    ("→ / ←", "one step forward / back"),
    ("R", "reset to step 0"),
    ("Home", "show the whole domain"),
    ("Delete", "remove the selected start point"),
    ("1 – 8", "load a lecture preset"),
    ("G", "overlay / grid layout"),
    ("V", "view: 2-D map → 3-D surface → both side by side (3-D: drag orbits, wheel zooms)"),
    ("H", "hide / show the side panels"),
    ("P", "presenter mode: panels hidden, everything larger"),
    ("N", "narrate: inside the optimizer at this step"),
    ("T", "race table: rank the optimizers"),
    ("B", "basins of attraction: where runs from each point end"),
    ("F11", "fullscreen"),
    ("Ctrl + / Ctrl −", "scale the whole UI"),
    ("Ctrl + S", "screenshot (File menu: folder, 1× / 2×, plot or window)"),
    ("?", "this help"),
    (
        "Mouse",
        "click: add start · drag: move it · right-click: remove · wheel: zoom · drag: pan · right-drag: box zoom · double-click: reset view",
    ),
];

/// The commands of the keys pressed this frame (none while a text field has the keyboard).
pub fn commands(egui: &egui::Context, ctx: &Ctx<'_>) -> Vec<Command> {
    // Keys go to a text field when one has focus.
    if egui.memory(|m| m.focused().is_some()) && egui.egui_wants_keyboard_input() {
        return Vec::new();
    }
    let mut keys = Keys { egui, ctx, commands: Vec::new() };
    if egui.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::S))) {
        keys.commands.push(Command::Export(Export::Screenshot));
    }
    keys.playback();
    keys.panels();
    keys.view();
    keys.help();
    keys.presets();
    keys.commands
}

/// This frame's keys: what they read and the commands they give.
struct Keys<'a> {
    egui: &'a egui::Context,
    ctx: &'a Ctx<'a>,
    commands: Vec<Command>,
}

impl Keys<'_> {
    /// Whether `key` was pressed (without modifiers); consumes it.
    fn pressed(&self, key: Key) -> bool {
        self.egui.input_mut(|i| i.consume_key(Modifiers::NONE, key))
    }

    /// Space, the arrows, R, Home, Delete.
    fn playback(&mut self) {
        for (key, command) in [
            (Key::Space, Command::TogglePlay),
            (Key::ArrowRight, Command::StepForward),
            (Key::ArrowLeft, Command::StepBack),
            (Key::R, Command::ResetPlayback),
            (Key::Home, Command::ResetView),
        ] {
            if self.pressed(key) {
                self.commands.push(command);
            }
        }
        if (self.pressed(Key::Delete) || self.pressed(Key::Backspace))
            && let Some(i) = self.ctx.selected
        {
            self.commands.push(Command::RemoveStart(i));
        }
    }

    /// H, N, T, B, P.
    fn panels(&mut self) {
        if self.pressed(Key::H) {
            // On a narrow window with a teaching panel open, H brings the controls back beside it.
            let narrow = self.egui.content_rect().width() < 1500.0;
            if self.ctx.windows.teaching() && narrow && self.ctx.windows.side_panels {
                self.commands.push(Command::PinControls);
            } else {
                self.commands.push(Command::Toggle(Panel::SidePanels));
            }
        }
        for (key, panel) in
            [(Key::N, Panel::Narrate), (Key::T, Panel::Race), (Key::B, Panel::Basins)]
        {
            if self.pressed(key) {
                self.commands.push(Command::Toggle(panel));
            }
        }
        if self.pressed(Key::P) {
            self.commands.push(Command::SetPresenter(!self.ctx.presenter));
        }
    }

    /// G, V, F11.
    fn view(&mut self) {
        if self.pressed(Key::G) {
            let mut view = self.ctx.scene.view.clone();
            view.layout = match view.layout {
                Layout::Overlay => Layout::Grid,
                Layout::Grid => Layout::Overlay,
            };
            self.commands.push(Command::SetView(Box::new(view)));
        }
        if self.pressed(Key::V) {
            let mut projection = self.ctx.scene.view.projection;
            projection.mode = view3d::next_mode(projection.mode);
            self.commands.push(Command::SetProjection(projection));
        }
        if self.pressed(Key::F11) {
            let fullscreen = self.egui.input(|i| i.viewport().fullscreen.unwrap_or(false));
            self.egui.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!fullscreen));
        }
    }

    /// `?` opens and closes the help, Escape closes it.
    fn help(&mut self) {
        let question = self
            .egui
            .input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Text(t) if t == "?")));
        if question
            || self.egui.input_mut(|i| {
                i.consume_shortcut(&KeyboardShortcut::new(Modifiers::SHIFT, Key::Slash))
            })
        {
            self.commands.push(Command::Toggle(Panel::Help));
        }
        if self.pressed(Key::Escape) && self.ctx.windows.help {
            self.commands.push(Command::Toggle(Panel::Help));
        }
    }

    /// 1 – 8 load the lecture's presets.
    fn presets(&mut self) {
        let digits = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
            Key::Num8,
        ];
        for (key, preset) in digits.into_iter().zip(PRESETS) {
            if self.pressed(key) {
                match preset.scene() {
                    Ok(scene) => self.commands.push(Command::LoadScene(Box::new(scene))),
                    Err(e) => self.commands.push(Command::Status(e.to_string())),
                }
            }
        }
    }
}
