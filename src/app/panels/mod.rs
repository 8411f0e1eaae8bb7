//! Every panel of the app, and where each goes on screen: the title bar on top, the controls
//! on the left, the timeline and curves at the bottom, the teaching panel on the right, the map
//! and the 3-D view in the middle, the windows over them. Each panel reads the same context and
//! returns commands.

pub mod census;
pub mod controls;
pub mod curves;
pub mod data_panel;
pub mod file_menu;
pub mod help;
pub mod highdim;
mod many_runs;
pub mod plot;
pub mod spectrum;
pub mod teach;
pub mod timeline;
pub mod title_bar;
pub mod view3d;

use egui::Ui;

use super::component::{Component, Ctx};
use super::{Command, Panel};
use crate::jobs::TakesJob;
use crate::scene::SurfaceChoice;
use census::CensusPanel;
use controls::Controls;
use curves::Curves;
use data_panel::DataPanel;
use file_menu::FileMenu;
use help::Help;
use highdim::HighDim;
use plot::PlotPanel;
use spectrum::SpectrumPanel;
use teach::Teach;
use timeline::Timeline;
use title_bar::TitleBar;
use view3d::View3dPanel;

/// Every panel of the app, each with its own state.
#[derive(Default)]
pub struct Panels {
    /// The File menu.
    pub file_menu: FileMenu,
    /// The lessons menu, the window toggles, the status line.
    pub title_bar: TitleBar,
    /// The side panel: surface, view, start points, cloud, optimizers.
    pub controls: Controls,
    /// The data panel of a model surface.
    pub data_panel: DataPanel,
    /// The playback bar.
    pub timeline: Timeline,
    /// The loss, gradient and learning-rate curves under the plot.
    pub curves: Curves,
    /// Narrate, race, basins.
    pub teach: Teach,
    /// The map: heatmap, runs, start points.
    pub map: PlotPanel,
    /// The 3-D view and its camera.
    pub view3d: View3dPanel,
    /// The keyboard shortcuts.
    pub help: Help,
    /// The "why saddles dominate in high dimensions" window.
    pub highdim: HighDim,
    /// The saddle census window.
    pub census: CensusPanel,
    /// The spectrum window.
    pub spectrum: SpectrumPanel,
}

impl Panels {
    /// Draws every panel in its place; what they ask of the app, in the order they asked.
    pub fn show(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::Panel::top("title").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                commands.extend(self.file_menu.ui(ui, ctx));
                commands.extend(self.title_bar.ui(ui, ctx));
            });
        });
        // Side panels never squeeze the plot below half the window: the controls take at most a
        // quarter of it, and on a narrow window they give way to the teaching panel (H brings
        // them back).
        let width = ui.ctx().content_rect().width();
        let side = (0.25 * width).max(200.0);
        let narrow = width < 1500.0;
        if ctx.windows.side_panels && !(ctx.windows.teaching() && narrow && !ctx.controls_pinned) {
            let left = egui::Panel::left("controls").resizable(true);
            left.default_size(340.0_f32.min(side)).max_size(side).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    commands.extend(self.side_panel(ui, ctx));
                });
            });
        }
        egui::Panel::bottom("timeline").show(ui, |ui| {
            commands.extend(self.timeline.ui(ui, ctx));
        });
        if ctx.windows.side_panels {
            egui::Panel::bottom("curves").resizable(true).default_size(190.0).show(ui, |ui| {
                commands.extend(self.curves.ui(ui, ctx));
            });
        }
        if ctx.windows.teaching() {
            commands.extend(self.teaching_panel(ui, ctx, width));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if !ctx.scene.caption.is_empty() {
                // The lesson's point in one line over the plot; in presenter mode large enough
                // to read from the back of the hall.
                let size = if ctx.presenter { 26.0 } else { 18.0 };
                ui.label(egui::RichText::new(&ctx.scene.caption).size(size).strong());
                ui.add_space(2.0);
            }
            commands.extend(view3d::central(ui, ctx, &mut self.map, &mut self.view3d));
        });
        commands.extend(self.help.ui(ui, ctx));
        commands.extend(self.highdim.ui(ui, ctx));
        commands.extend(self.census.ui(ui, ctx));
        commands.extend(self.spectrum.ui(ui, ctx));
        commands
    }

    /// The left panel's contents: a model's data, a network's build, the controls.
    fn side_panel(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        if let SurfaceChoice::Model(_) | SurfaceChoice::Network(_) = &ctx.scene.surface {
            commands.extend(self.data_panel.ui(ui, ctx));
            ui.separator();
        }
        ctx.network.ui(ui, &ctx.scene.surface);
        commands.extend(self.controls.ui(ui, ctx));
        commands
    }

    /// The teaching panel on the right of a window `width` points wide.
    fn teaching_panel(&mut self, ui: &mut Ui, ctx: &Ctx<'_>, width: f32) -> Vec<Command> {
        let mut commands = Vec::new();
        let right = egui::Panel::right("teach").resizable(true);
        let teach_side = (0.38 * width).max(260.0);
        let right = right.default_size(470.0_f32.min(teach_side));
        right.max_size(560.0_f32.min(teach_side)).show(ui, |ui| {
            // Wide tables and formulas scroll sideways rather than widen the panel over the
            // plot.
            egui::ScrollArea::both().show(ui, |ui| {
                commands.extend(self.teach.ui(ui, ctx));
            });
        });
        commands
    }
}

