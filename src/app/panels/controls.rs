//! The side panel: surface and formula, view, start points, cloud, optimizers.

use egui::{Color32, RichText, Ui};

use crate::app::Command;
use crate::app::component::{Component, Ctx};
use crate::app::style::{color, ink};
use crate::field::Colormap;
use crate::scene::{Layout, OptimizerEntry, Rgb, SurfaceChoice};
use crate::sim::{Builtin, LrSchedule, OptimizerKind, OptimizerSpec, Param, ParamType};

/// The side panel's own state: what is set here but is not part of the scene.
#[derive(Clone, Debug)]
pub struct Controls {
    /// How many random start points "Scatter" drops, and the seed of the next scatter.
    pub scatter: (usize, u64),
}

impl Default for Controls {
    fn default() -> Self {
        Self { scatter: (8, 1) }
    }
}

impl Component for Controls {
    /// The side panel: surface, view, start points, cloud, optimizers. Reads the app, changes
    /// only its own state, and says what the scene should become as commands.
    fn ui(&mut self, ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.add_space(4.0);
        surface_section(ui, ctx, &mut commands);
        ui.separator();
        commands.extend(view_section(ui, &ctx.scene.view));
        ui.separator();
        self.starts_section(ui, ctx, &mut commands);
        ui.separator();
        cloud_section(ui, ctx, &mut commands);
        ui.separator();
        commands.extend(optimizers_section(ui, ctx));
        commands
    }
}

impl Controls {
    fn starts_section(&mut self, ui: &mut Ui, ctx: &Ctx<'_>, commands: &mut Vec<Command>) {
        ui.heading("Start points");
        ui.label(
            RichText::new("Click the plot to add · drag to move · right-click to remove").small(),
        );
        ui.horizontal(|ui| {
            let (count, seed) = &mut self.scatter;
            let scatter =
                ui.button("Scatter").on_hover_text("Replace the start points by random ones");
            if scatter.clicked() {
                commands.push(Command::ScatterStarts { count: *count, seed: *seed });
                *seed += 1;
            }
            ui.add(egui::DragValue::new(count).range(1..=crate::scene::MAX_STARTS).prefix("n = "));
            ui.add(egui::DragValue::new(seed).prefix("seed "));
            if ui.button("Clear").clicked() {
                commands.push(Command::ClearStarts);
            }
        });
        ui.label(format!("{} start point(s)", ctx.scene.starts.len()));
        let mut steps = ctx.scene.steps;
        let r = ui.add(
            egui::DragValue::new(&mut steps)
                .range(1..=crate::scene::MAX_STEPS)
                .speed(5.0)
                .prefix("steps: "),
        );
        if r.changed() && steps != ctx.scene.steps {
            commands.push(Command::SetSteps(steps));
        }
    }
}

fn surface_section(ui: &mut Ui, ctx: &Ctx<'_>, commands: &mut Vec<Command>) {
    ui.heading("Surface");
    let current = ctx.scene.surface.clone();
    let selected_text = match &current {
        SurfaceChoice::Builtin(b) => b.name().to_owned(),
        SurfaceChoice::Formula(_) => "formula".to_owned(),
        SurfaceChoice::Model(m) => m.label(),
        SurfaceChoice::Network(spec) => format!("{} network slice", spec.net),
    };
    egui::ComboBox::from_label("built-in").selected_text(selected_text).width(220.0).show_ui(
        ui,
        |ui| {
            for b in Builtin::ALL {
                let on = current == SurfaceChoice::Builtin(b);
                if ui.selectable_label(on, b.name()).on_hover_text(b.description()).clicked() && !on
                {
                    commands.push(Command::SetSurface(SurfaceChoice::Builtin(b)));
                }
            }
        },
    );
    if let SurfaceChoice::Builtin(b) = current {
        ui.label(RichText::new(b.description()).italics());
    }
    ui.label("f(x, y) =");
    let mut text = ctx.formula.text.clone();
    let edit = egui::TextEdit::multiline(&mut text)
        .id_salt("formula")
        .desired_rows(2)
        .desired_width(f32::INFINITY)
        .font(egui::TextStyle::Monospace);
    let response = ui.add(edit).on_hover_text(
        "Type any f(x, y): numbers, x, y, + - * / ^, ( ), sin cos tan exp ln sqrt abs tanh sinh cosh atan, pi, e",
    );
    if response.changed() {
        commands.push(Command::EditFormula { text, at: ui.input(|i| i.time) });
    }
    if let Some(err) = &ctx.formula.error {
        ui.colored_label(Color32::from_rgb(255, 120, 120), format!("⚠ {err}"));
        ui.label(RichText::new("(the last valid surface stays)").small());
    }
}

