//! The seam between losscape and what it runs on: everything that differs between the desktop
//! and the browser (SPEC §6, §7) is behind this one module, so that the app, the jobs and the
//! scenes never test `cfg(target_arch)` or `cfg(target_os)` themselves.
//!
//! What is behind it, and what each side does:
//!
//! - **Background work** ([`spawn`], [`HAS_THREADS`]). Desktop: an OS thread per job. Browser:
//!   no threads; jobs run in slices between frames ([`crate::jobs::run_slices`]).
//! - **Data-parallel work** ([`install`], [`Priority`]). Desktop: two rayon pools, the background
//!   one at a lower OS priority. Browser: the calling thread.
//! - **Clock** ([`Instant`], [`SystemTime`]). Desktop: `std::time`. Browser: `performance.now()`
//!   and `Date.now()` (both through the `web-time` crate, which is `std::time` on the desktop).
//! - **Files** ([`write_atomic`], [`read_to_string`], [`create_dir_all`], [`file_names`]).
//!   Desktop: the file system. Browser: downloads and file pickers.
//! - **Clipboard, URLs** ([`copy_text`], [`copy_image`], [`open_url`]). egui's output commands on
//!   both sides: eframe's desktop and web runners carry them out.
//! - **The app's entry** ([`run_app`]). Desktop: `eframe::run_native`, a window. Browser:
//!   `eframe::WebRunner` on a canvas.
//!
//! The rest of the crate calls only the functions re-exported here. A new platform matter
//! (drag and drop of files, the page's URL) gets a function here and one on each side.
//!
//! The desktop side is `native.rs`. The web side is a file `web.rs` compiled only for
//! `wasm32`: it defines the same items as `native.rs` (the compiler checks that every one is
//! there when the crate is built for the browser), with the bodies the table above names; until
//! it exists the crate builds for the desktop only.

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
use native as side;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
use web as side;

pub use side::{
    HAS_THREADS, create_dir_all, file_names, install, read_to_string, run_app, spawn, write_atomic,
};
/// Monotonic time (jobs' timings, the formula box's pause) and wall-clock time: `std::time` on
/// the desktop, the browser's clocks on the web.
pub use web_time::{Instant, SystemTime};

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
