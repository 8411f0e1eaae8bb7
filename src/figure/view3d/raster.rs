//! The z-buffer: the lit surface mesh with contour lines (cached per camera and size), then the
//! trajectories as thick anti-aliased lines depth-tested per pixel, heads, start points,
//! critical points and a saddle's eigen-directions.

use super::{Camera, Mesh3d, V3, View, dot, normalize};
use crate::scene::Rgb;
use crate::sim::{CriticalKind, CriticalPoint, Point, TrajectoryPoint};
use rayon::prelude::*;

/// The points of a path: plain points (a figure's track) or a simulated trajectory (the app's
/// runs), borrowed either way.
#[derive(Clone, Copy, Debug)]
pub enum PathRef<'a> {
    /// Points.
    Points(&'a [Point]),
    /// A trajectory's points.
    Trajectory(&'a [TrajectoryPoint]),
}

impl PathRef<'_> {
    /// How many points.
    pub fn len(&self) -> usize {
        match self {
            PathRef::Points(p) => p.len(),
            PathRef::Trajectory(p) => p.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Point `i`.
    pub fn get(&self, i: usize) -> Point {
        match self {
            PathRef::Points(p) => p[i],
            PathRef::Trajectory(p) => p[i].point,
        }
    }
}

/// One trajectory to draw.
#[derive(Clone, Copy, Debug)]
pub struct TrackRef<'a> {
    /// Its colour.
    pub color: Rgb,
    /// Its points, the start first.
    pub path: PathRef<'a>,
    /// The step at which it diverged, if it did.
    pub diverged_at: Option<usize>,
    /// Drawn whole whatever the step (a network's training path, not a run being played).
    pub whole: bool,
}

/// What is drawn over the surface.
#[derive(Clone, Copy, Debug)]
pub struct Marks<'a> {
    /// The trajectories.
    pub tracks: &'a [TrackRef<'a>],
    /// Changes whenever the tracks do: their projection is cached under it (with the camera).
    pub tracks_id: u64,
    /// Draw the trajectories up to this step (all of them for `None`).
    pub step: Option<usize>,
    /// Start points.
    pub starts: &'a [Point],
    /// Critical points (a saddle's eigen-directions are drawn with it).
    pub critical: &'a [CriticalPoint],
    /// Clouds of runs at the current step: each a colour and where its runs are, drawn as small
    /// dots on the surface, hidden behind hills like the runs.
    pub clouds: &'a [CloudRef<'a>],
}

/// One optimizer's cloud of runs at one step.
#[derive(Clone, Copy, Debug)]
pub struct CloudRef<'a> {
    /// Its colour.
    pub color: Rgb,
    /// Where its runs are.
    pub points: &'a [Point],
}

/// Colour of a saddle's escape direction (negative curvature), as on the map.
pub const ESCAPE: Rgb = Rgb([0xff, 0x6a, 0x3d]);
/// Colour of a saddle's attracting direction (positive curvature), as on the map.
pub const ATTRACT: Rgb = Rgb([0x4d, 0xd0, 0xe1]);

/// How far in front of the surface (world units of depth) a line still counts as on it: the
/// "hair" that keeps a run on the surface visible and one behind a hill hidden.
const DEPTH_BIAS: f64 = 0.03;
/// How high above the mesh (world units) lines are drawn.
const HAIR: f64 = 0.004;
/// Longest screen segment (pixels) drawn straight: longer ones are cut and draped on the mesh.
const DRAPE_PX: f64 = 6.0;
/// Shortest screen step (pixels) kept: closer points add nothing.
const MIN_STEP_PX: f64 = 1.2;
/// Half the width of a trajectory's line, pixels (times the renderer's scale).
const LINE_HALF: f64 = 1.3;

