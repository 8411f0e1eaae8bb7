//! The spectrum along training: train a network full-batch with the project's optimizers
//! (PyTorch's `torch.optim` arithmetic, [`NdOptimizer`](crate::sim::net::NdOptimizer)) on the
//! gradient of [`Loss`], keep θ at the chosen steps, then estimate the Hessian's eigenvalue
//! density at each of them — with progress and cancellation, so that the command line and the
//! app's jobs run the same function.

use std::cell::Cell;

use super::density::DensitySteps;
use super::{Curvature, Density, Loss, Shares, SpectrumError};
use super::{DEFAULT_FLAT, DEFAULT_PROBES, DEFAULT_STEPS};
use crate::sim::OptimizerSpec;
use crate::sim::net::train::Descent;
use crate::sim::run::progress::Progress;

/// The most steps of training at which a spectrum may be asked for.
pub const MAX_AT: usize = 64;
/// The most Lanczos steps per probe.
pub const MAX_LANCZOS: usize = 1000;
/// The most probes.
pub const MAX_PROBES: usize = 1000;
/// The memory a spectrum may take: the Lanczos basis (M·n numbers, kept for full
/// reorthogonalisation), the activations of the forward pass, the per-block gradients and θ at
/// each chosen step.
pub const MEMORY_BYTES: usize = 2 << 30;

/// How a network is trained and where and how finely its spectrum is estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectrumSettings {
    /// The training optimizer (element-wise: gd, momentum, adam, …).
    pub optimizer: OptimizerSpec,
    /// Full-batch training steps.
    pub train_steps: usize,
    /// The steps of training (0 = the initialisation) at which to estimate the spectrum, in any
    /// order; repeats count once.
    pub at: Vec<usize>,
    /// Lanczos steps per probe, M.
    pub lanczos: usize,
    /// Rademacher probes, P.
    pub probes: usize,
    /// The flat band's half-width ε, as a share of max|λ|.
    pub flat: f64,
    /// The seed of the probes. Every step uses the same probes, so that differences between
    /// steps are the Hessian's, not the probes'.
    pub seed: u64,
}

impl SpectrumSettings {
    /// `train_steps` steps of `optimizer`, the spectrum at the last one with the defaults: M =
    /// [`DEFAULT_STEPS`], P = [`DEFAULT_PROBES`], ε = [`DEFAULT_FLAT`], probes from `seed`.
    pub fn new(optimizer: OptimizerSpec, train_steps: usize, seed: u64) -> Self {
        Self {
            optimizer,
            train_steps,
            at: vec![train_steps],
            lanczos: DEFAULT_STEPS,
            probes: DEFAULT_PROBES,
            flat: DEFAULT_FLAT,
            seed,
        }
    }

    /// The steps of `at`, ascending and distinct, once every setting is known to be in range
    /// and the spectrum of `loss` to fit in [`MEMORY_BYTES`].
    ///
    /// # Errors
    /// [`SpectrumError::Settings`] saying which setting is out of range, or how much memory
    /// the spectrum would take.
    pub fn check(&self, loss: &Loss) -> Result<Vec<usize>, SpectrumError> {
        let bad = |m: String| Err(SpectrumError::Settings(m));
        let mut at = self.at.clone();
        at.sort_unstable();
        at.dedup();
        if at.is_empty() || at.len() > MAX_AT {
            return bad(format!("from 1 to {MAX_AT} steps to estimate at, not {}", at.len()));
        }
        if let Some(&last) = at.last().filter(|&&s| s > self.train_steps) {
            return bad(format!(
                "step {last} is past the last step of training, {}",
                self.train_steps
            ));
        }
        if !(1..=MAX_LANCZOS).contains(&self.lanczos) {
            return bad(format!("from 1 to {MAX_LANCZOS} Lanczos steps, not {}", self.lanczos));
        }
        if !(1..=MAX_PROBES).contains(&self.probes) {
            return bad(format!("from 1 to {MAX_PROBES} probes, not {}", self.probes));
        }
        if !(self.flat.is_finite() && (0.0..1.0).contains(&self.flat)) {
            return bad(format!("the flat band ε is a number in [0, 1), not {}", self.flat));
        }
        let bytes = memory_bytes(loss, self.lanczos, at.len());
        if bytes > MEMORY_BYTES {
            return bad(format!(
                "{} parameters × {} Lanczos steps on {} rows would take {:.1} GB, more than \
                 the {:.0} GB allowed: use fewer Lanczos steps, a smaller network or fewer rows",
                loss.n_params(),
                self.lanczos.min(loss.n_params()),
                loss.data().rows(),
                bytes as f64 / 1e9,
                MEMORY_BYTES as f64 / 1e9
            ));
        }
        Ok(at)
    }

