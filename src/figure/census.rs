//! The saddle census as a figure (Dauphin et al. 2014, Fig. 1): for each network, a column with
//! the loss of every critical point against its index (Fig. 1a) and, below it, the Hessian
//! eigenvalue histograms of its lowest-loss and highest-loss critical points (Fig. 1c, d), each
//! with the Wigner semicircle of the same mean and spread drawn over it (the random-matrix
//! prediction of the High-D window); a caption under all. Columns share the loss and index axes,
//! so a class sees how the picture changes as the network grows.
//!
//! Written as SVG; the PNG is the same SVG rasterised ([`super::raster::rasterize_svg`]). Every
//! critical point's dot carries `class="critical"` and its count of negative eigenvalues, every
//! histogram bar `class="bar"` and its count, and the index axis's tick labels
//! `class="index-tick"`, so a test can read the figure back.

use std::fmt::Write as _;

use super::svg::{PANEL_TICKS, TickStyle, escape, ticks_below, ticks_left, wrap};
use super::{Frame, ticks};
use crate::sim::net::census::{Census, Found, low_and_high};
use crate::sim::net::histogram::{Histogram, Semicircle, spectrum_range};
use crate::sim::net::objective::{EIG_TOL, count_negative};

/// Bins of each eigenvalue histogram.
pub const BINS: usize = 24;

/// The colour of minima.
pub const MINIMUM: &str = "#40d040";
/// The colour of saddles.
pub const SADDLE: &str = "#ff5050";
/// The colour of the random-matrix curve.
pub const SEMICIRCLE: &str = "#f0b040";

/// One network's census in the figure.
#[derive(Clone, Copy, Debug)]
pub struct Column<'a> {
    /// The architecture, e.g. `2-6-1`.
    pub arch: &'a str,
    /// Its census.
    pub census: &'a Census,
}

/// A spectrum's histogram, and the semicircle fitted to it with its expected count per bin
/// sampled finely, (eigenvalue, count).
pub type Spectrum = (Histogram, Option<(Semicircle, Vec<[f64; 2]>)>);

/// The histogram of one critical point's spectrum on about `[lo, hi]` and the semicircle fitted
/// to it, with its expected count per bin sampled finely: (eigenvalue, count).
///
/// When the range spans zero, zero is a bin edge, and an eigenvalue goes left of it exactly
/// when the census counts it negative ([`count_negative`]'s tolerance; values within it are
/// nudged by a millionth of a bin to the side they belong to), so the bars left of zero add up
/// to the point's count of negative eigenvalues.
pub fn spectrum(p: &Found, lo: f64, hi: f64) -> Spectrum {
    let width = (hi - lo) / BINS as f64;
    let (lo, hi, bins) = if lo < 0.0 && hi > 0.0 && width > 0.0 {
        let first = (lo / width).floor();
        let bins = ((hi / width).ceil() - first).max(1.0);
        (first * width, (first + bins) * width, bins as usize)
    } else {
        (lo, hi, BINS)
    };
    let radius = p.eigenvalues.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let tol = EIG_TOL * radius.max(1.0);
    let nudge = 1e-6 * width.abs();
    let values: Vec<f64> = p
        .eigenvalues
        .iter()
        .map(|&v| if v < -tol { v.min(-nudge) } else { v.max(nudge) })
        .collect();
    debug_assert_eq!(count_negative(&p.eigenvalues), values.iter().filter(|v| **v < 0.0).count());
    let hist = Histogram::new(&values, lo, hi, bins);
    let curve = Semicircle::fit(&p.eigenvalues).map(|sc| {
        let n = p.eigenvalues.len();
        let steps = 8 * bins;
        let pts = (0..=steps)
            .map(|k| {
                let x = hist.lo + (hist.hi() - hist.lo) * k as f64 / steps as f64;
                // Expected count in a bin of the histogram's width centred at x.
                let half = 0.5 * hist.width;
                [x, sc.expected_count(n, x - half, x + half)]
            })
            .collect();
        (sc, pts)
    });
    (hist, curve)
}

