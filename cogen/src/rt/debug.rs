use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use crate::async_gen::watch;

/// asyncio's debug mode (`asyncio.run(debug=True)`), reported through
/// `tracing` warnings (target `cogen::debug`):
///
/// - one poll of a task ([`spawn`](crate::rt::spawn), [`TaskGroup`](crate::rt::TaskGroup),
///   the future given to [`run`](crate::rt::run)) or of an async generator's
///   body takes longer than [`slow_poll`](DebugMode::slow_poll) (asyncio's
///   `slow_callback_duration`, default 100 ms): something blocks the thread;
/// - a producer waits on a full [`Queue`](crate::rt::Queue) or `buffer`
///   longer than [`slow_backpressure`](DebugMode::slow_backpressure)
///   (default 1 s);
/// - an async generator is dropped with its async cleanup skipped (this one
///   is logged in debug mode and out of it).
///
/// Debug mode is per thread: [`Runner::debug`](crate::rt::Runner::debug)
/// turns it on for every thread of the runtime it builds, and
/// [`enter`](DebugMode::enter) for the current thread (a current-thread
/// runtime, a test). Off, it costs one thread-local load per poll.
///
/// tokio's own relative is `tokio-console` (with `tokio_unstable`); this
/// needs neither.
///
/// # Examples
///
/// ```
/// use cogen::rt::{DebugMode, Runner};
/// use std::time::Duration;
///
/// let debug = DebugMode::new().slow_poll(Duration::from_millis(50));
/// let n = Runner::new().debug(debug).run(async {
///     assert!(DebugMode::current().is_some());
///     std::thread::sleep(Duration::from_millis(60)); // logs a warning
///     7
/// });
/// assert_eq!(n, 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebugMode {
    slow_poll: Duration,
    slow_backpressure: Duration,
}

impl Default for DebugMode {
    fn default() -> Self {
        DebugMode {
            slow_poll: Duration::from_millis(100),
            slow_backpressure: Duration::from_secs(1),
        }
    }
}

impl DebugMode {
    /// The defaults: 100 ms for a poll, 1 s on backpressure.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let d = cogen::rt::DebugMode::new();
    /// assert_eq!(d.slow_poll_threshold(), Duration::from_millis(100));
    /// assert_eq!(d.slow_backpressure_threshold(), Duration::from_secs(1));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Warn when one poll takes longer than `threshold`.
    ///
    /// # Panics
    ///
    /// If `threshold` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let d = cogen::rt::DebugMode::new().slow_poll(Duration::from_millis(10));
    /// assert_eq!(d.slow_poll_threshold(), Duration::from_millis(10));
    /// ```
    #[must_use]
    pub fn slow_poll(mut self, threshold: Duration) -> Self {
        assert!(
            !threshold.is_zero(),
            "cogen: the slow-poll threshold must not be zero"
        );
        self.slow_poll = threshold;
        self
    }

    /// Warn when a producer has waited on backpressure longer than `threshold`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let d = cogen::rt::DebugMode::new().slow_backpressure(Duration::from_secs(5));
    /// assert_eq!(d.slow_backpressure_threshold(), Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn slow_backpressure(mut self, threshold: Duration) -> Self {
        self.slow_backpressure = threshold;
        self
    }

    /// The slow-poll threshold.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// assert_eq!(cogen::rt::DebugMode::new().slow_poll_threshold(), Duration::from_millis(100));
    /// ```
    pub fn slow_poll_threshold(&self) -> Duration {
        self.slow_poll
    }

    /// The backpressure threshold.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// assert_eq!(cogen::rt::DebugMode::new().slow_backpressure_threshold(), Duration::from_secs(1));
    /// ```
    pub fn slow_backpressure_threshold(&self) -> Duration {
        self.slow_backpressure
    }

    /// Debug mode on this thread, if it is on.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::DebugMode::current(), None);
    /// ```
    pub fn current() -> Option<DebugMode> {
        watch::current().map(DebugMode::from)
    }

    /// Turns debug mode on for this thread until the guard is dropped (then
    /// restores what was there before).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::DebugMode;
    ///
    /// let guard = DebugMode::new().enter();
    /// assert_eq!(DebugMode::current(), Some(DebugMode::new()));
    /// drop(guard);
    /// assert_eq!(DebugMode::current(), None);
    /// ```
    pub fn enter(self) -> DebugGuard {
        DebugGuard {
            previous: set(Some(self)),
            _not_send: core::marker::PhantomData,
        }
    }
}

/// Sets this thread's debug mode, returning the previous one.
pub(crate) fn set(mode: Option<DebugMode>) -> Option<DebugMode> {
    watch::set(mode.map(|m| watch::Settings {
        slow_poll: m.slow_poll,
        slow_backpressure: m.slow_backpressure,
    }))
    .map(DebugMode::from)
}

impl From<watch::Settings> for DebugMode {
    fn from(s: watch::Settings) -> Self {
        DebugMode {
            slow_poll: s.slow_poll,
            slow_backpressure: s.slow_backpressure,
        }
    }
}

/// Keeps debug mode on for the current thread; made by [`DebugMode::enter`].
///
/// # Examples
///
/// ```
/// let _guard = cogen::rt::DebugMode::new().enter();
/// assert!(cogen::rt::DebugMode::current().is_some());
/// ```
#[derive(Debug)]
#[must_use = "debug mode is switched off again when the guard is dropped"]
pub struct DebugGuard {
    previous: Option<DebugMode>,
    _not_send: core::marker::PhantomData<*const ()>,
}

impl Drop for DebugGuard {
    fn drop(&mut self) {
        set(self.previous);
    }
}

pin_project_lite::pin_project! {
    /// A task's future, timed in debug mode.
    pub(crate) struct Watched<F> {
        name: std::sync::Arc<str>,
        #[pin]
        fut: F,
    }
}

impl<F> Watched<F> {
    pub(crate) fn new(name: std::sync::Arc<str>, fut: F) -> Self {
        Watched { name, fut }
    }
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        match watch::slow_poll() {
            None => this.fut.poll(cx),
            Some(threshold) => watch::timed(
                threshold,
                || this.fut.poll(cx),
                |took| slow_task_poll(this.name, took, threshold),
            ),
        }
    }
}

#[cold]
#[inline(never)]
fn slow_task_poll(name: &str, took: Duration, threshold: Duration) {
    tracing::warn!(
        target: "cogen::debug",
        task = name,
        took_ms = took.as_secs_f64() * 1e3,
        "one poll of task {name:?} took {took:?} (threshold {threshold:?}): something in \
         it blocks the thread; move blocking work to cogen::rt::to_thread"
    );
}

/// Awaits `wait` (a producer waiting for room); in debug mode, warns once if
/// that takes longer than the backpressure threshold.
pub(crate) async fn backpressure<T>(what: &str, wait: impl Future<Output = T>) -> T {
    let Some(mode) = DebugMode::current() else {
        return wait.await;
    };
    let mut wait = core::pin::pin!(wait);
    match tokio::time::timeout(mode.slow_backpressure, wait.as_mut()).await {
        Ok(out) => out,
        Err(_) => {
            let threshold = mode.slow_backpressure;
            tracing::warn!(
                target: "cogen::debug",
                "a producer has waited longer than {threshold:?} for room in {what}: \
                 its consumers are too slow"
            );
            wait.await
        }
    }
}