/// The view settings; new ones as a command when they changed.
fn view_section(ui: &mut Ui, current: &crate::scene::View) -> Option<Command> {
    ui.heading("View");
    let mut edited = current.clone();
    let view = &mut edited;
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("colours").selected_text(view.colormap.name()).show_ui(
            ui,
            |ui| {
                for cm in Colormap::ALL {
                    ui.selectable_value(&mut view.colormap, cm, cm.name());
                }
            },
        );
        ui.checkbox(&mut view.log_scale, "log scale").on_hover_text(
            "Logarithmic colours and contours: for surfaces spanning orders of magnitude",
        );
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut view.heatmap, "heatmap");
        ui.checkbox(&mut view.contour_lines, "contours");
        ui.add(
            egui::DragValue::new(&mut view.contours)
                .range(2..=crate::scene::MAX_CONTOURS)
                .suffix(" levels"),
        );
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut view.critical_points, "critical points")
            .on_hover_text("Minima (●), saddles (◆), maxima (▲) of the surface");
    });
    ui.horizontal(|ui| {
        ui.label("Layout");
        ui.selectable_value(&mut view.layout, Layout::Overlay, "overlay")
            .on_hover_text("All optimizers on one plot (G)");
        ui.selectable_value(&mut view.layout, Layout::Grid, "grid")
            .on_hover_text("One plot per optimizer, linked (G)");
    });
    (edited != *current).then(|| Command::SetView(Box::new(edited)))
}

/// The cloud section: many runs at once, as moving points.
fn cloud_section(ui: &mut Ui, ctx: &Ctx<'_>, commands: &mut Vec<Command>) {
    use crate::sim::run::cloud::{Cloud, CloudShape, MAX_CLOUD};
    ui.heading("Cloud of runs");
    ui.label(
        RichText::new("Every optimizer from many starts at once · shift-click: a blob there")
            .small(),
    );
    let current = ctx.scene.cloud;
    let mut on = current.is_some();
    let mut cloud = current.unwrap_or(Cloud::uniform(1000, 1));
    ui.horizontal(|ui| {
        ui.checkbox(&mut on, "show");
        ui.add(
            egui::DragValue::new(&mut cloud.count).range(1..=MAX_CLOUD).speed(20.0).prefix("n = "),
        );
        ui.add(egui::DragValue::new(&mut cloud.seed).prefix("seed "));
        if ui.button("Spread").on_hover_text("Spread the starts over the view").clicked() {
            let region = ctx.shown.map(|t| {
                let b = t.bounds();
                [b.min()[0], b.max()[0], b.min()[1], b.max()[1]]
            });
            cloud.shape = CloudShape::Uniform { region };
            on = true;
        }
    });
    match (&current, on) {
        (Some(c), true) if *c == cloud => {}
        (None, false) => {}
        (_, true) => commands.push(Command::SetCloud(Some(cloud))),
        (Some(_), false) => commands.push(Command::SetCloud(None)),
    }
    if current.is_some() {
        let enabled = ctx.scene.optimizers.iter().enumerate().filter(|(_, e)| e.enabled);
        let diverged: Vec<String> = enabled
            .filter_map(|(i, e)| Some((e.label(), ctx.cloud.diverged(i)?)))
            .filter(|(_, n)| *n > 0)
            .map(|(label, n)| format!("{label}: {n} diverged"))
            .collect();
        if !diverged.is_empty() {
            ui.label(RichText::new(diverged.join(" · ")).small());
        }
    }
}

/// The optimizers: each one's switch, colour and hyper-parameters. The edited list comes back
/// as one command when anything changed.
fn optimizers_section(ui: &mut Ui, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut optimizers = ctx.scene.optimizers.clone();
    ui.horizontal(|ui| {
        ui.heading("Optimizers");
        ui.menu_button("+ add", |ui| {
            for kind in OptimizerKind::ALL {
                if ui.button(kind.label()).on_hover_text(kind.rule()).clicked() {
                    optimizers.push(OptimizerEntry::new(kind));
                    ui.close();
                }
            }
        });
    });
    let mut remove = None;
    let mut tune = None;
    let steps = ctx.scene.steps;
    for (i, entry) in optimizers.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            optimizer_row(ui, entry, &mut remove, &mut tune, i, steps);
        });
    }
    if let Some(i) = remove
        && optimizers.len() > 1
    {
        optimizers.remove(i);
    }
    let mut commands = Vec::new();
    if optimizers != ctx.scene.optimizers {
        commands.push(Command::SetOptimizers(optimizers));
    }
    // After the edit: tuning starts from the settings just made.
    commands.extend(tune.map(Command::TuneLr));
    commands
}

