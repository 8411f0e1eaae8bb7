//! The teaching panels: narrate one step of one run, race the optimizers, map basins of
//! attraction, and tune a learning rate. Each reads the scene and the runs and draws; the
//! numbers all come from `sim` (`narrate`, `metrics`, `basins`, `tune`).

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use egui_plot::{Line, PlotImage, PlotPoint, PlotUi};

use super::runs::Runs;
use super::style::{arrow, color};
use super::{Command, LosscapeApp, Panel};
use crate::jobs::{Cancelled, JobSlot, Outcome, Priority};
use crate::scene::Scene;
use crate::sim::basins::{BasinError, BasinJob, BasinMap};
use crate::sim::metrics::{Metrics, Standing, Thresholds, race};
use crate::sim::narrate::{Narration, narrate, num};
use crate::sim::{CriticalPoint, Domain, Dtype, Param, Point, SurfaceDef, tune};

/// What a race depends on: the runs' generation, the domain's bits, the critical points found.
type RaceKey = (u64, [u64; 4], usize);

/// What a narration depends on: optimizer, start, step, and the runs' generation.
type NarrationKey = (usize, usize, usize, u64);

/// State of the teaching panels.
#[derive(Default)]
pub struct Teach {
    /// Whether the narrate window is open.
    pub narrate_open: bool,
    /// Which optimizer (index in the scene) and start point the narrate window explains.
    pub narrate_pick: (usize, usize),
    /// Whether the race window is open.
    pub race_open: bool,
    /// Whether the basins section is open.
    pub basins_open: bool,
    /// The basin map.
    pub basins: Basins,
    /// The race of the last frame, by the runs' generation and the domain it was judged in.
    race_cache: Option<(RaceKey, Vec<Standing>)>,
    /// The learning-rate search under way.
    pub tune: JobSlot<TuneResult>,
    /// The narration of the last frame, by (optimizer, start, step, runs' generation).
    narration_cache: Option<(NarrationKey, Option<Narration>)>,
}

impl Teach {
    /// Brings the narration of the picked run up to `step` (replayed only when the pick, the
    /// step or the runs changed): once per frame, before anything draws it.
    pub fn refresh_narration(
        &mut self,
        scene: &Scene,
        runs: &Runs,
        surface: &SurfaceDef,
        step: usize,
    ) {
        if !self.narrate_open {
            return;
        }
        let (o, s) = self.narrate_pick;
        let key = (o, s, step, runs.generation);
        if self.narration_cache.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let n = compute_narration(scene, runs, surface, o, s, step);
        self.narration_cache = Some((key, n));
    }

    /// The narration of the picked run at the current step, when the window is open.
    pub fn narration(&self) -> Option<&Narration> {
        self.narration_cache.as_ref().filter(|_| self.narrate_open)?.1.as_ref()
    }

    /// The teaching side panel: the open sections one under the other.
    pub fn panel_ui(
        &mut self,
        ui: &mut Ui,
        app: &LosscapeApp,
        critical: &[CriticalPoint],
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.narrate_open {
            commands.extend(self.narrate_ui(ui, app));
            ui.separator();
        }
        if self.race_open {
            commands.extend(self.race_ui(ui, app, critical));
            ui.separator();
        }
        if self.basins_open {
            commands.extend(self.basins_ui(ui, app));
        }
        commands
    }
}

/// The narration of run `(o, s)` at `step`: the run replayed from its start (exact, and only
/// once per change of step: [`Teach::refresh_narration`] keeps it).
fn compute_narration(
    scene: &Scene,
    runs: &Runs,
    surface: &SurfaceDef,
    o: usize,
    s: usize,
    step: usize,
) -> Option<Narration> {
    let entry = scene.optimizers.get(o).filter(|e| e.enabled)?;
    let start = scene.starts.get(s)?;
    let run = runs.table.get(o)?.as_ref()?.get(s)?;
    // The update from the point on screen; at the end of the run, its last update.
    let last_update = run.last_step().checked_sub(1)?;
    let step = step.min(last_update);
    narrate(surface, &entry.spec, Point::new(start[0], start[1]), entry.noise, step)
}

