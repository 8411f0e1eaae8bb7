//! `losscape spectrum` (SPEC §4): train a network `D-H[-H…]-K` full-batch, then estimate its
//! Hessian's eigenvalue density at chosen steps of training by stochastic Lanczos quadrature
//! (Ghorbani et al. 2019; PyHessian, Yao et al. 2020), as CSV, PNG or SVG.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::data::{DEFAULT_POINTS, DataArgs};
use super::files::{FigureFiles, wrote};
use super::{CliError, parse};
use crate::figure;
use crate::figure::spectrum::{DEFAULT_SIZE, SpectrumFigure, spectrum_svg};
use crate::sim::OptimizerSpec;
use crate::sim::net::spectrum::{
    self, Along, DEFAULT_FLAT, DEFAULT_PROBES, DEFAULT_STEPS, Loss, MAX_AT, Sample,
    SpectrumSettings, Widths,
};
use crate::sim::run::progress::Progress;

/// `losscape spectrum`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape spectrum --dataset digits --net 64-32-10 --train adam:lr=0.01 --train-steps 400 --seed 0 --at 0,50,400 --out spectrum.png --out spectrum.csv\n  losscape spectrum --data features.csv --net 20-64-64-5 --train gd:lr=0.1 --train-steps 200 --lanczos 120 --probes 20 --density-out density.csv"
)]
pub struct SpectrumArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The network: D-H[-H…]-K (tanh hidden layers; K = 1 a binary logit, K ≥ 2 the logits of
    /// K classes), D and K those of the data, e.g. 64-256-256-10 for the digits.
    #[arg(long, value_name = "D-H-…-K")]
    pub net: String,
    /// Weight decay wd in the loss's (wd/2)·‖θ‖².
    #[arg(long, value_name = "WD", default_value_t = 0.0, allow_hyphen_values = true, value_parser = parse::WEIGHT_DECAY)]
    pub weight_decay: f64,
    /// The training optimizer, NAME[:key=value,...] (element-wise: gd, momentum, adam, …).
    #[arg(long, value_name = "SPEC")]
    pub train: String,
    /// Full-batch training steps.
    #[arg(long, value_name = "K", allow_hyphen_values = true, value_parser = parse::TRAIN_STEPS)]
    pub train_steps: usize,
    /// Seed of the initialisation, of a drawn 2-D data set and of the probes.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// The steps of training at which to estimate the spectrum (0 = the initialisation),
    /// comma-separated; default the last.
    #[arg(long, value_name = "STEP,…", value_delimiter = ',', allow_hyphen_values = true, value_parser = parse::TRAIN_STEPS)]
    pub at: Vec<usize>,
    /// Lanczos steps per probe, M.
    #[arg(long, value_name = "M", default_value_t = DEFAULT_STEPS, allow_hyphen_values = true, value_parser = parse::LANCZOS)]
    pub lanczos: usize,
    /// Rademacher probes, P (seeded).
    #[arg(long, value_name = "P", default_value_t = DEFAULT_PROBES, allow_hyphen_values = true, value_parser = parse::PROBES)]
    pub probes: usize,
    /// Half-width ε of the flat band ±ε·max|λ|: the negative share is the density's weight
    /// below −ε·max|λ|.
    #[arg(long, value_name = "EPS", default_value_t = DEFAULT_FLAT, allow_hyphen_values = true, value_parser = parse::FLAT)]
    pub flat: f64,
    /// Also write the densities: step,eigenvalue,weight, every probe's Ritz values with weight
    /// τ²/P (a step's weights sum to 1).
    #[arg(long, value_name = "FILE.csv")]
    pub density_out: Option<PathBuf>,
    #[command(flatten)]
    pub files: FigureFiles,
}

