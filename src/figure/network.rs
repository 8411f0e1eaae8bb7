//! The figures of a trained network: a 2-D slice of its loss with the training path projected
//! onto it (`losscape landscape`), and the 1-D line from θ₀ to θ (`losscape interpolate`).

use std::sync::Arc;

use super::svg::{TickStyle, ticks_below, ticks_left};
use super::{Canvas, Figure, FigureError, Track};
use crate::scene::{Rgb, Scene, SurfaceChoice};
use crate::sim::net::{Directions, Network, Slice, Training};
use crate::sim::{Point, Surface};

/// A loss for a caption: 4 decimals, or 3 significant digits when very small or very large.
pub fn short(v: f64) -> String {
    if (1e-3..1e5).contains(&v.abs()) || v == 0.0 { format!("{v:.4}") } else { format!("{v:.3e}") }
}

/// A map sampled on a G × G grid over `[lo, lo + (g−1)·step]²`, read between the samples by
/// bilinear interpolation (clamped at the edges). Only for drawing: the figure's heatmap and
/// contours show exactly the map `--grid` asks for (the CSV's numbers), not a denser resampling
/// of the network; its derivatives are not used and are given as zero.
struct Sampled {
    lo: f64,
    step: f64,
    g: usize,
    values: Vec<f64>,
}

impl Surface for Sampled {
    fn value(&self, p: Point) -> f64 {
        let last = (self.g - 1) as f64;
        let u = ((p.x - self.lo) / self.step).clamp(0.0, last);
        let v = ((p.y - self.lo) / self.step).clamp(0.0, last);
        let (i, j) = ((u.floor() as usize).min(self.g - 2), (v.floor() as usize).min(self.g - 2));
        let (fu, fv) = (u - i as f64, v - j as f64);
        let at = |i: usize, j: usize| self.values[j * self.g + i];
        (1.0 - fv) * ((1.0 - fu) * at(i, j) + fu * at(i + 1, j))
            + fv * ((1.0 - fu) * at(i, j + 1) + fu * at(i + 1, j + 1))
    }

    fn value_grad(&self, p: Point) -> (f64, crate::sim::Gradient) {
        (self.value(p), crate::sim::Gradient::zeros())
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, crate::sim::Gradient, crate::sim::Hessian) {
        (self.value(p), crate::sim::Gradient::zeros(), crate::sim::Hessian::zeros())
    }
}

/// The figure of a slice: its G × G map as heatmap and contours, and the training path projected
/// onto the slice's plane (from θ₀, the start marker, to θ at the centre).
pub fn slice_figure(
    slice: &Slice,
    training: &Training,
    directions: Directions,
    grid: usize,
    (width, height): (u32, u32),
) -> Result<Figure, FigureError> {
    let domain = slice.default_domain();
    let g = grid.max(2);
    let axis: Vec<f64> =
        (0..g).map(|i| domain.x_min + domain.width() * i as f64 / (g - 1) as f64).collect();
    let mut values = vec![0.0; g * g];
    slice.sample_grid(&axis, &axis, &mut values);
    let sampled = Sampled { lo: domain.x_min, step: domain.width() / (g - 1) as f64, g, values };

    let mut scene = Scene::new(SurfaceChoice::Formula("0".into()));
    scene.title = format!(
        "{} slice of a trained {} network: L(θ + α·δ + β·η)",
        directions.name(),
        slice.network().architecture()
    );
    scene.caption = format!(
        "loss {} at the centre (the trained θ); {g}×{g} map, log colour scale; the training path projected onto the plane",
        short(slice.value(Point::new(0.0, 0.0)))
    );
    scene.view.log_scale = true;
    scene.domain = Some(domain);
    scene.optimizers.clear();
    scene.starts.clear();
    scene.view.critical_points = false;
    // A square frame, so that the map fills it.
    let side = (f64::from(width.min(height)) - 110.0).max(100.0);
    let (w, h) = super::size_around_frame(side, side, true);
    let canvas = Canvas { view: Some(domain), ..Canvas::new(w, h) };
    let flat = crate::sim::SurfaceDef::Formula(Arc::new(crate::sim::Formula::parse("0")?));
    let mut fig = Figure::new(&scene, &flat, Vec::new(), canvas)?;
    // The slice's coordinates: steps along δ and η.
    fig.sheet.axes = ["α".to_owned(), "β".to_owned()];
    let style = crate::field::FieldStyle {
        colormap: scene.view.colormap,
        log_scale: scene.view.log_scale,
        contour_count: scene.view.contours,
    };
    if let Some(heatmap) = &mut fig.heatmap {
        let layers =
            crate::field::FieldLayers::compute(&sampled, fig.view, heatmap.nx, heatmap.ny, &style)?;
        heatmap.rgba = layers.rgba;
        fig.contours = layers.contours;
    }
    let color = Rgb([0xff, 0x40, 0x40]);
    let points: Vec<Point> = training.path.iter().map(|t| slice.project(t)).collect();
    fig.sheet.starts = points.first().copied().into_iter().collect();
    let last_step = points.len().saturating_sub(1);
    let path = Track {
        label: "training path".into(),
        color,
        points,
        diverged_at: None,
        stride: 1,
        last_step,
    };
    fig.sheet.tracks.push(path);
    fig.sheet.legend.push(("training path (projected)".into(), color));
    Ok(fig)
}

