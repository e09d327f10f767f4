//! Closing through the adapters of futures' `StreamExt`: [`AsyncClose`] for
//! `futures_util::stream::{Map, Filter, FilterMap, Then, Take, TakeWhile,
//! Skip, Fuse, Enumerate, Inspect, Zip, Buffered, BufferUnordered, Chunks,
//! ReadyChunks, Peekable, Select}` and `futures_util::future::Either`, each
//! when its upstream(s) implement it.
//!
//! Every impl reaches the upstream through the adapter's public
//! `get_pin_mut` / `get_ref` (those that keep their upstream in an inner
//! `Fuse` hand out the upstream itself) and closes it; the two-upstream ones
//! close both ([`poll_close_both`]). None of them touches the adapter's own
//! state, which the public API does not reach: what the adapter holds when it
//! is closed stays in it until it is dropped (the table in the `ops` module
//! docs says what that is for each).
//!
//! Not reachable, so not here: futures' `chain` (its `Chain` has no accessor;
//! [`chain`](super::chain) is cogen's), and tokio-stream's adapters (`timeout`
//! and `chunks_timeout` have no accessor to their upstream, `throttle`'s type
//! is not even exported, and its `map`, `filter` and the rest have none).
//!
//! # Examples
//!
//! ```
//! use cogen::ops::AsyncCloseExt;
//! use futures::StreamExt;
//! use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
//! use std::sync::Arc;
//!
//! # futures::executor::block_on(async {
//! let cleaned = Arc::new(AtomicBool::new(false));
//! let done = cleaned.clone();
//! let g = cogen::catching::async_generator(async move |mut co| {
//!     let mut i = 0;
//!     while co.yield_(i).catching().await.is_ok() {
//!         i += 1;
//!     }
//!     async { done.store(true, SeqCst) }.await; // cleanup that awaits
//! });
//! let mut evens = g.map(|x| x * 10).filter(|x| std::future::ready(x % 20 == 0));
//! assert_eq!(evens.next().await, Some(0));
//! evens.close_pipeline().await; // reaches the generator through filter and map
//! assert!(cleaned.load(SeqCst));
//! # });
//! ```

use core::future::Future;
use core::panic::AssertUnwindSafe;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::panic::{catch_unwind, resume_unwind};

use futures_core::Stream;
use futures_util::future::Either;
use futures_util::stream::{
    BufferUnordered, Buffered, Chunks, Enumerate, Filter, FilterMap, Fuse, Inspect, Map, Peekable,
    ReadyChunks, Select, Skip, Take, TakeWhile, Then, Zip,
};

use crate::async_gen::AsyncClose;

/// Closes `a` and `b` concurrently: `Ready` once both are closed. Each is
/// polled every time, so neither close is lost while the other is pending
/// (a close already done returns `Ready` at once, `AsyncClose`'s contract:
/// that is what keeps track of which are done). A panic of the first close
/// is resumed only after the second has been polled too.
pub(super) fn poll_close_both<A, B>(
    a: Pin<&mut A>,
    b: Pin<&mut B>,
    cx: &mut Context<'_>,
) -> Poll<()>
where
    A: AsyncClose + ?Sized,
    B: AsyncClose + ?Sized,
{
    let first = catch_unwind(AssertUnwindSafe(|| a.poll_aclose(cx)));
    let second = b.poll_aclose(cx);
    match first {
        Err(panic) => resume_unwind(panic),
        Ok(Poll::Ready(())) if second.is_ready() => Poll::Ready(()),
        Ok(_) => Poll::Pending,
    }
}

