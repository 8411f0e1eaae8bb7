//! The Spectrum window: the lecture's claim at the scale it is about. A real network (digits,
//! 1 797 images, a `64-H-…-10` tanh network; or a `2-H-…-1` network on points in the plane) is
//! trained, and at chosen steps of training its
//! Hessian's eigenvalue density is estimated by stochastic Lanczos quadrature
//! ([`crate::sim::net::spectrum`]); the window draws the densities on a symmetric-log axis and
//! the share of negative directions against the loss (Dauphin et al. 2014, Fig. 1, at the
//! scale of a real network). The work is a [`Sliced`] job: a training step or one
//! Hessian-vector product a unit, so the page computes it between frames and Cancel is heard at
//! once; a newer request supersedes an older one.
//!
//! The panel owns its state and returns [`Command`]s.

use egui::{Color32, RichText, Ui};
use egui_plot::{
    HoverPosition, Legend, Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points, VLine,
};

use crate::app::component::{Component, Ctx};
use crate::app::{Command, Panel};
use crate::figure::spectrum::{DensityCurves, density_curves, step_color};
use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced, TakesJob};
use crate::sim::OptimizerSpec;
use crate::sim::net::data::{Columns, Dataset};
use crate::sim::net::spectrum::{
    Along, DEFAULT_FLAT, Labelled, Loss, Sample, SpectrumError, SpectrumSettings, SpectrumSteps,
    Widths, digits, init,
};
use std::time::Duration;

/// The data the window's network trains on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SpectrumData {
    /// The 1 797 handwritten digits (64 features, 10 classes).
    Digits,
    /// A built-in set of labelled points in the plane (2 features, labels 0/1), drawn with the
    /// window's seed.
    Plane {
        /// The data set.
        name: Dataset,
        /// How many points.
        points: usize,
    },
}

impl SpectrumData {
    /// The labelled rows.
    fn labelled(self, seed: u64) -> Result<Labelled, String> {
        match self {
            SpectrumData::Digits => Ok(digits()),
            SpectrumData::Plane { name, points } => {
                Labelled::from_rows(&name.generate(points.max(1), name.default_noise(), seed))
                    .map_err(|e| format!("data: {e}"))
            }
        }
    }

    /// What the data are, for a choice or a message.
    fn describe(self) -> String {
        match self {
            SpectrumData::Digits => "digits (1 797 × 64, 10 classes)".to_owned(),
            SpectrumData::Plane { name, points } => format!("{} ({points} points)", name.name()),
        }
    }
}

/// What a spectrum along training depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectrumInputs {
    /// The data.
    pub data: SpectrumData,
    /// The network `D-H[-H…]-K` (`64-H…-10` on the digits, `2-H…-1` in the plane).
    pub net: String,
    /// The training optimizer, `adam:lr=0.01`.
    pub optimizer: String,
    /// Full-batch training steps.
    pub train_steps: usize,
    /// The steps of training to estimate at, comma-separated (`0,10,300`).
    pub at: String,
    /// Lanczos steps per probe.
    pub lanczos: usize,
    /// Rademacher probes.
    pub probes: usize,
    /// Seed of the initialisation and of the probes.
    pub seed: u64,
}

impl Default for SpectrumInputs {
    /// The lesson "a real network's Hessian": 64-32-10 (2 410 parameters) on the digits,
    /// Adam, spectra at the start, early (step 10) and late (step 300) in training.
    fn default() -> Self {
        Self {
            data: SpectrumData::Digits,
            net: "64-32-10".to_owned(),
            optimizer: "adam:lr=0.01".to_owned(),
            train_steps: 300,
            at: "0,10,300".to_owned(),
            lanczos: 60,
            probes: 4,
            seed: 0,
        }
    }
}

/// What the class sees, under the window's title.
pub const CAPTION: &str = "A real network (64-32-10 on 1 797 handwritten digits) and its \
    Hessian at three moments of training. At the start, high loss: a visible share of the \
    eigenvalues is negative, directions that lead down. As the loss falls the negative share \
    shrinks; most eigenvalues sit in a flat bulk near zero. The bad points are saddles.";

/// The most parameters the window trains and estimates (a few seconds natively; the command
/// line takes networks of 10⁵ parameters).
pub const MAX_WINDOW_PARAMS: usize = 200_000;