/// A projected trajectory point: its step, screen position and (biased) inverse depth; a
/// `w` of 0 lifts the pen (the path left the mesh).
#[derive(Clone, Copy, Debug)]
struct Proj {
    step: u32,
    x: f32,
    y: f32,
    w: f32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct BaseKey {
    mesh: u64,
    camera: [u64; 3],
    size: [usize; 2],
    scale: u32,
    background: [u8; 4],
    critical: u64,
}

/// The 3-D rasteriser with its caches, from the slowest to change to the fastest:
/// - the trajectories' points on the mesh (world coordinates), per mesh and tracks: an orbit
///   only projects them again;
/// - the surface layer (lit mesh, contours, critical points: colour and depth) per camera and
///   size;
/// - the projected trajectories per camera and tracks;
/// - the *lines layer*: the surface with the trajectories drawn up to a step. Playing forward
///   draws only the new pieces onto it; every frame copies it and adds the heads, start points
///   and clouds. Going back in time redraws it from the surface layer.
#[derive(Debug)]
pub struct Renderer {
    /// The colour behind the surface.
    pub background: [u8; 4],
    /// Pixel sizes of lines and markers are multiplied by this (2 for a 2× image).
    pub scale: f32,
    base_key: Option<BaseKey>,
    base_color: Vec<[u8; 4]>,
    base_depth: Vec<f32>,
    color: Vec<[u8; 4]>,
    view: Option<View>,
    world_key: Option<(u64, u64, usize)>,
    world: Vec<Vec<[f32; 3]>>,
    tracks_key: Option<(BaseKey, u64)>,
    projected: Vec<Vec<Proj>>,
    lines_key: Option<(BaseKey, u64, usize)>,
    lines_color: Vec<[u8; 4]>,
    /// The step the lines layer is drawn up to (`None`: nothing drawn yet).
    lines_step: Option<usize>,
}

impl Renderer {
    /// A renderer drawing over `background`.
    pub fn new(background: [u8; 4]) -> Self {
        Self {
            background,
            scale: 1.0,
            base_key: None,
            base_color: Vec::new(),
            base_depth: Vec::new(),
            color: Vec::new(),
            view: None,
            world_key: None,
            world: Vec::new(),
            tracks_key: None,
            projected: Vec::new(),
            lines_key: None,
            lines_color: Vec::new(),
            lines_step: None,
        }
    }

    /// The view of the last frame.
    pub fn view(&self) -> Option<&View> {
        self.view.as_ref()
    }

    /// The last frame: RGBA bytes (opaque), row-major, first row at the top.
    pub fn rgba(&self) -> &[u8] {
        self.color.as_flattened()
    }

    /// The surface layer alone (no trajectories, heads or starts) of the last frame.
    pub fn surface_rgba(&self) -> &[u8] {
        self.base_color.as_flattened()
    }

