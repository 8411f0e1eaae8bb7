//! Background jobs: everything slow runs here, never on the UI thread.
//!
//! A [`JobSlot`] holds the latest request for one kind of work (the runs of a scene, the critical
//! points, a basin map, …). [`JobSlot::request`] starts the work on a thread of its own and
//! cancels whatever that slot was still computing; every request gets a *generation*, and a result
//! is handed back only if it belongs to the newest generation, so a slow old job can never
//! replace a newer result. Work reports progress and checks for cancellation through a
//! [`Progress`]; a panic inside a job is caught and handed back as [`Outcome::Failed`], so a
//! spinner never turns forever.
//!
//! The data-parallel part of a job runs on one of two rayon pools ([`Priority`]): interactive work
//! (the runs on screen, the heatmap) has a pool of its own, so a long background computation (a
//! basin map, the high-dimension sampling) never holds up the picture a person is looking at; the
//! operating system shares the cores between the two.
//!
//! Nothing here depends on the GUI: the app passes a waker that asks for a repaint, the command
//! line a no-op.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, OnceLock};

pub use crate::sim::progress::{Cancelled, Progress};
use std::time::{Duration, Instant};

/// Which pool a job's parallel work runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// What a person is looking at now: the runs, the heatmap, the cloud.
    Interactive,
    /// Long computations: basin maps, sampling, tuning, exports.
    Background,
}

/// The pool for `priority`. Interactive work gets every core (a person is waiting for it);
/// background work one core fewer, at a lower OS priority where the platform allows, so that
/// the UI thread always has a core to draw on however long a sampling or a census runs.
pub fn pool(priority: Priority) -> &'static rayon::ThreadPool {
    static INTERACTIVE: OnceLock<rayon::ThreadPool> = OnceLock::new();
    static BACKGROUND: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let cores = crate::sim::parallel::cores();
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

/// How a job ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It finished with this result.
    Done(T),
    /// It stopped because it was cancelled.
    Cancelled,
    /// It panicked; the message says where.
    Failed(String),
}

/// The job under way. Each request has a channel of its own, so a superseded job's result
/// has nowhere to go: it can never be taken for the newest one.
struct Running<T> {
    progress: Arc<Progress>,
    started: Instant,
    receiver: Receiver<(u64, Outcome<T>)>,
}

/// One kind of work: at most one job of it is wanted at a time (older ones are cancelled and
/// their results dropped).
pub struct JobSlot<T> {
    name: &'static str,
    priority: Priority,
    generation: u64,
    running: Option<Running<T>>,
}

