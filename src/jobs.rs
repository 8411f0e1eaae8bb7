//! Background jobs: everything slow runs here, never on the UI thread.
//!
//! A [`JobSlot`] holds the latest request for one kind of work (the runs of a scene, the critical
//! points, a basin map, …). [`JobSlot::request`] starts the work and cancels whatever that slot
//! was still computing; every request gets a *generation*, and a result is handed back only if it
//! belongs to the newest generation, so a slow old job can never replace a newer result. Work
//! reports progress and checks for cancellation through a [`Progress`]; a panic inside a job is
//! caught and handed back as [`Outcome::Failed`], so a spinner never turns forever.
//!
//! Where the work runs is the platform's matter ([`crate::platform`]), chosen per thread by
//! [`Runner`]:
//! - [`Runner::Threads`] (the desktop): each job on a thread of its own, its data-parallel part on
//!   one of two rayon pools ([`Priority`]): interactive work (the runs on screen, the heatmap)
//!   has a pool of its own, so a long background computation (a basin map, the high-dimension
//!   sampling) never holds up the picture a person is looking at.
//! - [`Runner::BetweenFrames`] (the browser, which has no threads): the job waits in this
//!   thread's queue, and the app calls [`run_slices`] once per frame with a time budget.
//!
//! A job is either a closure (run in one piece) or a [`Sliced`] job, cut into resumable slices
//! ([`JobSlot::request_sliced`]): on a thread its slices run one after the other; between frames
//! each frame runs as many as its budget allows, so long work never freezes the page. Either way
//! its result is exactly the same.
//!
//! Nothing here depends on the GUI: the app passes a waker that asks for a repaint, the command
//! line a no-op.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Duration;

pub use crate::platform::Priority;
use crate::platform::{self, Instant};
pub use crate::sim::run::progress::{Cancelled, Progress};

/// How much work one slice of a [`Sliced`] job may do.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    /// Everything that is left (the job has a thread of its own).
    Whole,
    /// Until this moment (the job runs between frames).
    Until(Instant),
}

impl Budget {
    /// Whether there is time left for another unit of work.
    pub fn left(&self) -> bool {
        match self {
            Budget::Whole => true,
            Budget::Until(deadline) => Instant::now() < *deadline,
        }
    }

    /// Whether the slice may do all that is left in one go.
    pub fn is_whole(&self) -> bool {
        matches!(self, Budget::Whole)
    }
}

/// A job cut into resumable slices: its state lives in the value, and each call of
/// [`Sliced::slice`] carries it further. Running it slice by slice gives exactly the result of
/// running it whole ([`run_whole`]).
pub trait Sliced: Send + 'static {
    /// What the job hands back.
    type Output: Send + 'static;

    /// Does the next piece of the work: at least one unit (so that every slice makes headway),
    /// then more while `budget` [lasts](Budget::left). Advances `progress` and stops with
    /// `Err(Cancelled)` when it is cancelled. `Ok(Some(output))` once the job is done,
    /// `Ok(None)` while work is left.
    ///
    /// # Errors
    /// [`Cancelled`] when `progress` was cancelled.
    fn slice(
        &mut self,
        budget: Budget,
        progress: &Progress,
    ) -> Result<Option<Self::Output>, Cancelled>;
}

/// Runs `job` to its end on the calling thread, in slices of [`Budget::Whole`].
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn run_whole<J: Sliced>(mut job: J, progress: &Progress) -> Result<J::Output, Cancelled> {
    loop {
        if let Some(output) = job.slice(Budget::Whole, progress)? {
            return Ok(output);
        }
        progress.check()?;
    }
}

/// A closure job as a [`Sliced`] one of a single slice.
struct OnePiece<W, T> {
    work: Option<W>,
    output: PhantomData<fn() -> T>,
}

impl<W, T> Sliced for OnePiece<W, T>
where
    W: FnOnce(&Progress) -> Result<T, Cancelled> + Send + 'static,
    T: Send + 'static,
{
    type Output = T;

    fn slice(&mut self, _: Budget, progress: &Progress) -> Result<Option<T>, Cancelled> {
        // Taken on the first slice, which always ends the job: there is no second.
        match self.work.take() {
            Some(work) => work(progress).map(Some),
            None => Err(Cancelled),
        }
    }
}

