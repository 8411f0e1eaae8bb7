//! Critical points of a surface inside a domain: where ∇f = 0, and of which kind.
//!
//! Newton's method on the gradient (solve ∇²f·d = −∇f) finds zeros of ∇f of every kind (minima,
//! maxima and saddles alike), which is exactly what a minimiser would not. It is started from a
//! grid of seeds over the domain, safeguarded where a full Newton step does not reduce the
//! gradient by a backtracking line search along it and then Levenberg–Marquardt damping on
//! ‖∇f‖², and run until the gradient stops shrinking.
//! Roots are kept inside the domain, de-duplicated, and classified by the signs of the Hessian's
//! eigenvalues (nalgebra's symmetric eigen-decomposition).

use nalgebra::SymmetricEigen;

use super::domain::Domain;
use super::surface::Surface;
use crate::sim::{Gradient, Hessian, Point};

/// What the Hessian says a critical point is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CriticalKind {
    /// Both eigenvalues positive.
    Min,
    /// Both eigenvalues negative.
    Max,
    /// One eigenvalue of each sign.
    Saddle,
    /// An eigenvalue is (numerically) zero: the second-order test cannot tell.
    Degenerate,
}

impl CriticalKind {
    /// The lower-case name: `min`, `max`, `saddle`, `degenerate`.
    pub fn name(self) -> &'static str {
        match self {
            CriticalKind::Min => "min",
            CriticalKind::Max => "max",
            CriticalKind::Saddle => "saddle",
            CriticalKind::Degenerate => "degenerate",
        }
    }
}

impl std::fmt::Display for CriticalKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A point where the gradient vanishes.
#[derive(Clone, Debug, PartialEq)]
pub struct CriticalPoint {
    /// Where.
    pub point: Point,
    /// f there.
    pub value: f64,
    /// Its kind, by the signs of the Hessian's eigenvalues.
    pub kind: CriticalKind,
    /// The Hessian's eigenvalues, ascending.
    pub eigenvalues: [f64; 2],
    /// Unit eigenvectors, in the order of `eigenvalues`.
    pub eigenvectors: [Point; 2],
}

/// Seeds per axis.
const SEEDS: usize = 40;
/// Newton iterations per seed, at most.
const MAX_ITERATIONS: usize = 100;
/// Iterations over which a seed must lower ‖∇f‖ by 1% to go on.
const STALL_WINDOW: usize = 10;
/// The most critical points returned (a flat surface has a critical point everywhere).
pub const MAX_POINTS: usize = 1024;
/// An eigenvalue this small relative to the larger one (or to 1) counts as zero.
const DEGENERATE: f64 = 1e-7;

/// All critical points of `surface` inside `domain`, sorted by x then y.
///
/// Deterministic, never panics, never returns a non-finite number, and returns at most
/// [`MAX_POINTS`] points (a surface flat along a line or everywhere has infinitely many).
/// [`CriticalSteps`] run whole.
pub fn critical_points<S: Surface + Sync + ?Sized>(
    surface: &S,
    domain: &Domain,
) -> Vec<CriticalPoint> {
    let mut steps = CriticalSteps::new(domain);
    loop {
        if let Some(points) = steps.advance(surface, usize::MAX) {
            return points;
        }
    }
}

/// Seeds whose gradient one unit of [`CriticalSteps::advance`] evaluates (to judge the
/// gradient's scale).
const NORMS_PER_UNIT: usize = 64;

/// Where a search for critical points is.
#[derive(Clone, Debug)]
enum Phase {
    /// Evaluating the gradient at the seeds, to judge what "zero" is.
    Norms(Vec<f64>),
    /// Newton's method from each seed: the roots so far, in seed order, and the run under way
    /// when the search goes an iteration at a time.
    Roots { tolerance: f64, roots: Vec<Option<(Point, f64)>>, running: Option<NewtonRun> },
    /// Classifying the roots kept, in order.
    Classify { found: Vec<Point>, points: Vec<Option<CriticalPoint>> },
    /// Handed over.
    Done,
}

/// [`critical_points`] cut into units of work (64 gradients, one Newton iteration from a seed,
/// or one point's classification), so that where there are no threads (the browser) it runs
/// between frames. The same points however it is cut: every seed's run is its own, and what is kept is
/// decided in seed order.
#[derive(Clone, Debug)]
pub struct CriticalSteps {
    domain: Domain,
    seeds: Vec<Point>,
    phase: Phase,
}

