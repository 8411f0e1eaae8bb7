//! The desktop app: a surface as a heatmap with contours, start points a person clicks, and the
//! optimizers' trajectories animated side by side.
//!
//! The data flows one way: the [`Scene`] (what the person set) → the runs (simulated once per
//! change of their inputs, [`runs::Runs`]) and the field (sampled in the background,
//! [`field_view::FieldView`]) → the panels, which draw and return [`Command`]s that the app
//! applies at the end of the frame. Panels never reach into each other.

pub mod census;
pub mod cloud;
mod controls;
mod curves;
pub mod data_panel;
pub mod export;
mod field_view;
mod help;
pub mod highdim;
pub mod network;
pub mod playback;
mod plot;
pub mod runs;
pub mod style;
pub mod teach;
mod timeline;
pub mod view3d;

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::jobs::{JobSlot, Outcome, Priority};
use crate::scene::{self, OptimizerEntry, PRESETS, Scene, SurfaceChoice};
use crate::sim::{self, Builtin, CriticalPoint, Domain, Point, SurfaceDef};

pub use playback::Playback;
pub use plot::PlotState;
pub use runs::Runs;

/// Something a panel asks the app to do, applied at the end of the frame.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub enum Command {
    /// Replace the whole scene (a preset, a file).
    LoadScene(Box<Scene>),
    /// Switch to another surface (resets the domain to the surface's default).
    SetSurface(SurfaceChoice),
    /// Drop a start point.
    AddStart(Point),
    /// Move start point `i`.
    MoveStart(usize, Point),
    /// Remove start point `i`.
    RemoveStart(usize),
    /// Remove every start point.
    ClearStarts,
    /// Replace the start points by `count` random ones in the domain.
    ScatterStarts {
        /// How many.
        count: usize,
        /// Seed of the scatter.
        seed: u64,
    },
    /// Show the whole domain again.
    ResetView,
    /// Play or pause.
    TogglePlay,
    /// One step forward.
    StepForward,
    /// One step back.
    StepBack,
    /// Jump to a step.
    Seek(usize),
    /// Back to step 0.
    ResetPlayback,
    /// Show a cloud of runs (or none).
    SetCloud(Option<crate::sim::cloud::Cloud>),
    /// The light theme (for a lit lecture hall) or the dark one.
    SetLight(bool),
    /// A cloud as a Gaussian blob around a point (shift-click): the current cloud's count and
    /// seed, or a thousand runs.
    CloudBlob(Point),
    /// New data for the model surface (the data panel's edit); the domain shown stays.
    SetModelData(Vec<[f64; 3]>),
    /// Say something on the status line: what a panel did, or could not do.
    Status(String),
    /// Open or close a panel or window.
    Toggle(Panel),
    /// Open a panel or window (nothing if it is open).
    Open(Panel),
    /// The formula box now reads `text`, edited at time `at` (seconds): applied after a pause
    /// in typing or on Enter.
    EditFormula {
        /// The box's text.
        text: String,
        /// When it was edited.
        at: f64,
    },
    /// New view settings (colours, contours, layout, …).
    SetView(Box<scene::View>),
    /// Steps per run.
    SetSteps(usize),
    /// Playback speed, in steps per second.
    SetSpeed(f64),
    /// The optimizers as the person edited them (added, removed, switched, re-tuned).
    SetOptimizers(Vec<OptimizerEntry>),
    /// Search optimizer `i`'s learning rate in the background.
    TuneLr(usize),
    /// Start an export.
    Export(export::Export),
    /// Save the scene to the export settings' scene file.
    SaveScene,
    /// Load a scene file (a bad one leaves the current scene and says why).
    OpenScene(PathBuf),
    /// The 3-D view's mode and camera.
    SetProjection(crate::scene::Projection),
    /// The surface plot shows `bounds` on `px` pixels: sample the heatmap there.
    ViewShown {
        /// The plot's bounds.
        bounds: egui_plot::PlotBounds,
        /// Its size in physical pixels.
        px: egui::Vec2,
    },
}

/// A panel or window a command opens or closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// Narrate one step of one run.
    Narrate,
    /// The race table.
    Race,
    /// Basins of attraction.
    Basins,
    /// The high-dimension window.
    HighDim,
    /// The keyboard shortcuts.
    Help,
    /// The side and bottom panels.
    SidePanels,
    /// The saddle census window.
    Census,
}

