//! Drawing into a band of rows of a 3-D frame, depth-tested against the surface: lines, dots,
//! markers, and the critical points with a saddle's eigen-directions.

use super::Mesh3d;
use super::V3;
use super::Viewport;
use crate::figure::style::{Marker, critical_marker};
use crate::scene::Rgb;
use crate::sim::{CriticalKind, CriticalPoint};

/// Colour of a saddle's escape direction (negative curvature), as on the map.
pub const ESCAPE: Rgb = Rgb([0xff, 0x6a, 0x3d]);
/// Colour of a saddle's attracting direction (positive curvature), as on the map.
pub const ATTRACT: Rgb = Rgb([0x4d, 0xd0, 0xe1]);

/// How far in front of the surface (world units of depth) a line still counts as on it: the
/// "hair" that keeps a run on the surface visible and one behind a hill hidden.
const DEPTH_BIAS: f64 = 0.03;
/// How high above the mesh (world units) lines are drawn.
const HAIR: f64 = 0.004;
/// A projected trajectory point: its step, screen position and (biased) inverse depth; a
/// `w` of 0 lifts the pen (the path left the mesh).
#[derive(Clone, Copy, Debug)]
pub(super) struct Proj {
    /// The step of the trajectory point.
    pub(super) step: u32,
    /// Screen x.
    pub(super) x: f32,
    /// Screen y.
    pub(super) y: f32,
    /// Biased inverse depth; 0 lifts the pen.
    pub(super) w: f32,
}

/// A world point lifted by the hair and projected, its inverse depth biased towards the camera:
/// `[x, y, w]`.
pub(super) fn lifted(view: &Viewport, p: V3) -> [f64; 3] {
    let s = view.project([p[0], p[1], p[2] + HAIR]);
    [s.x, s.y, 1.0 / (1.0 / s.w - DEPTH_BIAS).max(1e-6)]
}

/// Draws the pieces of `proj` ending at points `first ..` whose step is at most `head`.
pub(super) fn draw_polyline(
    canvas: &mut Band<'_>,
    proj: &[Proj],
    first: usize,
    head: usize,
    color: [u8; 3],
    half: f64,
) {
    for i in first.max(1)..proj.len() {
        let (a, b) = (proj[i - 1], proj[i]);
        if b.step as usize > head {
            break;
        }
        if a.w <= 0.0 || b.w <= 0.0 {
            continue;
        }
        canvas.line(
            [f64::from(a.x), f64::from(a.y), f64::from(a.w)],
            [f64::from(b.x), f64::from(b.y), f64::from(b.w)],
            half,
            color,
        );
    }
}

/// Whether offset (dx, dy) from the centre is inside `marker` of radius r.
fn inside(marker: Marker, dx: f64, dy: f64, r: f64) -> bool {
    match marker {
        Marker::Circle => dx * dx + dy * dy <= r * r,
        Marker::Diamond => dx.abs() + dy.abs() <= 1.3 * r,
        Marker::Square => dx.abs().max(dy.abs()) <= r,
        Marker::Triangle => {
            // Apex up at −1.2 r, base at +0.8 r.
            dy <= 0.8 * r && dy >= -1.2 * r && dx.abs() <= 1.1 * r * (dy + 1.2 * r) / (2.0 * r)
        }
    }
}

/// A band of rows of the frame to draw into.
pub(super) struct Band<'a> {
    /// Colours, row-major.
    pub(super) color: &'a mut [[u8; 4]],
    /// The surface's inverse depths.
    pub(super) depth: &'a [f32],
    /// Pixels per row.
    pub(super) width: usize,
    /// Rows in this band.
    pub(super) height: usize,
    /// The band's first row in the frame.
    pub(super) row0: usize,
}

