//! Stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017; PyHessian, Yao et al. 2020): the
//! eigenvalue density of a symmetric operator seen only through products H·v.
//!
//! Per probe: a Rademacher vector z, M Lanczos steps from z/‖z‖, the Ritz values θᵢ as nodes
//! with weights τᵢ² (the squared first components of T's eigenvectors). Then z/‖z‖ᵀ f(H) z/‖z‖
//! ≈ Σ τᵢ² f(θᵢ), and averaging over P probes estimates (1/n)·tr f(H) = ∫ f dμ for the
//! eigenvalue distribution μ. The trace is Hutchinson's: zᵀHz = n·α₀ = n·Σ τᵢ²θᵢ per probe.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::lanczos::LanczosRun;
use super::{Curvature, SpectrumError, rademacher};

/// Lanczos steps per probe by default.
pub const DEFAULT_STEPS: usize = 90;
/// Probes by default.
pub const DEFAULT_PROBES: usize = 10;
/// The flat band's half-width by default, as a share of max|λ|.
pub const DEFAULT_FLAT: f64 = 0.01;

/// An estimated eigenvalue density.
#[derive(Clone, Debug, PartialEq)]
pub struct Density {
    /// Every probe's Ritz values with weight τ²/P, probe after probe, each probe's values
    /// ascending: the weights sum to 1.
    pub nodes: Vec<(f64, f64)>,
    /// zᵀHz of each probe, z the unnormalised Rademacher vector (their mean is Hutchinson's
    /// trace estimate, [`Density::trace`]).
    pub probe_traces: Vec<f64>,
    /// The Lanczos steps each probe took (fewer than asked after a breakdown, at most n).
    pub steps: Vec<usize>,
    /// The dimension n.
    pub n: usize,
}

/// [`Density::estimate`], resumable: [`advance`](Self::advance) takes a few Lanczos steps at a
/// time (one Hessian-vector product each), so that the page can estimate a spectrum between
/// frames. Run whole, it is [`Density::estimate`].
pub struct DensitySteps {
    n: usize,
    steps: usize,
    probes: usize,
    seed: u64,
    /// The probe under way.
    probe: usize,
    run: Option<LanczosRun>,
    density: Density,
}

impl DensitySteps {
    /// The estimate of an n × n operator's density, no step taken.
    ///
    /// # Errors
    /// [`SpectrumError::Settings`] for n, steps or probes of 0.
    pub fn new(n: usize, steps: usize, probes: usize, seed: u64) -> Result<Self, SpectrumError> {
        if n == 0 || steps == 0 || probes == 0 {
            return Err(SpectrumError::Settings(format!(
                "the spectrum needs n, steps and probes ≥ 1, not {n}, {steps} and {probes}"
            )));
        }
        let density = Density { nodes: Vec::new(), probe_traces: Vec::new(), steps: Vec::new(), n };
        Ok(Self { n, steps, probes, seed, probe: 0, run: None, density })
    }

    /// The Lanczos steps in all: probes · min(steps, n).
    pub fn total(&self) -> usize {
        self.probes * self.steps.min(self.n)
    }

    /// Takes at most `units` more Lanczos steps (at least one) of the operator `hvp`, calling
    /// `progress(done, total)` after each and asking `cancelled` before each product; the
    /// density once the last probe is done.
    ///
    /// # Errors
    /// As [`Density::estimate`].
    pub fn advance(
        &mut self,
        units: usize,
        hvp: &dyn Fn(&[f64]) -> Vec<f64>,
        progress: &dyn Fn(usize, usize),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Density>, SpectrumError> {
        let (n, per_probe, total) = (self.n, self.steps.min(self.n), self.total());
        for _ in 0..units.max(1) {
            if cancelled() {
                return Err(SpectrumError::Cancelled);
            }
            let p = self.probe;
            let run = match &mut self.run {
                Some(run) => run,
                None => {
                    let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                    rng.set_stream(p as u64);
                    let z = rademacher(n, &mut rng);
                    self.run.insert(LanczosRun::new(n, self.steps, &z)?)
                }
            };
            let finished = run.step(hvp)?;
            progress(p * per_probe + run.len(), total);
            if !finished {
                continue;
            }
            let t = run.tridiagonal()?;
            self.run = None;
            if t.len() < per_probe {
                progress((p + 1) * per_probe, total);
            }
            let ritz = t.ritz();
            let density = &mut self.density;
            density.probe_traces.push(n as f64 * t.alpha()[0]);
            density.steps.push(t.len());
            let w = 1.0 / self.probes as f64;
            density.nodes.extend(ritz.values.iter().zip(&ritz.weights).map(|(&v, &t)| (v, t * w)));
            self.probe += 1;
            if self.probe == self.probes {
                return Ok(Some(std::mem::replace(
                    &mut self.density,
                    Density { nodes: Vec::new(), probe_traces: Vec::new(), steps: Vec::new(), n },
                )));
            }
        }
        Ok(None)
    }
}

/// The shares of a density's weight below, within and above the flat band ±ε·max|λ|.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shares {
    /// Weight below −ε·max|λ|: the index estimate.
    pub negative: f64,
    /// Weight within ±ε·max|λ|.
    pub flat: f64,
    /// Weight above ε·max|λ|.
    pub positive: f64,
}

