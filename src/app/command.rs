//! What a panel asks the app to do ([`Command`]), and the panels and windows a command opens
//! or closes ([`Panel`]). Panels return commands; the app applies them at the end of the frame,
//! with their checks.

use std::path::PathBuf;

use super::basins::BasinSettings;
use super::export::{Export, ExportSettings};
use crate::scene::{OptimizerEntry, Projection, Scene, SurfaceChoice, View};
use crate::sim::run::cloud::Cloud;
use crate::sim::{Domain, Point};

/// Something a panel asks the app to do, applied at the end of the frame.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub enum Command {
    /// Replace the whole scene (a preset, a file).
    LoadScene(Box<Scene>),
    /// Switch to another surface (resets the domain to the surface's default).
    SetSurface(SurfaceChoice),
    /// Drop a start point.
    AddStart(Point),
    /// Move start point `i`.
    MoveStart(usize, Point),
    /// Remove start point `i`.
    RemoveStart(usize),
    /// Remove every start point.
    ClearStarts,
    /// Replace the start points by `count` random ones in the domain.
    ScatterStarts {
        /// How many.
        count: usize,
        /// Seed of the scatter.
        seed: u64,
    },
    /// Show the whole domain again.
    ResetView,
    /// Play or pause.
    TogglePlay,
    /// One step forward.
    StepForward,
    /// One step back.
    StepBack,
    /// Jump to a step.
    Seek(usize),
    /// Back to step 0.
    ResetPlayback,
    /// Show a cloud of runs (or none).
    SetCloud(Option<Cloud>),
    /// The light theme (for a lit lecture hall) or the dark one.
    SetLight(bool),
    /// A cloud as a Gaussian blob around a point (shift-click): the current cloud's count and
    /// seed, or a thousand runs.
    CloudBlob(Point),
    /// Presenter mode on or off: panels hidden, the UI scaled up.
    SetPresenter(bool),
    /// On a narrow window with a teaching panel open: keep the controls beside it, or not.
    PinControls,
    /// Select start point `i` (Delete removes it), or none.
    Select(Option<usize>),
    /// Narrate optimizer `optimizer`'s run from start point `start`.
    Narrate {
        /// The optimizer (index in the scene).
        optimizer: usize,
        /// The start point (index in the scene).
        start: usize,
    },
    /// New settings of the basin map (optimizers compared, grid, precision, shown or not).
    SetBasins(BasinSettings),
    /// Compute the basin map over `Domain` (the current view), cancelling one under way.
    ComputeBasins(Domain),
    /// Stop computing the basin map.
    CancelBasins,
    /// New export settings (folder, resolution, GIF range, scene file).
    SetExportSettings(Box<ExportSettings>),
    /// New data for the model surface (the data panel's edit); the domain shown stays.
    SetModelData(Vec<[f64; 3]>),
    /// Say something on the status line: what a panel did, or could not do.
    Status(String),
    /// Open or close a panel or window.
    Toggle(Panel),
    /// Open a panel or window (nothing if it is open).
    Open(Panel),
    /// The formula box now reads `text`, edited at time `at` (seconds): applied after a pause
    /// in typing or on Enter.
    EditFormula {
        /// The box's text.
        text: String,
        /// When it was edited.
        at: f64,
    },
    /// New view settings (colours, contours, layout, …).
    SetView(Box<View>),
    /// Steps per run.
    SetSteps(usize),
    /// Playback speed, in steps per second.
    SetSpeed(f64),
    /// The optimizers as the person edited them (added, removed, switched, re-tuned).
    SetOptimizers(Vec<OptimizerEntry>),
    /// Search optimizer `i`'s learning rate in the background.
    TuneLr(usize),
    /// Start an export.
    Export(Export),
    /// Save the scene to the export settings' scene file.
    SaveScene,
    /// Load a scene file (a bad one leaves the current scene and says why).
    OpenScene(PathBuf),
    /// Ask for a scene or data file to open (the browser's file picker).
    PickFile,
    /// Put the link that opens the current scene on the clipboard.
    CopyLink,
    /// The 3-D view's mode and camera.
    SetProjection(Projection),
    /// The surface plot shows `bounds` in `frame` (`px` physical pixels): sample the heatmap
    /// there, and remember where the map is on screen.
    ViewShown {
        /// The plot's bounds.
        bounds: egui_plot::PlotBounds,
        /// Where the plot is on screen, in points.
        frame: egui::Rect,
        /// Its size in physical pixels.
        px: egui::Vec2,
    },
}

/// A panel or window a command opens or closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// Narrate one step of one run.
    Narrate,
    /// The race table.
    Race,
    /// Basins of attraction.
    Basins,
    /// The high-dimension window.
    HighDim,
    /// The keyboard shortcuts.
    Help,
    /// The side and bottom panels.
    SidePanels,
    /// The saddle census window.
    Census,
    /// The Hessian spectrum of a real network along training.
    Spectrum,
}