    /// Draws a `width × height` frame of `mesh` from `camera` with `marks`; returns its RGBA
    /// bytes ([`Renderer::rgba`]). The surface layer is redrawn only when the mesh, camera, size,
    /// critical points or background changed; the trajectories are re-projected only when the
    /// camera or `marks.tracks_id` changed.
    pub fn render(
        &mut self,
        mesh: &Mesh3d,
        camera: &Camera,
        width: usize,
        height: usize,
        marks: &Marks<'_>,
    ) -> &[u8] {
        let (width, height) = (width.max(1), height.max(1));
        let key = BaseKey {
            mesh: mesh.id,
            camera: camera.key(),
            size: [width, height],
            scale: self.scale.to_bits(),
            background: self.background,
            critical: critical_key(marks.critical),
        };
        if self.base_key != Some(key) {
            let view = View::new(camera, mesh.half, width, height);
            self.view = Some(view);
            self.draw_base(mesh, &view, marks.critical);
            self.base_key = Some(key);
        }
        let Some(view) = self.view else { return &[] };
        let world_key = (mesh.id, marks.tracks_id, marks.tracks.len());
        if self.world_key != Some(world_key) {
            self.world = marks.tracks.par_iter().map(|t| world_path(mesh, &t.path)).collect();
            self.world_key = Some(world_key);
            self.tracks_key = None;
        }
        if self.tracks_key != Some((key, marks.tracks_id))
            || self.projected.len() != marks.tracks.len()
        {
            self.projected = marks
                .tracks
                .par_iter()
                .zip(&self.world)
                .map(|(t, w)| project_path(mesh, &view, &t.path, w))
                .collect();
            self.tracks_key = Some((key, marks.tracks_id));
            self.lines_key = None;
        }
        let step = marks.step.unwrap_or(usize::MAX);
        let lines_key = (key, marks.tracks_id, marks.tracks.len());
        if self.lines_key != Some(lines_key) || self.lines_step.is_some_and(|s| step < s) {
            self.lines_color.clone_from(&self.base_color);
            self.lines_step = None;
            self.lines_key = Some(lines_key);
        }
        if self.lines_step != Some(step) {
            self.draw_lines(marks, step, width);
            self.lines_step = Some(step);
        }
        self.color.clone_from(&self.lines_color);
        let mut canvas =
            Canvas { color: &mut self.color, depth: &self.base_depth, width, height, row0: 0 };
        let s = f64::from(self.scale);
        for (track, proj) in marks.tracks.iter().zip(&self.projected) {
            if track.path.is_empty() {
                continue;
            }
            let head =
                if track.whole { track.path.len() - 1 } else { step.min(track.path.len() - 1) };
            // The last piece, from the last kept point to the head itself (it moves with the
            // head, so it is not part of the lines layer).
            let head_proj = mesh.world(track.path.get(head)).map(|p| lifted(&view, p));
            if let (Some(last), Some(h)) =
                (proj.iter().rev().find(|p| p.step as usize <= head), head_proj)
                && last.w > 0.0
            {
                canvas.line(
                    [f64::from(last.x), f64::from(last.y), f64::from(last.w)],
                    h,
                    LINE_HALF * s,
                    track.color.0,
                );
            }
        }
        for cloud in marks.clouds {
            for &p in cloud.points {
                if let Some(h) = mesh.world(p).map(|w| lifted(&view, w))
                    && canvas.visible(h)
                {
                    canvas.dot(h[0], h[1], 2.4 * s, cloud.color.0);
                }
            }
        }
        for track in marks.tracks {
            if track.path.is_empty() {
                continue;
            }
            let head =
                if track.whole { track.path.len() - 1 } else { step.min(track.path.len() - 1) };
            let Some(h) = mesh.world(track.path.get(head)).map(|p| lifted(&view, p)) else {
                continue;
            };
            if !canvas.visible(h) {
                continue;
            }
            let diverged = track.diverged_at.is_some() && step + 1 >= track.path.len();
            if diverged {
                let r = 7.0 * s;
                for (dx, dy) in [(1.0, 1.0), (1.0, -1.0)] {
                    canvas.flat_line(
                        [h[0] - r * dx, h[1] - r * dy],
                        [h[0] + r * dx, h[1] + r * dy],
                        1.8 * s,
                        track.color.0,
                    );
                }
            } else {
                canvas.marker(h[0], h[1], 5.5 * s, 1.2 * s, Shape::Circle, track.color.0);
            }
        }
        for &p in marks.starts {
            if let Some(h) = mesh.world(p).map(|w| lifted(&view, w))
                && canvas.visible(h)
            {
                canvas.marker(h[0], h[1], 5.0 * s, 2.0 * s, Shape::Circle, [255, 255, 255]);
            }
        }
        self.color.as_flattened()
    }

