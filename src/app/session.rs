//! Opening the app, and the session it resumes: the scene, the export settings and the theme
//! kept in eframe's storage (a file on the desktop, the browser's local storage in the page).

use std::path::PathBuf;

use super::export::ExportSettings;
use super::{restore, setup_style};
use crate::scene::{self, Scene};

/// Keys of the remembered session in eframe's storage.
const STORAGE_SCENE: &str = "losscape.scene";
const STORAGE_EXPORT: &str = "losscape.export";
const STORAGE_THEME: &str = "losscape.theme";

/// What a session remembers.
#[derive(Clone, Debug)]
pub struct Session {
    /// The scene on screen.
    pub scene: Scene,
    /// The first message to show (why the last session's scene did not load).
    pub status: Option<String>,
    /// The export settings, when remembered.
    pub export: Option<ExportSettings>,
    /// The light theme.
    pub light: bool,
}

impl Session {
    /// The last session in `storage`, on `scene` when one is given. A remembered scene that no
    /// longer loads (from a newer losscape, or damaged) gives the default lecture and says why.
    pub fn load(storage: Option<&dyn eframe::Storage>, scene: Option<Scene>) -> Session {
        let remembered = |key| storage.and_then(|s| s.get_string(key));
        let mut status = None;
        let scene = scene.unwrap_or_else(|| match remembered(STORAGE_SCENE) {
            Some(json) => Scene::from_json(&json, "last session").unwrap_or_else(|e| {
                status = Some(format!("last session not restored: {e}"));
                scene::default_scene()
            }),
            None => scene::default_scene(),
        });
        let export = remembered(STORAGE_EXPORT).and_then(|json| serde_json::from_str(&json).ok());
        let light = remembered(STORAGE_THEME).as_deref() == Some("light");
        Session { scene, status, export, light }
    }

    /// Writes the session into `storage`.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        storage.set_string(STORAGE_SCENE, self.scene.to_json());
        if let Some(json) = self.export.as_ref().and_then(|e| serde_json::to_string(e).ok()) {
            storage.set_string(STORAGE_EXPORT, json);
        }
        storage.set_string(STORAGE_THEME, if self.light { "light" } else { "dark" }.to_owned());
    }
}

/// Opens the app window on `scene_path` (or the last session, or the default lecture scene).
pub fn run(scene_path: Option<PathBuf>) -> Result<(), String> {
    let scene = match &scene_path {
        Some(path) => Some(Scene::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    start(scene, None)
}

/// Starts the app (a window on the desktop, the page's canvas in the browser) on `scene`, or
/// the last session, or the default lecture scene; `status` is the first message it shows.
pub fn start(scene: Option<Scene>, status: Option<String>) -> Result<(), String> {
    let window = crate::platform::Window {
        title: "losscape",
        size: [1400.0, 900.0],
        min_size: [800.0, 560.0],
    };
    crate::platform::run_app(
        window,
        Box::new(move |cc| {
            setup_style(&cc.egui_ctx);
            let mut app = restore(cc.storage, scene);
            if status.is_some() {
                app.status = status;
            }
            Ok(Box::new(app))
        }),
    )
}
