//! The teaching panel: narrate one step of one run, race the optimizers, map basins of
//! attraction. Each section reads the app through the context and draws; the numbers all come
//! from `sim` (`narrate`, `metrics`, `basins`); what a section asks of the app comes back as
//! commands.

use egui::{RichText, Ui};

use crate::app::basins::BasinSettings;
use crate::app::component::{Component, Ctx};
use crate::app::narration::{ELLIPSE, GD_CIRCLE, GRADIENT, MOMENTUM, STEP};
use crate::app::runs::Runs;
use crate::app::style::ink;
use crate::app::{Command, Panel};
use crate::scene::Scene;
use crate::sim::optim::narrate::num;
use crate::sim::run::metrics::{Metrics, Standing, Thresholds, race};
use crate::sim::{CriticalPoint, Domain, Dtype, SurfaceDef};

/// What a race depends on: the runs' generation, the domain's bits, the critical points found.
type RaceKey = (u64, [u64; 4], usize);

/// The teaching panel's own state.
#[derive(Default)]
pub struct Teach {
    /// The race of the last frame, by the runs' generation and the domain it was judged in.
    race_cache: Option<(RaceKey, Vec<Standing>)>,
}

impl Component for Teach {
    /// The teaching side panel: the open sections one under the other.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        if ctx.windows.narrate {
            commands.extend(narrate_ui(ui, ctx));
            ui.separator();
        }
        if ctx.windows.race {
            commands.extend(self.race_ui(ui, ctx));
            ui.separator();
        }
        if ctx.windows.basins {
            commands.extend(basins_ui(ui, ctx));
        }
        commands
    }
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

