//! What the picture of a surface is made of: a sampled grid, a colour map, contour lines.
//!
//! Pure Rust with no GUI crate, shared by the egui app and the headless PNG/SVG renderer. The data
//! flows one way: a [`Surface`](crate::sim::Surface) over a [`Domain`](crate::sim::Domain) is
//! sampled into a [`Field`] (in parallel over all cores); the field is coloured into RGBA bytes by
//! [`colorize`] through a [`Colormap`] and a [`ColorScale`] (linear or logarithmic); and it is
//! traced into [`ContourLine`]s by marching squares at the [`contour_levels`] of the same scale.
//! [`FieldLayers::compute`] does all three.
//!
//! # Geometry
//!
//! The grid is **cell-centred**: the domain is cut into `nx × ny` equal cells, one per pixel, and
//! each sample is taken at its cell's centre, `x_i = x_min + (i + ½)·Δx` with `Δx = width / nx`
//! (the same for y). So an `nx × ny` image stretched exactly over the domain's rectangle shows
//! each sample at its pixel's centre. [`Field`] stores rows from `y_min` upwards (row `j = 0` is
//! the bottom); images ([`colorize`]) are in image order, first row at the top (`y_max`).
//!
//! # Missing values
//!
//! A typed formula may be undefined somewhere (`ln(x)` for `x < 0`). Every non-finite sample
//! (NaN, ±∞) is stored as NaN; the range ignores it, [`colorize`] paints it [`NAN_RGBA`]
//! (transparent), and [`contours`] skips every cell with a NaN corner.
//!
//! # Speed
//!
//! A 1024 × 1024 view — sample, colour, 20 contour levels — is meant to take ≤ 16 ms on a
//! two-core machine (`benches/field.rs` measures each stage). Sampling, colouring and contouring
//! each split their rows over the calling rayon pool; colour maps are 256-entry tables built
//! once per process; contouring classifies every node once against the sorted levels and then
//! only visits the cells a level actually crosses.

mod colormap;
mod contour;
mod grid;

pub use colormap::{
    ColorScale, Colormap, LOG_DECADES, LUT_SIZE, NAN_RGBA, UnknownColormap, colorize, colorize_into,
};
pub use contour::{ContourLine, contour_levels, contours, contours_with_threads};
pub use grid::{Field, FieldError, MAX_SAMPLES};

use crate::sim::surfaces::Lattice;
use crate::sim::{Domain, Surface};

/// How a field is drawn: colour map, colour scale and number of contour lines.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FieldStyle {
    /// The colour map of the heatmap.
    pub colormap: Colormap,
    /// Whether the colour scale (and the contour spacing) is logarithmic, see [`ColorScale`].
    pub log_scale: bool,
    /// How many contour levels, evenly spaced in the colour scale (0 for none).
    pub contour_count: usize,
}

impl Default for FieldStyle {
    /// Viridis, linear, 20 contour levels.
    fn default() -> Self {
        Self { colormap: Colormap::default(), log_scale: false, contour_count: 20 }
    }
}

/// Everything drawn for a surface in one view: the samples, the colour scale, the heatmap and the
/// contour lines.
#[derive(Clone, Debug)]
pub struct FieldLayers {
    /// The sampled surface.
    pub field: Field,
    /// The colour scale over the field's finite range (a colour bar draws it).
    pub scale: ColorScale,
    /// The heatmap: `nx × ny` RGBA pixels, row-major, first row at the top (`y_max`).
    pub rgba: Vec<u8>,
    /// One contour line per level of [`contour_levels`], lowest level first.
    pub contours: Vec<ContourLine>,
}

