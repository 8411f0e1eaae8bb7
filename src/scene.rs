//! Scenes: the whole setting of the app as one value that serialises to JSON (SPEC §5).
//!
//! A scene holds the surface and its domain, how it is viewed, the start points, the optimizers
//! with their hyper-parameters, colours and on/off switches, and the playback settings. It
//! carries a format version. Loading checks everything a person or a file could get wrong and
//! says what and where (file, line, field); saving writes a temporary file and renames it, so a
//! crash never leaves a half-written scene.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::field::Colormap;
use crate::sim::run::cloud::Cloud;
use crate::sim::{
    Builtin, Domain, Formula, FormulaError, LrSchedule, Noise, OptimizerKind, OptimizerSpec, Param,
    ParamType, Point, SurfaceDef,
};

pub mod link;
mod projection;
pub use projection::{Camera, DEFAULT_AZIMUTH, DEFAULT_ELEVATION, Projection, ViewMode};

/// The scene format this build writes. Files of this version or older load; newer ones are
/// refused with a message that says so.
pub const SCENE_VERSION: u32 = 1;

/// The most steps a scene may ask for: beyond this a run would exhaust memory for nothing.
pub const MAX_STEPS: usize = 100_000;
/// The most start points a scene may hold.
pub const MAX_STARTS: usize = 256;
/// Most optimizers a scene may hold.
pub const MAX_OPTIMIZERS: usize = 64;
/// The most contour levels.
pub const MAX_CONTOURS: usize = 100;
/// Playback speed bounds, in steps per second.
pub const SPEED_RANGE: (f64, f64) = (1.0, 1000.0);