/// A job's progress bar, `what` and its percentage on it, and a Cancel button beside it;
/// whether Cancel was clicked.
fn progress_with_cancel(ui: &mut Ui, done: f32, width: f32, what: &str) -> bool {
    ui.add(
        egui::ProgressBar::new(done)
            .desired_width(width)
            .text(format!("{what} {:.0}%", 100.0 * done)),
    );
    ui.button("Cancel").clicked()
}

/// A window of its own over the app whose contents a background job computes (the census, the
/// spectrum): the job starts when the window first opens, and the window redraws every 100 ms
/// while it computes so its progress moves.
trait JobWindow: TakesJob {
    /// Which window it is.
    const PANEL: Panel;
    /// Its title.
    const TITLE: &'static str;
    /// Its largest default size in points.
    const MAX_SIZE: [f32; 2];

    /// Whether it shows a result or why there is none.
    fn shows(&self) -> bool;
    /// Starts the job of the window's inputs (superseding one under way).
    fn start(&mut self, egui: &egui::Context);
    /// The window's contents; what they ask of the app.
    fn contents(&mut self, ui: &mut Ui, commands: &mut Vec<Command>);
}

/// `window` when `open`: below the title bar, whose buttons stay reachable, at most its
/// `MAX_SIZE` and most of the screen; closing it asks the app to.
fn show_job_window<W: JobWindow>(window: &mut W, ui: &Ui, open: bool) -> Vec<Command> {
    let mut commands = Vec::new();
    if !open {
        return commands;
    }
    let egui = ui.ctx().clone();
    let _ = window.poll();
    if !window.shows() && !window.slot().busy() {
        // Opened for the first time: the default computation without a click.
        window.start(&egui);
    }
    if window.slot().busy() {
        egui.request_repaint_after(std::time::Duration::from_millis(100));
    }
    let mut still_open = true;
    let screen = egui.content_rect();
    let max = W::MAX_SIZE;
    egui::Window::new(W::TITLE)
        .open(&mut still_open)
        .default_pos(screen.left_top() + egui::vec2(24.0, 56.0))
        .default_size([(0.85 * screen.width()).min(max[0]), (0.85 * screen.height()).min(max[1])])
        .show(&egui, |ui| window.contents(ui, &mut commands));
    if !still_open {
        commands.push(Command::Toggle(W::PANEL));
    }
    commands
}