/// Seconds of no typing after which an edited formula is applied.
pub const FORMULA_PAUSE: f64 = 0.6;

/// How much presenter mode scales the UI.
pub const PRESENTER_ZOOM: f32 = 1.3;

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

/// The app.
pub struct LosscapeApp {
    /// What the person set; everything on screen derives from it.
    pub scene: Scene,
    /// The surface of `scene` (the last one that parsed).
    surface: SurfaceDef,
    /// Changes whenever `surface` does: part of every cache key.
    surface_id: u64,
    /// The formula box's text, which may not parse.
    pub formula_text: String,
    /// Why `formula_text` does not parse, if it does not.
    pub formula_error: Option<String>,
    /// When the formula box was last edited, while the edit waits to be applied.
    formula_pending: Option<f64>,
    /// The runs on screen.
    pub runs: Runs,
    /// The cloud of runs on screen, if the scene has one.
    pub cloud: cloud::CloudView,
    /// The scene and surface the runs were last asked for.
    runs_inputs: Option<(Scene, u64)>,
    /// The timeline.
    pub playback: Playback,
    /// The heatmap and contours of the visible region.
    field: field_view::FieldView,
    /// Critical points of the surface in its domain, per surface.
    critical: Option<(u64, Domain, Arc<Vec<CriticalPoint>>)>,
    /// The job finding the critical points, and what it was asked for.
    critical_job: (JobSlot<Vec<CriticalPoint>>, Option<(u64, Domain)>),
    /// Asks for a repaint when a background job ends (none before the first frame).
    waker: Option<egui::Context>,
    /// Plot interaction state (drag, selection, transform of the last frame).
    pub plot: PlotState,
    /// Whether the side and bottom panels are shown.
    pub show_panels: bool,
    /// Whether the shortcut overlay is shown.
    pub show_help: bool,
    /// The loss, gradient and learning-rate curves under the plot.
    pub curves: curves::Curves,
    /// The title bar and the side panel.
    pub controls: controls::Controls,
    /// A message for the status line (an error that was handled, a file written).
    pub status: Option<String>,
    /// Screenshots, figures and scene files.
    pub exporter: export::Exporter,
    /// The "why saddles dominate in high dimensions" window.
    pub highdim: highdim::HighDim,
    /// The saddle census window.
    pub census: census::CensusPanel,
    /// Narrate, race, basins.
    pub teach: teach::Teach,
    /// Presenter mode: panels hidden, the UI scaled up, the caption large.
    pub presenter: bool,
    /// The light theme instead of the dark one (kept with the session).
    pub light: bool,
    /// The theme last given to egui.
    theme_applied: Option<bool>,
    /// Whether the teaching side panel was shown last frame.
    teach_was_open: bool,
    /// Whether the controls stay beside a teaching panel on a narrow window.
    controls_pinned: bool,
    /// The 3-D view and its camera.
    pub view3d: view3d::View3dPanel,
    /// The data panel of a model surface.
    pub data_panel: data_panel::DataPanel,
    /// The background build of a network landscape.
    pub network: network::NetworkBuild,
}

impl LosscapeApp {
    /// The app on `scene`.
    pub fn new(scene: Scene) -> Self {
        // A network landscape is trained on a background job (see `refresh_network`).
        let surface = if scene.surface.is_slow() {
            network_placeholder()
        } else {
            scene.surface.resolve().unwrap_or(SurfaceDef::Builtin(Builtin::EscapeSaddle))
        };
        let mut app = Self {
            formula_text: scene.surface.label().to_owned(),
            formula_error: None,
            formula_pending: None,
            surface,
            surface_id: 0,
            scene,
            runs: Runs::default(),
            cloud: cloud::CloudView::default(),
            runs_inputs: None,
            playback: Playback::default(),
            field: field_view::FieldView::default(),
            critical: None,
            critical_job: (JobSlot::new("critical points", Priority::Interactive), None),
            waker: None,
            plot: PlotState::default(),
            show_panels: true,
            show_help: false,
            curves: curves::Curves::default(),
            controls: controls::Controls::default(),
            status: None,
            exporter: export::Exporter::default(),
            highdim: highdim::HighDim::default(),
            census: census::CensusPanel::default(),
            teach: teach::Teach::default(),
            presenter: false,
            light: false,
            theme_applied: None,
            teach_was_open: false,
            controls_pinned: false,
            view3d: view3d::View3dPanel::default(),
            data_panel: data_panel::DataPanel::default(),
            network: network::NetworkBuild::default(),
        };
        app.plot.reset_view = true;
        if let SurfaceChoice::Builtin(_) = app.scene.surface {
            app.formula_text = app.surface.formula().to_owned();
        }
        app
    }

