//! The Hessian spectrum along training as a figure (`losscape spectrum --out FILE.png|.svg`):
//! on the left, the eigenvalue density at each chosen step, one colour per step, overlaid on a
//! symmetric-log eigenvalue axis with a log density axis, so that the bulk near 0 and the few
//! large outliers are both readable; on the right, each step's negative share against its loss
//! (Dauphin et al. 2014, Fig. 1, at the scale of a real network); a caption under both.
//!
//! A density is the quadrature's nodes broadened by a Gaussian on the symmetric-log axis
//! ([`Density::smoothed`] of the nodes moved there), drawn as a curve, with the nodes as ticks
//! in the step's colour under the axis. Each step's flat band ±ε·max|λ| — what the quadrature
//! cannot sign — is marked by dashed lines in its colour; the side of negative eigenvalues is
//! tinted.
//!
//! Written as SVG; the PNG is the same SVG rasterised. Every density curve carries
//! `class="density"` and `data-step`, every dot of the right panel `class="step-dot"`,
//! `data-step`, `data-loss` and `data-negative`, so a test can read the figure back.

use std::fmt::Write as _;

use super::svg::{PANEL_TICKS, TickStyle, escape, ticks_below, ticks_left, wrap};
use super::{Frame, ticks};
use crate::field::Colormap;
use crate::sim::net::spectrum::{Density, Sample};

/// The figure's size when none is asked for.
pub const DEFAULT_SIZE: (u32, u32) = (1200, 640);

/// Points of each density curve.
const CURVE_POINTS: usize = 480;

/// Decades of density under each curve's peak that the log axis shows.
const DECADES: f64 = 5.0;

/// The linear region of the symmetric-log axis, as a share of ε·max|λ|: a tenth of the flat
/// band, so the band itself spans a decade on each side of zero.
const LINEAR_SHARE: f64 = 0.1;

/// What the figure shows.
#[derive(Clone, Copy, Debug)]
pub struct SpectrumFigure<'a> {
    /// The spectrum at each step, in ascending order of step.
    pub samples: &'a [Sample],
    /// The flat band's half-width ε, as a share of max|λ|.
    pub flat: f64,
    /// What was trained on what, for the title: "64-32-10 (2410 parameters) on digits (…)".
    pub title: &'a str,
}

const BACKGROUND: &str = "#181818";
const TEXT: &str = "#eeeeee";
const MUTED: &str = "#cccccc";
const FRAME: &str = "#888888";

const AXIS_TICKS: TickStyle = PANEL_TICKS;

/// The colour of the `k`-th of `count` steps: plasma from magenta (the first, high loss) to
/// yellow (the last), bright enough on the dark background.
pub fn step_color(k: usize, count: usize) -> String {
    let t = if count <= 1 { 0.85 } else { 0.35 + 0.6 * k as f64 / (count - 1) as f64 };
    let [r, g, b, _] = Colormap::Plasma.rgba(t);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The symmetric-log map of the eigenvalue axis: `u = sign(λ)·log₁₀(1 + |λ|/c)`, linear within
/// ±c, logarithmic beyond.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SymLog {
    /// The linear half-width c.
    pub c: f64,
}

impl SymLog {
    /// λ on the axis.
    pub fn to_axis(self, lambda: f64) -> f64 {
        lambda.signum() * (lambda.abs() / self.c).ln_1p() / std::f64::consts::LN_10
    }

    /// The λ at `u` on the axis.
    pub fn from_axis(self, u: f64) -> f64 {
        u.signum() * self.c * (10f64.powf(u.abs()) - 1.0)
    }
}

impl Frame {
    /// A pixel x for a value in `[lo, hi]`.
    fn x(&self, v: f64, (lo, hi): (f64, f64)) -> f64 {
        self.x + (v - lo) / (hi - lo) * (self.right() - self.x)
    }

    /// A pixel y for a value in `[lo, hi]`.
    fn y(&self, v: f64, (lo, hi): (f64, f64)) -> f64 {
        self.bottom() - (v - lo) / (hi - lo) * (self.bottom() - self.y)
    }
}

