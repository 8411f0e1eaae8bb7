//! Model surfaces: the loss of a tiny model over its two parameters (x, y), on data (SPEC §2).
//!
//! | model | rows | loss L(x, y) |
//! |---|---|---|
//! | linreg | t,u | 1/(2n)·Σ (x·t + y − u)² |
//! | deep-linear | t,u | 1/(2n)·Σ (y·x·t − u)² |
//! | tanh-unit | t,u | 1/(2n)·Σ (y·tanh(x·t) − u)² |
//! | logreg | x1,x2,label (a = x1, b = x2) | 1/n·Σ softplus(z) − label·z, z = x·a + y·b |
//!
//! Gradients and Hessians are written out by hand as sums over the data (each model's doc gives
//! them) and held to finite differences by a property test (`tests/models.rs`).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use super::data::{self, Columns, DataError, Dataset};
use crate::sim::surfaces::domain::Domain;
use crate::sim::surfaces::surface::Surface;
use crate::sim::{Gradient, Hessian, Point};

/// Which model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Linear regression, x the slope and y the intercept: L = 1/(2n)·Σ rᵢ², rᵢ = x·tᵢ + y − uᵢ.
    /// ∇L = 1/n·(Σ rᵢtᵢ, Σ rᵢ); ∇²L = 1/n·[[Σ tᵢ², Σ tᵢ], [Σ tᵢ, n]] (constant: a quadratic
    /// bowl, long when the feature is unscaled).
    Linreg,
    /// A two-layer linear network u ≈ y·(x·t) (Baldi & Hornik 1989): L = 1/(2n)·Σ rᵢ²,
    /// rᵢ = x·y·tᵢ − uᵢ. ∇L = 1/n·(Σ rᵢ·y·tᵢ, Σ rᵢ·x·tᵢ);
    /// ∇²L = 1/n·[[Σ y²tᵢ², Σ (x·y·tᵢ² + rᵢtᵢ)], [·, Σ x²tᵢ²]]. Critical points: the origin, a
    /// saddle with eigenvalues ±|Σtᵢuᵢ|/n, and the hyperbola x·y = Σtᵢuᵢ/Σtᵢ² of global minima.
    DeepLinear,
    /// One tanh unit with an output weight: L = 1/(2n)·Σ rᵢ², rᵢ = y·sᵢ − uᵢ, sᵢ = tanh(x·tᵢ).
    /// With dᵢ = 1 − sᵢ²: ∇L = 1/n·(Σ rᵢ·y·dᵢ·tᵢ, Σ rᵢ·sᵢ);
    /// ∂²L/∂x² = 1/n·Σ (y²dᵢ²tᵢ² − 2rᵢ·y·sᵢ·dᵢ·tᵢ²), ∂²L/∂x∂y = 1/n·Σ (y·sᵢ + rᵢ)·dᵢ·tᵢ,
    /// ∂²L/∂y² = 1/n·Σ sᵢ². L(−x, −y) = L(x, y): mirror-image minima and a saddle between.
    TanhUnit,
    /// Logistic regression without intercept, z = x·a + y·b: L = 1/n·Σ softplus(zᵢ) − lᵢzᵢ
    /// (PyTorch's `BCEWithLogitsLoss`). With σ the logistic function:
    /// ∇L = 1/n·Σ (σ(zᵢ) − lᵢ)·(aᵢ, bᵢ); ∇²L = 1/n·Σ σ(zᵢ)(1 − σ(zᵢ))·(aᵢ, bᵢ)(aᵢ, bᵢ)ᵀ.
    /// On separable data the infimum 0 is not attained: the loss falls forever along the
    /// separating direction, ever more slowly.
    Logreg,
}

impl ModelKind {
    /// Every model.
    pub const ALL: [ModelKind; 4] =
        [ModelKind::Linreg, ModelKind::DeepLinear, ModelKind::TanhUnit, ModelKind::Logreg];