/// Short number: 3 significant digits.
fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// The caption: what the figure shows, and what it would look like if bad local minima were
/// common — one sentence.
pub const CAPTION: &str = "Each dot is a critical point of the network's loss (|grad L| < 1e-8), \
    placed by its loss and its index, the share of Hessian eigenvalues below zero, and the \
    histograms are the eigenvalues at its lowest-loss (A) and highest-loss (B) points under a \
    Wigner semicircle fitted to their mean and spread (the random-matrix picture of the High-D \
    window: it follows the shift towards negative eigenvalues as the loss rises, not the real \
    spectra's spike at zero and few large outliers). Minima (green, index 0) are found by descents \
    that leave saddles; dashed: a saddle beside the minimum it leads to. Almost every high point has \
    directions down; the few high minima of a small network vanish as it grows.";

/// The census figure as an SVG document of `w`×`h` pixels, one column per network; `what`
/// names the data.
pub fn census_svg(columns: &[Column<'_>], what: &str, (w, h): (u32, u32)) -> String {
    let (w, h) = (f64::from(w), f64::from(h));
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">"##
    );
    let _ = write!(s, r##"<rect width="{w}" height="{h}" fill="#181818"/>"##);
    let nets: Vec<&str> = columns.iter().map(|c| c.arch).collect();
    let _ = write!(
        s,
        r##"<text x="24" y="30" fill="#eeeeee" font-size="20">Saddle census of {} on {}: loss against index, and two Hessian spectra</text>"##,
        escape(&nets.join(" and ")),
        escape(what)
    );
    // Shared axes of the scatter plots.
    let all = columns.iter().flat_map(|c| c.census.points.iter());
    let losses: Vec<f64> = all.clone().map(|p| p.loss).filter(|v| v.is_finite()).collect();
    let mut loss_hi = losses.iter().copied().fold(f64::NEG_INFINITY, f64::max) * 1.08;
    if !(loss_hi.is_finite() && loss_hi > 0.0) {
        loss_hi = 1.0;
    }
    let index_hi = all.map(|p| p.index).fold(0.0_f64, f64::max).max(0.1) * 1.1;
    // The caption, wrapped to the width.
    let caption = wrap(CAPTION, ((w - 48.0) / (14.0 * 0.5)) as usize);
    let caption_h = 20.0 * caption.len() as f64 + 16.0;
    let k = columns.len().max(1) as f64;
    let gap = 40.0;
    let col_w = (w - 24.0 - gap * (k - 1.0) - 16.0) / k;
    let body_top = 56.0;
    let body_h = h - body_top - caption_h;
    for (ci, col) in columns.iter().enumerate() {
        let x0 = 24.0 + ci as f64 * (col_w + gap);
        column(&mut s, col, x0, body_top, col_w, body_h, (loss_hi, index_hi));
    }
    for (i, line) in caption.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="24" y="{:.1}" fill="#dddddd" font-size="14">{}</text>"##,
            h - caption_h + 16.0 + 20.0 * i as f64,
            escape(line)
        );
    }
    s.push_str("</svg>");
    s
}

/// One axis of a panel: its range of values, about how many ticks, and where a value is in pixels.
struct Axis<'f> {
    range: (f64, f64),
    ticks: f64,
    px: &'f dyn Fn(f64) -> f64,
}

