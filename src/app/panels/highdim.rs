//! The "High dimensions" window: why zero-gradient points are mostly saddles when n is large.
//!
//! Samples random symmetric n × n Hessians (the GOE, [`crate::sim::net::goe`]) in the background and
//! plots, on a log scale, the fraction that are minima against n beside the lecture's 2⁻ⁿ and
//! the large-n law exp(−(ln 3/4)·n²); and, for one n, the distribution of the index.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, GridMark, Legend, Line, LineStyle, Plot, PlotPoints, Points};

use crate::app::component::{Component, Ctx};
use crate::app::{Command, Panel};
use crate::jobs::{Budget, Cancelled, JobSlot, Outcome, Priority, Progress, Sliced};
use crate::sim::net::goe::{IndexSteps, MinimaFraction, MinimaSteps};

/// What one sampling gives: the fraction of minima per n, and the index counts for one n.
type Sampled = (Vec<MinimaFraction>, Vec<usize>);

/// The settings a sampling depends on: (max n, samples per n, index n, seed).
type Settings = (usize, usize, usize, u64);

/// Matrices sampled for the index distribution (an eigen-decomposition each).
const INDEX_SAMPLES: usize = 20_000;

/// The lowest log₁₀ fraction the plot shows at first: low enough for the sampled points and
/// 2⁻ⁿ, high enough that they do not crowd into one corner.
const LOG_FLOOR: f64 = -25.0;

/// A sampling: the fractions of minima, then the index distribution, a few thousand matrices
/// at a time between frames where there are no threads (the browser); each part in one go on
/// all cores where there are.
enum Sampling {
    /// Not begun.
    Start(Settings),
    /// Drawing the matrices of the fractions of minima.
    Minima(Settings, MinimaSteps),
    /// Drawing those of the index distribution.
    Index(Vec<MinimaFraction>, Box<IndexSteps>),
    /// Handed over.
    Done,
}

impl Sliced for Sampling {
    type Output = Sampled;