    /// The name on the command line and in scene files.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Linreg => "linreg",
            ModelKind::DeepLinear => "deep-linear",
            ModelKind::TanhUnit => "tanh-unit",
            ModelKind::Logreg => "logreg",
        }
    }

    /// Looks a model up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name.trim())
    }

    /// The loss as a formula in the data, for titles.
    pub fn formula(self) -> &'static str {
        match self {
            ModelKind::Linreg => "1/(2n)·Σ (x·t + y − u)²",
            ModelKind::DeepLinear => "1/(2n)·Σ (y·x·t − u)²",
            ModelKind::TanhUnit => "1/(2n)·Σ (y·tanh(x·t) − u)²",
            ModelKind::Logreg => "1/n·Σ softplus(x·a + y·b) − label·(x·a + y·b)",
        }
    }

    /// The columns of its data.
    pub fn columns(self) -> Columns {
        match self {
            ModelKind::Logreg => Columns::X1X2Label,
            _ => Columns::TU,
        }
    }

    /// The built-in data set it is shown on by default.
    pub fn default_dataset(self) -> Dataset {
        match self {
            ModelKind::Linreg | ModelKind::DeepLinear => Dataset::Linear,
            ModelKind::TanhUnit => Dataset::Tanh,
            ModelKind::Logreg => Dataset::Separable,
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a model cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// Not one of the models.
    #[error("unknown model '{0}'; the models are: linreg, deep-linear, tanh-unit, logreg")]
    UnknownModel(String),
    /// Not one of the data sets.
    #[error("unknown data set '{name}'; for {model} the data sets are: {names}")]
    UnknownDataset {
        /// The name given.
        name: String,
        /// The model.
        model: ModelKind,
        /// The names that fit.
        names: String,
    },
    /// A data set with the wrong columns for the model.
    #[error("the data set '{dataset}' has columns {have}, but {model} needs {need}")]
    WrongColumns {
        /// The data set.
        dataset: Dataset,
        /// The model.
        model: ModelKind,
        /// Its columns.
        have: String,
        /// The model's columns.
        need: String,
    },
    /// A data file that cannot be used.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Rows that are not valid for the model (non-finite, bad label, none).
    #[error("{0}")]
    BadRows(String),
}

/// A model and its data: a surface like any other.
///
/// Rows are `[t, u, 0]` for the regressions and `[a, b, label]` for logistic regression.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ModelFile", into = "ModelFile")]
pub struct Model {
    kind: ModelKind,
    rows: Arc<[[f64; 3]]>,
}

/// A model as a scene file holds it: `{"model": "linreg", "data": [[t, u], …]}`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    model: ModelKind,
    data: Vec<Vec<f64>>,
}

impl TryFrom<ModelFile> for Model {
    type Error = ModelError;
    fn try_from(f: ModelFile) -> Result<Self, ModelError> {
        let width = f.model.columns().names().len();
        let mut rows = Vec::with_capacity(f.data.len());
        for (i, r) in f.data.iter().enumerate() {
            if r.len() != width {
                return Err(ModelError::BadRows(format!(
                    "data[{i}] has {} numbers; {} rows are {}",
                    r.len(),
                    f.model,
                    f.model.columns().names().join(",")
                )));
            }
            rows.push([r[0], r[1], r.get(2).copied().unwrap_or(0.0)]);
        }
        Model::new(f.model, rows)
    }
}

impl From<Model> for ModelFile {
    fn from(m: Model) -> Self {
        let width = m.kind.columns().names().len();
        ModelFile { model: m.kind, data: m.rows.iter().map(|r| r[..width].to_vec()).collect() }
    }
}

#[inline]
fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

