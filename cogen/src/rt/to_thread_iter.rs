use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use futures_core::{FusedStream, Stream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::to_thread::in_context;
use crate::async_gen::AsyncClose;

/// Runs a sync generator (any iterator) on a blocking thread and consumes it
/// as an async generator, through a bounded buffer of `capacity` items: the
/// thread waits while the buffer is full, so a slow consumer holds the
/// producer back.
///
/// Lazy: the thread starts at the first poll. Closing or dropping the stream
/// stops the iterator at its next item and drops it on its thread (a cogen
/// [`Gen`](crate::Gen) runs its cleanup then);
/// [`poll_aclose`](AsyncClose::poll_aclose) waits for that. A panic in the
/// iterator resumes in the consumer when it reaches that point.
///
/// Relative: [`tokio::task::spawn_blocking`] feeding a
/// [`tokio::sync::mpsc`] channel, which this is, plus the close.
///
/// # Panics
///
/// If `capacity` is zero; polled outside a tokio runtime.
///
/// # Cancel safety
///
/// Its `next()` is cancel safe: an item leaves the buffer only in the poll
/// that returns it (tokio's `mpsc` receive), so a `next()` dropped before
/// it completes loses none, and the iterator keeps running on its thread
/// until the buffer is full.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let squares = cogen::generator(async |mut co| {
///     for i in 1..=4u64 {
///         co.yield_(i * i).await; // CPU-bound work would go here
///     }
/// });
/// let got: Vec<u64> = cogen::rt::to_thread_iter(2, squares).collect().await;
/// assert_eq!(got, [1, 4, 9, 16]);
/// # }
/// ```
#[track_caller]
pub fn to_thread_iter<I>(capacity: usize, iter: I) -> ThreadStream<I>
where
    I: IntoIterator<IntoIter: Send + 'static> + Send + 'static,
    I::Item: Send + 'static,
{
    assert!(
        capacity > 0,
        "cogen: to_thread_iter needs a capacity of at least 1"
    );
    ThreadStream {
        start: Some(iter),
        capacity,
        rx: None,
        thread: None,
    }
}

/// A sync iterator running on a blocking thread, as a [`Stream`]; made by
/// [`to_thread_iter`].
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut s = cogen::rt::to_thread_iter(1, 0..3);
/// assert_eq!(s.next().await, Some(0));
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct ThreadStream<I: IntoIterator> {
    start: Option<I>,
    capacity: usize,
    rx: Option<mpsc::Receiver<I::Item>>,
    thread: Option<JoinHandle<()>>,
}

impl<I: IntoIterator> Unpin for ThreadStream<I> {}

impl<I> ThreadStream<I>
where
    I: IntoIterator<IntoIter: Send + 'static> + Send + 'static,
    I::Item: Send + 'static,
{
    fn start(&mut self) {
        if let Some(iter) = self.start.take() {
            let (tx, rx) = mpsc::channel(self.capacity);
            let iter = iter.into_iter();
            self.thread = Some(tokio::task::spawn_blocking(in_context(move || {
                for item in iter {
                    if tx.blocking_send(item).is_err() {
                        break; // The consumer is gone: stop, dropping the iterator.
                    }
                }
            })));
            self.rx = Some(rx);
        }
    }

    /// Waits for the thread to end; resumes its panic here.
    fn poll_thread(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(thread) = &mut self.thread {
            let done = ready!(Pin::new(thread).poll(cx));
            self.thread = None;
            if let Err(e) = done {
                if let Ok(panic) = e.try_into_panic() {
                    std::panic::resume_unwind(panic);
                }
            }
        }
        Poll::Ready(())
    }
}

impl<I> Stream for ThreadStream<I>
where
    I: IntoIterator<IntoIter: Send + 'static> + Send + 'static,
    I::Item: Send + 'static,
{
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        let this = self.get_mut();
        this.start();
        let Some(rx) = &mut this.rx else {
            // Finished, or waiting for the thread to end (to report its panic).
            ready!(this.poll_thread(cx));
            return Poll::Ready(None);
        };
        match ready!(rx.poll_recv(cx)) {
            Some(item) => Poll::Ready(Some(item)),
            None => {
                this.rx = None;
                // The sender is gone: the thread is ending. Report its panic.
                ready!(this.poll_thread(cx));
                Poll::Ready(None)
            }
        }
    }
}

impl<I> FusedStream for ThreadStream<I>
where
    I: IntoIterator<IntoIter: Send + 'static> + Send + 'static,
    I::Item: Send + 'static,
{
    fn is_terminated(&self) -> bool {
        self.start.is_none() && self.rx.is_none() && self.thread.is_none()
    }
}

impl<I> AsyncClose for ThreadStream<I>
where
    I: IntoIterator<IntoIter: Send + 'static> + Send + 'static,
    I::Item: Send + 'static,
{
    /// Stops the iterator and waits until its thread has dropped it.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.start = None; // Never started: nothing to close.
        if let Some(mut rx) = this.rx.take() {
            rx.close();
        }
        this.poll_thread(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        self.thread.is_some()
    }
}

impl<I: IntoIterator> core::fmt::Debug for ThreadStream<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThreadStream")
            .field("started", &self.start.is_none())
            .field("capacity", &self.capacity)
            .field("running", &self.thread.is_some())
            .finish()
    }
}
