//! The cloud on screen: every enabled optimizer from each of many start points, as moving points
//! with short fading tails.
//!
//! Where the runs are at the playback step is computed in the background ([`crate::sim::run::cloud`],
//! exact), one frame at a time, continuing the runs from where the last frame left them (back
//! from step 0 when the step went back): a new frame is asked for when the last one has arrived
//! and the step has moved, so a large cloud moves at the rate the cores can compute it and the
//! UI never waits. The last few frames received make the tails; scrubbing back starts
//! the tails afresh.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use egui::Color32;
use egui::epaint::Mesh;
use egui_plot::{PlotPoint, PlotTransform};

use crate::jobs::{Budget, JobSlot, Outcome, Priority, Progress, SliceResult, Sliced};
use crate::scene::Scene;
use crate::sim::run::cloud::{Cloud, CloudFrame, CloudRuns};
use crate::sim::{Domain, OptimizerSpec, Point, SurfaceDef};

/// Frames kept for the tails (the current one included).
const TAIL: usize = 3;

/// Radius of a head, in points.
const HEAD_RADIUS: f32 = 2.6;

/// What a cloud depends on: the surface, the cloud, the domain it spreads over, and the
/// enabled optimizers (index and spec).
#[derive(Clone, Debug, PartialEq)]
struct CloudKey {
    surface: u64,
    cloud: Cloud,
    domain: Domain,
    optimizers: Vec<(usize, String)>,
}

/// One step of every optimizer's cloud: (optimizer index, where its runs are).
type Frames = (usize, Vec<(usize, CloudFrame)>);

/// The runs of each enabled optimizer (index) in flight, between frames.
type Flights = Vec<(usize, CloudRuns)>;

/// One frame of the cloud: every optimizer's runs brought to the step, one optimizer after the
/// other, a few pieces at a time between frames where there are no threads (the browser); on a
/// thread of its own, each optimizer's runs in one go on all cores.
struct FrameJob {
    surface: SurfaceDef,
    starts: Arc<Vec<Point>>,
    step: usize,
    /// The optimizers still to bring there (index and spec), the next one last.
    optimizers: Vec<(usize, OptimizerSpec)>,
    /// The runs where the last frame left them, taken as each optimizer's turn comes.
    flights: Flights,
    /// The optimizer whose runs are under way.
    now: Option<(usize, CloudRuns)>,
    /// The frames done and the runs that made them, in the optimizers' order.
    frames: Vec<(usize, CloudFrame)>,
    kept: Flights,
}

impl Sliced for FrameJob {
    type Output = (Frames, Flights);

    fn slice(&mut self, budget: Budget, progress: &Progress) -> SliceResult<Self::Output> {
        let units = budget.units();
        loop {
            let Some((i, runs)) = &mut self.now else {
                let Some((i, spec)) = self.optimizers.pop() else {
                    let frames = (self.step, std::mem::take(&mut self.frames));
                    return Ok(Some((frames, std::mem::take(&mut self.kept))));
                };
                let starts = &self.starts;
                let runs = match self
                    .flights
                    .iter()
                    .position(|(j, r)| *j == i && r.is_of(&spec, starts))
                {
                    Some(k) => self.flights.swap_remove(k).1,
                    None => CloudRuns::new(&self.surface, &spec, Arc::clone(starts)),
                };
                self.now = Some((i, runs));
                continue;
            };
            if let Some(frame) = runs.advance(&self.surface, self.step, units, progress)? {
                let i = *i;
                self.frames.push((i, frame));
                if let Some((_, runs)) = self.now.take() {
                    self.kept.push((i, runs));
                }
            }
            if !budget.left() {
                return Ok(None);
            }
        }
    }
}

/// The cloud's state.
pub struct CloudView {
    key: Option<CloudKey>,
    starts: Arc<Vec<Point>>,
    /// The runs where the last frame left them, so that the next frame forward costs only the
    /// steps between (lent to the job computing a frame, and handed back with it).
    flights: Flights,
    job: JobSlot<(Frames, Flights)>,
    /// The step of the frame being computed.
    asked: Option<usize>,
    /// The frames received, newest last.
    history: VecDeque<Frames>,
    /// Changes whenever `history` does: part of the painted mesh's key.
    history_id: u64,
    /// The mesh painted last, and what it was painted from: a paused cloud, or one whose next
    /// frame is still being computed, is not rebuilt every frame.
    painted: Mutex<Option<(PaintKey, Arc<Mesh>)>>,
}