fn optimizer_row(
    ui: &mut Ui,
    entry: &mut OptimizerEntry,
    remove: &mut Option<usize>,
    tune: &mut Option<usize>,
    index: usize,
    steps: usize,
) {
    let kind = entry.spec.kind();
    ui.horizontal(|ui| {
        let mut c = color(entry.color);
        if ui.color_edit_button_srgba(&mut c).on_hover_text("Colour").changed() {
            entry.color = Rgb([c.r(), c.g(), c.b()]);
        }
        let label =
            RichText::new(entry.label()).strong().color(ink(entry.color, ui.visuals().dark_mode));
        ui.checkbox(&mut entry.enabled, label).on_hover_text(kind.rule());
    });
    egui::CollapsingHeader::new("hyper-parameters").id_salt("params").show(ui, |ui| {
        ui.label(RichText::new(kind.rule()).monospace().small());
        for param in kind.params() {
            param_widget(ui, &mut entry.spec, *param);
        }
        schedule_widget(ui, &mut entry.spec, steps);
        ui.horizontal(|ui| {
            let label = ui.label("noise σ");
            ui.add(
                egui::Slider::new(&mut entry.noise.sigma, 0.0..=1.0)
                    .logarithmic(true)
                    .smallest_positive(1e-4),
            )
            .labelled_by(label.id)
            .on_hover_text("Gaussian noise added to each gradient component: SGD's jitter");
            ui.add(egui::DragValue::new(&mut entry.noise.seed).prefix("seed "))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            if ui
                .button("Tune lr")
                .on_hover_text(
                    "Search learning rates (log-spaced) for the lowest mean final loss over the \
                     start points after the scene's steps",
                )
                .clicked()
            {
                *tune = Some(index);
            }
            if ui.button("Reset to defaults").on_hover_text("PyTorch's defaults").clicked() {
                let schedule = entry.spec.schedule().copied();
                entry.spec = OptimizerSpec::new(kind);
                // The schedule is not a hyper-parameter: it stays (it suited the same kind).
                let _ = entry.spec.set_schedule(schedule);
                entry.noise = Default::default();
            }
            if ui.button("Remove").clicked() {
                *remove = Some(index);
            }
        });
    });
}

fn param_widget(ui: &mut Ui, spec: &mut OptimizerSpec, param: Param) {
    ui.horizontal(|ui| {
        let label = ui.label(param.key());
        let mut value = spec.get(param);
        fn log(value: &mut f64, lo: f64, hi: f64, smallest: f64) -> egui::Slider<'_> {
            egui::Slider::new(value, lo..=hi)
                .logarithmic(true)
                .smallest_positive(smallest)
                .max_decimals(8)
        }
        let changed = match param {
            Param::Amsgrad | Param::Centered | Param::DecoupledWeightDecay | Param::LineSearch => {
                let mut on = value != 0.0;
                let text = if param == Param::LineSearch { "strong Wolfe" } else { "" };
                let r = ui.checkbox(&mut on, text);
                value = f64::from(u8::from(on));
                r
            }
            Param::Lr => {
                ui.add(egui::Slider::new(&mut value, 1e-5..=10.0).logarithmic(true).max_decimals(6))
            }
            Param::Beta1 | Param::Beta2 | Param::Alpha | Param::Momentum | Param::Rho => {
                ui.add(egui::Slider::new(&mut value, 0.0..=0.9999).max_decimals(4))
            }
            Param::Dampening | Param::EtaMinus => ui.add(egui::Slider::new(&mut value, 0.0..=1.0)),
            Param::EtaPlus => ui.add(egui::Slider::new(&mut value, 1.0..=5.0)),
            Param::Beta2Decay => ui.add(egui::Slider::new(&mut value, -1.0..=0.0)),
            Param::Eps | Param::Eps1 | Param::ToleranceGrad | Param::ToleranceChange => ui
                .add(egui::Slider::new(&mut value, 1e-16..=1.0).logarithmic(true).max_decimals(16)),
            Param::StepMin => ui.add(log(&mut value, 0.0, 1.0, 1e-9)),
            Param::StepMax | Param::D => ui.add(log(&mut value, 1e-3, 100.0, 1e-3)),
            Param::T0 => ui.add(log(&mut value, 1.0, 1e7, 1.0)),
            Param::HistorySize | Param::MaxEval => {
                ui.add(egui::DragValue::new(&mut value).range(1.0..=1000.0).speed(1.0))
            }
            Param::WeightDecay
            | Param::MomentumDecay
            | Param::Damping
            | Param::LrDecay
            | Param::InitialAccumulatorValue
            | Param::Lambd
            | Param::Eps2 => ui.add(log(&mut value, 0.0, 10.0, 1e-4)),
        };
        let changed = changed.labelled_by(label.id).changed();
        if changed {
            // The widgets' ranges are within what `set` accepts; a rejected value is ignored.
            // Counts (history size, max_eval) come back whole, whatever the drag left.
            let value = if param.kind() == ParamType::Count { value.round() } else { value };
            let _ = spec.set(param, value);
        }
    });
}