/// A section heading with a close button, which asks to close `panel`.
fn heading(ui: &mut Ui, title: &str, panel: Panel) -> Option<Command> {
    let mut close = None;
    ui.horizontal(|ui| {
        ui.heading(title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✖").on_hover_text("Close").clicked() {
                close = Some(Command::Toggle(panel));
            }
        });
    });
    close
}

impl Teach {
    /// The narrate section: pick a run, read its update at the current step.
    fn narrate_ui(&mut self, ui: &mut Ui, app: &LosscapeApp) -> Option<Command> {
        let close = heading(ui, "🔎 Inside the optimizer", Panel::Narrate);
        let (mut o, mut s) = self.narrate_pick;
        ui.horizontal(|ui| {
            let label = |i: usize| {
                app.scene.optimizers.get(i).map_or_else(|| "—".to_owned(), |e| e.label())
            };
            egui::ComboBox::from_id_salt("narrate-optimizer").selected_text(label(o)).show_ui(
                ui,
                |ui| {
                    for (i, e) in app.scene.optimizers.iter().enumerate() {
                        if e.enabled {
                            ui.selectable_value(&mut o, i, e.label());
                        }
                    }
                },
            );
            egui::ComboBox::from_id_salt("narrate-start")
                .selected_text(format!("start {}", s + 1))
                .show_ui(ui, |ui| {
                    for i in 0..app.scene.starts.len() {
                        ui.selectable_value(&mut s, i, format!("start {}", i + 1));
                    }
                });
            ui.label("← → step through");
        });
        if (o, s) != self.narrate_pick {
            self.narrate_pick = (o, s);
            self.refresh_narration(&app.scene, &app.runs, app.surface(), app.playback.step);
        }
        ui.separator();
        match self.narration() {
            Some(n) => {
                for line in n.lines() {
                    ui.label(RichText::new(line).monospace().size(16.0));
                }
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(GRADIENT, "━ −∇f (downhill)");
                    ui.colored_label(MOMENTUM, "━ momentum");
                    ui.colored_label(STEP, "━ the step taken");
                    if n.effective_lr.is_some() {
                        ui.colored_label(ELLIPSE, "◯ per-axis step size ‖g‖·lr/(√v′+ε)");
                        ui.colored_label(GD_CIRCLE, "◯ GD's step lr·‖g‖");
                    }
                });
            }
            None => {
                ui.label("Switch the optimizer on and drop a start point to narrate its run.");
            }
        }
        close
    }
}

const GRADIENT: Color32 = Color32::from_rgb(0x7f, 0xd8, 0xff);
const MOMENTUM: Color32 = Color32::from_rgb(0xff, 0xd7, 0x40);
const STEP: Color32 = Color32::from_rgb(0xff, 0xff, 0xff);
const ELLIPSE: Color32 = Color32::from_rgb(0xff, 0x8a, 0xd8);
const GD_CIRCLE: Color32 = Color32::from_rgb(0xaa, 0xaa, 0xaa);

/// Draws the narrated step at its point: −∇f and the momentum as arrows of fixed screen length
/// (their size is in the window's numbers), the step taken at its true size, and for the
/// adaptive methods the per-axis step size as an ellipse beside GD's circle.
pub fn draw_narration(pui: &mut PlotUi, n: &Narration, px: [f64; 2]) {
    let p = n.point;
    let screen = 70.0 * px[0].max(px[1]);
    let unit = |v: crate::sim::Gradient| {
        let norm = v.norm();
        (norm.is_finite() && norm > 0.0).then(|| v / norm)
    };
    if let Some(d) = unit(-n.g) {
        arrow(pui, "", p, p + d * screen, GRADIENT, 3.0, px);
    }
    use crate::sim::OptimizerKind as K;
    let momentum = match n.spec.kind() {
        K::Momentum | K::Nesterov | K::Adamax => Some(-n.after.m),
        // SGD's and RMSprop's buffer, when there is one (OneCycle switches it on for gd).
        K::Gd | K::Rmsprop if n.coefs.momentum > 0.0 => Some(-n.after.m),
        K::Adam | K::Adamw | K::Nadam | K::Radam => n.m_hat.map(|m| -m),
        _ => None,
    };
    if let Some(d) = momentum.and_then(unit) {
        arrow(pui, "", p, p + d * (0.8 * screen), MOMENTUM, 3.0, px);
    }
    if n.next.x.is_finite() && n.next.y.is_finite() {
        arrow(pui, "", p, n.next, STEP, 2.5, px);
    }
    if let Some(e) = n.effective_lr {
        let g = n.g.norm();
        let ring = |rx: f64, ry: f64| -> Vec<[f64; 2]> {
            (0..=72)
                .map(|k| {
                    let a = std::f64::consts::TAU * f64::from(k) / 72.0;
                    [p.x + rx * a.cos(), p.y + ry * a.sin()]
                })
                .collect()
        };
        pui.line(
            Line::new("", ring(e.x * g, e.y * g)).color(ELLIPSE).width(2.0).allow_hover(false),
        );
        let lr = n.coefs.lr * g;
        pui.line(
            Line::new("", ring(lr, lr))
                .color(GD_CIRCLE)
                .width(1.5)
                .style(egui_plot::LineStyle::dashed_dense())
                .allow_hover(false),
        );
    }
}