    /// Draws the trajectories' pieces after the lines layer's step up to `step` onto it, in
    /// bands of rows on all cores (each band draws the tracks in order, so the pixels are those
    /// of drawing them one after the other).
    fn draw_lines(&mut self, marks: &Marks<'_>, step: usize, width: usize) {
        let from = self.lines_step;
        let half = LINE_HALF * f64::from(self.scale);
        let height = self.lines_color.len() / width.max(1);
        let bands = (rayon::current_num_threads() * 2).clamp(1, 16);
        let rows_per = height.div_ceil(bands).max(1);
        let projected = &self.projected;
        self.lines_color
            .par_chunks_mut(rows_per * width)
            .zip(self.base_depth.par_chunks(rows_per * width))
            .enumerate()
            .for_each(|(b, (color, depth))| {
                let rows = color.len() / width;
                let mut canvas = Canvas { color, depth, width, height: rows, row0: b * rows_per };
                for (track, proj) in marks.tracks.iter().zip(projected) {
                    if track.path.is_empty() {
                        continue;
                    }
                    let last = track.path.len() - 1;
                    if track.whole {
                        // Drawn whole, once, and thicker: a network's training path is the
                        // lesson's subject, not one run of many.
                        if from.is_none() {
                            draw_polyline(&mut canvas, proj, 0, last, track.color.0, 1.7 * half);
                        }
                        continue;
                    }
                    let head = step.min(last);
                    let first = match from {
                        // Pieces ending after the head drawn before.
                        Some(f) => proj.partition_point(|p| p.step as usize <= f.min(last)),
                        None => 0,
                    };
                    draw_polyline(&mut canvas, proj, first, head, track.color.0, half);
                }
            });
    }

    /// The plane point of the surface under pixel `(x, y)` of the last frame (where a ray from
    /// the camera through the pixel first meets the surface); `None` off the surface.
    pub fn pick(&self, mesh: &Mesh3d, x: f64, y: f64) -> Option<Point> {
        let view = self.view?;
        let [w, h] = view.size;
        if !(x >= 0.0 && y >= 0.0 && x < w as f64 && y < h as f64) {
            return None;
        }
        let depth = self.base_depth.get(y as usize * w + x as usize).copied()?;
        if depth <= 0.0 {
            return None;
        }
        let p = view.unproject(x, y, f64::from(depth));
        let point = mesh.plane_point([p[0], p[1]]);
        mesh.domain.contains(point).then_some(point)
    }

    /// Whether plane point `p`, on the mesh, is in sight in the last frame (not behind the
    /// surface); and where it is on screen.
    pub fn sight(&self, mesh: &Mesh3d, p: Point) -> Option<([f64; 2], bool)> {
        let view = self.view?;
        let q = lifted(&view, mesh.world(p)?);
        let [w, h] = view.size;
        let inside = q[0] >= 0.0 && q[1] >= 0.0 && q[0] < w as f64 && q[1] < h as f64;
        let visible = inside && {
            let d = self.base_depth[q[1] as usize * w + q[0] as usize];
            q[2] >= f64::from(d)
        };
        Some(([q[0], q[1]], visible))
    }

    /// The pieces of `path` up to point `head` that are in sight in the last frame, as screen
    /// polylines: what a vector painter draws so that a run behind a hill is hidden there too.
    pub fn visible_pieces(
        &self,
        mesh: &Mesh3d,
        path: &PathRef<'_>,
        head: usize,
    ) -> Vec<Vec<[f64; 2]>> {
        let Some(view) = self.view else { return Vec::new() };
        let [w, h] = view.size;
        let mut pieces: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut current: Vec<[f64; 2]> = Vec::new();
        let mut points: Vec<[f64; 3]> = project_path(mesh, &view, path, &world_path(mesh, path))
            .into_iter()
            .filter(|p| p.step as usize <= head)
            .map(|p| [f64::from(p.x), f64::from(p.y), f64::from(p.w)])
            .collect();
        if head < path.len()
            && let Some(q) = mesh.world(path.get(head)).map(|p| lifted(&view, p))
        {
            points.push(q);
        }
        for q in points {
            let inside =
                q[2] > 0.0 && q[0] >= 0.0 && q[1] >= 0.0 && q[0] < w as f64 && q[1] < h as f64;
            let seen =
                inside && q[2] >= f64::from(self.base_depth[q[1] as usize * w + q[0] as usize]);
            if seen {
                current.push([q[0], q[1]]);
            } else if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            pieces.push(current);
        }
        pieces
    }

