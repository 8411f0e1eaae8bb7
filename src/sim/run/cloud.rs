//! Clouds: thousands of runs of the same optimizer at once, drawn as moving points.
//!
//! A cloud is a set of start points (spread uniformly over a region, or a Gaussian blob around
//! a point, both seeded) and, for each optimizer, where every run from them is at a given step.
//! Nothing is stored per step: [`frame`] computes the positions at step k from step 0 with the
//! batch kernel ([`super::batch`]), which is exact (bit-identical to [`super::simulate`]), and
//! [`CloudRuns`] keeps the runs in flight so that the next frame forward costs only the steps
//! between; scrubbing back replays from step 0, and gives exactly the points a run forward gave.
//! A run that diverged stays at its last finite point and is reported as such.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::sim::run::batch;
use crate::sim::run::progress::{Cancelled, Progress};
use crate::sim::{Domain, OptimizerSpec, Point, SurfaceDef};

/// The most runs a cloud may hold per optimizer.
pub const MAX_CLOUD: usize = 100_000;

/// Where a cloud's runs start.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum CloudShape {
    /// Spread uniformly over a region (the scene's domain when `None`).
    Uniform {
        /// The region, `[x_min, x_max, y_min, y_max]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<[f64; 4]>,
    },
    /// A Gaussian blob: `centre` plus σ·N(0, 1) in each coordinate.
    Blob {
        /// The blob's centre.
        centre: [f64; 2],
        /// Its standard deviation per coordinate.
        sigma: f64,
    },
}

/// A cloud of start points: how many, from which seed, in which shape.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cloud {
    /// How many start points (runs per optimizer), 1 to [`MAX_CLOUD`].
    pub count: usize,
    /// Seed of the start points.
    #[serde(default)]
    pub seed: u64,
    /// Where they are.
    #[serde(default = "uniform")]
    pub shape: CloudShape,
}

fn uniform() -> CloudShape {
    CloudShape::Uniform { region: None }
}

/// A cloud that cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CloudError {
    /// Too many or no start points.
    #[error("a cloud holds 1 to {MAX_CLOUD} start points, got {0}")]
    Count(usize),
    /// A blob's σ is not a positive finite number, or its centre is not finite.
    #[error("a blob needs a finite centre and a σ > 0, got centre {0:?}, σ {1}")]
    Blob([f64; 2], f64),
    /// The region is not a usable domain.
    #[error("cloud region: {0}")]
    Region(#[from] crate::sim::DomainError),
}

impl Cloud {
    /// `count` starts spread over the scene's domain.
    pub fn uniform(count: usize, seed: u64) -> Self {
        Self { count, seed, shape: uniform() }
    }

    /// Checks the count and the shape.
    ///
    /// # Errors
    /// [`CloudError`] saying what is wrong.
    pub fn check(&self) -> Result<(), CloudError> {
        if self.count == 0 || self.count > MAX_CLOUD {
            return Err(CloudError::Count(self.count));
        }
        match self.shape {
            CloudShape::Uniform { region: Some([x0, x1, y0, y1]) } => {
                Domain::new(x0, x1, y0, y1)?;
            }
            CloudShape::Uniform { region: None } => {}
            CloudShape::Blob { centre, sigma } => {
                if !(centre.iter().all(|v| v.is_finite()) && sigma.is_finite() && sigma > 0.0) {
                    return Err(CloudError::Blob(centre, sigma));
                }
            }
        }
        Ok(())
    }

    /// The start points, in `domain` when the shape does not name a region of its own:
    /// reproducible from the seed.
    pub fn starts(&self, domain: &Domain) -> Vec<Point> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let count = self.count.min(MAX_CLOUD);
        match self.shape {
            CloudShape::Uniform { region } => {
                let d = region
                    .and_then(|[x0, x1, y0, y1]| Domain::new(x0, x1, y0, y1).ok())
                    .unwrap_or(*domain);
                (0..count).map(|_| d.lerp(rng.random::<f64>(), rng.random::<f64>())).collect()
            }
            CloudShape::Blob { centre, sigma } => (0..count)
                .map(|_| {
                    let nx: f64 = StandardNormal.sample(&mut rng);
                    let ny: f64 = StandardNormal.sample(&mut rng);
                    Point::new(centre[0] + sigma * nx, centre[1] + sigma * ny)
                })
                .collect(),
        }
    }
}

/// Where each run of a cloud is at one step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CloudFrame {
    /// The step.
    pub step: usize,
    /// Per start: where the run is (its last finite point if it diverged).
    pub points: Vec<Point>,
    /// How many runs have diverged by this step.
    pub diverged: usize,
}

