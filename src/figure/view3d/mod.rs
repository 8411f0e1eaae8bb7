//! The surface in 3-D: a CPU z-buffer rasteriser shared by the app's 3-D view and
//! `losscape render --view 3d`. Pure Rust, no GUI crate, no GPU, no display.
//!
//! # Geometry
//!
//! The domain is mapped into *world* coordinates: its centre at the origin, its longer side
//! spanning `[-1, 1]`, the heights spanning `[-HEIGHT/2, HEIGHT/2]` ([`HEIGHT`]), so every surface
//! fills a box of the same size whatever its units. A height is the surface's value placed on a
//! [`ColorScale`] (linear or logarithmic, like the map's colours), so a surface whose values span
//! decades (Rosenbrock, Beale) keeps its valley when the scene's scale is logarithmic; a linear
//! surface with a few spikes is clipped at a percentile ([`Mesh3d::new`]).
//!
//! # Camera (SPEC §4)
//!
//! The camera looks at the box's centre from the direction
//! `(cos e·cos a, cos e·sin a, sin e)`: azimuth `a = 0°` is the `+x` side, `90°` the `+y` side,
//! elevation `e = 90°` straight down from above. The picture's right is `(−sin a, cos a, 0)` and
//! its up is `right × forward`, so the image never rolls. A mild perspective (the camera at
//! [`CAMERA_DISTANCE`] box radii) makes near things larger; the picture is scaled so the box
//! fills the frame from the camera ([`Fit::Tight`]); an orbit keeps one scale that fits the box
//! from every azimuth ([`Fit::Turn`]).
//!
//! # Drawing
//!
//! [`Renderer`] draws the lit, colour-mapped surface mesh with contour lines into a colour and a
//! depth buffer once per camera and size (cached), then, every frame, copies them and draws the
//! trajectories as thick lines depth-tested per pixel against the surface: a run behind a hill
//! is hidden where the hill stands in front of it and nowhere else.

mod band;
mod paint;
mod raster;
mod surface;

pub use band::{ATTRACT, ESCAPE};
pub use paint::{Figure3d, orbit_gif, to_gif, to_png, to_svg};
pub use raster::{CloudRef, Marks, PathRef, Renderer, TrackRef};

use rayon::prelude::*;

use crate::field::{ColorScale, Colormap, FieldError, FieldStyle};
use crate::scene::Camera;
use crate::sim::{Domain, Point, Surface};

/// The height of the world box (its sides are 2 long at most).
pub const HEIGHT: f64 = 1.0;
/// The camera's distance from the centre, in radii of the box's bounding sphere.
pub const CAMERA_DISTANCE: f64 = 4.0;
/// The default mesh resolution: vertices per side.
pub const DEFAULT_MESH: usize = 128;
/// The most vertices per side a mesh may have.
pub const MAX_MESH: usize = 1024;

/// A 3-vector.
pub type V3 = [f64; 3];

fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn normalize(a: V3) -> V3 {
    let n = dot(a, a).sqrt();
    if n > 0.0 { [a[0] / n, a[1] / n, a[2] / n] } else { a }
}

/// A camera placed in front of a `width × height` pixel viewport: world → screen and back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Towards the camera (unit).
    pub dir: V3,
    /// The picture's right (unit).
    pub right: V3,
    /// The picture's up (unit).
    pub up: V3,
    /// Camera distance from the centre (world units).
    pub distance: f64,
    /// Pixels per world unit at the centre's depth, times the distance.
    pub focal: f64,
    /// The screen position of the centre.
    pub centre: [f64; 2],
    /// Viewport size in pixels.
    pub size: [usize; 2],
}

/// A world point on screen: pixel x, pixel y (down), and 1 / its distance from the camera
/// (larger is nearer).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenPoint {
    /// Pixels from the left.
    pub x: f64,
    /// Pixels from the top.
    pub y: f64,
    /// Inverse depth.
    pub w: f64,
}

