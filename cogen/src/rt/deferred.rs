//! The run's side of async-generator finalization: the cleanups that
//! generators dropped on the thread driving [`run`](super::run)'s main future
//! hand over (`async_gen::finalize`), polled next to `main` and awaited before
//! `run` returns, as asyncio's loop finalizes async generators.

use core::cell::RefCell;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use futures_core::Stream;
use futures_util::stream::FuturesUnordered;

use crate::async_gen::finalize::{self, Cleanup, Sink};

/// What the sink shares with the driver: new cleanups, and whom to wake.
#[derive(Default)]
struct Inbox {
    waiting: RefCell<Vec<Cleanup>>,
    waker: RefCell<Option<Waker>>,
}

impl Inbox {
    fn push(&self, cleanup: Cleanup) {
        self.waiting.borrow_mut().push(cleanup);
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
    }

    fn is_empty(&self) -> bool {
        self.waiting.borrow().is_empty()
    }
}

/// A cleanup whose panic is kept for after `main` (as the `Finalizer` keeps
/// a cleanup task's panic for `shutdown_asyncgens`), not raised into `main`.
type Caught = futures_util::future::CatchUnwind<core::panic::AssertUnwindSafe<Cleanup>>;

/// Drives the cleanups handed to this thread's sink while it is installed.
pub(crate) struct Cleanups {
    inbox: Rc<Inbox>,
    running: FuturesUnordered<Caught>,
    panicked: Option<Box<dyn core::any::Any + Send>>,
    previous: Option<Option<Sink>>,
}

impl Cleanups {
    /// Installs a sink on this thread; it is removed when this is dropped.
    pub(crate) fn install() -> Self {
        let inbox = Rc::new(Inbox::default());
        let sink = inbox.clone();
        let previous = finalize::set_sink(Some(Rc::new(move |c| sink.push(c))));
        Cleanups {
            inbox,
            running: FuturesUnordered::new(),
            panicked: None,
            previous: Some(previous),
        }
    }

    /// Polls every cleanup; `Ready` once none is running or waiting.
    pub(crate) fn poll_all(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        {
            let mut waker = self.inbox.waker.borrow_mut();
            match waker.as_ref() {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *waker = Some(cx.waker().clone()),
            }
        }
        loop {
            // Taken out of the `RefCell` before polling: a cleanup may drop
            // another generator, which pushes here.
            let new = core::mem::take(&mut *self.inbox.waiting.borrow_mut());
            self.running.extend(new.into_iter().map(|cleanup| {
                futures_util::FutureExt::catch_unwind(core::panic::AssertUnwindSafe(cleanup))
            }));
            match Pin::new(&mut self.running).poll_next(cx) {
                Poll::Ready(Some(Ok(()))) => {}
                Poll::Ready(Some(Err(panic))) => {
                    // The first panic is resumed after `main`; a later one
                    // cannot be (two panics abort), so it is reported.
                    if self.panicked.is_none() {
                        self.panicked = Some(panic);
                    } else {
                        another_cleanup_panicked(&*panic);
                    }
                }
                Poll::Ready(None) | Poll::Pending if !self.inbox.is_empty() => {}
                Poll::Ready(None) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// The first panic of a cleanup, to resume once `main` has returned.
    pub(crate) fn take_panic(&mut self) -> Option<Box<dyn core::any::Any + Send>> {
        self.panicked.take()
    }

    /// Whether nothing is running or waiting.
    pub(crate) fn is_idle(&self) -> bool {
        self.running.is_empty() && self.inbox.is_empty()
    }
}

impl Drop for Cleanups {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            finalize::set_sink(previous);
        }
        // Cleanups still here (`main` panicked) are dropped with the driver:
        // their generators report the skipped cleanup.
    }
}

/// A second cleanup panicked while the first one's panic waits to be resumed.
#[cold]
fn another_cleanup_panicked(payload: &(dyn core::any::Any + Send)) {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string panic payload");
    tracing::error!(
        target: "cogen",
        "the cleanup of another dropped async generator panicked too ({message}); only the \
         first panic is resumed when rt::run returns"
    );
}
