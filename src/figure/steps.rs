//! [`Figure::new`] cut into pieces of work, so that where there are no threads (the browser) a
//! figure of an expensive surface is laid out between frames: a network slice's heatmap at
//! twice a window's size is thousands of exact forward passes (about a second in the page in
//! one piece). The pieces: the sheet (text, legend, ticks), a band of the heatmap's rows (a knot
//! on a lattice, [`LayerSteps`]), the colours, the contours, the critical points a unit
//! at a time ([`CriticalSteps`]). The same figure however it is cut.

use super::{Canvas, Sheet, Track, fit, scene_title, ticks};
use super::{Figure, FigureError, Heatmap, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT};
use crate::field::{FieldLayers, FieldStyle, LayerSteps};
use crate::scene::Scene;
use crate::sim::surfaces::critical::CriticalSteps;
use crate::sim::{CriticalPoint, Domain, SurfaceDef};

/// Rows of the heatmap a piece samples (a knot where the surface is sampled on a lattice).
const ROWS_PER_PIECE: usize = 16;

/// Units of the critical-point search a piece does (a unit is a Newton iteration or 64
/// gradients).
const CRITICAL_UNITS_PER_PIECE: usize = 4;

/// A figure being laid out.
pub struct FigureSteps {
    sheet: Option<Sheet>,
    view: Domain,
    size: (usize, usize),
    style: FieldStyle,
    heatmap: bool,
    /// The heatmap in pieces, made at the first piece (not when laid out whole).
    field: Option<LayerSteps<Box<SurfaceDef>>>,
    layers: Option<FieldLayers>,
    /// The search over the scene's domain, when the scene shows critical points.
    critical: Option<CriticalSteps>,
    found: Option<Vec<CriticalPoint>>,
}

impl FigureSteps {
    /// The figure of `scene` on `surface` with `tracks`, its sheet laid out and nothing sampled.
    ///
    /// # Errors
    /// As [`Figure::new`].
    pub fn new(
        scene: &Scene,
        surface: &SurfaceDef,
        tracks: Vec<Track>,
        canvas: Canvas,
    ) -> Result<Self, FigureError> {
        let title = scene_title(scene, Some(canvas.width));
        let margins = [MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM];
        let sheet = Sheet::new(scene, surface, &canvas, title, tracks, margins)?;
        let frame = sheet.frame;
        let view = fit(canvas.view.unwrap_or_else(|| scene.domain()), frame.w / frame.h);
        let style = FieldStyle {
            colormap: scene.view.colormap,
            log_scale: scene.view.log_scale,
            contour_count: if scene.view.contour_lines { scene.view.contours } else { 0 },
        };
        let nx = (frame.w * f64::from(canvas.density)).round().max(1.0) as usize;
        let ny = (frame.h * f64::from(canvas.density)).round().max(1.0) as usize;
        let critical = scene.view.critical_points.then(|| CriticalSteps::new(&scene.domain()));
        Ok(Self {
            sheet: Some(sheet),
            view,
            size: (nx, ny),
            style,
            heatmap: scene.view.heatmap,
            field: None,
            layers: None,
            critical,
            found: None,
        })
    }

    /// Does one piece of the layout on `surface` (the one the steps were made for), or all that
    /// is left when `whole`; the figure once it is laid out (handed over once).
    ///
    /// # Errors
    /// As [`Figure::new`].
    pub fn advance(
        &mut self,
        surface: &SurfaceDef,
        whole: bool,
    ) -> Result<Option<Figure>, FigureError> {
        loop {
            if self.layers.is_none() && whole {
                // On all cores, in one go: the same layers as the pieces.
                let (nx, ny) = self.size;
                let surface: &SurfaceDef = surface;
                self.layers = Some(FieldLayers::compute(surface, self.view, nx, ny, &self.style)?);
            } else if self.layers.is_none() {
                let field = match &mut self.field {
                    Some(field) => field,
                    None => {
                        let (nx, ny) = self.size;
                        let steps = LayerSteps::new(
                            Box::new(surface.clone()),
                            self.view,
                            nx,
                            ny,
                            self.style,
                        )?;
                        self.field.insert(steps)
                    }
                };
                self.layers = field.advance(ROWS_PER_PIECE)?;
            } else if let Some(search) = self.critical.as_mut().filter(|_| self.found.is_none()) {
                let units = if whole { usize::MAX } else { CRITICAL_UNITS_PER_PIECE };
                self.found = search.advance(surface, units);
            } else {
                return Ok(self.finish());
            }
            if !whole {
                return Ok(None);
            }
        }
    }

    /// The figure from the pieces done.
    fn finish(&mut self) -> Option<Figure> {
        let (mut sheet, layers) = (self.sheet.take()?, self.layers.take()?);
        let view = self.view;
        if let Some(mut found) = self.found.take() {
            // As `losscape critical` finds them over the scene's domain, those in view.
            found.retain(|c| view.contains(c.point));
            sheet.critical = found;
        }
        let (nx, ny) = self.size;
        let frame = sheet.frame;
        Some(Figure {
            sheet,
            view,
            heatmap: self.heatmap.then_some(Heatmap { nx, ny, rgba: layers.rgba }),
            contours: layers.contours,
            x_ticks: ticks(view.x_min, view.x_max, (frame.w / 90.0).max(2.0)),
            y_ticks: ticks(view.y_min, view.y_max, (frame.h / 70.0).max(2.0)),
        })
    }
}