impl Viewport {
    /// The view of a box with half-extents `half` (world units) from `camera` in a
    /// `width × height` viewport, the box's picture filling the viewport (times the camera's
    /// zoom) and centred in it. With `fit` [`Fit::Turn`] the scale is the one that fits the box
    /// from every azimuth at this elevation, so that an orbit keeps one size.
    pub fn new(camera: &Camera, half: V3, width: usize, height: usize, fit: Fit) -> Self {
        let dir = camera.direction();
        let right = right_of(camera.azimuth);
        let up = cross(right, [-dir[0], -dir[1], -dir[2]]);
        let radius = dot(half, half).sqrt();
        let distance = CAMERA_DISTANCE * radius;
        // The box's corners on screen at focal 1, centre at 0: this camera's extent.
        let mut lo = [f64::INFINITY; 2];
        let mut hi = [f64::NEG_INFINITY; 2];
        for c in corners(half) {
            let depth = distance - dot(c, dir);
            let xy = [dot(c, right) / depth, dot(c, up) / depth];
            for k in 0..2 {
                lo[k] = lo[k].min(xy[k]);
                hi[k] = hi[k].max(xy[k]);
            }
        }
        let (w, h) = (width as f64, height as f64);
        let span = match fit {
            Fit::Tight => [(hi[0] - lo[0]).max(1e-9), (hi[1] - lo[1]).max(1e-9)],
            Fit::Turn => turn_extent(camera, half, distance),
        };
        let focal = (0.94 * w / span[0]).min(0.92 * h / span[1]) * camera.zoom.clamp(0.05, 50.0);
        // The picture's middle at the viewport's middle (right: +x on screen, up: −y).
        let mid = [0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])];
        let centre = [0.5 * w - focal * mid[0], 0.5 * h + focal * mid[1]];
        Self { dir, right, up, distance, focal, centre, size: [width, height] }
    }

    /// Where world point `p` falls on screen.
    pub fn project(&self, p: V3) -> ScreenPoint {
        let depth = (self.distance - dot(p, self.dir)).max(1e-6);
        let s = self.focal / depth;
        ScreenPoint {
            x: self.centre[0] + s * dot(p, self.right),
            y: self.centre[1] - s * dot(p, self.up),
            w: 1.0 / depth,
        }
    }

    /// The world point on screen at pixel `(x, y)` with inverse depth `w` (the inverse of
    /// [`Viewport::project`]).
    pub fn unproject(&self, x: f64, y: f64, w: f64) -> V3 {
        let depth = 1.0 / w;
        let s = self.focal / depth;
        let r = (x - self.centre[0]) / s;
        let u = (self.centre[1] - y) / s;
        let d = self.distance - depth;
        [
            r * self.right[0] + u * self.up[0] + d * self.dir[0],
            r * self.right[1] + u * self.up[1] + d * self.dir[1],
            r * self.right[2] + u * self.up[2] + d * self.dir[2],
        ]
    }
}

/// How a [`Viewport`] scales the box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// The box's picture from this camera fills the viewport (stills, the app).
    Tight,
    /// One scale for every azimuth at this elevation (an orbit: the size never changes).
    Turn,
}

/// The picture's right for azimuth `degrees` (horizontal: the image never rolls).
fn right_of(degrees: f64) -> V3 {
    let a = degrees.to_radians();
    [-a.sin(), a.cos(), 0.0]
}

/// The eight corners of the box with half-extents `half`.
fn corners(half: V3) -> impl Iterator<Item = V3> {
    (0..8).map(move |corner: usize| {
        [
            if corner & 1 == 0 { -half[0] } else { half[0] },
            if corner & 2 == 0 { -half[1] } else { half[1] },
            if corner & 4 == 0 { -half[2] } else { half[2] },
        ]
    })
}

