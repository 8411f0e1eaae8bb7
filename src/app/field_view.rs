//! The heatmap and contours of the visible region, resampled in the background whenever the view
//! changes, so the picture stays crisp at any zoom and the UI never waits for it.

use egui::{Color32, TextureHandle, TextureOptions};
use egui_plot::{Line, PlotBounds, PlotImage, PlotPoint, PlotPoints, PlotUi};

use super::style::contour_stroke;
use crate::field::{FieldLayers, FieldStyle, LayerSteps};
use crate::figure::decimate::simplify_by;
use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced};
use crate::scene::View;
use crate::sim::{Domain, SurfaceDef};

/// Largest side of a sampled field, in samples.
const MAX_SIDE: usize = 1024;
/// Smallest side of a sampled field.
const MIN_SIDE: usize = 32;

#[derive(Clone, Debug)]
struct Request {
    surface: SurfaceDef,
    domain: Domain,
    nx: usize,
    ny: usize,
    style: FieldStyle,
}

impl Request {
    /// Whether `self` shows the same thing as `other` closely enough not to resample: same
    /// surface and style, `other`'s region covers the view, and its resolution is within 25%.
    fn covered_by(&self, other: &Request) -> bool {
        let d = &self.domain;
        let o = &other.domain;
        let same_surface = same_surface(&self.surface, &other.surface);
        let covers =
            o.x_min <= d.x_min && o.x_max >= d.x_max && o.y_min <= d.y_min && o.y_max >= d.y_max;
        let density = |r: &Request| r.nx as f64 / r.domain.width();
        let ratio = density(other) / density(self);
        // A request at the largest side is as fine as it gets: it covers a view wider than
        // that too (else a wide plot asked again every frame and never saw its field).
        let fine_enough = ratio >= 0.8 || other.nx >= MAX_SIDE;
        same_surface && self.style == other.style && covers && fine_enough && ratio <= 1.6
    }
}

struct SampledField {
    request: Request,
    layers: Option<FieldLayers>,
}

/// Rows of the heatmap a slice samples between frames (a few milliseconds' work).
const ROWS_PER_SLICE: usize = 16;

/// A heatmap in the making: whole on a thread of its own (rows on all cores), a band of rows at
/// a time between frames where there are no threads; the same layers either way.
struct FieldJob {
    request: Request,
    steps: Option<LayerSteps<Box<SurfaceDef>>>,
}

impl Sliced for FieldJob {
    type Output = SampledField;

    fn slice(&mut self, budget: Budget, _: &Progress) -> SliceResult<Self::Output> {
        let r = &self.request;
        let done = |layers| Ok(Some(SampledField { request: r.clone(), layers }));
        if budget.is_whole() {
            return done(FieldLayers::compute(&r.surface, r.domain, r.nx, r.ny, &r.style).ok());
        }
        let steps = match &mut self.steps {
            Some(steps) => steps,
            None => {
                let surface = Box::new(r.surface.clone());
                match LayerSteps::new(surface, r.domain, r.nx, r.ny, r.style) {
                    Ok(steps) => self.steps.insert(steps),
                    Err(_) => return done(None),
                }
            }
        };
        loop {
            match steps.advance(ROWS_PER_SLICE) {
                Ok(Some(layers)) => return done(Some(layers)),
                Err(_) => return done(None),
                Ok(None) if !budget.left() => return Ok(None),
                Ok(None) => {}
            }
        }
    }
}

/// What is on screen and what is being computed.
pub struct FieldView {
    job: JobSlot<SampledField>,
    pending: Option<Request>,
    shown: Option<ShownField>,
}

impl Default for FieldView {
    fn default() -> Self {
        Self { job: JobSlot::new("field", Priority::Interactive), pending: None, shown: None }
    }
}

struct ShownField {
    request: Request,
    domain: Domain,
    texture: Option<TextureHandle>,
    contours: Vec<Vec<PlotPoint>>,
}