    /// The units of work [`spectra_along_training`] reports to its [`Progress`]: one per
    /// training step and one per Lanczos step.
    pub fn work(&self, n_params: usize, at_count: usize) -> u64 {
        let per_spectrum = self.probes * self.lanczos.min(n_params);
        (self.train_steps + at_count * per_spectrum) as u64
    }
}

/// The bytes a spectrum of `loss` with `lanczos` steps at `at_count` steps of training takes
/// at most: the Lanczos basis, θ at each step, the per-block gradients and the activations
/// the Hessian-vector products reuse (see [`Curvature`](super::Curvature)).
pub fn memory_bytes(loss: &Loss, lanczos: usize, at_count: usize) -> usize {
    let n = loss.n_params();
    let widths = loss.widths().as_slice();
    let hidden: usize = widths[1..widths.len() - 1].iter().sum();
    let (rows, k) = (loss.data().rows(), loss.widths().outputs());
    let vectors = lanczos.min(n).saturating_add(at_count).saturating_add(super::hvp::WAVE + 6);
    let per_row = 3 * hidden + 2 * k + loss.widths().inputs();
    8usize.saturating_mul(vectors.saturating_mul(n).saturating_add(rows.saturating_mul(per_row)))
}

/// The spectrum at one step of training.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The step (0 = the initialisation).
    pub step: usize,
    /// L(θ) there.
    pub loss: f64,
    /// ‖∇L(θ)‖ there.
    pub grad_norm: f64,
    /// θ there.
    pub theta: Vec<f64>,
    /// The estimated eigenvalue density of the Hessian.
    pub density: Density,
    /// Its negative, flat and positive shares with the settings' ε.
    pub shares: Shares,
}

/// A training run and the spectra along it.
#[derive(Clone, Debug, PartialEq)]
pub struct Along {
    /// The initial parameters θ₀.
    pub theta0: Vec<f64>,
    /// The loss at every step of training, θ₀ first.
    pub losses: Vec<f64>,
    /// The spectrum at each step asked for, in ascending order of step.
    pub samples: Vec<Sample>,
    /// The step at which training diverged after the last step asked for, if it did
    /// (`losses` ends before it).
    pub diverged_at: Option<usize>,
}

/// Trains from θ₀ for `settings.train_steps` steps, then estimates the Hessian's spectrum at
/// each step of `settings.at` (M Lanczos steps × P probes, the same probes at every step).
/// `progress` gets the total ([`SpectrumSettings::work`]) and one unit per training step and
/// per Lanczos step; cancelling it stops within one step.
///
/// # Errors
/// [`SpectrumError::Settings`] for settings out of range ([`SpectrumSettings::check`]) or an
/// optimizer that cannot train a network; [`SpectrumError::Length`] or
/// [`SpectrumError::NotFinite`] for a bad θ₀; [`SpectrumError::Diverged`] when training
/// diverges before a step asked for; [`SpectrumError::Cancelled`] when `progress` is
/// cancelled (an app's job maps it to its `Cancelled`).
pub fn spectra_along_training(
    loss: &Loss,
    theta0: &[f64],
    settings: &SpectrumSettings,
    progress: &Progress,
) -> Result<Along, SpectrumError> {
    let mut steps = SpectrumSteps::new(loss, theta0, settings, progress)?;
    loop {
        if let Some(along) = steps.advance(usize::MAX, progress)? {
            return Ok(along);
        }
    }
}

