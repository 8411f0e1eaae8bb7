//! A trained network's landscape as a scene keeps it: the settings that rebuild the same slice.

use std::sync::Arc;

use super::architecture::Architecture;
use super::data::{self, Columns, Dataset};
use super::error::NetError;
use super::network::Network;
use super::pca::PcaSteps;
use super::slice::{Directions, Slice, pca_plane};
use super::train::{NdOptimizer, TrainSteps, Training, newton_fits};
use crate::sim::OptimizerSpec;
use crate::sim::run::progress::Progress;

/// The most built-in data points a landscape in a scene may ask for.
pub const MAX_SCENE_POINTS: usize = 10_000;
/// The most training steps a landscape in a scene may ask for.
pub const MAX_SCENE_STEPS: usize = 100_000;
/// The most numbers the stored training path of a scene's landscape may hold ((steps + 1) ×
/// parameters): 2²⁴ float64, 128 MiB.
pub const MAX_PATH_NUMBERS: usize = 1 << 24;

/// Where a network's training data comes from, as a scene keeps it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum NetData {
    /// A built-in data set drawn from the landscape's seed:
    /// `{"dataset": {"name": "moons", "points": 200, "noise": 0.1}}` (noise: the set's own when
    /// absent).
    Dataset {
        /// Which (moons, circles, xor, spirals).
        name: Dataset,
        /// How many points.
        #[serde(default = "default_points")]
        points: usize,
        /// Gaussian noise; the data set's default when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        noise: Option<f64>,
    },
    /// A CSV file with the header `x1,x2,label`, read when the landscape is built:
    /// `{"csv": "data/points.csv"}` (relative to the working directory).
    Csv(std::path::PathBuf),
    /// The points themselves, `{"points": [[x1, x2, label], …]}`.
    Points(Vec<[f64; 3]>),
}