/// Twice the largest extent of the box's corners on screen (x and y, at focal 1) over a full
/// turn of azimuths at `camera`'s elevation.
fn turn_extent(camera: &Camera, half: V3, distance: f64) -> [f64; 2] {
    let (mut ext_x, mut ext_y) = (1e-9_f64, 1e-9_f64);
    for k in 0..24 {
        let probe = Camera {
            azimuth: camera.azimuth + f64::from(k) * 15.0,
            elevation: camera.elevation,
            zoom: 1.0,
        };
        let pdir = probe.direction();
        let pright = right_of(probe.azimuth);
        let pup = cross(pright, [-pdir[0], -pdir[1], -pdir[2]]);
        for c in corners(half) {
            let depth = distance - dot(c, pdir);
            ext_x = ext_x.max(dot(c, pright).abs() / depth);
            ext_y = ext_y.max(dot(c, pup).abs() / depth);
        }
    }
    [2.0 * ext_x, 2.0 * ext_y]
}

/// How values map to heights: `s = (v − min) / (top − min)` clamped to `[0, 1]`, then, when
/// logarithmic, `ln(1 + s·10^HEIGHT_DECADES) / ln(1 + 10^HEIGHT_DECADES)`. Fewer decades than the
/// colour scale's: a height shows a valley's shape, and five decades would dig a trench one
/// mesh cell wide at the minimum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeightScale {
    /// The value at the bottom of the box.
    pub min: f64,
    /// The value at the top (higher values are clipped).
    pub top: f64,
    /// Logarithmic rather than linear.
    pub log: bool,
}

/// Decades a logarithmic height spreads over.
pub const HEIGHT_DECADES: f64 = 1.5;

impl HeightScale {
    /// The position `[0, 1]` of `v` (½ on a flat scale); `None` for a non-finite `v`.
    pub fn position(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let span = 0.5 * self.top - 0.5 * self.min;
        if !(span.is_finite() && span > 0.0) {
            return Some(0.5);
        }
        let s = ((0.5 * v - 0.5 * self.min) / span).clamp(0.0, 1.0);
        if self.log {
            let k = 10f64.powf(HEIGHT_DECADES);
            Some((s * k).ln_1p() / k.ln_1p())
        } else {
            Some(s)
        }
    }
}

/// The surface sampled on a square grid of vertices, in world coordinates, with its colour
/// positions: everything about the 3-D surface that does not depend on the camera.
#[derive(Clone, Debug)]
pub struct Mesh3d {
    /// The domain the mesh spans (vertices on its edges).
    pub domain: Domain,
    /// Vertices per side.
    pub n: usize,
    /// Colour map of the surface.
    pub colormap: Colormap,
    /// Contour levels, evenly spaced in the colour scale (0: none).
    pub contours: usize,
    /// The colour scale (the map's: the same colours for the same values).
    pub color_scale: ColorScale,
    /// The height scale: a value's height is its position on this scale.
    pub height_scale: HeightScale,
    /// World x of each column.
    xs: Vec<f32>,
    /// World y of each row.
    ys: Vec<f32>,
    /// World height of each vertex (row-major from `y_min`), NaN where f is undefined.
    z: Vec<f32>,
    /// Colour position of each vertex.
    t: Vec<f32>,
    /// Unit normal of each vertex.
    normal: Vec<[f32; 3]>,
    /// Half the world box.
    half: V3,
    /// Unique per mesh: part of the renderer's cache key.
    id: u64,
}