/// What a painted cloud depends on: the frames, the screen transform, the optimizers shown and
/// their colours.
#[derive(Clone, Debug, PartialEq)]
struct PaintKey {
    history: u64,
    frame: [u32; 4],
    bounds: [u64; 4],
    only: Vec<usize>,
    colors: Vec<Color32>,
}

impl Default for CloudView {
    fn default() -> Self {
        Self {
            key: None,
            starts: Arc::default(),
            flights: Vec::new(),
            job: JobSlot::new("cloud", Priority::Interactive),
            asked: None,
            history: VecDeque::new(),
            history_id: 0,
            painted: Mutex::new(None),
        }
    }
}

impl CloudView {
    /// Brings the cloud towards `step` of `scene`: takes a finished frame, and asks for the next
    /// one when none is being computed and the step moved (or the cloud changed: then at once).
    pub fn update(
        &mut self,
        scene: &Scene,
        surface: &SurfaceDef,
        surface_id: u64,
        step: usize,
        wake: impl Fn() + Send + 'static,
    ) {
        if let Some((outcome, _)) = self.job.poll() {
            self.asked = None;
            if let Outcome::Done((frames, flights)) = outcome {
                self.flights = flights;
                if self.history.back().is_some_and(|(s, _)| *s > frames.0) {
                    self.history.clear();
                    self.history_id += 1;
                }
                self.history.push_back(frames);
                self.history_id += 1;
                self.history_id += 1;
                while self.history.len() > TAIL {
                    self.history.pop_front();
                }
            }
        }
        let Some(cloud) = scene.cloud else {
            self.clear();
            return;
        };
        let optimizers: Vec<(usize, OptimizerSpec)> = scene
            .optimizers
            .iter()
            .enumerate()
            .filter(|(_, e)| e.enabled)
            .map(|(i, e)| (i, e.spec))
            .collect();
        let key = CloudKey {
            surface: surface_id,
            cloud,
            domain: scene.domain(),
            optimizers: optimizers.iter().map(|(i, s)| (*i, s.to_string())).collect(),
        };
        if self.key.as_ref() != Some(&key) {
            self.starts = Arc::new(cloud.starts(&key.domain));
            self.key = Some(key);
            self.history.clear();
            self.history_id += 1;
            self.flights.clear();
            self.asked = None;
            self.job.cancel();
        }
        let shown = self.history.back().map(|(s, _)| *s);
        if self.job.busy() || shown == Some(step) || self.asked == Some(step) {
            return;
        }
        self.asked = Some(step);
        let job = FrameJob {
            surface: surface.clone(),
            starts: Arc::clone(&self.starts),
            step,
            optimizers: optimizers.into_iter().rev().collect(),
            flights: std::mem::take(&mut self.flights),
            now: None,
            frames: Vec::new(),
            kept: Vec::new(),
        };
        self.job.request_sliced(wake, job);
    }

    fn clear(&mut self) {
        if self.key.is_some() {
            self.key = None;
            self.starts = Arc::default();
            self.history.clear();
            self.history_id += 1;
            self.flights.clear();
            self.job.cancel();
            self.asked = None;
        }
    }

    /// Whether a cloud is shown or on its way.
    pub fn is_active(&self) -> bool {
        self.key.is_some()
    }

    /// How many runs per optimizer.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the cloud has no runs.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The step of the newest frame on screen.
    pub fn shown_step(&self) -> Option<usize> {
        self.history.back().map(|(s, _)| *s)
    }

    /// Waits for the frame being computed (tests and benchmarks; a frame never waits).
    pub fn settle(&mut self) {
        if let Some(Outcome::Done((frames, flights))) = self.job.wait() {
            self.flights = flights;
            self.asked = None;
            self.history.push_back(frames);
            self.history_id += 1;
            while self.history.len() > TAIL {
                self.history.pop_front();
            }
        }
    }

    /// The newest frame on screen: its step, and per optimizer (by index) where its runs are.
    pub fn newest(&self) -> Option<(usize, &[(usize, CloudFrame)])> {
        self.history.back().map(|(s, frames)| (*s, frames.as_slice()))
    }

    /// How many runs of optimizer `i` have diverged by the newest frame.
    pub fn diverged(&self, i: usize) -> Option<usize> {
        let (_, frames) = self.history.back()?;
        frames.iter().find(|(j, _)| *j == i).map(|(_, f)| f.diverged)
    }

    /// Paints the cloud of the optimizers in `only` (all when empty) over a plot, as one mesh:
    /// each head a small disc in its optimizer's colour, older frames fainter and smaller.
    pub fn paint(
        &self,
        painter: &egui::Painter,
        transform: &PlotTransform,
        colors: &dyn Fn(usize) -> Color32,
        only: &[usize],
    ) {
        if self.history.is_empty() {
            return;
        }
        let mesh = self.painted_mesh(transform, colors, only);
        painter.with_clip_rect(*transform.frame()).add(egui::Shape::mesh(mesh));
    }

