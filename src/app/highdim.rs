//! The "High dimensions" window: why zero-gradient points are mostly saddles when n is large.
//!
//! Samples random symmetric n × n Hessians (the GOE, [`crate::sim::goe`]) in the background and
//! plots, on a log scale, the fraction that are minima against n beside the lecture's 2⁻ⁿ and
//! the large-n law exp(−(ln 3/4)·n²); and, for one n, the distribution of the index.

use std::sync::{Arc, Mutex};

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints, Points};

use crate::sim::goe::{MinimaFraction, index_distribution, minima_fractions};

/// What one sampling gives: the fraction of minima per n, and the index counts for one n.
type Sampled = (Vec<MinimaFraction>, Vec<usize>);

/// The settings and the last result.
pub struct HighDim {
    /// Whether the window is open.
    pub open: bool,
    /// Largest n.
    pub max_n: usize,
    /// Matrices per n.
    pub samples: usize,
    /// The n whose index distribution is shown.
    pub index_n: usize,
    /// Seed.
    pub seed: u64,
    result: Arc<Mutex<Option<Sampled>>>,
    computing: Arc<Mutex<bool>>,
    asked: Option<(usize, usize, usize, u64)>,
}

impl Default for HighDim {
    fn default() -> Self {
        Self {
            open: false,
            max_n: 40,
            samples: 4000,
            index_n: 10,
            seed: 1,
            result: Arc::default(),
            computing: Arc::default(),
            asked: None,
        }
    }
}

impl HighDim {
    /// Starts sampling in the background when the settings changed.
    fn refresh(&mut self, ctx: &egui::Context) {
        let key = (self.max_n, self.samples, self.index_n, self.seed);
        if self.asked == Some(key) {
            return;
        }
        self.asked = Some(key);
        let (result, computing, ctx) =
            (Arc::clone(&self.result), Arc::clone(&self.computing), ctx.clone());
        if let Ok(mut c) = computing.lock() {
            *c = true;
        }
        std::thread::spawn(move || {
            let fractions = minima_fractions(key.0, key.1, key.3);
            let index = index_distribution(key.2, key.1, key.3);
            if let Ok(mut r) = result.lock() {
                *r = Some((fractions, index));
            }
            if let Ok(mut c) = computing.lock() {
                *c = false;
            }
            ctx.request_repaint();
        });
    }

    /// The window.
    pub fn window(&mut self, ctx: &egui::Context) {
        if !self.open {
            return;
        }
        self.refresh(ctx);
        let mut open = self.open;
        egui::Window::new("Why saddles dominate in high dimensions")
            .open(&mut open)
            .default_size([760.0, 620.0])
            .show(ctx, |ui| self.contents(ui));
        self.open = open;
    }

    fn contents(&mut self, ui: &mut Ui) {
        ui.label(RichText::new(
            "A random symmetric Hessian is a minimum (all eigenvalues > 0) half the time in 1-D, \
             and almost never in high dimensions: far rarer even than the coin-flip guess 2^-n.",
        ).size(17.0));
        ui.horizontal(|ui| {
            ui.label("n up to");
            ui.add(egui::DragValue::new(&mut self.max_n).range(1..=60));
            ui.label("samples per n");
            ui.add(egui::DragValue::new(&mut self.samples).range(100..=200_000).speed(100));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut self.seed));
            if self.computing.lock().map(|c| *c).unwrap_or(false) {
                ui.spinner();
            }
        });
        let Some((fractions, index)) = self.result.lock().ok().and_then(|r| r.clone()) else {
            ui.label("sampling…");
            return;
        };
        let sampled: Vec<[f64; 2]> = fractions
            .iter()
            .filter_map(|f| f.fraction().map(|p| [f.n as f64, p.log10()]))
            .collect();
        let none: Vec<usize> = fractions.iter().filter(|f| f.minima == 0).map(|f| f.n).collect();
        let coin: Vec<[f64; 2]> =
            fractions.iter().map(|f| [f.n as f64, f.coin_flips().log10()]).collect();
        let law: Vec<[f64; 2]> =
            fractions.iter().map(|f| [f.n as f64, f.large_n_law().log10()]).collect();
        Plot::new("minima-fraction")
            .height(300.0)
            .legend(Legend::default())
            .x_axis_label("dimension n")
            .y_axis_label("log₁₀ fraction of minima")
            .show(ui, |pui| {
                pui.line(
                    Line::new("lecture: 2^-n", PlotPoints::from(coin)).color(Color32::LIGHT_BLUE),
                );
                pui.line(
                    Line::new("large-n law: exp(−(ln 3/4)·n²)", PlotPoints::from(law))
                        .color(Color32::from_rgb(240, 160, 60)),
                );
                pui.points(
                    Points::new("sampled (GOE)", PlotPoints::from(sampled))
                        .radius(4.0)
                        .color(Color32::from_rgb(80, 220, 120)),
                );
            });
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
}
