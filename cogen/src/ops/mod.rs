//! Pipeline operators for async generators and other streams, where
//! `futures` and tokio-stream have no counterpart, and closing that reaches
//! every generator of a pipeline.
//!
//! Every operator here implements [`AsyncClose`] when its upstream does, so
//! [`AsyncCloseExt::close_pipeline`] on the end of a pipeline closes each generator
//! upstream and awaits its cleanup, across `rt`'s `buffer` task
//! boundary too; a `Finalizer` (or
//! `run`) does the same for a pipeline dropped unfinished.
//!
//! | operator | what | relatives |
//! |---|---|---|
//! | [`map_concurrent`](StreamOpsExt::map_concurrent) | ordered, bounded concurrency, no head-of-line stall | `StreamExt::buffered` stalls behind a slow item |
//! | [`map_concurrent_unordered`](StreamOpsExt::map_concurrent_unordered) | completion order | `StreamExt::buffer_unordered` |
//! | `rt::RuntimeOpsExt::buffer` (feature `tokio`) | run ahead in a task, overflow policy | none |
//! | [`merge`] | many streams, fair | `select_all`, tokio-stream `merge` |
//! | [`chain`] | one stream, then another; closing closes both | `StreamExt::chain`, which closing cannot reach |
//! | `rt::RuntimeOpsExt::batch` (feature `tokio`) | chunks by size or time; closing drops the partial chunk | tokio-stream `chunks_timeout`, which closing cannot reach |
//! | `rt::RuntimeOpsExt::space_out` (feature `tokio`) | throttle | tokio-stream `throttle`, which closing cannot reach |
//! | `rt::RuntimeOpsExt::item_timeout` (feature `tokio`) | per-item timeout on the upstream's wait only, repeated | tokio-stream `timeout` (counts the consumer's time, reports once) |
//!
//! The operators that need the tokio runtime (a task, or timers) are in
//! `cogen::rt` (`RuntimeOpsExt`), so nothing here needs tokio. The names
//! differ from tokio-stream's so that its extension trait and these can be in
//! scope at once.
//!
//! # Closing through futures' adapters
//!
//! Closing also reaches through the adapters of futures' `StreamExt`, each
//! when its upstream(s) implement [`AsyncClose`]: `map`, `filter`,
//! `filter_map`, `then`, `take`, `take_while`, `skip`, `fuse`, `enumerate`,
//! `inspect`, `zip` and `select` (both upstreams, concurrently), `buffered`,
//! `buffer_unordered`, `chunks`, `ready_chunks`, `peekable`, and `Either`
//! (`left_stream` / `right_stream`). A `Finalizer` can therefore take
//! `gen.map(f)` and await its cleanup when it is dropped.
//!
//! Closing reaches the upstream, not the adapter's own state (futures offers
//! no way in): what an adapter already pulled from its upstream stays in it.
//! Python's `aclose` discards such pending results; here dropping the
//! adapter does, and polling it after the close delivers them, then `None`.
//!
//! | adapter | holds when closed |
//! |---|---|
//! | `map`, `inspect`, `enumerate`, `skip`, `take`, `fuse`, `select`, `ready_chunks`, `Either` | nothing |
//! | `filter`, `filter_map`, `then`, `take_while` | a future in flight (and its item), only if a `next` was cancelled during it |
//! | `buffered`, `buffer_unordered` | up to `n - 1` futures in flight (those started for items pulled ahead) |
//! | `chunks` | a partial chunk, only if a `next` was cancelled while it filled |
//! | `zip` | an item waiting for its pair, only if a `next` was cancelled |
//! | `peekable` | the peeked item |
//!
//! `take` and `take_while` leave their upstream suspended when they end;
//! closing them still runs its cleanup, as Python's `aclose` on a generator
//! abandoned by an early `break`.
//!
//! Not reachable: futures' `chain` (use [`chain`]), and tokio-stream's
//! adapters: `timeout` and `chunks_timeout` expose no upstream (use
//! `item_timeout` and `batch`), `throttle`'s type is not even exported (use
//! `space_out`), and its `map`, `filter` and the rest expose none (use
//! futures' `StreamExt`).
//!
//! ```
//! use cogen::ops::AsyncCloseExt;
//! use futures::StreamExt;
//! use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
//! use std::sync::Arc;
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let cleanups = Arc::new(AtomicUsize::new(0));
//! let count = cleanups.clone();
//! let g = cogen::catching::async_generator(async move |mut co| {
//!     let mut i = 0;
//!     while co.yield_(i).catching().await.is_ok() {
//!         i += 1;
//!     }
//!     tokio::time::sleep(std::time::Duration::from_millis(10)).await;
//!     count.fetch_add(1, SeqCst);
//! });
//! let mut odd = g.map(|x| x * 3).filter(|x| std::future::ready(x % 2 == 1));
//! assert_eq!(odd.next().await, Some(3));
//! odd.close_pipeline().await; // awaits the generator's cleanup
//! assert_eq!(cleanups.load(SeqCst), 1);
//! # }
//! ```