impl Mesh3d {
    /// Samples `surface` on `n × n` vertices spanning `domain` (corners included) and places
    /// them in the world box. Colours follow `style` (map, log scale, contour count) over the
    /// samples' range, as the 2-D map does. Heights are logarithmic when the colours are
    /// ([`HeightScale`]: a valley spanning decades is not flattened), linear otherwise, and a
    /// linear height whose 99th percentile lies below a quarter of the range (a few spikes over
    /// a flat floor) is clipped there.
    ///
    /// # Errors
    /// [`FieldError`] when `n` is below 2 or above [`MAX_MESH`], or the domain is not a proper
    /// rectangle.
    pub fn new<S: Surface + Sync + ?Sized>(
        surface: &S,
        domain: Domain,
        n: usize,
        style: &FieldStyle,
    ) -> Result<Self, FieldError> {
        Domain::new(domain.x_min, domain.x_max, domain.y_min, domain.y_max)?;
        if !(2..=MAX_MESH).contains(&n) {
            return Err(FieldError::Empty { nx: n, ny: n });
        }
        let xs_d: Vec<f64> =
            (0..n).map(|i| domain.x_min + domain.width() * i as f64 / (n - 1) as f64).collect();
        let ys_d: Vec<f64> =
            (0..n).map(|j| domain.y_min + domain.height() * j as f64 / (n - 1) as f64).collect();
        let values = sample(surface, &xs_d, &ys_d);
        let (color_scale, height_scale) = scales(&values, style.log_scale);
        let scale = 0.5 * domain.width().max(domain.height());
        let (cx, cy) = (0.5 * (domain.x_min + domain.x_max), 0.5 * (domain.y_min + domain.y_max));
        let half = [0.5 * domain.width() / scale, 0.5 * domain.height() / scale, 0.5 * HEIGHT];
        let xs: Vec<f32> = xs_d.iter().map(|&x| ((x - cx) / scale) as f32).collect();
        let ys: Vec<f32> = ys_d.iter().map(|&y| ((y - cy) / scale) as f32).collect();
        let z: Vec<f32> = values
            .iter()
            .map(|&v| match height_scale.position(v) {
                Some(h) => ((h - 0.5) * HEIGHT) as f32,
                None => f32::NAN,
            })
            .collect();
        let t: Vec<f32> = values
            .iter()
            .map(|&v| {
                if v.is_finite() { color_scale.position(v).unwrap_or(0.5) as f32 } else { f32::NAN }
            })
            .collect();
        let normal = normals(&xs, &ys, &z);
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Self {
            domain,
            n,
            colormap: style.colormap,
            contours: style.contour_count,
            color_scale,
            height_scale,
            xs,
            ys,
            z,
            t,
            normal,
            half,
            id,
        })
    }

    /// Half the world box: x, y, z.
    pub fn half_extents(&self) -> V3 {
        self.half
    }

    /// World x, y of plane point `p`.
    pub fn world_xy(&self, p: Point) -> [f64; 2] {
        let d = &self.domain;
        let scale = 0.5 * d.width().max(d.height());
        [(p.x - 0.5 * (d.x_min + d.x_max)) / scale, (p.y - 0.5 * (d.y_min + d.y_max)) / scale]
    }

    /// The plane point at world x, y.
    pub fn plane_point(&self, xy: [f64; 2]) -> Point {
        let d = &self.domain;
        let scale = 0.5 * d.width().max(d.height());
        Point::new(
            xy[0] * scale + 0.5 * (d.x_min + d.x_max),
            xy[1] * scale + 0.5 * (d.y_min + d.y_max),
        )
    }

    /// The world height of the mesh above plane point `p` (on its triangles, exactly where the
    /// rasteriser draws them); `None` outside the domain or where f is undefined.
    pub fn height_at(&self, p: Point) -> Option<f64> {
        let d = &self.domain;
        let n = self.n;
        let gx = (p.x - d.x_min) / d.width() * (n - 1) as f64;
        let gy = (p.y - d.y_min) / d.height() * (n - 1) as f64;
        if !(gx >= 0.0 && gy >= 0.0 && gx <= (n - 1) as f64 && gy <= (n - 1) as f64) {
            return None;
        }
        let i = (gx.floor() as usize).min(n - 2);
        let j = (gy.floor() as usize).min(n - 2);
        let (u, v) = (gx - i as f64, gy - j as f64);
        let z = |di: usize, dj: usize| f64::from(self.z[(j + dj) * n + i + di]);
        // The same split as the rasteriser: (00, 10, 11) and (00, 11, 01).
        let h = if u >= v {
            z(0, 0) + u * (z(1, 0) - z(0, 0)) + v * (z(1, 1) - z(1, 0))
        } else {
            z(0, 0) + v * (z(0, 1) - z(0, 0)) + u * (z(1, 1) - z(0, 1))
        };
        h.is_finite().then_some(h)
    }

    /// The plane point where the ray from `view`'s camera through screen point `(x, y)` first
    /// meets the mesh (either face); `None` when it misses. Marches the ray through the box's
    /// bounding sphere in 1024 steps and bisects the first crossing, so it needs no frame drawn:
    /// a click picks on the camera as it is now.
    pub fn ray_pick(&self, view: &Viewport, x: f64, y: f64) -> Option<Point> {
        let radius = dot(self.half, self.half).sqrt();
        let (near, far) = ((view.distance - radius).max(1e-6), view.distance + radius);
        // Above (+) or below (−) the mesh at depth d along the ray; None off the mesh.
        let side = |d: f64| -> Option<f64> {
            let p = view.unproject(x, y, 1.0 / d);
            let h = self.height_at(self.plane_point([p[0], p[1]]))?;
            Some(p[2] - h)
        };
        const STEPS: usize = 1024;
        let mut prev: Option<(f64, f64)> = None;
        for k in 0..=STEPS {
            let d = near + (far - near) * k as f64 / STEPS as f64;
            let s = side(d);
            if let (Some((d0, s0)), Some(s1)) = (prev, s)
                && (s0 > 0.0) != (s1 > 0.0)
            {
                let (mut lo, mut hi) = (d0, d);
                for _ in 0..40 {
                    let mid = 0.5 * (lo + hi);
                    match side(mid) {
                        Some(sm) if (sm > 0.0) == (s0 > 0.0) => lo = mid,
                        _ => hi = mid,
                    }
                }
                let p = view.unproject(x, y, 1.0 / hi);
                return Some(self.plane_point([p[0], p[1]]));
            }
            prev = s.map(|s| (d, s));
        }
        None
    }

    /// The world point of plane point `p` on the mesh (`None` where [`Mesh3d::height_at`] is).
    pub fn world(&self, p: Point) -> Option<V3> {
        let [x, y] = self.world_xy(p);
        self.height_at(p).map(|z| [x, y, z])
    }
}