impl FieldView {
    /// Asks for the field of `bounds` at about `pixels` resolution, unless what is shown or
    /// being computed already covers it.
    pub fn request(
        &mut self,
        ctx: &egui::Context,
        surface: &SurfaceDef,
        bounds: PlotBounds,
        pixels: egui::Vec2,
        view: &View,
    ) {
        let (Some(domain), true) = (bounds_domain(&bounds), pixels.x >= 1.0 && pixels.y >= 1.0)
        else {
            return;
        };
        let style = FieldStyle {
            colormap: view.colormap,
            log_scale: view.log_scale,
            contour_count: view.contours,
        };
        let side = |px: f32| (px as usize).clamp(MIN_SIDE, MAX_SIDE);
        let wanted = Request {
            surface: surface.clone(),
            domain,
            nx: side(pixels.x),
            ny: side(pixels.y),
            style,
        };
        let covered = |r: Option<&Request>| r.is_some_and(|r| wanted.covered_by(r));
        if covered(self.pending.as_ref()) || covered(self.shown.as_ref().map(|s| &s.request)) {
            return;
        }
        // Sample a margin around the view, so that small pans do not resample.
        let margin = 0.15;
        let (w, h) = (domain.width() * margin, domain.height() * margin);
        let padded = Domain {
            x_min: domain.x_min - w,
            x_max: domain.x_max + w,
            y_min: domain.y_min - h,
            y_max: domain.y_max + h,
        };
        let scale = 1.0 + 2.0 * margin;
        let request = Request {
            domain: padded,
            nx: ((wanted.nx as f64 * scale) as usize).min(MAX_SIDE),
            ny: ((wanted.ny as f64 * scale) as usize).min(MAX_SIDE),
            ..wanted
        };
        self.send(request, ctx);
    }

    fn send(&mut self, request: Request, ctx: &egui::Context) {
        self.pending = Some(request.clone());
        let ctx = ctx.clone();
        self.job.request_sliced(move || ctx.request_repaint(), FieldJob { request, steps: None });
    }

    /// Takes a finished field, if any, and turns it into a texture.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some((outcome, _)) = self.job.poll() else { return };
        self.pending = None;
        let Outcome::Done(SampledField { request, layers }) = outcome else { return };
        let Some(layers) = layers else { return };
        let (nx, ny) = (layers.field.nx(), layers.field.ny());
        let image = egui::ColorImage::from_rgba_unmultiplied([nx, ny], &layers.rgba);
        let texture = match self.shown.take().and_then(|s| s.texture) {
            Some(mut t) => {
                t.set(image, TextureOptions::LINEAR);
                t
            }
            None => ctx.load_texture("field", image, TextureOptions::LINEAR),
        };
        // Contours are traced at a point per sample, about a point per screen pixel: keep only
        // the points a pixel can tell apart (0.35 of a sample), once, not every frame.
        let (sx, sy) = (
            request.domain.width() / request.nx.max(1) as f64,
            request.domain.height() / request.ny.max(1) as f64,
        );
        let contours = layers
            .contours
            .iter()
            .flat_map(|c| c.polylines.iter())
            .map(|pl| {
                let kept = simplify_by(pl.len(), |i| (pl[i][0] / sx, pl[i][1] / sy), 0.35);
                kept.iter().map(|&i| PlotPoint::new(pl[i as usize][0], pl[i as usize][1])).collect()
            })
            .collect();
        self.shown =
            Some(ShownField { domain: request.domain, request, texture: Some(texture), contours });
    }

    /// Draws the heatmap and contours into a plot.
    pub fn draw<'a>(&'a self, pui: &mut PlotUi<'a>, view: &View) {
        let Some(shown) = &self.shown else { return };
        let d = shown.domain;
        if view.heatmap
            && let Some(texture) = &shown.texture
        {
            let center = PlotPoint::new((d.x_min + d.x_max) / 2.0, (d.y_min + d.y_max) / 2.0);
            let size = egui::vec2(d.width() as f32, d.height() as f32);
            pui.image(PlotImage::new("", texture.id(), center, size).allow_hover(false));
        }
        if view.contour_lines {
            let stroke =
                if view.heatmap { contour_stroke() } else { egui::Stroke::new(1.0, Color32::GRAY) };
            for line in &shown.contours {
                pui.line(
                    Line::new("", PlotPoints::Borrowed(line)).stroke(stroke).allow_hover(false),
                );
            }
        }
    }

    /// Whether a field is on screen.
    pub fn is_shown(&self) -> bool {
        self.shown.is_some()
    }
}

/// Whether two surfaces are the same: models and network slices by their data and vectors
/// (their formula strings are the same for any data), the others by their formula.
fn same_surface(a: &SurfaceDef, b: &SurfaceDef) -> bool {
    match (a, b) {
        (SurfaceDef::Model(x), SurfaceDef::Model(y)) => std::sync::Arc::ptr_eq(x, y) || x == y,
        (SurfaceDef::Slice(x), SurfaceDef::Slice(y)) => std::sync::Arc::ptr_eq(x, y) || x == y,
        (SurfaceDef::Model(_) | SurfaceDef::Slice(_), _)
        | (_, SurfaceDef::Model(_) | SurfaceDef::Slice(_)) => false,
        _ => a.formula() == b.formula(),
    }
}

fn bounds_domain(b: &PlotBounds) -> Option<Domain> {
    let [x0, y0] = b.min();
    let [x1, y1] = b.max();
    Domain::new(x0, x1, y0, y1).ok()
}
