use core::cell::RefCell;
use core::future::Future;
use core::task::Poll;
use std::sync::{Arc, Mutex, PoisonError};

use super::Finalizer;
use super::debug::{self, DebugMode, Watched};
use super::deferred::Cleanups;

/// Where a run's threads find its finalizer. Emptied when the run ends: the
/// runtime keeps the thread-start hook (and so this slot) alive, and the
/// finalizer holds a handle to the runtime, a cycle that would leak both.
type Slot = Arc<Mutex<Option<Finalizer>>>;

thread_local! {
    /// The finalizer of the [`run`] this thread belongs to.
    static FINALIZER: RefCell<Option<Slot>> = const { RefCell::new(None) };
}

fn lock(slot: &Slot) -> std::sync::MutexGuard<'_, Option<Finalizer>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The finalizer of the [`run`] (or [`Runner::run`]) this thread belongs to.
pub(crate) fn current_finalizer() -> Option<Finalizer> {
    FINALIZER.with(|f| f.borrow().as_ref().and_then(|slot| lock(slot).clone()))
}

/// Builds a tokio runtime, runs a future on it, and shuts it down the way
/// `asyncio.run` does. See [`Runner`] for the options.
///
/// Relative: `#[tokio::main]` / [`tokio::runtime::Runtime::block_on`]; this
/// adds asyncio's shutdown of async generators and its debug mode.
///
/// # Panics
///
/// If the runtime cannot be built, or when called from inside an async
/// context (as `asyncio.run` refuses to run inside a running loop).
///
/// # Examples
///
/// ```
/// let answer = cogen::rt::run(async {
///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
///     42
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(main: F) -> F::Output {
    Runner::new().run(main)
}

/// Options for [`run`]: the debug mode, and how many worker threads.
///
/// [`Runner::run`]:
/// 1. builds a tokio runtime with time (and every other enabled driver);
/// 2. runs `main` to completion on the calling thread (it need not be `Send`);
///    debug mode watches it as the task `"main"`;
/// 3. while `main` runs and after it returns, awaits the unfinished cleanup
///    of every catching async generator made by
///    [`catching::async_generator`](crate::catching::async_generator) or
///    [`catching::async_coroutine`](crate::catching::async_coroutine) (a
///    plain one has no cleanup to await) and dropped on this
///    thread (with the default current-thread runtime, in any task), and of
///    every generator handed to the run's [`Finalizer`] (see
///    [`Finalizer::current`]) and every
///    [`buffer`](crate::rt::RuntimeOpsExt::buffer) dropped unfinished:
///    asyncio's async-generator finalizer and `shutdown_asyncgens`. A
///    generator dropped on a worker thread of a multi-thread runtime (or a
///    blocking thread) cannot move here unless it
///    is `Send`, which its type does not promise: attach it to the
///    [`Finalizer`] to have its cleanup awaited; otherwise it is skipped and
///    logged (on standard error too, in debug mode). A cleanup's panic is
///    resumed once `main` has returned and the others are done. asyncio
///    cancels the tasks still running *before* this step; tokio cannot, so a
///    cleanup that waits for one of them (for a channel a running task keeps
///    open, say) keeps `run` waiting: close such generators yourself before
///    `main` returns;
/// 4. shuts the runtime down: tasks still running are dropped (tokio cannot
///    throw a cancellation into them as asyncio does), and blocking work
///    started with [`to_thread`](crate::rt::to_thread) is waited for
///    (asyncio's `shutdown_default_executor`).
///
/// # Examples
///
/// ```
/// use cogen::rt::{DebugMode, Runner};
///
/// let sum = Runner::new()
///     .worker_threads(2)
///     .debug(DebugMode::new())
///     .run(async {
///         let a = tokio::spawn(async { 1 });
///         let b = tokio::spawn(async { 2 });
///         a.await.unwrap() + b.await.unwrap()
///     });
/// assert_eq!(sum, 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Runner {
    debug: Option<DebugMode>,
    worker_threads: Option<usize>,
}