    /// The mesh [`paint`](Self::paint) paints: the one painted last when nothing it depends on
    /// changed, else built afresh.
    fn painted_mesh(
        &self,
        transform: &PlotTransform,
        colors: &dyn Fn(usize) -> Color32,
        only: &[usize],
    ) -> Arc<Mesh> {
        let frame_rect = *transform.frame();
        let b = transform.bounds();
        let newest = self.history.back().map(|(_, n)| n.as_slice()).unwrap_or_default();
        let key = PaintKey {
            history: self.history_id,
            frame: [frame_rect.min.x, frame_rect.min.y, frame_rect.max.x, frame_rect.max.y]
                .map(f32::to_bits),
            bounds: [b.min()[0], b.min()[1], b.max()[0], b.max()[1]].map(f64::to_bits),
            only: only.to_vec(),
            colors: newest.iter().map(|(i, _)| colors(*i)).collect(),
        };
        let mut painted = self.painted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match painted.as_ref() {
            Some((k, mesh)) if *k == key => Arc::clone(mesh),
            _ => {
                let mesh =
                    Arc::new(self.mesh(transform, colors, only, crate::platform::DRAWN_POINTS));
                *painted = Some((key, Arc::clone(&mesh)));
                mesh
            }
        }
    }

    /// The mesh of [`paint`](Self::paint), of at most about `drawn` heads: beyond that, every
    /// k-th run of each cloud (the runs start at random, so any even share of them is spread
    /// as the whole cloud is).
    fn mesh(
        &self,
        transform: &PlotTransform,
        colors: &dyn Fn(usize) -> Color32,
        only: &[usize],
        drawn: usize,
    ) -> Mesh {
        let Some((_, newest)) = self.history.back() else { return Mesh::default() };
        let frame_rect = *transform.frame();
        let mut mesh = Mesh::default();
        let shown = |i: &usize| only.is_empty() || only.contains(i);
        let all: usize = newest.iter().filter(|(i, _)| shown(i)).map(|(_, c)| c.points.len()).sum();
        let every = all.div_ceil(drawn.max(1)).max(1);
        // At most: a head is two hexagon fans (14 vertices, 12 triangles), a tail dot a quad.
        let heads = all.div_ceil(every);
        let tails = heads * self.history.len().saturating_sub(1);
        mesh.reserve_vertices(14 * heads + 4 * tails);
        mesh.reserve_triangles(12 * heads + 2 * tails);
        let count = self.history.len();
        // The first optimizer of the scene is painted last, on top: the optimizers a lesson
        // lists first are the ones it talks about.
        for (i, _) in newest.iter().rev() {
            if !shown(i) {
                continue;
            }
            for (age, (_, frames)) in self.history.iter().rev().enumerate().rev() {
                let Some((_, cloud)) = frames.iter().find(|(j, _)| j == i) else { continue };
                let fade = 1.0 - age as f32 / count.max(1) as f32;
                let head = age == 0;
                let radius = if head { HEAD_RADIUS } else { HEAD_RADIUS * (0.45 + 0.4 * fade) };
                let color = colors(*i).gamma_multiply(if head { 1.0 } else { 0.55 * fade });
                for p in cloud.points.iter().step_by(every) {
                    let at = transform.position_from_point(&PlotPoint::new(p.x, p.y));
                    if frame_rect.expand(radius).contains(at) {
                        if head {
                            // A dark rim, so that clouds of light colours read over each other.
                            crate::app::mesh::disc(
                                &mut mesh,
                                at,
                                radius + 0.9,
                                Color32::from_black_alpha(170),
                            );
                            crate::app::mesh::disc(&mut mesh, at, radius, color);
                        } else {
                            // A tail dot is a pixel or two: a square is as good and cheaper.
                            let half = egui::vec2(radius, radius) * 0.8;
                            mesh.add_colored_rect(
                                egui::Rect::from_center_size(at, half * 2.0),
                                color,
                            );
                        }
                    }
                }
            }
        }
        mesh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_plot::PlotBounds;

    /// The lesson's scene with a uniform cloud of `runs` runs per optimizer from `seed`, its
    /// surface, and the cloud's view with the frame at `step` in.
    fn settled(runs: usize, seed: u64, step: usize) -> (Scene, SurfaceDef, CloudView) {
        let mut scene = crate::scene::default_scene();
        scene.cloud = Some(Cloud::uniform(runs, seed));
        let surface = scene.surface.resolve().unwrap();
        let mut view = CloudView::default();
        view.update(&scene, &surface, 1, step, || {});
        view.settle();
        (scene, surface, view)
    }

    #[test]
    fn a_cloud_is_meshed_again_only_when_its_frames_view_or_colours_change() {
        let (scene, surface, mut view) = settled(200, 1, 5);
        assert_eq!(view.shown_step(), Some(5));
        let frame = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(400.0, 300.0));
        let t = PlotTransform::new(frame, PlotBounds::from_min_max([-2.0; 2], [2.0; 2]), false);
        let red = |_: usize| Color32::RED;
        let first = view.painted_mesh(&t, &red, &[]);
        assert!(!first.vertices.is_empty());
        assert!(Arc::ptr_eq(&first, &view.painted_mesh(&t, &red, &[])), "nothing changed");
        let zoomed =
            PlotTransform::new(frame, PlotBounds::from_min_max([-1.0; 2], [1.0; 2]), false);
        let moved = view.painted_mesh(&zoomed, &red, &[]);
        assert!(!Arc::ptr_eq(&first, &moved), "a zoom moves every point");
        let blue = |_: usize| Color32::BLUE;
        let recoloured = view.painted_mesh(&zoomed, &blue, &[]);
        assert!(recoloured.vertices.iter().any(|v| v.color == Color32::BLUE));
        // A new frame of the cloud arrives: a new mesh, with the old frame as its tail.
        view.update(&scene, &surface, 1, 9, || {});
        view.settle();
        let next = view.painted_mesh(&zoomed, &blue, &[]);
        assert!(!Arc::ptr_eq(&recoloured, &next));
        assert!(next.vertices.len() > recoloured.vertices.len(), "heads and a tail now");
    }

