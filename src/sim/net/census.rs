//! The saddle census (SPEC §2, *Census*; Dauphin et al. 2014, Fig. 1): critical points of a
//! network's loss found from many starts, each with the exact Hessian's eigenvalues and its
//! index, the share of negative eigenvalues.
//!
//! **The search.** Levenberg–Marquardt on φ(θ) = ½‖∇L(θ)‖². The Jacobian of ∇L is the Hessian H
//! (symmetric), so the Gauss–Newton matrix is H² and one step solves
//! `(H² + μ·I)·δ = −H·∇L`. With H = Q·Λ·Qᵀ (one exact Hessian and one eigen-decomposition per
//! iteration) the step is `δ = −Q·diag(λᵢ/(λᵢ² + μ))·Qᵀ·∇L`, so several μ are tried for the price
//! of a gradient each: μ shrinks ×1/3 after a step that lowers φ and grows ×4 until one does.
//! As μ → 0 the step becomes Newton's, `−H⁻¹·∇L`, which converges quadratically to a critical
//! point of *any* index — Newton is attracted to saddles, the lecture's lesson used as a tool.
//!
//! **Acceptance.** A search counts only where ‖∇L‖ < [`GRAD_TOL`] = 1e-8, recomputed from the
//! objective at the final point. Every other search is *rejected* and counted: Frye et al.
//! (2021, "Critical point-finding methods reveal gradient-flat regions of deep network losses")
//! show that such searches also stall at *gradient-flat* points, where H·∇L ≈ 0 but ∇L ≠ 0,
//! which are not critical points; the census reports how many searches ended that way (or ran
//! out of iterations, or diverged) instead of counting them.
//!
//! **Symmetries.** A tanh network's loss (weight decay included) is unchanged by permuting the
//! hidden units of a layer and by flipping the sign of a unit's incoming weights, bias and
//! outgoing weights (tanh is odd). Each such copy of a critical point has the same loss and the
//! same Hessian spectrum (the Hessians are similar by a signed permutation matrix). Found points
//! are therefore kept distinct by (loss, sorted eigenvalues): two points whose losses agree to
//! 1e-9 (relative) and whose sorted eigenvalues all agree to 1e-6 (relative to the spectral
//! radius) are one point, and the first start that found it keeps it. This merges symmetric
//! copies without having to canonicalise θ; it could merge two genuinely different points only
//! if they share loss and spectrum to that accuracy.
//!
//! **Index.** An eigenvalue counts as negative when it is below
//! `−`[`EIG_TOL`](super::objective::EIG_TOL)`·max(1, spectral radius)`, so rounding noise around a
//! zero eigenvalue (a flat direction, e.g. the hyperbola of minima of a deep-linear model) does not
//! make a minimum a saddle. The index is negative / n. A point with no negative eigenvalue is a
//! minimum, any other a saddle (or, with every eigenvalue negative, a maximum; a loss bounded below
//! with weight decay has none).
//!
//! **Descents.** Levenberg–Marquardt finds saddles whose negative curvature is tiny but never
//! the minimum beside them, so a census of searches alone can list saddles only. The census
//! therefore also descends ([`super::descend`]: saddle-free Newton with negative-curvature
//! steps, on L itself, with the exact Hessian) from every training path's end and from every
//! saddle found, pushed a little along its negative direction either way; a descent stops only
//! at a minimum, and it is accepted by the same test. A saddle whose descent ends at a minimum
//! within [`NEAR_MINIMUM`] of its loss is recorded as a [`Pair`].
//!
//! **Starts** ([`network_census`]): a third along training paths of gradient descent, a third
//! along paths of Adam (each path from PyTorch's initialisation, a point drawn from it at a
//! step spread log-uniformly over the run so early, high-loss points are drawn too, or one time in
//! four the path's end, plus a
//! little Gaussian noise), and a third at random (PyTorch's initialisation scaled by a factor
//! uniform in [1, 4]). Everything is drawn from the seed; the searches run in parallel on rayon
//! and come back in start order, so the result is the same on every machine and thread count.