/// `losscape spectrum`: trains, estimates the spectra, prints them, writes the files.
pub fn spectrum_command(
    args: &SpectrumArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    let files = args.files.check(&[("--density-out", args.density_out.as_deref())])?;
    let (loss, what) = loss_of(args)?;
    let settings = settings_of(args, &loss)?;
    let theta0 = spectrum::init(loss.widths(), args.seed);
    let started = std::time::Instant::now();
    let progress = Progress::default();
    let at_count = settings.check(&loss).map_err(input)?.len();
    let per_spectrum = (settings.probes * settings.lanczos.min(loss.n_params())) as u64;
    let result = super::with_progress(
        err,
        72,
        || spectrum::spectra_along_training(&loss, &theta0, &settings, &progress),
        |err| {
            let done = progress.done();
            let steps = settings.train_steps as u64;
            if done < steps || per_spectrum == 0 {
                return write!(err, "\rtraining: step {done}/{steps}");
            }
            let (k, within) = ((done - steps) / per_spectrum, (done - steps) % per_spectrum);
            let m = settings.lanczos.min(loss.n_params()) as u64;
            write!(
                err,
                "\rspectrum {}/{at_count}: probe {}/{}, Lanczos step {}/{m}   ",
                (k + 1).min(at_count as u64),
                within / m + 1,
                settings.probes,
                within % m
            )
        },
    );
    let along = result.map_err(input)?;
    report(out, args, &loss, &what, &along, started.elapsed().as_secs_f64())?;
    let title = format!("{} ({} parameters) on {what}", loss.widths(), loss.n_params());
    let fig = SpectrumFigure { samples: &along.samples, flat: args.flat, title: &title };
    files.write(
        out,
        || spectrum_csv(&along.samples),
        |size| spectrum_svg(&fig, size),
        DEFAULT_SIZE,
        || params_csv(&along.samples, loss.n_params()),
    )?;
    if let Some(path) = &args.density_out {
        wrote(out, path, density_csv(&along.samples).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// The loss of `--net` on the data, once the network's D and K are known to fit the data's,
/// and what the data are.
fn loss_of(args: &SpectrumArgs) -> Result<(Loss, String), CliError> {
    let widths = Widths::parse(&args.net).map_err(input)?;
    let (data, what) = args.data.labelled(args.seed, DEFAULT_POINTS)?;
    let dims = (widths.inputs(), widths.outputs());
    args.data.check_fit(&widths.to_string(), dims, &data, &what)?;
    let loss = Loss::new(widths, data, args.weight_decay).map_err(input)?;
    Ok((loss, what))
}

/// The settings of the flags.
fn settings_of(args: &SpectrumArgs, loss: &Loss) -> Result<SpectrumSettings, CliError> {
    let optimizer = OptimizerSpec::parse(&args.train)
        .map_err(|e| CliError::Input(format!("--train '{}': {e}", args.train)))?;
    if optimizer.kind().needs_hessian() {
        return Err(CliError::Input(format!(
            "--train '{}': {} needs the whole n × n Hessian at every step ({} parameters): \
             train with a first-order optimizer (gd, momentum, adam, …)",
            args.train,
            optimizer.kind().name(),
            loss.n_params()
        )));
    }
    if let Some(&past) = args.at.iter().find(|&&s| s > args.train_steps) {
        return Err(CliError::Input(format!(
            "--at {past}: past the last step of training (--train-steps {})",
            args.train_steps
        )));
    }
    if args.at.len() > MAX_AT {
        return Err(CliError::Input(format!("--at: at most {MAX_AT} steps")));
    }
    let mut settings = SpectrumSettings::new(optimizer, args.train_steps, args.seed);
    if !args.at.is_empty() {
        settings.at.clone_from(&args.at);
    }
    settings.lanczos = args.lanczos;
    settings.probes = args.probes;
    settings.flat = args.flat;
    Ok(settings)
}

/// What the run found: the training, then one line per step of `--at`.
fn report(
    out: &mut impl Write,
    args: &SpectrumArgs,
    loss: &Loss,
    what: &str,
    along: &Along,
    elapsed: f64,
) -> Result<(), CliError> {
    let first = along.losses.first().copied().unwrap_or(f64::NAN);
    let last = along.losses.last().copied().unwrap_or(f64::NAN);
    writeln!(
        out,
        "trained {} ({} parameters) on {what} with {}, {} steps: loss {} → {}{}",
        loss.widths(),
        loss.n_params(),
        args.train,
        along.losses.len().saturating_sub(1),
        figure::network::short(first),
        figure::network::short(last),
        along.diverged_at.map(|k| format!(" (diverged at step {k})")).unwrap_or_default(),
    )?;
    writeln!(
        out,
        "spectrum at {} ({} Lanczos steps × {} probes, flat band ±{}·max|λ|) in {elapsed:.2} s on {} threads, training included:",
        match along.samples.len() {
            1 => "1 step".to_owned(),
            k => format!("{k} steps"),
        },
        args.lanczos.min(loss.n_params()),
        args.probes,
        args.flat,
        crate::sim::run::parallel::thread_count(),
    )?;
    for s in &along.samples {
        let accuracy = loss.accuracy(&s.theta).map_err(input)?;
        let d = &s.density;
        writeln!(
            out,
            "  step {}: loss {}, accuracy {:.1}%, λ [{:.4e}, {:.4e}], trace {:.4e} ± {:.1e}, negative share {:.3}, flat share {:.3}",
            s.step,
            figure::network::short(s.loss),
            100.0 * accuracy,
            d.lambda_min(),
            d.lambda_max(),
            d.trace(),
            d.trace_error(),
            s.shares.negative,
            s.shares.flat,
        )?;
    }
    Ok(())
}

/// The CSV `step,loss,lambda_min,lambda_max,trace,negative_share,flat_share`, one row per step,
/// numbers in the shortest form that reads back to the same float.
pub fn spectrum_csv(samples: &[Sample]) -> String {
    let mut s = String::from("step,loss,lambda_min,lambda_max,trace,negative_share,flat_share\n");
    let mut number = zmij::Buffer::new();
    for p in samples {
        s.push_str(&p.step.to_string());
        let d = &p.density;
        for v in
            [p.loss, d.lambda_min(), d.lambda_max(), d.trace(), p.shares.negative, p.shares.flat]
        {
            s.push(',');
            s.push_str(number.format(v));
        }
        s.push('\n');
    }
    s
}

/// `--density-out`: `step,eigenvalue,weight`, every probe's Ritz values with weight τ²/P, probe
/// after probe (a step's weights sum to 1).
pub fn density_csv(samples: &[Sample]) -> String {
    let rows: usize = samples.iter().map(|p| p.density.nodes.len()).sum();
    let mut s = String::with_capacity(rows * 48 + 32);
    s.push_str("step,eigenvalue,weight\n");
    let mut number = zmij::Buffer::new();
    for p in samples {
        let step = p.step.to_string();
        for &(value, weight) in &p.density.nodes {
            s.push_str(&step);
            s.push(',');
            s.push_str(number.format(value));
            s.push(',');
            s.push_str(number.format(weight));
            s.push('\n');
        }
    }
    s
}

/// `--params-out`: `step,p0,p1,…`, θ at each step (PyTorch's `nn.Linear` order).
pub fn params_csv(samples: &[Sample], n: usize) -> String {
    let mut s = String::with_capacity(samples.len() * (n * 22 + 8) + 16 * n);
    s.push_str("step");
    for i in 0..n {
        s.push_str(&format!(",p{i}"));
    }
    s.push('\n');
    let mut number = zmij::Buffer::new();
    for p in samples {
        s.push_str(&p.step.to_string());
        for &v in &p.theta {
            s.push(',');
            s.push_str(number.format(v));
        }
        s.push('\n');
    }
    s
}
