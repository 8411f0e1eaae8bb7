//! The desktop side of the seam: OS threads, rayon pools, the file system, a window.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{OpenedFile, Priority, Window};

/// Whether background jobs get threads of their own (here: yes).
pub const HAS_THREADS: bool = true;

/// Whether files are named by paths a person types (here: yes; the File menu's fields).
pub const HAS_FILE_SYSTEM: bool = true;

/// The most points of many runs (a cloud's heads) drawn in one frame: here, all of them (the
/// GPU takes any mesh).
pub const DRAWN_POINTS: usize = usize::MAX;

/// The most runs drawn on a map as plot items: on the desktop, no limit (a GPU draws them).
pub const MESHED_RUNS: Option<usize> = None;

/// The most points of the runs' paths drawn in one frame (the map and each curve plot): here,
/// every point their simplification keeps.
pub const DRAWN_PATH_POINTS: usize = usize::MAX;

thread_local! {
    /// Files dropped on the window, read, waiting for the app.
    static OPENED: std::cell::RefCell<Vec<OpenedFile>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `work` on a new thread named `name`.
///
/// # Errors
/// Why no thread could be started (then `work` is dropped, never run).
pub fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<(), String> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(work)
        .map(drop)
        .map_err(|e| format!("no thread: {e}"))
}

/// Jobs wait for slices on this thread (tests run them between frames): the frames run them;
/// nothing else to do here.
pub fn jobs_waiting() {}

/// Runs `work` with `priority`'s pool as the pool of its data-parallel work (rayon's
/// `par_iter`s inside it use that pool's threads).
pub fn install<R: Send>(priority: Priority, work: impl FnOnce() -> R + Send) -> R {
    pool(priority).install(work)
}

/// The pool for `priority`. Interactive work gets every core (a person is waiting for it);
/// background work one core fewer, at a lower OS priority where the platform allows, so that
/// the UI thread always has a core to draw on however long a sampling or a census runs.
fn pool(priority: Priority) -> &'static rayon::ThreadPool {
    static INTERACTIVE: OnceLock<rayon::ThreadPool> = OnceLock::new();
    static BACKGROUND: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let cores = crate::sim::run::parallel::cores();
    let (cell, name, threads) = match priority {
        Priority::Interactive => (&INTERACTIVE, "interactive", cores.max(2)),
        Priority::Background => (&BACKGROUND, "background", cores.saturating_sub(1).max(1)),
    };
    cell.get_or_init(|| {
        let mut builder = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(move |i| format!("{name}-{i}"));
        if priority == Priority::Background {
            builder = builder.start_handler(|_| lower_priority());
        }
        builder.build().unwrap_or_else(|_| {
            // A pool of one thread cannot fail to start unless threads cannot be made at
            // all; then the process cannot do anything in the background anyway.
            rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a thread pool")
        })
    })
}

/// Lowers the calling thread's scheduling priority (Linux: niceness 10 for this thread only).
/// Best effort: where it is not allowed or not known how, the thread keeps its priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; on Linux, PRIO_PROCESS with
    // who = 0 names the calling thread.
    unsafe {
        let _ = libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Writes `bytes` to `path` so that nothing is lost: a reader sees the old file or the new one,
/// never half of one, and a failed write leaves the old file as it was. A temporary file beside
/// it (unique to this process and call), flushed to disk, then renamed over `path`; on failure
/// the temporary file is removed.
///
/// # Errors
/// What the file system said.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{unique}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The text of the file at `path` (a scene, a CSV).
///
/// # Errors
/// What the file system said (missing, unreadable, not UTF-8).
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Creates the folder `path` and its parents, if missing (an export folder).
///
/// # Errors
/// What the file system said.
pub fn create_dir_all(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

/// The names of the entries of the folder `path` (those that are valid UTF-8), in no order.
///
/// # Errors
/// What the file system said.
pub fn file_names(path: &Path) -> std::io::Result<Vec<String>> {
    let names = std::fs::read_dir(path)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    Ok(names)
}

/// The desktop opens files by the paths in the File menu: nothing to pick.
pub fn pick_file(_ctx: &egui::Context, _accept: &str) {}

/// Files dropped on the window: read now (they are on this machine), handed to the app
/// through [`take_opened`] with their paths, so a scene's data file named beside it is found.
pub fn receive_dropped(_ctx: &egui::Context, files: &[egui::DroppedFileHandle]) {
    let read: Vec<OpenedFile> = files
        .iter()
        .map(|file| OpenedFile {
            name: file.path().display().to_string(),
            path: Some(file.path().to_owned()),
            contents: file.bytes(),
        })
        .collect();
    OPENED.with_borrow_mut(|opened| opened.extend(read));
}

/// The files dropped since the last call.
pub fn take_opened() -> Vec<OpenedFile> {
    OPENED.with_borrow_mut(std::mem::take)
}

/// A window has no address: links are made on the published page ([`crate::scene::link::PAGE_URL`]).
pub fn page_url() -> Option<String> {
    None
}

/// A window has no address, so no fragment.
pub fn page_fragment() -> Option<String> {
    None
}

/// Says why the app could not start (on the terminal that started it).
pub fn show_failure(message: &str) {
    eprintln!("error: {message}");
}

/// Opens the app in a window and runs it until the window is closed; `create` makes the app
/// once the window (and its egui context) exists.
///
/// # Errors
/// Why no window could be opened.
pub fn run_app(window: Window, create: eframe::AppCreator<'static>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(window.title)
            .with_app_id(window.title)
            .with_inner_size(window.size)
            .with_min_inner_size(window.min_size),
        ..Default::default()
    };
    eframe::run_native(window.title, options, create)
        .map_err(|e| format!("could not open a window: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("losscape-platform-{}", std::process::id()));
        create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("scene.json");
        write_atomic(&path, b"old").expect("first write");
        write_atomic(&path, b"new").expect("second write");
        assert_eq!(read_to_string(&path).expect("readable"), "new");
        assert_eq!(file_names(&dir).expect("listable"), vec!["scene.json".to_owned()]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