/// A schedule suited to a run of `steps` steps, as the picker offers it: the SPEC a person
/// would most likely type.
fn default_schedule(name: &str, spec: &OptimizerSpec, steps: usize) -> String {
    let steps = steps.max(4);
    match name {
        "step" => format!("step:step_size={},gamma=0.5", steps / 4),
        "exponential" => format!("exponential:gamma={:.6}", 0.01f64.powf(1.0 / steps as f64)),
        "cosine" => format!("cosine:t_max={steps}"),
        "cosine-restarts" => format!("cosine-restarts:t_0={},t_mult=2", (steps / 7).max(1)),
        "linear" => format!("linear:start_factor=0.1,total_iters={}", (steps / 5).max(1)),
        _ => format!(
            "onecycle:max_lr={:?},total_steps={steps}{}",
            spec.lr() * 10.0,
            if spec.kind().cycled().is_none() { ",cycle_momentum=false" } else { "" }
        ),
    }
}

/// The schedule picker: constant or one of PyTorch's schedules, with its SPEC editable as text
/// (checked on Enter; a bad one is shown in red and not applied).
fn schedule_widget(ui: &mut Ui, spec: &mut OptimizerSpec, steps: usize) {
    let text_id = ui.scope_id().with("schedule-text");
    let error_id = ui.scope_id().with("schedule-error");
    ui.horizontal(|ui| {
        let label = ui.label("schedule");
        let current = spec.schedule().map_or("constant", LrSchedule::name);
        let mut chosen = None;
        egui::ComboBox::from_id_salt("schedule")
            .selected_text(current)
            .show_ui(ui, |ui| {
                if ui.selectable_label(current == "constant", "constant").clicked() {
                    chosen = Some(None);
                }
                for name in LrSchedule::NAMES {
                    let r = ui
                        .selectable_label(current == name, name)
                        .on_hover_text(LrSchedule::example(name));
                    if r.clicked() {
                        chosen = Some(Some(name));
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("A learning-rate schedule, stepped after every step as in PyTorch");
        if let Some(choice) = chosen {
            let schedule = choice
                .and_then(|name| LrSchedule::parse(&default_schedule(name, spec, steps)).ok());
            let _ = spec.set_schedule(schedule);
            ui.data_mut(|d| {
                d.remove::<String>(text_id);
                d.remove::<String>(error_id);
            });
        }
    });
    let Some(schedule) = spec.schedule().copied() else { return };
    let mut text =
        ui.data_mut(|d| d.get_temp::<String>(text_id)).unwrap_or_else(|| schedule.to_string());
    let r = ui.add(
        egui::TextEdit::singleline(&mut text)
            .font(egui::TextStyle::Monospace)
            .desired_width(f32::INFINITY),
    );
    if r.changed() {
        ui.data_mut(|d| d.insert_temp(text_id, text.clone()));
    }
    if r.lost_focus() {
        let parsed = LrSchedule::parse(&text)
            .map_err(|e| e.to_string())
            .and_then(|s| spec.set_schedule(Some(s)).map_err(|e| e.to_string()));
        ui.data_mut(|d| match parsed {
            Ok(()) => {
                d.remove::<String>(text_id);
                d.remove::<String>(error_id);
            }
            Err(e) => {
                d.insert_temp(error_id, e);
            }
        });
    }
    if let Some(e) = ui.data_mut(|d| d.get_temp::<String>(error_id)) {
        ui.colored_label(Color32::from_rgb(0xff, 0x66, 0x66), e);
    }
}
