//! The SVG painter: a [`Figure`] as vectors — the heatmap embedded as a PNG image, contour lines,
//! trajectories and markers as paths, legend, ticks and titles as text. The raster painter draws
//! this same SVG, so a PNG and an SVG of one figure agree.

use std::fmt::Write;

use base64::Engine;

use super::decimate::simplify_by;
use super::{Corner, Figure, FigureError, Frame, Track};
use crate::scene::Rgb;
use crate::sim::{CriticalKind, Point};

/// Which parts of the figure to write: everything for an `.svg` file; the raster painter leaves
/// out what it draws itself (background, heatmap) and, for animation frames, splits the still
/// parts from the moving ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layers {
    /// The white background.
    pub background: bool,
    /// The heatmap, as an embedded PNG.
    pub heatmap: bool,
    /// Contours, critical points, frame, axes, ticks, titles and legend.
    pub still: bool,
    /// Trajectories, their heads and the start points.
    pub tracks: bool,
    /// A cloud's dots as vectors (the raster painter blends them into pixels itself:
    /// [`super::raster::draw_cloud`]).
    pub cloud: bool,
}

impl Layers {
    /// The whole figure.
    pub const ALL: Layers =
        Layers { background: true, heatmap: true, still: true, tracks: true, cloud: true };
    /// Everything drawn over a heatmap that is already in the pixels.
    pub const OVER_HEATMAP: Layers =
        Layers { background: false, heatmap: false, still: true, tracks: true, cloud: false };
    /// The still parts drawn over a heatmap (an animation's first layer).
    pub const STILL: Layers =
        Layers { background: false, heatmap: false, still: true, tracks: false, cloud: false };
    /// Only the moving parts (an animation frame's layer).
    pub const TRACKS: Layers =
        Layers { background: false, heatmap: false, still: false, tracks: true, cloud: false };
}

/// The font stack of every text: the raster painter loads egui's Ubuntu font as sans-serif.
const FONT: &str = "Ubuntu, 'Helvetica Neue', Arial, sans-serif";

pub use super::style::critical_style;

pub(crate) fn hex(c: Rgb) -> String {
    let [r, g, b] = c.0;
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `text` with XML's special characters escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Greedy word wrap at about `chars` characters per line (a caption under a figure).
pub fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// How an axis's ticks are drawn: each a short line off the axis and its label beyond it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TickStyle {
    /// The ticks' stroke colour.
    pub stroke: &'static str,
    /// A tick's length in pixels, off the axis.
    pub length: f64,
    /// The x labels' baseline below the axis.
    pub below: f64,
    /// The y labels' right end left of the axis.
    pub beside: f64,
    /// The y labels' baseline below their tick (half the font's x-height).
    pub lift: f64,
    /// One tick per line of the document.
    pub newline: bool,
    /// Decimals of the pixel positions taken from the axis (`None`: as many as it takes).
    pub axis_digits: Option<usize>,
    /// Decimals of the pixel positions taken from the ticks.
    pub tick_digits: Option<usize>,
    /// The class of the x labels, if they have one.
    pub x_class: Option<&'static str>,
}

/// `v` with `digits` decimals, or in the shortest form that reads back for `None`.
fn px(v: f64, digits: Option<usize>) -> String {
    match digits {
        Some(d) => format!("{v:.d$}"),
        None => format!("{v}"),
    }
}

