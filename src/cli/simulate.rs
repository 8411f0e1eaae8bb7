//! `losscape simulate`: one optimizer from one start point, the trajectory as CSV or JSON.

use std::io::{self, Write};

use clap::{Args, ValueEnum};

use super::{CliError, SurfaceArgs, apply_schedule, parse, resolve};
use crate::sim::optim::ParamType;
use crate::sim::{Noise, OptimizerSpec, Param, Point, simulate};

/// `losscape simulate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape simulate --surface rosenbrock --optimizer adam:lr=0.05 --start -1.5,2 --steps 300\n  losscape simulate --formula 'x^2 + 3*y^2' --optimizer momentum --lr 0.05 --start=-2,1 --steps 100 --format json\n  losscape simulate --surface escape-saddle --optimizer gd:lr=0.1 --start 0,0 --steps 200 --noise 0.01 --seed 3"
)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The optimizer: NAME[:key=value,...], e.g. adam:lr=0.05,beta1=0.8. Names: gd, momentum,
    /// nesterov, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta, rprop, asgd,
    /// adafactor, lbfgs, newton, sfn.
    #[arg(long, value_name = "SPEC")]
    pub optimizer: String,
    /// The start point X,Y (write --start=-1.5,2 or --start -1.5,2).
    #[arg(long, value_name = "X,Y", allow_hyphen_values = true, value_parser = parse::point)]
    pub start: Point,
    /// Number of updates; the trajectory has steps + 1 points.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse::STEPS)]
    pub steps: usize,
    #[command(flatten)]
    pub hyper: HyperArgs,
    /// Gaussian gradient noise: standard deviation per component.
    #[arg(long, value_name = "SIGMA", allow_hyphen_values = true, value_parser = parse::NOISE)]
    pub noise: Option<f64>,
    /// Seed of the gradient noise (default 0).
    #[arg(long, value_name = "N", requires = "noise")]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// A learning-rate schedule NAME[:key=value,...], stepped after every step as in PyTorch:
    /// step:step_size=N[,gamma=F], exponential:gamma=F, cosine:t_max=N[,eta_min=F],
    /// cosine-restarts:t_0=N[,t_mult=N,eta_min=F], linear[:start_factor=F,end_factor=F,total_iters=N],
    /// onecycle:max_lr=F,total_steps=N[,pct_start=F,anneal_strategy=cos|linear,...].
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<String>,
}

/// Hyper-parameter flags, one per [`Param`] (`--lr`, `--beta1`, `--weight-decay`, `--amsgrad`,
/// …), generated from the hyper-parameter table so that a new optimizer's parameters are flags
/// too; each overrides the value in the SPEC. An optimizer that does not take a given
/// hyper-parameter makes it an error.
#[derive(Debug, Default)]
pub struct HyperArgs {
    /// The flags given, in table order.
    pub values: Vec<(Param, f64)>,
}

impl HyperArgs {
    /// The flag of `param`: `--weight-decay` for `weight_decay`.
    fn flag(param: Param) -> String {
        param.key().replace('_', "-")
    }
}

impl clap::Args for HyperArgs {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for param in Param::ALL {
            let arg = clap::Arg::new(Self::flag(param)).long(Self::flag(param)).help(param.help());
            let parse = move |text: &str| {
                param.parse_value(text).map_err(|what| format!("'{text}' is not a {what}"))
            };
            cmd = cmd.arg(match param.kind() {
                ParamType::Flag => arg.action(clap::ArgAction::SetTrue),
                ParamType::Number => {
                    arg.value_name("F").allow_hyphen_values(true).value_parser(parse)
                }
                ParamType::Count => {
                    arg.value_name("N").allow_hyphen_values(true).value_parser(parse)
                }
                ParamType::LineSearch => arg.value_name("none|strong_wolfe").value_parser(parse),
            });
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for HyperArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut values = Vec::new();
        for param in Param::ALL {
            let flag = Self::flag(param);
            if param.kind() == ParamType::Flag {
                if matches.get_flag(&flag) {
                    values.push((param, 1.0));
                }
            } else if let Some(&value) = matches.get_one::<f64>(&flag) {
                values.push((param, value));
            }
        }
        Ok(Self { values })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// Output format of `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

/// The optimizer of `--optimizer`, with the hyper-parameter flags applied over it.
fn optimizer(args: &SimulateArgs) -> Result<OptimizerSpec, CliError> {
    let mut spec = OptimizerSpec::parse(&args.optimizer)
        .map_err(|e| CliError::Input(format!("--optimizer '{}': {e}", args.optimizer)))?;
    for &(param, value) in &args.hyper.values {
        spec.set(param, value)
            .map_err(|e| CliError::Input(format!("--{}: {e}", HyperArgs::flag(param))))?;
    }
    apply_schedule(&mut spec, args.schedule.as_deref())?;
    Ok(spec)
}

pub(super) fn simulate_command(
    args: &SimulateArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    let surface = resolve(&args.surface)?;
    let spec = optimizer(args)?;
    let noise = Noise { sigma: args.noise.unwrap_or(0.0), seed: args.seed.unwrap_or(0) };
    let trajectory = simulate(&surface, &spec, args.start, args.steps, noise);
    match args.format {
        Format::Csv => {
            writeln!(out, "step,x,y,loss")?;
            for (k, p) in trajectory.points.iter().enumerate() {
                writeln!(out, "{k},{:?},{:?},{:?}", p.point.x, p.point.y, p.loss)?;
            }
        }
        Format::Json => {
            let doc = JsonTrajectory {
                surface: surface.name(),
                formula: surface.formula(),
                optimizer: spec.to_string(),
                schedule: spec.schedule().map(ToString::to_string),
                start: [args.start.x, args.start.y],
                steps: args.steps,
                noise,
                diverged_at: trajectory.diverged_at,
                points: trajectory
                    .points
                    .iter()
                    .enumerate()
                    .map(|(step, p)| JsonPoint { step, x: p.point.x, y: p.point.y, loss: p.loss })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if let Some(k) = trajectory.diverged_at {
        writeln!(err, "diverged at step {k}")?;
    }
    Ok(())
}

/// The JSON document of `simulate --format json`.
#[derive(serde::Serialize)]
struct JsonTrajectory<'a> {
    surface: &'a str,
    formula: &'a str,
    optimizer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<String>,
    start: [f64; 2],
    steps: usize,
    noise: Noise,
    diverged_at: Option<usize>,
    points: Vec<JsonPoint>,
}

#[derive(serde::Serialize)]
struct JsonPoint {
    step: usize,
    x: f64,
    y: f64,
    loss: f64,
}
