//! A two-dimensional slice of a network's loss, f(α, β) = L(θ + α·δ + β·η), and how its
//! directions δ, η are chosen (Li et al. 2018; Goodfellow et al. 2015).

use std::sync::Arc;

use nalgebra::{Const, U1};
use num_dual::{Dual2SVec64, DualSVec64};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::architecture::Layer;
use super::error::NetError;
use super::network::{Network, Scratch};
use super::pca::pca_directions;
use super::train::Training;
use crate::sim::surfaces::domain::Domain;
use crate::sim::surfaces::dual::Scalar;
use crate::sim::surfaces::lattice::Lattice;
use crate::sim::surfaces::surface::Surface;
use crate::sim::{Gradient, Hessian, Point};

/// How a slice's directions are chosen (Li et al. 2018; Goodfellow et al. 2015).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Directions {
    /// Two Gaussian directions, each weight row rescaled to the norm of θ's row, biases 0
    /// (Li et al.'s filter normalisation, for fully connected layers a filter is a neuron's
    /// incoming weights).
    Filter,
    /// Two Gaussian directions as drawn (N(0, 1) per parameter).
    Raw,
    /// δ = θ₀ − θ, the line back to the initialisation; η filter-normalised.
    Init,
    /// The first two principal components of the training path (θₖ − θ): the plane the path
    /// moved in most (Li et al., Sec. 7), each scaled so that the path's projection spans 90 %
    /// of [−1, 1] along it.
    Pca,
}

impl Directions {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Directions::Filter => "filter",
            Directions::Raw => "raw",
            Directions::Init => "init",
            Directions::Pca => "pca",
        }
    }

    /// Looks a choice up by name.
    pub fn from_name(s: &str) -> Option<Self> {
        [Directions::Filter, Directions::Raw, Directions::Init, Directions::Pca]
            .into_iter()
            .find(|d| d.name() == s.trim())
    }
}

/// A Gaussian direction drawn from `rng`, N(0, 1) per parameter.
fn gaussian(rng: &mut ChaCha8Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| StandardNormal.sample(rng)).collect()
}

/// Filter normalisation (Li et al. 2018): each weight row of `d` rescaled to the norm of the same
/// row of `theta`; biases set to 0.
pub fn filter_normalise(layers: &[Layer], d: &mut [f64], theta: &[f64]) {
    for l in layers {
        for o in 0..l.outputs {
            let s = l.offset + o * l.inputs;
            let row = s..s + l.inputs;
            let dn = d[row.clone()].iter().map(|v| v * v).sum::<f64>().sqrt();
            let tn = theta[row.clone()].iter().map(|v| v * v).sum::<f64>().sqrt();
            let scale = if dn > 0.0 { tn / dn } else { 0.0 };
            d[row].iter_mut().for_each(|v| *v *= scale);
        }
        d[l.bias_offset()..l.bias_offset() + l.outputs].fill(0.0);
    }
}

/// The slice's plane from the path's two principal directions (unit vectors): each scaled so
/// that the path's projection spans 90 % of [−1, 1] along it.
pub fn pca_plane(
    path: &[Vec<f64>],
    theta: &[f64],
    (mut d, mut e): (Vec<f64>, Vec<f64>),
) -> (Vec<f64>, Vec<f64>) {
    for v in [&mut d, &mut e] {
        let reach = path
            .iter()
            .map(|p| {
                p.iter().zip(theta).zip(v.iter()).map(|((a, b), c)| (a - b) * c).sum::<f64>().abs()
            })
            .fold(0.0, f64::max);
        if reach > 0.0 {
            v.iter_mut().for_each(|x| *x *= reach / 0.9);
        }
    }
    (d, e)
}

/// A two-dimensional slice of a network's loss, f(α, β) = L(θ + α·δ + β·η): a surface like any
/// other, with the exact ∇ and Hessian in (α, β) from a forward pass on dual numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Slice {
    net: Arc<Network>,
    theta: Vec<f64>,
    delta: Vec<f64>,
    eta: Vec<f64>,
    span: f64,
    /// The training path projected onto the plane ([`Slice::project`]), θ₀ first; empty when
    /// the slice was not made from a training run.
    path: Arc<[Point]>,
}