impl CriticalSteps {
    /// The search over `domain`, not started.
    pub fn new(domain: &Domain) -> Self {
        // Seeds on a grid slightly larger than the domain, so roots on its edges are found too.
        let margin = 0.02;
        let seeds = (0..SEEDS)
            .flat_map(|i| (0..SEEDS).map(move |j| (i, j)))
            .map(|(i, j)| {
                let u = -margin + (1.0 + 2.0 * margin) * (i as f64 + 0.5) / SEEDS as f64;
                let v = -margin + (1.0 + 2.0 * margin) * (j as f64 + 0.5) / SEEDS as f64;
                domain.lerp(u, v)
            })
            .collect();
        Self { domain: *domain, seeds, phase: Phase::Norms(Vec::new()) }
    }

    /// The fraction of the work done, roughly (each seed's Newton run counts as one unit).
    pub fn fraction(&self) -> f32 {
        let n = self.seeds.len() as f32;
        match &self.phase {
            Phase::Norms(norms) => 0.1 * norms.len() as f32 / n,
            Phase::Roots { roots, .. } => 0.1 + 0.8 * roots.len() as f32 / n,
            Phase::Classify { found, points } => {
                0.9 + 0.1 * points.len() as f32 / found.len().max(1) as f32
            }
            Phase::Done => 1.0,
        }
    }

    /// Does at most `units` units of work on `surface` (the same surface every call), in
    /// parallel where there are threads; the points once the search is complete (handed over
    /// once: later calls give none).
    pub fn advance<S: Surface + Sync + ?Sized>(
        &mut self,
        surface: &S,
        units: usize,
    ) -> Option<Vec<CriticalPoint>> {
        use crate::sim::run::parallel::par_map;
        let units = units.max(1);
        let domain = self.domain;
        let diag = domain.width().hypot(domain.height());
        let seeds = &self.seeds;
        let next = |done: usize, per: usize| {
            &seeds[done..done.saturating_add(units.saturating_mul(per)).min(seeds.len())]
        };
        match &mut self.phase {
            Phase::Norms(norms) => {
                let more = par_map(next(norms.len(), NORMS_PER_UNIT), 64, |&p| {
                    surface.value_grad(p).1.norm()
                });
                norms.extend(more);
                if norms.len() == seeds.len() {
                    // The gradient's typical size, to judge what "zero" is on this surface.
                    let mut finite: Vec<f64> =
                        norms.iter().copied().filter(|n| n.is_finite()).collect();
                    finite.sort_by(f64::total_cmp);
                    let scale = finite.get(finite.len() / 2).copied().unwrap_or(1.0).max(1.0);
                    let tolerance = 1e-9 * scale;
                    self.phase = Phase::Roots { tolerance, roots: Vec::new(), running: None };
                }
            }
            Phase::Roots { tolerance, roots, running } => {
                let left = seeds.len() - roots.len();
                if running.is_none() && units / (MAX_ITERATIONS + 1) >= left {
                    // Enough for every run left: on all cores, each seed's run whole;
                    // de-duplicated below in seed order, so the result does not depend on the
                    // number of threads.
                    roots.extend(par_map(&seeds[roots.len()..], 64, |&seed| {
                        newton_root(surface, seed, diag)
                    }));
                } else {
                    // An iteration a unit (a run's start, its first evaluation, counts as one).
                    for _ in 0..units {
                        match running {
                            None => match NewtonRun::new(surface, seeds[roots.len()]) {
                                Some(run) => *running = Some(run),
                                None => roots.push(None),
                            },
                            Some(run) => {
                                if run.step(surface, diag) {
                                    roots.push(run.root());
                                    *running = None;
                                }
                            }
                        }
                        if roots.len() == seeds.len() {
                            break;
                        }
                    }
                }
                if roots.len() == seeds.len() {
                    let found = keep(std::mem::take(roots), *tolerance, &domain);
                    self.phase = Phase::Classify { found, points: Vec::new() };
                }
            }
            Phase::Classify { found, points } => {
                let from = points.len();
                let to = from.saturating_add(units).min(found.len());
                points.extend(par_map(&found[from..to], 64, |&p| classify(surface, p)));
                if points.len() == found.len() {
                    let mut points: Vec<CriticalPoint> =
                        std::mem::take(points).into_iter().flatten().collect();
                    points.sort_by(|a, b| {
                        a.point.x.total_cmp(&b.point.x).then(a.point.y.total_cmp(&b.point.y))
                    });
                    self.phase = Phase::Done;
                    return Some(points);
                }
            }
            Phase::Done => return Some(Vec::new()),
        }
        None
    }
}