/// Where the jobs requested on a thread run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    /// Each job on a thread of its own (the desktop).
    Threads,
    /// In slices, when the thread calls [`run_slices`] (the browser, once per frame).
    BetweenFrames,
}

thread_local! {
    static RUNNER: Cell<Runner> = const {
        Cell::new(if platform::HAS_THREADS { Runner::Threads } else { Runner::BetweenFrames })
    };
    static QUEUE: RefCell<VecDeque<Box<dyn Task>>> = const { RefCell::new(VecDeque::new()) };
}

/// Where the jobs requested from now on by the calling thread run: the platform's way by default
/// ([`Runner::Threads`] where there are threads); tests run a thread's jobs between frames, as
/// the browser does.
pub fn set_runner(runner: Runner) {
    RUNNER.set(runner);
}

/// Where the jobs requested by the calling thread run.
pub fn runner() -> Runner {
    RUNNER.get()
}

/// How long one frame gives the jobs waiting for slices: a frame stays well under SPEC §7's
/// 250 ms, painting included.
pub const FRAME_BUDGET: Duration = Duration::from_millis(30);

/// Runs slices of the jobs waiting on this thread (round robin, each slice at least one unit of
/// work) until `budget` is spent or none is left. Returns whether work is left: then the caller
/// should come back next frame. Does nothing where jobs have threads of their own.
pub fn run_slices(budget: Duration) -> bool {
    let deadline = Instant::now() + budget;
    loop {
        // Out of the queue while it runs: a job may request another.
        let Some(mut task) = QUEUE.with_borrow_mut(VecDeque::pop_front) else { return false };
        if !task.run(Budget::Until(deadline)) {
            QUEUE.with_borrow_mut(|queue| queue.push_back(task));
        }
        if Instant::now() >= deadline {
            return QUEUE.with_borrow(|queue| !queue.is_empty());
        }
    }
}

/// A job waiting in this thread's queue.
trait Task {
    /// Runs one slice; `true` once the job has ended (its outcome sent, its waker called).
    fn run(&mut self, budget: Budget) -> bool;
}

/// A [`Sliced`] job with what it reports to.
struct Queued<J: Sliced> {
    job: J,
    priority: Priority,
    progress: Arc<Progress>,
    generation: u64,
    sender: Sender<(u64, Outcome<J::Output>)>,
    wake: Box<dyn Fn() + Send>,
}

impl<J: Sliced> Task for Queued<J> {
    fn run(&mut self, budget: Budget) -> bool {
        // Superseded or cancelled: dropped without another slice.
        let outcome = if self.progress.is_cancelled() {
            Outcome::Cancelled
        } else {
            match run_slice(&mut self.job, budget, &self.progress, self.priority) {
                Some(outcome) => outcome,
                None => return false,
            }
        };
        // The receiver may be gone (the slot was dropped): nothing to report to then.
        let _ = self.sender.send((self.generation, outcome));
        (self.wake)();
        true
    }
}