impl Band<'_> {
    pub(super) fn blend(&mut self, k: usize, rgb: [u8; 3], alpha: f64) {
        let px = &mut self.color[k];
        // In 1/256ths, rounded: integer arithmetic (a frame blends millions of pixels).
        let a = (alpha.clamp(0.0, 1.0) * 256.0 + 0.5) as u32;
        for c in 0..3 {
            px[c] = ((u32::from(px[c]) * (256 - a) + u32::from(rgb[c]) * a + 128) >> 8) as u8;
        }
    }

    /// Whether screen point `[x, y, w]` is in front of the surface (and in this band).
    pub(super) fn visible(&self, p: [f64; 3]) -> bool {
        let (x, y) = (p[0].floor(), p[1].floor() - self.row0 as f64);
        if !(x >= 0.0 && y >= 0.0 && x < self.width as f64 && y < self.height as f64) {
            return false;
        }
        p[2] >= f64::from(self.depth[y as usize * self.width + x as usize])
    }

    /// A thick anti-aliased segment from `a` to `b` (`[x, y, w]`), half-width `half` pixels,
    /// each pixel depth-tested against the surface.
    pub(super) fn line(&mut self, a: [f64; 3], b: [f64; 3], half: f64, rgb: [u8; 3]) {
        let reach = half + 1.0;
        let x0 = (a[0].min(b[0]) - reach).floor().max(0.0);
        let x1 = (a[0].max(b[0]) + reach).ceil().min(self.width as f64 - 1.0);
        let y0 = (a[1].min(b[1]) - reach).floor().max(self.row0 as f64);
        let y1 = (a[1].max(b[1]) + reach).ceil().min((self.row0 + self.height) as f64 - 1.0);
        if !(x1 >= x0 && y1 >= y0) || x1 - x0 > 4096.0 || y1 - y0 > 4096.0 {
            return;
        }
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let inv_len2 = if len2 > 0.0 { 1.0 / len2 } else { 0.0 };
        for y in y0 as usize..=y1 as usize {
            let py = y as f64 + 0.5;
            let row = (y - self.row0) * self.width;
            for x in x0 as usize..=x1 as usize {
                let px = x as f64 + 0.5;
                let t = (((px - a[0]) * dx + (py - a[1]) * dy) * inv_len2).clamp(0.0, 1.0);
                let (cx, cy) = (a[0] + t * dx - px, a[1] + t * dy - py);
                let dist = (cx * cx + cy * cy).sqrt();
                let coverage = half + 0.5 - dist;
                if coverage <= 0.0 {
                    continue;
                }
                let w = a[2] + t * (b[2] - a[2]);
                let k = row + x;
                if w < f64::from(self.depth[k]) {
                    continue;
                }
                self.blend(k, rgb, coverage);
            }
        }
    }

    /// A thick segment drawn without a depth test (a marker's stroke).
    pub(super) fn flat_line(&mut self, a: [f64; 2], b: [f64; 2], half: f64, rgb: [u8; 3]) {
        self.line([a[0], a[1], f64::INFINITY], [b[0], b[1], f64::INFINITY], half, rgb);
    }

    /// A small filled disc of radius `r` with a thin dark rim (a cloud's run), centred at
    /// (x, y), not depth-tested (its centre is).
    pub(super) fn dot(&mut self, x: f64, y: f64, r: f64, fill: [u8; 3]) {
        let rim = r + 0.9;
        let x0 = (x - rim - 1.0).floor().max(0.0) as isize;
        let x1 = ((x + rim + 1.0).ceil() as isize).min(self.width as isize - 1);
        let y0 = ((y - rim - 1.0).floor() as isize).max(self.row0 as isize);
        let y1 = ((y + rim + 1.0).ceil() as isize).min((self.row0 + self.height) as isize - 1);
        for yy in y0..=y1 {
            for xx in x0..=x1 {
                let (dx, dy) = (xx as f64 + 0.5 - x, yy as f64 + 0.5 - y);
                let d = (dx * dx + dy * dy).sqrt();
                let k = (yy as usize - self.row0) * self.width + xx as usize;
                let outer = (rim + 0.5 - d).clamp(0.0, 1.0);
                if outer <= 0.0 {
                    continue;
                }
                self.blend(k, [0, 0, 0], 0.7 * outer);
                let inner = (r + 0.5 - d).clamp(0.0, 1.0);
                if inner > 0.0 {
                    self.blend(k, fill, inner);
                }
            }
        }
    }

    /// A filled marker of radius `r` with a black outline `outline` wide, centred at (x, y).
    pub(super) fn marker(
        &mut self,
        x: f64,
        y: f64,
        r: f64,
        outline: f64,
        shape: Marker,
        fill: [u8; 3],
    ) {
        let reach = 1.4 * (r + outline) + 1.0;
        let x0 = (x - reach).floor().max(0.0) as isize;
        let x1 = ((x + reach).ceil() as isize).min(self.width as isize - 1);
        let y0 = ((y - reach).floor() as isize).max(self.row0 as isize);
        let y1 = ((y + reach).ceil() as isize).min((self.row0 + self.height) as isize - 1);
        for yy in y0..=y1 {
            for xx in x0..=x1 {
                let (dx, dy) = (xx as f64 + 0.5 - x, yy as f64 + 0.5 - y);
                // Four sub-samples for smooth edges.
                let mut fill_n = 0u32;
                let mut edge_n = 0u32;
                for (sx, sy) in [(-0.25, -0.25), (0.25, -0.25), (-0.25, 0.25), (0.25, 0.25)] {
                    if inside(shape, dx + sx, dy + sy, r) {
                        fill_n += 1;
                    } else if inside(shape, dx + sx, dy + sy, r + outline) {
                        edge_n += 1;
                    }
                }
                if fill_n + edge_n == 0 {
                    continue;
                }
                let k = (yy as usize - self.row0) * self.width + xx as usize;
                if edge_n > 0 {
                    self.blend(k, [0, 0, 0], f64::from(edge_n) / 4.0);
                }
                if fill_n > 0 {
                    let a = f64::from(fill_n) / f64::from(fill_n + edge_n);
                    self.blend(k, fill, f64::from(fill_n + edge_n) / 4.0 * a);
                }
            }
        }
    }

    /// Critical points as the map marks them, and a saddle's eigen-directions draped on the
    /// surface: the escape direction (λ < 0) and the attracting one (λ > 0).
    pub(super) fn critical(
        &mut self,
        mesh: &Mesh3d,
        view: &Viewport,
        points: &[CriticalPoint],
        scale: f64,
    ) {
        let d = &mesh.domain;
        let reach = 0.09 * d.width().hypot(d.height());
        for cp in points.iter().filter(|c| c.kind == CriticalKind::Saddle) {
            for (dir, color) in [(cp.eigenvectors[0], ESCAPE), (cp.eigenvectors[1], ATTRACT)] {
                let pieces = 48;
                let mut prev: Option<[f64; 3]> = None;
                for k in 0..=pieces {
                    let f = -1.0 + 2.0 * f64::from(k) / f64::from(pieces);
                    let p = cp.point + dir * (f * reach);
                    let q = mesh.world(p).map(|w| lifted(view, w));
                    if let (Some(a), Some(b)) = (prev, q) {
                        self.line(a, b, 1.5 * scale, color.0);
                    }
                    prev = q;
                }
            }
        }
        for cp in points {
            let Some(q) = mesh.world(cp.point).map(|w| lifted(view, w)) else { continue };
            if !self.visible(q) {
                continue;
            }
            let shape = critical_marker(cp.kind);
            let (rgb, _) = crate::figure::svg::critical_style(cp.kind);
            self.marker(q[0], q[1], 6.0 * scale, 1.5 * scale, shape, rgb.0);
        }
    }
}