impl CloudFrame {
    /// The frame at `step` of runs whose ends (point, step of divergence) come chunk by chunk.
    fn gather<E: IntoIterator<Item = (Point, Option<usize>)>>(step: usize, chunks: Vec<E>) -> Self {
        let mut points = Vec::new();
        let mut diverged = 0;
        for (p, at) in chunks.into_iter().flatten() {
            points.push(p);
            diverged += usize::from(at.is_some());
        }
        Self { step, points, diverged }
    }
}

/// Runs per unit of parallel work.
const CHUNK: usize = 1024;

/// Steps one piece of [`CloudRuns::advance`] takes a chunk of runs: a few milliseconds in the
/// browser.
pub const PIECE: usize = 64;

/// Where the runs of `spec` from `starts` are after `step` steps, computed from step 0 on all
/// cores of the calling pool, checking for cancellation between chunks.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn frame(
    surface: &SurfaceDef,
    spec: &OptimizerSpec,
    starts: &[Point],
    step: usize,
    progress: &Progress,
) -> Result<CloudFrame, Cancelled> {
    use rayon::prelude::*;
    let chunks: Vec<&[Point]> = starts.chunks(CHUNK).collect();
    let ends = chunks
        .par_iter()
        .with_max_len(1)
        .map(|chunk| {
            progress.check()?;
            let ends = batch::final_points(surface, spec, chunk, step);
            progress.advance(chunk.len() as u64);
            Ok(ends)
        })
        .collect::<Result<Vec<_>, Cancelled>>()?;
    Ok(CloudFrame::gather(step, ends))
}

/// A cloud's runs of one optimizer in flight: frames asked at increasing steps cost only the
/// steps between them ([`batch::Flight`]); a step before the last one asked replays from step
/// 0. Either way a frame is exactly [`frame`] at that step.
#[derive(Clone)]
pub struct CloudRuns {
    spec: OptimizerSpec,
    starts: std::sync::Arc<Vec<Point>>,
    flights: Vec<batch::Flight>,
}

impl CloudRuns {
    /// The runs of `spec` from `starts` on `surface`, at step 0.
    pub fn new(
        surface: &SurfaceDef,
        spec: &OptimizerSpec,
        starts: std::sync::Arc<Vec<Point>>,
    ) -> Self {
        let flights = starts.chunks(CHUNK).map(|c| batch::Flight::new(surface, spec, c)).collect();
        Self { spec: *spec, starts, flights }
    }

    /// Whether these are the runs of `spec` from `starts`.
    pub fn is_of(&self, spec: &OptimizerSpec, starts: &std::sync::Arc<Vec<Point>>) -> bool {
        self.spec == *spec && std::sync::Arc::ptr_eq(&self.starts, starts)
    }

    /// The step the runs are at (the least of their chunks').
    pub fn step(&self) -> usize {
        self.flights.iter().map(batch::Flight::step).min().unwrap_or(0)
    }

    /// Where the runs are at `step` on `surface` (the one they started on), on the calling
    /// thread's rayon pool; `progress` counts the runs brought there and may cancel (the runs
    /// then stay at a consistent step, from which a later call goes on). [`advance`](Self::advance)
    /// without a limit.
    pub fn frame(
        &mut self,
        surface: &SurfaceDef,
        step: usize,
        progress: &Progress,
    ) -> Result<CloudFrame, Cancelled> {
        loop {
            if let Some(frame) = self.advance(surface, step, usize::MAX, progress)? {
                return Ok(frame);
            }
        }
    }

