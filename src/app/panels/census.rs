//! The Census window: the lecture's claim measured on a real network (Dauphin et al. 2014,
//! Fig. 1). A person picks a data set, a small tanh network, the number of searches, the weight
//! decay and a seed; the census ([`crate::sim::net::census`]) runs in the background (progress,
//! Cancel; a newer run supersedes an older one) and the window plots the loss of every critical
//! point against its index, and the Hessian eigenvalue histograms of the lowest-loss and
//! highest-loss points with the Wigner semicircle of the same mean and spread over them.
//!
//! The panel owns its state and touches nothing of the app's: what it wants of the app it
//! returns as [`Command`]s.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, MarkerShape, Plot, PlotPoints, Points, Text, VLine};

use crate::app::component::{Component, Ctx};
use crate::app::{Command, Panel};
use crate::figure::census::spectrum;
use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced, TakesJob};
use crate::sim::net::census::{Census, CensusSettings, Found, MAX_STARTS, low_and_high};
use crate::sim::net::census_steps::CensusSteps;
use crate::sim::net::data::{Columns, Dataset};
use crate::sim::net::histogram::spectrum_range;
use crate::sim::net::{Architecture, Network};
use std::time::Duration;

/// What a census depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct CensusInputs {
    /// The data set.
    pub dataset: Dataset,
    /// Its number of points.
    pub points: usize,
    /// The network, `2-H[-H…]-K` (the window's data sets are 2-D), or several separated by
    /// commas (`2-6-1,2-12-1`), censused on the same data and shown side by side.
    pub net: String,
    /// Searches.
    pub starts: usize,
    /// Weight decay.
    pub weight_decay: f64,
    /// Seed of the data and of every start.
    pub seed: u64,
}

impl Default for CensusInputs {
    /// The census: 2-6-1 on 40 two-moons points, 80 starts, weight decay 1e-3, seed 3.
    fn default() -> Self {
        Self {
            dataset: Dataset::Moons,
            points: 40,
            net: "2-6-1".to_owned(),
            starts: 80,
            weight_decay: 1e-3,
            seed: 3,
        }
    }
}

/// The most networks one census compares.
pub const MAX_NETWORKS: usize = 3;

impl CensusInputs {
    /// The networks these inputs describe, each with its name.
    ///
    /// # Errors
    /// A message naming what is wrong (an architecture, its size, the data, too many networks).
    pub fn networks(&self) -> Result<Vec<(String, Network)>, String> {
        let names: Vec<&str> =
            self.net.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
        if names.is_empty() || names.len() > MAX_NETWORKS {
            return Err(format!("net: one to {MAX_NETWORKS} networks, separated by commas"));
        }
        names
            .into_iter()
            .map(|name| {
                let one = Self { net: name.to_owned(), ..self.clone() };
                one.network().map(|net| (name.to_owned(), net))
            })
            .collect()
    }

    /// The (first) network these inputs describe.
    ///
    /// # Errors
    /// A message naming what is wrong (the architecture, its size, the data).
    pub fn network(&self) -> Result<Network, String> {
        let name = self.net.split(',').next().unwrap_or("").trim();
        let arch = Architecture::parse(name).map_err(|e| e.to_string())?;
        crate::sim::net::census::check_params(arch.n_params())
            .map_err(|e| format!("net {name}: {e}"))?;
        let rows = self.dataset.generate(self.points, self.dataset.default_noise(), self.seed);
        Network::new(arch, rows, self.weight_decay).map_err(|e| format!("net {name}: {e}"))
    }
}

/// A census of each network of the inputs, named: what the window shows.
pub type Censuses = Vec<(String, Census)>;

/// The censuses of the networks asked for, one after the other, a few searches at a time
/// (between frames in the browser; on a thread of its own on the desktop, all at once).
struct CensusJob {
    /// The networks still to do, the next one last.
    nets: Vec<(String, Network)>,
    /// The one under way.
    now: Option<(String, CensusSteps)>,
    /// Those done, in the order asked.
    done: Censuses,
    settings: CensusSettings,
}