/// The caption, with the settings filled in.
fn caption(fig: &SpectrumFigure<'_>) -> String {
    let (m, p) = fig.samples.first().map_or((0, 0), |s| {
        (s.density.steps.iter().copied().max().unwrap_or(0), s.density.steps.len())
    });
    format!(
        "Left: the Hessian's eigenvalue density at each step of training, estimated by \
         stochastic Lanczos quadrature ({m} Lanczos steps × {p} probes; curves Gaussian-broadened \
         on a symmetric log axis; ticks under the axis: the quadrature's nodes). Dashed: each \
         step's ±{}·max|λ|, within which {m} nodes cannot tell an eigenvalue's sign; the negative \
         share is the weight left of it. Right: each step's negative share against its loss — \
         as the loss falls, fewer directions lead down.",
        fig.flat
    )
}

/// The figure as an SVG document of `w`×`h` pixels.
pub fn spectrum_svg(fig: &SpectrumFigure<'_>, (w, h): (u32, u32)) -> String {
    let (w, h) = (f64::from(w), f64::from(h));
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif"><rect width="{w}" height="{h}" fill="{BACKGROUND}"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="24" y="32" fill="{TEXT}" font-size="20">Hessian spectrum along training: {}</text>"##,
        escape(fig.title)
    );
    let lines = wrap(&caption(fig), ((w - 48.0) / 7.0) as usize);
    let caption_h = 19.0 * lines.len() as f64 + 14.0;
    let bottom = h - caption_h - 56.0;
    let top = 96.0 + legend(&mut s, fig, (24.0, 62.0, w - 48.0));
    let split = 24.0 + 0.62 * (w - 48.0);
    let left = Frame::from_sides(90.0, top, split - 30.0, bottom);
    let right = Frame::from_sides(split + 70.0, top, w - 24.0, bottom);
    for (panel, name) in [
        (&left, "The Hessian's eigenvalue density at each step"),
        (&right, "Negative share against loss, step by step"),
    ] {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" fill="{TEXT}" font-size="16">{name}</text>"##,
            panel.x,
            panel.y - 10.0
        );
    }
    densities(&mut s, fig, &left);
    shares(&mut s, fig, &right);
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="24" y="{:.1}" fill="{MUTED}" font-size="14">{}</text>"##,
            h - caption_h + 14.0 + 19.0 * i as f64,
            escape(line)
        );
    }
    s.push_str("</svg>");
    s
}

/// One step's density on the axis: (u, log₁₀ density per unit of u) at `grid` (NaN more than
/// [`DECADES`] below the peak), and the nodes' positions on the axis.
fn curve(density: &Density, map: SymLog, grid: &[f64], sigma: f64) -> (Vec<[f64; 2]>, Vec<f64>) {
    let moved = Density {
        nodes: density.nodes.iter().map(|&(v, w)| (map.to_axis(v), w)).collect(),
        ..density.clone()
    };
    let values = moved.smoothed(grid, sigma).unwrap_or_default();
    let peak = values.iter().copied().fold(0.0, f64::max);
    let floor = peak * 10f64.powf(-DECADES);
    let points = grid
        .iter()
        .zip(&values)
        .map(|(&u, &f)| [u, if f > floor { f.log10() } else { f64::NAN }])
        .collect();
    (points, moved.nodes.iter().map(|n| n.0).collect())
}

/// The density panel's numbers, whatever draws them (the SVG here, the app's Spectrum window):
/// the axis map, the ranges shown, and each step's curve and nodes on the axis.
#[derive(Clone, Debug)]
pub struct DensityCurves {
    /// The symmetric-log map of the eigenvalue axis.
    pub map: SymLog,
    /// The largest max|λ| over the steps.
    pub scale: f64,
    /// The axis range shown (symmetric).
    pub u_range: (f64, f64),
    /// log₁₀ density range shown.
    pub y_range: (f64, f64),
    /// Each step's curve (u, log₁₀ density; NaN where too low to show) and nodes on the axis.
    pub curves: Vec<(Vec<[f64; 2]>, Vec<f64>)>,
}

