//! The narration of one run at the playback step: which run (optimizer and start point) is
//! narrated, and its update replayed from the start (exact, and only once per change of the
//! pick, the step or the runs). The teaching panel prints it; the map draws it.

use egui::Color32;
use egui_plot::{Line, PlotUi};

use super::runs::Runs;
use super::style::arrow;
use crate::scene::Scene;
use crate::sim::optim::narrate::{Narration, narrate};
use crate::sim::{Point, SurfaceDef};

/// What a narration depends on: optimizer, start, step, and the runs' generation.
type NarrationKey = (usize, usize, usize, u64);

/// The narrated run and its narration at the step last asked for.
#[derive(Default)]
pub struct NarrationView {
    /// Which optimizer (index in the scene) and start point are narrated.
    pub pick: (usize, usize),
    /// The narration of the last refresh, by (optimizer, start, step, runs' generation).
    cache: Option<(NarrationKey, Option<Narration>)>,
}

impl NarrationView {
    /// Brings the narration of the picked run up to `step` (replayed only when the pick, the
    /// step or the runs changed).
    pub fn refresh(&mut self, scene: &Scene, runs: &Runs, surface: &SurfaceDef, step: usize) {
        let (o, s) = self.pick;
        let key = (o, s, step, runs.generation);
        if self.cache.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let n = compute_narration(scene, runs, surface, o, s, step);
        self.cache = Some((key, n));
    }

    /// The narration of the last refresh.
    pub fn get(&self) -> Option<&Narration> {
        self.cache.as_ref()?.1.as_ref()
    }
}

/// The narration of run `(o, s)` at `step`: the run replayed from its start.
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

/// Colour of −∇f in the narration.
pub const GRADIENT: Color32 = Color32::from_rgb(0x7f, 0xd8, 0xff);
/// Colour of the momentum in the narration.
pub const MOMENTUM: Color32 = Color32::from_rgb(0xff, 0xd7, 0x40);
/// Colour of the step taken.
pub const STEP: Color32 = Color32::from_rgb(0xff, 0xff, 0xff);
/// Colour of an adaptive method's per-axis step size.
pub const ELLIPSE: Color32 = Color32::from_rgb(0xff, 0x8a, 0xd8);
/// Colour of GD's step size, for comparison.
pub const GD_CIRCLE: Color32 = Color32::from_rgb(0xaa, 0xaa, 0xaa);

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