    fn draw_base(&mut self, mesh: &Mesh3d, view: &View, critical: &[CriticalPoint]) {
        let [width, height] = view.size;
        self.base_color.clear();
        self.base_color.resize(width * height, self.background);
        self.base_depth.clear();
        self.base_depth.resize(width * height, 0.0);
        let verts = shade_vertices(mesh, view);
        let n = mesh.n;
        let lut = mesh.colormap.lut();
        let levels = mesh.contours;
        let threads = crate::field::thread_count().clamp(1, 8);
        let rows_per = height.div_ceil(threads);
        let scale = f64::from(self.scale);
        std::thread::scope(|scope| {
            let bands = self
                .base_color
                .chunks_mut(rows_per * width)
                .zip(self.base_depth.chunks_mut(rows_per * width))
                .enumerate();
            for (b, (color, depth)) in bands {
                let verts = &verts;
                scope.spawn(move || {
                    let rows = color.len() / width;
                    let row0 = b * rows_per;
                    draw_surface(color, depth, width, row0, rows, verts, n, lut, levels);
                });
            }
        });
        // Floor and markers over the whole frame (a marker may straddle two bands).
        let mut canvas =
            Canvas { color: &mut self.base_color, depth: &self.base_depth, width, height, row0: 0 };
        canvas.critical(mesh, view, critical, scale);
    }
}

fn critical_key(points: &[CriticalPoint]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in points {
        for v in [c.point.x, c.point.y, c.value] {
            h = (h ^ v.to_bits()).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h ^ points.len() as u64
}

/// A world point lifted by the hair and projected, its inverse depth biased towards the camera:
/// `[x, y, w]`.
fn lifted(view: &View, p: V3) -> [f64; 3] {
    let s = view.project([p[0], p[1], p[2] + HAIR]);
    [s.x, s.y, 1.0 / (1.0 / s.w - DEPTH_BIAS).max(1e-6)]
}

/// A path's points on the mesh (world coordinates; NaN where a point is off the mesh): what an
/// orbit does not change.
fn world_path(mesh: &Mesh3d, path: &PathRef<'_>) -> Vec<[f32; 3]> {
    (0..path.len())
        .map(|i| match mesh.world(path.get(i)) {
            Some(w) => w.map(|c| c as f32),
            None => [f32::NAN; 3],
        })
        .collect()
}

/// A path projected on the mesh (its points' world positions in `world`): sub-pixel steps
/// dropped, long ones cut and draped.
fn project_path(mesh: &Mesh3d, view: &View, path: &PathRef<'_>, world: &[[f32; 3]]) -> Vec<Proj> {
    let mut out: Vec<Proj> = Vec::new();
    let mut last: Option<(Point, [f64; 3])> = None;
    let pen_up = |out: &mut Vec<Proj>, step: usize| {
        if out.last().is_some_and(|p| p.w > 0.0) {
            out.push(Proj { step: step as u32, x: 0.0, y: 0.0, w: 0.0 });
        }
    };
    for (i, w) in world.iter().enumerate() {
        if w[0].is_nan() {
            pen_up(&mut out, i);
            last = None;
            continue;
        }
        let q = lifted(view, w.map(f64::from));
        match last {
            None => {
                out.push(Proj { step: i as u32, x: q[0] as f32, y: q[1] as f32, w: q[2] as f32 });
                last = Some((path.get(i), q));
            }
            Some((lp, lq)) => {
                let (dx, dy) = (q[0] - lq[0], q[1] - lq[1]);
                let len = (dx * dx + dy * dy).sqrt();
                if !len.is_finite() {
                    continue;
                }
                if len < MIN_STEP_PX && i + 1 != world.len() {
                    continue;
                }
                let p = path.get(i);
                if len <= DRAPE_PX {
                    out.push(Proj {
                        step: i as u32,
                        x: q[0] as f32,
                        y: q[1] as f32,
                        w: q[2] as f32,
                    });
                    last = Some((p, q));
                    continue;
                }
                let pieces = (len / DRAPE_PX).ceil().clamp(1.0, 256.0) as usize;
                for k in 1..=pieces {
                    let f = k as f64 / pieces as f64;
                    let m = lp + (p - lp) * f;
                    match mesh.world(m) {
                        Some(w) => {
                            let r = lifted(view, w);
                            out.push(Proj {
                                step: i as u32,
                                x: r[0] as f32,
                                y: r[1] as f32,
                                w: r[2] as f32,
                            });
                        }
                        None => pen_up(&mut out, i),
                    }
                }
                last = Some((p, q));
            }
        }
    }
    out
}

/// Draws the pieces of `proj` ending at points `first ..` whose step is at most `head`.
fn draw_polyline(
    canvas: &mut Canvas<'_>,
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

/// A projected, lit vertex.
#[derive(Clone, Copy, Debug)]
struct Vert {
    x: f32,
    y: f32,
    w: f32,
    t: f32,
    shade: f32,
}

/// Every vertex projected and lit: Lambert from a light above the camera's left shoulder
/// (fixed to the camera, so every side of a hill reads the same way as the camera turns), plus
/// ambient; both faces lit.
fn shade_vertices(mesh: &Mesh3d, view: &View) -> Vec<Vert> {
    let light = normalize([
        -0.45 * view.right[0] + 0.8 * view.up[0] + 0.55 * view.dir[0],
        -0.45 * view.right[1] + 0.8 * view.up[1] + 0.55 * view.dir[1],
        -0.45 * view.right[2] + 0.8 * view.up[2] + 0.55 * view.dir[2],
    ]);
    let n = mesh.n;
    let mut out = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            let k = j * n + i;
            let z = mesh.z[k];
            let p = [f64::from(mesh.xs[i]), f64::from(mesh.ys[j]), f64::from(z)];
            let s = view.project(p);
            let nv = mesh.normal[k].map(f64::from);
            // The face seen: flip a normal that points away from the camera.
            let to_cam = [
                -p[0] + view.dir[0] * view.distance,
                -p[1] + view.dir[1] * view.distance,
                -p[2] + view.dir[2] * view.distance,
            ];
            let nv = if dot(nv, to_cam) < 0.0 { nv.map(|c| -c) } else { nv };
            let lambert = dot(nv, light).max(0.0);
            let shade = 0.5 + 0.6 * lambert;
            out.push(Vert {
                x: s.x as f32,
                y: s.y as f32,
                w: if z.is_finite() { s.w as f32 } else { f32::NAN },
                t: mesh.t[k],
                shade: shade as f32,
            });
        }
    }
    out
}

/// Rasterises the mesh's triangles into rows `row0 .. row0 + rows` of the image.
#[allow(clippy::too_many_arguments)]
fn draw_surface(
    color: &mut [[u8; 4]],
    depth: &mut [f32],
    width: usize,
    row0: usize,
    rows: usize,
    verts: &[Vert],
    n: usize,
    lut: &[[u8; 4]; crate::field::LUT_SIZE],
    levels: usize,
) {
    let y_lo = row0 as f32;
    let y_hi = (row0 + rows) as f32;
    let bands = (levels + 1) as f32;
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let v00 = verts[j * n + i];
            let v10 = verts[j * n + i + 1];
            let v01 = verts[(j + 1) * n + i];
            let v11 = verts[(j + 1) * n + i + 1];
            for tri in [[v00, v10, v11], [v00, v11, v01]] {
                if tri.iter().any(|v| !v.w.is_finite()) {
                    continue;
                }
                let min_y = tri[0].y.min(tri[1].y).min(tri[2].y);
                let max_y = tri[0].y.max(tri[1].y).max(tri[2].y);
                if max_y < y_lo || min_y >= y_hi {
                    continue;
                }
                triangle(color, depth, width, row0, rows, tri, lut, levels, bands);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
#[inline]
fn triangle(
    color: &mut [[u8; 4]],
    depth: &mut [f32],
    width: usize,
    row0: usize,
    rows: usize,
    [a, b, c]: [Vert; 3],
    lut: &[[u8; 4]; crate::field::LUT_SIZE],
    levels: usize,
    bands: f32,
) {
    let area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    if area.abs() < 1e-12 {
        return;
    }
    let inv = 1.0 / area;
    let x0 = a.x.min(b.x).min(c.x).floor().max(0.0) as usize;
    let x1 = (a.x.max(b.x).max(c.x).ceil() as isize).min(width as isize - 1);
    let y0 = (a.y.min(b.y).min(c.y).floor().max(row0 as f32)) as usize;
    let y1 = (a.y.max(b.y).max(c.y).ceil() as isize).min((row0 + rows) as isize - 1);
    if x1 < x0 as isize || y1 < y0 as isize {
        return;
    }
    let (x1, y1) = (x1 as usize, y1 as usize);
    // Attributes as planes over the screen: v(x, y) = v_a + dvdx (x − a.x) + dvdy (y − a.y).
    let plane = |va: f32, vb: f32, vc: f32| {
        let dx = ((vb - va) * (c.y - a.y) - (vc - va) * (b.y - a.y)) * inv;
        let dy = ((vc - va) * (b.x - a.x) - (vb - va) * (c.x - a.x)) * inv;
        (dx, dy)
    };
    let (wdx, wdy) = plane(a.w, b.w, c.w);
    let (tdx, tdy) = plane(a.t, b.t, c.t);
    let (sdx, sdy) = plane(a.shade, b.shade, c.shade);
    // Contour half-width in colour position: 0.7 px along the steepest direction.
    let grad = (tdx * tdx + tdy * tdy).sqrt() * bands;
    let contour = levels > 0 && grad > 0.0;
    let inv_grad = if contour { 1.0 / grad } else { 0.0 };
    // Edge functions, oriented so that inside is positive.
    let sign = area.signum();
    let edge = |p: Vert, q: Vert| {
        let ex = (q.x - p.x) * sign;
        let ey = (q.y - p.y) * sign;
        (p, ex, ey)
    };
    let edges = [edge(a, b), edge(b, c), edge(c, a)];
    for y in y0..=y1 {
        let py = y as f32 + 0.5;
        let row = (y - row0) * width;
        // The row's span inside the three edges, widened by a pixel (the exact test below
        // decides): most of a thin triangle's box is not scanned.
        let (mut lo, mut hi) = (x0 as f32, x1 as f32);
        for &(p, ex, ey) in &edges {
            // Inside: ex·(py − p.y) − ey·(px − p.x) ≥ 0, linear in px.
            let c = ex * (py - p.y);
            if ey > 0.0 {
                hi = hi.min(p.x + c / ey - 0.5 + 1.0);
            } else if ey < 0.0 {
                lo = lo.max(p.x + c / ey - 0.5 - 1.0);
            } else if c < 0.0 {
                lo = hi + 1.0;
            }
        }
        if lo.is_nan() || hi.is_nan() || lo > hi {
            continue;
        }
        let (sx0, sx1) = (lo.floor().max(x0 as f32) as usize, (hi.ceil() as usize).min(x1));
        for x in sx0..=sx1 {
            let px = x as f32 + 0.5;
            let mut inside = true;
            for &(p, ex, ey) in &edges {
                if ex * (py - p.y) - ey * (px - p.x) < 0.0 {
                    inside = false;
                    break;
                }
            }
            if !inside {
                continue;
            }
            let (ddx, ddy) = (px - a.x, py - a.y);
            let w = a.w + wdx * ddx + wdy * ddy;
            let k = row + x;
            if w <= depth[k] {
                continue;
            }
            depth[k] = w;
            let t = (a.t + tdx * ddx + tdy * ddy).clamp(0.0, 1.0);
            let shade = (a.shade + sdx * ddx + sdy * ddy).clamp(0.0, 1.2);
            let base = lut[((t * 255.0) as usize).min(255)];
            let mut rgb = [
                f32::from(base[0]) * shade,
                f32::from(base[1]) * shade,
                f32::from(base[2]) * shade,
            ];
            if contour {
                let u = t * bands;
                let nearest = u.round();
                if nearest >= 1.0 && nearest <= levels as f32 {
                    let dist_px = (u - nearest).abs() * inv_grad;
                    let alpha = (1.0 - dist_px / 0.75).clamp(0.0, 1.0) * 0.55;
                    if alpha > 0.0 {
                        for c in &mut rgb {
                            *c += (255.0 - *c) * alpha;
                        }
                    }
                }
            }
            color[k] =
                [rgb[0].min(255.0) as u8, rgb[1].min(255.0) as u8, rgb[2].min(255.0) as u8, 255];
        }
    }
}

/// Marker shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Circle,
    Triangle,
    Diamond,
    Square,
}

impl Shape {
    /// Whether offset (dx, dy) from the centre is inside the shape of radius r.
    fn inside(self, dx: f64, dy: f64, r: f64) -> bool {
        match self {
            Shape::Circle => dx * dx + dy * dy <= r * r,
            Shape::Diamond => dx.abs() + dy.abs() <= 1.3 * r,
            Shape::Square => dx.abs().max(dy.abs()) <= r,
            Shape::Triangle => {
                // Apex up at −1.2 r, base at +0.8 r.
                dy <= 0.8 * r && dy >= -1.2 * r && dx.abs() <= 1.1 * r * (dy + 1.2 * r) / (2.0 * r)
            }
        }
    }
}

/// A band of rows of the frame to draw into.
struct Canvas<'a> {
    color: &'a mut [[u8; 4]],
    depth: &'a [f32],
    width: usize,
    /// Rows in this band.
    height: usize,
    /// The band's first row in the frame.
    row0: usize,
}

impl Canvas<'_> {
    fn blend(&mut self, k: usize, rgb: [u8; 3], alpha: f64) {
        let px = &mut self.color[k];
        // In 1/256ths, rounded: integer arithmetic (a frame blends millions of pixels).
        let a = (alpha.clamp(0.0, 1.0) * 256.0 + 0.5) as u32;
        for c in 0..3 {
            px[c] = ((u32::from(px[c]) * (256 - a) + u32::from(rgb[c]) * a + 128) >> 8) as u8;
        }
    }

    /// Whether screen point `[x, y, w]` is in front of the surface (and in this band).
    fn visible(&self, p: [f64; 3]) -> bool {
        let (x, y) = (p[0].floor(), p[1].floor() - self.row0 as f64);
        if !(x >= 0.0 && y >= 0.0 && x < self.width as f64 && y < self.height as f64) {
            return false;
        }
        p[2] >= f64::from(self.depth[y as usize * self.width + x as usize])
    }

    /// A thick anti-aliased segment from `a` to `b` (`[x, y, w]`), half-width `half` pixels,
    /// each pixel depth-tested against the surface.
    fn line(&mut self, a: [f64; 3], b: [f64; 3], half: f64, rgb: [u8; 3]) {
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
    fn flat_line(&mut self, a: [f64; 2], b: [f64; 2], half: f64, rgb: [u8; 3]) {
        self.line([a[0], a[1], f64::INFINITY], [b[0], b[1], f64::INFINITY], half, rgb);
    }

    /// A small filled disc of radius `r` with a thin dark rim (a cloud's run), centred at
    /// (x, y), not depth-tested (its centre is).
    fn dot(&mut self, x: f64, y: f64, r: f64, fill: [u8; 3]) {
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
    fn marker(&mut self, x: f64, y: f64, r: f64, outline: f64, shape: Shape, fill: [u8; 3]) {
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
                    if shape.inside(dx + sx, dy + sy, r) {
                        fill_n += 1;
                    } else if shape.inside(dx + sx, dy + sy, r + outline) {
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
    fn critical(&mut self, mesh: &Mesh3d, view: &View, points: &[CriticalPoint], scale: f64) {
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
            let shape = match cp.kind {
                CriticalKind::Min => Shape::Circle,
                CriticalKind::Max => Shape::Triangle,
                CriticalKind::Saddle => Shape::Diamond,
                CriticalKind::Degenerate => Shape::Square,
            };
            let (rgb, _) = crate::figure::svg::critical_style(cp.kind);
            self.marker(q[0], q[1], 6.0 * scale, 1.5 * scale, shape, rgb.0);
        }
    }
}