impl Sliced for CensusJob {
    type Output = Censuses;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        let units = budget.units();
        loop {
            let Some((name, steps)) = &mut self.now else {
                match self.nets.pop() {
                    Some((name, net)) => {
                        self.now = Some((name, CensusSteps::new(net, self.settings)));
                        continue;
                    }
                    None => return Ok(Some(std::mem::take(&mut self.done))),
                }
            };
            if let Some(census) = steps.advance(units, progress)? {
                self.done.push((std::mem::take(name), census));
                self.now = None;
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The Census window's state.
pub struct CensusPanel {
    /// The settings being edited.
    pub inputs: CensusInputs,
    /// The last census that finished (one per network, named), with its inputs and how long
    /// it took.
    result: Option<(CensusInputs, Censuses, f64)>,
    job: JobSlot<Censuses>,
    /// The inputs of the census under way.
    asked: Option<CensusInputs>,
    /// Why the last census could not run or failed.
    error: Option<String>,
}

impl Default for CensusPanel {
    fn default() -> Self {
        Self {
            inputs: CensusInputs::default(),
            result: None,
            job: JobSlot::new("census", Priority::Background),
            asked: None,
            error: None,
        }
    }
}

impl CensusPanel {
    /// The last census that finished and its inputs (the first network's, when it compared
    /// several).
    pub fn result(&self) -> Option<(&CensusInputs, &Census)> {
        self.result.as_ref().and_then(|(i, c, _)| c.first().map(|(_, c)| (i, c)))
    }

    /// Every network's census of the last run that finished, named, and its inputs.
    pub fn results(&self) -> Option<(&CensusInputs, &[(String, Census)])> {
        self.result.as_ref().map(|(i, c, _)| (i, c.as_slice()))
    }

    /// Whether a census is under way.
    pub fn busy(&self) -> bool {
        self.job.busy()
    }
}

impl TakesJob for CensusPanel {
    type Output = Censuses;
    type Taken = ();

    fn slot(&mut self) -> &mut JobSlot<Censuses> {
        &mut self.job
    }

    fn take(&mut self, outcome: Outcome<Censuses>, elapsed: Duration) -> Option<()> {
        let seconds = elapsed.as_secs_f64();
        match outcome {
            Outcome::Done(census) => {
                if let Some(inputs) = self.asked.take() {
                    self.result = Some((inputs, census, seconds));
                }
            }
            Outcome::Cancelled => self.asked = None,
            Outcome::Failed(e) => {
                self.asked = None;
                self.error = Some(e);
            }
        }
        None
    }
}

impl Component for CensusPanel {
    /// The window, when open; what it asks of the app.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        super::show_job_window(self, ui, ctx.windows.census)
    }
}

impl super::JobWindow for CensusPanel {
    const PANEL: Panel = Panel::Census;
    const TITLE: &'static str = "Saddle census: critical points of a real network";
    const MAX_SIZE: [f32; 2] = [1100.0, 860.0];

    fn shows(&self) -> bool {
        self.result.is_some() || self.error.is_some()
    }

    /// Starts a census of the current inputs in the background (superseding one under way).
    fn start(&mut self, ctx: &egui::Context) {
        let nets = match self.inputs.networks() {
            Ok(nets) => nets,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        self.error = None;
        let settings = CensusSettings::new(self.inputs.starts, self.inputs.seed);
        self.asked = Some(self.inputs.clone());
        let ctx = ctx.clone();
        let job = CensusJob {
            nets: nets.into_iter().rev().collect(),
            now: None,
            done: Vec::new(),
            settings,
        };
        self.job.request_sliced(move || ctx.request_repaint(), job);
    }

    fn contents(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.label(
            RichText::new(
                "Newton-type searches find points where the gradient is zero; each is placed by its \
                 loss and its index, the share of directions in which the loss goes down.",
            )
            .size(16.0),
        );
        self.settings_row(ui);
        ui.horizontal(|ui| {
            let stale = self.result.as_ref().is_none_or(|(i, ..)| *i != self.inputs);
            let run = egui::Button::new(RichText::new("▶ Run census").strong());
            if ui.add_enabled(stale || !self.job.busy(), run).clicked() {
                self.start(ui.ctx());
            }
            if let Some(done) = self.job.progress()
                && super::progress_with_cancel(ui, done, 200.0, "searching")
            {
                self.job.cancel();
                self.asked = None;
                commands.push(Command::Status("census cancelled".to_owned()));
            }
            if ui
                .button("📈 Random matrices (High-D)")
                .on_hover_text("The prediction: how rare minima are among random Hessians")
                .clicked()
            {
                commands.push(Command::Open(Panel::HighDim));
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(Color32::LIGHT_RED, e);
        }
        let Some((inputs, censuses, seconds)) = &self.result else {
            ui.label("searching for critical points…");
            return;
        };
        let many = censuses.len() > 1;
        for (k, (name, census)) in censuses.iter().enumerate() {
            // With several networks their marker shapes (saddle, minimum) lead each line: the
            // scatter then has no legend box over its points.
            let marks = if many { GLYPHS[k.min(MAX_NETWORKS - 1)] } else { "" };
            ui.label(
                RichText::new(format!(
                    "{marks}{name} on {} {} points: {} critical points — {} minima, {} saddles; {} of {} \
                     searches rejected (‖∇L‖ ≥ 1e-8: gradient-flat points, stalls)",
                    inputs.points,
                    inputs.dataset.name(),
                    census.points.len(),
                    census.minima(),
                    census.saddles(),
                    census.rejected(),
                    census.searches(),
                ))
                .strong(),
            );
        }
        ui.label(format!("{seconds:.1} s"));
        plots(ui, censuses);
        if let Some((census, pair)) =
            censuses.iter().find_map(|(_, c)| c.pairs.first().map(|p| (c, p)))
        {
            let (a, b) = (&census.points[pair.saddle], &census.points[pair.minimum]);
            ui.label(format!(
                "Dashed: stuck on a saddle (λ_min = {:.1e}), training is nearly as good as at the \
                 minimum beside it, {:.1e} lower in loss — a push along the negative direction \
                 and many more steps reach it.",
                a.min_eig(),
                a.loss - b.loss
            ));
        }
        ui.label(
            RichText::new(
                "If bad local minima were common, green dots (index 0) would sit high on the loss \
                 axis; instead almost every high point has directions down, and the few high minima \
                 of a small network vanish as it grows (try 2-12-1). Orange: the Wigner semicircle \
                 (random-matrix prediction) with the spectrum's own mean and spread.",
            )
            .italics(),
        );
    }
}

impl CensusPanel {
    fn settings_row(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label("data");
            egui::ComboBox::from_id_salt("census-data")
                .selected_text(self.inputs.dataset.name())
                .show_ui(ui, |ui| {
                    for d in Dataset::ALL.into_iter().filter(|d| d.columns() == Columns::X1X2Label)
                    {
                        ui.selectable_value(&mut self.inputs.dataset, d, d.name());
                    }
                });
            ui.add(egui::DragValue::new(&mut self.inputs.points).range(4..=2000).suffix(" points"));
            ui.label("net");
            ui.add(egui::TextEdit::singleline(&mut self.inputs.net).desired_width(110.0))
                .on_hover_text(
                    "2-H[-H…]-K: tanh hidden layers, K = 1 one logit out (K ≥ 2 class logits); \
                     2-6-1,2-12-1 compares two",
                );
            ui.label("starts");
            ui.add(egui::DragValue::new(&mut self.inputs.starts).range(1..=MAX_STARTS).speed(1.0));
            ui.label("weight decay");
            ui.add(
                egui::DragValue::new(&mut self.inputs.weight_decay)
                    .range(0.0..=1.0)
                    .speed(1e-4)
                    .max_decimals(5),
            );
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut self.inputs.seed));
        });
    }
}

const GREEN: Color32 = Color32::from_rgb(64, 208, 64);
const RED: Color32 = Color32::from_rgb(255, 80, 80);
const ORANGE: Color32 = Color32::from_rgb(240, 176, 64);
const BLUE: Color32 = Color32::from_rgb(106, 168, 255);

/// The scatter (every network's points) and the two histograms of each network.
fn plots(ui: &mut Ui, censuses: &[(String, Census)]) {
    // Sized from the screen, so the whole window (caption included) fits on a 1280 × 800 one.
    let screen_h = ui.ctx().content_rect().height();
    scatter(ui, censuses, (0.28 * screen_h).clamp(150.0, 420.0));
    histograms(ui, censuses, (0.2 * screen_h).clamp(110.0, 300.0));
}

/// The markers of the `k`-th network as text: saddle (red) and minimum (green).
const GLYPHS: [&str; MAX_NETWORKS] = ["● ◆  ", "■ ▲  ", "✕ ✚  "];

/// The markers of the `k`-th network: saddles, minima.
const SHAPES: [(MarkerShape, MarkerShape); MAX_NETWORKS] = [
    (MarkerShape::Circle, MarkerShape::Diamond),
    (MarkerShape::Square, MarkerShape::Up),
    (MarkerShape::Cross, MarkerShape::Plus),
];

/// The loss of every critical point of every network against its index (one marker shape per
/// network), each network's lowest and highest ringed.
fn scatter(ui: &mut Ui, censuses: &[(String, Census)], scatter_h: f32) {
    let all = || censuses.iter().flat_map(|(_, c)| &c.points);
    let index_hi = all().map(|p| p.index).fold(0.0_f64, f64::max).max(0.1) * 1.1;
    let loss_hi = all().map(|p| p.loss).filter(|l| l.is_finite()).fold(0.0, f64::max);
    let many = censuses.len() > 1;
    let plot = Plot::new("census-scatter");
    // One network: a legend names the markers; several: each summary line leads with them.
    let plot = if many {
        plot
    } else {
        plot.legend(Legend::default().position(egui_plot::Corner::LeftTop))
    };
    plot.height(scatter_h)
        .x_axis_label("index (share of negative Hessian eigenvalues)")
        .y_axis_label("loss")
        .include_x(-0.03 * index_hi)
        .include_x(index_hi)
        .include_y(0.0)
        .include_y(loss_hi * 1.12)
        .show(ui, |pui| {
            for (k, (name, census)) in censuses.iter().enumerate() {
                let named =
                    |what: &str| if many { format!("{name} {what}") } else { what.to_owned() };
                pair_lines(pui, census, k == 0);
                let (saddle_shape, minimum_shape) = SHAPES[k.min(MAX_NETWORKS - 1)];
                let of = |minimum: bool| -> Vec<[f64; 2]> {
                    census
                        .points
                        .iter()
                        .filter(|p| p.is_minimum() == minimum)
                        .map(|p| [p.index, p.loss])
                        .collect()
                };
                pui.points(
                    Points::new(named("saddle"), PlotPoints::from(of(false)))
                        .radius(5.0)
                        .color(RED)
                        .shape(saddle_shape),
                );
                pui.points(
                    Points::new(named("minimum"), PlotPoints::from(of(true)))
                        .radius(5.0)
                        .color(GREEN)
                        .shape(minimum_shape),
                );
                let Some((a, b)) = low_and_high(census) else { continue };
                let suffix = if many { format!("{}", k + 1) } else { String::new() };
                for (label, i) in [("A", a), ("B", b)] {
                    let p = &census.points[i];
                    pui.points(
                        // No name: the rings are labelled on the plot, not in the legend.
                        Points::new("", PlotPoints::from(vec![[p.index, p.loss]]))
                            .radius(9.0)
                            .filled(false)
                            .color(Color32::WHITE),
                    );
                    pui.text(
                        Text::new(
                            "",
                            egui_plot::PlotPoint::new(p.index + 0.012 * index_hi, p.loss),
                            RichText::new(format!("{label}{suffix}")).size(16.0).strong(),
                        )
                        .anchor(egui::Align2::LEFT_BOTTOM)
                        .color(Color32::WHITE),
                    );
                }
            }
        });
}

/// A saddle next to a minimum: stuck there, training is nearly as good (dashed to it).
fn pair_lines(pui: &mut egui_plot::PlotUi<'_>, census: &Census, named: bool) {
    for (k, pair) in census.pairs.iter().enumerate() {
        let (a, b) = (&census.points[pair.saddle], &census.points[pair.minimum]);
        let name = if k == 0 && named { "saddle → the minimum beside it" } else { "" };
        pui.line(
            Line::new(name, PlotPoints::from(vec![[a.index, a.loss], [b.index, b.loss]]))
                .color(Color32::LIGHT_GRAY)
                .style(egui_plot::LineStyle::dashed_dense()),
        );
    }
}

/// The Hessian spectra of each network's lowest-loss and highest-loss points, with their
/// semicircles, side by side on one eigenvalue range.
fn histograms(ui: &mut Ui, censuses: &[(String, Census)], hist_h: f32) {
    let many = censuses.len() > 1;
    let mut shown = Vec::new();
    for (k, (name, census)) in censuses.iter().enumerate() {
        let Some((a, b)) = low_and_high(census) else { continue };
        let (pa, pb) = (&census.points[a], &census.points[b]);
        let prefix = if many { format!("{name} ") } else { String::new() };
        let suffix = if many { format!("{}", k + 1) } else { String::new() };
        shown.push((format!("{prefix}A{suffix}: lowest loss"), pa, format!("spectrum-a{k}")));
        shown.push((format!("{prefix}B{suffix}: highest loss"), pb, format!("spectrum-b{k}")));
    }
    if shown.is_empty() {
        return;
    }
    let (lo, hi) = spectrum_range(shown.iter().map(|(_, p, _)| *p));
    ui.columns(shown.len(), |cols| {
        for (ui, (title, p, id)) in cols.iter_mut().zip(&shown) {
            histogram(ui, (title, p, id), (lo, hi), hist_h);
        }
    });
}

/// One point's spectrum: its title, bars (red below zero), semicircle and zero line.
fn histogram(ui: &mut Ui, (title, p, id): (&str, &Found, &str), (lo, hi): (f64, f64), hist_h: f32) {
    let (hist, curve) = spectrum(p, lo, hi);
    let predicted = curve
        .as_ref()
        .map_or(String::new(), |(sc, _)| format!(" (semicircle fit: {:.2})", sc.predicted_index()));
    ui.label(format!(
        "{title} {:.4}, {}/{} negative{predicted}",
        p.loss,
        p.negative,
        p.eigenvalues.len()
    ));
    let bars: Vec<Bar> = hist
        .counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(k, &c)| {
            let centre = hist.centre(k);
            Bar::new(centre, c as f64).width(0.9 * hist.width).fill(if centre < 0.0 {
                RED
            } else {
                BLUE
            })
        })
        .collect();
    Plot::new(id)
        .height(hist_h)
        .x_axis_label("Hessian eigenvalue")
        .y_axis_label("count")
        .include_y(0.0)
        .include_x(lo)
        .include_x(hi)
        .show(ui, |pui| {
            pui.bar_chart(BarChart::new("eigenvalues", bars).color(BLUE));
            if let Some((_, pts)) = curve {
                pui.line(Line::new("semicircle", PlotPoints::from(pts)).color(ORANGE).width(2.0));
            }
            pui.vline(VLine::new("zero", 0.0).color(Color32::GRAY));
        });
}