/// The race of the enabled optimizers over the scene's start points, best first, with each
/// entry's metrics per run.
pub fn standings(
    scene: &Scene,
    surface: &SurfaceDef,
    runs: &Runs,
    critical: &[CriticalPoint],
) -> Vec<Standing> {
    let thresholds = Thresholds::for_surface(surface, &scene.domain());
    let entries: Vec<(usize, Vec<Metrics>)> = scene
        .optimizers
        .iter()
        .enumerate()
        .filter(|(_, e)| e.enabled)
        .filter_map(|(i, _)| {
            let runs = runs.table.get(i)?.as_ref()?;
            Some((
                i,
                runs.iter()
                    .map(|r| Metrics::of_thinned(&r.trajectory, r.stride, critical, &thresholds))
                    .collect(),
            ))
        })
        .collect();
    race(&entries)
}

impl Teach {
    /// The race section: a table ranking the enabled optimizers (judged once per change of the
    /// runs, the domain or the critical points).
    fn race_ui(
        &mut self,
        ui: &mut Ui,
        app: &LosscapeApp,
        critical: &[CriticalPoint],
    ) -> Option<Command> {
        let d = app.scene.domain();
        let key = (
            app.runs.generation,
            [d.x_min, d.x_max, d.y_min, d.y_max].map(f64::to_bits),
            critical.len(),
        );
        let standings = match self.race_cache.take() {
            Some((k, standings)) if k == key => standings,
            _ => standings(&app.scene, app.surface(), &app.runs, critical),
        };
        let close = heading(ui, "🏁 Race", Panel::Race);
        ui.label(format!(
            "{} start point(s), {} steps. Ranked by runs at a minimum, then steps to get there, \
             then final loss. Flat: ‖∇f‖ under 0.1% of its largest value here.",
            app.scene.starts.len(),
            app.scene.steps
        ));
        egui::Grid::new("race").striped(true).spacing([14.0, 6.0]).show(ui, |ui| {
            for (h, tip) in [
                ("#", "rank"),
                ("optimizer", ""),
                ("at min", "runs that reached a minimum, of all runs"),
                (
                    "steps",
                    "mean steps until within reach of a minimum, over the runs that got there",
                ),
                ("flat", "mean steps spent flat (on a plateau or near a saddle), not at a minimum"),
                ("final f", "mean final loss over the runs that did not diverge"),
                ("end", "how the runs ended"),
            ] {
                let r = ui.label(RichText::new(h).strong());
                if !tip.is_empty() {
                    r.on_hover_text(tip);
                }
            }
            ui.end_row();
            for (rank, s) in standings.iter().enumerate() {
                let Some(entry) = app.scene.optimizers.get(s.entry) else { continue };
                ui.label(format!("{}", rank + 1));
                ui.label(RichText::new(entry.label()).color(color(entry.color)).strong());
                ui.label(format!("{} / {}", s.converged, s.runs));
                ui.label(s.mean_steps_to_minimum.map_or("—".to_owned(), |v| format!("{v:.0}")));
                ui.label(format!("{:.0}", s.mean_flat_steps));
                ui.label(s.mean_final_loss.map_or("—".to_owned(), num));
                let status: Vec<String> =
                    s.statuses.iter().map(|(st, n)| format!("{n} {}", st.short())).collect();
                let long: Vec<String> =
                    s.statuses.iter().map(|(st, n)| format!("{n} {}", st.label())).collect();
                ui.label(status.join(", ")).on_hover_text(long.join(", "));
                ui.end_row();
            }
        });
        self.race_cache = Some((key, standings));
        close
    }
}