/// Runs one slice of `job` on `priority`'s pool: its outcome if the job ended (done, cancelled
/// or panicked), `None` while work is left.
fn run_slice<J: Sliced>(
    job: &mut J,
    budget: Budget,
    progress: &Progress,
    priority: Priority,
) -> Option<Outcome<J::Output>> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        platform::install(priority, || job.slice(budget, progress))
    }));
    match result {
        Ok(Ok(Some(value))) => Some(Outcome::Done(value)),
        Ok(Ok(None)) => None,
        Ok(Err(Cancelled)) => Some(Outcome::Cancelled),
        Err(panic) => Some(Outcome::Failed(panic_message(panic.as_ref()))),
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
    runner: Runner,
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

    /// Starts `work` in the background, in one piece, cancelling the job under way. `wake` is
    /// called (from wherever the job ran) when the job has ended. Returns the new generation.
    pub fn request<W>(&mut self, wake: impl Fn() + Send + 'static, work: W) -> u64
    where
        W: FnOnce(&Progress) -> Result<T, Cancelled> + Send + 'static,
    {
        self.request_sliced(wake, OnePiece { work: Some(work), output: PhantomData })
    }

    /// Starts `job` in the background, slice after slice, cancelling the job under way. `wake`
    /// is called (from wherever the job ran) when the job has ended. Returns the new generation.
    pub fn request_sliced<J>(&mut self, wake: impl Fn() + Send + 'static, job: J) -> u64
    where
        J: Sliced<Output = T>,
    {
        self.cancel();
        self.generation += 1;
        let generation = self.generation;
        let progress = Arc::new(Progress::default());
        let (sender, receiver) = channel();
        let runner = runner();
        let queued = Queued {
            job,
            priority: self.priority,
            progress: Arc::clone(&progress),
            generation,
            sender,
            wake: Box::new(wake),
        };
        let receiver = match runner {
            Runner::Threads => start_thread(self.name, queued, receiver),
            Runner::BetweenFrames => {
                QUEUE.with_borrow_mut(|queue| queue.push_back(Box::new(queued)));
                receiver
            }
        };
        self.running = Some(Running { progress, started: Instant::now(), receiver, runner });
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
    /// A job waiting for slices has them run here.
    pub fn wait(&mut self) -> Option<Outcome<T>> {
        let running = self.running.take()?;
        loop {
            match running.next_message() {
                Some((generation, outcome)) if generation == self.generation => {
                    return Some(outcome);
                }
                Some(_) => continue,
                None => {
                    return Some(Outcome::Failed(format!(
                        "{}: the job ended without a result",
                        self.name
                    )));
                }
            }
        }
    }
}

impl<T> Running<T> {
    /// The next message of the job, waiting for it (on a thread) or running slices until it
    /// comes (between frames); `None` when the job ended without one.
    fn next_message(&self) -> Option<(u64, Outcome<T>)> {
        match self.runner {
            Runner::Threads => self.receiver.recv().ok(),
            Runner::BetweenFrames => loop {
                match self.receiver.try_recv() {
                    Ok(message) => return Some(message),
                    Err(TryRecvError::Disconnected) => return None,
                    Err(TryRecvError::Empty) => {
                        if !run_slices(FRAME_BUDGET) {
                            // Nothing left to run on this thread: the job has ended.
                            return self.receiver.try_recv().ok();
                        }
                    }
                }
            },
        }
    }
}

/// Runs `queued`'s slices one after the other on a thread of its own (a cancelled job stops
/// between two slices). Returns the receiver of its outcome: `receiver`, or one that says why no
/// thread could be started.
fn start_thread<J: Sliced>(
    name: &str,
    queued: Queued<J>,
    receiver: Receiver<(u64, Outcome<J::Output>)>,
) -> Receiver<(u64, Outcome<J::Output>)> {
    let generation = queued.generation;
    let run = move || {
        let Queued { mut job, priority, progress, generation, sender, wake } = queued;
        let outcome = loop {
            if let Some(outcome) = run_slice(&mut job, Budget::Whole, &progress, priority) {
                break outcome;
            }
            if progress.is_cancelled() {
                break Outcome::Cancelled;
            }
        };
        // The receiver may be gone (the slot was dropped): nothing to report to then.
        let _ = sender.send((generation, outcome));
        wake();
    };
    match platform::spawn(name, run) {
        Ok(()) => receiver,
        Err(e) => {
            // The job (and its sender) is gone with the error: report through a new channel.
            let (sender, receiver) = channel();
            let _ = sender.send((generation, Outcome::Failed(e)));
            receiver
        }
    }
}

/// A part of the app that owns one [`JobSlot`] and takes in what it delivers: its `poll` (each
/// frame) and `wait` (tests and benchmarks) are written once, here.
pub trait TakesJob {
    /// What the job computes.
    type Output: Send + 'static;
    /// What taking a delivery in gives the app (a message, a finished build).
    type Taken;

    /// The job.
    fn slot(&mut self) -> &mut JobSlot<Self::Output>;

    /// Takes the job's outcome in.
    fn take(&mut self, outcome: Outcome<Self::Output>) -> Option<Self::Taken>;

    /// Takes in what the job delivered, if it has finished.
    fn poll(&mut self) -> Option<Self::Taken> {
        let (outcome, _) = self.slot().poll()?;
        self.take(outcome)
    }

    /// Waits for the job under way and takes in what it delivers.
    fn wait(&mut self) -> Option<Self::Taken> {
        let outcome = self.slot().wait()?;
        self.take(outcome)
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

    /// Σ i² for i < end, one i per unit of work.
    struct SumOfSquares {
        next: u64,
        end: u64,
        sum: u64,
    }

    impl SumOfSquares {
        fn new(end: u64) -> Self {
            Self { next: 0, end, sum: 0 }
        }
    }

    impl Sliced for SumOfSquares {
        type Output = u64;

        fn slice(&mut self, budget: Budget, progress: &Progress) -> Result<Option<u64>, Cancelled> {
            progress.set_total(self.end);
            loop {
                progress.check()?;
                if self.next == self.end {
                    return Ok(Some(self.sum));
                }
                self.sum += self.next * self.next;
                self.next += 1;
                progress.advance(1);
                if !budget.left() {
                    return Ok(None);
                }
            }
        }
    }

    /// Runs frames (slices of no time: one unit of work each) until `slot` hands back an
    /// outcome; the outcome and the number of frames.
    fn frames_until_done<T: Send + 'static>(slot: &mut JobSlot<T>) -> (Outcome<T>, usize) {
        for frame in 1..100_000 {
            run_slices(Duration::ZERO);
            if let Some((outcome, _)) = slot.poll() {
                return (outcome, frame);
            }
        }
        panic!("the job never ended");
    }

    #[test]
    fn a_job_in_slices_between_frames_gives_the_whole_result() {
        let whole =
            run_whole(SumOfSquares::new(1000), &Progress::default()).expect("not cancelled");
        assert_eq!(whole, (0..1000u64).map(|i| i * i).sum::<u64>());
        set_runner(Runner::BetweenFrames);
        let mut slot = JobSlot::new("test", Priority::Background);
        slot.request_sliced(|| {}, SumOfSquares::new(1000));
        run_slices(Duration::ZERO);
        let fraction = slot.progress().expect("under way");
        assert!(fraction > 0.0 && fraction < 1.0, "progress shows between frames: {fraction}");
        let (outcome, frames) = frames_until_done(&mut slot);
        assert!(matches!(outcome, Outcome::Done(v) if v == whole), "{outcome:?}");
        assert!(frames > 100, "cut into slices: {frames} frames");
        assert!(!run_slices(Duration::ZERO), "nothing left to run");
        // On a thread of its own, the same result.
        set_runner(Runner::Threads);
        slot.request_sliced(|| {}, SumOfSquares::new(1000));
        assert!(matches!(slot.wait(), Some(Outcome::Done(v)) if v == whole));
    }

    #[test]
    fn between_frames_the_newest_request_wins_and_a_cancelled_job_stops() {
        set_runner(Runner::BetweenFrames);
        let mut slot = JobSlot::new("test", Priority::Interactive);
        slot.request_sliced(|| {}, SumOfSquares::new(1_000_000));
        run_slices(Duration::ZERO);
        slot.request_sliced(|| {}, SumOfSquares::new(10));
        let (outcome, frames) = frames_until_done(&mut slot);
        assert!(matches!(outcome, Outcome::Done(285)), "{outcome:?}");
        assert!(frames < 100, "the superseded job was dropped, not run: {frames} frames");
        slot.request_sliced(|| {}, SumOfSquares::new(1_000_000));
        run_slices(Duration::ZERO);
        slot.cancel();
        assert!(!run_slices(Duration::from_secs(1)), "a cancelled job is dropped at once");
        assert!(slot.poll().is_none() && !slot.busy(), "a cancelled job is never handed back");
    }

    #[test]
    fn between_frames_a_closure_job_runs_whole_and_wait_drives_it() {
        set_runner(Runner::BetweenFrames);
        let mut slot = JobSlot::<u32>::new("test", Priority::Background);
        slot.request(|| {}, |_| Ok(7));
        assert!(matches!(slot.wait(), Some(Outcome::Done(7))));
        slot.request(|| {}, |_| panic!("boom between frames"));
        match frames_until_done(&mut slot) {
            (Outcome::Failed(message), 1) => assert!(message.contains("boom between frames")),
            other => panic!("expected a failure in one frame, got {other:?}"),
        }
    }
}