impl Density {
    /// Estimates the density of the n × n symmetric operator `hvp` (`hvp(v) = H·v`) with
    /// `probes` Rademacher probes drawn from `seed` (probe p from ChaCha8 stream p) and `steps`
    /// Lanczos steps each. `progress(done, total)` is called after every step (total =
    /// probes·min(steps, n); a probe that breaks down early jumps to its end); `cancelled`
    /// is asked before every product.
    ///
    /// # Errors
    /// [`SpectrumError::Settings`] for n, steps or probes of 0; [`SpectrumError::Cancelled`];
    /// [`SpectrumError::Length`] or [`SpectrumError::NotFinite`] for a bad product.
    pub fn estimate(
        n: usize,
        steps: usize,
        probes: usize,
        seed: u64,
        hvp: impl Fn(&[f64]) -> Vec<f64>,
        progress: impl Fn(usize, usize),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Self, SpectrumError> {
        let mut run = DensitySteps::new(n, steps, probes, seed)?;
        loop {
            if let Some(density) = run.advance(usize::MAX, &hvp, &progress, cancelled)? {
                return Ok(density);
            }
        }
    }

    /// The density of a network's Hessian at one θ.
    ///
    /// # Errors
    /// As [`Density::estimate`].
    pub fn of(
        curvature: &Curvature,
        steps: usize,
        probes: usize,
        seed: u64,
        progress: impl Fn(usize, usize),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Self, SpectrumError> {
        let n = curvature.n_params();
        Self::estimate(n, steps, probes, seed, |v| curvature.hvp(v), progress, cancelled)
    }

    /// The smallest Ritz value over all probes (converges to λ_min from above).
    pub fn lambda_min(&self) -> f64 {
        self.nodes.iter().fold(f64::INFINITY, |m, &(v, _)| m.min(v))
    }

    /// The largest Ritz value over all probes (converges to λ_max from below).
    pub fn lambda_max(&self) -> f64 {
        self.nodes.iter().fold(f64::NEG_INFINITY, |m, &(v, _)| m.max(v))
    }

    /// Hutchinson's trace estimate: the mean over probes of zᵀHz.
    pub fn trace(&self) -> f64 {
        self.probe_traces.iter().sum::<f64>() / self.probe_traces.len() as f64
    }

    /// The standard error of [`Density::trace`] (sample deviation / √P); NaN for a single
    /// probe.
    pub fn trace_error(&self) -> f64 {
        let p = self.probe_traces.len() as f64;
        if self.probe_traces.len() < 2 {
            return f64::NAN;
        }
        let trace = self.trace();
        let var = self.probe_traces.iter().map(|t| (t - trace).powi(2)).sum::<f64>() / (p - 1.0);
        (var / p).sqrt()
    }

    /// max(|λ_min|, |λ_max|).
    pub fn scale(&self) -> f64 {
        self.lambda_min().abs().max(self.lambda_max().abs())
    }

    /// The shares of the weight below, within and above ±eps·max|λ| (they sum to 1). An
    /// M-node quadrature cannot tell the sign of eigenvalues clustered at 0, so the negative
    /// share is what lies below the band, not below 0.
    ///
    /// # Errors
    /// [`SpectrumError::Settings`] if eps is negative or not finite.
    pub fn shares(&self, eps: f64) -> Result<Shares, SpectrumError> {
        if !(eps.is_finite() && eps >= 0.0) {
            return Err(SpectrumError::Settings(format!(
                "the flat band must be a finite number ≥ 0, not {eps}"
            )));
        }
        let band = eps * self.scale();
        let (mut negative, mut flat, mut positive) = (0.0, 0.0, 0.0);
        for &(v, w) in &self.nodes {
            if v < -band {
                negative += w;
            } else if v <= band {
                flat += w;
            } else {
                positive += w;
            }
        }
        let total = negative + flat + positive;
        Ok(Shares { negative: negative / total, flat: flat / total, positive: positive / total })
    }

    /// The density broadened by a Gaussian of width σ, at each point of `grid`:
    /// Σ wᵢ·exp(−(x − λᵢ)²/2σ²)/(σ√2π). It integrates to 1 over a wide enough grid.
    ///
    /// # Errors
    /// [`SpectrumError::Settings`] if σ is not a finite number > 0.
    pub fn smoothed(&self, grid: &[f64], sigma: f64) -> Result<Vec<f64>, SpectrumError> {
        if !(sigma.is_finite() && sigma > 0.0) {
            return Err(SpectrumError::Settings(format!(
                "the broadening σ must be a finite number > 0, not {sigma}"
            )));
        }
        let norm = 1.0 / (sigma * (2.0 * std::f64::consts::PI).sqrt());
        Ok(grid
            .iter()
            .map(|&x| {
                let s: f64 = self
                    .nodes
                    .iter()
                    .map(|&(v, w)| w * (-0.5 * ((x - v) / sigma).powi(2)).exp())
                    .sum();
                s * norm
            })
            .collect())
    }
}