/// The roots (point, ‖∇f‖ there) that are zeros of the gradient inside `domain`, one per
/// place (the one with the smallest gradient), in seed order, at most [`MAX_POINTS`].
fn keep(roots: Vec<Option<(Point, f64)>>, tolerance: f64, domain: &Domain) -> Vec<Point> {
    let diag = domain.width().hypot(domain.height());
    let same = 1e-6 * diag;
    let slack = 1e-9 * diag;
    let inside = |p: Point| {
        p.x >= domain.x_min - slack
            && p.x <= domain.x_max + slack
            && p.y >= domain.y_min - slack
            && p.y <= domain.y_max + slack
    };
    let mut found: Vec<(Point, f64)> = Vec::new();
    for root in roots {
        let Some((p, g)) = root else { continue };
        if g > tolerance || !inside(p) {
            continue;
        }
        match found.iter_mut().find(|(q, _)| (q - p).norm() <= same) {
            Some(existing) if g < existing.1 => *existing = (p, g),
            Some(_) => {}
            None => {
                found.push((p, g));
                if found.len() == MAX_POINTS {
                    break;
                }
            }
        }
    }
    found.into_iter().map(|(p, _)| p).collect()
}

/// Newton's method on ∇f from `seed`, shortened along the Newton direction and then
/// Levenberg–Marquardt-damped when a full step does not shrink the gradient. Returns the last
/// point and its ‖∇f‖, or `None` if it left the finite numbers or wandered far from the domain
/// (more than a diagonal `reach` from the seed). [`NewtonRun`] run whole.
fn newton_root<S: Surface + ?Sized>(surface: &S, seed: Point, reach: f64) -> Option<(Point, f64)> {
    let mut run = NewtonRun::new(surface, seed)?;
    while !run.step(surface, reach) {}
    run.root()
}

/// [`newton_root`] an iteration at a time (on a network slice an iteration is a few
/// evaluations of a network, and a seed up to a hundred iterations).
#[derive(Clone, Debug)]
struct NewtonRun {
    seed: Point,
    p: Point,
    g: Gradient,
    h: Hessian,
    norm: f64,
    lambda: f64,
    checkpoint: f64,
    iteration: usize,
}

impl NewtonRun {
    /// The run from `seed` (one evaluation); `None` where the gradient is not finite.
    fn new<S: Surface + ?Sized>(surface: &S, seed: Point) -> Option<Self> {
        let (_, g, h) = surface.value_grad_hessian(seed);
        let norm = g.norm();
        if !norm.is_finite() {
            return None;
        }
        Some(Self { seed, p: seed, g, h, norm, lambda: 1e-3, checkpoint: norm, iteration: 0 })
    }

    /// The root found: the last point and its ‖∇f‖, if the Hessian there is finite.
    fn root(&self) -> Option<(Point, f64)> {
        self.h.iter().all(|v| v.is_finite()).then_some((self.p, self.norm))
    }

    /// One iteration; whether the run has ended.
    fn step<S: Surface + ?Sized>(&mut self, surface: &S, reach: f64) -> bool {
        let iteration = self.iteration;
        if iteration >= MAX_ITERATIONS || self.norm == 0.0 {
            return true;
        }
        // Stalled: less than 1% better in ten iterations. Near a root Newton converges
        // quadratically; this is a seed sliding into a minimum of ‖∇f‖² that is not a zero
        // (where ∇²f is singular, as along Rosenbrock's valley floor), and would only crawl on.
        if iteration.is_multiple_of(STALL_WINDOW) && iteration > 0 {
            if self.norm > 0.99 * self.checkpoint {
                return true;
            }
            self.checkpoint = self.norm;
        }
        let (seed, p, g, h) = (self.seed, self.p, self.g, self.h);
        // A full Newton step, then shorter ones along it (the Newton direction always lowers
        // ‖∇f‖² for a short enough step: in Rosenbrock's valley a full step raises it, and
        // without the line search the damped steps below crawl for a hundred iterations), then
        // ever more damped steps (toward gradient descent on ‖∇f‖²).
        let newton = solve(&h, &g);
        let mut improved = false;
        for attempt in 0..12 {
            let d = match (attempt, newton) {
                (0..4, Some(d)) => Some(d * 0.25f64.powi(attempt)),
                (0..4, None) => continue,
                _ => damped(&h, &g, self.lambda),
            };
            let Some(d) = d else {
                self.lambda *= 10.0;
                continue;
            };
            let q = p + d;
            if !(q.x.is_finite() && q.y.is_finite()) || (q - seed).norm() > reach {
                if attempt >= 4 {
                    self.lambda *= 10.0;
                }
                continue;
            }
            let (_, gq, hq) = surface.value_grad_hessian(q);
            let nq = gq.norm();
            if nq < self.norm {
                let step = d.norm();
                (self.p, self.g, self.h, self.norm) = (q, gq, hq, nq);
                if attempt >= 4 {
                    self.lambda = (self.lambda / 10.0).max(1e-12);
                }
                improved = step > 1e-15 * (1.0 + self.p.norm());
                break;
            }
            if attempt >= 4 {
                self.lambda *= 10.0;
            }
        }
        self.iteration += 1;
        !improved || self.iteration >= MAX_ITERATIONS
    }
}