impl SpectrumInputs {
    /// The loss, θ₀ and settings these inputs describe.
    ///
    /// # Errors
    /// A message naming the input that is wrong.
    pub fn problem(&self) -> Result<(Loss, Vec<f64>, SpectrumSettings), String> {
        let widths = Widths::parse(self.net.trim()).map_err(|e| format!("net: {e}"))?;
        let n = widths.n_params();
        if n > MAX_WINDOW_PARAMS {
            return Err(format!(
                "net: {n} parameters; the window takes at most {MAX_WINDOW_PARAMS} (the command \
                 line `losscape spectrum` takes more)"
            ));
        }
        let data = self.data.labelled(self.seed)?;
        let classes = data.classes();
        let outputs_fit =
            widths.outputs() == classes.max(2) || (widths.outputs() == 1 && classes <= 2);
        if widths.inputs() != data.features() || !outputs_fit {
            let last = if classes <= 2 { "1 (or 2)".to_owned() } else { classes.to_string() };
            return Err(format!(
                "net: the {} have {} features and {classes} classes: the network is {}-…-{last}",
                self.data.describe(),
                data.features(),
                data.features(),
            ));
        }
        let loss = Loss::new(widths, data, 0.0).map_err(|e| e.to_string())?;
        let optimizer: OptimizerSpec =
            self.optimizer.trim().parse().map_err(|e| format!("optimizer: {e}"))?;
        let mut at = Vec::new();
        for part in self.at.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let step =
                part.parse::<usize>().map_err(|_| format!("steps: '{part}' is not a step"))?;
            at.push(step);
        }
        let settings = SpectrumSettings {
            at,
            lanczos: self.lanczos,
            probes: self.probes,
            ..SpectrumSettings::new(optimizer, self.train_steps, self.seed)
        };
        settings.check(&loss).map_err(|e| e.to_string())?;
        let theta0 = init(loss.widths(), self.seed);
        Ok((loss, theta0, settings))
    }
}

/// The training and its spectra, a unit at a time.
struct SpectrumJob {
    steps: SpectrumSteps,
}

