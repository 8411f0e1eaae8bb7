//! The desktop app: a surface as a heatmap with contours, start points a person clicks, and the
//! optimizers' trajectories animated side by side.
//!
//! The data flows one way: the [`Scene`] (what the person set) → the runs (simulated once per
//! change of their inputs, [`runs::Runs`]) and the field (sampled in the background,
//! [`field_view::FieldView`]) → the panels ([`panels::Panels`]), which read the app through one
//! read-only context ([`Ctx`]) and return [`Command`]s that the app applies at the end of the
//! frame ([`LosscapeApp::apply`]). Panels never reach into each other or into the app.

pub mod basins;
pub mod cloud;
pub mod command;
pub mod component;
pub mod critical;
pub mod export;
pub mod field_view;
pub mod formula_box;
pub mod keys;
pub mod mesh;
pub mod narration;
pub mod network;
pub mod opening;
pub mod panels;
pub mod playback;
pub mod runs;
pub mod session;
pub mod style;
pub mod tune;
pub mod windows;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_plot::{PlotPoint, PlotTransform};

use crate::jobs::TakesJob;
use crate::scene::{self, Scene, SurfaceChoice};
use crate::sim::net::NetData;
use crate::sim::{Builtin, CriticalPoint, SurfaceDef};
use session::Session;

pub use command::{Command, Panel};
pub use component::{Component, Ctx};
pub use formula_box::{FORMULA_PAUSE, FormulaBox};
pub use keys::SHORTCUTS;
pub use panels::plot::PlotPanel;
pub use playback::Playback;
pub use runs::Runs;
pub use style::setup_style;
pub use windows::Windows;

/// How much presenter mode scales the UI.
pub const PRESENTER_ZOOM: f32 = 1.3;

/// The app: the scene and everything derived from it, and the panels that show it.
pub struct LosscapeApp {
    /// What the person set; everything on screen derives from it.
    pub scene: Scene,
    /// The surface of `scene` (the last one that parsed).
    surface: SurfaceDef,
    /// Changes whenever `surface` does: part of every cache key.
    surface_id: u64,
    /// The formula box.
    pub formula: FormulaBox,
    /// The runs on screen.
    pub runs: Runs,
    /// The cloud of runs on screen, if the scene has one.
    pub cloud: cloud::CloudView,
    /// The timeline.
    pub playback: Playback,
    /// The heatmap and contours of the visible region.
    field: field_view::FieldView,
    /// Critical points of the surface in its domain, per surface.
    critical: critical::CriticalCache,
    /// The narrated run and its narration.
    narration: narration::NarrationView,
    /// The basin map.
    pub basins: basins::Basins,
    /// The learning-rate search under way.
    tuner: tune::Tuner,
    /// Asks for a repaint when a background job ends (none before the first frame).
    waker: Option<egui::Context>,
    /// Which panels and windows are open.
    windows: Windows,
    /// The selected start point (Delete removes it).
    selected: Option<usize>,
    /// Where the map was on screen in the last frame, and what it showed.
    shown: Option<PlotTransform>,
    /// Changes whenever the map should show the whole domain again.
    fit_view: u64,
    /// A message for the status line (an error that was handled, a file written).
    pub status: Option<String>,
    /// Screenshots, figures and scene files.
    pub exporter: export::Exporter,
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
    /// The background build of a network landscape.
    pub network: network::NetworkBuild,
    /// Every panel, each with its own state.
    pub panels: panels::Panels,
}

impl LosscapeApp {
    /// The app on `scene`.
    pub fn new(scene: Scene) -> Self {
        // A network landscape is trained on a background job (see `refresh_network`).
        let surface = if scene.surface.is_slow() {
            network::placeholder()
        } else {
            scene.surface.resolve().unwrap_or(SurfaceDef::Builtin(Builtin::EscapeSaddle))
        };
        let formula = match scene.surface {
            SurfaceChoice::Builtin(_) => surface.formula().to_owned(),
            _ => scene.surface.label().to_owned(),
        };
        Self {
            formula: FormulaBox::showing(formula),
            surface,
            surface_id: 0,
            scene,
            runs: Runs::default(),
            cloud: cloud::CloudView::default(),
            playback: Playback::default(),
            field: field_view::FieldView::default(),
            critical: critical::CriticalCache::default(),
            narration: narration::NarrationView::default(),
            basins: basins::Basins::default(),
            tuner: tune::Tuner::default(),
            waker: None,
            windows: Windows::default(),
            selected: None,
            shown: None,
            // The map fits the domain on its first frame.
            fit_view: 1,
            status: None,
            exporter: export::Exporter::default(),
            presenter: false,
            light: false,
            theme_applied: None,
            teach_was_open: false,
            controls_pinned: false,
            network: network::NetworkBuild::default(),
            panels: panels::Panels::default(),
        }
    }

