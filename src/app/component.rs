//! What every panel is: a [`Component`] that owns its own state, reads the app through one
//! read-only context ([`Ctx`]) and returns [`Command`]s, which the app applies at the end of the
//! frame. No panel writes the app or another panel.

use egui_plot::PlotTransform;

use super::basins::Basins;
use super::cloud::CloudView;
use super::export::ExportSettings;
use super::field_view::FieldView;
use super::formula_box::FormulaBox;
use super::network::NetworkBuild;
use super::runs::Runs;
use super::windows::Windows;
use super::{Command, Playback};
use crate::scene::Scene;
use crate::sim::optim::narrate::Narration;
use crate::sim::{CriticalPoint, SurfaceDef};

/// A panel, bar or window of the app.
pub trait Component {
    /// Draws the component into `ui` (a window shows itself over `ui`'s context), reading the
    /// app through `ctx`; returns what the app should do.
    fn ui(&mut self, ui: &mut egui::Ui, ctx: &Ctx<'_>) -> Vec<Command>;
}

/// Everything a panel may read of the app this frame, and nothing it may write.
pub struct Ctx<'a> {
    /// What the person set.
    pub scene: &'a Scene,
    /// The surface of the scene (the last one that parsed, or a network's placeholder).
    pub surface: &'a SurfaceDef,
    /// Changes whenever `surface` does: part of every cache key.
    pub surface_id: u64,
    /// The runs on screen.
    pub runs: &'a Runs,
    /// The cloud of runs on screen.
    pub cloud: &'a CloudView,
    /// The heatmap and contours of the visible region.
    pub field: &'a FieldView,
    /// The timeline.
    pub playback: &'a Playback,
    /// The last step any trajectory reaches.
    pub last_step: usize,
    /// The critical points found (none when neither drawn nor raced).
    pub critical: &'a [CriticalPoint],
    /// The narrated run (optimizer, start point).
    pub narrate_pick: (usize, usize),
    /// Its narration at the playback step, when the narrate panel is open.
    pub narration: Option<&'a Narration>,
    /// The basin map and its settings.
    pub basins: &'a Basins,
    /// The background build of a network landscape.
    pub network: &'a NetworkBuild,
    /// The formula box.
    pub formula: &'a FormulaBox,
    /// Which panels and windows are open.
    pub windows: &'a Windows,
    /// The message on the status line.
    pub status: Option<&'a str>,
    /// The export settings.
    pub export: &'a ExportSettings,
    /// Whether an export is under way.
    pub exporting: bool,
    /// Where the map was on screen in the last frame, and what it showed.
    pub shown: Option<PlotTransform>,
    /// The selected start point.
    pub selected: Option<usize>,
    /// Changes whenever the map should show the whole domain again.
    pub fit_view: u64,
    /// The light theme instead of the dark one.
    pub light: bool,
    /// Presenter mode.
    pub presenter: bool,
    /// Whether the controls stay beside a teaching panel on a narrow window.
    pub controls_pinned: bool,
}

impl Ctx<'_> {
    /// The critical points to draw: `None` when the view hides them.
    pub fn drawn_critical(&self) -> Option<&[CriticalPoint]> {
        self.scene.view.critical_points.then_some(self.critical)
    }

    /// The region the map showed in the last frame, or the scene's domain before it was drawn.
    pub fn view_domain(&self) -> crate::sim::Domain {
        let domain = self.scene.domain();
        self.shown.map_or(domain, |t| {
            let b = t.bounds();
            let (lo, hi) = (b.min(), b.max());
            crate::sim::Domain::new(lo[0], hi[0], lo[1], hi[1]).unwrap_or(domain)
        })
    }
}