impl FieldLayers {
    /// Samples `surface` on an `nx × ny` grid over `domain` ([`Field::sample`]), colours it with
    /// `style`'s map over the field's finite range ([`ColorScale::for_field`], [`colorize`]), and
    /// traces `style.contour_count` levels evenly spaced in that scale ([`contour_levels`],
    /// [`contours`]).
    ///
    /// # Errors
    /// [`FieldError`] when the grid is empty or too large, or the domain is not a proper
    /// rectangle.
    pub fn compute<S: Surface + Sync + ?Sized>(
        surface: &S,
        domain: Domain,
        nx: usize,
        ny: usize,
        style: &FieldStyle,
    ) -> Result<Self, FieldError> {
        let field = Field::sample(surface, domain, nx, ny)?;
        let scale = ColorScale::for_field(&field, style.log_scale);
        let rgba = colorize(&field, style.colormap, &scale);
        let levels = scale.levels(style.contour_count);
        let contours = contours(&field, &levels);
        Ok(Self { field, scale, rgba, contours })
    }
}

/// [`FieldLayers::compute`] cut into units of work (a band of rows, the colours, the contours),
/// so that where there are no threads (the browser) a heatmap is made between frames. The same
/// layers, bit for bit.
///
/// A surface sampled on a lattice ([`Surface::grid_stride`] > 1, a network slice) is sampled a
/// knot a unit (each knot is an exact evaluation, a forward pass of the network over its data:
/// its cost grows with the network), then filled in (one unit): the knots of the whole grid, as
/// the whole computation has them.
pub struct LayerSteps<S> {
    surface: S,
    domain: Domain,
    nx: usize,
    ny: usize,
    style: FieldStyle,
    xs: Vec<f64>,
    /// The lattice, with its knots' coordinates, when the surface is sampled on one.
    lattice: Option<(Lattice, Vec<f64>, Vec<f64>)>,
    /// The samples so far: rows of the grid, or knots of a lattice (row by row).
    values: Vec<f64>,
    field: Option<Field>,
    coloured: Option<(Field, ColorScale, Vec<u8>)>,
}

impl<S: Surface + ?Sized> LayerSteps<Box<S>> {
    /// The layers of `surface` on an `nx × ny` grid over `domain`, not started.
    ///
    /// # Errors
    /// As [`FieldLayers::compute`].
    pub fn new(
        surface: Box<S>,
        domain: Domain,
        nx: usize,
        ny: usize,
        style: FieldStyle,
    ) -> Result<Self, FieldError> {
        let (len, xs) = Field::check_with_columns(domain, nx, ny)?;
        let stride = surface.grid_stride(nx, ny);
        let lattice = (stride > 1).then(|| {
            let lattice = Lattice::new(nx, ny, stride);
            let ys: Vec<f64> =
                (0..ny).map(|j| grid::centre(domain.y_min, domain.height(), ny, j)).collect();
            let (cx, cy) = (lattice.knots_x(&xs), lattice.knots_y(&ys));
            (lattice, cx, cy)
        });
        let values =
            Vec::with_capacity(lattice.as_ref().map_or(len, |(_, cx, cy)| cx.len() * cy.len()));
        Ok(Self {
            surface,
            domain,
            nx,
            ny,
            style,
            xs,
            lattice,
            values,
            field: None,
            coloured: None,
        })
    }