/// The curves of `samples` with the flat band ±`flat`·max|λ|.
pub fn density_curves(samples: &[Sample], flat: f64) -> DensityCurves {
    let scale = samples.iter().map(|p| p.density.scale()).fold(0.0, f64::max);
    let scale = if scale > 0.0 && scale.is_finite() { scale } else { 1.0 };
    let map = SymLog { c: (LINEAR_SHARE * flat * scale).max(scale * 1e-6) };
    let reach = map.to_axis(scale) * 1.04;
    let u_range = (-reach, reach);
    let grid: Vec<f64> = (0..CURVE_POINTS)
        .map(|i| -reach + 2.0 * reach * i as f64 / (CURVE_POINTS - 1) as f64)
        .collect();
    let sigma = 2.0 * reach / 160.0;
    let curves: Vec<_> = samples.iter().map(|p| curve(&p.density, map, &grid, sigma)).collect();
    let top = curves.iter().flat_map(|c| c.0.iter().map(|p| p[1])).fold(f64::MIN, f64::max);
    let top = if top.is_finite() { top.ceil() } else { 0.0 };
    DensityCurves { map, scale, u_range, y_range: (top - DECADES - 0.5, top + 0.2), curves }
}

/// The left panel: every step's density, the flat band, the axes and the legend.
fn densities(s: &mut String, fig: &SpectrumFigure<'_>, panel: &Frame) {
    let DensityCurves { map, scale, u_range, y_range, curves } =
        density_curves(fig.samples, fig.flat);
    // The side where directions lead down, tinted.
    let zero = panel.x(0.0, u_range);
    let _ = write!(
        s,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.2}" height="{:.1}" fill="#ff5050" fill-opacity="0.06"/><text x="{:.1}" y="{:.1}" fill="#ff8080" font-size="13">λ &lt; 0: directions down</text>"##,
        panel.x,
        panel.y,
        zero - panel.x,
        panel.bottom() - panel.y,
        panel.x + 8.0,
        panel.y + 18.0,
    );
    panel.outline(s);
    let count = fig.samples.len();
    for (k, (p, (points, nodes))) in fig.samples.iter().zip(&curves).enumerate() {
        let color = step_color(k, count);
        let mut d = String::new();
        let mut pen_down = false;
        for q in points {
            if q[1].is_nan() {
                pen_down = false;
                continue;
            }
            let (x, y) = (panel.x(q[0], u_range), panel.y(q[1].max(y_range.0), y_range));
            let _ = write!(d, "{}{x:.2},{y:.2}", if pen_down { "L" } else { "M" });
            pen_down = true;
        }
        let _ = write!(
            s,
            r##"<path class="density" data-step="{}" d="{d}" fill="none" stroke="{color}" stroke-width="2" stroke-opacity="0.9"/>"##,
            p.step
        );
        rug(s, panel, nodes, u_range, &color, (k, count));
        let edge = fig.flat * p.density.scale();
        for v in [-edge, edge] {
            let x = panel.x(map.to_axis(v), u_range);
            let _ = write!(
                s,
                r##"<line class="band-edge" x1="{x:.2}" y1="{:.1}" x2="{x:.2}" y2="{:.1}" stroke="{color}" stroke-width="1.5" stroke-dasharray="4 4" stroke-opacity="0.75"/>"##,
                panel.y + 26.0,
                panel.bottom()
            );
        }
    }
    eigenvalue_axis(s, panel, map, (u_range, scale));
    density_axis(s, panel, y_range);
}

/// The nodes of step `k` of `count` as short ticks in a row of their own under the axis.
fn rug(
    s: &mut String,
    panel: &Frame,
    nodes: &[f64],
    u_range: (f64, f64),
    color: &str,
    (k, count): (usize, usize),
) {
    let row = 6.0_f64.min(24.0 / count.max(1) as f64);
    let y = panel.bottom() - 2.0 - row * (count - k) as f64;
    let mut d = String::new();
    for &u in nodes {
        let _ = write!(d, "M{:.1},{y:.1}v{row:.1}", panel.x(u, u_range));
    }
    let _ = write!(
        s,
        r##"<path class="nodes" d="{d}" stroke="{color}" stroke-width="1" stroke-opacity="0.6"/>"##
    );
}

/// A power of ten as a tick label: plain from 0.01 to 1000, `1e-5` beyond.
fn power_label(k: i32) -> String {
    match k {
        -2..=-1 => format!("{}", 10f64.powi(k)),
        0..=3 => format!("{}", 10i64.pow(k as u32)),
        _ => format!("1e{k}"),
    }
}

