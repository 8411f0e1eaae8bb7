//! Basins of attraction: run an optimizer from every cell of a grid and say where each run ends.
//!
//! The end of a run is named by the critical point it stopped at (a minimum, or, for Newton, a
//! saddle), or "still moving" when it is near none after the steps given, or "diverged". The
//! runs go through the [batch kernel](super::batch) on all cores, a row at a time, so a caller
//! can watch the progress and cancel between rows.

use rayon::prelude::*;

use crate::sim::run::batch::{self, End};
use crate::sim::{CriticalPoint, Domain, Dtype, OptimizerSpec, Point, SurfaceDef, critical_points};

/// The largest grid side: 4096² runs is already minutes of work for a long run.
pub const MAX_GRID: usize = 4096;

/// How close (as a fraction of the domain's diagonal) an end must be to a critical point to be
/// counted as having reached it.
pub const REACHED: f64 = 0.01;

/// Where the run from one cell ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Basin {
    /// At (within [`REACHED`] of) `attractors[i]`.
    At(u16),
    /// Finite, but near no critical point after the steps given.
    Moving,
    /// A coordinate or the loss became non-finite.
    Diverged,
}

pub use crate::sim::run::progress::Progress;

/// What to compute.
#[derive(Clone, Debug)]
pub struct BasinJob {
    /// The surface.
    pub surface: SurfaceDef,
    /// The optimizer.
    pub spec: OptimizerSpec,
    /// The rectangle of start points.
    pub domain: Domain,
    /// Cells per side.
    pub grid: usize,
    /// Updates per run.
    pub steps: usize,
    /// The type the runs compute in: `f64` (what the trajectories on screen compute, bit for
    /// bit) or `f32` (PyTorch's default dtype, about twice as fast).
    pub dtype: Dtype,
}

/// A computed basin map.
#[derive(Clone, Debug)]
pub struct BasinMap {
    /// The job it answers.
    pub job: BasinJob,
    /// The critical points a run can end at: those of the surface in the domain widened by half
    /// its size on every side (a run may leave the view to reach a minimum just outside).
    pub attractors: Vec<CriticalPoint>,
    /// Where the run from each cell ended, row by row from `y_min`: `basins[j·grid + i]` is the
    /// cell whose centre is [`cell_centre`](Self::cell_centre)`(i, j)`.
    pub basins: Vec<Basin>,
    /// The last finite point of each run, in the same order.
    pub ends: Vec<End>,
}

/// Why a basin map was not computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BasinError {
    /// The grid side is outside 1 to [`MAX_GRID`].
    #[error("grid must be 1 to {MAX_GRID} cells a side, not {0}")]
    Grid(usize),
    /// Cancelled through [`Progress::cancel`].
    #[error("cancelled")]
    Cancelled,
}

impl BasinJob {
    /// The centre of cell (i, j) of the grid.
    pub fn cell_centre(&self, i: usize, j: usize) -> Point {
        let n = self.grid as f64;
        self.domain.lerp((i as f64 + 0.5) / n, (j as f64 + 0.5) / n)
    }

    /// Runs the job on all cores, reporting rows done to `progress` and stopping early when it
    /// is cancelled.
    ///
    /// # Errors
    /// [`BasinError::Grid`] for a grid side of 0 or above [`MAX_GRID`];
    /// [`BasinError::Cancelled`] when cancelled.
    pub fn run(self, progress: &Progress) -> Result<BasinMap, BasinError> {
        if self.grid == 0 || self.grid > MAX_GRID {
            return Err(BasinError::Grid(self.grid));
        }
        // The critical points are found beside the runs, not before them.
        let (attractors, ends) = rayon::join(|| self.attractors(), || self.ends(progress));
        Ok(self.map(attractors, ends?))
    }

    /// The critical points a run may end at: those in the domain widened by half its size each
    /// way (at most 65 535).
    fn attractors(&self) -> Vec<CriticalPoint> {
        let d = self.domain;
        let widened = Domain {
            x_min: d.x_min - 0.5 * d.width(),
            x_max: d.x_max + 0.5 * d.width(),
            y_min: d.y_min - 0.5 * d.height(),
            y_max: d.y_max + 0.5 * d.height(),
        };
        let mut attractors = critical_points(&self.surface, &widened);
        attractors.truncate(usize::from(u16::MAX));
        attractors
    }

    /// The map of the runs' `ends`, each named by the attractor it reached.
    fn map(self, attractors: Vec<CriticalPoint>, ends: Vec<End>) -> BasinMap {
        let d = self.domain;
        let reach = REACHED * d.width().hypot(d.height());
        let basins = ends.iter().map(|&end| classify(end, &attractors, reach)).collect();
        BasinMap { job: self, attractors, basins, ends }
    }

