//! Stream operators that need the tokio runtime: a task ([`buffer`]) or its
//! timers ([`batch`], [`space_out`], [`item_timeout`]). The runtime-agnostic
//! ones are in [`cogen::ops`](crate::ops); closing reaches through these too
//! ([`AsyncClose`](crate::ops::AsyncClose)).
//!
//! [`buffer`]: RuntimeOpsExt::buffer
//! [`batch`]: RuntimeOpsExt::batch
//! [`space_out`]: RuntimeOpsExt::space_out
//! [`item_timeout`]: RuntimeOpsExt::item_timeout

mod batch;
mod buffer;
mod deadline;
mod item_timeout;
mod space_out;

use futures_core::Stream;

use crate::async_gen::AsyncClose;

pub use batch::Batch;
pub use buffer::{Buffer, Overflow};
pub use item_timeout::{ItemTimeout, TimedOut};
pub use space_out::SpaceOut;

/// Stream operators that need the tokio runtime, for every [`Stream`]:
/// `buffer`, `batch`, `space_out`, `item_timeout`. Named apart from
/// tokio-stream's `StreamExt` methods so both traits can be in scope.
///
/// # Examples
///
/// ```
/// use cogen::rt::RuntimeOpsExt;
/// use futures::StreamExt;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let chunks: Vec<Vec<u32>> = futures::stream::iter(0..5)
///     .batch(2, Duration::from_secs(1))
///     .collect()
///     .await;
/// assert_eq!(chunks, [vec![0, 1], vec![2, 3], vec![4]]);
/// # }
/// ```
pub trait RuntimeOpsExt: Stream {
    /// Runs the upstream ahead in its own task, through a buffer of
    /// `capacity` items; `policy` says what happens when it is full.
    ///
    /// The task starts at the first poll. Closing (or dropping) the buffered
    /// stream stops the task, which then closes the upstream with its async
    /// cleanup; [`AsyncCloseExt::close_pipeline`](crate::ops::AsyncCloseExt::close_pipeline) waits for that, and a
    /// [`run`](crate::rt::run) waits for it before returning. A panic
    /// upstream resumes in the consumer. In debug mode, an upstream held
    /// back by a full buffer for too long is reported.
    ///
    /// # Panics
    ///
    /// If `capacity` is zero; polled outside a tokio runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::{Overflow, RuntimeOpsExt};
    /// use futures::StreamExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let g = cogen::async_generator(async |mut co| {
    ///     for i in 0..4 {
    ///         co.yield_(i).await;
    ///     }
    /// });
    /// assert_eq!(g.buffer(2, Overflow::Wait).collect::<Vec<_>>().await, [0, 1, 2, 3]);
    /// # }
    /// ```
    fn buffer(self, capacity: usize, policy: Overflow) -> Buffer<Self>
    where
        Self: Sized + AsyncClose + Send + 'static,
        Self::Item: Send + 'static,
    {
        Buffer::new(self, capacity, policy)
    }

    /// Groups items into chunks of at most `max`, delivering a chunk when it
    /// is full or when `within` has passed since its first item, whichever
    /// comes first; the last chunk may be shorter. Never yields an empty
    /// chunk. Closing it drops the partial chunk (Python's `aclose` discards
    /// pending results) and closes the upstream.
    ///
    /// Relative: tokio-stream's `chunks_timeout`, with the same flushing;
    /// this differs in that closing reaches through it (`ChunksTimeout`
    /// exposes no upstream, so a generator under it cannot be closed and its
    /// partial chunk cannot be discarded but by dropping), and in being
    /// `Unpin` when the upstream is.
    ///
    /// # Panics
    ///
    /// If `max` is zero; polled outside a tokio runtime with time.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::RuntimeOpsExt;
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let trickle = cogen::async_generator(async |mut co| {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    ///     tokio::time::sleep(Duration::from_secs(10)).await;
    ///     co.yield_(3).await;
    /// });
    /// let chunks: Vec<_> = trickle.batch(100, Duration::from_secs(1)).collect().await;
    /// assert_eq!(chunks, [vec![1, 2], vec![3]]); // the first by time
    /// # }
    /// ```
    #[doc(alias = "chunks_timeout")]
    fn batch(self, max: usize, within: std::time::Duration) -> Batch<Self>
    where
        Self: Sized,
    {
        Batch::new(self, max, within)
    }

    /// Throttles: delivers items at least `period` apart, pulling the
    /// upstream only when the next item may go out (so the end of the stream
    /// also comes a period after the last item). The first item goes out at
    /// once; bursts are not allowed through.
    ///
    /// Relative: tokio-stream's `throttle`, with the same timing (aiostream's
    /// `spaceout`); this differs in that closing reaches through it (the type
    /// of `throttle` is not exported, so nothing can close a generator under
    /// it), in being `Unpin` when the upstream is, and in arming its timer
    /// only at the first item (it can be built outside a runtime).
    ///
    /// # Panics
    ///
    /// Polled outside a tokio runtime with time.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::RuntimeOpsExt;
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let t0 = tokio::time::Instant::now();
    /// let n = futures::stream::iter(0..5).space_out(Duration::from_millis(100)).count().await;
    /// assert_eq!((n, t0.elapsed()), (5, Duration::from_millis(500)));
    /// # }
    /// ```
    #[doc(alias = "throttle")]
    fn space_out(self, period: std::time::Duration) -> SpaceOut<Self>
    where
        Self: Sized,
    {
        SpaceOut::new(self, period)
    }

    /// Yields `Err(TimedOut)` each time the upstream takes longer than
    /// `limit` to produce an item, then keeps waiting for that same item
    /// (nothing is lost: cogen generators are cancel-safe). Stop at the first
    /// error (`take_while`) for Python's raise-and-stop. Only the wait for the
    /// upstream is timed, as `asyncio.timeout` around each `anext`: the clock
    /// starts when a poll finds no item ready, not when the last item went
    /// out.
    ///
    /// Relative: tokio-stream's `timeout`; this differs in timing only the
    /// upstream (tokio-stream's deadline runs from the previous item's
    /// delivery, or from construction, so a slow consumer's own time makes
    /// the upstream look late), in reporting again each `limit` while the
    /// item is late (tokio-stream's reports once), in naming the limit in the
    /// error, and in that closing reaches through it (`Timeout` exposes no
    /// upstream).
    ///
    /// # Panics
    ///
    /// Polled outside a tokio runtime with time.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::RuntimeOpsExt;
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let mut s = futures::stream::pending::<u8>().item_timeout(Duration::from_secs(1));
    /// assert!(s.next().await.unwrap().is_err());
    /// # }
    /// ```
    #[doc(alias = "timeout")]
    fn item_timeout(self, limit: std::time::Duration) -> ItemTimeout<Self>
    where
        Self: Sized,
    {
        ItemTimeout::new(self, limit)
    }
}

impl<S: Stream + ?Sized> RuntimeOpsExt for S {}