mod aclose;
mod adapters;
mod chain;
mod map_concurrent;
mod merge;
mod no_cleanup;

use core::future::Future;
use core::pin::Pin;

use futures_core::Stream;

pub use aclose::ClosePipeline;
pub use chain::{Chain, chain};
pub use map_concurrent::MapConcurrent;
pub use merge::{Merge, merge};
pub use no_cleanup::{NoCleanup, no_cleanup};

pub use crate::async_gen::{AsyncClose, closing};

/// A [`Stream`] that can be closed with async cleanup: what a boxed pipeline
/// stage is ([`BoxGen`]).
///
/// # Examples
///
/// ```
/// fn takes_any(_: &dyn cogen::ops::CloseableStream<Item = u8>) {}
/// takes_any(&cogen::async_generator(async |mut co| co.yield_(1u8).await));
/// ```
pub trait CloseableStream: Stream + AsyncClose {}

impl<T: Stream + AsyncClose + ?Sized> CloseableStream for T {}

/// A boxed, type-erased closable stream: merge generators of different types,
/// or return a pipeline from a function. Made by [`StreamOpsExt::boxed_gen`].
///
/// # Examples
///
/// ```
/// use cogen::ops::{BoxGen, StreamOpsExt};
///
/// fn numbers(up_to: u32) -> BoxGen<'static, u32> {
///     cogen::async_generator(async move |mut co| {
///         for i in 0..up_to {
///             co.yield_(i).await;
///         }
///     })
///     .boxed_gen()
/// }
/// # let _ = numbers(3);
/// ```
pub type BoxGen<'a, T> = Pin<Box<dyn CloseableStream<Item = T> + Send + 'a>>;

/// The pipeline operators, for every [`Stream`].
///
/// # Examples
///
/// ```
/// use cogen::ops::StreamOpsExt;
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let out: Vec<_> = futures::stream::iter(1..=3)
///     .map_concurrent(2, |x| async move { x * x })
///     .collect()
///     .await;
/// assert_eq!(out, [1, 4, 9]);
/// # });
/// ```
pub trait StreamOpsExt: Stream {
    /// Runs `f` on each item with at most `limit` futures in flight, and
    /// yields the outputs in input order.
    ///
    /// A slow item does not stall the others: work keeps starting while it
    /// runs, until the reorder window (the items started past the oldest one
    /// not yet delivered; default `4 * limit`, see
    /// [`with_window`](MapConcurrent::with_window)) is full. That is the
    /// head-of-line stall of `StreamExt::buffered` (and of aiostream's and
    /// Node's ordered maps), which holds every slot while it waits for the
    /// head.
    ///
    /// The futures run inside this stream: they make progress while it is
    /// polled. Closing it drops them and closes the upstream.
    ///
    /// # Panics
    ///
    /// If `limit` is zero. A mapped future's panic is resumed from the poll
    /// that ran it; polled on, the stream delivers every other output in
    /// input order, the panicked item's place skipped (see [`MapConcurrent`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::StreamOpsExt;
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let out: Vec<_> = futures::stream::iter([3, 1, 2])
    ///     .map_concurrent(3, |s| async move {
    ///         tokio::time::sleep(Duration::from_secs(s)).await;
    ///         s
    ///     })
    ///     .collect()
    ///     .await;
    /// assert_eq!(out, [3, 1, 2]); // input order
    /// # }
    /// ```
    fn map_concurrent<F, Fut>(self, limit: usize, f: F) -> MapConcurrent<Self, F, Fut>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> Fut,
        Fut: Future,
    {
        MapConcurrent::new(self, limit, f, true)
    }