/// [`spectra_along_training`], resumable: [`advance`](Self::advance) takes a few units of work
/// at a time (a training step, or a Lanczos step: one Hessian-vector product), so that the
/// page can train a network and estimate its spectra between frames. Run whole, it is
/// [`spectra_along_training`], bit for bit.
pub struct SpectrumSteps {
    /// The loss (a clone: its data are shared).
    loss: Loss,
    settings: SpectrumSettings,
    theta0: Vec<f64>,
    /// The steps asked for, ascending and distinct.
    at: Vec<usize>,
    /// Training, while it runs.
    training: Option<TrainRun>,
    losses: Vec<f64>,
    /// θ at the steps asked for, the next one last.
    kept: Vec<(usize, Vec<f64>)>,
    diverged_at: Option<usize>,
    /// The spectrum under way: its step, θ, the curvature there, the quadrature, and how
    /// many of its Lanczos steps `progress` has been told of.
    now: Option<(usize, Vec<f64>, Curvature, DensitySteps, usize)>,
    samples: Vec<Sample>,
}

impl SpectrumSteps {
    /// The work of [`spectra_along_training`], nothing done yet; `progress` gets its total.
    ///
    /// # Errors
    /// As [`spectra_along_training`], for the settings, the optimizer and θ₀.
    pub fn new(
        loss: &Loss,
        theta0: &[f64],
        settings: &SpectrumSettings,
        progress: &Progress,
    ) -> Result<Self, SpectrumError> {
        let at = settings.check(loss)?;
        progress.set_total(settings.work(loss.n_params(), at.len()));
        let training = TrainRun::new(loss, theta0, settings.optimizer, settings.train_steps)?;
        Ok(Self {
            loss: loss.clone(),
            settings: settings.clone(),
            theta0: theta0.to_vec(),
            at,
            training: Some(training),
            losses: Vec::new(),
            kept: Vec::new(),
            diverged_at: None,
            now: None,
            samples: Vec::new(),
        })
    }

    /// Does at most `units` more units of work (at least one; a spectrum finished, or training,
    /// ends the call early); the training and its spectra once all are done.
    ///
    /// # Errors
    /// As [`spectra_along_training`].
    pub fn advance(
        &mut self,
        units: usize,
        progress: &Progress,
    ) -> Result<Option<Along>, SpectrumError> {
        if let Some(training) = &mut self.training {
            let ended = training.advance(&self.loss, &self.at, units, progress)?;
            let Some(diverged_at) = ended else { return Ok(None) };
            let TrainRun { losses, kept, .. } = self.training.take().expect("training");
            (self.losses, self.kept) = (losses, kept);
            self.diverged_at = diverged_at;
            let last = self.at[self.at.len() - 1];
            if let Some(step) = diverged_at.filter(|&step| step <= last) {
                return Err(SpectrumError::Diverged { step, wanted: last });
            }
            self.kept.reverse();
            return Ok(None);
        }
        loop {
            if self.now.is_none() {
                let Some((step, theta)) = self.kept.pop() else {
                    return Ok(Some(Along {
                        theta0: std::mem::take(&mut self.theta0),
                        losses: std::mem::take(&mut self.losses),
                        samples: std::mem::take(&mut self.samples),
                        diverged_at: self.diverged_at,
                    }));
                };
                let curvature = self.loss.curvature(&theta)?;
                let s = &self.settings;
                let density = DensitySteps::new(curvature.n_params(), s.lanczos, s.probes, s.seed)?;
                self.now = Some((step, theta, curvature, density, 0));
            }
            let Some((_, _, curvature, density, told)) = &mut self.now else { unreachable!() };
            let reported = Cell::new(*told);
            let done = density.advance(
                units,
                &|v| curvature.hvp(v),
                &|done, _| {
                    progress.advance((done - reported.get()) as u64);
                    reported.set(done);
                },
                &|| progress.is_cancelled(),
            )?;
            *told = reported.get();
            let Some(density) = done else { return Ok(None) };
            let Some((step, theta, curvature, _, _)) = self.now.take() else { unreachable!() };
            let shares = density.shares(self.settings.flat)?;
            let grad_norm = curvature.gradient().iter().map(|g| g * g).sum::<f64>().sqrt();
            let loss = curvature.value();
            self.samples.push(Sample { step, loss, grad_norm, theta, density, shares });
            if units != usize::MAX {
                return Ok(None);
            }
        }
    }
}

