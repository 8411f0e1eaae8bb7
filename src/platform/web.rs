//! The browser side of the seam (SPEC §7): compiled only for `wasm32`, it defines the same items
//! as `native.rs`.
//!
//! - No threads: [`HAS_THREADS`] is false, so every [`crate::jobs::JobSlot`] runs its jobs in
//!   slices between frames (and in the page's idle time, [`jobs_waiting`]), and [`install`] runs data-parallel work on the calling thread (rayon's
//!   global pool falls back to the calling thread on `wasm32`).
//! - Files: a save or an export is a download named as the file would be; opening a scene or a
//!   CSV is a file picker ([`pick_file`]) or a drop on the page, whose contents arrive a frame or
//!   two later through [`take_opened`]. The names downloaded this session are remembered, so
//!   screenshots are numbered on as on the desktop.
//! - The entry: [`run_app`] starts `eframe::WebRunner` on the page's canvas; the runner is kept
//!   so the embedding hook (`src/web.rs`) can reach the app ([`with_app`]).

use std::cell::RefCell;
use std::io::{Error, ErrorKind};
use std::path::Path;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{OpenedFile, Priority, Window};

/// Whether background jobs get threads of their own (in the browser: no).
pub const HAS_THREADS: bool = false;

/// Whether files are named by paths a person types (in the browser: no; pickers and downloads).
pub const HAS_FILE_SYSTEM: bool = false;

/// The most points of many runs (a cloud's heads) drawn in one frame. Where WebGL is rendered
/// in software (SwiftShader, common on laptops without a usable GPU), a frame's small
/// overlapping triangles cost the GPU process far more than the page's own work, and the page
/// waits for it (in the next frame's buffer upload): a cloud of 3 × 3 500 runs (two hexagons
/// a head, a quad a tail dot) drew 23 frames a second, 3 × 5 000 two, 3 × 10 000 one every
/// 1.2 s. Beyond this an even share of the runs is drawn.
pub const DRAWN_POINTS: usize = 8_000;

/// The most runs drawn on a map as plot items (a feathered line and a 32-sided head each);
/// beyond it they are painted as one mesh of plain quads and hexagons (`app::panels::many_runs`):
/// 2 560 runs as items made software WebGL take 0.7–1.5 s a frame while they played.
pub const MESHED_RUNS: Option<usize> = Some(200);

/// The most points of the runs' paths drawn in one frame (the map and each curve plot); beyond
/// it each run is drawn coarser (every k-th of the points its simplification keeps). For the
/// reason of [`DRAWN_POINTS`]: 2 560 landed runs took 0.5–2 s a frame in SwiftShader.
pub const DRAWN_PATH_POINTS: usize = 40_000;

/// The id of the canvas in `web/index.html` that the app draws on.
pub const CANVAS_ID: &str = "losscape_canvas";

thread_local! {
    /// The runner of the app on the page, once started.
    static RUNNER: RefCell<Option<eframe::WebRunner>> = const { RefCell::new(None) };
    /// Files picked or dropped whose contents have arrived, oldest first.
    static OPENED: RefCell<Vec<OpenedFile>> = const { RefCell::new(Vec::new()) };
    /// The names of the files downloaded this session.
    static DOWNLOADED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The egui context, to wake the app when a file's contents arrive.
    static WAKER: RefCell<Option<egui::Context>> = const { RefCell::new(None) };
}

/// No threads in the browser: jobs run in slices between frames instead.
///
/// # Errors
/// Always.
pub fn spawn(_name: &str, _work: impl FnOnce() + Send + 'static) -> Result<(), String> {
    Err("no threads in the browser".to_owned())
}

thread_local! {
    /// Whether a timer is set to run the waiting jobs' slices.
    static IDLE_SLICES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Jobs wait for slices: besides those each frame runs, slices also run in the page's idle
/// time, a timer after another ([`crate::jobs::run_idle_slices`]: each at most
/// [`crate::jobs::FRAME_BUDGET`], so the page answers between them, and at most
/// [`crate::jobs::IDLE_BUDGET`] between two frames), until the next frame. Where WebGL is
/// rendered in software, a frame of the app waits ~150 ms on the GPU process with the page
/// idle: without this, jobs got about a sixth of the time.
pub fn jobs_waiting() {
    if !IDLE_SLICES.replace(true) {
        slices_later();
    }
}

/// Sets the timer of the next idle slices.
fn slices_later() {
    let run = Closure::once_into_js(|| {
        if crate::jobs::run_idle_slices() {
            slices_later();
        } else {
            IDLE_SLICES.set(false);
        }
    });
    let set = web_sys::window()
        .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(run.unchecked_ref(), 0));
    if !matches!(set, Some(Ok(_))) {
        // No timer: the frames run the slices alone.
        IDLE_SLICES.set(false);
    }
}

/// Runs `work` on the calling thread.
pub fn install<R: Send>(_priority: Priority, work: impl FnOnce() -> R + Send) -> R {
    work()
}

fn js_error(what: &str, e: &JsValue) -> Error {
    let said = e.as_string().or_else(|| js_sys::JSON::stringify(e).ok()?.as_string());
    Error::other(format!("{what}: {}", said.unwrap_or_else(|| "the browser refused".to_owned())))
}

/// A save: the browser downloads `bytes` as a file named like `path`'s last part (where it
/// goes is the browser's matter). Whole or not at all, as on the desktop.
///
/// # Errors
/// What the browser said when it refused.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "losscape".to_owned(), |n| n.to_string_lossy().into_owned());
    download(&name, bytes).map_err(|e| js_error("download", &e))?;
    DOWNLOADED.with_borrow_mut(|names| names.push(name));
    Ok(())
}

