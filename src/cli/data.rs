//! The data-set and network flags shared by `landscape`, `interpolate`, `census` and
//! `spectrum`: one flattened clap struct, one default and one bound for each. Every network
//! `D-H[-H…]-K` reads a table of D features and a class label per row: a CSV `x1,…,xD,label`,
//! the digits (D = 64, 10 classes) or a built-in 2-D set ([`DataArgs::for_network`],
//! [`DataArgs::labelled`]).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::{CliError, parse};
use crate::sim::OptimizerSpec;
use crate::sim::net::data::{self, Columns, Dataset};
use crate::sim::net::spectrum::{self, Labelled};
use crate::sim::net::{self, Architecture, Network, Training};

/// The points of a built-in data set when `--points` is not given: `landscape` and
/// `interpolate`'s.
pub const DEFAULT_POINTS: usize = 200;

/// `census`'s default points: fewer, as its cost grows with every point.
pub const CENSUS_DEFAULT_POINTS: usize = 100;

/// The name of the digits on the command line.
const DIGITS: &str = "digits";

/// The data a network trains on: `--data FILE.csv`, or `--dataset NAME [--points N] [--noise S]`
/// (seeded by the sub-command's `--seed`). Shared by `landscape`, `interpolate`, `census` and
/// `spectrum`.
#[derive(Clone, Debug, Args)]
pub struct DataArgs {
    /// Training data: a CSV file with the header x1,…,xD,label, D the network's inputs (labels
    /// 0 or 1 for one output, 0…K−1 for K outputs; a file without a header has the label last).
    #[arg(
        long,
        value_name = "FILE.csv",
        conflicts_with = "dataset",
        required_unless_present = "dataset"
    )]
    pub data: Option<PathBuf>,
    /// A built-in data set: moons, circles, xor, spirals (2 features, labels 0/1), or digits
    /// (1797 8×8 images of handwritten digits, 64 features scaled to [0, 1], 10 classes: for
    /// --net 64-H[-H…]-10).
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Points of the built-in data set (default 200; census 100).
    #[arg(long, value_name = "N", value_parser = parse::POINTS)]
    pub points: Option<usize>,
    /// Noise of the built-in data set (its default if absent).
    #[arg(long, value_name = "S", value_parser = parse::NOISE)]
    pub noise: Option<f64>,
}

impl DataArgs {
    /// The rows `x1,x2,label` of the built-in 2-D data set drawn with `seed` (`default_points`
    /// of them unless `--points` says), and its name.
    ///
    /// # Errors
    /// An unknown data set.
    fn planar_rows(
        &self,
        seed: u64,
        default_points: usize,
    ) -> Result<(Vec<[f64; 3]>, String), CliError> {
        let name = self.dataset.as_deref().unwrap_or("moons");
        let dataset = Dataset::from_name(name)
            .filter(|d| d.columns() == Columns::X1X2Label)
            .ok_or_else(|| {
                CliError::Input(format!(
                    "--dataset: unknown data set '{name}'; for a network the data sets are: {}, \
                     {DIGITS}",
                    data::names_with(Columns::X1X2Label)
                ))
            })?;
        let noise = self.noise.unwrap_or(dataset.default_noise());
        let points = self.points.unwrap_or(default_points);
        Ok((dataset.generate(points, noise, seed), dataset.to_string()))
    }