/// `surface` sampled at every (x, y) of the grid, row-major from `ys[0]`, bands of rows in
/// parallel on the calling pool (as the map samples).
fn sample<S: Surface + Sync + ?Sized>(surface: &S, xs: &[f64], ys: &[f64]) -> Vec<f64> {
    let n = xs.len();
    let mut values = vec![0.0; n * ys.len()];
    let threads = crate::field::thread_count().min(ys.len());
    let rows_per = ys.len().div_ceil(threads.max(1));
    values.par_chunks_mut(rows_per * n).enumerate().with_max_len(1).for_each(|(b, band)| {
        let rows = band.len() / n;
        surface.sample_grid(xs, &ys[b * rows_per..b * rows_per + rows], band);
    });
    values
}

/// The colour scale over the finite `values`, and the height scale: logarithmic when the colours
/// are (over fewer decades), linear otherwise and then clipped at the 99th percentile when a few
/// spikes would flatten the rest.
fn scales(values: &[f64], log_scale: bool) -> (ColorScale, HeightScale) {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) =
        finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let color_scale = if finite.is_empty() {
        ColorScale::new(f64::NAN, f64::NAN, log_scale)
    } else {
        ColorScale::new(lo, hi, log_scale)
    };
    // A logarithmic scene gets logarithmic heights (over fewer decades than its colours):
    // Rosenbrock's valley is not flattened, and the saddle lesson's saddle, a quarter high
    // between walls of six, stands out as a saddle.
    let mut top = hi;
    if !log_scale && finite.len() > 100 && hi > lo {
        let k = ((finite.len() as f64 * 0.99) as usize).min(finite.len() - 1);
        let (_, p99, _) = finite.select_nth_unstable_by(k, f64::total_cmp);
        let p99 = *p99;
        if p99 > lo && p99 - lo < 0.25 * (hi - lo) {
            top = p99;
        }
    }
    (color_scale, HeightScale { min: lo, top, log: log_scale })
}