    #[test]
    fn beyond_the_points_drawn_an_even_share_of_each_cloud_is_meshed() {
        let (_, _, view) = settled(1000, 3, 0);
        let (_, frames) = view.newest().unwrap();
        let clouds = frames.len();
        assert!(clouds >= 2, "several optimizers' clouds");
        // Bounds far wider than the domain: every point is inside the frame.
        let frame = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(400.0, 300.0));
        let t = PlotTransform::new(frame, PlotBounds::from_min_max([-1e3; 2], [1e3; 2]), false);
        let red = |_: usize| Color32::RED;
        // A head is 14 vertices (one frame: no tails).
        let heads = |drawn: usize| view.mesh(&t, &red, &[], drawn).vertices.len() / 14;
        assert_eq!(heads(usize::MAX), 1000 * clouds);
        // Half the budget: every other run of each cloud.
        assert_eq!(heads(500 * clouds), 500 * clouds);
        // A third: every third run, the first of each cloud included.
        assert_eq!(heads(334 * clouds - 1), 334 * clouds);
        // Only one cloud shown: the budget is its alone.
        assert_eq!(view.mesh(&t, &red, &[frames[0].0], 1000).vertices.len() / 14, 1000);
    }

    #[test]
    fn between_frames_a_cloud_frame_comes_in_pieces_and_is_the_whole_frame() {
        use crate::jobs::{Runner, frames_until, set_runner};
        use crate::sim::run::cloud::frame;
        let mut scene = crate::scene::default_scene();
        scene.cloud = Some(Cloud::uniform(1100, 2));
        let surface = scene.surface.resolve().unwrap();
        let step = 100;
        let mut whole = CloudView::default();
        whole.update(&scene, &surface, 1, step, || {});
        whole.settle();
        set_runner(Runner::BetweenFrames);
        let mut view = CloudView::default();
        view.update(&scene, &surface, 1, step, || {});
        // Frames of no time: one piece of work each.
        let ((), frames) = frames_until(100_000, "the frame", |_| {
            view.update(&scene, &surface, 1, step, || {});
            view.shown_step().map(|_| ())
        });
        set_runner(Runner::Threads);
        let enabled = scene.optimizers.iter().filter(|e| e.enabled).count();
        assert!(frames > enabled, "cut into pieces: {frames} frames");
        let (_, got) = view.newest().unwrap();
        let (_, want) = whole.newest().unwrap();
        assert_eq!(got, want);
        assert_eq!(got.len(), enabled);
        let progress = crate::jobs::Progress::default();
        for (i, f) in got {
            let spec = &scene.optimizers[*i].spec;
            assert_eq!(*f, frame(&surface, spec, &view.starts, step, &progress).unwrap());
        }
    }
}