/// Writes the ticks of a horizontal axis at pixel row `axis`: each `(pixel x, label)`, the
/// labels centred below; `attrs` go on every label (with a leading space: ` fill="#ccc"`).
pub fn ticks_below<'t>(
    s: &mut String,
    style: &TickStyle,
    axis: f64,
    ticks: impl IntoIterator<Item = (f64, &'t str)>,
    attrs: &str,
) {
    let TickStyle { stroke, length, below, newline, axis_digits: a, tick_digits: t, .. } = *style;
    let class = style.x_class.map(|c| format!(r#" class="{c}""#)).unwrap_or_default();
    let (y1, y2, ly) = (px(axis, a), px(axis + length, a), px(axis + below, a));
    for (x, label) in ticks {
        let x = px(x, t);
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{stroke}"/><text{class} x="{x}" y="{ly}"{attrs} text-anchor="middle">{}</text>"##,
            escape(label)
        );
        if newline {
            s.push('\n');
        }
    }
}

/// Writes the ticks of a vertical axis at pixel column `axis`: each `(pixel y, label)`, the
/// labels ending left of it; `attrs` go on every label.
pub fn ticks_left<'t>(
    s: &mut String,
    style: &TickStyle,
    axis: f64,
    ticks: impl IntoIterator<Item = (f64, &'t str)>,
    attrs: &str,
) {
    let TickStyle { stroke, length, beside, lift, newline, axis_digits: a, tick_digits: t, .. } =
        *style;
    let (x1, x2, lx) = (px(axis - length, a), px(axis, a), px(axis - beside, a));
    for (y, label) in ticks {
        let (ly, y) = (px(y + lift, t), px(y, t));
        let _ = write!(
            s,
            r##"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{stroke}"/><text x="{lx}" y="{ly}"{attrs} text-anchor="end">{}</text>"##,
            escape(label)
        );
        if newline {
            s.push('\n');
        }
    }
}

/// The ticks of the 2-D figure.
const FIGURE_TICKS: TickStyle = TickStyle {
    stroke: "#333",
    length: 5.0,
    below: 20.0,
    beside: 8.0,
    lift: 4.5,
    newline: true,
    axis_digits: Some(2),
    tick_digits: Some(2),
    x_class: None,
};

/// The figure as an SVG document, with trajectories drawn up to `step` (all of them for
/// `None`).
///
/// # Errors
/// [`FigureError::Paint`] if the heatmap cannot be encoded (it has the wrong size).
pub fn to_svg(fig: &Figure, step: Option<usize>, layers: Layers) -> Result<String, FigureError> {
    let (w, h) = (fig.sheet.width, fig.sheet.height);
    let f = fig.sheet.frame;
    let mut s = String::with_capacity(64 * 1024);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#
    );
    let _ = writeln!(
        s,
        r#"<defs><clipPath id="plot-area"><rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}"/></clipPath></defs>"#,
        f.x, f.y, f.w, f.h
    );
    if layers.background {
        let _ = writeln!(s, r#"<rect id="background" width="{w}" height="{h}" fill="white"/>"#);
    }
    if layers.heatmap
        && let Some(heatmap) = &fig.heatmap
    {
        let png = heatmap_png(heatmap)?;
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        let _ = writeln!(
            s,
            r#"<image id="heatmap" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" preserveAspectRatio="none" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,{data}"/>"#,
            f.x, f.y, f.w, f.h
        );
    }
    if layers.still {
        still(&mut s, fig);
    }
    if layers.tracks {
        tracks(&mut s, fig, step, layers.cloud);
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// The heatmap as a PNG file's bytes.
pub(super) fn heatmap_png(heatmap: &super::Heatmap) -> Result<Vec<u8>, FigureError> {
    let bad = || FigureError::Paint("heatmap of the wrong size".to_owned());
    let size =
        resvg::tiny_skia::IntSize::from_wh(heatmap.nx as u32, heatmap.ny as u32).ok_or_else(bad)?;
    if heatmap.rgba.len() != heatmap.nx * heatmap.ny * 4 {
        return Err(bad());
    }
    super::png::encode_rgba_png(&heatmap.rgba, size.width(), size.height())
}

fn still(s: &mut String, fig: &Figure) {
    let f = fig.sheet.frame;
    contours_and_critical_points(s, fig);
    // Frame, ticks and axis names.
    let _ = writeln!(
        s,
        r##"<rect id="frame" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="#333" stroke-width="1"/>"##,
        f.x, f.y, f.w, f.h
    );
    s.push_str(r##"<g id="axes" font-size="13" fill="#222">"##);
    s.push('\n');
    let bottom = f.y + f.h;
    let xs =
        fig.x_ticks.iter().map(|t| (fig.to_px(Point::new(t.value, fig.view.y_min)).0, &*t.label));
    ticks_below(s, &FIGURE_TICKS, bottom, xs, "");
    let ys =
        fig.y_ticks.iter().map(|t| (fig.to_px(Point::new(fig.view.x_min, t.value)).1, &*t.label));
    ticks_left(s, &FIGURE_TICKS, f.x, ys, "");
    let _ = writeln!(
        s,
        r#"<text x="{:.2}" y="{:.2}" text-anchor="middle" font-size="15" font-style="italic">{}</text>"#,
        f.x + f.w / 2.0,
        bottom + 42.0,
        escape(&fig.sheet.axes[0])
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.2}" y="{:.2}" text-anchor="middle" font-size="15" font-style="italic">{}</text>"#,
        f.x - 48.0,
        f.y + f.h / 2.0 + 5.0,
        escape(&fig.sheet.axes[1])
    );
    s.push_str("</g>\n");
    // Title and caption.
    let _ = writeln!(
        s,
        r##"<text id="title" x="{:.2}" y="26" font-size="19" font-weight="bold" fill="#111">{}</text>"##,
        f.x,
        escape(&fig.sheet.title)
    );
    if !fig.sheet.caption.is_empty() {
        let _ = writeln!(
            s,
            r##"<text id="caption" x="{:.2}" y="50" font-size="14" fill="#444">{}</text>"##,
            f.x,
            escape(&fig.sheet.caption)
        );
    }
    legend(s, fig);
}

/// The contour lines and the critical points' markers.
fn contours_and_critical_points(s: &mut String, fig: &Figure) {
    // Contours.
    if !fig.contours.is_empty() {
        s.push_str(
            r#"<g id="contours" fill="none" stroke="white" stroke-opacity="0.5" stroke-width="1" stroke-linejoin="round">"#,
        );
        s.push('\n');
        for line in &fig.contours {
            for poly in &line.polylines {
                let points = poly.iter().map(|&[x, y]| fig.to_px(Point::new(x, y)));
                let d = path_data(points, 0.3 / f64::from(fig.sheet.density));
                if !d.is_empty() {
                    let _ = writeln!(s, r#"<path d="{d}"/>"#);
                }
            }
        }
        s.push_str("</g>\n");
    }
    // Critical points.
    if !fig.sheet.critical.is_empty() {
        s.push_str(r#"<g id="critical-points" stroke="black" stroke-width="1.5">"#);
        s.push('\n');
        for cp in &fig.sheet.critical {
            let (x, y) = fig.to_px(cp.point);
            let (color, name) = critical_style(cp.kind);
            let _ = writeln!(
                s,
                "{}",
                marker(cp.kind, x, y, 6.0, &hex(color), &format!("{name} f={:.4}", cp.value))
            );
        }
        s.push_str("</g>\n");
    }
}

/// Where the legend sits, in figure pixels (x, y, width, height), and the critical kinds it
/// names; `None` when it has no rows.
pub fn legend_box(fig: &Figure) -> Option<([f64; 4], Vec<CriticalKind>)> {
    if !fig.sheet.legend_shown {
        return None;
    }
    let kinds = fig.sheet.critical_kinds();
    let rows = fig.sheet.legend.len() + kinds.len();
    if rows == 0 {
        return None;
    }
    let longest = fig.sheet.longest_label(&kinds, &[]);
    let w = 48.0 + 8.0 * longest as f64;
    let h = 10.0 + LEGEND_ROW * rows as f64;
    let f = &fig.sheet.frame;
    let points: Vec<_> = fig
        .sheet
        .starts
        .iter()
        .copied()
        .chain(fig.sheet.critical.iter().map(|c| c.point))
        .collect();
    let corner = super::emptiest_corner(&fig.view, (w + 10.0) / f.w, (h + 10.0) / f.h, &points);
    let x = match corner {
        Corner::RightTop | Corner::RightBottom => f.x + f.w - w - 10.0,
        Corner::LeftTop | Corner::LeftBottom => f.x + 10.0,
    };
    let y = match corner {
        Corner::RightTop | Corner::LeftTop => f.y + 10.0,
        Corner::RightBottom | Corner::LeftBottom => f.y + f.h - h - 10.0,
    };
    Some(([x, y, w, h], kinds))
}

/// Height of a legend row.
const LEGEND_ROW: f64 = 20.0;

fn legend(s: &mut String, fig: &Figure) {
    let Some((rect, kinds)) = legend_box(fig) else { return };
    let runs: Vec<(&str, Rgb)> = fig.sheet.legend.iter().map(|(l, c)| (l.as_str(), *c)).collect();
    legend_rows(s, rect, &runs, &kinds, &[]);
}

/// Writes a legend in the box `[x, y, w, h]`, row after row: a line key per run of `runs`, a
/// marker per critical kind of `kinds`, and a line key per entry of `more`.
pub(crate) fn legend_rows(
    s: &mut String,
    [x, y, w, h]: [f64; 4],
    runs: &[(&str, Rgb)],
    kinds: &[CriticalKind],
    more: &[(&str, Rgb)],
) {
    let _ = writeln!(
        s,
        r##"<g id="legend" font-size="14" fill="#f2f2f2"><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" rx="4" fill="#1e1e1e" fill-opacity="0.8" stroke="#666"/>"##
    );
    let cy = |row: usize| y + 5.0 + LEGEND_ROW * (row as f64 + 0.5);
    let line_row = |s: &mut String, row: usize, label: &str, color: Rgb| {
        let cy = cy(row);
        let _ = writeln!(
            s,
            r#"<line x1="{:.2}" y1="{cy:.2}" x2="{:.2}" y2="{cy:.2}" stroke="{}" stroke-width="3"/><text x="{:.2}" y="{:.2}">{}</text>"#,
            x + 8.0,
            x + 30.0,
            hex(color),
            x + 36.0,
            cy + 5.0,
            escape(label)
        );
    };
    for (i, &(label, color)) in runs.iter().enumerate() {
        line_row(s, i, label, color);
    }
    for (i, kind) in kinds.iter().enumerate() {
        let cy = cy(runs.len() + i);
        let (color, name) = critical_style(*kind);
        let _ = writeln!(
            s,
            r#"<g stroke="black" stroke-width="1.5">{}</g><text x="{:.2}" y="{:.2}">{name}</text>"#,
            marker(*kind, x + 19.0, cy, 5.5, &hex(color), name),
            x + 36.0,
            cy + 5.0
        );
    }
    for (i, &(label, color)) in more.iter().enumerate() {
        line_row(s, runs.len() + kinds.len() + i, label, color);
    }
    s.push_str("</g>\n");
}

/// A critical-point marker centred at (x, y): circle (min), triangle (max), diamond (saddle),
/// square (degenerate).
pub(crate) fn marker(
    kind: CriticalKind,
    x: f64,
    y: f64,
    r: f64,
    fill: &str,
    title: &str,
) -> String {
    let title = format!("<title>{}</title>", escape(title));
    match kind {
        CriticalKind::Min => {
            format!(r#"<circle cx="{x:.2}" cy="{y:.2}" r="{r:.2}" fill="{fill}">{title}</circle>"#)
        }
        CriticalKind::Max => format!(
            r#"<path d="M{x:.2} {:.2}L{:.2} {:.2}L{:.2} {:.2}Z" fill="{fill}">{title}</path>"#,
            y - r * 1.2,
            x + r * 1.1,
            y + r * 0.8,
            x - r * 1.1,
            y + r * 0.8
        ),
        CriticalKind::Saddle => format!(
            r#"<path d="M{x:.2} {:.2}L{:.2} {y:.2}L{x:.2} {:.2}L{:.2} {y:.2}Z" fill="{fill}">{title}</path>"#,
            y - r * 1.3,
            x + r * 1.3,
            y + r * 1.3,
            x - r * 1.3
        ),
        CriticalKind::Degenerate => format!(
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{fill}">{title}</rect>"#,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
    }
}

fn tracks(s: &mut String, fig: &Figure, step: Option<usize>, with_cloud: bool) {
    let step = step.unwrap_or(usize::MAX);
    // One clipped group: a run may leave the view, and each clip costs the rasteriser a layer.
    s.push_str(r#"<g id="moving" clip-path="url(#plot-area)">"#);
    s.push('\n');
    if let Some(cloud) = fig.sheet.cloud.as_ref().filter(|_| with_cloud) {
        cloud_points(s, fig, cloud, step);
    }
    s.push_str(r#"<g id="trajectories" fill="none" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round">"#);
    s.push('\n');
    for track in &fig.sheet.tracks {
        let Some(head) = track.head(step) else { continue };
        let color = hex(track.color);
        let points = track.points[..=head].iter().map(|&p| fig.to_px(p));
        let d = path_data(points, 0.25 / f64::from(fig.sheet.density));
        if !d.is_empty() {
            let _ = writeln!(
                s,
                r#"<path class="trajectory" d="{d}" stroke="{color}"><title>{}</title></path>"#,
                escape(&track.label)
            );
        }
        head_marker(s, fig, track, head, step, &color);
    }
    s.push_str("</g>\n");
    s.push_str(r#"<g id="starts" fill="white" stroke="black" stroke-width="2">"#);
    s.push('\n');
    for &p in &fig.sheet.starts {
        let (x, y) = fig.to_px(p);
        let _ = writeln!(s, r#"<circle cx="{x:.2}" cy="{y:.2}" r="5"/>"#);
    }
    s.push_str("</g>\n</g>\n");
}

/// The cloud at `step`: each run a small dot in its optimizer's colour, its last positions
/// fainter behind it.
fn cloud_points(s: &mut String, fig: &Figure, cloud: &super::CloudFrames, step: usize) {
    s.push_str(r#"<g id="cloud" stroke="none">"#);
    s.push('\n');
    let frames: Vec<_> = cloud.at(step).collect();
    let (x0, y0) = (fig.sheet.frame.x - 4.0, fig.sheet.frame.y - 4.0);
    let (x1, y1) =
        (fig.sheet.frame.x + fig.sheet.frame.w + 4.0, fig.sheet.frame.y + fig.sheet.frame.h + 4.0);
    for (age, members) in frames.iter().enumerate().rev() {
        let (r, opacity) = if age == 0 { (2.4, 1.0) } else { (1.5, 0.45 / age as f64) };
        for (color, points) in members.iter() {
            let _ = write!(s, r#"<g fill="{}" fill-opacity="{opacity:.2}">"#, hex(*color));
            for &p in points {
                let (x, y) = fig.to_px(p);
                if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                    let _ = write!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}"/>"#);
                }
            }
            s.push_str("</g>\n");
        }
    }
    s.push_str("</g>\n");
}

fn head_marker(s: &mut String, fig: &Figure, track: &Track, head: usize, step: usize, color: &str) {
    let (x, y) = fig.to_px(track.points[head]);
    if let Some(k) = track.diverged_at.filter(|_| track.diverged_by(step)) {
        let r = 7.0;
        let _ = writeln!(
            s,
            r#"<path d="M{:.2} {:.2}L{:.2} {:.2}M{:.2} {:.2}L{:.2} {:.2}" stroke="{color}" stroke-width="3.5"/><text x="{:.2}" y="{:.2}" font-size="14" font-weight="bold" fill="{color}" stroke="none">diverged at step {k}</text>"#,
            x - r,
            y - r,
            x + r,
            y + r,
            x - r,
            y + r,
            x + r,
            y - r,
            x + 10.0,
            y - 8.0
        );
    } else {
        let _ = writeln!(
            s,
            r#"<circle cx="{x:.2}" cy="{y:.2}" r="5.5" fill="{color}" stroke="black" stroke-width="1.2"/>"#
        );
    }
}

/// SVG path data through `points` (figure pixels), simplified to within `tolerance` pixels
/// ([`simplify_by`]): a contour traced at a point per pixel, or a 10 000-step run that stands
/// still, draws with the few points the picture needs. Non-finite points are dropped; empty when
/// fewer than two points remain.
fn path_data(points: impl Iterator<Item = (f64, f64)>, tolerance: f64) -> String {
    // Coordinates far outside the figure are clamped so that no renderer chokes on them; the
    // clip path hides them anyway.
    let points: Vec<(f64, f64)> = points
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| (x.clamp(-1e5, 1e5), y.clamp(-1e5, 1e5)))
        .collect();
    if points.len() < 2 {
        return String::new();
    }
    let kept = simplify_by(points.len(), |i| points[i], tolerance);
    let mut d = String::with_capacity(kept.len() * 14);
    for (k, &i) in kept.iter().enumerate() {
        let (x, y) = points[i as usize];
        let _ = write!(d, "{}{x:.2} {y:.2}", if k == 0 { 'M' } else { 'L' });
    }
    d
}

/// The ticks of a figure's panels (the census's, the spectrum's): grey, 5 px, labels below and
/// left, pixel positions to 1 and 2 decimals.
pub(crate) const PANEL_TICKS: TickStyle = TickStyle {
    stroke: "#888888",
    length: 5.0,
    below: 20.0,
    beside: 8.0,
    lift: 4.0,
    newline: false,
    axis_digits: Some(1),
    tick_digits: Some(2),
    x_class: None,
};

impl Frame {
    /// Its outline, a thin grey rectangle (the census's and the spectrum's panels).
    pub(crate) fn outline(&self, s: &mut String) {
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#888888"/>"##,
            self.x, self.y, self.w, self.h
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_text_safe() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape("x\u{0}y"), "xy");
    }

    #[test]
    fn path_data_skips_what_a_pixel_cannot_show() {
        // A straight line with a cluster keeps its ends only.
        let pts = vec![(0.0, 0.0), (0.1, 0.0), (0.2, 0.0), (5.0, 0.0), (5.0, 0.01)];
        assert_eq!(path_data(pts.into_iter(), 0.25), "M0.00 0.00L5.00 0.01");
        // A corner is kept.
        let pts = vec![(0.0, 0.0), (5.0, 0.0), (5.0, 5.0)];
        assert_eq!(path_data(pts.into_iter(), 0.25), "M0.00 0.00L5.00 0.00L5.00 5.00");
        assert_eq!(path_data(vec![(1.0, 1.0)].into_iter(), 0.25), "");
        assert_eq!(path_data(vec![(1.0, f64::NAN), (2.0, 2.0)].into_iter(), 0.25), "");
    }
}