impl Sliced for SpectrumJob {
    type Output = Result<Along, String>;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        // One unit (a training step, a Hessian-vector product) at a time, so that a slice ends
        // soon after its budget even for a large network.
        let units = if budget.is_whole() { usize::MAX } else { 1 };
        loop {
            match self.steps.advance(units, progress) {
                Ok(Some(along)) => return Ok(Some(Ok(along))),
                Ok(None) => {}
                Err(SpectrumError::Cancelled) => return Err(crate::jobs::Cancelled),
                Err(e) => return Ok(Some(Err(e.to_string()))),
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The Spectrum window's state.
pub struct SpectrumPanel {
    /// The settings being edited.
    pub inputs: SpectrumInputs,
    /// The last spectra that finished, with their inputs, title and seconds.
    /// The densities' curves are computed once, when the spectra arrive, not every frame.
    result: Option<(SpectrumInputs, Along, String, f64, DensityCurves)>,
    job: JobSlot<Result<Along, String>>,
    /// The inputs of the job under way, and the title they give.
    asked: Option<(SpectrumInputs, String)>,
    /// Why the last request could not run or failed.
    error: Option<String>,
}

impl Default for SpectrumPanel {
    fn default() -> Self {
        Self {
            inputs: SpectrumInputs::default(),
            result: None,
            job: JobSlot::new("spectrum", Priority::Background),
            asked: None,
            error: None,
        }
    }
}

impl SpectrumPanel {
    /// The last spectra that finished and their inputs.
    pub fn result(&self) -> Option<(&SpectrumInputs, &Along)> {
        self.result.as_ref().map(|(i, a, ..)| (i, a))
    }

    /// Whether a computation is under way.
    pub fn busy(&self) -> bool {
        self.job.busy()
    }

    /// The message of the last request that could not run or failed.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

impl TakesJob for SpectrumPanel {
    type Output = Result<Along, String>;
    type Taken = ();

    fn slot(&mut self) -> &mut JobSlot<Result<Along, String>> {
        &mut self.job
    }

    fn take(&mut self, outcome: Outcome<Result<Along, String>>, elapsed: Duration) -> Option<()> {
        let seconds = elapsed.as_secs_f64();
        let asked = self.asked.take();
        match outcome {
            Outcome::Done(Ok(along)) => {
                if let Some((inputs, title)) = asked {
                    let curves = density_curves(&along.samples, DEFAULT_FLAT);
                    self.result = Some((inputs, along, title, seconds, curves));
                }
            }
            Outcome::Done(Err(e)) | Outcome::Failed(e) => self.error = Some(e),
            Outcome::Cancelled => {}
        }
        None
    }
}

impl Component for SpectrumPanel {
    /// The window, when open; what it asks of the app.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        super::show_job_window(self, ui, ctx.windows.spectrum)
    }
}

impl super::JobWindow for SpectrumPanel {
    const PANEL: Panel = Panel::Spectrum;
    const TITLE: &'static str = "A real network's Hessian: its spectrum along training";
    const MAX_SIZE: [f32; 2] = [1200.0, 860.0];

    fn shows(&self) -> bool {
        self.result.is_some() || self.error.is_some()
    }

    /// Starts the computation of the current inputs (superseding one under way).
    fn start(&mut self, ctx: &egui::Context) {
        let (loss, theta0, settings) = match self.inputs.problem() {
            Ok(problem) => problem,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let progress = Progress::default();
        let steps = match SpectrumSteps::new(&loss, &theta0, &settings, &progress) {
            Ok(steps) => steps,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        self.error = None;
        let on = match self.inputs.data {
            SpectrumData::Digits => "the digits".to_owned(),
            SpectrumData::Plane { name, points } => format!("{points} {} points", name.name()),
        };
        let title = format!("{} ({} parameters) on {on}", loss.widths(), loss.n_params());
        self.asked = Some((self.inputs.clone(), title));
        let ctx = ctx.clone();
        self.job.request_sliced(move || ctx.request_repaint(), SpectrumJob { steps });
    }

    fn contents(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        if self.inputs.data == SpectrumData::Digits {
            // The lesson's caption is about the digits.
            ui.label(RichText::new(CAPTION).size(16.0));
        }
        self.settings_row(ui);
        ui.horizontal(|ui| {
            let stale = self.result.as_ref().is_none_or(|(i, ..)| *i != self.inputs);
            let run = egui::Button::new(RichText::new("▶ Train and estimate").strong());
            if ui.add_enabled(stale || !self.job.busy(), run).clicked() {
                self.start(ui.ctx());
            }
            if let Some(done) = self.job.progress()
                && super::progress_with_cancel(ui, done, 200.0, "training and estimating")
            {
                self.job.cancel();
                self.asked = None;
                commands.push(Command::Status("spectrum cancelled".to_owned()));
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(Color32::LIGHT_RED, e);
        }
        let Some((_, along, title, seconds, curves)) = &self.result else {
            ui.label("training the network and estimating its spectra…");
            return;
        };
        let samples = &along.samples;
        ui.label(
            RichText::new(format!(
                "{title}: {} spectra in {seconds:.1} s (stochastic Lanczos quadrature, exact \
                 Hessian-vector products)",
                samples.len()
            ))
            .strong(),
        );
        let flat = DEFAULT_FLAT;
        let height = (ui.available_height() - 150.0).max(220.0);
        let width = ui.available_width();
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.label("The Hessian's eigenvalue density at each step (log scale both ways)");
                density_plot(ui, samples, curves, flat, [0.62 * width, height]);
            });
            ui.vertical(|ui| {
                ui.label("Negative share against loss, step by step");
                shares_plot(ui, samples, [0.34 * width, height]);
            });
        });
        samples_table(ui, samples);
    }
}

impl SpectrumPanel {
    fn settings_row(&mut self, ui: &mut Ui) {
        let i = &mut self.inputs;
        ui.horizontal_wrapped(|ui| {
            ui.label("data");
            let before = i.data;
            egui::ComboBox::from_id_salt("spectrum-data")
                .selected_text(match i.data {
                    SpectrumData::Digits => i.data.describe(),
                    SpectrumData::Plane { name, .. } => name.name().to_owned(),
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut i.data,
                        SpectrumData::Digits,
                        SpectrumData::Digits.describe(),
                    );
                    let points = match i.data {
                        SpectrumData::Plane { points, .. } => points,
                        SpectrumData::Digits => 200,
                    };
                    for name in
                        Dataset::ALL.into_iter().filter(|d| d.columns() == Columns::X1X2Label)
                    {
                        ui.selectable_value(
                            &mut i.data,
                            SpectrumData::Plane { name, points },
                            name.name(),
                        );
                    }
                });
            if let SpectrumData::Plane { points, .. } = &mut i.data {
                ui.add(egui::DragValue::new(points).range(4..=5000).suffix(" points"));
            }
            if before != i.data {
                // The network's ends follow the data: D inputs, one logit per class.
                i.net = match i.data {
                    SpectrumData::Digits => "64-32-10".to_owned(),
                    SpectrumData::Plane { .. } => "2-16-16-1".to_owned(),
                };
            }
            ui.label("net");
            ui.add(egui::TextEdit::singleline(&mut i.net).desired_width(110.0)).on_hover_text(
                "D-H[-H…]-K: tanh hidden layers; 64-H…-10 on the digits, 2-H…-1 in the plane",
            );
            ui.label("train");
            ui.add(egui::TextEdit::singleline(&mut i.optimizer).desired_width(120.0))
                .on_hover_text("gd, momentum, adam, … with its parameters: adam:lr=0.01");
            ui.add(egui::DragValue::new(&mut i.train_steps).range(0..=100_000).suffix(" steps"));
            ui.label("spectra at steps");
            ui.add(egui::TextEdit::singleline(&mut i.at).desired_width(110.0))
                .on_hover_text("steps of training, comma-separated; 0 is the initialisation");
            ui.label("Lanczos");
            ui.add(egui::DragValue::new(&mut i.lanczos).range(1..=1000));
            ui.label("probes");
            ui.add(egui::DragValue::new(&mut i.probes).range(1..=100));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut i.seed));
        });
    }
}