use nalgebra::{DVector, SymmetricEigen};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::network::Network;
use super::objective::{Objective, count_negative, sorted_eigenvalues};
use super::train::train;
use crate::sim::OptimizerSpec;
use crate::sim::run::progress::{Cancelled, Progress};

/// A search is accepted only where ‖∇L‖ is below this (recomputed at the final point).
pub const GRAD_TOL: f64 = 1e-8;
/// Most Levenberg–Marquardt iterations per search.
pub const MAX_ITERATIONS: usize = 200;
/// A search stops when ‖∇L‖ has not halved over this many iterations.
pub const STALL_WINDOW: usize = 25;
/// The most starts a census takes.
pub const MAX_STARTS: usize = 100_000;
/// The most parameters a census takes: every iteration of a search builds the n × n Hessian
/// and its eigen-decomposition (n³ work, n² memory), so 400 already take seconds per search.
pub const MAX_PARAMS: usize = 400;

/// Whether a network of `n` parameters is small enough for a census ([`MAX_PARAMS`]).
///
/// # Errors
/// A message saying how many parameters it has and the limit.
pub fn check_params(n: usize) -> Result<(), String> {
    if n > MAX_PARAMS {
        return Err(format!(
            "{n} parameters: a census takes at most {MAX_PARAMS} (each search step builds and \
             diagonalises the {n} × {n} Hessian)"
        ));
    }
    Ok(())
}

/// Where a search started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StartKind {
    /// On a gradient-descent training path (plus noise).
    Gd,
    /// On an Adam training path (plus noise).
    Adam,
    /// At random.
    Random,
    /// Given by the caller.
    Given,
    /// A [descent](super::descend) to a minimum: from a training path's end, or from a saddle
    /// pushed along its negative direction.
    Descent,
}

impl StartKind {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            StartKind::Gd => "gd",
            StartKind::Adam => "adam",
            StartKind::Random => "random",
            StartKind::Given => "given",
            StartKind::Descent => "descent",
        }
    }
}

/// A start of the search.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// The parameters.
    pub theta: Vec<f64>,
    /// Where they came from.
    pub kind: StartKind,
}

/// An accepted critical point.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The parameters θ*.
    pub theta: Vec<f64>,
    /// L(θ*).
    pub loss: f64,
    /// ‖∇L(θ*)‖, recomputed at θ*.
    pub grad_norm: f64,
    /// The exact Hessian's eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    /// How many eigenvalues are negative (below `−EIG_TOL·max(1, spectral radius)`).
    pub negative: usize,
    /// The index: negative / n.
    pub index: f64,
    /// The number of the start that first found it.
    pub start: usize,
    /// What kind of start that was.
    pub kind: StartKind,
}

impl Found {
    /// A minimum: no negative eigenvalue.
    pub fn is_minimum(&self) -> bool {
        self.negative == 0
    }

    /// The smallest eigenvalue.
    pub fn min_eig(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(f64::NAN)
    }

    /// The largest eigenvalue.
    pub fn max_eig(&self) -> f64 {
        self.eigenvalues.last().copied().unwrap_or(f64::NAN)
    }
}

/// A census: the distinct critical points found, and what happened to every search.
#[derive(Clone, Debug, PartialEq)]
pub struct Census {
    /// The distinct critical points, in the order of the start that first found each.
    pub points: Vec<Found>,
    /// Searches accepted (‖∇L‖ < 1e-8), duplicates included.
    pub accepted: usize,
    /// The gradient norms where rejected searches ended (non-finite for a divergence): one per
    /// search rejected, as it ended with ‖∇L‖ ≥ 1e-8 (gradient-flat points, stalls,
    /// divergence).
    pub rejected_grad_norms: Vec<f64>,
    /// Of the searches, the descents to a minimum ([`super::descend`]).
    pub descents: usize,
    /// Saddles next to a minimum: the saddle's descent (pushed along its negative direction)
    /// ends at the minimum, whose loss is within [`NEAR_MINIMUM`] of the saddle's. The lesson:
    /// stuck on the saddle, training is nearly as good as at the minimum.
    pub pairs: Vec<Pair>,
}