/// What a tune job hands back: which optimizer, its settings when asked, the search.
pub type TuneResult = (usize, crate::sim::OptimizerSpec, Option<tune::Tuned>);

/// Starts tuning optimizer `i`'s learning rate over the scene's starts and steps in the
/// background (a newer request cancels an older one); [`finish_tune`] applies the result.
pub fn tune_optimizer(app: &mut LosscapeApp, i: usize) {
    let starts: Vec<Point> = app.scene.start_points().collect();
    let Some(entry) = app.scene.optimizers.get(i) else { return };
    if starts.is_empty() {
        app.status = Some("tune lr: drop a start point first".to_owned());
        return;
    }
    let (spec, steps, surface) = (entry.spec, app.scene.steps, app.surface().clone());
    let wake = app.wake();
    app.teach.tune.request(wake, move |progress| {
        tune::tune_lr_with(&surface, &spec, &starts, steps, progress).map(|t| (i, spec, t))
    });
    app.status = Some(format!("tuning the learning rate of {}…", entry.label()));
}

/// Applies a finished tune job: sets the rate found, if the optimizer is still as it was when
/// the search began, and says what it did.
pub fn finish_tune(app: &mut LosscapeApp) {
    let Some((outcome, _)) = app.teach.tune.poll() else { return };
    let (i, spec, tuned) = match outcome {
        Outcome::Done(done) => done,
        Outcome::Cancelled => return,
        Outcome::Failed(e) => {
            app.status = Some(format!("tune lr failed: {e}"));
            return;
        }
    };
    let Some(entry) = app.scene.optimizers.get_mut(i).filter(|e| e.spec == spec) else {
        app.status = Some("tune lr: the optimizer changed meanwhile; not applied".to_owned());
        return;
    };
    let label = entry.label();
    match tuned {
        Some(t) => {
            let _ = entry.spec.set(Param::Lr, t.lr);
            app.status = Some(format!(
                "{label}: lr {} → {} (mean final loss {} over {} start(s) after {} steps; {} rates tried)",
                num(spec.lr()),
                num(t.lr),
                num(t.mean_loss),
                app.scene.starts.len(),
                app.scene.steps,
                t.tried.len()
            ));
        }
        None => app.status = Some(format!("{label}: every learning rate tried diverged")),
    }
}

/// The basin map: settings, the worker computing it, and the texture of the result.
pub struct Basins {
    /// The optimizer mapped (index in the scene).
    pub optimizer: usize,
    /// A second optimizer to compare with: the overlay shows where they end differently.
    pub compare: Option<usize>,
    /// Cells per side.
    pub grid: usize,
    /// The type the runs compute in (`f32` is about twice as fast).
    pub dtype: Dtype,
    /// Whether the overlay is drawn.
    pub show: bool,
    /// Opacity of the overlay.
    pub opacity: f32,
    job: JobSlot<Result<Maps, String>>,
    /// The last map computed.
    pub result: Option<BasinResult>,
}

impl Default for Basins {
    fn default() -> Self {
        Self {
            optimizer: 0,
            compare: None,
            grid: 160,
            dtype: Dtype::Float64,
            show: true,
            opacity: 0.6,
            job: JobSlot::new("basins", Priority::Background),
            result: None,
        }
    }
}

type Maps = (BasinMap, Option<BasinMap>);

/// A computed map, ready to draw.
pub struct BasinResult {
    /// The map of the first optimizer.
    pub map: Arc<BasinMap>,
    /// The map of the second, when comparing.
    pub other: Option<Arc<BasinMap>>,
    /// Cells where the two end differently.
    pub differ: usize,
    /// The picture.
    pub texture: egui::TextureHandle,
    /// Legend: what each colour means.
    pub legend: Vec<(String, Color32)>,
}

impl Basins {
    /// Whether a map is being computed.
    pub fn busy(&self) -> bool {
        self.job.busy()
    }