    /// The ends of the runs of rows `rows`, in order (each row's cells from left to right).
    fn row_ends(
        &self,
        rows: std::ops::Range<usize>,
        progress: &Progress,
    ) -> Result<Vec<End>, BasinError> {
        let rows: Vec<Vec<End>> = rows
            .into_par_iter()
            .with_max_len(1)
            .map(|j| {
                if progress.is_cancelled() {
                    return Err(BasinError::Cancelled);
                }
                let starts: Vec<Point> = (0..self.grid).map(|i| self.cell_centre(i, j)).collect();
                let ends = batch::final_points_in(
                    self.dtype,
                    &self.surface,
                    &self.spec,
                    &starts,
                    self.steps,
                );
                progress.advance(1);
                Ok(ends)
            })
            .collect::<Result<_, _>>()?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// The end of every run, row by row; rows are handed out one at a time to the pool's
    /// threads, so rows that diverge early do not leave a core idle. Stops taking rows once
    /// cancelled.
    fn ends(&self, progress: &Progress) -> Result<Vec<End>, BasinError> {
        let n = self.grid;
        progress.set_total(progress.done() + n as u64);
        self.row_ends(0..n, progress)
    }
}

/// A basin map cut into units of work, a few rows at a time: where there are no threads (the
/// browser) it runs between frames. The same map as [`BasinJob::run`], bit for bit.
pub struct BasinSteps {
    job: BasinJob,
    ends: Vec<End>,
    rows_done: usize,
}

impl BasinSteps {
    /// The map of `job`, not started.
    ///
    /// # Errors
    /// [`BasinError::Grid`] for a grid side of 0 or above [`MAX_GRID`].
    pub fn new(job: BasinJob, progress: &Progress) -> Result<Self, BasinError> {
        if job.grid == 0 || job.grid > MAX_GRID {
            return Err(BasinError::Grid(job.grid));
        }
        progress.set_total(progress.done() + job.grid as u64);
        Ok(Self { job, ends: Vec::new(), rows_done: 0 })
    }

    /// Computes at most `rows` more rows (in parallel where there are threads); once every row
    /// is done, finds the critical points and hands over the map.
    ///
    /// # Errors
    /// [`BasinError::Cancelled`] when cancelled.
    pub fn advance(
        &mut self,
        rows: usize,
        progress: &Progress,
    ) -> Result<Option<BasinMap>, BasinError> {
        let n = self.job.grid;
        let end = self.rows_done.saturating_add(rows.max(1)).min(n);
        let ends = self.job.row_ends(self.rows_done..end, progress)?;
        self.ends.extend(ends);
        self.rows_done = end;
        if end < n {
            return Ok(None);
        }
        let ends = std::mem::take(&mut self.ends);
        Ok(Some(self.job.clone().map(self.job.attractors(), ends)))
    }
}

/// Names the end of one run.
fn classify(end: End, attractors: &[CriticalPoint], reach: f64) -> Basin {
    let (p, diverged) = end;
    if diverged.is_some() {
        return Basin::Diverged;
    }
    attractors
        .iter()
        .enumerate()
        .map(|(i, c)| (i, (c.point - p).norm()))
        .filter(|&(_, d)| d <= reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(Basin::Moving, |(i, _)| Basin::At(i as u16))
}

impl BasinMap {
    /// The centre of cell (i, j).
    pub fn cell_centre(&self, i: usize, j: usize) -> Point {
        self.job.cell_centre(i, j)
    }

    /// How many runs ended at each attractor (in order), then still moving, then diverged.
    pub fn counts(&self) -> (Vec<usize>, usize, usize) {
        let mut at = vec![0; self.attractors.len()];
        let (mut moving, mut diverged) = (0, 0);
        for b in &self.basins {
            match *b {
                Basin::At(i) => at[usize::from(i)] += 1,
                Basin::Moving => moving += 1,
                Basin::Diverged => diverged += 1,
            }
        }
        (at, moving, diverged)
    }

    /// The basin of the cell containing `p`, if `p` is in the domain.
    pub fn basin_at(&self, p: Point) -> Option<Basin> {
        let d = &self.job.domain;
        let n = self.job.grid;
        let u = (p.x - d.x_min) / d.width();
        let v = (p.y - d.y_min) / d.height();
        if !((0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v)) {
            return None;
        }
        let i = ((u * n as f64) as usize).min(n - 1);
        let j = ((v * n as f64) as usize).min(n - 1);
        Some(self.basins[j * n + i])
    }

    /// A one-word name for a basin, for CSV: `min1`, `saddle2`, `moving`, `diverged`.
    pub fn token(&self, basin: Basin) -> String {
        match basin {
            Basin::At(i) => {
                let i = usize::from(i);
                let kind = self.attractors[i].kind;
                let nth = self.attractors[..=i].iter().filter(|a| a.kind == kind).count();
                format!("{}{nth}", kind.name())
            }
            Basin::Moving => "moving".to_owned(),
            Basin::Diverged => "diverged".to_owned(),
        }
    }

    /// A short name for a basin: `min 1 (3, 2)`, `saddle 1 (0, 0)`, `still moving`, `diverged`.
    /// Attractors are numbered from 1 within their kind, in the order of `attractors`.
    pub fn label(&self, basin: Basin) -> String {
        match basin {
            Basin::At(i) => {
                let i = usize::from(i);
                let c = &self.attractors[i];
                let nth = self.attractors[..=i].iter().filter(|a| a.kind == c.kind).count();
                format!("{} {nth} ({:.3}, {:.3})", c.kind.name(), c.point.x, c.point.y)
            }
            Basin::Moving => "still moving".to_owned(),
            Basin::Diverged => "diverged".to_owned(),
        }
    }
}