/// A saddle next to a minimum (indices into [`Census::points`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The saddle.
    pub saddle: usize,
    /// The minimum its descent reaches.
    pub minimum: usize,
}

/// A saddle and the minimum its descent reaches are a [`Pair`] when the saddle's loss exceeds
/// the minimum's by at most this share of the saddle's loss.
pub const NEAR_MINIMUM: f64 = 0.01;

impl Census {
    /// The minima among the points.
    pub fn minima(&self) -> usize {
        self.points.iter().filter(|p| p.is_minimum()).count()
    }

    /// The saddles among the points.
    pub fn saddles(&self) -> usize {
        self.points.len() - self.minima()
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// One Levenberg–Marquardt search on ½‖∇L‖² from `theta`; the final θ. Stops when ‖∇L‖ is
/// below 1e-12·max(1, |L|), when no μ lowers φ, when ‖∇L‖ has not halved in the last
/// [`STALL_WINDOW`] iterations, after [`MAX_ITERATIONS`], or when asked.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn levenberg_marquardt<O: Objective + ?Sized>(
    obj: &O,
    theta: &[f64],
    progress: Option<&Progress>,
) -> Result<Vec<f64>, Cancelled> {
    let n = obj.dim();
    let mut theta = theta.to_vec();
    let mut g = obj.gradient(&theta);
    let mut gn = norm(&g);
    let mut mu = 1e-3;
    // ‖∇L‖ a window of iterations ago: a search that has not halved it in that window is
    // stalling (typically near a gradient-flat point) and stops.
    let mut history = Vec::with_capacity(MAX_ITERATIONS);
    for it in 0..MAX_ITERATIONS {
        history.push(gn);
        if it >= STALL_WINDOW && gn > 0.5 * history[it - STALL_WINDOW] {
            break;
        }
        if let Some(p) = progress {
            p.check()?;
        }
        if !gn.is_finite() || gn < 1e-12 * obj.loss(&theta).abs().max(1.0) {
            break;
        }
        let h = obj.hessian(&theta);
        if h.iter().any(|v| !v.is_finite()) {
            break;
        }
        let eig = SymmetricEigen::new(h);
        // The gradient in the eigenbasis.
        let gq = eig.eigenvectors.transpose() * DVector::from_column_slice(&g);
        let scale = eig.eigenvalues.iter().fold(0.0_f64, |m, v| m.max(v * v)).max(1e-300);
        let mut improved = false;
        for _ in 0..40 {
            let damp = mu * scale;
            let coef = DVector::from_iterator(
                n,
                eig.eigenvalues.iter().zip(gq.iter()).map(|(&l, &c)| -l / (l * l + damp) * c),
            );
            let step = &eig.eigenvectors * coef;
            let trial: Vec<f64> = theta.iter().zip(step.iter()).map(|(t, d)| t + d).collect();
            let tg = obj.gradient(&trial);
            let tn = norm(&tg);
            if tn.is_finite() && tn < gn {
                theta = trial;
                g = tg;
                gn = tn;
                mu = (mu / 3.0).max(1e-15);
                improved = true;
                break;
            }
            mu *= 4.0;
            if mu > 1e12 {
                break;
            }
        }
        if !improved {
            break;
        }
    }
    Ok(theta)
}

/// The census from the given starts: a search from each (in parallel, in start order), each
/// accepted or rejected by its recomputed ‖∇L‖, the accepted ones de-duplicated by (loss,
/// sorted eigenvalues). `progress` counts finished searches.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn search<O: Objective + ?Sized>(
    obj: &O,
    starts: &[Start],
    progress: &Progress,
) -> Result<Census, Cancelled> {
    progress.set_total(starts.len() as u64);
    let outcomes = crate::sim::run::parallel::par_map(starts, 2, |s| search_one(obj, s, progress));
    Ok(Census::of_searches(outcomes.into_iter().collect::<Result<_, _>>()?))
}