/// The interpolation plot as SVG: loss against α, θ₀ at α = 0 and θ at α = 1 marked.
pub fn line_svg(line: &[(f64, f64)], net: &Network, (w, h): (u32, u32)) -> String {
    use std::fmt::Write as _;
    let (w, h) = (f64::from(w), f64::from(h));
    let (left, right, top, bottom) = (80.0, 30.0, 60.0, 60.0);
    let finite: Vec<f64> = line.iter().map(|p| p.1).filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(hi.is_finite() && hi > lo) {
        hi = lo + 1.0;
    }
    let x = |a: f64| left + (a + 0.5) / 2.0 * (w - left - right);
    let y = |l: f64| top + (1.0 - (l - lo) / (hi - lo)) * (h - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">"##
    );
    let _ = write!(s, r##"<rect width="{w}" height="{h}" fill="#181818"/>"##);
    let _ = write!(
        s,
        r##"<text x="{left}" y="30" fill="#eeeeee" font-size="18">Interpolation L((1−α)·θ₀ + α·θ), {} network</text>"##,
        super::svg::escape(&net.architecture().to_string())
    );
    let (fx0, fx1, fy0, fy1) = (x(-0.5), x(1.5), y(hi), y(lo));
    let _ = write!(
        s,
        r##"<rect x="{fx0}" y="{fy0}" width="{}" height="{}" fill="none" stroke="#888888"/>"##,
        fx1 - fx0,
        fy1 - fy0
    );
    let style = TickStyle {
        stroke: "#888888",
        length: 5.0,
        below: 22.0,
        beside: 8.0,
        lift: 4.0,
        newline: false,
        axis_digits: None,
        tick_digits: None,
        x_class: None,
    };
    let attrs = r##" fill="#cccccc" font-size="13""##;
    let alphas = super::ticks(-0.5, 1.5, 8.0);
    ticks_below(&mut s, &style, fy1, alphas.iter().map(|t| (x(t.value), &*t.label)), attrs);
    let losses = super::ticks(lo, hi, 6.0);
    ticks_left(&mut s, &style, fx0, losses.iter().map(|t| (y(t.value), &*t.label)), attrs);
    for (a, name) in [(0.0, "θ₀"), (1.0, "θ")] {
        let _ = write!(
            s,
            r##"<line x1="{0}" y1="{fy0}" x2="{0}" y2="{fy1}" stroke="#555555" stroke-dasharray="4 4"/><text x="{0}" y="{1}" fill="#cccccc" font-size="14" text-anchor="middle">{name}</text>"##,
            x(a),
            fy0 - 6.0
        );
    }
    let mut d = String::new();
    for &(a, l) in line.iter().filter(|p| p.1.is_finite()) {
        let _ = write!(d, "{}{:.2},{:.2} ", if d.is_empty() { "M" } else { "L" }, x(a), y(l));
    }
    let _ = write!(s, r##"<path d="{d}" fill="none" stroke="#ff4040" stroke-width="2.5"/>"##);
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" fill="#cccccc" font-size="14" text-anchor="middle">α</text><text x="20" y="{}" fill="#cccccc" font-size="14">loss</text></svg>"##,
        (fx0 + fx1) / 2.0,
        h - 15.0,
        (fy0 + fy1) / 2.0
    );
    s
}