/// `AsyncClose` for an adapter with one upstream `St`, reached through its
/// `get_pin_mut` and `get_ref`.
macro_rules! close_through {
    ($(#[$doc:meta])* [$($generics:tt)*] $adapter:ty $(, $($bound:tt)*)?) => {
        $(#[$doc])*
        impl<$($generics)*> AsyncClose for $adapter
        where
            St: AsyncClose,
            $($($bound)*)?
        {
            fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                self.get_pin_mut().poll_aclose(cx)
            }

            fn closes_asynchronously(&self) -> bool {
                self.get_ref().closes_asynchronously()
            }
        }
    };
}

close_through!(
    /// Closes the upstream.
    [St, F] Map<St, F>
);
close_through!(
    /// Closes the upstream; a predicate future in flight (a `next` was
    /// cancelled during it) stays in the adapter, with its item.
    [St, Fut, F] Filter<St, Fut, F>,
    St: Stream, F: FnMut(&St::Item) -> Fut, Fut: Future<Output = bool>
);
close_through!(
    /// Closes the upstream; a future in flight (a `next` was cancelled
    /// during it) stays in the adapter.
    [St, Fut, F] FilterMap<St, Fut, F>,
    St: Stream, F: FnMut(St::Item) -> Fut, Fut: Future
);
close_through!(
    /// Closes the upstream; a future in flight (a `next` was cancelled
    /// during it) stays in the adapter.
    [St, Fut, F] Then<St, Fut, F>,
    St: Stream, F: FnMut(St::Item) -> Fut
);
close_through!(
    /// Closes the upstream, also once `take` has ended (which leaves the
    /// upstream suspended, not closed).
    [St] Take<St>,
    St: Stream
);
close_through!(
    /// Closes the upstream, also once `take_while` has ended (which leaves
    /// the upstream suspended, not closed); a predicate future in flight
    /// stays in the adapter, with its item.
    [St, Fut, F] TakeWhile<St, Fut, F>,
    St: Stream, F: FnMut(&St::Item) -> Fut, Fut: Future<Output = bool>
);
close_through!(
    /// Closes the upstream.
    [St] Skip<St>,
    St: Stream
);
close_through!(
    /// Closes the upstream.
    [St] Fuse<St>
);
close_through!(
    /// Closes the upstream.
    [St] Enumerate<St>,
    St: Stream
);
close_through!(
    /// Closes the upstream.
    [St, F] Inspect<St, F>
);
close_through!(
    /// Closes the upstream; the futures in flight stay in the adapter
    /// (polled on, it delivers their outputs, then `None`).
    [St] Buffered<St>,
    St: Stream, St::Item: Future
);
close_through!(
    /// Closes the upstream; the futures in flight stay in the adapter
    /// (polled on, it delivers their outputs, then `None`).
    [St] BufferUnordered<St>,
    St: Stream, St::Item: Future
);
close_through!(
    /// Closes the upstream; a partial chunk (a `next` was cancelled while
    /// it filled) stays in the adapter (polled on, it delivers it).
    [St] Chunks<St>,
    St: Stream
);
close_through!(
    /// Closes the upstream; it holds nothing between polls.
    [St] ReadyChunks<St>,
    St: Stream
);
close_through!(
    /// Closes the upstream; a peeked item stays in the adapter (polled on,
    /// it delivers it, then `None`).
    [St] Peekable<St>,
    St: Stream
);

/// Closes both upstreams, concurrently; an item waiting for its pair (a
/// `next` was cancelled) stays in the adapter.
impl<St1, St2> AsyncClose for Zip<St1, St2>
where
    St1: Stream + AsyncClose,
    St2: Stream + AsyncClose,
{
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let (a, b) = self.get_pin_mut();
        poll_close_both(a, b, cx)
    }

    fn closes_asynchronously(&self) -> bool {
        let (a, b) = self.get_ref();
        a.closes_asynchronously() || b.closes_asynchronously()
    }
}

/// Closes both upstreams, concurrently.
impl<St1, St2> AsyncClose for Select<St1, St2>
where
    St1: AsyncClose,
    St2: AsyncClose,
{
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let (a, b) = self.get_pin_mut();
        poll_close_both(a, b, cx)
    }

    fn closes_asynchronously(&self) -> bool {
        let (a, b) = self.get_ref();
        a.closes_asynchronously() || b.closes_asynchronously()
    }
}

/// Closes whichever stream it holds (`left_stream` / `right_stream`).
impl<A: AsyncClose, B: AsyncClose> AsyncClose for Either<A, B> {
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.as_pin_mut() {
            Either::Left(a) => a.poll_aclose(cx),
            Either::Right(b) => b.poll_aclose(cx),
        }
    }

    fn closes_asynchronously(&self) -> bool {
        match self {
            Either::Left(a) => a.closes_asynchronously(),
            Either::Right(b) => b.closes_asynchronously(),
        }
    }
}