impl Slice {
    /// The slice through θ along δ and η, shown over [−span, span]².
    ///
    /// # Errors
    /// [`NetError::Length`] when a vector is not the network's length.
    pub fn new(
        net: Arc<Network>,
        theta: Vec<f64>,
        delta: Vec<f64>,
        eta: Vec<f64>,
        span: f64,
    ) -> Result<Self, NetError> {
        for v in [&theta, &delta, &eta] {
            if v.len() != net.n_params() {
                return Err(NetError::Length { got: v.len(), want: net.n_params() });
            }
        }
        let span = if span.is_finite() && span > 0.0 { span } else { 1.0 };
        Ok(Self { net, theta, delta, eta, span, path: Arc::from([]) })
    }

    /// The slice through a training run's θ with directions chosen by `directions`, Gaussian
    /// ones drawn from `seed`.
    pub fn of_training(
        net: Arc<Network>,
        training: &Training,
        directions: Directions,
        seed: u64,
        span: f64,
    ) -> Self {
        Self::of_training_with(net, training, directions, seed, span, None)
    }

    /// [`of_training`](Self::of_training) with the path's principal plane already made
    /// ([`PcaSteps`](super::PcaSteps) and [`pca_plane`], in pieces) or, for `None`, made here;
    /// `pca` is used only for [`Directions::Pca`].
    pub fn of_training_with(
        net: Arc<Network>,
        training: &Training,
        directions: Directions,
        seed: u64,
        span: f64,
        pca: Option<(Vec<f64>, Vec<f64>)>,
    ) -> Self {
        let n = net.n_params();
        let theta = training.theta.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_d1ec_7105_0000);
        let filtered = |rng: &mut ChaCha8Rng| {
            let mut d = gaussian(rng, n);
            filter_normalise(net.layers(), &mut d, &theta);
            d
        };
        let (delta, eta) = match directions {
            Directions::Filter => (filtered(&mut rng), filtered(&mut rng)),
            Directions::Raw => (gaussian(&mut rng, n), gaussian(&mut rng, n)),
            Directions::Init => {
                let d: Vec<f64> = training.theta0.iter().zip(&theta).map(|(a, b)| a - b).collect();
                (d, filtered(&mut rng))
            }
            Directions::Pca => pca.unwrap_or_else(|| {
                pca_plane(&training.path, &theta, pca_directions(&training.path, &theta))
            }),
        };
        let span = if span.is_finite() && span > 0.0 { span } else { 1.0 };
        let mut slice = Self { net, theta, delta, eta, span, path: Arc::from([]) };
        let path: Arc<[Point]> = {
            let project = slice.projector();
            training.path.iter().map(|t| project(t)).collect()
        };
        slice.path = path;
        slice
    }

    /// The training path projected onto the slice's plane, θ₀ first (empty for a slice not
    /// made from a training run).
    pub fn path(&self) -> &[Point] {
        &self.path
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The centre θ.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The direction δ (α's axis).
    pub fn delta(&self) -> &[f64] {
        &self.delta
    }

    /// The direction η (β's axis).
    pub fn eta(&self) -> &[f64] {
        &self.eta
    }

    /// `[−span, span]²`.
    pub fn default_domain(&self) -> Domain {
        let s = self.span;
        Domain { x_min: -s, x_max: s, y_min: -s, y_max: s }
    }

    /// The point of the slice nearest to θ' in the least-squares sense: the (α, β) that minimise
    /// ‖θ' − θ − α·δ − β·η‖ (how a training path is drawn on the slice).
    pub fn project(&self, theta: &[f64]) -> Point {
        self.projector()(theta)
    }

    /// [`project`](Self::project) with the plane's Gram matrix computed once: projecting a
    /// path of hundreds of points of 10⁵ parameters each is then two dot products a point.
    fn projector(&self) -> impl Fn(&[f64]) -> Point + '_ {
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let (dd, de, ee) =
            (dot(&self.delta, &self.delta), dot(&self.delta, &self.eta), dot(&self.eta, &self.eta));
        let det = dd * ee - de * de;
        move |theta: &[f64]| {
            let r: Vec<f64> = theta.iter().zip(&self.theta).map(|(a, b)| a - b).collect();
            let (rd, re) = (dot(&r, &self.delta), dot(&r, &self.eta));
            if det.abs() <= 1e-300 {
                return Point::new(if dd > 0.0 { rd / dd } else { 0.0 }, 0.0);
            }
            Point::new((rd * ee - re * de) / det, (re * dd - rd * de) / det)
        }
    }

    fn at<T: Scalar>(&self, a: T, b: T) -> T {
        let p: Vec<T> = self
            .theta
            .iter()
            .zip(&self.delta)
            .zip(&self.eta)
            .map(|((&t, &d), &e)| a * d + b * e + t)
            .collect();
        self.net.loss_generic(&p)
    }
}