    /// The surface in use.
    pub fn surface(&self) -> &SurfaceDef {
        &self.surface
    }

    /// Whether the heatmap of the current view has arrived from the background worker.
    pub fn field_ready(&self) -> bool {
        self.field.is_shown()
    }

    /// Where plot coordinate (x, y) was on screen in the last frame (of the first surface plot).
    pub fn screen_pos(&self, x: f64, y: f64) -> Option<egui::Pos2> {
        plot::screen_pos(&self.plot, x, y)
    }

    /// The last step any trajectory reaches (the scene's steps when a cloud is shown).
    pub fn last_step(&self) -> usize {
        let cloud = if self.scene.cloud.is_some() { self.scene.steps } else { 0 };
        self.runs.max_len.max(cloud)
    }

    /// Brings the cloud towards the playback step (in the background).
    fn refresh_cloud(&mut self) {
        let wake = self.wake();
        let step = self.playback.step;
        self.cloud.update(&self.scene, &self.surface, self.surface_id, step, wake);
    }

    /// A function that asks for a repaint: what a background job calls when it ends.
    fn wake(&self) -> impl Fn() + Send + 'static {
        let ctx = self.waker.clone();
        move || {
            if let Some(ctx) = &ctx {
                ctx.request_repaint();
            }
        }
    }

    /// Asks for the runs of the scene in the background when their inputs changed (cheap when
    /// nothing did). A scene beyond the budget is refused: its runs' inputs go back to the last
    /// ones asked for, and the status line says why.
    pub fn refresh_runs(&mut self) {
        let inputs_changed = match &self.runs_inputs {
            Some((scene, id)) => *id != self.surface_id || !runs_inputs_equal(scene, &self.scene),
            None => true,
        };
        if !inputs_changed {
            return;
        }
        let wake = self.wake();
        match self.runs.request(&self.scene, &self.surface, self.surface_id, wake) {
            Ok(()) => self.runs_inputs = Some((self.scene.clone(), self.surface_id)),
            Err(e) => {
                self.status = Some(e.to_string());
                if let Some((last, _)) = &self.runs_inputs {
                    self.scene.starts.clone_from(&last.starts);
                    self.scene.optimizers.clone_from(&last.optimizers);
                    self.scene.steps = last.steps;
                }
            }
        }
    }

    /// Starts building the scene's network landscape when its settings changed, and shows it
    /// when it is built.
    fn refresh_network(&mut self) {
        let wake = self.wake();
        let built = self.network.update(&self.scene.surface, wake).or_else(|| self.network.poll());
        self.install_network(built);
    }

    fn install_network(&mut self, built: Option<network::Built>) {
        match built {
            Some(network::Built::Done(landscape)) => {
                self.surface = SurfaceDef::Slice(Arc::new(landscape.slice.clone()));
                self.surface_id += 1;
                self.plot.reset_view = true;
            }
            Some(network::Built::Failed(message)) => self.status = Some(message),
            None => {}
        }
    }

    /// Takes what the background jobs finished since the last frame.
    fn poll_jobs(&mut self) {
        match self.runs.poll() {
            Some(Ok(())) => {
                let last = self.last_step();
                self.playback.clamp(last);
            }
            Some(Err(message)) => self.status = Some(message),
            None => {}
        }
        if let Some((outcome, _)) = self.critical_job.0.poll() {
            self.install_critical(outcome);
        }
        teach::finish_tune(self);
    }

    fn install_critical(&mut self, outcome: Outcome<Vec<CriticalPoint>>) {
        match (outcome, self.critical_job.1) {
            (Outcome::Done(points), Some((id, domain))) => {
                self.critical = Some((id, domain, Arc::new(points)));
            }
            (Outcome::Failed(message), _) => {
                self.status = Some(format!("critical points: {message}"));
            }
            _ => {}
        }
    }

    /// Waits for the background jobs under way and takes their results: for tests and
    /// benchmarks that drive the app headless (a frame never waits).
    pub fn settle(&mut self) {
        self.refresh_network();
        let built = self.network.wait();
        self.install_network(built);
        self.refresh_runs();
        self.runs.wait();
        let last = self.last_step();
        self.playback.clamp(last);
        if self.scene.view.critical_points {
            let _ = self.critical_points();
        }
        if let Some(outcome) = self.critical_job.0.wait() {
            self.install_critical(outcome);
        }
        self.refresh_cloud();
        self.cloud.settle();
    }

    /// The critical points of the surface in the scene's domain: found once per surface and
    /// domain, in the background; until they arrive, the last ones found (or none).
    pub fn critical_points(&mut self) -> Arc<Vec<CriticalPoint>> {
        if self.scene.surface.is_slow() && !matches!(self.surface, SurfaceDef::Slice(_)) {
            // The flat placeholder of a network still training has nothing to find.
            return Arc::default();
        }
        let domain = self.scene.domain();
        let key = (self.surface_id, domain);
        let current = match &self.critical {
            Some((id, d, points)) if (*id, *d) == key => return Arc::clone(points),
            Some((id, _, points)) if *id == self.surface_id => Arc::clone(points),
            _ => Arc::default(),
        };
        if self.critical_job.1 != Some(key) {
            self.critical_job.1 = Some(key);
            let surface = self.surface.clone();
            let wake = self.wake();
            self.critical_job.0.request(wake, move |_| Ok(sim::critical_points(&surface, &domain)));
        }
        current
    }

    /// The formula box was edited to `text` at time `now` (seconds): says at once whether it
    /// parses, and applies it after a pause in typing ([`FORMULA_PAUSE`]) or on Enter, so that
    /// the half-typed formulas in between never flash on screen.
    pub fn edit_formula(&mut self, text: String, now: f64) {
        if text.contains('\n') {
            self.formula_pending = None;
            self.set_formula_text(text.replace(['\n', '\r'], ""));
            return;
        }
        self.formula_error = sim::Formula::parse(&text).err().map(|e| e.to_string());
        self.formula_text = text;
        self.formula_pending = Some(now);
    }

    /// Applies an edited formula once typing has paused.
    fn apply_pending_formula(&mut self, ctx: &egui::Context) {
        let Some(edited) = self.formula_pending else { return };
        let waited = ctx.input(|i| i.time) - edited;
        if waited >= FORMULA_PAUSE {
            self.formula_pending = None;
            self.set_formula_text(self.formula_text.clone());
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(FORMULA_PAUSE - waited));
        }
    }

    /// Sets the formula box's text: parses it; the surface changes only when it parses.
    pub fn set_formula_text(&mut self, text: String) {
        match sim::Formula::parse(&text) {
            Ok(_) => {
                self.formula_error = None;
                let choice =
                    match Builtin::ALL.into_iter().find(|b| squash(b.formula()) == squash(&text)) {
                        Some(b) => SurfaceChoice::Builtin(b),
                        None => SurfaceChoice::Formula(text.clone()),
                    };
                if choice != self.scene.surface {
                    self.apply(Command::SetSurface(choice));
                }
            }
            Err(e) => self.formula_error = Some(e.to_string()),
        }
        self.formula_text = text;
    }

    /// Applies a command.
    pub fn apply(&mut self, command: Command) {
        let last = self.last_step();
        match command {
            Command::LoadScene(scene) => {
                if let Err(e) = crate::budget::plan_scene(&scene) {
                    // The scene on screen stays.
                    self.status = Some(format!("scene not loaded: {e}"));
                    return;
                }
                let formula = scene.surface.clone();
                self.scene = *scene;
                self.set_surface_quiet(formula);
                self.playback.reset();
                self.plot.reset_view = true;
                self.plot.selected = None;
            }
            Command::SetSurface(choice) => {
                self.scene.domain = None;
                self.set_surface_quiet(choice);
                self.plot.reset_view = true;
            }
            Command::AddStart(p) => {
                if self.scene.starts.len() < scene::MAX_STARTS && p.x.is_finite() && p.y.is_finite()
                {
                    self.scene.starts.push([p.x, p.y]);
                    self.plot.selected = Some(self.scene.starts.len() - 1);
                } else {
                    self.status = Some(format!("at most {} start points", scene::MAX_STARTS));
                }
            }
            Command::MoveStart(i, p) => {
                if let Some(s) = self.scene.starts.get_mut(i)
                    && p.x.is_finite()
                    && p.y.is_finite()
                {
                    *s = [p.x, p.y];
                }
            }
            Command::RemoveStart(i) => {
                if i < self.scene.starts.len() {
                    self.scene.starts.remove(i);
                    self.plot.selected = None;
                    self.plot.dragging = None;
                }
            }
            Command::ClearStarts => {
                self.scene.starts.clear();
                self.plot.selected = None;
            }
            Command::ScatterStarts { count, seed } => {
                use rand::{RngExt, SeedableRng};
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                let d = self.scene.domain();
                self.scene.starts = (0..count.min(scene::MAX_STARTS))
                    .map(|_| {
                        let p = d.lerp(rng.random_range(0.05..0.95), rng.random_range(0.05..0.95));
                        [p.x, p.y]
                    })
                    .collect();
                self.plot.selected = None;
            }
            Command::ResetView => self.plot.reset_view = true,
            Command::TogglePlay => self.playback.toggle(last),
            Command::StepForward => self.playback.forward(last),
            Command::StepBack => self.playback.back(),
            Command::Seek(step) => self.playback.seek(step, last),
            Command::ResetPlayback => self.playback.reset(),
            Command::SetLight(light) => self.light = light,
            Command::SetCloud(cloud) => match cloud.map(|c| c.check()) {
                Some(Err(e)) => self.status = Some(format!("cloud: {e}")),
                _ => self.scene.cloud = cloud,
            },
            Command::CloudBlob(p) => {
                use crate::sim::cloud::{Cloud, CloudShape};
                let d = self.scene.domain();
                let sigma = 0.04 * d.width().hypot(d.height());
                let (count, seed) = self.scene.cloud.map_or((1000, 1), |c| (c.count, c.seed));
                let shape = CloudShape::Blob { centre: [p.x, p.y], sigma };
                self.apply(Command::SetCloud(Some(Cloud { count, seed, shape })));
                self.playback.reset();
            }
            Command::Status(message) => self.status = Some(message),
            Command::Toggle(panel) => {
                let open = self.panel_open(panel);
                *open = !*open;
            }
            Command::Open(panel) => *self.panel_open(panel) = true,
            Command::EditFormula { text, at } => self.edit_formula(text, at),
            Command::SetView(view) => self.scene.view = *view,
            Command::SetSteps(steps) => self.scene.steps = steps.clamp(1, scene::MAX_STEPS),
            Command::SetSpeed(speed) => {
                if speed.is_finite() {
                    self.scene.speed = speed.clamp(scene::SPEED_RANGE.0, scene::SPEED_RANGE.1);
                }
            }
            Command::SetOptimizers(optimizers) => {
                if (1..=scene::MAX_OPTIMIZERS).contains(&optimizers.len()) {
                    self.scene.optimizers = optimizers;
                } else {
                    self.status = Some(format!(
                        "between 1 and {} optimizers, not {}",
                        scene::MAX_OPTIMIZERS,
                        optimizers.len()
                    ));
                }
            }
            Command::TuneLr(i) => teach::tune_optimizer(self, i),
            Command::Export(what) => {
                if let Some(ctx) = self.waker.clone() {
                    export::export(self, &ctx, what);
                }
            }
            Command::SaveScene => export::save_scene(self),
            Command::OpenScene(path) => {
                if let Some(command) = export::open_scene(self, &path) {
                    self.apply(command);
                }
            }
            Command::SetProjection(projection) => self.scene.view.projection = projection,
            Command::ViewShown { bounds, px } => {
                if let Some(ctx) = &self.waker {
                    self.field.request(ctx, &self.surface, bounds, px, &self.scene.view);
                }
            }
            Command::SetModelData(rows) => {
                let SurfaceChoice::Model(model) = &self.scene.surface else { return };
                match model.with_rows(rows) {
                    Ok(model) => {
                        // The view stays put while the data moves under it.
                        self.scene.domain = Some(self.scene.domain());
                        self.set_surface_quiet(SurfaceChoice::Model(model));
                    }
                    Err(e) => self.status = Some(format!("data: {e}")),
                }
            }
        }
    }

    /// Whether `panel` is open, to read or set.
    fn panel_open(&mut self, panel: Panel) -> &mut bool {
        match panel {
            Panel::Narrate => &mut self.teach.narrate_open,
            Panel::Race => &mut self.teach.race_open,
            Panel::Basins => &mut self.teach.basins_open,
            Panel::HighDim => &mut self.highdim.open,
            Panel::Help => &mut self.show_help,
            Panel::SidePanels => &mut self.show_panels,
            Panel::Census => &mut self.census.open,
        }
    }

    fn set_surface_quiet(&mut self, choice: SurfaceChoice) {
        if choice.is_slow() {
            // Trained in the background (`refresh_network`); flat until then.
            self.surface = network_placeholder();
            self.surface_id += 1;
            self.formula_text = choice.label().to_owned();
            self.formula_error = None;
            self.scene.surface = choice;
            return;
        }
        match choice.resolve() {
            Ok(surface) => {
                self.surface = surface;
                self.surface_id += 1;
                self.formula_text = self.surface.formula().to_owned();
                self.formula_error = None;
                self.scene.surface = choice;
            }
            Err(e) => self.status = Some(format!("formula: {e}")),
        }
    }

    /// Presenter mode on or off: hides the side panels and scales the whole UI by
    /// [`PRESENTER_ZOOM`] (on top of whatever Ctrl +/− set), and back.
    pub fn set_presenter(&mut self, ctx: &egui::Context, on: bool) {
        if on == self.presenter {
            return;
        }
        self.presenter = on;
        self.show_panels = !on;
        let zoom = ctx.zoom_factor();
        ctx.set_zoom_factor(if on { zoom * PRESENTER_ZOOM } else { zoom / PRESENTER_ZOOM });
    }

    fn handle_keys(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        // Keys go to a text field when one has focus.
        if ctx.memory(|m| m.focused().is_some()) && ctx.egui_wants_keyboard_input() {
            return commands;
        }
        if ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::S)))
        {
            commands.push(Command::Export(export::Export::Screenshot));
        }
        let pressed = |key| ctx.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        if pressed(Key::Space) {
            commands.push(Command::TogglePlay);
        }
        if pressed(Key::ArrowRight) {
            commands.push(Command::StepForward);
        }
        if pressed(Key::ArrowLeft) {
            commands.push(Command::StepBack);
        }
        if pressed(Key::R) {
            commands.push(Command::ResetPlayback);
        }
        if pressed(Key::Home) {
            commands.push(Command::ResetView);
        }
        if (pressed(Key::Delete) || pressed(Key::Backspace))
            && let Some(i) = self.plot.selected
        {
            commands.push(Command::RemoveStart(i));
        }
        if pressed(Key::H) {
            // On a narrow window with a teaching panel open, H brings the controls back beside it.
            let teach_open =
                self.teach.narrate_open || self.teach.race_open || self.teach.basins_open;
            if teach_open && ctx.content_rect().width() < 1500.0 && self.show_panels {
                self.controls_pinned = !self.controls_pinned;
            } else {
                commands.push(Command::Toggle(Panel::SidePanels));
            }
        }
        for (key, panel) in
            [(Key::N, Panel::Narrate), (Key::T, Panel::Race), (Key::B, Panel::Basins)]
        {
            if pressed(key) {
                commands.push(Command::Toggle(panel));
            }
        }
        if pressed(Key::P) {
            self.set_presenter(ctx, !self.presenter);
        }
        if pressed(Key::G) {
            self.scene.view.layout = match self.scene.view.layout {
                scene::Layout::Overlay => scene::Layout::Grid,
                scene::Layout::Grid => scene::Layout::Overlay,
            };
        }
        if pressed(Key::V) {
            let projection = &mut self.scene.view.projection;
            projection.mode = view3d::next_mode(projection.mode);
        }
        if pressed(Key::F11) {
            let fullscreen = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!fullscreen));
        }
        let question =
            ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Text(t) if t == "?")));
        if question
            || ctx.input_mut(|i| {
                i.consume_shortcut(&KeyboardShortcut::new(Modifiers::SHIFT, Key::Slash))
            })
        {
            commands.push(Command::Toggle(Panel::Help));
        }
        if pressed(Key::Escape) && self.show_help {
            commands.push(Command::Toggle(Panel::Help));
        }
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
            if pressed(key) {
                match preset.scene() {
                    Ok(scene) => commands.push(Command::LoadScene(Box::new(scene))),
                    Err(e) => self.status = Some(e.to_string()),
                }
            }
        }
        commands
    }

    /// One frame of the whole UI. Public so tests and benchmarks can drive it headless.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.waker.get_or_insert_with(|| ctx.clone());
        if self.theme_applied != Some(self.light) {
            ctx.set_visuals(if self.light {
                egui::Visuals::light()
            } else {
                egui::Visuals::dark()
            });
            self.theme_applied = Some(self.light);
        }
        runs::new_frame();
        self.refresh_network();
        self.poll_jobs();
        let mut commands = self.handle_keys(&ctx);

        let dt = f64::from(ctx.input(|i| i.stable_dt));
        let last = self.last_step();
        self.playback.advance(dt, self.scene.speed, last);
        if self.playback.playing {
            ctx.request_repaint();
        }
        if self.runs.progress().is_some() || self.critical_job.0.busy() {
            // Progress notes move while a job runs.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.apply_pending_formula(&ctx);
        self.refresh_runs();
        self.refresh_cloud();
        self.teach.refresh_narration(&self.scene, &self.runs, &self.surface, self.playback.step);
        self.field.poll(&ctx);
        if let Some(message) = self.exporter.poll(&ctx).pop() {
            self.status = Some(message);
        }
        commands.extend(export::dropped_scene(&ctx));
        if let Some(message) = self.teach.basins.poll(&ctx, &self.scene) {
            self.status = Some(message);
        }

        egui::Panel::top("title").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                commands.extend(self.exporter.menu(ui));
                commands.extend(controls::title_bar(ui, self));
            });
        });
        // Side panels never squeeze the plot below half the window: the controls take at most a
        // quarter of it, and on a narrow window they give way to the teaching panel (H brings
        // them back).
        let width = ctx.content_rect().width();
        let side = (0.25 * width).max(200.0);
        let teach_open = self.teach.narrate_open || self.teach.race_open || self.teach.basins_open;
        let narrow = width < 1500.0;
        if self.show_panels && !(teach_open && narrow && !self.controls_pinned) {
            let mut controls = std::mem::take(&mut self.controls);
            let mut data_panel = std::mem::take(&mut self.data_panel);
            let left = egui::Panel::left("controls").resizable(true);
            left.default_size(340.0_f32.min(side)).max_size(side).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    if let SurfaceChoice::Model(model) = &self.scene.surface {
                        commands.extend(data_panel.ui(ui, model));
                        ui.separator();
                    }
                    self.network.ui(ui, &self.scene.surface);
                    commands.extend(controls.side_panel(ui, self));
                });
            });
            self.controls = controls;
            self.data_panel = data_panel;
        }
        egui::Panel::bottom("timeline").show(ui, |ui| {
            commands.extend(timeline::timeline(ui, self));
        });
        if self.show_panels {
            egui::Panel::bottom("curves").resizable(true).default_size(190.0).show(ui, |ui| {
                self.curves.show(ui, &self.scene, &self.runs, self.playback.step);
            });
        }
        if teach_open != self.teach_was_open {
            // The plot changes width: fit the domain to its new shape.
            self.teach_was_open = teach_open;
            self.plot.reset_view = true;
            // A new panel lays itself out over a frame or two: draw those now, not at the next
            // mouse move.
            ctx.request_repaint();
        }
        // The race judges runs by the critical points even when they are not drawn.
        let critical = (self.scene.view.critical_points || self.teach.race_open)
            .then(|| self.critical_points());
        let critical = critical.as_deref().map(Vec::as_slice);
        if teach_open {
            let mut teach = std::mem::take(&mut self.teach);
            let right = egui::Panel::right("teach").resizable(true);
            let teach_side = (0.38 * width).max(260.0);
            let right = right.default_size(470.0_f32.min(teach_side));
            right.max_size(560.0_f32.min(teach_side)).show(ui, |ui| {
                // Wide tables and formulas scroll sideways rather than widen the panel over the
                // plot.
                egui::ScrollArea::both().show(ui, |ui| {
                    commands.extend(teach.panel_ui(ui, self, critical.unwrap_or_default()));
                });
            });
            self.teach = teach;
        }
        let drawn = critical.filter(|_| self.scene.view.critical_points);
        egui::CentralPanel::default().show(ui, |ui| {
            if !self.scene.caption.is_empty() {
                // The lesson's point in one line over the plot; in presenter mode large enough
                // to read from the back of the hall.
                let size = if self.presenter { 26.0 } else { 18.0 };
                ui.label(egui::RichText::new(&self.scene.caption).size(size).strong());
                ui.add_space(2.0);
            }
            commands.extend(view3d::central(ui, self, drawn));
        });
        if self.show_help {
            help::overlay(&ctx, &mut self.show_help);
        }
        self.highdim.window(&ctx);
        commands.extend(self.census.window(&ctx));

        for command in commands {
            self.apply(command);
        }
        self.refresh_runs();
    }
}