    /// Starts computing over `domain` (the current view), cancelling any computation under way.
    pub fn start(
        &mut self,
        app_scene: &crate::scene::Scene,
        surface: &crate::sim::SurfaceDef,
        domain: Domain,
        ctx: &egui::Context,
    ) {
        self.cancel();
        let Some(a) = app_scene.optimizers.get(self.optimizer) else { return };
        let b = self.compare.and_then(|i| app_scene.optimizers.get(i)).map(|e| e.spec);
        let job = BasinJob {
            surface: surface.clone(),
            spec: a.spec,
            domain,
            grid: self.grid,
            steps: app_scene.steps,
            dtype: self.dtype,
        };
        let ctx = ctx.clone();
        self.job.request(
            move || ctx.request_repaint(),
            move |p| {
                let run = |job: BasinJob| match job.run(p) {
                    Ok(map) => Ok(Ok(map)),
                    Err(BasinError::Cancelled) => Err(Cancelled),
                    Err(e) => Ok(Err(e.to_string())),
                };
                let other = b.map(|spec| BasinJob { spec, ..job.clone() });
                let first = match run(job)? {
                    Ok(map) => map,
                    Err(e) => return Ok(Err(e)),
                };
                let second = match other.map(run).transpose()? {
                    Some(Err(e)) => return Ok(Err(e)),
                    Some(Ok(map)) => Some(map),
                    None => None,
                };
                Ok(Ok((first, second)))
            },
        );
    }

    /// Stops the computation under way, if any (its rows in hand finish in the background).
    pub fn cancel(&mut self) {
        self.job.cancel();
    }

    /// Fraction done of the computation under way.
    pub fn progress(&self) -> Option<f32> {
        self.job.progress()
    }

    /// Picks up a finished computation; returns a message for the status line.
    pub fn poll(&mut self, ctx: &egui::Context, scene: &crate::scene::Scene) -> Option<String> {
        let Some((outcome, elapsed)) = self.job.poll() else {
            if self.job.busy() {
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
            }
            return None;
        };
        let seconds = elapsed.as_secs_f64();
        let labels = crate::figure::legend_labels(scene);
        match outcome {
            Outcome::Done(Ok((map, other))) => {
                let alpha = (self.opacity.clamp(0.0, 1.0) * 255.0) as u8;
                let n = map.job.grid;
                let name =
                    |i: Option<usize>| i.and_then(|i| labels.get(i)).cloned().unwrap_or_default();
                let (rgba, differ, legend) = match &other {
                    Some(b) => {
                        let (rgba, differ) =
                            crate::figure::basins::difference_rgba(&map, b, alpha.max(200));
                        let share = 100.0 * differ as f64 / (n * n) as f64;
                        let text = format!(
                            "{} and {} end in different places: {share:.1}% of the view",
                            name(Some(self.optimizer)),
                            name(self.compare)
                        );
                        (rgba, differ, vec![(text, color(crate::figure::basins::DIFFERENT))])
                    }
                    None => {
                        let legend = crate::figure::basins::legend(&map)
                            .into_iter()
                            .map(|(l, c)| (l, color(c)))
                            .collect();
                        (crate::figure::basins::rgba(&map, alpha), 0, legend)
                    }
                };
                let image = egui::ColorImage::from_rgba_unmultiplied([n, n], &rgba);
                let texture = ctx.load_texture("basins", image, egui::TextureOptions::NEAREST);
                let message = format!(
                    "basins of {} computed in {:.2} s ({})",
                    name(Some(self.optimizer)),
                    seconds,
                    map.job.dtype
                );
                self.result = Some(BasinResult {
                    map: Arc::new(map),
                    other: other.map(Arc::new),
                    differ,
                    texture,
                    legend,
                });
                self.show = true;
                Some(message)
            }
            Outcome::Cancelled => Some("basin map cancelled".to_owned()),
            Outcome::Done(Err(e)) => Some(format!("basin map: {e}")),
            Outcome::Failed(e) => Some(format!("basin map failed: {e}")),
        }
    }

    /// Draws the map over the heatmap.
    pub fn draw(&self, pui: &mut PlotUi) {
        let Some(r) = self.result.as_ref().filter(|_| self.show) else { return };
        let d = r.map.job.domain;
        let centre = PlotPoint::new((d.x_min + d.x_max) / 2.0, (d.y_min + d.y_max) / 2.0);
        let size = egui::Vec2::new(d.width() as f32, d.height() as f32);
        pui.image(PlotImage::new("", r.texture.id(), centre, size).allow_hover(false));
    }
}