    /// The surface in use.
    pub fn surface(&self) -> &SurfaceDef {
        &self.surface
    }

    /// Whether the heatmap of the current view has arrived from the background worker.
    pub fn field_ready(&self) -> bool {
        self.field.is_shown()
    }

    /// Whether `panel` is open.
    pub fn is_open(&self, panel: Panel) -> bool {
        self.windows.is_open(panel)
    }

    /// Where plot coordinate (x, y) was on screen in the last frame (of the first surface plot).
    pub fn screen_pos(&self, x: f64, y: f64) -> Option<egui::Pos2> {
        self.shown.as_ref().map(|t| t.position_from_point(&PlotPoint::new(x, y)))
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
        let wake = self.wake();
        if let Some(message) =
            self.runs.refresh(&mut self.scene, &self.surface, self.surface_id, wake)
        {
            self.status = Some(message);
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
                self.fit_view += 1;
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
        if let Some(message) = self.critical.poll() {
            self.status = Some(message);
        }
        for command in self.tuner.poll(&self.scene) {
            self.apply(command);
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
        if let Some(message) = self.critical.wait() {
            self.status = Some(message);
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
        let wake = self.wake();
        self.critical.points(&self.surface, self.surface_id, self.scene.domain(), wake)
    }

    /// The formula box was edited to `text` at time `now` (seconds): says at once whether it
    /// parses, and applies it after a pause in typing ([`FORMULA_PAUSE`]) or on Enter, so that
    /// the half-typed formulas in between never flash on screen.
    pub fn edit_formula(&mut self, text: String, now: f64) {
        if let Some(text) = self.formula.edit(text, now) {
            self.set_formula_text(text);
        }
    }

    /// Applies an edited formula once typing has paused.
    fn apply_pending_formula(&mut self, ctx: &egui::Context) {
        match self.formula.due(ctx.input(|i| i.time)) {
            Ok(text) => self.set_formula_text(text),
            Err(Some(wait)) => {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
            }
            Err(None) => {}
        }
    }

    /// Sets the formula box's text: parses it; the surface changes only when it parses.
    pub fn set_formula_text(&mut self, text: String) {
        if let Some(choice) = self.formula.set_text(text.clone())
            && choice != self.scene.surface
        {
            self.apply(Command::SetSurface(choice));
            // The box keeps what was typed.
            self.formula.text = text;
        }
    }

    /// Loads a scene file: the command that loads it, or none when the file is bad (the status
    /// line says why either way).
    pub fn open_scene(&mut self, path: &Path) -> Option<Command> {
        match Scene::load(path) {
            Ok(scene) => {
                self.status = Some(format!("opened {}", path.display()));
                Some(Command::LoadScene(Box::new(scene)))
            }
            Err(e) => {
                self.status = Some(format!("scene not loaded: {e}"));
                None
            }
        }
    }

    /// Applies a command, with its checks: a command that would break the scene changes
    /// nothing and says why on the status line.
    pub fn apply(&mut self, command: Command) {
        if !matches!(command, Command::ViewShown { .. })
            && let Some(ctx) = &self.waker
        {
            // What the command changed is drawn at once, not at the next mouse move.
            ctx.request_repaint();
        }
        match command {
            Command::LoadScene(_)
            | Command::SetSurface(_)
            | Command::SetModelData(_)
            | Command::EditFormula { .. }
            | Command::SetSteps(_)
            | Command::SetOptimizers(_)
            | Command::OpenScene(_)
            | Command::SaveScene => self.apply_scene(command),
            Command::AddStart(_)
            | Command::MoveStart(..)
            | Command::RemoveStart(_)
            | Command::ClearStarts
            | Command::ScatterStarts { .. }
            | Command::Select(_)
            | Command::SetCloud(_)
            | Command::CloudBlob(_) => self.apply_starts(command),
            Command::TogglePlay
            | Command::StepForward
            | Command::StepBack
            | Command::Seek(_)
            | Command::ResetPlayback
            | Command::SetSpeed(_) => self.apply_playback(command),
            Command::ResetView
            | Command::SetView(_)
            | Command::SetProjection(_)
            | Command::ViewShown { .. }
            | Command::SetLight(_)
            | Command::SetPresenter(_)
            | Command::PinControls
            | Command::Toggle(_)
            | Command::Open(_)
            | Command::Status(_) => self.apply_view(command),
            Command::Narrate { .. }
            | Command::SetBasins(_)
            | Command::ComputeBasins(_)
            | Command::CancelBasins
            | Command::TuneLr(_)
            | Command::Export(_)
            | Command::SetExportSettings(_)
            | Command::PickFile
            | Command::CopyLink => self.apply_tools(command),
        }
    }

    /// The scene's surface, data, steps and optimizers, and scene files.
    fn apply_scene(&mut self, command: Command) {
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
                self.fit_view += 1;
                self.selected = None;
            }
            Command::SetSurface(choice) => {
                self.scene.domain = None;
                self.set_surface_quiet(choice);
                self.fit_view += 1;
            }
            Command::SetModelData(rows) => self.set_model_data(rows),
            Command::EditFormula { text, at } => self.edit_formula(text, at),
            Command::SetSteps(steps) => self.scene.steps = steps.clamp(1, scene::MAX_STEPS),
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
            Command::OpenScene(path) => {
                if let Some(command) = self.open_scene(&path) {
                    self.apply(command);
                }
            }
            Command::SaveScene => {
                let path = PathBuf::from(&self.exporter.settings.scene_file);
                self.status = Some(export::save_scene(&self.scene, &path));
            }
            _ => {}
        }
    }

    /// New data for the model surface (the domain shown stays), or for the network, which
    /// retrains on a job while the slice on screen stays until the new one is built.
    fn set_model_data(&mut self, rows: Vec<[f64; 3]>) {
        match &self.scene.surface {
            SurfaceChoice::Model(model) => match model.with_rows(rows) {
                Ok(model) => {
                    // The view stays put while the data moves under it.
                    self.scene.domain = Some(self.scene.domain());
                    self.set_surface_quiet(SurfaceChoice::Model(model));
                }
                Err(e) => self.status = Some(format!("data: {e}")),
            },
            SurfaceChoice::Network(spec) => {
                let mut spec = spec.clone();
                spec.data = NetData::Points(rows);
                match spec.check() {
                    // `refresh_network` asks for the new build at the end of the frame.
                    Ok(()) => self.scene.surface = SurfaceChoice::Network(spec),
                    Err((field, e)) => self.status = Some(format!("network {field}: {e}")),
                }
            }
            _ => {}
        }
    }

    /// Start points, the selection, and the cloud.
    fn apply_starts(&mut self, command: Command) {
        match command {
            Command::AddStart(p) => {
                if self.scene.starts.len() < scene::MAX_STARTS && p.x.is_finite() && p.y.is_finite()
                {
                    self.scene.starts.push([p.x, p.y]);
                    self.selected = Some(self.scene.starts.len() - 1);
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
            Command::RemoveStart(i) if i < self.scene.starts.len() => {
                self.scene.starts.remove(i);
                self.selected = None;
            }
            Command::ClearStarts => {
                self.scene.starts.clear();
                self.selected = None;
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
                self.selected = None;
            }
            Command::Select(i) => self.selected = i,
            Command::SetCloud(cloud) => match cloud.map(|c| c.check()) {
                Some(Err(e)) => self.status = Some(format!("cloud: {e}")),
                _ => self.scene.cloud = cloud,
            },
            Command::CloudBlob(p) => {
                use crate::sim::run::cloud::{Cloud, CloudShape};
                let d = self.scene.domain();
                let sigma = 0.04 * d.width().hypot(d.height());
                let (count, seed) = self.scene.cloud.map_or((1000, 1), |c| (c.count, c.seed));
                let shape = CloudShape::Blob { centre: [p.x, p.y], sigma };
                self.apply(Command::SetCloud(Some(Cloud { count, seed, shape })));
                self.playback.reset();
            }
            _ => {}
        }
    }

    /// The timeline and its speed.
    fn apply_playback(&mut self, command: Command) {
        let last = self.last_step();
        match command {
            Command::TogglePlay => self.playback.toggle(last),
            Command::StepForward => self.playback.forward(last),
            Command::StepBack => self.playback.back(),
            Command::Seek(step) => self.playback.seek(step, last),
            Command::ResetPlayback => self.playback.reset(),
            Command::SetSpeed(speed) if speed.is_finite() => {
                self.scene.speed = speed.clamp(scene::SPEED_RANGE.0, scene::SPEED_RANGE.1);
            }
            _ => {}
        }
    }

    /// What is shown and how: the view, the projection, the theme, the panels and windows, the
    /// status line.
    fn apply_view(&mut self, command: Command) {
        match command {
            Command::ResetView => self.fit_view += 1,
            Command::SetView(view) => self.scene.view = *view,
            Command::SetProjection(projection) => self.scene.view.projection = projection,
            Command::ViewShown { bounds, frame, px } => {
                self.shown = Some(PlotTransform::new(frame, bounds, false));
                if let Some(ctx) = &self.waker {
                    self.field.request(ctx, &self.surface, bounds, px, &self.scene.view);
                }
            }
            Command::SetLight(light) => self.light = light,
            Command::SetPresenter(on) => {
                if let Some(ctx) = self.waker.clone() {
                    self.set_presenter(&ctx, on);
                }
            }
            Command::PinControls => self.controls_pinned = !self.controls_pinned,
            Command::Toggle(panel) => self.windows.set(panel, !self.windows.is_open(panel)),
            Command::Open(panel) => self.windows.set(panel, true),
            Command::Status(message) => self.status = Some(message),
            _ => {}
        }
    }

    /// Narration, basins, tuning and exports.
    fn apply_tools(&mut self, command: Command) {
        match command {
            Command::Narrate { optimizer, start } => {
                self.narration.pick = (optimizer, start);
                let step = self.playback.step;
                self.narration.refresh(&self.scene, &self.runs, &self.surface, step);
            }
            Command::SetBasins(settings) => self.basins.settings = settings,
            Command::ComputeBasins(domain) => {
                if let Some(ctx) = self.waker.clone() {
                    self.basins.start(&self.scene, &self.surface, domain, &ctx);
                }
            }
            Command::CancelBasins => self.basins.cancel(),
            Command::TuneLr(i) => {
                let wake = self.wake();
                if let Some(command) = self.tuner.request(&self.scene, &self.surface, i, wake) {
                    self.apply(command);
                }
            }
            Command::Export(what) => {
                if let Some(ctx) = self.waker.clone() {
                    let shown = export::OnScreen {
                        scene: &self.scene,
                        surface: &self.surface,
                        runs: &self.runs,
                        transform: self.shown,
                        step: self.playback.step,
                    };
                    self.exporter.export(&ctx, what, &shown);
                }
            }
            Command::SetExportSettings(settings) => self.exporter.settings = *settings,
            Command::PickFile => {
                if let Some(ctx) = &self.waker {
                    crate::platform::pick_file(ctx, opening::ACCEPT);
                }
            }
            Command::CopyLink => {
                let base =
                    crate::platform::page_url().unwrap_or_else(|| scene::link::PAGE_URL.to_owned());
                let link = scene::link::link(&base, &self.scene);
                self.status = Some(format!("link copied ({} characters)", link.len()));
                if let Some(ctx) = &self.waker {
                    crate::platform::copy_text(ctx, link);
                }
            }
            _ => {}
        }
    }

    fn set_surface_quiet(&mut self, choice: SurfaceChoice) {
        if choice.is_slow() {
            // Trained in the background (`refresh_network`); flat until then.
            self.surface = network::placeholder();
            self.surface_id += 1;
            self.formula.show(choice.label().to_owned());
            self.scene.surface = choice;
            return;
        }
        match choice.resolve() {
            Ok(surface) => {
                self.surface = surface;
                self.surface_id += 1;
                self.formula.show(self.surface.formula().to_owned());
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
        self.windows.side_panels = !on;
        let zoom = ctx.zoom_factor();
        ctx.set_zoom_factor(if on { zoom * PRESENTER_ZOOM } else { zoom / PRESENTER_ZOOM });
    }

    /// Everything a frame does before the panels draw: the theme, the jobs' results, the
    /// timeline, the formula box, the runs, cloud, narration, field and exports brought up to
    /// date.
    fn begin_frame(&mut self, ctx: &egui::Context) {
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
        if crate::jobs::run_slices(crate::jobs::FRAME_BUDGET) {
            ctx.request_repaint(); // Jobs waiting for slices (the browser) go on next frame.
        }
        self.refresh_network();
        self.poll_jobs();
        let dt = f64::from(ctx.input(|i| i.stable_dt));
        let last = self.last_step();
        self.playback.advance(dt, self.scene.speed, last);
        if self.playback.playing {
            playback::request_next_frame(ctx, self.runs.len());
        }
        if self.runs.progress().is_some() || self.critical.busy() {
            // Progress notes move while a job runs.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.apply_pending_formula(ctx);
        self.refresh_runs();
        self.refresh_cloud();
        if self.windows.narrate {
            let step = self.playback.step;
            self.narration.refresh(&self.scene, &self.runs, &self.surface, step);
        }
        self.field.poll(ctx);
        if let Some(message) = self.exporter.poll(ctx).pop() {
            self.status = Some(message);
        }
        if let Some(message) = self.basins.poll(ctx, &self.scene) {
            self.status = Some(message);
        }
        let teach_open = self.windows.teaching();
        if teach_open != self.teach_was_open {
            // The plot changes width: fit the domain to its new shape.
            self.teach_was_open = teach_open;
            self.fit_view += 1;
            // A new panel lays itself out over a frame or two: draw those now, not at the next
            // mouse move.
            ctx.request_repaint();
        }
    }

    /// What the panels read this frame, and the panels: borrowed apart, so that each panel
    /// draws while it reads the app.
    fn frame_parts<'a>(
        &'a mut self,
        critical: &'a [CriticalPoint],
    ) -> (Ctx<'a>, &'a mut panels::Panels) {
        let ctx = Ctx {
            last_step: self.last_step(),
            scene: &self.scene,
            surface: &self.surface,
            surface_id: self.surface_id,
            runs: &self.runs,
            cloud: &self.cloud,
            field: &self.field,
            playback: &self.playback,
            critical,
            narrate_pick: self.narration.pick,
            narration: self.narration.get().filter(|_| self.windows.narrate),
            basins: &self.basins,
            network: &self.network,
            formula: &self.formula,
            windows: &self.windows,
            status: self.status.as_deref(),
            export: &self.exporter.settings,
            exporting: self.exporter.busy(),
            shown: self.shown,
            selected: self.selected,
            fit_view: self.fit_view,
            light: self.light,
            presenter: self.presenter,
            controls_pinned: self.controls_pinned,
        };
        (ctx, &mut self.panels)
    }

    /// Files dropped on the window (or page) or picked, once their contents are in: each opens
    /// (a scene, or data for the lesson on screen) or says why not.
    fn open_files(&mut self, egui: &egui::Context) {
        let dropped = egui.input(|i| i.raw.dropped_files.clone());
        if !dropped.is_empty() {
            crate::platform::receive_dropped(egui, &dropped);
        }
        for file in crate::platform::take_opened() {
            match opening::command(file, &self.scene) {
                Ok((command, said)) => {
                    self.apply(command);
                    self.status = Some(said);
                }
                Err(why) => self.status = Some(why),
            }
        }
    }

    /// One frame of the whole UI. Public so tests and benchmarks can drive it headless.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let egui = ui.ctx().clone();
        self.begin_frame(&egui);
        self.open_files(&egui);
        // The race judges runs by the critical points even when they are not drawn.
        let critical = if self.scene.view.critical_points || self.windows.race {
            self.critical_points()
        } else {
            Arc::default()
        };
        let (ctx, panels) = self.frame_parts(&critical);
        let mut commands = keys::commands(&egui, &ctx);
        commands.extend(panels.show(ui, &ctx));
        for command in commands {
            self.apply(command);
        }
        self.refresh_runs();
    }
}

impl eframe::App for LosscapeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// The page's embedding hook reaches the app through this (`src/web.rs`).
    #[cfg(target_arch = "wasm32")]
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(&mut *self)
    }

    /// Remembers the scene, the export settings and the theme, so the next start opens where
    /// this one left off.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let session = Session {
            scene: self.scene.clone(),
            status: None,
            export: Some(self.exporter.settings.clone()),
            light: self.light,
        };
        session.store(storage);
    }
}

/// The app as the last session left it ([`Session::load`]), or on `scene` when one is given.
pub fn restore(storage: Option<&dyn eframe::Storage>, scene: Option<Scene>) -> LosscapeApp {
    let session = Session::load(storage, scene);
    let mut app = LosscapeApp::new(session.scene);
    if let Some(settings) = session.export {
        app.exporter.settings = settings;
    }
    app.light = session.light;
    app.status = session.status;
    app
}