/// A colour, written `#rrggbb` in scene files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// The colour written `0xrrggbb`.
    pub const fn hex(rgb: u32) -> Self {
        let [_, r, g, b] = rgb.to_be_bytes();
        Self([r, g, b])
    }

    /// A palette written `0xrrggbb` colour by colour.
    pub const fn palette<const N: usize>(hex: [u32; N]) -> [Self; N] {
        let mut out = [Self([0; 3]); N];
        let mut i = 0;
        while i < N {
            out[i] = Self::hex(hex[i]);
            i += 1;
        }
        out
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl std::str::FromStr for Rgb {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let hex = s.strip_prefix('#').unwrap_or(s);
        let bad = || format!("'{s}' is not a colour #rrggbb");
        if hex.len() != 6 || !hex.is_ascii() {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Rgb([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(D::Error::custom)
    }
}

/// The default colour of each optimizer, as its module gives it
/// ([`OptimizerKind::colour`]): Okabe–Ito's colour-blind-safe palette, extended with two of
/// Paul Tol's, in [`OptimizerKind::ALL`] order.
pub fn default_color(kind: OptimizerKind) -> Rgb {
    Rgb(kind.colour())
}

/// Which surface: a catalogue name or a typed formula.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurfaceChoice {
    /// A built-in surface, by name.
    Builtin(Builtin),
    /// A formula f(x, y), as typed.
    Formula(String),
    /// A tiny model's loss on its data, the data kept in the scene:
    /// `{"model": {"model": "linreg", "data": [[t, u], …]}}`.
    Model(crate::sim::net::model::Model),
    /// A slice of a trained network's loss, kept as the settings that rebuild it (network,
    /// data, seed, optimizer, steps, directions, span, grid):
    /// `{"network": {"net": "2-16-16-1", "data": {"dataset": {"name": "moons"}}, …}}`.
    /// Building it trains the network: the app does that in the background.
    Network(crate::sim::net::NetSpec),
}

/// Why a surface cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SurfaceError {
    /// The formula does not parse.
    #[error("{0}")]
    Formula(#[from] FormulaError),
    /// The network landscape cannot be built (its data, its optimizer).
    #[error("network: {0}")]
    Network(#[from] crate::sim::net::NetError),
}

impl SurfaceChoice {
    /// The surface to simulate on; a formula is parsed (and may not parse). A network
    /// landscape is trained here, which takes up to a second or so: the app calls this for a
    /// network only on a background job.
    ///
    /// # Errors
    /// A formula that does not parse, a network landscape that cannot be built.
    pub fn resolve(&self) -> Result<SurfaceDef, SurfaceError> {
        match self {
            SurfaceChoice::Builtin(b) => Ok(SurfaceDef::Builtin(*b)),
            SurfaceChoice::Formula(text) => {
                Ok(SurfaceDef::Formula(Arc::new(Formula::parse(text)?)))
            }
            SurfaceChoice::Model(m) => Ok(SurfaceDef::Model(Arc::new(m.clone()))),
            SurfaceChoice::Network(spec) => {
                Ok(SurfaceDef::Slice(Arc::new(spec.build(None)?.slice)))
            }
        }
    }

    /// Whether resolving takes long (trains a network): then it belongs on a background job.
    pub fn is_slow(&self) -> bool {
        matches!(self, SurfaceChoice::Network(_))
    }

    /// The name to show: the catalogue name or the formula.
    pub fn label(&self) -> &str {
        match self {
            SurfaceChoice::Builtin(b) => b.name(),
            SurfaceChoice::Formula(f) => f,
            SurfaceChoice::Model(m) => m.kind().name(),
            SurfaceChoice::Network(_) => "network slice",
        }
    }
}

/// How the surface is drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct View {
    /// Colour map of the heatmap.
    pub colormap: Colormap,
    /// Logarithmic colour scale (for surfaces spanning orders of magnitude: rosenbrock, beale).
    pub log_scale: bool,
    /// Number of contour levels.
    pub contours: usize,
    /// Heatmap on/off.
    pub heatmap: bool,
    /// Contour lines on/off.
    pub contour_lines: bool,
    /// Critical points (minima, saddles, maxima) marked on/off.
    pub critical_points: bool,
    /// One plot with every optimizer, or one plot per optimizer.
    pub layout: Layout,
    /// The 2-D map, the 3-D surface (with its camera's azimuth and elevation), or both.
    pub projection: Projection,
}

impl Default for View {
    fn default() -> Self {
        Self {
            colormap: Colormap::default(),
            log_scale: false,
            contours: 20,
            heatmap: true,
            contour_lines: true,
            critical_points: true,
            layout: Layout::Overlay,
            projection: Projection::default(),
        }
    }
}

/// How optimizers are laid out side by side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Every optimizer on one plot.
    #[default]
    Overlay,
    /// One plot per enabled optimizer, zoom, pan and timeline linked.
    Grid,
}

/// One optimizer of the scene, with its look and noise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizerEntry {
    /// The optimizer and its hyper-parameters.
    #[serde(flatten, with = "spec_serde")]
    pub spec: OptimizerSpec,
    /// Drawing colour.
    pub color: Rgb,
    /// Whether it runs and is drawn.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Gaussian gradient noise σ (0: none) and its seed.
    #[serde(default)]
    pub noise: Noise,
}

fn yes() -> bool {
    true
}

impl OptimizerEntry {
    /// The optimizer with PyTorch's defaults and its default colour.
    pub fn new(kind: OptimizerKind) -> Self {
        Self {
            spec: OptimizerSpec::new(kind),
            color: default_color(kind),
            enabled: true,
            noise: Noise::NONE,
        }
    }

    /// The name shown in legends: the optimizer's label, with its schedule if it has one and
    /// σ when noisy.
    pub fn label(&self) -> String {
        let mut label = self.spec.kind().label().to_owned();
        if let Some(s) = self.spec.schedule() {
            label = format!("{label} · {}", s.name());
        }
        if self.noise.is_active() { format!("{label} (σ={})", self.noise.sigma) } else { label }
    }
}

/// `OptimizerSpec` in a scene file: `"optimizer": "adam", "params": {"lr": 0.05, ...}`, every
/// hyper-parameter the optimizer takes written out; on load each is checked as on the command
/// line.
mod spec_serde {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Repr {
        optimizer: OptimizerKind,
        #[serde(default)]
        params: BTreeMap<String, serde_json::Value>,
        /// The learning-rate schedule as a SPEC (`cosine:t_max=300`); absent: none (as in
        /// files from before schedules).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schedule: Option<String>,
    }