/// The Newton step −H⁻¹g, if H is safely invertible.
fn solve(h: &Hessian, g: &Gradient) -> Option<Gradient> {
    let d = -(h.try_inverse()? * g);
    (d.x.is_finite() && d.y.is_finite()).then_some(d)
}

/// The Levenberg–Marquardt step −(H² + λ·s·I)⁻¹·H·g, s the scale of H².
fn damped(h: &Hessian, g: &Gradient, lambda: f64) -> Option<Gradient> {
    let hh = h * h;
    let s = hh.trace().abs().max(1e-300);
    let a = hh + Hessian::identity() * (lambda * s);
    let d = -(a.try_inverse()? * (h * g));
    (d.x.is_finite() && d.y.is_finite()).then_some(d)
}

/// Classifies the critical point at `p` by the Hessian's eigenvalues.
fn classify<S: Surface + ?Sized>(surface: &S, p: Point) -> Option<CriticalPoint> {
    let (value, _, h) = surface.value_grad_hessian(p);
    if !value.is_finite() || h.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let eig = SymmetricEigen::new(h);
    let (mut i, mut j) = (0, 1);
    if eig.eigenvalues[1] < eig.eigenvalues[0] {
        (i, j) = (1, 0);
    }
    let eigenvalues = [eig.eigenvalues[i], eig.eigenvalues[j]];
    let eigenvectors =
        [eig.eigenvectors.column(i).into_owned(), eig.eigenvectors.column(j).into_owned()];
    let big = eigenvalues[0].abs().max(eigenvalues[1].abs()).max(1.0);
    let kind = if eigenvalues.iter().any(|l| l.abs() <= DEGENERATE * big) {
        CriticalKind::Degenerate
    } else if eigenvalues[0] > 0.0 {
        CriticalKind::Min
    } else if eigenvalues[1] < 0.0 {
        CriticalKind::Max
    } else {
        CriticalKind::Saddle
    };
    Some(CriticalPoint { point: p, value, kind, eigenvalues, eigenvectors })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Builtin, Formula, SurfaceDef};

    #[test]
    fn a_search_a_unit_at_a_time_finds_the_points_of_the_search_in_one_go() {
        let surfaces = [
            (SurfaceDef::Builtin(Builtin::Himmelblau), 9),
            (
                SurfaceDef::Formula(std::sync::Arc::new(
                    Formula::parse("x^3 - 3*x*y^2 + 0.5*(x^2 + y^2)^2").expect("a formula"),
                )),
                4,
            ),
        ];
        for (surface, count) in surfaces {
            let domain = surface.default_domain();
            let whole = critical_points(&surface, &domain);
            assert_eq!(whole.len(), count, "{surface:?}: {whole:?}");
            let mut steps = CriticalSteps::new(&domain);
            let mut calls = 0;
            let mut fraction = 0.0;
            let sliced = loop {
                calls += 1;
                if let Some(points) = steps.advance(&surface, 1) {
                    break points;
                }
                assert!(steps.fraction() >= fraction, "progress never goes back");
                fraction = steps.fraction();
            };
            assert_eq!(sliced, whole);
            // 64 gradients a unit, then a seed's start and each of its Newton iterations (one
            // at least), then a point's classification.
            let seeds = SEEDS * SEEDS;
            assert!(calls >= seeds / NORMS_PER_UNIT + 2 * seeds + count, "{calls} calls");
            assert!(calls > seeds / NORMS_PER_UNIT + 3 * seeds, "runs cut: {calls} calls");
            assert!(steps.advance(&surface, 1).is_some_and(|p| p.is_empty()), "handed over once");
        }
    }
}