    /// The labelled table of the file (`x1,…,xD,label`, each label checked against `outputs`
    /// where it is read, if given), of the digits, or of a 2-D data set drawn with `seed`; and
    /// its name.
    ///
    /// # Errors
    /// An unknown data set, `--points` or `--noise` with the digits, or a data file that
    /// cannot be used (file, line, column).
    fn table(
        &self,
        outputs: Option<usize>,
        seed: u64,
        default_points: usize,
    ) -> Result<(Labelled, String), CliError> {
        match (&self.data, self.dataset.as_deref()) {
            (Some(path), _) => {
                let features = match outputs {
                    Some(k) => data::read_features_for(path, k),
                    None => data::read_features(path),
                };
                let table = features
                    .and_then(|t| {
                        Labelled::from_features(t).map_err(|e| data::DataError {
                            file: path.display().to_string(),
                            line: 0,
                            column: 0,
                            message: e.to_string(),
                        })
                    })
                    .map_err(|e| CliError::Input(format!("--data {e}")))?;
                Ok((table, path.display().to_string()))
            }
            (None, Some(name)) if name.trim().eq_ignore_ascii_case(DIGITS) => {
                if self.points.is_some() || self.noise.is_some() {
                    return Err(CliError::Input(
                        "--points and --noise draw a 2-D data set; the digits are 1797 fixed \
                         images (leave both out)"
                            .into(),
                    ));
                }
                Ok((spectrum::digits(), DIGITS.to_owned()))
            }
            _ => {
                let (rows, name) = self.planar_rows(seed, default_points)?;
                let table =
                    Labelled::from_rows(&rows).map_err(|e| CliError::Input(e.to_string()))?;
                Ok((table, name))
            }
        }
    }

    /// The labelled table of the file (`x1,…,xD,label`), of the digits, or of a 2-D data set
    /// drawn with `seed` (`default_points` of them unless `--points` says), and what it is for
    /// a message ("digits (1797 rows, 64 features, 10 classes)").
    ///
    /// # Errors
    /// An unknown data set, `--points` or `--noise` with the digits, or a data file that
    /// cannot be used (file, line, column).
    pub fn labelled(
        &self,
        seed: u64,
        default_points: usize,
    ) -> Result<(Labelled, String), CliError> {
        let (table, name) = self.table(None, seed, default_points)?;
        let what = format!(
            "{name} ({} rows, {} features, {} classes)",
            table.rows(),
            table.features(),
            table.classes()
        );
        Ok((table, what))
    }

    /// The labelled table for the network `arch`, as [`labelled`](Self::labelled) reads it,
    /// its labels checked against the network's outputs where they are read; and what it is
    /// for a message ("moons (200 points)", "digits (1797 rows, 64 features, 10 classes)").
    ///
    /// # Errors
    /// As [`labelled`](Self::labelled), a label that does not fit the network (file, line,
    /// column), and data that do not fit the network ([`check_fit`](Self::check_fit)).
    pub fn for_network(
        &self,
        arch: &Architecture,
        seed: u64,
        default_points: usize,
    ) -> Result<(Labelled, String), CliError> {
        let (table, name) = self.table(Some(arch.outputs()), seed, default_points)?;
        let what = if table.features() == 2 {
            format!("{name} ({} points)", table.rows())
        } else {
            format!(
                "{name} ({} rows, {} features, {} classes)",
                table.rows(),
                table.features(),
                table.classes()
            )
        };
        self.check_fit(&arch.to_string(), (arch.inputs(), arch.outputs()), &table, &what)?;
        Ok((table, what))
    }

    /// Whether the network `net` of D `inputs` and K `outputs` fits `table` (the data of these
    /// flags, `what` for a message): D is the data's feature count, and K one logit per class
    /// (or one logit for two classes).
    ///
    /// # Errors
    /// A message naming the network, the data and the width that does not fit; for the digits,
    /// the network they need.
    pub fn check_fit(
        &self,
        net: &str,
        (d, k): (usize, usize),
        table: &Labelled,
        what: &str,
    ) -> Result<(), CliError> {
        let classes = table.classes();
        let fits_outputs = k == classes.max(2) || (k == 1 && classes <= 2);
        let digits = self.data.is_none()
            && self.dataset.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(DIGITS));
        if digits && (d != table.features() || !fits_outputs) {
            let count =
                |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
            return Err(CliError::Input(format!(
                "--dataset digits has 64 features and 10 classes, but --net '{net}' takes {} and \
                 has {}: write --net 64-H[-H…]-10, e.g. 64-32-10",
                count(d, "input"),
                count(k, "output")
            )));
        }
        if d != table.features() {
            return Err(CliError::Input(format!(
                "--net '{net}': the network takes {d} features, but {what} has {}: the first \
                 width is the data's feature count",
                table.features()
            )));
        }
        if !fits_outputs {
            let want =
                if classes <= 2 { "1 (a logit) or 2".to_owned() } else { classes.to_string() };
            return Err(CliError::Input(format!(
                "--net '{net}': the network has {k} outputs, but {what} has labels 0…{}: the \
                 last width must be {want}",
                classes.saturating_sub(1)
            )));
        }
        Ok(())
    }
}