#[inline]
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Model {
    /// A model on the given rows, checked: at least one row, every number finite, labels 0/1
    /// for logistic regression, at most [`data::MAX_ROWS`] rows.
    ///
    /// # Errors
    /// [`ModelError::BadRows`] naming the first bad row.
    pub fn new(kind: ModelKind, rows: Vec<[f64; 3]>) -> Result<Self, ModelError> {
        if rows.is_empty() {
            return Err(ModelError::BadRows(format!("{kind} needs at least one data point")));
        }
        if rows.len() > data::MAX_ROWS {
            return Err(ModelError::BadRows(format!("at most {} data points", data::MAX_ROWS)));
        }
        for (i, r) in rows.iter().enumerate() {
            if r.iter().any(|v| !v.is_finite()) {
                return Err(ModelError::BadRows(format!("data point {i} is not finite: {r:?}")));
            }
            if kind == ModelKind::Logreg && r[2] != 0.0 && r[2] != 1.0 {
                return Err(ModelError::BadRows(format!(
                    "data point {i}: the label must be 0 or 1, got {}",
                    r[2]
                )));
            }
        }
        let rows = if kind.columns() == Columns::TU {
            rows.into_iter().map(|r| [r[0], r[1], 0.0]).collect()
        } else {
            rows.into()
        };
        Ok(Self { kind, rows })
    }

    /// A model on a CSV file with its columns.
    ///
    /// # Errors
    /// The file's [`DataError`] (file, line, column).
    pub fn from_csv(kind: ModelKind, path: &Path) -> Result<Self, ModelError> {
        Self::new(kind, data::read_csv(path, kind.columns())?)
    }

    /// A model on a built-in data set.
    ///
    /// # Errors
    /// [`ModelError::WrongColumns`] when the data set is not of the model's shape.
    pub fn on_dataset(
        kind: ModelKind,
        dataset: Dataset,
        points: usize,
        noise: f64,
        seed: u64,
    ) -> Result<Self, ModelError> {
        if dataset.columns() != kind.columns() {
            return Err(ModelError::WrongColumns {
                dataset,
                model: kind,
                have: dataset.columns().names().join(","),
                need: kind.columns().names().join(","),
            });
        }
        Self::new(kind, dataset.generate(points.max(1), noise, seed))
    }

    /// Which model.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The data rows.
    pub fn rows(&self) -> &[[f64; 3]] {
        &self.rows
    }

    /// The same model on other rows (the app's data panel moves points).
    ///
    /// # Errors
    /// As [`Model::new`].
    pub fn with_rows(&self, rows: Vec<[f64; 3]>) -> Result<Self, ModelError> {
        Self::new(self.kind, rows)
    }

    /// A short name: `linreg (100 points)`.
    pub fn label(&self) -> String {
        format!("{} ({} points)", self.kind, self.rows.len())
    }

    /// The domain to show: around the least-squares fit for linreg, sized by Σtu/Σt² for the
    /// deep linear net, and fixed squares for the tanh unit and logistic regression.
    pub fn default_domain(&self) -> Domain {
        let n = self.rows.len() as f64;
        let sum = |f: &dyn Fn(&[f64; 3]) -> f64| self.rows.iter().map(f).sum::<f64>();
        let square = |c: f64| Domain { x_min: -c, x_max: c, y_min: -c, y_max: c };
        match self.kind {
            ModelKind::Linreg => {
                let (st, su, stt, stu) =
                    (sum(&|r| r[0]), sum(&|r| r[1]), sum(&|r| r[0] * r[0]), sum(&|r| r[0] * r[1]));
                let det = n * stt - st * st;
                let (x, y) = if det.abs() > 1e-12 * (n * stt).max(1e-300) {
                    ((n * stu - st * su) / det, (stt * su - st * stu) / det)
                } else {
                    (0.0, su / n)
                };
                let h = 2.0 * x.abs().max(y.abs()).max(1.0);
                Domain { x_min: x - h, x_max: x + h, y_min: y - h, y_max: y + h }
            }
            ModelKind::DeepLinear => {
                let stt = sum(&|r| r[0] * r[0]);
                let c = if stt > 0.0 { sum(&|r| r[0] * r[1]) / stt } else { 0.0 };
                square(2.0 * c.abs().sqrt().max(1.0))
            }
            ModelKind::TanhUnit => square(3.0),
            ModelKind::Logreg => square(6.0),
        }
    }

    /// The loss summed over the data; `grad` and `hess` say which derivatives to accumulate.
    #[inline]
    fn eval(&self, p: Point, grad: bool, hess: bool) -> (f64, Gradient, Hessian) {
        let (x, y) = (p.x, p.y);
        let mut l = 0.0;
        let (mut gx, mut gy) = (0.0, 0.0);
        let (mut hxx, mut hxy, mut hyy) = (0.0, 0.0, 0.0);
        match self.kind {
            ModelKind::Linreg => {
                for &[t, u, _] in self.rows.iter() {
                    let r = x * t + y - u;
                    l += r * r;
                    gx += r * t;
                    gy += r;
                    hxx += t * t;
                    hxy += t;
                }
                hyy = self.rows.len() as f64;
                l *= 0.5;
            }
            ModelKind::DeepLinear => {
                for &[t, u, _] in self.rows.iter() {
                    let r = x * y * t - u;
                    l += r * r;
                    if grad {
                        gx += r * y * t;
                        gy += r * x * t;
                    }
                    if hess {
                        hxx += y * y * t * t;
                        hyy += x * x * t * t;
                        hxy += x * y * t * t + r * t;
                    }
                }
                l *= 0.5;
            }
            ModelKind::TanhUnit => {
                for &[t, u, _] in self.rows.iter() {
                    let s = (x * t).tanh();
                    let d = 1.0 - s * s;
                    let r = y * s - u;
                    l += r * r;
                    if grad {
                        gx += r * y * d * t;
                        gy += r * s;
                    }
                    if hess {
                        hxx += (y * y * d * d - 2.0 * r * y * s * d) * t * t;
                        hxy += (y * s + r) * d * t;
                        hyy += s * s;
                    }
                }
                l *= 0.5;
            }
            ModelKind::Logreg => {
                for &[a, b, label] in self.rows.iter() {
                    let z = x * a + y * b;
                    l += softplus(z) - label * z;
                    if grad || hess {
                        let s = sigmoid(z);
                        gx += (s - label) * a;
                        gy += (s - label) * b;
                        let w = s * (1.0 - s);
                        hxx += w * a * a;
                        hxy += w * a * b;
                        hyy += w * b * b;
                    }
                }
            }
        }
        let n = self.rows.len() as f64;
        (l / n, Gradient::new(gx / n, gy / n), Hessian::new(hxx / n, hxy / n, hxy / n, hyy / n))
    }
}

impl Surface for Model {
    fn value(&self, p: Point) -> f64 {
        self.eval(p, false, false).0
    }

    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let (v, g, _) = self.eval(p, true, false);
        (v, g)
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        self.eval(p, true, true)
    }
}

/// `softplus(z) = ln(1 + eᶻ)`, computed without overflow.
pub fn softplus_f64(z: f64) -> f64 {
    softplus(z)
}

/// The logistic function `σ(z) = 1/(1 + e⁻ᶻ)`, computed without overflow.
pub fn sigmoid_f64(z: f64) -> f64 {
    sigmoid(z)
}