    pub fn serialize<S: Serializer>(spec: &OptimizerSpec, s: S) -> Result<S::Ok, S::Error> {
        let params = spec
            .params()
            .map(|(p, v)| {
                let value = match p.kind() {
                    ParamType::Flag => serde_json::Value::Bool(v != 0.0),
                    ParamType::LineSearch => serde_json::Value::String(p.format(v)),
                    ParamType::Count | ParamType::Number => serde_json::json!(v),
                };
                (p.key().to_owned(), value)
            })
            .collect();
        let schedule = spec.schedule().map(ToString::to_string);
        Repr { optimizer: spec.kind(), params, schedule }.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OptimizerSpec, D::Error> {
        let repr = Repr::deserialize(d)?;
        let mut spec = OptimizerSpec::new(repr.optimizer);
        for (key, value) in repr.params {
            let param = Param::from_key(&key)
                .ok_or_else(|| D::Error::custom(format!("unknown hyper-parameter '{key}'")))?;
            let number = match value {
                serde_json::Value::Bool(b) => f64::from(u8::from(b)),
                serde_json::Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                serde_json::Value::String(text) if param.kind() == ParamType::LineSearch => {
                    spec.set_str(param, &text).map_err(D::Error::custom)?;
                    continue;
                }
                other => return Err(D::Error::custom(format!("{key}: {other} is not a number"))),
            };
            spec.set(param, number).map_err(D::Error::custom)?;
        }
        if let Some(text) = repr.schedule {
            let schedule = LrSchedule::parse(&text)
                .map_err(|e| D::Error::custom(format!("schedule '{text}': {e}")))?;
            spec.set_schedule(Some(schedule)).map_err(D::Error::custom)?;
        }
        Ok(spec)
    }
}

/// The app's whole setting (SPEC §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Format version of the file.
    pub version: u32,
    /// A short title, shown in the window and menus.
    #[serde(default)]
    pub title: String,
    /// One line on what the scene shows, displayed on screen.
    #[serde(default)]
    pub caption: String,
    /// The surface.
    pub surface: SurfaceChoice,
    /// The domain shown; the surface's default when absent.
    #[serde(default)]
    pub domain: Option<Domain>,
    /// How it is drawn.
    #[serde(default)]
    pub view: View,
    /// Start points; every enabled optimizer runs from each.
    #[serde(default)]
    pub starts: Vec<[f64; 2]>,
    /// The optimizers.
    pub optimizers: Vec<OptimizerEntry>,
    /// Steps per run.
    #[serde(default = "default_steps")]
    pub steps: usize,
    /// Playback speed, steps per second.
    #[serde(default = "default_speed")]
    pub speed: f64,
    /// A cloud of runs: every enabled optimizer from each of many start points, drawn as
    /// moving points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<Cloud>,
}

fn default_steps() -> usize {
    300
}

fn default_speed() -> f64 {
    60.0
}

