//! Where a dropped async generator's unfinished cleanup goes: a per-thread
//! *sink* that `cogen::rt::run` installs on the thread that drives its main
//! future, and awaits before it returns (asyncio's async-generator finalizer
//! hook). This layer does not know `rt`; without a sink on the dropping
//! thread, the cleanup is skipped and reported, as it always was.
//!
//! The cleanup is polled on the thread where the generator was dropped, so it
//! need not be `Send`; it must be `'static`, which the constructors that
//! capture [`defer_cleanup`] require of the body.

use core::cell::RefCell;
use core::fmt::Debug;
use core::future::Future;
use core::pin::Pin;
use std::rc::Rc;

use super::AsyncGen;
use crate::engine::Handling;

/// The rest of a dropped generator's close, to be awaited.
pub(crate) type Cleanup = Pin<Box<dyn Future<Output = ()>>>;

/// Receives cleanups on one thread.
pub(crate) type Sink = Rc<dyn Fn(Cleanup)>;

thread_local! {
    static SINK: RefCell<Option<Sink>> = const { RefCell::new(None) };
}

/// Installs (or removes) this thread's sink; returns the previous one.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) fn set_sink(sink: Option<Sink>) -> Option<Sink> {
    SINK.with(|s| s.replace(sink))
}

/// This thread's sink, if any (none while the thread is being torn down).
fn sink() -> Option<Sink> {
    SINK.try_with(|s| s.borrow().clone()).ok().flatten()
}

/// Moves a dropped generator whose close is waiting (phase `Running {
/// closing: true }`) into a cleanup for this thread's sink. Returns `false`,
/// leaving the generator untouched, when there is no sink.
pub(crate) fn defer_cleanup<
    Y: 'static,
    F: Future + 'static,
    S: 'static,
    E: Debug + 'static,
    K: Handling,
>(
    agen: &mut AsyncGen<Y, F, S, E, K>,
) -> bool {
    let Some(sink) = sink() else {
        return false;
    };
    // The moved generator must not defer again if its cleanup is itself
    // dropped unfinished (the run is being torn down): it then reports.
    let mut rest = AsyncGen::<Y, F, S, E, K> {
        core: agen.core.take(),
        origin: agen.origin,
        defer: None,
    };
    sink(Box::pin(async move {
        let outcome = core::future::poll_fn(|cx| rest.poll_step(cx, None)).await;
        rest.origin
            .report_close("async generator", "it was dropped", &outcome);
        // An ignored close leaves it suspended: finalize once, as Python does,
        // instead of closing it again when `rest` is dropped.
        rest.core.finish();
    }));
    true
}