/// Whether two scenes give the same runs (the view and playback speed do not matter).
fn runs_inputs_equal(a: &Scene, b: &Scene) -> bool {
    a.starts == b.starts
        && a.optimizers == b.optimizers
        && a.steps == b.steps
        && a.surface == b.surface
}

/// The flat surface shown while a network landscape trains.
fn network_placeholder() -> SurfaceDef {
    sim::Formula::parse("0")
        .map(|f| SurfaceDef::Formula(Arc::new(f)))
        .unwrap_or(SurfaceDef::Builtin(Builtin::Saddle))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Keys of the remembered session in eframe's storage.
const STORAGE_SCENE: &str = "losscape.scene";
const STORAGE_EXPORT: &str = "losscape.export";
const STORAGE_THEME: &str = "losscape.theme";

impl eframe::App for LosscapeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// Remembers the scene and the export settings, so the next start opens where this one
    /// left off.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(STORAGE_SCENE, self.scene.to_json());
        if let Ok(json) = serde_json::to_string(&self.exporter.settings) {
            storage.set_string(STORAGE_EXPORT, json);
        }
        storage.set_string(STORAGE_THEME, if self.light { "light" } else { "dark" }.to_owned());
    }
}

/// The app as the last session left it: its scene (if it still loads: a scene from a newer
/// losscape, or a damaged one, gives the default lecture and says why) and export settings.
pub fn restore(storage: Option<&dyn eframe::Storage>, scene: Option<Scene>) -> LosscapeApp {
    let mut status = None;
    let scene = scene.unwrap_or_else(|| match storage.and_then(|s| s.get_string(STORAGE_SCENE)) {
        Some(json) => Scene::from_json(&json, "last session").unwrap_or_else(|e| {
            status = Some(format!("last session not restored: {e}"));
            scene::default_scene()
        }),
        None => scene::default_scene(),
    });
    let mut app = LosscapeApp::new(scene);
    if let Some(settings) = storage
        .and_then(|s| s.get_string(STORAGE_EXPORT))
        .and_then(|json| serde_json::from_str(&json).ok())
    {
        app.exporter.settings = settings;
    }
    app.light = storage.and_then(|s| s.get_string(STORAGE_THEME)).as_deref() == Some("light");
    app.status = status;
    app
}