impl Teach {
    /// The basins section of the teaching panel.
    fn basins_ui(&mut self, ui: &mut Ui, app: &LosscapeApp) -> Option<Command> {
        let labels = crate::figure::legend_labels(&app.scene);
        let close = heading(ui, "🗺 Basins of attraction", Panel::Basins);
        {
            {
                ui.label(
                    RichText::new("Colour every point of the view by where a run from it ends.")
                        .small(),
                );
                let b = &mut self.basins;
                // Start on an optimizer that is on screen.
                let on = |i: usize| app.scene.optimizers.get(i).is_some_and(|o| o.enabled);
                if !on(b.optimizer)
                    && let Some(first) = (0..app.scene.optimizers.len()).find(|&i| on(i))
                {
                    b.optimizer = first;
                }
                let name = |i: usize| labels.get(i).cloned().unwrap_or_default();
                ui.horizontal(|ui| {
                    ui.label("optimizer");
                    egui::ComboBox::from_id_salt("basins-a")
                        .selected_text(name(b.optimizer))
                        .show_ui(ui, |ui| {
                            for i in 0..labels.len() {
                                ui.selectable_value(&mut b.optimizer, i, name(i));
                            }
                        });
                });
                ui.horizontal(|ui| {
                    ui.label("differs from");
                    let text = b.compare.map_or("—".to_owned(), name);
                    egui::ComboBox::from_id_salt("basins-b").selected_text(text).show_ui(
                        ui,
                        |ui| {
                            ui.selectable_value(&mut b.compare, None, "—");
                            for i in 0..labels.len() {
                                ui.selectable_value(&mut b.compare, Some(i), name(i));
                            }
                        },
                    );
                });
                ui.horizontal(|ui| {
                    ui.add(
                        egui::Slider::new(&mut b.grid, 32..=512)
                            .logarithmic(true)
                            .text("cells a side"),
                    );
                });
                ui.horizontal(|ui| {
                ui.label("precision");
                for dtype in Dtype::ALL {
                    ui.selectable_value(&mut b.dtype, dtype, dtype.name()).on_hover_text(
                        match dtype {
                            Dtype::Float64 => "double precision: each cell ends exactly where its trajectory on screen does",
                            Dtype::Float32 => "single precision, PyTorch's default dtype: about twice as fast; cells on a basin boundary may differ",
                        },
                    );
                }
            });
                let view = app.plot.bounds.map_or(app.scene.domain(), |bounds| {
                    let (lo, hi) = (bounds.min(), bounds.max());
                    Domain::new(lo[0], hi[0], lo[1], hi[1]).unwrap_or(app.scene.domain())
                });
                let mut compute = false;
                ui.horizontal(|ui| {
                    let busy = b.busy();
                    if !busy
                        && ui
                            .button("Compute")
                            .on_hover_text("over the current view, on all cores")
                            .clicked()
                    {
                        compute = true;
                    } else if busy && ui.button("Cancel").clicked() {
                        b.cancel();
                    }
                    if let Some(f) = b.progress() {
                        ui.add(egui::ProgressBar::new(f).show_percentage().desired_width(120.0));
                    }
                    if b.result.is_some() {
                        ui.checkbox(&mut b.show, "show");
                    }
                });
                if let Some(r) = b.result.as_ref().filter(|_| !b.busy()) {
                    // The map stays where it was computed; say so when the view has moved on.
                    let d = r.map.job.domain;
                    let tolerance = 0.01 * d.width().hypot(d.height());
                    let moved = [
                        (d.x_min, view.x_min),
                        (d.x_max, view.x_max),
                        (d.y_min, view.y_min),
                        (d.y_max, view.y_max),
                    ]
                    .iter()
                    .any(|(a, b)| (a - b).abs() > tolerance);
                    if moved {
                        ui.label(
                            RichText::new(
                                "The view has moved since this map: Compute maps the new one.",
                            )
                            .italics()
                            .weak(),
                        );
                    }
                }
                if compute {
                    self.basins.start(&app.scene, app.surface(), view, ui.ctx());
                }
                if let Some(r) = self.basins.result.as_ref().filter(|_| self.basins.show) {
                    for (label, c) in &r.legend {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new("■").color(*c).size(18.0));
                            ui.label(label);
                        });
                    }
                }
            }
        }
        close
    }
}
