//! The z-buffer: the lit surface mesh with contour lines (cached per camera and size), then the
//! trajectories as thick anti-aliased lines depth-tested per pixel, heads, start points,
//! critical points and a saddle's eigen-directions.

use super::band::{Band, Proj, draw_polyline, lifted};
use super::surface::{draw_surface, shade_vertices};
use super::{Fit, Mesh3d, Viewport};
use crate::figure::style::Marker;
use crate::scene::Camera;
use crate::scene::Rgb;
use crate::sim::{CriticalPoint, Point, TrajectoryPoint};
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

/// Longest screen segment (pixels) drawn straight: longer ones are cut and draped on the mesh.
const DRAPE_PX: f64 = 6.0;
/// Shortest screen step (pixels) kept: closer points add nothing.
const MIN_STEP_PX: f64 = 1.2;
/// Half the width of a trajectory's line, pixels (times the renderer's scale).
const LINE_HALF: f64 = 1.3;

#[derive(Clone, Copy, Debug, PartialEq)]
struct BaseKey {
    fit: Fit,
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
    /// How the box is scaled into the frame (an orbit keeps one scale).
    pub fit: Fit,
    base_key: Option<BaseKey>,
    base_color: Vec<[u8; 4]>,
    base_depth: Vec<f32>,
    color: Vec<[u8; 4]>,
    view: Option<Viewport>,
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
            fit: Fit::Tight,
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
    pub fn view(&self) -> Option<&Viewport> {
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
            fit: self.fit,
            mesh: mesh.id,
            camera: camera.key(),
            size: [width, height],
            scale: self.scale.to_bits(),
            background: self.background,
            critical: critical_key(marks.critical),
        };
        if self.base_key != Some(key) {
            let view = Viewport::new(camera, mesh.half, width, height, self.fit);
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
        let mut band =
            Band { color: &mut self.color, depth: &self.base_depth, width, height, row0: 0 };
        let scale = f64::from(self.scale);
        draw_marks(&mut band, mesh, &view, marks, &self.projected, step, scale);
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
                let mut canvas = Band { color, depth, width, height: rows, row0: b * rows_per };
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

    fn draw_base(&mut self, mesh: &Mesh3d, view: &Viewport, critical: &[CriticalPoint]) {
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
        let verts = &verts;
        self.base_color
            .par_chunks_mut(rows_per * width)
            .zip(self.base_depth.par_chunks_mut(rows_per * width))
            .enumerate()
            .with_max_len(1)
            .for_each(|(b, (color, depth))| {
                let rows = color.len() / width;
                let row0 = b * rows_per;
                draw_surface(color, depth, width, row0, rows, verts, n, lut, levels);
            });
        // Floor and markers over the whole frame (a marker may straddle two bands).
        let mut canvas =
            Band { color: &mut self.base_color, depth: &self.base_depth, width, height, row0: 0 };
        canvas.critical(mesh, view, critical, scale);
    }
}

/// What moves with every frame, over the lines layer: each track's last piece (from its last
/// kept point to the head itself), the clouds' dots, the heads (a cross where a run diverged)
/// and the start points.
fn draw_marks(
    canvas: &mut Band<'_>,
    mesh: &Mesh3d,
    view: &Viewport,
    marks: &Marks<'_>,
    projected: &[Vec<Proj>],
    step: usize,
    s: f64,
) {
    let head_of = |track: &TrackRef<'_>| {
        if track.whole { track.path.len() - 1 } else { step.min(track.path.len() - 1) }
    };
    for (track, proj) in marks.tracks.iter().zip(projected) {
        if track.path.is_empty() {
            continue;
        }
        let head = head_of(track);
        // The last piece moves with the head, so it is not part of the lines layer.
        let head_proj = mesh.world(track.path.get(head)).map(|p| lifted(view, p));
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
            if let Some(h) = mesh.world(p).map(|w| lifted(view, w))
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
        let Some(h) = mesh.world(track.path.get(head_of(track))).map(|p| lifted(view, p)) else {
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
            canvas.marker(h[0], h[1], 5.5 * s, 1.2 * s, Marker::Circle, track.color.0);
        }
    }
    for &p in marks.starts {
        if let Some(h) = mesh.world(p).map(|w| lifted(view, w))
            && canvas.visible(h)
        {
            canvas.marker(h[0], h[1], 5.0 * s, 2.0 * s, Marker::Circle, [255, 255, 255]);
        }
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
fn project_path(
    mesh: &Mesh3d,
    view: &Viewport,
    path: &PathRef<'_>,
    world: &[[f32; 3]],
) -> Vec<Proj> {
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