/// Why a scene did not load or save.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The JSON is malformed or a field has the wrong type or value.
    #[error("{origin}line {line}, column {column}{field}: {message}", field = if field.is_empty() || field == "." { String::new() } else { format!(", field '{field}'") })]
    Parse {
        /// "FILE: " or empty.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Path of the field, like `optimizers[2].params`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The file is from a newer losscape.
    #[error(
        "{origin}scene format version {found} is newer than this losscape understands ({SCENE_VERSION}); update losscape to open it"
    )]
    TooNew {
        /// "FILE: " or empty.
        origin: String,
        /// The version in the file.
        found: u32,
    },
    /// The JSON is well-formed but a value makes no sense.
    #[error("{origin}{field}: {message}")]
    Invalid {
        /// "FILE: " or empty.
        origin: String,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl Scene {
    /// A scene on `surface` with no start points and every optimizer off but GD and Adam.
    pub fn new(surface: SurfaceChoice) -> Self {
        let optimizers = OptimizerKind::ALL
            .into_iter()
            .map(|k| OptimizerEntry {
                enabled: matches!(k, OptimizerKind::Gd | OptimizerKind::Adam),
                ..OptimizerEntry::new(k)
            })
            .collect();
        Self {
            version: SCENE_VERSION,
            title: String::new(),
            caption: String::new(),
            surface,
            domain: None,
            view: View::default(),
            starts: Vec::new(),
            optimizers,
            steps: default_steps(),
            speed: default_speed(),
            cloud: None,
        }
    }

    /// Parses and checks a scene. `origin` (a file name, or "") prefixes every message.
    pub fn from_json(text: &str, origin: &str) -> Result<Self, SceneError> {
        let origin = if origin.is_empty() { String::new() } else { format!("{origin}: ") };
        // The version first, so a newer file is refused for its version, not for a field this
        // build does not know.
        #[derive(Deserialize)]
        struct Version {
            version: Option<u32>,
        }
        if let Ok(Version { version: Some(v) }) = serde_json::from_str::<Version>(text)
            && v > SCENE_VERSION
        {
            return Err(SceneError::TooNew { origin, found: v });
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let scene: Scene = serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            // serde_json appends " at line L column C"; keep the message without it.
            let message =
                message.rsplit_once(" at line ").map_or(message.clone(), |(m, _)| m.to_owned());
            SceneError::Parse {
                origin: origin.clone(),
                line: inner.line(),
                column: inner.column(),
                field,
                message,
            }
        })?;
        scene.checked(origin)?;
        Ok(scene)
    }

    /// Reads and checks a scene file.
    pub fn load(path: &Path) -> Result<Self, SceneError> {
        let text = crate::platform::read_to_string(path)
            .map_err(|source| SceneError::Io { path: path.to_owned(), source })?;
        let mut scene = Self::from_json(&text, &path.display().to_string())?;
        // A data file named relative to the scene file is beside it, wherever the lesson folder
        // was moved and whatever the working directory.
        if let (Some(csv), Some(dir)) = (scene.data_file_mut(), path.parent())
            && csv.is_relative()
        {
            *csv = dir.join(&*csv);
        }
        Ok(scene)
    }

    /// The data file a network scene trains on, if it names one.
    fn data_file_mut(&mut self) -> Option<&mut PathBuf> {
        match &mut self.surface {
            SurfaceChoice::Network(spec) => match &mut spec.data {
                crate::sim::net::NetData::Csv(path) => Some(path),
                _ => None,
            },
            _ => None,
        }
    }

    /// The scene as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// Writes the scene to `path` atomically: a temporary file beside it, then a rename.
    pub fn save(&self, path: &Path) -> Result<(), SceneError> {
        // A data file in the scene's folder (or below it) is written relative to it, so the
        // folder can move as a whole.
        let mut relative = self.clone();
        if let (Some(csv), Some(dir)) = (relative.data_file_mut(), path.parent())
            && let Ok(inside) = csv.strip_prefix(dir)
        {
            *csv = inside.to_owned();
        }
        let mut json = relative.to_json();
        json.push('\n');
        crate::platform::write_atomic(path, json.as_bytes())
            .map_err(|source| SceneError::Io { path: path.to_owned(), source })
    }

    /// Checks a scene built in code (as the command line builds one) as a loaded file would be.
    ///
    /// # Errors
    /// [`SceneError::Invalid`] naming the field that is wrong.
    pub fn check(&self) -> Result<(), SceneError> {
        self.checked(String::new())
    }

    /// [`validate`](Self::validate) as an error prefixed with `origin` ("FILE: " or empty).
    fn checked(&self, origin: String) -> Result<(), SceneError> {
        self.validate().map_err(|(field, message)| SceneError::Invalid { origin, field, message })
    }

    /// Checks what serde cannot: ranges, finiteness, the formula. Returns (field, message).
    fn validate(&self) -> Result<(), (String, String)> {
        let err = |field: &str, message: String| Err((field.to_owned(), message));
        match &self.surface {
            // Checked without training: building it is the app's background job.
            SurfaceChoice::Network(spec) => {
                if let Err((field, message)) = spec.check() {
                    return err(&format!("surface.network.{field}"), message);
                }
            }
            surface => {
                if let Err(e) = surface.resolve() {
                    return err("surface.formula", e.to_string());
                }
            }
        }
        if self.steps == 0 || self.steps > MAX_STEPS {
            return err("steps", format!("must be from 1 to {MAX_STEPS}, got {}", self.steps));
        }
        if !(SPEED_RANGE.0..=SPEED_RANGE.1).contains(&self.speed) {
            return err(
                "speed",
                format!(
                    "must be from {} to {} steps per second, got {}",
                    SPEED_RANGE.0, SPEED_RANGE.1, self.speed
                ),
            );
        }
        self.view.projection.check().or_else(|(field, message)| err(&field, message))?;
        if self.view.contours > MAX_CONTOURS {
            return err(
                "view.contours",
                format!("at most {MAX_CONTOURS}, got {}", self.view.contours),
            );
        }
        if self.starts.len() > MAX_STARTS {
            return err(
                "starts",
                format!("at most {MAX_STARTS} start points, got {}", self.starts.len()),
            );
        }
        for (i, s) in self.starts.iter().enumerate() {
            if !s.iter().all(|v| v.is_finite()) {
                return err(&format!("starts[{i}]"), format!("{s:?} is not a finite point"));
            }
        }
        if let Some(cloud) = &self.cloud
            && let Err(e) = cloud.check()
        {
            return err("cloud", e.to_string());
        }
        if let Some(d) = &self.domain {
            if d.x_min >= d.x_max || d.y_min >= d.y_max {
                return err("domain", format!("{d:?} is empty or inverted"));
            }
            if let Err(e) = d.check_extent() {
                return err("domain", e.to_string());
            }
        }
        if self.optimizers.is_empty() {
            return err("optimizers", "the scene needs at least one optimizer".to_owned());
        }
        if self.optimizers.len() > MAX_OPTIMIZERS {
            return err(
                "optimizers",
                format!("at most {MAX_OPTIMIZERS} optimizers, got {}", self.optimizers.len()),
            );
        }
        for (i, o) in self.optimizers.iter().enumerate() {
            if !(o.noise.sigma.is_finite() && o.noise.sigma >= 0.0) {
                return err(
                    &format!("optimizers[{i}].noise.sigma"),
                    format!("must be a finite number ≥ 0, got {}", o.noise.sigma),
                );
            }
        }
        Ok(())
    }

    /// The domain shown: the scene's, or the surface's default.
    pub fn domain(&self) -> Domain {
        self.domain.unwrap_or_else(|| match &self.surface {
            SurfaceChoice::Builtin(b) => b.domain(),
            SurfaceChoice::Formula(_) => {
                Domain { x_min: -3.0, x_max: 3.0, y_min: -3.0, y_max: 3.0 }
            }
            SurfaceChoice::Model(m) => m.default_domain(),
            SurfaceChoice::Network(spec) => {
                Domain { x_min: -spec.span, x_max: spec.span, y_min: -spec.span, y_max: spec.span }
            }
        })
    }

    /// The start points.
    pub fn start_points(&self) -> impl Iterator<Item = Point> + '_ {
        self.starts.iter().map(|&[x, y]| Point::new(x, y))
    }
}