    fn slice(&mut self, budget: Budget, progress: &Progress) -> Result<Option<Sampled>, Cancelled> {
        let units = if budget.is_whole() { usize::MAX } else { rayon::current_num_threads() };
        loop {
            match self {
                Sampling::Start(key) => {
                    let (max_n, samples, _, seed) = *key;
                    *self =
                        Sampling::Minima(*key, MinimaSteps::new(max_n, samples, seed, progress));
                }
                Sampling::Minima(key, steps) => {
                    if let Some(fractions) = steps.advance(units, progress)? {
                        let (_, samples, index_n, seed) = *key;
                        let index = IndexSteps::new(index_n, INDEX_SAMPLES.min(samples), seed);
                        progress.set_total(progress.done() + index.left() as u64);
                        *self = Sampling::Index(fractions, Box::new(index));
                    }
                }
                Sampling::Index(fractions, steps) => {
                    progress.check()?;
                    let left = steps.left();
                    // A piece at a time even on a thread: an eigen-decomposition each, so
                    // Cancel is heard.
                    let done = steps.advance(1);
                    progress.advance((left - steps.left()) as u64);
                    if let Some(index) = done {
                        let fractions = std::mem::take(fractions);
                        *self = Sampling::Done;
                        return Ok(Some((fractions, index)));
                    }
                }
                Sampling::Done => return Err(Cancelled),
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The settings and the last result.
pub struct HighDim {
    /// Largest n.
    pub max_n: usize,
    /// Matrices per n.
    pub samples: usize,
    /// The n whose index distribution is shown.
    pub index_n: usize,
    /// Seed.
    pub seed: u64,
    /// The last sampling that finished, with its settings.
    result: Option<(Settings, Sampled)>,
    job: JobSlot<Sampled>,
    asked: Option<Settings>,
    /// Why the last sampling failed, if it did.
    error: Option<String>,
}

impl Default for HighDim {
    fn default() -> Self {
        Self {
            max_n: 12,
            samples: 1_000_000,
            index_n: 10,
            seed: 1,
            result: None,
            job: JobSlot::new("high-d sampling", Priority::Background),
            asked: None,
            error: None,
        }
    }
}

impl HighDim {
    /// Starts sampling in the background when the settings changed (a sampling under way for
    /// older settings is cancelled), and takes a finished one.
    fn refresh(&mut self, ctx: &egui::Context) {
        if let Some((outcome, _)) = self.job.poll() {
            match outcome {
                Outcome::Done(sampled) => {
                    self.result = self.asked.map(|key| (key, sampled));
                    self.error = None;
                }
                Outcome::Cancelled => {}
                Outcome::Failed(e) => self.error = Some(e),
            }
        }
        let key = (self.max_n, self.samples, self.index_n, self.seed);
        if self.asked == Some(key) {
            return;
        }
        self.asked = Some(key);
        let ctx = ctx.clone();
        self.job.request_sliced(move || ctx.request_repaint(), Sampling::Start(key));
    }

    /// Whether a sampling is under way.
    pub fn busy(&self) -> bool {
        self.job.busy()
    }

    /// Waits for the sampling under way (tests only; a frame never waits).
    pub fn settle(&mut self, ctx: &egui::Context) {
        self.refresh(ctx);
        if let Some(Outcome::Done(sampled)) = self.job.wait() {
            self.result = self.asked.map(|key| (key, sampled));
        }
    }
}

impl Component for HighDim {
    /// The window, when open.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        if !ctx.windows.high_dim {
            return Vec::new();
        }
        let egui = ui.ctx().clone();
        self.refresh(&egui);
        let mut open = true;
        egui::Window::new("Why saddles dominate in high dimensions")
            .open(&mut open)
            .default_size([760.0, 620.0])
            .show(&egui, |ui| self.contents(ui));
        if open { Vec::new() } else { vec![Command::Toggle(Panel::HighDim)] }
    }
}

impl HighDim {
    fn contents(&mut self, ui: &mut Ui) {
        ui.label(RichText::new(
            "A random symmetric Hessian is a minimum (all eigenvalues > 0) half the time in 1-D, \
             and almost never in high dimensions: far rarer even than the coin-flip guess 2^-n.",
        ).size(17.0));
        self.settings_row(ui);
        if let Some(e) = &self.error {
            ui.colored_label(Color32::LIGHT_RED, format!("sampling failed: {e}"));
        }
        let Some(((max_n, ..), (fractions, index))) = self.result.clone() else {
            ui.label("sampling…");
            return;
        };
        minima_plot(ui, &fractions, max_n);
        let none: Vec<usize> = fractions.iter().filter(|f| f.minima == 0).map(|f| f.n).collect();
        if let (Some(first), Some(samples)) = (none.first(), fractions.first().map(|f| f.samples)) {
            ui.label(format!(
                "From n = {first} on, no minimum in {samples} samples per n: the fraction is below \
                 1/{samples}, so nothing is plotted there."
            ));
        }
        ui.horizontal(|ui| {
            ui.label("index (number of negative eigenvalues) for n =");
            ui.add(egui::DragValue::new(&mut self.index_n).range(1..=60));
        });
        index_plot(ui, &index);
    }
}

impl HighDim {
    /// n, samples, seed, and the sampling's progress.
    fn settings_row(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label("n up to");
            ui.add(egui::DragValue::new(&mut self.max_n).range(1..=60));
            ui.label("samples per n");
            ui.add(egui::DragValue::new(&mut self.samples).range(100..=10_000_000).speed(1000));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut self.seed));
            if let Some(done) = self.job.progress()
                && super::progress_with_cancel(ui, done, 160.0, "sampling")
            {
                self.job.cancel();
            }
        });
    }
}

