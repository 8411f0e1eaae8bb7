//! `--model NAME (--data FILE.csv | --dataset NAME)`: a model surface on data, wherever a
//! surface is chosen.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::parse;
use crate::sim::net::data::{self, Dataset};
use crate::sim::net::model::{Model, ModelKind};

/// `--model NAME (--data FILE.csv | --dataset NAME)`: a model surface on data.
#[derive(Clone, Debug, Default, Args)]
pub struct ModelArgs {
    /// A model surface: linreg, deep-linear, tanh-unit or logreg (its loss over two
    /// parameters x, y on data).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// The model's data: a CSV file with the header t,u (logreg: x1,x2,label, as the networks';
    /// the older a,b,label is read too).
    #[arg(long, value_name = "FILE.csv", requires = "model", conflicts_with = "dataset")]
    pub data: Option<PathBuf>,
    /// A built-in data set for the model: linear, unscaled, standardised, tanh (t,u);
    /// separable, overlapping (x1,x2,label). Default: the model's own.
    #[arg(long, value_name = "NAME", requires = "model")]
    pub dataset: Option<String>,
    /// Points of the built-in data set (default 100).
    #[arg(long = "data-points", value_name = "N", requires = "model", value_parser = parse::POINTS)]
    pub data_points: Option<usize>,
    /// Noise of the built-in data set (its default if absent).
    #[arg(long = "data-noise", value_name = "S", requires = "model", value_parser = parse::NOISE)]
    pub data_noise: Option<f64>,
    /// Seed of the built-in data set (default 0).
    #[arg(long = "data-seed", value_name = "N", requires = "model")]
    pub data_seed: Option<u64>,
}

/// The model of `--model`, or `None` when it is absent.
///
/// # Errors
/// An unknown model or data set, or a data file that cannot be used (file, line, column).
pub fn model_surface(args: &ModelArgs) -> Result<Option<Model>, CliError> {
    let Some(name) = &args.model else { return Ok(None) };
    let kind = ModelKind::from_name(name).ok_or_else(|| {
        CliError::Input(format!(
            "--model: unknown model '{name}'; the models are: {}",
            ModelKind::ALL.map(ModelKind::name).join(", ")
        ))
    })?;
    let model = if let Some(path) = &args.data {
        Model::from_csv(kind, path).map_err(|e| CliError::Input(format!("--data {e}")))?
    } else {
        let dataset = match &args.dataset {
            Some(d) => Dataset::from_name(d).ok_or_else(|| {
                CliError::Input(format!(
                    "--dataset: unknown data set '{d}'; for {kind} the data sets are: {}",
                    data::names_with(kind.columns())
                ))
            })?,
            None => kind.default_dataset(),
        };
        let noise = args.data_noise.unwrap_or(dataset.default_noise());
        Model::on_dataset(
            kind,
            dataset,
            args.data_points.unwrap_or(100),
            noise,
            args.data_seed.unwrap_or(0),
        )
        .map_err(|e| CliError::Input(format!("--dataset: {e}")))?
    };
    Ok(Some(model))
}