/// The hovered curve's name (with a line break) and the point.
fn hovered(hover: &HoverPosition<'_>) -> (String, PlotPoint) {
    match hover {
        HoverPosition::NearDataPoint { plot_name, position, .. } if !plot_name.is_empty() => {
            (format!("{plot_name}\n"), *position)
        }
        HoverPosition::NearDataPoint { position, .. } | HoverPosition::Elsewhere { position } => {
            (String::new(), *position)
        }
    }
}

/// A `#rrggbb` colour.
fn color(hex: &str) -> Color32 {
    Color32::from_hex(hex).unwrap_or(Color32::GRAY)
}

/// The densities on the symmetric-log axis, with the flat band and λ = 0; hover says λ.
fn density_plot(ui: &mut Ui, samples: &[Sample], c: &DensityCurves, flat: f64, size: [f32; 2]) {
    let map = c.map;
    Plot::new("spectrum-densities")
        .width(size[0])
        .height(size[1])
        .legend(Legend::default())
        .include_x(c.u_range.0)
        .include_x(c.u_range.1)
        .include_y(c.y_range.0)
        .include_y(c.y_range.1)
        .x_axis_label("eigenvalue λ (symmetric log scale)")
        .y_axis_label("log₁₀ density")
        .x_axis_formatter(move |mark, _| format!("{:.2e}", map.from_axis(mark.value)))
        .label_formatter(move |hover| {
            let (name, p) = hovered(hover);
            Some(format!("{name}λ = {:.3e}\nlog₁₀ density {:.2}", map.from_axis(p.x), p.y))
        })
        .show(ui, |pui| {
            pui.vline(VLine::new("λ = 0", 0.0).color(Color32::from_gray(150)));
            let count = samples.len();
            for (k, (sample, (points, _))) in samples.iter().zip(&c.curves).enumerate() {
                let col = color(&step_color(k, count));
                let shown: Vec<[f64; 2]> =
                    points.iter().filter(|p| p[1].is_finite()).copied().collect();
                pui.line(
                    Line::new(format!("step {}", sample.step), PlotPoints::from(shown))
                        .color(col)
                        .width(2.5),
                );
                let edge = map.to_axis(flat * sample.density.scale());
                for u in [-edge, edge] {
                    pui.vline(
                        VLine::new("", u)
                            .color(col.gamma_multiply(0.5))
                            .style(egui_plot::LineStyle::Dashed { length: 6.0 }),
                    );
                }
            }
        });
}

/// The negative share (x) against the loss (y, log₁₀), a dot per step joined in order.
fn shares_plot(ui: &mut Ui, samples: &[Sample], size: [f32; 2]) {
    let at = |s: &Sample| [s.shares.negative, s.loss.max(1e-300).log10()];
    Plot::new("spectrum-shares")
        .width(size[0])
        .height(size[1])
        .include_x(0.0)
        .x_axis_label("negative share (index)")
        .y_axis_label("log₁₀ loss")
        .label_formatter(|hover| {
            let (name, p) = hovered(hover);
            Some(format!("{name}negative share {:.3}\nloss {:.4}", p.x, 10f64.powf(p.y)))
        })
        .show(ui, |pui| {
            let path: Vec<[f64; 2]> = samples.iter().map(at).collect();
            pui.line(Line::new("", PlotPoints::from(path)).color(Color32::from_gray(140)));
            let count = samples.len();
            for (k, s) in samples.iter().enumerate() {
                pui.points(
                    Points::new(format!("step {}", s.step), vec![at(s)])
                        .shape(MarkerShape::Circle)
                        .radius(7.0)
                        .filled(true)
                        .color(color(&step_color(k, count))),
                );
            }
        });
}

/// Every step's numbers.
fn samples_table(ui: &mut Ui, samples: &[Sample]) {
    egui::Grid::new("spectrum-table").striped(true).spacing([18.0, 4.0]).show(ui, |ui| {
        for head in ["step", "loss", "λ_min", "λ_max", "trace", "negative", "flat"] {
            ui.label(RichText::new(head).strong());
        }
        ui.end_row();
        for s in samples {
            let d = &s.density;
            ui.label(s.step.to_string());
            ui.label(format!("{:.4}", s.loss));
            ui.label(format!("{:.3e}", d.lambda_min()));
            ui.label(format!("{:.3e}", d.lambda_max()));
            ui.label(format!("{:.3e} ± {:.1e}", d.trace(), d.trace_error()));
            ui.label(format!("{:.3}", s.shares.negative));
            ui.label(format!("{:.3}", s.shares.flat));
            ui.end_row();
        }
    });
}
