//! The browser side of the seam: compiled only for `wasm32`, it defines the same items as
//! `native.rs`. The next issue (SPEC §7) fills it in; until then it type-checks and says, for
//! each item, what the browser will do.
//!
//! - No threads: [`HAS_THREADS`] is false, so every [`crate::jobs::JobSlot`] runs its jobs in
//!   slices between frames, and [`install`] runs data-parallel work on the calling thread (rayon's
//!   global pool runs on the calling thread on `wasm32`).
//! - Files: saves and exports become downloads, opening a scene or a CSV a file picker or a drop
//!   on the page; the functions below answer `Unsupported` until then.
//! - The entry: `eframe::WebRunner::start` on the page's canvas, called from a
//!   `#[wasm_bindgen(start)]` function, replaces [`run_app`].

use std::io::{Error, ErrorKind};
use std::path::Path;

use super::{Priority, Window};

/// Whether background jobs get threads of their own (in the browser: no).
pub const HAS_THREADS: bool = false;

/// No threads in the browser: jobs run in slices between frames instead.
///
/// # Errors
/// Always.
pub fn spawn(_name: &str, _work: impl FnOnce() + Send + 'static) -> Result<(), String> {
    Err("no threads in the browser".to_owned())
}

/// Runs `work` on the calling thread.
pub fn install<R: Send>(_priority: Priority, work: impl FnOnce() -> R + Send) -> R {
    work()
}

fn not_yet(what: &str) -> Error {
    Error::new(ErrorKind::Unsupported, format!("{what} in the browser comes with the web version"))
}

/// A save: a download in the browser.
///
/// # Errors
/// Until the web version: always.
pub fn write_atomic(_path: &Path, _bytes: &[u8]) -> std::io::Result<()> {
    Err(not_yet("saving a file"))
}

/// A file the person picked or dropped on the page.
///
/// # Errors
/// Until the web version: always.
pub fn read_to_string(_path: &Path) -> std::io::Result<String> {
    Err(not_yet("opening a file"))
}

/// Nothing to create: downloads go where the browser puts them.
///
/// # Errors
/// Never.
pub fn create_dir_all(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// No folder to list: every download starts the numbering afresh.
///
/// # Errors
/// Never.
pub fn file_names(_path: &Path) -> std::io::Result<Vec<String>> {
    Ok(Vec::new())
}

/// The browser starts the app from JavaScript with `eframe::WebRunner`, not from here.
///
/// # Errors
/// Always.
pub fn run_app(_window: Window, _create: eframe::AppCreator<'static>) -> Result<(), String> {
    Err("in the browser the page starts the app (eframe::WebRunner)".to_owned())
}