impl<T: Send + 'static> JobSlot<T> {
    /// An idle slot; `name` names its threads and its failures.
    pub fn new(name: &'static str, priority: Priority) -> Self {
        Self { name, priority, generation: 0, running: None }
    }

    /// Starts `work` in the background, cancelling the job under way. `wake` is called (from the
    /// job's thread) when the job has ended. Returns the new generation.
    pub fn request<W>(&mut self, wake: impl Fn() + Send + 'static, work: W) -> u64
    where
        W: FnOnce(&Progress) -> Result<T, Cancelled> + Send + 'static,
    {
        self.cancel();
        self.generation += 1;
        let generation = self.generation;
        let progress = Arc::new(Progress::default());
        let (sender, receiver) = channel();
        let job_progress = Arc::clone(&progress);
        let pool = pool(self.priority);
        let run = move || {
            let result = catch_unwind(AssertUnwindSafe(|| pool.install(|| work(&job_progress))));
            let outcome = match result {
                Ok(Ok(value)) => Outcome::Done(value),
                Ok(Err(Cancelled)) => Outcome::Cancelled,
                Err(panic) => Outcome::Failed(panic_message(panic.as_ref())),
            };
            // The receiver may be gone (the slot was dropped): nothing to report to then.
            let _ = sender.send((generation, outcome));
            wake();
        };
        if let Err(e) = std::thread::Builder::new().name(self.name.to_owned()).spawn(run) {
            // The closure (and its sender) is gone with the error: report through a new channel.
            let (sender, receiver) = channel();
            let _ = sender.send((generation, Outcome::Failed(format!("no thread: {e}"))));
            self.running = Some(Running { progress, started: Instant::now(), receiver });
            return generation;
        }
        self.running = Some(Running { progress, started: Instant::now(), receiver });
        generation
    }

    /// Cancels the job under way, if any; its result will never be handed back.
    pub fn cancel(&mut self) {
        if let Some(running) = self.running.take() {
            running.progress.cancel();
        }
    }

    /// Whether a job is under way.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// The fraction done of the job under way.
    pub fn progress(&self) -> Option<f32> {
        self.running.as_ref().map(|r| r.progress.fraction())
    }

    /// How long the job under way has been running.
    pub fn elapsed(&self) -> Option<Duration> {
        self.running.as_ref().map(|r| r.started.elapsed())
    }

    /// The newest generation requested.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The outcome of the newest job, once it has ended (exactly once), with how long it took.
    pub fn poll(&mut self) -> Option<(Outcome<T>, Duration)> {
        let running = self.running.as_ref()?;
        let outcome = match running.receiver.try_recv() {
            Ok((generation, outcome)) if generation == self.generation => outcome,
            Ok(_) => return None,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                Outcome::Failed(format!("{}: the job ended without a result", self.name))
            }
        };
        let elapsed = running.started.elapsed();
        self.running = None;
        Some((outcome, elapsed))
    }

    /// Waits for the job under way to end (tests and the command line; never the UI thread).
    pub fn wait(&mut self) -> Option<Outcome<T>> {
        let running = self.running.take()?;
        loop {
            match running.receiver.recv() {
                Ok((generation, outcome)) if generation == self.generation => return Some(outcome),
                Ok(_) => continue,
                Err(_) => {
                    return Some(Outcome::Failed(format!(
                        "{}: the job ended without a result",
                        self.name
                    )));
                }
            }
        }
    }
}

impl<T: Send + 'static> Default for JobSlot<T> {
    /// An idle slot for background work.
    fn default() -> Self {
        Self::new("job", Priority::Background)
    }
}

impl<T> Drop for JobSlot<T> {
    fn drop(&mut self) {
        if let Some(running) = &self.running {
            running.progress.cancel();
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("internal error: {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_newer_request_wins_and_the_older_is_cancelled() {
        let mut slot = JobSlot::<u32>::new("test", Priority::Background);
        let (tx, rx) = channel::<()>();
        let rx = std::sync::Mutex::new(rx);
        // The first job waits until cancelled: it must never be handed back.
        slot.request(
            || {},
            move |p| {
                while !p.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let _ = rx.lock().map(|r| r.try_recv());
                Ok(1)
            },
        );
        slot.request(|| {}, |_| Ok(2));
        drop(tx);
        match slot.wait() {
            Some(Outcome::Done(v)) => assert_eq!(v, 2),
            other => panic!("expected the newest result, got {other:?}"),
        }
        assert!(!slot.busy());
    }

    #[test]
    fn a_panic_is_a_failure_not_a_hang() {
        let mut slot = JobSlot::<u32>::new("test", Priority::Interactive);
        slot.request(|| {}, |_| panic!("boom at row 3"));
        match slot.wait() {
            Some(Outcome::Failed(message)) => assert!(message.contains("boom at row 3")),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn cancel_reaches_a_running_job() {
        let mut slot = JobSlot::<u64>::new("test", Priority::Background);
        let started = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&started);
        slot.request(
            || {},
            move |p| {
                flag.store(true, Ordering::SeqCst);
                let mut n = 0;
                loop {
                    p.check()?;
                    n += 1;
                    std::thread::sleep(Duration::from_millis(1));
                    if n > 100_000 {
                        return Ok(n);
                    }
                }
            },
        );
        while !started.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let progress = Arc::clone(&slot.running.as_ref().expect("running").progress);
        slot.cancel();
        assert!(progress.is_cancelled());
        assert!(slot.poll().is_none(), "a cancelled job is never handed back");
    }
}
