//! The seam between losscape and what it runs on: everything that differs between the desktop
//! and the browser (SPEC §6, §7) is behind this one module, so that the app, the jobs and the
//! scenes never test `cfg(target_arch)` or `cfg(target_os)` themselves.
//!
//! What is behind it, and what each side does:
//!
//! - **Background work** ([`spawn`], [`HAS_THREADS`], [`jobs_waiting`]). Desktop: an OS thread
//!   per job. Browser: no threads; jobs run in slices between frames
//!   ([`crate::jobs::run_slices`]), and in the page's idle time while any is waiting.
//! - **Data-parallel work** ([`install`], [`Priority`]). Desktop: two rayon pools, the background
//!   one at a lower OS priority. Browser: the calling thread.
//! - **Clock** ([`Instant`], [`SystemTime`]). Desktop: `std::time`. Browser: `performance.now()`
//!   and `Date.now()` (both through the `web-time` crate, which is `std::time` on the desktop).
//! - **Files** ([`write_atomic`], [`read_to_string`], [`create_dir_all`], [`file_names`]).
//!   Desktop: the file system. Browser: downloads and file pickers.
//! - **Opening files** ([`pick_file`], [`receive_dropped`], [`take_opened`], [`HAS_FILE_SYSTEM`]).
//!   Desktop: paths typed in the File menu, files dropped on the window. Browser: a file picker
//!   and drops on the page, read asynchronously; either way the app takes them as [`OpenedFile`]s.
//! - **The page** ([`page_url`], [`page_fragment`], [`show_failure`]). Browser: the address a
//!   link opens (its `#scene=…`), and the note the page shows when the app cannot start.
//!   Desktop: no address; failures go to the terminal.
//! - **Clipboard, URLs** ([`copy_text`], [`copy_image`], [`open_url`]). egui's output commands on
//!   both sides: eframe's desktop and web runners carry them out.
//! - **Drawing** ([`DRAWN_POINTS`], [`DRAWN_PATH_POINTS`], [`MESHED_RUNS`]). Desktop: every
//!   point of a cloud, every point of a path its simplification keeps, every run a plot item.
//!   Browser: at most so many a frame (an even share of a cloud's runs, coarser paths, many runs
//!   as one plain mesh), since WebGL in software (SwiftShader) takes seconds a frame for the
//!   triangles of hundreds of thousands of points.
//! - **The app's entry** ([`run_app`]). Desktop: `eframe::run_native`, a window. Browser:
//!   `eframe::WebRunner` on a canvas.
//!
//! The rest of the crate calls only the functions re-exported here. A new platform matter gets
//! a function here and one on each side.
//!
//! The desktop side is `native.rs`. The web side is `web.rs`, compiled only for `wasm32`: it
//! defines the same items as `native.rs` (the compiler checks that every one is there when the
//! crate is built for the browser), plus what only the page has: its canvas's id and the
//! running app for the embedding hook (`src/web.rs`).

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
use native as side;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
use web as side;

#[cfg(target_arch = "wasm32")]
pub use side::{CANVAS_ID, with_app};
pub use side::{
    DRAWN_PATH_POINTS, DRAWN_POINTS, HAS_FILE_SYSTEM, HAS_THREADS, MESHED_RUNS, create_dir_all,
    file_names, install, jobs_waiting, page_fragment, page_url, pick_file, read_to_string,
    receive_dropped, run_app, show_failure, spawn, take_opened, write_atomic,
};
/// Monotonic time (jobs' timings, the formula box's pause) and wall-clock time: `std::time` on
/// the desktop, the browser's clocks on the web.
pub use web_time::{Instant, SystemTime};

/// A file a person opened (picked, or dropped on the window or page), read.
#[derive(Debug)]
pub struct OpenedFile {
    /// Its name as the person knows it (a path on the desktop, a file name in the browser).
    pub name: String,
    /// Where it is, on the desktop (a scene's data file is named relative to it).
    pub path: Option<std::path::PathBuf>,
    /// Its bytes, or why they could not be read.
    pub contents: Result<Vec<u8>, String>,
}

/// Which pool a job's data-parallel work runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// What a person is looking at now: the runs, the heatmap, the cloud.
    Interactive,
    /// Long computations: basin maps, sampling, tuning, exports.
    Background,
}

/// The app's window (desktop) or canvas (web): its title and sizes in points.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// The title, also the application's id (settings are stored under it).
    pub title: &'static str,
    /// The size it opens at.
    pub size: [f32; 2],
    /// The smallest size it may be made.
    pub min_size: [f32; 2],
}

/// Puts `text` on the clipboard (at the end of the frame; eframe does it on both sides).
pub fn copy_text(ctx: &egui::Context, text: String) {
    ctx.copy_text(text);
}

/// Puts `image` on the clipboard (at the end of the frame; eframe does it on both sides).
pub fn copy_image(ctx: &egui::Context, image: egui::ColorImage) {
    ctx.copy_image(image);
}

/// Opens `url` in a new browser tab (the desktop's browser, or the page's).
pub fn open_url(ctx: &egui::Context, url: &str) {
    ctx.open_url(egui::OpenUrl::new_tab(url));
}