impl NetData {
    /// Checks the data without reading a file: a data set's kind and size, the points given.
    /// Returns the field (relative to the landscape, like `data.dataset.points`) and what is
    /// wrong with it.
    ///
    /// # Errors
    /// `(field, message)` of the first problem.
    pub fn check(&self) -> Result<(), (String, String)> {
        let err = |field: &str, message: String| Err((field.to_owned(), message));
        match self {
            NetData::Dataset { name, points, noise } => {
                if name.columns() != Columns::X1X2Label {
                    return err(
                        "data.dataset.name",
                        format!(
                            "'{name}' is not a classification in the plane; for a network the data sets are: {}",
                            data::names_with(Columns::X1X2Label)
                        ),
                    );
                }
                if !(1..=MAX_SCENE_POINTS).contains(points) {
                    return err(
                        "data.dataset.points",
                        format!("must be from 1 to {MAX_SCENE_POINTS}, got {points}"),
                    );
                }
                if let Some(s) = noise
                    && !(s.is_finite() && *s >= 0.0)
                {
                    return err(
                        "data.dataset.noise",
                        format!("must be a finite number ≥ 0, got {s}"),
                    );
                }
            }
            NetData::Csv(path) => {
                if path.as_os_str().is_empty() {
                    return err("data.csv", "the file name is empty".to_owned());
                }
            }
            NetData::Points(rows) => {
                if rows.is_empty() {
                    return err("data.points", "the network needs at least one point".to_owned());
                }
                if rows.len() > data::MAX_ROWS {
                    return err(
                        "data.points",
                        format!("at most {} points, got {}", data::MAX_ROWS, rows.len()),
                    );
                }
                for (i, r) in rows.iter().enumerate() {
                    if r.iter().any(|v| !v.is_finite()) || (r[2] != 0.0 && r[2] != 1.0) {
                        return err(
                            &format!("data.points[{i}]"),
                            format!("{r:?} must be finite with label 0 or 1"),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

fn default_points() -> usize {
    200
}

/// A trained network's landscape as a scene keeps it (SPEC §2, network landscapes): everything
/// that rebuilds the same slice. Training is deterministic (seeded initialisation and data, a
/// fixed order of every sum), so building it twice gives the same surface to the last bit; this
/// is exactly what `losscape landscape` does with the same flags.
///
/// ```json
/// {"network": {"net": "2-16-16-1", "data": {"dataset": {"name": "moons", "points": 200}},
///  "seed": 0, "optimizer": "adam:lr=0.01", "steps": 2000, "directions": "filter",
///  "span": 1.0, "grid": 51}}
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetSpec {
    /// The architecture, `2-H[-H…]-1` or `2-H[-H…]-2`: a scene's data are 2-D (x1, x2) with
    /// labels 0/1, so its network takes two inputs and has one logit or two class logits.
    pub net: Architecture,
    /// The training data.
    pub data: NetData,
    /// Seed of the data set, the initialisation and the slice's directions.
    #[serde(default)]
    pub seed: u64,
    /// Weight decay wd of the loss's (wd/2)·‖θ‖².
    #[serde(default)]
    pub weight_decay: f64,
    /// The training optimizer as a SPEC, `NAME[:key=value,...]`.
    #[serde(default = "default_optimizer")]
    pub optimizer: String,
    /// Full-batch training steps.
    #[serde(default = "default_train_steps")]
    pub steps: usize,
    /// How the slice's directions are chosen.
    #[serde(default = "default_directions")]
    pub directions: Directions,
    /// The slice is shown over [−span, span]².
    #[serde(default = "default_span")]
    pub span: f64,
    /// Points per side of the map a figure samples (the app samples its own view).
    #[serde(default = "default_grid")]
    pub grid: usize,
}

fn default_optimizer() -> String {
    "adam:lr=0.01".to_owned()
}
fn default_train_steps() -> usize {
    2000
}
fn default_directions() -> Directions {
    Directions::Filter
}
fn default_span() -> f64 {
    1.0
}
fn default_grid() -> usize {
    51
}

/// A built landscape: the slice (carrying the projected training path) and the training run.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    /// The slice through the trained θ.
    pub slice: Slice,
    /// The training run.
    pub training: Training,
    /// The share of the training points the trained network classifies right.
    pub accuracy: f64,
}

impl NetSpec {
    /// The defaults of `losscape landscape` on a data set: a 2-16-16-1 network, 200 points,
    /// seed 0, Adam at 0.01 for 2000 steps, filter-normalised directions over [−1, 1]², 51².
    pub fn on_dataset(dataset: Dataset) -> Self {
        Self {
            net: Architecture { sizes: vec![2, 16, 16, 1] },
            data: NetData::Dataset { name: dataset, points: default_points(), noise: None },
            seed: 0,
            weight_decay: 0.0,
            optimizer: default_optimizer(),
            steps: default_train_steps(),
            directions: default_directions(),
            span: default_span(),
            grid: default_grid(),
        }
    }

    /// The training optimizer.
    ///
    /// # Errors
    /// [`NetError::Optimizer`] for a SPEC that does not parse or an optimizer that cannot train
    /// a network.
    pub fn optimizer_spec(&self) -> Result<OptimizerSpec, NetError> {
        let spec = OptimizerSpec::parse(&self.optimizer)
            .map_err(|e| NetError::Optimizer(format!("'{}': {e}", self.optimizer)))?;
        NdOptimizer::new(spec, 2)?;
        Ok(spec)
    }

    /// Checks what can be checked without reading a file or training: ranges, the optimizer,
    /// the data set's kind, the points. Returns the field (relative to the landscape, like
    /// `data.dataset.points`) and what is wrong with it.
    ///
    /// # Errors
    /// `(field, message)` of the first problem.
    pub fn check(&self) -> Result<(), (String, String)> {
        let err = |field: &str, message: String| Err((field.to_owned(), message));
        if self.net.inputs() != 2 || self.net.outputs() > 2 {
            return err(
                "net",
                format!(
                    "a scene's network trains on 2-D data (x1, x2) with labels 0/1, so it is \
                     2-H[-H…]-1 (a logit) or 2-H[-H…]-2 (two class logits), not '{}' (other \
                     networks run on the command line: losscape landscape --net D-H[-H…]-K)",
                    self.net
                ),
            );
        }
        match self.optimizer_spec() {
            Err(e) => return err("optimizer", e.to_string()),
            Ok(spec) => {
                if let Err(e) = newton_fits(spec, self.net.n_params()) {
                    return err("optimizer", e.to_string());
                }
            }
        }
        if self.steps > MAX_SCENE_STEPS {
            return err(
                "steps",
                format!("at most {MAX_SCENE_STEPS} training steps, got {}", self.steps),
            );
        }
        let numbers = (self.steps + 1).saturating_mul(self.net.n_params());
        if numbers > MAX_PATH_NUMBERS {
            return err(
                "steps",
                format!(
                    "{} steps of a {} network ({} parameters) store {numbers} numbers; at most {MAX_PATH_NUMBERS}: fewer steps or a smaller network",
                    self.steps,
                    self.net,
                    self.net.n_params()
                ),
            );
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return err(
                "weight_decay",
                format!("must be a finite number ≥ 0, got {}", self.weight_decay),
            );
        }
        if !(self.span.is_finite() && self.span > 0.0 && self.span <= 1e6) {
            return err("span", format!("must be a number > 0 and at most 1e6, got {}", self.span));
        }
        if !(2..=1024).contains(&self.grid) {
            return err("grid", format!("must be 2 to 1024 points a side, got {}", self.grid));
        }
        self.data.check()
    }

    /// The training rows `(x1, x2, label)`: drawn, read from the CSV, or as given.
    ///
    /// # Errors
    /// [`NetError::Data`] for a CSV that cannot be read (file, line, column).
    pub fn rows(&self) -> Result<Vec<[f64; 3]>, NetError> {
        match &self.data {
            NetData::Dataset { name, points, noise } => {
                Ok(name.generate(*points, noise.unwrap_or(name.default_noise()), self.seed))
            }
            NetData::Csv(path) => data::read_csv(path, Columns::X1X2Label)
                .map_err(|e| NetError::Data(format!("data.csv: {e}"))),
            NetData::Points(rows) => Ok(rows.clone()),
        }
    }

    /// The network on its data.
    ///
    /// # Errors
    /// As [`NetSpec::rows`] and [`Network::new`].
    pub fn network(&self) -> Result<Network, NetError> {
        Network::new(self.net.clone(), self.rows()?, self.weight_decay)
    }

    /// Trains from the seed's initialisation and slices: the same steps as `losscape
    /// landscape`. `progress` (if any) gets the total and counts steps; cancelling it stops the
    /// training early (the caller throws the result away). [`LandscapeSteps`] run whole.
    ///
    /// # Errors
    /// [`NetSpec::check`]'s problems as [`NetError::Data`] naming the field, a CSV that cannot
    /// be read, or an optimizer that cannot train a network.
    pub fn build(&self, progress: Option<&Progress>) -> Result<Landscape, NetError> {
        let mut steps = LandscapeSteps::new(self)?;
        if let Some(p) = progress {
            p.set_total(self.steps as u64);
        }
        loop {
            if let Some(landscape) = steps.advance(usize::MAX, progress) {
                return Ok(landscape);
            }
        }
    }
}

/// Two directions of a slice's plane, δ and η.
type Plane = (Vec<f64>, Vec<f64>);

/// A landscape's build cut into training steps: [`NetSpec::build`] a few steps at a time, so
/// that where there are no threads (the browser) the training runs between frames. The same
/// landscape, bit for bit, however it is cut.
#[derive(Clone, Debug)]
pub struct LandscapeSteps {
    spec: NetSpec,
    net: Arc<Network>,
    training: TrainSteps,
    /// Training steps counted to the progress so far.
    counted: usize,
    /// The training once ended, with how far its path's principal plane is (for
    /// [`Directions::Pca`]): for a large network that too is work for many frames.
    trained: Option<(Training, Pca)>,
}

/// The principal plane of a training path under way, a piece at a time.
#[derive(Clone, Debug)]
enum Pca {
    /// Not asked for (the slice's directions are not [`Directions::Pca`]).
    Unused,
    /// The two directions being found.
    Searching(Box<PcaSteps>),
    /// The directions found, not yet scaled to the path ([`pca_plane`]).
    Found(Plane),
    /// The plane.
    Plane(Plane),
}

impl LandscapeSteps {
    /// The build of `spec`, not started: checks it, reads its data, draws θ₀.
    ///
    /// # Errors
    /// As [`NetSpec::build`].
    pub fn new(spec: &NetSpec) -> Result<Self, NetError> {
        spec.check().map_err(|(field, message)| NetError::Data(format!("{field}: {message}")))?;
        let net = Arc::new(spec.network()?);
        let optimizer = spec.optimizer_spec()?;
        let theta0 = net.architecture().init(spec.seed);
        let training = TrainSteps::new(&net, &theta0, optimizer, spec.steps)?;
        Ok(Self { spec: spec.clone(), net, training, counted: 0, trained: None })
    }

    /// Trains at most `units` more steps (at least one); once the training has ended, finds
    /// its path's principal directions (for [`Directions::Pca`]: `units` products a call,
    /// [`PcaSteps`], then the plane in a call of its own), slices and hands over the landscape
    /// (once). `progress` (if any) counts the steps, and cancelling it ends the training
    /// early, as in [`NetSpec::build`].
    pub fn advance(&mut self, units: usize, progress: Option<&Progress>) -> Option<Landscape> {
        let (training, pca) = match &mut self.trained {
            Some(trained) => trained,
            None => {
                let counted = &mut self.counted;
                let training = self.training.advance(&self.net, units, &mut |k| {
                    if let Some(p) = progress {
                        p.advance((k - (*counted).min(k)) as u64);
                        *counted = k;
                        return !p.is_cancelled();
                    }
                    true
                })?;
                let pca = match self.spec.directions {
                    Directions::Pca => {
                        Pca::Searching(Box::new(PcaSteps::new(&training.path, &training.theta)))
                    }
                    _ => Pca::Unused,
                };
                self.trained.insert((training, pca))
            }
        };
        // For a large network (10⁵ parameters) each of these is a pass over the whole path, as
        // much work as a product: a call each.
        let (path, theta) = (&training.path, &training.theta);
        match pca {
            Pca::Searching(steps) => {
                if let Some(found) = steps.advance(path, theta, units) {
                    *pca = Pca::Found(found);
                }
                return None;
            }
            Pca::Found(found) => {
                *pca = Pca::Plane(pca_plane(path, theta, std::mem::take(found)));
                return None;
            }
            Pca::Plane(_) | Pca::Unused => {}
        }
        let (training, pca) = self.trained.take()?;
        let directions = match pca {
            Pca::Plane(plane) => Some(plane),
            _ => None,
        };
        let net = Arc::clone(&self.net);
        let accuracy = net.accuracy(&training.theta);
        let spec = &self.spec;
        let slice = Slice::of_training_with(
            net,
            &training,
            spec.directions,
            spec.seed,
            spec.span,
            directions,
        );
        Some(Landscape { slice, training, accuracy })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Point, Surface};

    #[test]
    fn a_landscape_built_a_step_at_a_time_is_the_landscape_built_whole() {
        let mut spec = NetSpec::on_dataset(Dataset::Moons);
        spec.net = Architecture::parse("2-5-1").expect("arch");
        spec.data = NetData::Dataset { name: Dataset::Moons, points: 30, noise: None };
        spec.steps = 40;
        for directions in [Directions::Filter, Directions::Pca] {
            spec.directions = directions;
            let whole = spec.build(Some(&Progress::default())).expect("builds");
            let progress = Progress::default();
            progress.set_total(spec.steps as u64);
            let mut steps = LandscapeSteps::new(&spec).expect("builds");
            let mut calls = 0;
            let sliced = loop {
                calls += 1;
                if let Some(landscape) = steps.advance(3, Some(&progress)) {
                    break landscape;
                }
            };
            assert_eq!(sliced, whole, "{directions:?}");
            let training_calls = (spec.steps + 1).div_ceil(3);
            if directions == Directions::Pca {
                // Then the path's principal directions, three products a call.
                assert!(calls > training_calls + 2, "{calls} calls");
            } else {
                assert_eq!(calls, training_calls);
            }
            assert_eq!(progress.done(), spec.steps as u64, "every step counted once");
            let p = Point::new(0.3, -0.2);
            assert_eq!(sliced.slice.value(p).to_bits(), whole.slice.value(p).to_bits());
        }
    }

    #[test]
    fn a_cancelled_build_stops_its_training() {
        let mut spec = NetSpec::on_dataset(Dataset::Moons);
        spec.data = NetData::Dataset { name: Dataset::Moons, points: 30, noise: None };
        let progress = Progress::default();
        let mut steps = LandscapeSteps::new(&spec).expect("builds");
        assert!(steps.advance(5, Some(&progress)).is_none());
        progress.cancel();
        let stopped = steps.advance(5, Some(&progress)).expect("ends when cancelled");
        assert!(stopped.training.path.len() < spec.steps, "stopped early");
    }
}