    /// Brings the runs towards `step` by at most `units` pieces of work, then, once every run
    /// is there, says where they are: the same frame as [`frame`](Self::frame), bit for bit,
    /// however the work was cut (where there are no threads, the browser does a few pieces per
    /// frame). A piece is one chunk of runs taken up to [`PIECE`] steps further; the chunks go
    /// in order, the pieces of one call in parallel on the calling thread's rayon pool, and
    /// `units` beyond the number of chunks behind take each of them further. A `step` before
    /// where some run already is replays from step 0. `progress` counts the runs brought to
    /// `step` and may cancel (the runs then stay where they are, from which a later call goes
    /// on).
    ///
    /// # Errors
    /// [`Cancelled`] when `progress` was cancelled.
    pub fn advance(
        &mut self,
        surface: &SurfaceDef,
        step: usize,
        units: usize,
        progress: &Progress,
    ) -> Result<Option<CloudFrame>, Cancelled> {
        use rayon::prelude::*;
        if self.flights.iter().any(|f| f.step() > step) {
            *self = Self::new(surface, &self.spec, std::sync::Arc::clone(&self.starts));
        }
        let mut behind: Vec<&mut batch::Flight> =
            self.flights.iter_mut().filter(|f| f.step() < step).collect();
        if !behind.is_empty() {
            let units = units.max(1);
            behind.truncate(units);
            let reach = PIECE.saturating_mul(units / behind.len());
            behind.par_iter_mut().with_max_len(1).try_for_each(|flight| {
                let to = step.min(flight.step().saturating_add(reach));
                flight.advance(surface, to, || progress.check())?;
                if flight.step() == step {
                    progress.advance(flight.len() as u64);
                }
                Ok(())
            })?;
            if self.flights.iter().any(|f| f.step() < step) {
                return Ok(None);
            }
        }
        let ends: Vec<Vec<batch::End>> =
            self.flights.par_iter().with_max_len(1).map(|f| f.ends(surface)).collect();
        Ok(Some(CloudFrame::gather(step, ends)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Builtin, Noise, simulate};

    #[test]
    fn starts_are_seeded_and_inside() {
        let d = Domain::new(-2.0, 2.0, -1.0, 3.0).unwrap();
        let c = Cloud::uniform(500, 7);
        let a = c.starts(&d);
        assert_eq!(a, c.starts(&d));
        assert_ne!(a, Cloud::uniform(500, 8).starts(&d));
        assert!(a.iter().all(|p| (-2.0..=2.0).contains(&p.x) && (-1.0..=3.0).contains(&p.y)));
        let blob = Cloud {
            count: 2000,
            seed: 1,
            shape: CloudShape::Blob { centre: [1.0, -1.0], sigma: 0.1 },
        };
        let b = blob.starts(&d);
        let mean = b.iter().fold(Point::zeros(), |m, p| m + p) / b.len() as f64;
        assert!((mean - Point::new(1.0, -1.0)).norm() < 0.02, "{mean}");
    }

    #[test]
    fn a_frame_is_where_each_trajectory_is_at_that_step() {
        let surface = SurfaceDef::Builtin(Builtin::EscapeSaddle);
        let d = surface.default_domain();
        let starts = Cloud::uniform(40, 3).starts(&d);
        for spec in ["gd:lr=0.1", "adam:lr=0.05", "newton"] {
            let spec: OptimizerSpec = spec.parse().unwrap();
            let at = frame(&surface, &spec, &starts, 25, &Progress::default()).unwrap();
            for (s, p) in starts.iter().zip(&at.points) {
                let t = simulate(&surface, &spec, *s, 25, Noise::NONE);
                assert_eq!(t.points.last().unwrap().point, *p, "{spec} from {s}");
            }
        }
    }

    #[test]
    fn bad_clouds_say_what_is_wrong() {
        assert!(Cloud::uniform(0, 1).check().is_err());
        assert!(Cloud::uniform(MAX_CLOUD + 1, 1).check().is_err());
        let blob = Cloud {
            count: 5,
            seed: 1,
            shape: CloudShape::Blob { centre: [0.0, 0.0], sigma: -1.0 },
        };
        assert!(blob.check().unwrap_err().to_string().contains("σ"));
        assert!(Cloud::uniform(100_000, 1).check().is_ok());
    }

    fn scheduled(kind: crate::sim::OptimizerKind, schedule: &str) -> OptimizerSpec {
        let mut spec = OptimizerSpec::new(kind);
        spec.set_schedule(Some(crate::sim::LrSchedule::parse(schedule).unwrap())).unwrap();
        spec
    }

    #[test]
    fn runs_in_flight_give_the_frames_of_a_replay_from_step_zero_bit_for_bit() {
        use std::sync::Arc;
        let d = Domain::new(-2.0, 2.0, -2.0, 2.0).unwrap();
        // Three kernel blocks, the last one partial; two starts that diverge at once.
        let mut starts = Cloud::uniform(2 * batch::LANES + 5, 3).starts(&d);
        starts.push(Point::new(1e200, 1e200));
        starts.push(Point::new(f64::NAN, 0.0));
        let starts = Arc::new(starts);
        let surfaces = [
            SurfaceDef::Builtin(Builtin::EscapeSaddle),
            SurfaceDef::Formula(Arc::new(crate::sim::Formula::parse("x^4 - 3*x*y + y^2").unwrap())),
        ];
        let specs = [
            OptimizerSpec::new(crate::sim::OptimizerKind::Adam),
            OptimizerSpec::new(crate::sim::OptimizerKind::Nesterov),
            OptimizerSpec::new(crate::sim::OptimizerKind::Newton),
            OptimizerSpec::new(crate::sim::OptimizerKind::Lbfgs),
            "gd:lr=0.5".parse().unwrap(),
            scheduled(crate::sim::OptimizerKind::Adam, "cosine:t_max=100"),
            scheduled(crate::sim::OptimizerKind::Momentum, "onecycle:max_lr=0.1,total_steps=300"),
        ];
        let progress = Progress::default();
        for surface in &surfaces {
            for spec in &specs {
                let mut runs = CloudRuns::new(surface, spec, Arc::clone(&starts));
                // Forward in uneven strides (across the kernel's chunk and piece sizes), then
                // back, then forward again.
                for step in [0, 1, 31, 33, 290, 291, 40, 41, 300] {
                    let got = runs.frame(surface, step, &progress).unwrap();
                    let want = frame(surface, spec, &starts, step, &progress).unwrap();
                    // Bit for bit (a NaN start stays a NaN, equal to itself here).
                    let bits = |f: &CloudFrame| -> Vec<[u64; 2]> {
                        f.points.iter().map(|p| [p.x.to_bits(), p.y.to_bits()]).collect()
                    };
                    let first_difference =
                        bits(&got).iter().zip(bits(&want)).position(|(a, b)| *a != b);
                    assert_eq!(first_difference, None, "{spec} on {surface:?} at step {step}");
                    assert_eq!(got.points.len(), want.points.len());
                    assert_eq!((got.step, got.diverged), (want.step, want.diverged));
                }
            }
        }
    }

    #[test]
    fn a_frame_one_piece_at_a_time_is_the_frame_in_one_go_bit_for_bit() {
        use std::sync::Arc;
        let d = Domain::new(-2.0, 2.0, -2.0, 2.0).unwrap();
        // Three chunks, the last one partial, and a start that diverges at once.
        let mut starts = Cloud::uniform(2 * CHUNK + 37, 5).starts(&d);
        starts.push(Point::new(1e200, 1e200));
        let starts = Arc::new(starts);
        let surface = SurfaceDef::Builtin(Builtin::EscapeSaddle);
        let progress = Progress::default();
        let bits = |f: &CloudFrame| -> Vec<[u64; 2]> {
            f.points.iter().map(|p| [p.x.to_bits(), p.y.to_bits()]).collect()
        };
        for spec in ["adam:lr=0.05", "newton:lr=0.1"] {
            let spec: OptimizerSpec = spec.parse().unwrap();
            let mut sliced = CloudRuns::new(&surface, &spec, Arc::clone(&starts));
            // Forward past several pieces, on a little, then back (a replay from step 0).
            for (step, units) in [(3 * PIECE + 7, 1), (3 * PIECE + 9, 2), (PIECE + 1, 4)] {
                let want = frame(&surface, &spec, &starts, step, &progress).unwrap();
                let mut calls = 0;
                let got = loop {
                    calls += 1;
                    if let Some(f) = sliced.advance(&surface, step, units, &progress).unwrap() {
                        break f;
                    }
                };
                assert_eq!(bits(&got), bits(&want), "{spec} at step {step}");
                assert_eq!((got.step, got.diverged), (want.step, want.diverged));
                assert!(got.diverged >= 1, "the start at 1e200 diverged");
                assert!(calls > 1, "cut into pieces: {calls} calls to step {step}");
                assert_eq!(sliced.step(), step);
            }
        }
        // A piece goes at most PIECE steps on at most `units` chunks: the first call of a frame
        // 5 pieces ahead on one chunk leaves the others at step 0.
        let spec: OptimizerSpec = "gd:lr=0.02".parse().unwrap();
        let mut runs = CloudRuns::new(&surface, &spec, Arc::clone(&starts));
        assert!(runs.advance(&surface, 5 * PIECE, 1, &progress).unwrap().is_none());
        let steps: Vec<usize> = runs.flights.iter().map(batch::Flight::step).collect();
        assert_eq!(steps, [PIECE, 0, 0]);
        // A cancelled frame stops between pieces, and goes on from there.
        let cancelled = Progress::default();
        cancelled.cancel();
        assert!(runs.advance(&surface, 5 * PIECE, 1, &cancelled).is_err());
        let got = runs.frame(&surface, 5 * PIECE, &progress).unwrap();
        let want = frame(&surface, &spec, &starts, 5 * PIECE, &progress).unwrap();
        assert_eq!(bits(&got), bits(&want));
    }
}