/// The network flags shared by `landscape` and `interpolate`: the data, the network and its
/// training.
#[derive(Clone, Debug, Args)]
pub struct NetArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The network D-H[-H…]-K: D inputs (the data's features), tanh hidden layers, K outputs
    /// (K = 1 the logit of a 0/1 label, binary cross-entropy; K ≥ 2 the logits of K classes,
    /// softmax cross-entropy), e.g. 2-16-16-1 or 64-32-10.
    #[arg(long, value_name = "D-H-…-K", default_value = "2-16-16-1")]
    pub net: String,
    /// The training optimizer, NAME[:key=value,...].
    #[arg(long, value_name = "SPEC", default_value = "adam:lr=0.01")]
    pub train: String,
    /// Full-batch training steps.
    #[arg(long, value_name = "K", default_value_t = 2000, value_parser = parse::TRAIN_STEPS)]
    pub train_steps: usize,
    /// Seed of the data set, the initialisation and the directions.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Weight decay wd in the loss's (wd/2)·‖θ‖².
    #[arg(long, value_name = "WD", default_value_t = 0.0, allow_hyphen_values = true, value_parser = parse::WEIGHT_DECAY)]
    pub weight_decay: f64,
}

/// The network `arch` (D-H[-H…]-K) on the data of the flags (drawn with `seed`, `default_points`
/// of them unless `--points` says), and what the data are for a message.
///
/// # Errors
/// A bad architecture, data set name or data file, or data that do not fit the network.
pub fn network(
    arch: &str,
    data: &DataArgs,
    (seed, weight_decay): (u64, f64),
    default_points: usize,
) -> Result<(Network, String), CliError> {
    let arch = Architecture::parse(arch).map_err(|e| CliError::Input(e.to_string()))?;
    let (table, what) = data.for_network(&arch, seed, default_points)?;
    let net = Network::on(arch, table, weight_decay).map_err(|e| CliError::Input(e.to_string()))?;
    Ok((net, what))
}

/// Trains the network of the flags and says so on `out`.
pub(super) fn trained(
    args: &NetArgs,
    out: &mut impl Write,
) -> Result<(Arc<Network>, Training), CliError> {
    let started = std::time::Instant::now();
    let (net, what) =
        network(&args.net, &args.data, (args.seed, args.weight_decay), DEFAULT_POINTS)?;
    let spec = OptimizerSpec::parse(&args.train)
        .map_err(|e| CliError::Input(format!("--train '{}': {e}", args.train)))?;
    let theta0 = net.architecture().init(args.seed);
    let training = net::train(&net, &theta0, spec, args.train_steps, None, None)
        .map_err(|e| CliError::Input(format!("--train: {e}")))?;
    let loss = training.losses.last().copied().unwrap_or(f64::NAN);
    write!(
        out,
        "trained {} ({} parameters) on {what} with {spec} for {} steps in {:.3} s: loss {}, accuracy {:.1}%",
        net.architecture(),
        net.n_params(),
        training.path.len().saturating_sub(1),
        started.elapsed().as_secs_f64(),
        crate::figure::network::short(loss),
        100.0 * net.accuracy(&training.theta),
    )?;
    match training.diverged_at {
        Some(k) => writeln!(out, " (diverged at step {k})")?,
        None => writeln!(out)?,
    }
    Ok((Arc::new(net), training))
}