    /// Samples up to `rows` more rows (on a lattice: one more knot, then the filling in); once
    /// all are in, colours them (one call), then traces the contours (one call) and hands over
    /// the layers.
    ///
    /// # Errors
    /// As [`FieldLayers::compute`].
    pub fn advance(&mut self, rows: usize) -> Result<Option<FieldLayers>, FieldError> {
        let (nx, ny, d) = (self.nx, self.ny, self.domain);
        if let Some((field, scale, rgba)) = self.coloured.take() {
            let contours = contours(&field, &scale.levels(self.style.contour_count));
            return Ok(Some(FieldLayers { field, scale, rgba, contours }));
        }
        if let Some(field) = self.field.take() {
            let scale = ColorScale::for_field(&field, self.style.log_scale);
            let rgba = colorize(&field, self.style.colormap, &scale);
            self.coloured = Some((field, scale, rgba));
            return Ok(None);
        }
        let values = match &self.lattice {
            Some((lattice, cx, cy)) => {
                let done = self.values.len();
                if done < cx.len() * cy.len() {
                    // One knot: for a network of 10⁵ parameters a knot is a forward pass of
                    // ~40 ms in the page, a row of knots seconds.
                    let (i, j) = (done % cx.len(), done / cx.len());
                    let mut knot = [0.0];
                    self.surface.sample_grid(&cx[i..=i], &cy[j..=j], &mut knot);
                    self.values.push(knot[0]);
                    return Ok(None);
                }
                let ys: Vec<f64> =
                    (0..ny).map(|j| grid::centre(d.y_min, d.height(), ny, j)).collect();
                let mut values = vec![0.0; nx * ny];
                lattice.fill(&self.values, &self.xs, &ys, &mut values);
                values
            }
            None => {
                let done = self.values.len() / nx.max(1);
                if done < ny {
                    let end = done.saturating_add(rows.max(1)).min(ny);
                    let ys: Vec<f64> =
                        (done..end).map(|j| grid::centre(d.y_min, d.height(), ny, j)).collect();
                    let mut band = vec![0.0; ys.len() * nx];
                    self.surface.sample_grid(&self.xs, &ys, &mut band);
                    self.values.extend(band);
                    return Ok(None);
                }
                std::mem::take(&mut self.values)
            }
        };
        self.field = Some(Field::from_values(d, nx, ny, values)?);
        Ok(None)
    }
}

pub(crate) use crate::sim::run::parallel::thread_count;
use rayon::prelude::*;

/// The threads for `items` of work: one below `min_items`, else [`thread_count`].
pub(crate) fn threads_for(items: usize, min_items: usize) -> usize {
    if items < min_items { 1 } else { thread_count() }
}

/// Splits `data` (rows of `row_len` items) into exactly `threads` bands of whole rows (fewer
/// when there are fewer rows; at least one) and runs `work(first_row, band)` on each, the
/// calling thread taking the first band ([`threads_for`] chooses how many). Returns each band's
/// result, in row order.
pub(crate) fn par_row_bands_on<T, R, F>(
    threads: usize,
    data: &mut [T],
    row_len: usize,
    work: F,
) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(usize, &mut [T]) -> R + Sync,
{
    let rows = data.len().checked_div(row_len).unwrap_or(0);
    let threads = threads.min(rows).max(1);
    if threads <= 1 || row_len == 0 {
        return vec![work(0, data)];
    }
    let rows_per_band = rows.div_ceil(threads);
    data.par_chunks_mut(rows_per_band * row_len)
        .enumerate()
        .map(|(b, band)| work(b * rows_per_band, band))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Builtin, SurfaceDef};

    #[test]
    fn layers_made_a_few_rows_at_a_time_are_the_layers_made_whole() {
        let surface = SurfaceDef::Builtin(Builtin::Himmelblau);
        let domain = Builtin::Himmelblau.domain();
        let style = FieldStyle { contour_count: 12, ..FieldStyle::default() };
        let whole = FieldLayers::compute(&surface, domain, 97, 61, &style).expect("layers");
        let mut steps = LayerSteps::new(Box::new(surface), domain, 97, 61, style).expect("steps");
        let mut calls = 0;
        let sliced = loop {
            calls += 1;
            if let Some(layers) = steps.advance(5).expect("no error") {
                break layers;
            }
        };
        // 13 bands of rows, the field, the colours, the contours.
        assert_eq!(calls, 13 + 3);
        assert_eq!(sliced.field, whole.field);
        assert_eq!(sliced.rgba, whole.rgba);
        assert_eq!(sliced.contours, whole.contours);
        assert!(!whole.contours.is_empty());
        let empty = LayerSteps::new(
            Box::new(SurfaceDef::Builtin(Builtin::Himmelblau)),
            domain,
            0,
            5,
            style,
        );
        assert!(empty.is_err());
    }
}