/// The ticks of a panel's two axes `[x, y]`, below the bottom edge and left of the left edge
/// of `(left, bottom)`; `attrs` go on every label.
fn axis_ticks(
    s: &mut String,
    style: &TickStyle,
    (left, bottom): (f64, f64),
    [x, y]: [Axis<'_>; 2],
    attrs: &str,
) {
    let x_ticks = ticks(x.range.0, x.range.1, x.ticks);
    ticks_below(s, style, bottom, x_ticks.iter().map(|t| ((x.px)(t.value), &*t.label)), attrs);
    let y_ticks = ticks(y.range.0, y.range.1, y.ticks);
    ticks_left(s, style, left, y_ticks.iter().map(|t| ((y.px)(t.value), &*t.label)), attrs);
}

/// The ticks of the census's panels: the scatter's, and the histograms' (smaller).
const SCATTER_TICKS: TickStyle = TickStyle { x_class: Some("index-tick"), ..PANEL_TICKS };
const HISTOGRAM_TICKS: TickStyle = TickStyle {
    stroke: "#888888",
    length: 4.0,
    below: 18.0,
    beside: 6.0,
    lift: 4.0,
    newline: false,
    axis_digits: Some(1),
    tick_digits: Some(2),
    x_class: None,
};

/// One network's column: a title, the scatter, the two histograms.
fn column(
    s: &mut String,
    col: &Column<'_>,
    x0: f64,
    top: f64,
    w: f64,
    h: f64,
    (loss_hi, index_hi): (f64, f64),
) {
    let c = col.census;
    let n = c.points.first().map_or(0, |p| p.eigenvalues.len());
    let _ = write!(
        s,
        r##"<g class="census-column" data-net="{}"><text x="{x0}" y="{:.1}" fill="#eeeeee" font-size="16">{} ({n} parameters): {} critical points — {} minima, {} saddles; {} of {} searches rejected</text>"##,
        escape(col.arch),
        top + 10.0,
        escape(col.arch),
        c.points.len(),
        c.minima(),
        c.saddles(),
        c.rejected(),
        c.searches(),
    );
    let panel = Frame::from_sides(x0 + 56.0, top + 26.0, x0 + w, top + 0.52 * h);
    let i0 = -0.03 * index_hi;
    let x = |i: f64| panel.x + (i - i0) / (index_hi - i0) * (panel.right() - panel.x);
    let y = |l: f64| panel.bottom() - l / loss_hi * (panel.bottom() - panel.y);
    scatter(s, c, &panel, x0, (loss_hi, index_hi), (&x, &y));
    // The two spectra, on one eigenvalue axis.
    let Some((lo_i, hi_i)) = low_and_high(c) else {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" fill="#cccccc" font-size="14">no critical point found: no spectrum to show</text></g>"##,
            panel.x,
            panel.bottom() + 80.0
        );
        return;
    };
    let (a, b) = (&c.points[lo_i], &c.points[hi_i]);
    let (lo, hi) = spectrum_range([a, b]);
    let spectra = [spectrum(a, lo, hi), spectrum(b, lo, hi)];
    let count_hi = spectra
        .iter()
        .flat_map(|(hist, curve)| {
            let bars = hist.counts.iter().map(|&c| c as f64);
            let peak = curve.iter().flat_map(|(_, pts)| pts.iter().map(|p| p[1]));
            bars.chain(peak).collect::<Vec<_>>()
        })
        .fold(1.0_f64, f64::max)
        * 1.1;
    let hgap = 36.0;
    let hw = (panel.right() - panel.x - hgap) / 2.0;
    for (k, (spectrum, (label, p))) in
        spectra.iter().zip([("A: lowest loss", a), ("B: highest loss", b)]).enumerate()
    {
        let hx0 = panel.x + k as f64 * (hw + hgap);
        let area = Frame::from_sides(hx0, panel.bottom() + 84.0, hx0 + hw, top + h - 40.0);
        histogram(s, spectrum, &area, count_hi, label, p);
    }
    // Mark A and B in the scatter.
    for (label, p) in [("A", a), ("B", b)] {
        let _ = write!(
            s,
            r##"<circle cx="{:.2}" cy="{:.2}" r="9" fill="none" stroke="#ffffff" stroke-width="1.5"/><text x="{:.2}" y="{:.2}" fill="#ffffff" font-size="14">{label}</text>"##,
            x(p.index),
            y(p.loss),
            x(p.index) + 11.0,
            y(p.loss) - 8.0
        );
    }
    s.push_str("</g>");
}