/// The narrate section: pick a run, read its update at the current step.
fn narrate_ui(ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut commands = Vec::from_iter(heading(ui, "🔎 Inside the optimizer", Panel::Narrate));
    let (mut o, mut s) = ctx.narrate_pick;
    ui.horizontal(|ui| {
        let label =
            |i: usize| ctx.scene.optimizers.get(i).map_or_else(|| "—".to_owned(), |e| e.label());
        egui::ComboBox::from_id_salt("narrate-optimizer").selected_text(label(o)).show_ui(
            ui,
            |ui| {
                for (i, e) in ctx.scene.optimizers.iter().enumerate() {
                    if e.enabled {
                        ui.selectable_value(&mut o, i, e.label());
                    }
                }
            },
        );
        egui::ComboBox::from_id_salt("narrate-start")
            .selected_text(format!("start {}", s + 1))
            .show_ui(ui, |ui| {
                for i in 0..ctx.scene.starts.len() {
                    ui.selectable_value(&mut s, i, format!("start {}", i + 1));
                }
            });
        ui.label("← → step through");
    });
    if (o, s) != ctx.narrate_pick {
        commands.push(Command::Narrate { optimizer: o, start: s });
    }
    ui.separator();
    match ctx.narration {
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
    commands
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
    fn race_ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Option<Command> {
        let critical = ctx.critical;
        let d = ctx.scene.domain();
        let key = (
            ctx.runs.generation,
            [d.x_min, d.x_max, d.y_min, d.y_max].map(f64::to_bits),
            critical.len(),
        );
        let standings = match self.race_cache.take() {
            Some((k, standings)) if k == key => standings,
            _ => standings(ctx.scene, ctx.surface, ctx.runs, critical),
        };
        let close = heading(ui, "🏁 Race", Panel::Race);
        ui.label(format!(
            "{} start point(s), {} steps. Ranked by runs at a minimum, then steps to get there, \
             then final loss. Flat: ‖∇f‖ under 0.1% of its largest value here.",
            ctx.scene.starts.len(),
            ctx.scene.steps
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
                let Some(entry) = ctx.scene.optimizers.get(s.entry) else { continue };
                ui.label(format!("{}", rank + 1));
                ui.label(
                    RichText::new(entry.label())
                        .color(ink(entry.color, ui.visuals().dark_mode))
                        .strong(),
                );
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

/// The basins section: the settings, Compute or Cancel, whether the map is stale, its legend.
fn basins_ui(ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut commands = Vec::from_iter(heading(ui, "🗺 Basins of attraction", Panel::Basins));
    ui.label(RichText::new("Colour every point of the view by where a run from it ends.").small());
    let basins = ctx.basins;
    let mut settings = basins.settings.clone();
    // Start on an optimizer that is on screen.
    let on = |i: usize| ctx.scene.optimizers.get(i).is_some_and(|o| o.enabled);
    if !on(settings.optimizer)
        && let Some(first) = (0..ctx.scene.optimizers.len()).find(|&i| on(i))
    {
        settings.optimizer = first;
    }
    basin_settings(ui, ctx, &mut settings);
    let view = ctx.view_domain();
    ui.horizontal(|ui| {
        let busy = basins.busy();
        if !busy
            && ui.button("Compute").on_hover_text("over the current view, on all cores").clicked()
        {
            commands.push(Command::ComputeBasins(view));
        } else if busy && ui.button("Cancel").clicked() {
            commands.push(Command::CancelBasins);
        }
        if let Some(f) = basins.progress() {
            ui.add(egui::ProgressBar::new(f).show_percentage().desired_width(120.0));
        }
        if basins.result.is_some() {
            ui.checkbox(&mut settings.show, "show");
        }
    });
    if let Some(r) = basins.result.as_ref().filter(|_| !basins.busy())
        && moved(r.map.job.domain, view)
    {
        // The map stays where it was computed; say so when the view has moved on.
        ui.label(
            RichText::new("The view has moved since this map: Compute maps the new one.")
                .italics()
                .weak(),
        );
    }
    if settings != basins.settings {
        // Before a Compute of this frame: it maps with the settings just made.
        commands.insert(0, Command::SetBasins(settings.clone()));
    }
    if let Some(r) = basins.result.as_ref().filter(|_| settings.show) {
        for (label, c) in &r.legend {
            ui.horizontal(|ui| {
                ui.label(RichText::new("■").color(*c).size(18.0));
                ui.label(label);
            });
        }
    }
    commands
}

/// Whether `view` has moved away from `map` by more than 1% of the map's diagonal.
fn moved(map: Domain, view: Domain) -> bool {
    let tolerance = 0.01 * map.width().hypot(map.height());
    [
        (map.x_min, view.x_min),
        (map.x_max, view.x_max),
        (map.y_min, view.y_min),
        (map.y_max, view.y_max),
    ]
    .iter()
    .any(|(a, b)| (a - b).abs() > tolerance)
}

/// Which optimizer is mapped, which it is compared with, the grid and the precision.
fn basin_settings(ui: &mut Ui, ctx: &Ctx<'_>, b: &mut BasinSettings) {
    let labels = crate::figure::legend_labels(ctx.scene);
    let name = |i: usize| labels.get(i).cloned().unwrap_or_default();
    ui.horizontal(|ui| {
        ui.label("optimizer");
        egui::ComboBox::from_id_salt("basins-a").selected_text(name(b.optimizer)).show_ui(
            ui,
            |ui| {
                for i in 0..labels.len() {
                    ui.selectable_value(&mut b.optimizer, i, name(i));
                }
            },
        );
    });
    ui.horizontal(|ui| {
        ui.label("differs from");
        let text = b.compare.map_or("—".to_owned(), name);
        egui::ComboBox::from_id_salt("basins-b").selected_text(text).show_ui(ui, |ui| {
            ui.selectable_value(&mut b.compare, None, "—");
            for i in 0..labels.len() {
                ui.selectable_value(&mut b.compare, Some(i), name(i));
            }
        });
    });
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut b.grid, 32..=512).logarithmic(true).text("cells a side"));
    });
    ui.horizontal(|ui| {
        ui.label("precision");
        for dtype in Dtype::ALL {
            let hint = match dtype {
                Dtype::Float64 => {
                    "double precision: each cell ends exactly where its trajectory on screen does"
                }
                Dtype::Float32 => {
                    "single precision, PyTorch's default dtype: about twice as fast; cells on a basin boundary may differ"
                }
            };
            ui.selectable_value(&mut b.dtype, dtype, dtype.name()).on_hover_text(hint);
        }
    });
}
