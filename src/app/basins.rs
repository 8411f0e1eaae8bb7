//! The basin map: colour every point of the view by where a run from it ends (or, comparing
//! two optimizers, where they end differently), computed in the background on all cores
//! ([`crate::sim::run::basins`]) and drawn over the heatmap.

use std::sync::Arc;

use egui::Color32;
use egui_plot::{PlotImage, PlotPoint, PlotUi};

use super::style::color;
use crate::jobs::{Budget, Cancelled, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced};
use crate::sim::run::basins::{BasinError, BasinJob, BasinMap, BasinSteps};
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

/// The map of the first optimizer, then of the second (when comparing), a few rows at a time
/// between frames where there are no threads; whole (rows on all cores) where there are.
struct BasinWork {
    /// The maps still to compute, the next one last.
    jobs: Vec<BasinJob>,
    /// The one under way, cut into rows.
    now: Option<BasinSteps>,
    /// Those done, in order.
    maps: Vec<BasinMap>,
}

impl BasinWork {
    /// The maps once every one is done.
    fn finished(&mut self) -> Option<Result<Maps, String>> {
        if !self.jobs.is_empty() || self.now.is_some() {
            return None;
        }
        let mut maps = std::mem::take(&mut self.maps).into_iter();
        let first = maps.next()?;
        Some(Ok((first, maps.next())))
    }
}

impl Sliced for BasinWork {
    type Output = Result<Maps, String>;

    fn slice(&mut self, budget: Budget, p: &Progress) -> SliceResult<Self::Output> {
        let said = |e: BasinError| match e {
            BasinError::Cancelled => Err(Cancelled),
            e => Ok(Some(Err(e.to_string()))),
        };
        loop {
            if let Some(done) = self.finished() {
                return Ok(Some(done));
            }
            if budget.is_whole() {
                // A thread of its own: rows on all cores, the critical points beside them.
                let Some(job) = self.jobs.pop() else { return Ok(None) };
                match job.run(p) {
                    Ok(map) => self.maps.push(map),
                    Err(e) => return said(e),
                }
                continue;
            }
            let steps = match self.now.take() {
                Some(steps) => steps,
                None => match self.jobs.pop().map(|job| BasinSteps::new(job, p)) {
                    Some(Ok(steps)) => steps,
                    Some(Err(e)) => return said(e),
                    None => return Ok(None),
                },
            };
            let mut steps = steps;
            match steps.advance(rayon::current_num_threads(), p) {
                Ok(Some(map)) => self.maps.push(map),
                Ok(None) => self.now = Some(steps),
                Err(e) => return said(e),
            }
            if !budget.left() {
                return Ok(self.finished());
            }
        }
    }
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
        let other = b.map(|spec| BasinJob { spec, ..job.clone() });
        let work = BasinWork {
            jobs: other.into_iter().chain([job]).collect(),
            now: None,
            maps: Vec::new(),
        };
        let ctx = ctx.clone();
        self.job.request_sliced(move || ctx.request_repaint(), work);
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
