//! Debug mode's home: the per-thread setting (one thread-local), the timing
//! of a poll, and the slow-body report. Off, it costs one thread-local load
//! per step; `cogen::rt`'s `DebugMode` switches it on for the threads of a
//! runtime.

use core::cell::Cell;
use core::panic::Location;
use std::time::{Duration, Instant};

thread_local! {
    /// Debug mode on this thread: its one home. `cogen::rt::DebugMode` is
    /// the public face; `Runner::debug` and `DebugMode::enter` set it.
    static DEBUG: Debug = const {
        Debug {
            slow_poll_nanos: Cell::new(0),
            slow_backpressure: Cell::new(None),
        }
    };
}

struct Debug {
    /// The slow-poll threshold in nanoseconds, read on every step; 0: off.
    slow_poll_nanos: Cell<u64>,
    /// The backpressure threshold, read only where a producer waits.
    slow_backpressure: Cell<Option<Duration>>,
}

/// Debug mode's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) struct Settings {
    pub(crate) slow_poll: Duration,
    pub(crate) slow_backpressure: Duration,
}

/// The slow-poll threshold on this thread, if debug mode is on here.
#[inline(always)]
pub(crate) fn slow_poll() -> Option<Duration> {
    match DEBUG.with(|d| d.slow_poll_nanos.get()) {
        0 => None,
        nanos => Some(Duration::from_nanos(nanos)),
    }
}

/// Debug mode on this thread, if it is on.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) fn current() -> Option<Settings> {
    DEBUG.with(|d| {
        let slow_backpressure = d.slow_backpressure.get()?;
        Some(Settings {
            slow_poll: Duration::from_nanos(d.slow_poll_nanos.get()),
            slow_backpressure,
        })
    })
}

/// Sets this thread's debug mode; returns the previous one.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) fn set(settings: Option<Settings>) -> Option<Settings> {
    let previous = current();
    DEBUG.with(|d| match settings {
        None => {
            d.slow_poll_nanos.set(0);
            d.slow_backpressure.set(None);
        }
        Some(s) => {
            // Zero is "off"; `DebugMode::slow_poll` rejects a zero threshold.
            let nanos = u64::try_from(s.slow_poll.as_nanos()).unwrap_or(u64::MAX);
            d.slow_poll_nanos.set(nanos.max(1));
            d.slow_backpressure.set(Some(s.slow_backpressure));
        }
    });
    previous
}

/// Runs `poll`, calling `report` with the time it took if that exceeds
/// `threshold`. Used by `rt`'s watched tasks (a generator body is timed by
/// [`Stopwatch`]).
#[cold]
#[inline(never)]
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) fn timed<T>(
    threshold: Duration,
    poll: impl FnOnce() -> T,
    report: impl FnOnce(Duration),
) -> T {
    let start = Instant::now();
    let out = poll();
    let took = start.elapsed();
    if took > threshold {
        report(took);
    }
    out
}

/// Times one poll of a generator's body in debug mode. Started before the
/// poll and checked after it, so that the body's `poll` has one call site
/// whether debug mode is on or not (a second, timed, copy of the poll would
/// keep LLVM from folding the body into the consumer's loop).
pub(crate) struct Stopwatch {
    threshold: Duration,
    start: Instant,
}

impl Stopwatch {
    /// `Some` when debug mode's slow-poll warning is on on this thread.
    #[inline]
    pub(crate) fn start() -> Option<Self> {
        slow_poll().map(Self::started)
    }

    #[cold]
    #[inline(never)]
    fn started(threshold: Duration) -> Self {
        Stopwatch {
            threshold,
            start: Instant::now(),
        }
    }

    /// Warns if the poll took longer than the threshold.
    #[cold]
    #[inline(never)]
    pub(crate) fn stop(self, origin: &'static Location<'static>) {
        let took = self.start.elapsed();
        if took > self.threshold {
            slow_body(origin, took, self.threshold);
        }
    }
}

/// Warns that one poll of the body of the generator created at `origin`
/// took `took`.
#[cold]
pub(crate) fn slow_body(origin: &'static Location<'static>, took: Duration, threshold: Duration) {
    tracing::warn!(
        target: "cogen::debug",
        created_at = %origin,
        took_ms = took.as_secs_f64() * 1e3,
        "one poll of the async generator created at {origin} took {took:?} \
         (threshold {threshold:?}): something in its body blocks the thread"
    );
}