/// The scatter of loss against index in `panel` (the column starting at `x0`), with its axes,
/// its dots and their key; `(x, y)` place an index and a loss.
fn scatter(
    s: &mut String,
    c: &Census,
    panel: &Frame,
    x0: f64,
    (loss_hi, index_hi): (f64, f64),
    (x, y): (&dyn Fn(f64) -> f64, &dyn Fn(f64) -> f64),
) {
    let (left, sy0, right, sy1) = panel.sides();
    panel.outline(s);
    let axes = [
        Axis { range: (0.0, index_hi), ticks: 6.0, px: x },
        Axis { range: (0.0, loss_hi), ticks: 5.0, px: y },
    ];
    axis_ticks(s, &SCATTER_TICKS, (left, sy1), axes, r##" fill="#cccccc" font-size="13""##);
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" fill="#cccccc" font-size="14" text-anchor="middle">index (share of negative Hessian eigenvalues)</text><text x="{:.1}" y="{:.1}" fill="#cccccc" font-size="14" text-anchor="middle" transform="rotate(-90 {:.1} {:.1})">loss</text>"##,
        0.5 * (left + right),
        sy1 + 38.0,
        x0 + 12.0,
        0.5 * (sy0 + sy1),
        x0 + 12.0,
        0.5 * (sy0 + sy1),
    );
    pairs(s, c, (x, y));
    // Saddles first, so the rarer minima are drawn on top.
    let mut order: Vec<&Found> = c.points.iter().filter(|p| p.loss.is_finite()).collect();
    order.sort_by_key(|p| p.is_minimum());
    for p in order {
        let color = if p.is_minimum() { MINIMUM } else { SADDLE };
        let _ = write!(
            s,
            r##"<circle class="critical" data-negative="{}" data-n="{}" cx="{:.3}" cy="{:.3}" r="5" fill="{color}" fill-opacity="0.8"/>"##,
            p.negative,
            p.eigenvalues.len(),
            x(p.index),
            y(p.loss)
        );
    }
    let _ = write!(
        s,
        r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="{MINIMUM}"/><text x="{:.1}" y="{:.1}" fill="#cccccc" font-size="13">minimum (index 0)</text><circle cx="{:.1}" cy="{:.1}" r="5" fill="{SADDLE}"/><text x="{:.1}" y="{:.1}" fill="#cccccc" font-size="13">saddle</text>"##,
        left + 18.0,
        sy0 + 18.0,
        left + 28.0,
        sy0 + 23.0,
        left + 18.0,
        sy0 + 38.0,
        left + 28.0,
        sy0 + 43.0,
    );
}

/// Each saddle next to a minimum ([`Census::pairs`]): a dashed line from the saddle down to
/// the minimum its descent reached, and the lesson beside the saddle.
fn pairs(s: &mut String, c: &Census, (x, y): (&dyn Fn(f64) -> f64, &dyn Fn(f64) -> f64)) {
    for (k, pair) in c.pairs.iter().enumerate() {
        let (a, b) = (&c.points[pair.saddle], &c.points[pair.minimum]);
        let (ax, ay, bx, by) = (x(a.index), y(a.loss), x(b.index), y(b.loss));
        let _ = write!(
            s,
            r##"<line class="pair" x1="{ax:.2}" y1="{ay:.2}" x2="{bx:.2}" y2="{by:.2}" stroke="#dddddd" stroke-width="1.5" stroke-dasharray="4 3"/>"##
        );
        if k == 0 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" fill="#dddddd" font-size="12">stuck on a saddle: {:.1e} above the minimum</text>"##,
                ax + 9.0,
                ay - 8.0,
                a.loss - b.loss
            );
        }
    }
}