/// Sets the look: dark, large text for a projector.
pub fn setup_style(ctx: &egui::Context) {
    use egui::{FontFamily, FontId, TextStyle};
    // Hack (egui's monospace font) covers the arrows and maths symbols (∇ ‖ → ●) that
    // Ubuntu-Light lacks: make it the proportional family's first fallback.
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        family.insert(1.min(family.len()), "Hack".to_owned());
    }
    ctx.set_fonts(fonts);
    ctx.set_visuals(egui::Visuals::dark());
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(24.0)),
            (TextStyle::Body, FontId::proportional(16.0)),
            (TextStyle::Monospace, FontId::monospace(15.0)),
            (TextStyle::Button, FontId::proportional(16.0)),
            (TextStyle::Small, FontId::proportional(13.0)),
        ]
        .into();
        style.spacing.slider_width = 150.0;
        style.spacing.interact_size.y = 22.0;
    });
}

/// Opens the app window on `scene_path` (or the default lecture scene).
pub fn run(scene_path: Option<PathBuf>) -> Result<(), String> {
    let scene = match &scene_path {
        Some(path) => Some(Scene::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("losscape")
            .with_app_id("losscape")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 560.0]),
        ..Default::default()
    };
    eframe::run_native(
        "losscape",
        options,
        Box::new(move |cc| {
            setup_style(&cc.egui_ctx);
            Ok(Box::new(restore(cc.storage, scene)))
        }),
    )
    .map_err(|e| format!("could not open a window: {e}"))
}