/// A full-batch training run of a [`Loss`], keeping θ at chosen steps only (θ of a large
/// network at every step would not fit in memory).
#[derive(Clone, Debug, PartialEq)]
pub struct Trained {
    /// The loss at every step reached, θ₀ first.
    pub losses: Vec<f64>,
    /// θ at each step of `keep` that was reached, in ascending order.
    pub kept: Vec<(usize, Vec<f64>)>,
    /// The step at which the loss or θ stopped being finite, if it did (`losses` ends before
    /// it).
    pub diverged_at: Option<usize>,
}

/// Trains from θ₀ for `steps` full-batch steps of `optimizer` on the gradient of `loss` (the
/// project's [`NdOptimizer`](crate::sim::net::NdOptimizer): PyTorch's update, operation by
/// operation), keeping θ at the steps of `keep` (0 = θ₀). `progress` advances by one per step;
/// cancelling it stops within one step.
///
/// # Errors
/// [`SpectrumError::Settings`] for an optimizer that cannot train this network (not
/// element-wise, or a Newton method: its n × n Hessian is out of reach);
/// [`SpectrumError::Length`] or [`SpectrumError::NotFinite`] for a bad θ₀;
/// [`SpectrumError::Cancelled`].
pub fn train(
    loss: &Loss,
    theta0: &[f64],
    optimizer: OptimizerSpec,
    steps: usize,
    keep: &[usize],
    progress: &Progress,
) -> Result<Trained, SpectrumError> {
    let mut run = TrainRun::new(loss, theta0, optimizer, steps)?;
    loop {
        if let Some(diverged_at) = run.advance(loss, keep, usize::MAX, progress)? {
            return Ok(Trained { losses: run.losses, kept: run.kept, diverged_at });
        }
    }
}

/// [`train`], resumable: the losses so far and θ at the steps kept.
struct TrainRun {
    descent: Descent,
    losses: Vec<f64>,
    kept: Vec<(usize, Vec<f64>)>,
}

impl TrainRun {
    /// Training from θ₀, not started.
    fn new(
        loss: &Loss,
        theta0: &[f64],
        optimizer: OptimizerSpec,
        steps: usize,
    ) -> Result<Self, SpectrumError> {
        loss.value(theta0)?;
        let descent = Descent::new(theta0, optimizer, steps, false)
            .map_err(|e| SpectrumError::Settings(e.to_string()))?;
        Ok(Self { descent, losses: Vec::with_capacity(steps + 1), kept: Vec::new() })
    }

    /// At most `units` more steps, keeping θ at the steps of `keep`; once training has ended,
    /// `Some` of the step at which it diverged, if it did.
    fn advance(
        &mut self,
        loss: &Loss,
        keep: &[usize],
        units: usize,
        progress: &Progress,
    ) -> Result<Option<Option<usize>>, SpectrumError> {
        let (losses, kept) = (&mut self.losses, &mut self.kept);
        let ended = self.descent.advance(
            units,
            &mut |theta, grad| match loss.value_and_gradient(theta) {
                Ok((value, g)) => {
                    grad.copy_from_slice(&g);
                    value
                }
                // θ₀ is checked, so θ is only refused once it stopped being finite.
                Err(_) => f64::NAN,
            },
            None,
            &mut |k, theta, value, _| {
                losses.push(value);
                if keep.contains(&k) {
                    kept.push((k, theta.to_vec()));
                }
            },
            &mut |k| {
                if k > 0 {
                    progress.advance(1);
                }
                !progress.is_cancelled()
            },
        );
        progress.check()?;
        Ok(ended)
    }
}