impl Surface for Slice {
    fn value(&self, p: Point) -> f64 {
        self.at(p.x, p.y)
    }

    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let a = DualSVec64::<2>::from_re(p.x).derivative(0);
        let b = DualSVec64::<2>::from_re(p.y).derivative(1);
        let r = self.at(a, b);
        (r.re, r.eps.unwrap_generic(Const::<2>, U1))
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        let a = Dual2SVec64::<2>::from_re(p.x).derivative(0);
        let b = Dual2SVec64::<2>::from_re(p.y).derivative(1);
        let r = self.at(a, b);
        let g = r.v1.unwrap_generic(U1, Const::<2>).transpose();
        (r.re, g, r.v2.unwrap_generic(Const::<2>, Const::<2>))
    }

    /// The map of the slice, row by row (in parallel). Up to [`SLICE_EXACT_SIDE`] + 1 points a
    /// side every point is the loss there (a batched forward pass, [`Network::loss_batched`]);
    /// a finer grid (a heatmap the size of a window) is computed exactly at the knots of a
    /// [`Lattice`] ([`Surface::grid_stride`]: every k-th point of each axis, k the smallest
    /// that keeps at most [`SLICE_EXACT_SIDE`] + 1 across) and filled in between by cubic
    /// Hermite interpolation: a network's loss is smooth, and a window of exact forward passes
    /// would take a minute.
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
        if xs.is_empty() || ys.is_empty() {
            return;
        }
        let k = self.grid_stride(xs.len(), ys.len());
        if k == 1 {
            self.sample_exact(xs, ys, out);
            return;
        }
        let lattice = Lattice::new(xs.len(), ys.len(), k);
        let (cx, cy) = (lattice.knots_x(xs), lattice.knots_y(ys));
        let mut coarse = vec![0.0; cx.len() * cy.len()];
        self.sample_exact(&cx, &cy, &mut coarse);
        lattice.fill(&coarse, xs, ys, out);
    }

    /// 1 up to [`SLICE_EXACT_SIDE`] + 1 points a side, else the smallest stride that keeps at
    /// most [`SLICE_EXACT_SIDE`] + 1 knots a side (so a grid of knots is exact).
    fn grid_stride(&self, nx: usize, ny: usize) -> usize {
        let n = nx.max(ny);
        if n <= SLICE_EXACT_SIDE + 1 { 1 } else { n.div_ceil(SLICE_EXACT_SIDE) }
    }
}

/// The most points a side of a slice's map computed point by point (one more is allowed: the
/// last point of a lattice); finer maps interpolate.
pub const SLICE_EXACT_SIDE: usize = 96;

impl Slice {
    /// Every point of the grid exactly, rows in parallel, one θ buffer and one set of
    /// activations per row.
    fn sample_exact(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        use rayon::prelude::*;
        let n = xs.len();
        let work = |(row, &y): (&mut [f64], &f64)| {
            let mut p = vec![0.0; self.theta.len()];
            let mut scratch = Scratch::default();
            for (o, &x) in row.iter_mut().zip(xs) {
                for (((p, &t), &d), &e) in
                    p.iter_mut().zip(&self.theta).zip(&self.delta).zip(&self.eta)
                {
                    *p = x * d + y * e + t;
                }
                *o = self.net.loss_batched(&p, &mut scratch);
            }
        };
        if ys.len() * n < 64 {
            out.chunks_exact_mut(n).zip(ys).for_each(work);
        } else {
            out.par_chunks_exact_mut(n).zip(ys.par_iter()).with_max_len(1).for_each(work);
        }
    }
}