    /// As [`map_concurrent`](StreamOpsExt::map_concurrent), yielding outputs as
    /// they complete.
    ///
    /// # Panics
    ///
    /// If `limit` is zero. A mapped future's panic is resumed from the poll
    /// that ran it; polled on, the stream delivers every other output.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::StreamOpsExt;
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let out: Vec<_> = futures::stream::iter([3, 1, 2])
    ///     .map_concurrent_unordered(3, |s| async move {
    ///         tokio::time::sleep(Duration::from_secs(s)).await;
    ///         s
    ///     })
    ///     .collect()
    ///     .await;
    /// assert_eq!(out, [1, 2, 3]); // completion order
    /// # }
    /// ```
    fn map_concurrent_unordered<F, Fut>(self, limit: usize, f: F) -> MapConcurrent<Self, F, Fut>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> Fut,
        Fut: Future,
    {
        MapConcurrent::new(self, limit, f, false)
    }

    /// Boxes a closable stream into a [`BoxGen`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::{BoxGen, StreamOpsExt};
    /// let g: BoxGen<'_, i32> = cogen::async_generator(async |mut co| co.yield_(1).await).boxed_gen();
    /// # drop(g);
    /// ```
    fn boxed_gen<'a>(self) -> BoxGen<'a, Self::Item>
    where
        Self: Sized + AsyncClose + Send + 'a,
    {
        Box::pin(self)
    }
}

impl<St: Stream + ?Sized> StreamOpsExt for St {}

/// [`close_pipeline`](AsyncCloseExt::close_pipeline) for every [`AsyncClose`] type.
///
/// # Examples
///
/// ```
/// use cogen::ops::{no_cleanup, AsyncCloseExt};
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let mut s = no_cleanup(futures::stream::iter(0..3));
/// s.close_pipeline().await;
/// assert_eq!(s.next().await, None);
/// # });
/// ```
pub trait AsyncCloseExt: AsyncClose {
    /// Closes this stream and every generator upstream of it, awaiting their
    /// cleanup (Python's `await agen.aclose()` on the end of a pipeline).
    /// Unlike [`AsyncGen::aclose`](crate::AsyncGen::aclose), which closes one
    /// generator and reports how its close went, it reports nothing: a
    /// failed close along the way is a `tracing` warning.
    ///
    /// # Cancel safety
    ///
    /// Dropping it while a cleanup awaits leaves that close in flight: a
    /// later `close_pipeline` continues it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::{AsyncCloseExt, StreamOpsExt};
    /// use std::sync::{Arc, Mutex};
    ///
    /// # futures::executor::block_on(async {
    /// let log = Arc::new(Mutex::new(Vec::new()));
    /// let seen = log.clone();
    /// let g = cogen::catching::async_generator(async move |mut co| {
    ///     let _ = co.yield_(1).catching().await;
    ///     async { seen.lock().unwrap().push("cleaned") }.await;
    /// });
    /// let mut pipeline = g.map_concurrent(1, |x| async move { x });
    /// futures::StreamExt::next(&mut pipeline).await;
    /// pipeline.close_pipeline().await;
    /// assert_eq!(*log.lock().unwrap(), ["cleaned"]);
    /// # });
    /// ```
    #[doc(alias = "aclose")]
    fn close_pipeline(&mut self) -> ClosePipeline<'_, Self>
    where
        Self: Unpin,
    {
        ClosePipeline::new(self)
    }
}

impl<T: AsyncClose + ?Sized> AsyncCloseExt for T {}