/// The eigenvalue axis: 0 and ±10ᵏ wherever they are at least 34 pixels apart, and its name.
fn eigenvalue_axis(
    s: &mut String,
    panel: &Frame,
    map: SymLog,
    (u_range, scale): ((f64, f64), f64),
) {
    let mut marks: Vec<(f64, String)> = vec![(0.0, "0".to_owned())];
    let lo = (map.c.log10().floor() as i32).max(-30);
    let hi = scale.log10().ceil() as i32 + 1;
    let mut last = f64::NEG_INFINITY;
    for k in lo..=hi {
        let v = 10f64.powi(k);
        let u = map.to_axis(v);
        let px = panel.x(u, u_range) - panel.x(0.0, u_range);
        if u > u_range.1 || px < 34.0 || px - last < 34.0 {
            continue;
        }
        last = px;
        marks.push((u, power_label(k)));
        marks.push((-u, format!("−{}", power_label(k))));
    }
    let placed: Vec<(f64, &str)> =
        marks.iter().map(|(u, label)| (panel.x(*u, u_range), label.as_str())).collect();
    ticks_below(
        s,
        &AXIS_TICKS,
        panel.bottom(),
        placed,
        &format!(r##" fill="{MUTED}" font-size="12""##),
    );
    let _ = write!(
        s,
        r##"<line x1="{x:.2}" y1="{:.1}" x2="{x:.2}" y2="{:.1}" stroke="#bbbbbb" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" fill="{MUTED}" font-size="14" text-anchor="middle">Hessian eigenvalue λ (symmetric log scale: linear within ±{}, logarithmic beyond)</text>"##,
        panel.y,
        panel.bottom(),
        0.5 * (panel.x + panel.right()),
        panel.bottom() + 40.0,
        super::network::short(map.c),
        x = panel.x(0.0, u_range),
    );
}

/// The density axis: decades, and its name.
fn density_axis(s: &mut String, panel: &Frame, y_range: (f64, f64)) {
    let decades: Vec<(f64, String)> = (y_range.0.ceil() as i32..=y_range.1.floor() as i32)
        .map(|k| (panel.y(f64::from(k), y_range), power_label(k)))
        .collect();
    let placed = decades.iter().map(|(y, label)| (*y, label.as_str()));
    ticks_left(s, &AXIS_TICKS, panel.x, placed, &format!(r##" fill="{MUTED}" font-size="12""##));
    let (x, y) = (panel.x - 58.0, 0.5 * (panel.y + panel.bottom()));
    let _ = write!(
        s,
        r##"<text x="{x:.1}" y="{y:.1}" fill="{MUTED}" font-size="14" text-anchor="middle" transform="rotate(-90 {x:.1} {y:.1})">density per unit of the axis (log scale)</text>"##
    );
}

/// The legend under the title: each step's colour, loss and shares, as many to a line as fit
/// in `width` from `x0`; returns its height.
fn legend(s: &mut String, fig: &SpectrumFigure<'_>, (x0, y0, width): (f64, f64, f64)) -> f64 {
    const ITEM: f64 = 370.0;
    let per_line = ((width / ITEM).floor() as usize).max(1);
    let count = fig.samples.len();
    for (k, p) in fig.samples.iter().enumerate() {
        let (x, y) = (x0 + ITEM * (k % per_line) as f64, y0 + 20.0 * (k / per_line) as f64);
        let color = step_color(k, count);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="3"/><text x="{:.1}" y="{y:.1}" fill="{TEXT}" font-size="14">step {}: loss {}, negative {:.3}, flat {:.3}</text>"##,
            y - 5.0,
            x + 22.0,
            y - 5.0,
            x + 28.0,
            p.step,
            super::network::short(p.loss),
            p.shares.negative,
            p.shares.flat,
        );
    }
    20.0 * count.div_ceil(per_line) as f64
}

/// The right panel: each step's negative share against its loss (log scale: training takes
/// the loss down by decades), joined in the order of training.
fn shares(s: &mut String, fig: &SpectrumFigure<'_>, panel: &Frame) {
    let neg_hi = fig.samples.iter().map(|p| p.shares.negative).fold(0.0, f64::max).max(0.02) * 1.15;
    let losses = fig.samples.iter().map(|p| p.loss).filter(|l| l.is_finite() && *l > 0.0);
    let lo = losses.clone().fold(f64::INFINITY, f64::min);
    let hi = losses.fold(0.0, f64::max);
    let (lo, hi) = if hi > 0.0 { (lo.log10(), hi.log10()) } else { (-1.0, 0.0) };
    let pad = (1.0 - (hi - lo)).max(0.0) / 2.0 + 0.15;
    let (xr, yr) = ((0.0, neg_hi), (lo - pad, hi + pad));
    panel.outline(s);
    let at = |p: &Sample| {
        let loss = if p.loss > 0.0 { p.loss.log10() } else { yr.0 };
        (panel.x(p.shares.negative, xr), panel.y(loss.clamp(yr.0, yr.1), yr))
    };
    let path: Vec<String> = fig
        .samples
        .iter()
        .map(|p| {
            let (x, y) = at(p);
            format!("{x:.2},{y:.2}")
        })
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="{FRAME}" stroke-width="1.5" stroke-dasharray="5 4"/>"##,
        path.join(" ")
    );
    let count = fig.samples.len();
    for (k, p) in fig.samples.iter().enumerate() {
        let (x, y) = at(p);
        let _ = write!(
            s,
            r##"<circle class="step-dot" data-step="{}" data-loss="{:?}" data-negative="{:?}" cx="{x:.2}" cy="{y:.2}" r="7" fill="{}"/><text x="{:.2}" y="{:.2}" fill="{TEXT}" font-size="13">step {}</text>"##,
            p.step,
            p.loss,
            p.shares.negative,
            step_color(k, count),
            x + 11.0,
            y + 4.5,
            p.step
        );
    }
    let attrs = format!(r##" fill="{MUTED}" font-size="12""##);
    let x_ticks = ticks(xr.0, xr.1, 5.0);
    let placed = x_ticks.iter().map(|t| (panel.x(t.value, xr), &*t.label));
    ticks_below(s, &AXIS_TICKS, panel.bottom(), placed, &attrs);
    let y_ticks = log_ticks(yr);
    let placed = y_ticks.iter().map(|(v, label)| (panel.y(*v, yr), label.as_str()));
    ticks_left(s, &AXIS_TICKS, panel.x, placed, &attrs);
    let (lx, ly) = (panel.x - 52.0, 0.5 * (panel.y + panel.bottom()));
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" fill="{MUTED}" font-size="14" text-anchor="middle">negative share (weight below −{}·max|λ|)</text><text x="{lx:.1}" y="{ly:.1}" fill="{MUTED}" font-size="14" text-anchor="middle" transform="rotate(-90 {lx:.1} {ly:.1})">loss (log scale)</text>"##,
        0.5 * (panel.x + panel.right()),
        panel.bottom() + 40.0,
        fig.flat,
    );
}

/// Ticks of a log axis over `[lo, hi]` (log₁₀ of the values): every decade, and 2 and 5 times
/// it when fewer than three decades show; (log₁₀ value, label).
fn log_ticks((lo, hi): (f64, f64)) -> Vec<(f64, String)> {
    let fine = hi - lo < 3.0;
    let mut out = Vec::new();
    for k in (lo.floor() as i32)..=(hi.ceil() as i32) {
        let steps: &[f64] = if fine { &[1.0, 2.0, 5.0] } else { &[1.0] };
        for &m in steps {
            let v = (m * 10f64.powi(k)).log10();
            if (lo..=hi).contains(&v) {
                let label = if m == 1.0 {
                    power_label(k)
                } else {
                    format!("{}", m * 10f64.powi(k)).chars().take(8).collect()
                };
                out.push((v, label));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symmetric_log_axis_is_odd_linear_near_zero_and_inverts() {
        let map = SymLog { c: 0.01 };
        for v in [-3.0, -0.01, -1e-5, 0.0, 2e-4, 0.5, 40.0] {
            assert!((map.from_axis(map.to_axis(v)) - v).abs() <= 1e-12 * v.abs().max(1e-3));
            assert_eq!(map.to_axis(-v), -map.to_axis(v));
        }
        // Linear within ±c (slope 1/(c·ln 10)), a decade per decade far out.
        // ln(1 + x) = x − x²/2 + …: within 1e-8 of the line at λ = 1e-6 (x = 1e-4).
        assert!((map.to_axis(1e-6) - 1e-4 / std::f64::consts::LN_10).abs() < 1e-8);
        assert!((map.to_axis(100.0) - map.to_axis(10.0) - 1.0).abs() < 1e-3);
        assert_eq!(power_label(-2), "0.01");
        assert_eq!(power_label(3), "1000");
        assert_eq!(power_label(-5), "1e-5");
    }
}