/// One search: from `start` to where Levenberg–Marquardt ends, examined.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub(super) fn search_one<O: Objective + ?Sized>(
    obj: &O,
    start: &Start,
    progress: &Progress,
) -> Result<Result<Found, f64>, Cancelled> {
    let theta = levenberg_marquardt(obj, &start.theta, Some(progress))?;
    let out = examine(obj, theta, start.kind);
    progress.advance(1);
    Ok(out)
}

/// One descent from `theta` to where it ends, examined.
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub(super) fn descent<O: Objective + ?Sized>(
    obj: &O,
    theta: &[f64],
    progress: &Progress,
) -> Result<Result<Found, f64>, Cancelled> {
    let end = super::descend::descend(obj, theta, Some(progress))?;
    progress.advance(1);
    Ok(examine(obj, end, StartKind::Descent))
}

/// The point a search ended at, accepted (with its exact spectrum) where ‖∇L‖ < [`GRAD_TOL`],
/// else the gradient norm it was rejected with.
pub(super) fn examine<O: Objective + ?Sized>(
    obj: &O,
    theta: Vec<f64>,
    kind: StartKind,
) -> Result<Found, f64> {
    let grad_norm = norm(&obj.gradient(&theta));
    if grad_norm >= GRAD_TOL || !grad_norm.is_finite() {
        return Err(grad_norm);
    }
    let eigenvalues = sorted_eigenvalues(obj.hessian(&theta));
    let negative = count_negative(&eigenvalues);
    Ok(Found {
        loss: obj.loss(&theta),
        theta,
        grad_norm,
        index: negative as f64 / eigenvalues.len().max(1) as f64,
        eigenvalues,
        negative,
        start: 0,
        kind,
    })
}

impl Census {
    /// Searches run: every one is either accepted or rejected.
    pub fn searches(&self) -> usize {
        self.accepted + self.rejected()
    }

    /// Searches rejected.
    pub fn rejected(&self) -> usize {
        self.rejected_grad_norms.len()
    }

    /// The census of searches' `outcomes`, one per start, in the starts' order.
    pub(super) fn of_searches(outcomes: Vec<Result<Found, f64>>) -> Self {
        let mut census = Census {
            points: Vec::new(),
            accepted: 0,
            rejected_grad_norms: Vec::new(),
            descents: 0,
            pairs: Vec::new(),
        };
        for (i, outcome) in outcomes.into_iter().enumerate() {
            census.count(outcome, i);
        }
        census
    }

    /// Counts one search's outcome (start number `start`); a new point is kept, a copy of a
    /// known one is not. The point's position in [`Census::points`], when accepted.
    pub(super) fn count(&mut self, outcome: Result<Found, f64>, start: usize) -> Option<usize> {
        match outcome {
            Ok(mut found) => {
                self.accepted += 1;
                if let Some(k) = self.points.iter().position(|p| same_point(p, &found)) {
                    return Some(k);
                }
                found.start = start;
                self.points.push(found);
                Some(self.points.len() - 1)
            }
            Err(gn) => {
                self.rejected_grad_norms.push(gn);
                None
            }
        }
    }

    /// Adds the census's descents (see [`super::descend`]): from each of `ends` (training paths'
    /// ends), and from every saddle found, pushed a little along its negative direction either
    /// way; each minimum a saddle's descent reaches within [`NEAR_MINIMUM`] makes a [`Pair`].
    ///
    /// # Errors
    /// [`Cancelled`] when `progress` was cancelled.
    pub fn descend<O: Objective + ?Sized>(
        &mut self,
        obj: &O,
        ends: &[Vec<f64>],
        progress: &Progress,
    ) -> Result<(), Cancelled> {
        let origins = self.descent_origins(obj, ends);
        progress.set_total(progress.done() + origins.len() as u64);
        let outcomes = crate::sim::run::parallel::par_map(&origins, 1, |(_, theta)| {
            descent(obj, theta, progress)
        });
        self.take_descents(&origins, outcomes.into_iter().collect::<Result<_, _>>()?);
        Ok(())
    }

