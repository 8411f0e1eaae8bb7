//! The basin map: colour every point of the view by where a run from it ends (or, comparing
//! two optimizers, where they end differently), computed in the background on all cores
//! ([`crate::sim::run::basins`]) and drawn over the heatmap.

use std::sync::Arc;

use egui::Color32;
use egui_plot::{PlotImage, PlotPoint, PlotUi};

use super::style::color;
use crate::jobs::{Cancelled, JobSlot, Outcome, Priority};
use crate::sim::run::basins::{BasinError, BasinJob, BasinMap};
use crate::sim::{Domain, Dtype};

/// What the basin map shows and how it is computed: set in the teaching panel.
#[derive(Clone, Debug, PartialEq)]
pub struct BasinSettings {
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
}

impl Default for BasinSettings {
    fn default() -> Self {
        Self {
            optimizer: 0,
            compare: None,
            grid: 160,
            dtype: Dtype::Float64,
            show: true,
            opacity: 0.6,
        }
    }
}

/// The basin map: its settings, the job computing it, and the texture of the result.
pub struct Basins {
    /// The settings.
    pub settings: BasinSettings,
    job: JobSlot<Result<Maps, String>>,
    /// The last map computed.
    pub result: Option<BasinResult>,
}

impl Default for Basins {
    fn default() -> Self {
        Self {
            settings: BasinSettings::default(),
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
        let Some(a) = app_scene.optimizers.get(self.settings.optimizer) else { return };
        let b = self.settings.compare.and_then(|i| app_scene.optimizers.get(i)).map(|e| e.spec);
        let job = BasinJob {
            surface: surface.clone(),
            spec: a.spec,
            domain,
            grid: self.settings.grid,
            steps: app_scene.steps,
            dtype: self.settings.dtype,
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
                let alpha = (self.settings.opacity.clamp(0.0, 1.0) * 255.0) as u8;
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
                            name(Some(self.settings.optimizer)),
                            name(self.settings.compare)
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
                    name(Some(self.settings.optimizer)),
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
                self.settings.show = true;
                Some(message)
            }
            Outcome::Cancelled => Some("basin map cancelled".to_owned()),
            Outcome::Done(Err(e)) => Some(format!("basin map: {e}")),
            Outcome::Failed(e) => Some(format!("basin map failed: {e}")),
        }
    }

    /// Draws the map over the heatmap.
    pub fn draw(&self, pui: &mut PlotUi) {
        let Some(r) = self.result.as_ref().filter(|_| self.settings.show) else { return };
        let d = r.map.job.domain;
        let centre = PlotPoint::new((d.x_min + d.x_max) / 2.0, (d.y_min + d.y_max) / 2.0);
        let size = egui::Vec2::new(d.width() as f32, d.height() as f32);
        pui.image(PlotImage::new("", r.texture.id(), centre, size).allow_hover(false));
    }
}