/// A lecture preset: a scene file built into the binary.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// File name under `assets/scenes/`.
    pub file: &'static str,
    /// Its JSON.
    pub json: &'static str,
}

/// The lecture presets, in lecture order; the first is the default scene at start-up.
pub const PRESETS: [Preset; 8] = [
    Preset { file: "saddle.json", json: include_str!("../assets/scenes/saddle.json") },
    Preset { file: "plateau.json", json: include_str!("../assets/scenes/plateau.json") },
    Preset { file: "local-optima.json", json: include_str!("../assets/scenes/local-optima.json") },
    Preset { file: "ravine.json", json: include_str!("../assets/scenes/ravine.json") },
    Preset { file: "himmelblau.json", json: include_str!("../assets/scenes/himmelblau.json") },
    Preset { file: "rosenbrock.json", json: include_str!("../assets/scenes/rosenbrock.json") },
    Preset { file: "cloud.json", json: include_str!("../assets/scenes/cloud.json") },
    Preset { file: "schedule.json", json: include_str!("../assets/scenes/schedule.json") },
];

impl Preset {
    /// The preset's scene. Presets are checked by the tests, so this cannot fail in a release;
    /// should it, the error says which file.
    pub fn scene(&self) -> Result<Scene, SceneError> {
        Scene::from_json(self.json, self.file)
    }
}

/// The scene the app opens on: the saddle lesson.
pub fn default_scene() -> Scene {
    PRESETS[0].scene().unwrap_or_else(|_| Scene::new(SurfaceChoice::Builtin(Builtin::EscapeSaddle)))
}