/// One critical point's eigenvalue histogram in `area`, counts up to `count_hi`: its title,
/// bars (red below zero), fitted semicircle, zero line and axes.
fn histogram(
    s: &mut String,
    (hist, curve): &Spectrum,
    area: &Frame,
    count_hi: f64,
    label: &str,
    p: &Found,
) {
    let (hx0, hy0, hx1, hy1) = area.sides();
    let hw = hx1 - hx0;
    let hx = |v: f64| hx0 + (v - hist.lo) / (hist.hi() - hist.lo) * hw;
    let hy = |c: f64| hy1 - c / count_hi * (hy1 - hy0);
    let _ = write!(
        s,
        r##"<text x="{hx0:.1}" y="{:.1}" fill="#eeeeee" font-size="14">{label} {}, index {}/{}{}</text>"##,
        hy0 - 22.0,
        short(p.loss),
        p.negative,
        p.eigenvalues.len(),
        if p.is_minimum() { " (a minimum)" } else { "" },
    );
    if let Some((sc, _)) = curve {
        let _ = write!(
            s,
            r##"<text x="{hx0:.1}" y="{:.1}" fill="{SEMICIRCLE}" font-size="13">semicircle fitted to it: index {}</text>"##,
            hy0 - 6.0,
            short(sc.predicted_index()),
        );
    }
    let _ = write!(
        s,
        r##"<g class="histogram" data-n="{}" data-negative="{}" data-loss="{:?}">"##,
        p.eigenvalues.len(),
        p.negative,
        p.loss,
    );
    area.outline(s);
    bars(s, hist, &hx, &hy, hy1);
    s.push_str("</g>");
    if let Some((_, pts)) = curve {
        let path: Vec<String> =
            pts.iter().map(|p| format!("{:.2},{:.2}", hx(p[0]), hy(p[1]))).collect();
        let _ = write!(
            s,
            r##"<polyline class="semicircle" points="{}" fill="none" stroke="{SEMICIRCLE}" stroke-width="2"/>"##,
            path.join(" ")
        );
    }
    if (hist.lo..=hist.hi()).contains(&0.0) {
        let zx = hx(0.0);
        let _ = write!(
            s,
            r##"<line x1="{zx:.2}" y1="{hy0:.1}" x2="{zx:.2}" y2="{hy1:.1}" stroke="#bbbbbb" stroke-dasharray="4 3"/>"##
        );
    }
    let axes = [
        Axis { range: (hist.lo, hist.hi()), ticks: 4.0, px: &hx },
        Axis { range: (0.0, count_hi), ticks: 4.0, px: &hy },
    ];
    axis_ticks(s, &HISTOGRAM_TICKS, (hx0, hy1), axes, r##" fill="#cccccc" font-size="12""##);
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" fill="#cccccc" font-size="13" text-anchor="middle">Hessian eigenvalue</text>"##,
        0.5 * (hx0 + hx1),
        hy1 + 34.0
    );
}

/// The histogram's bars (red below zero), each with its count; `hx` and `hy` place an
/// eigenvalue and a count, `hy1` is the axis.
fn bars(
    s: &mut String,
    hist: &Histogram,
    hx: &dyn Fn(f64) -> f64,
    hy: &dyn Fn(f64) -> f64,
    hy1: f64,
) {
    for (bin, &count) in hist.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let bx = hx(hist.lo + bin as f64 * hist.width);
        let bw = hx(hist.lo + (bin + 1) as f64 * hist.width) - bx;
        let centre = hist.centre(bin);
        let color = if centre < 0.0 { SADDLE } else { "#6aa8ff" };
        let _ = write!(
            s,
            r##"<rect class="bar" data-count="{count}" data-below-zero="{}" x="{:.2}" y="{:.3}" width="{:.2}" height="{:.3}" fill="{color}" fill-opacity="0.85"/>"##,
            u8::from(centre < 0.0),
            bx + 0.5,
            hy(count as f64),
            (bw - 1.0).max(0.5),
            hy1 - hy(count as f64),
        );
    }
}