fn download(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime(name));
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.style().set_property("display", "none")?;
    let body = document.body().ok_or("no body")?;
    body.append_child(&anchor)?;
    anchor.click();
    body.remove_child(&anchor)?;
    // The download has its own reference to the blob once it started.
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

fn mime(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "gif" => "image/gif",
        "csv" => "text/csv",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// Files are not read by path in the browser.
///
/// # Errors
/// Always: the message says how to open a file on the page.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    Err(Error::new(
        ErrorKind::Unsupported,
        format!(
            "{}: the browser reads no files by name; open it with File → Open… or drop it on the page",
            path.display()
        ),
    ))
}

/// Nothing to create: downloads go where the browser puts them.
///
/// # Errors
/// Never.
pub fn create_dir_all(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The names downloaded this session, so an export is numbered after the last one.
///
/// # Errors
/// Never.
pub fn file_names(_path: &Path) -> std::io::Result<Vec<String>> {
    Ok(DOWNLOADED.with_borrow(Clone::clone))
}

/// Asks the person for a file (the browser's file picker) whose name ends in one of `accept`'s
/// extensions (like `".json,.csv"`); its contents arrive through [`take_opened`].
pub fn pick_file(ctx: &egui::Context, accept: &str) {
    remember_waker(ctx);
    if let Err(e) = open_picker(accept) {
        push_opened(OpenedFile {
            name: "file picker".to_owned(),
            path: None,
            contents: Err(js_error("the file picker did not open", &e).to_string()),
        });
    }
}

fn open_picker(accept: &str) -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let input: web_sys::HtmlInputElement = document.create_element("input")?.dyn_into()?;
    input.set_type("file");
    input.set_accept(accept);
    let picked = input.clone();
    let on_change = Closure::once_into_js(move || {
        if let Some(file) = picked.files().and_then(|files| files.get(0)) {
            read_file(file);
        }
    });
    input.set_onchange(Some(on_change.unchecked_ref()));
    input.click();
    Ok(())
}

/// Reads `file` without blocking the page, then hands it to the app.
fn read_file(file: web_sys::File) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let contents = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => Ok(js_sys::Uint8Array::new(&buffer).to_vec()),
            Err(e) => Err(js_error(&name, &e).to_string()),
        };
        push_opened(OpenedFile { name, path: None, contents });
    });
}

/// Files dropped on the page: their contents are read without blocking and arrive through
/// [`take_opened`].
pub fn receive_dropped(ctx: &egui::Context, files: &[egui::DroppedFileHandle]) {
    remember_waker(ctx);
    for file in files {
        let file = std::sync::Arc::clone(file);
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.path().display().to_string();
            let contents = file.bytes_async().await;
            push_opened(OpenedFile { name, path: None, contents });
        });
    }
}

fn remember_waker(ctx: &egui::Context) {
    WAKER.with_borrow_mut(|waker| *waker = Some(ctx.clone()));
}

fn push_opened(file: OpenedFile) {
    OPENED.with_borrow_mut(|opened| opened.push(file));
    WAKER.with_borrow(|waker| {
        if let Some(ctx) = waker {
            ctx.request_repaint();
        }
    });
}

/// The files picked or dropped whose contents have arrived since the last call.
pub fn take_opened() -> Vec<OpenedFile> {
    OPENED.with_borrow_mut(std::mem::take)
}

/// The address of the page without its fragment: the base of the links it copies.
pub fn page_url() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split('#').next().unwrap_or(&href).to_owned())
}

/// The page's fragment (after `#`), where a link carries its scene.
pub fn page_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let hash = hash.strip_prefix('#').unwrap_or(&hash);
    (!hash.is_empty()).then(|| hash.to_owned())
}

/// Starts the app on the page's canvas (`#losscape_canvas`); returns at once, the app runs
/// from the browser's animation frames.
///
/// # Errors
/// When the page has no such canvas.
pub fn run_app(_window: Window, create: eframe::AppCreator<'static>) -> Result<(), String> {
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CANVAS_ID))
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or_else(|| format!("the page has no <canvas id=\"{CANVAS_ID}\">"))?;
    let runner = eframe::WebRunner::new();
    RUNNER.with_borrow_mut(|slot| *slot = Some(runner.clone()));
    wasm_bindgen_futures::spawn_local(async move {
        match runner.start(canvas, eframe::WebOptions::default(), create).await {
            Ok(()) => hide_note(),
            Err(e) => show_failure(&js_error("the app did not start", &e).to_string()),
        }
    });
    Ok(())
}

/// Takes the page's loading note away once the app draws.
fn hide_note() {
    if let Some(note) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("note"))
    {
        note.remove();
    }
}

/// Replaces the page's loading note by `message`: what a person sees when the app cannot
/// start (no WebGL2, …), never a blank page.
pub fn show_failure(message: &str) {
    web_sys::console::error_1(&message.into());
    if let Some(note) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("note"))
    {
        note.set_text_content(Some(message));
        let _ = note.set_attribute("class", "failed");
    }
}

/// Runs `f` on the app the page runs, if it has started (and not panicked).
pub fn with_app<A: eframe::App + 'static, R>(f: impl FnOnce(&mut A) -> R) -> Option<R> {
    let runner = RUNNER.with_borrow(Clone::clone)?;
    let mut app = runner.app_mut::<A>()?;
    Some(f(&mut app))
}