    /// Where the descents start: from each of `ends`, and from every saddle found, pushed
    /// [`PUSH`] along its most negative direction either way (with the saddle's position).
    pub(super) fn descent_origins<O: Objective + ?Sized>(
        &self,
        obj: &O,
        ends: &[Vec<f64>],
    ) -> Vec<(Option<usize>, Vec<f64>)> {
        let saddles: Vec<usize> =
            (0..self.points.len()).filter(|&k| !self.points[k].is_minimum()).collect();
        let mut origins: Vec<(Option<usize>, Vec<f64>)> =
            ends.iter().map(|e| (None, e.clone())).collect();
        for &k in &saddles {
            let p = &self.points[k];
            let v = SymmetricEigen::new(obj.hessian(&p.theta));
            let (min_col, _) = v
                .eigenvalues
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .unwrap_or((0, &0.0));
            let dir = v.eigenvectors.column(min_col);
            for sign in [1.0, -1.0] {
                let pushed =
                    p.theta.iter().zip(dir.iter()).map(|(t, d)| t + sign * PUSH * d).collect();
                origins.push((Some(k), pushed));
            }
        }
        origins
    }

    /// Counts the descents' `outcomes` (one per origin, in order) and pairs each saddle with
    /// the minimum its descent reached.
    pub(super) fn take_descents(
        &mut self,
        origins: &[(Option<usize>, Vec<f64>)],
        outcomes: Vec<Result<Found, f64>>,
    ) {
        let first = self.searches();
        self.descents += origins.len();
        for (i, (outcome, (from, _))) in outcomes.into_iter().zip(origins).enumerate() {
            let Some(k) = self.count(outcome, first + i) else { continue };
            if let Some(s) = *from {
                self.pair(s, k);
            }
        }
    }

    /// Records saddle `s` and point `m` (where its descent ended) as a [`Pair`] when `m` is a
    /// minimum within [`NEAR_MINIMUM`] of the saddle's loss.
    fn pair(&mut self, s: usize, m: usize) {
        let (saddle, minimum) = (&self.points[s], &self.points[m]);
        let near = saddle.loss - minimum.loss <= NEAR_MINIMUM * saddle.loss.abs();
        let pair = Pair { saddle: s, minimum: m };
        if minimum.is_minimum() && near && !self.pairs.contains(&pair) {
            self.pairs.push(pair);
        }
    }
}

/// How far a saddle is pushed along its negative direction before its descent.
const PUSH: f64 = 1e-3;

/// Whether two critical points are copies of one another: the same loss (1e-9 relative) and the
/// same sorted spectrum (1e-6 relative to the spectral radius). Symmetric copies share both.
pub fn same_point(a: &Found, b: &Found) -> bool {
    if (a.loss - b.loss).abs() > 1e-9 * a.loss.abs().max(1.0) {
        return false;
    }
    let radius = a.eigenvalues.iter().chain(&b.eigenvalues).fold(0.0_f64, |m, v| m.max(v.abs()));
    let tol = 1e-6 * radius.max(1e-3);
    a.eigenvalues.len() == b.eigenvalues.len()
        && a.eigenvalues.iter().zip(&b.eigenvalues).all(|(x, y)| (x - y).abs() <= tol)
}

/// Settings of a network census.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CensusSettings {
    /// Number of searches.
    pub starts: usize,
    /// Seed of every draw.
    pub seed: u64,
    /// Standard deviation of the Gaussian noise added to a start on a training path.
    pub noise: f64,
    /// Training steps of each path.
    pub train_steps: usize,
}

impl CensusSettings {
    /// `starts` searches from `seed`, noise 0.05 and paths of 1000 steps.
    pub fn new(starts: usize, seed: u64) -> Self {
        Self { starts, seed, noise: 0.05, train_steps: 1000 }
    }
}

/// Paths per optimizer.
const PATHS: usize = 6;

/// The starts of a network census (see the module's doc): training paths of gd (lr 0.5) and
/// Adam (lr 0.01), [`PATHS`] of each from seeded initialisations, points drawn along them plus
/// noise, and random points.
pub fn network_starts(net: &Network, settings: &CensusSettings) -> Vec<Start> {
    starts_on(net, settings, &training_paths(net, settings))
}