/// log₁₀ of the fraction of minima against n: sampled, the lecture's 2⁻ⁿ, the large-n law.
fn minima_plot(ui: &mut Ui, fractions: &[MinimaFraction], max_n: usize) {
    let sampled: Vec<[f64; 2]> =
        fractions.iter().filter_map(|f| f.fraction().map(|p| [f.n as f64, p.log10()])).collect();
    let coin: Vec<[f64; 2]> =
        fractions.iter().map(|f| [f.n as f64, f.coin_flips().log10()]).collect();
    let law_at = |n: usize| MinimaFraction { n, samples: 0, minima: 0 }.large_n_law().log10();
    let law: Vec<[f64; 2]> = (1..=max_n).map(|n| [n as f64, law_at(n)]).collect();
    // Beyond the sampled range the law goes on, dashed, down past the plot's floor.
    let beyond: Vec<[f64; 2]> = (max_n..=max_n + 6).map(|n| [n as f64, law_at(n)]).collect();
    let marks = dimension_marks(fractions);
    Plot::new("minima-fraction")
        .height(300.0)
        .legend(Legend::default())
        // A label at every sampled n: the default axis hides labels closer than 60 points.
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x().label("dimension n").label_spacing(12.0..=18.0),
        ])
        .x_grid_spacer(move |_| marks.clone())
        .y_axis_label("log₁₀ fraction of minima")
        .default_x_bounds(0.5, max_n as f64 + 2.5)
        .default_y_bounds(LOG_FLOOR, 0.5)
        .show(ui, |pui| {
            pui.line(Line::new("lecture: 2^-n", PlotPoints::from(coin)).color(Color32::LIGHT_BLUE));
            let orange = Color32::from_rgb(240, 160, 60);
            pui.line(
                Line::new("large-n law: exp(−(ln 3/4)·n²)", PlotPoints::from(law)).color(orange),
            );
            pui.line(
                Line::new("large-n law: exp(−(ln 3/4)·n²)", PlotPoints::from(beyond))
                    .color(orange)
                    .style(LineStyle::dashed_dense()),
            );
            pui.points(
                Points::new("sampled (GOE)", PlotPoints::from(sampled))
                    .radius(4.0)
                    .color(Color32::from_rgb(80, 220, 120)),
            );
        });
}

/// A labelled tick at every dimension n that was sampled (the default log-10 grid labelled
/// only 10).
fn dimension_marks(fractions: &[MinimaFraction]) -> Vec<GridMark> {
    fractions.iter().map(|f| GridMark { value: f.n as f64, step_size: 1.0 }).collect()
}

/// The distribution of the index (share of negative eigenvalues) for one n.
fn index_plot(ui: &mut Ui, index: &[usize]) {
    let total = index.iter().sum::<usize>().max(1) as f64;
    let bars: Vec<Bar> = index
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            Bar::new(k as f64 / (index.len() - 1).max(1) as f64, c as f64 / total)
                .width(0.8 / index.len() as f64)
        })
        .collect();
    Plot::new("index-distribution")
        .height(180.0)
        .x_axis_label("fraction of negative eigenvalues (0: minimum, 1: maximum)")
        .y_axis_label("share")
        .show(ui, |pui| {
            pui.bar_chart(BarChart::new("index", bars).color(Color32::from_rgb(255, 200, 60)));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_frames_the_sampling_comes_in_pieces_and_is_the_whole_sampling() {
        use crate::jobs::{Runner, run_slices, set_runner};
        use crate::sim::net::goe::{index_distribution, minima_fractions};
        let ctx = egui::Context::default();
        set_runner(Runner::BetweenFrames);
        let mut panel =
            HighDim { max_n: 4, samples: 3000, index_n: 6, seed: 5, ..HighDim::default() };
        let mut frames = 0;
        while panel.result.is_none() {
            frames += 1;
            assert!(frames < 100_000, "the sampling never ended");
            panel.refresh(&ctx);
            // A frame of no time: one piece of work.
            run_slices(std::time::Duration::ZERO);
        }
        set_runner(Runner::Threads);
        assert!(frames > 5, "cut into pieces: {frames} frames");
        let (key, (fractions, index)) = panel.result.clone().expect("sampled");
        assert_eq!(key, (4, 3000, 6, 5));
        assert_eq!(fractions, minima_fractions(4, 3000, 5));
        assert_eq!(index, index_distribution(6, 3000, 5));
    }

    #[test]
    fn every_sampled_dimension_has_a_tick() {
        let fractions: Vec<MinimaFraction> =
            [1, 2, 3, 5, 8, 13].map(|n| MinimaFraction { n, samples: 10, minima: 1 }).to_vec();
        let ticks: Vec<f64> = dimension_marks(&fractions).iter().map(|m| m.value).collect();
        assert_eq!(ticks, [1.0, 2.0, 3.0, 5.0, 8.0, 13.0]);
    }
}