impl Runner {
    /// A current-thread runtime (one thread, as asyncio's loop), debug off.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::Runner::new().run(async { 1 }), 1);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Turns debug mode on for every thread of the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::{DebugMode, Runner};
    /// let on = Runner::new().debug(DebugMode::new()).run(async { DebugMode::current().is_some() });
    /// assert!(on);
    /// ```
    #[must_use]
    pub fn debug(mut self, mode: DebugMode) -> Self {
        self.debug = Some(mode);
        self
    }

    /// A multi-thread runtime with `n` workers instead of a current-thread one.
    ///
    /// # Panics
    ///
    /// If `n` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let n = cogen::rt::Runner::new().worker_threads(2).run(async {
    ///     tokio::spawn(async { 5 }).await.unwrap()
    /// });
    /// assert_eq!(n, 5);
    /// ```
    #[must_use]
    pub fn worker_threads(mut self, n: usize) -> Self {
        assert!(n > 0, "cogen: a runtime needs at least one worker thread");
        self.worker_threads = Some(n);
        self
    }

    /// Runs `main` as [`run`] describes.
    ///
    /// # Panics
    ///
    /// As [`run`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::Runner::new().run(async { "done" }), "done");
    /// ```
    #[track_caller]
    pub fn run<F: Future>(self, main: F) -> F::Output {
        if tokio::runtime::Handle::try_current().is_ok() {
            panic!(
                "cogen::rt::run() cannot be called from a running tokio runtime; \
                 await the future instead"
            );
        }
        let slot: Slot = Arc::default();
        let mut builder = match self.worker_threads {
            None => tokio::runtime::Builder::new_current_thread(),
            Some(n) => {
                let mut b = tokio::runtime::Builder::new_multi_thread();
                b.worker_threads(n);
                b
            }
        };
        let (debug, for_threads) = (self.debug, slot.clone());
        builder.enable_all().on_thread_start(move || {
            debug::set(debug);
            FINALIZER.with(|f| *f.borrow_mut() = Some(for_threads.clone()));
        });
        let rt = builder
            .build()
            .unwrap_or_else(|e| panic!("cogen::rt::run() could not build a tokio runtime: {e}"));
        let finalizer = Finalizer::with_handle(rt.handle().clone());
        *lock(&slot) = Some(finalizer.clone());
        // Dropped before `rt`, on a panic in `main` too.
        let _clear = ClearSlot(slot.clone());

        // This thread drives `main`: it belongs to the run until it returns.
        let _debug = self.debug.map(DebugMode::enter);
        let previous = FINALIZER.with(|f| f.borrow_mut().replace(slot.clone()));
        let _restore = RestoreFinalizer(previous);

        let out = rt.block_on(async {
            // Generators dropped on this thread hand their unfinished
            // cleanup here; it runs next to `main` and is awaited below.
            let mut cleanups = Cleanups::install();
            let mut main = core::pin::pin!(Watched::new(Arc::from("main"), main));
            let out = core::future::poll_fn(|cx| {
                let _ = cleanups.poll_all(cx);
                main.as_mut().poll(cx)
            })
            .await;
            // asyncio's `shutdown_asyncgens`: both kinds at once (a cleanup
            // may wait on another's), until neither has work left (a cleanup
            // may drop another generator).
            loop {
                let mut shutdown = core::pin::pin!(finalizer.shutdown_asyncgens());
                let (mut local_done, mut tasks_done) = (false, false);
                core::future::poll_fn(|cx| {
                    local_done = cleanups.poll_all(cx).is_ready();
                    if !tasks_done {
                        tasks_done = shutdown.as_mut().poll(cx).is_ready();
                    }
                    if local_done && tasks_done {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                })
                .await;
                if cleanups.is_idle() && finalizer.pending() == 0 {
                    break;
                }
            }
            if let Some(panic) = cleanups.take_panic() {
                std::panic::resume_unwind(panic);
            }
            out
        });
        drop(finalizer);
        out
    }
}

/// Empties the run's slot, breaking the cycle through the runtime's hook.
struct ClearSlot(Slot);

impl Drop for ClearSlot {
    fn drop(&mut self) {
        lock(&self.0).take();
    }
}

struct RestoreFinalizer(Option<Slot>);

impl Drop for RestoreFinalizer {
    fn drop(&mut self) {
        let previous = self.0.take();
        FINALIZER.with(|f| *f.borrow_mut() = previous);
    }
}