/// The training paths of a census: [`PATHS`] of gd (lr 0.5) and of Adam (lr 0.01) from seeded
/// initialisations.
fn training_paths(net: &Network, settings: &CensusSettings) -> Vec<(StartKind, Vec<Vec<f64>>)> {
    let inits = path_inits(settings);
    let runs =
        crate::sim::run::parallel::par_map(&inits, 2, |init| training_path(net, settings, init));
    inits
        .iter()
        .zip(runs)
        .filter(|(_, p)| !p.is_empty())
        .map(|((kind, _, _), p)| (*kind, p))
        .collect()
}

/// The training runs of a census's paths: kind, optimizer and initialisation seed, in order.
pub(super) fn path_inits(settings: &CensusSettings) -> Vec<(StartKind, OptimizerSpec, u64)> {
    let seed = settings.seed;
    let mut inits = Vec::new();
    for (kind, spec) in [(StartKind::Gd, "gd:lr=0.5"), (StartKind::Adam, "adam:lr=0.01")] {
        let Ok(spec) = OptimizerSpec::parse(spec) else { continue };
        for k in 0..PATHS as u64 {
            let s = seed.wrapping_mul(0x9e37_79b9).wrapping_add(k + 17 * (kind as u64));
            inits.push((kind, spec, s));
        }
    }
    inits
}

/// One training path (empty when training failed).
pub(super) fn training_path(
    net: &Network,
    settings: &CensusSettings,
    (_, spec, seed): &(StartKind, OptimizerSpec, u64),
) -> Vec<Vec<f64>> {
    let arch = net.architecture();
    train(net, &arch.init(*seed), *spec, settings.train_steps, None, None)
        .map(|t| t.path)
        .unwrap_or_default()
}

/// The starts drawn along `paths` and at random (see the module's doc).
pub(super) fn starts_on(
    net: &Network,
    settings: &CensusSettings,
    paths: &[(StartKind, Vec<Vec<f64>>)],
) -> Vec<Start> {
    let arch = net.architecture();
    let seed = settings.seed;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xce05_05ce_0000_0000);
    (0..settings.starts)
        .map(|i| {
            let on_path = i % 3 != 2 && !paths.is_empty();
            if on_path {
                let mine: Vec<&(StartKind, Vec<Vec<f64>>)> = paths
                    .iter()
                    .filter(|(k, _)| *k == if i % 3 == 0 { StartKind::Gd } else { StartKind::Adam })
                    .collect();
                let pool = if mine.is_empty() { paths.iter().collect() } else { mine };
                let (kind, path) = pool[rng.random_range(0..pool.len())];
                // A step spread log-uniformly over the run, or (one time in four) its end.
                let len = path.len() as f64;
                let step = if rng.random_range(0..4) == 0 {
                    path.len() - 1
                } else {
                    ((len.ln() * rng.random::<f64>()).exp() - 1.0).floor() as usize
                };
                let mut theta = path[step.min(path.len() - 1)].clone();
                for t in &mut theta {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    *t += settings.noise * z;
                }
                Start { theta, kind: *kind }
            } else {
                let scale = rng.random_range(1.0..4.0);
                let mut theta = arch.init(rng.random());
                theta.iter_mut().for_each(|t| *t *= scale);
                Start { theta, kind: StartKind::Random }
            }
        })
        .collect()
}

/// The critical points a figure shows as spectra: the one of lowest loss and the one of highest
/// loss (Dauphin et al. 2014, Fig. 1c, d), as indices into `census.points`; `None` when there
/// are none. With a single point both are that point.
pub fn low_and_high(census: &Census) -> Option<(usize, usize)> {
    let finite = || census.points.iter().enumerate().filter(|(_, p)| p.loss.is_finite());
    let low = finite().min_by(|a, b| a.1.loss.total_cmp(&b.1.loss))?.0;
    let high = finite().max_by(|a, b| a.1.loss.total_cmp(&b.1.loss))?.0;
    Some((low, high))
}
