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
    let mut commands = Vec::new();
    // Keys go to a text field when one has focus.
    if egui.memory(|m| m.focused().is_some()) && egui.egui_wants_keyboard_input() {
        return commands;
    }
    if egui.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::S))) {
        commands.push(Command::Export(Export::Screenshot));
    }
    let pressed = |key| egui.input_mut(|i| i.consume_key(Modifiers::NONE, key));
    playback_keys(&pressed, ctx, &mut commands);
    panel_keys(egui, &pressed, ctx, &mut commands);
    view_keys(egui, &pressed, ctx, &mut commands);
    help_keys(egui, &pressed, ctx, &mut commands);
    preset_keys(&pressed, &mut commands);
    commands
}

/// Space, the arrows, R, Home, Delete.
fn playback_keys(pressed: &dyn Fn(Key) -> bool, ctx: &Ctx<'_>, commands: &mut Vec<Command>) {
    for (key, command) in [
        (Key::Space, Command::TogglePlay),
        (Key::ArrowRight, Command::StepForward),
        (Key::ArrowLeft, Command::StepBack),
        (Key::R, Command::ResetPlayback),
        (Key::Home, Command::ResetView),
    ] {
        if pressed(key) {
            commands.push(command);
        }
    }
    if (pressed(Key::Delete) || pressed(Key::Backspace))
        && let Some(i) = ctx.selected
    {
        commands.push(Command::RemoveStart(i));
    }
}

/// H, N, T, B, P.
fn panel_keys(
    egui: &egui::Context,
    pressed: &dyn Fn(Key) -> bool,
    ctx: &Ctx<'_>,
    commands: &mut Vec<Command>,
) {
    if pressed(Key::H) {
        // On a narrow window with a teaching panel open, H brings the controls back beside it.
        let narrow = egui.content_rect().width() < 1500.0;
        if ctx.windows.teaching() && narrow && ctx.windows.side_panels {
            commands.push(Command::PinControls);
        } else {
            commands.push(Command::Toggle(Panel::SidePanels));
        }
    }
    for (key, panel) in [(Key::N, Panel::Narrate), (Key::T, Panel::Race), (Key::B, Panel::Basins)] {
        if pressed(key) {
            commands.push(Command::Toggle(panel));
        }
    }
    if pressed(Key::P) {
        commands.push(Command::SetPresenter(!ctx.presenter));
    }
}

/// G, V, F11.
fn view_keys(
    egui: &egui::Context,
    pressed: &dyn Fn(Key) -> bool,
    ctx: &Ctx<'_>,
    commands: &mut Vec<Command>,
) {
    if pressed(Key::G) {
        let mut view = ctx.scene.view.clone();
        view.layout = match view.layout {
            Layout::Overlay => Layout::Grid,
            Layout::Grid => Layout::Overlay,
        };
        commands.push(Command::SetView(Box::new(view)));
    }
    if pressed(Key::V) {
        let mut projection = ctx.scene.view.projection;
        projection.mode = view3d::next_mode(projection.mode);
        commands.push(Command::SetProjection(projection));
    }
    if pressed(Key::F11) {
        let fullscreen = egui.input(|i| i.viewport().fullscreen.unwrap_or(false));
        egui.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!fullscreen));
    }
}

/// `?` opens and closes the help, Escape closes it.
fn help_keys(
    egui: &egui::Context,
    pressed: &dyn Fn(Key) -> bool,
    ctx: &Ctx<'_>,
    commands: &mut Vec<Command>,
) {
    let question =
        egui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Text(t) if t == "?")));
    if question
        || egui
            .input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::SHIFT, Key::Slash)))
    {
        commands.push(Command::Toggle(Panel::Help));
    }
    if pressed(Key::Escape) && ctx.windows.help {
        commands.push(Command::Toggle(Panel::Help));
    }
}

/// 1 – 8 load the lecture's presets.
fn preset_keys(pressed: &dyn Fn(Key) -> bool, commands: &mut Vec<Command>) {
    let digits =
        [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8];
    for (key, preset) in digits.into_iter().zip(PRESETS) {
        if pressed(key) {
            match preset.scene() {
                Ok(scene) => commands.push(Command::LoadScene(Box::new(scene))),
                Err(e) => commands.push(Command::Status(e.to_string())),
            }
        }
    }
}
