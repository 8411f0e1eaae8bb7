//! The browser version's entry (SPEC §7): what `main.rs` is to the desktop. The page
//! (`web/index.html`) loads the module, which starts the app on its canvas with the scene of the
//! link (`#scene=…`), and exposes the embedding hook that the page turns into
//! `window.losscape`: `open(json)`, `scene()`, `exportCsv()`, `step(k)`, and `status()` (the
//! status line's text, for tests and pages that show it elsewhere).

use wasm_bindgen::prelude::*;

use crate::app::{Command, LosscapeApp};
use crate::platform;
use crate::scene::{Scene, link};

/// Runs when the module is loaded: the app, on the scene of the page's link if it has one.
/// A bad or truncated link opens the default lesson, with a message saying what was wrong.
#[wasm_bindgen(start)]
pub fn start() {
    let (scene, status) = match platform::page_fragment() {
        Some(fragment) => match link::parse(&fragment) {
            Ok(scene) => (Some(scene), Some("opened the scene of the link".to_owned())),
            Err(e) => {
                (None, Some(format!("the link did not open: {e}. Here is the saddle lesson.")))
            }
        },
        None => (None, None),
    };
    if let Err(e) = crate::app::session::start(scene, status) {
        platform::show_failure(&e);
    }
    on_hash_change();
}

/// A link pasted into the address bar of an open page changes only its fragment: open it too.
fn on_hash_change() {
    let Some(window) = web_sys::window() else { return };
    let handler = Closure::<dyn FnMut()>::new(|| {
        let Some(fragment) = platform::page_fragment() else { return };
        let command = match link::parse(&fragment) {
            Ok(scene) => Command::LoadScene(Box::new(scene)),
            Err(e) => Command::Status(format!("the link did not open: {e}")),
        };
        platform::with_app(|app: &mut LosscapeApp| app.apply(command));
    });
    let _ = window.add_event_listener_with_callback("hashchange", handler.as_ref().unchecked_ref());
    // The page keeps the listener for its whole life.
    handler.forget();
}

fn with_app<R>(f: impl FnOnce(&mut LosscapeApp) -> R) -> Result<R, JsError> {
    platform::with_app(f).ok_or_else(|| JsError::new("losscape has not started (or has stopped)"))
}

/// `window.losscape.open(json)`: opens a scene given as JSON text.
///
/// # Errors
/// What is wrong with the scene (line, column, field), as a JavaScript `Error`; the scene on
/// screen stays.
#[wasm_bindgen(js_name = openScene)]
pub fn open_scene(json: &str) -> Result<(), JsError> {
    let scene = Scene::from_json(json, "open").map_err(|e| JsError::new(&e.to_string()))?;
    with_app(|app| app.apply(Command::LoadScene(Box::new(scene))))
}

/// `window.losscape.scene()`: the current scene as JSON text.
///
/// # Errors
/// When the app is not running.
#[wasm_bindgen(js_name = sceneJson)]
pub fn scene_json() -> Result<String, JsError> {
    with_app(|app| app.scene.to_json())
}

/// `window.losscape.exportCsv()`: what File → Export CSV downloads, `optimizer,start,step,x,y,loss`
/// for every run of the scene at full precision; the runs still computing are finished first.
///
/// # Errors
/// When the app is not running.
#[wasm_bindgen(js_name = exportCsv)]
pub fn export_csv() -> Result<String, JsError> {
    with_app(|app| {
        app.settle();
        crate::app::export::tracks_csv(&app.scene, &app.runs)
    })
}

/// `window.losscape.step(k)`: shows step `k` (the last one if the runs are shorter); returns
/// the step shown.
///
/// # Errors
/// When the app is not running.
#[wasm_bindgen(js_name = showStep)]
pub fn show_step(k: usize) -> Result<usize, JsError> {
    with_app(|app| {
        app.apply(Command::Seek(k));
        app.playback.step
    })
}

/// `window.losscape.status()`: the text of the status line (what the app last said: a link that
/// did not open, a file that was opened, …).
///
/// # Errors
/// When the app is not running.
#[wasm_bindgen(js_name = statusText)]
pub fn status_text() -> Result<String, JsError> {
    with_app(|app| app.status.clone().unwrap_or_default())
}