/// The unit normal at each vertex of the heights `z` over the grid `xs × ys` (central
/// differences; up where a neighbour is undefined).
fn normals(xs: &[f32], ys: &[f32], z: &[f32]) -> Vec<[f32; 3]> {
    let n = xs.len();
    let mut normal = vec![[0.0f32, 0.0, 1.0]; n * n];
    for j in 0..n {
        for i in 0..n {
            let (i0, i1) = (i.saturating_sub(1), (i + 1).min(n - 1));
            let (j0, j1) = (j.saturating_sub(1), (j + 1).min(n - 1));
            let dzdx = (z[j * n + i1] - z[j * n + i0]) / (xs[i1] - xs[i0]);
            let dzdy = (z[j1 * n + i] - z[j0 * n + i]) / (ys[j1] - ys[j0]);
            if dzdx.is_finite() && dzdy.is_finite() {
                let m = (dzdx * dzdx + dzdy * dzdy + 1.0).sqrt();
                normal[j * n + i] = [-dzdx / m, -dzdy / m, 1.0 / m];
            }
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Builtin;

    /// The screen box of the box's corners in `view`: (min x, min y, max x, max y).
    fn screen_box(view: &Viewport, half: V3) -> [f64; 4] {
        corners(half)
            .map(|c| view.project(c))
            .fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
                [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)]
            })
    }

    #[test]
    fn a_still_fills_its_frame_from_any_camera_and_an_orbit_keeps_one_scale() {
        // A long, narrow domain seen end-on (azimuth 0 looks along x): the case that left most
        // of the figure white when the scale fitted every azimuth.
        let half = [1.0, 0.25, 0.5];
        let (w, h) = (900, 600);
        for (azimuth, elevation) in [(0.0, 30.0), (90.0, 30.0), (-60.0, 45.0), (200.0, 10.0)] {
            let camera = Camera::new(azimuth, elevation);
            let view = Viewport::new(&camera, half, w, h, Fit::Tight);
            let [x0, y0, x1, y1] = screen_box(&view, half);
            let (fw, fh) = ((x1 - x0) / w as f64, (y1 - y0) / h as f64);
            assert!(fw.max(fh) > 0.9 && fw <= 0.95 && fh <= 0.93, "{azimuth}°: {fw:.3} × {fh:.3}");
            let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
            assert!((cx - 450.0).abs() < 1.0 && (cy - 300.0).abs() < 1.0, "centred: {cx}, {cy}");
        }
        let turn = |a: f64| Viewport::new(&Camera::new(a, 30.0), half, w, h, Fit::Turn).focal;
        let tight = |a: f64| Viewport::new(&Camera::new(a, 30.0), half, w, h, Fit::Tight).focal;
        assert!(tight(0.0) >= turn(0.0) && tight(45.0) >= turn(45.0), "never smaller");
        // In a tall frame, end-on, the narrow side fills the width instead of the long one's room.
        let portrait = |fit| Viewport::new(&Camera::new(0.0, 30.0), half, 600, 900, fit).focal;
        assert!(portrait(Fit::Tight) > 1.5 * portrait(Fit::Turn), "end-on, much larger");
        for a in [15.0, 90.0, 133.0, 270.0] {
            assert!((turn(a) / turn(0.0) - 1.0).abs() < 0.02, "an orbit keeps its scale at {a}°");
        }
    }

    #[test]
    fn unproject_inverts_project() {
        let view = Viewport::new(&Camera::new(-60.0, 30.0), [1.0, 0.8, 0.5], 800, 600, Fit::Tight);
        let p = [0.3, -0.7, 0.2];
        let s = view.project(p);
        let q = view.unproject(s.x, s.y, s.w);
        for k in 0..3 {
            assert!((p[k] - q[k]).abs() < 1e-9, "{p:?} vs {q:?}");
        }
    }

    #[test]
    fn the_mesh_height_matches_the_surface_at_its_vertices() {
        let surface = crate::sim::SurfaceDef::Builtin(Builtin::EscapeSaddle);
        let domain = Domain::new(-2.0, 2.0, -2.0, 2.0).unwrap();
        let mesh = Mesh3d::new(&surface, domain, 33, &FieldStyle::default()).unwrap();
        let p = Point::new(0.0, 0.0);
        let h = mesh.height_at(p).unwrap();
        let expect = (mesh.height_scale.position(surface.value(p)).unwrap() - 0.5) * HEIGHT;
        assert!((h - expect).abs() < 1e-6);
        assert!(mesh.height_at(Point::new(2.5, 0.0)).is_none());
    }
}
