//! Debug mode's slow-poll check for generator bodies: off (one thread-local
//! load per step) unless `cogen::rt`'s debug mode switches it on for the
//! threads of a runtime.

use core::cell::Cell;
use core::panic::Location;
use std::time::{Duration, Instant};

thread_local! {
    /// The slow-poll threshold in nanoseconds; 0 means off.
    static SLOW_POLL_NANOS: Cell<u64> = const { Cell::new(0) };
}

/// The threshold on this thread, if debug mode is on here.
#[inline(always)]
pub(crate) fn slow_poll() -> Option<Duration> {
    match SLOW_POLL_NANOS.with(Cell::get) {
        0 => None,
        nanos => Some(Duration::from_nanos(nanos)),
    }
}

/// Sets this thread's threshold; returns the previous one.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) fn set_slow_poll(threshold: Option<Duration>) -> Option<Duration> {
    let nanos = threshold.map_or(0, |t| {
        u64::try_from(t.as_nanos()).unwrap_or(u64::MAX).max(1)
    });
    let previous = SLOW_POLL_NANOS.with(|c| c.replace(nanos));
    (previous != 0).then(|| Duration::from_nanos(previous))
}

/// Runs `poll`, calling `report` with the time it took if that exceeds
/// `threshold`. Shared by generator bodies and by `rt`'s watched tasks.
#[cold]
#[inline(never)]
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
