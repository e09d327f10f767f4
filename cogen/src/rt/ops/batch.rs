use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use super::deadline::Deadline;
use crate::async_gen::AsyncClose;
use futures_core::{FusedStream, Stream};

pin_project_lite::pin_project! {
    /// Stream for [`RuntimeOpsExt::batch`](super::RuntimeOpsExt::batch): chunks of at most
    /// `max` items, each delivered when full or when `within` has passed
    /// since its first item, whichever comes first.
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
    /// let chunks = futures::stream::iter(0..5).batch(2, Duration::from_secs(1));
    /// assert_eq!(chunks.collect::<Vec<_>>().await, [vec![0, 1], vec![2, 3], vec![4]]);
    /// # }
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct Batch<St: Stream> {
        #[pin]
        upstream: St,
        items: Vec<St::Item>,
        deadline: Deadline,
        max: usize,
        within: Duration,
        done: bool,
    }
}

impl<St: Stream> Batch<St> {
    pub(super) fn new(upstream: St, max: usize, within: Duration) -> Self {
        assert!(max > 0, "cogen: batch needs a size of at least 1");
        Batch {
            upstream,
            items: Vec::new(),
            deadline: Deadline::default(),
            max,
            within,
            done: false,
        }
    }
}

impl<St: Stream> Stream for Batch<St> {
    type Item = Vec<St::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Vec<St::Item>>> {
        let mut this = self.project();
        while !*this.done {
            match this.upstream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        this.deadline.arm(*this.within);
                        this.items.reserve(*this.max);
                    }
                    this.items.push(item);
                    if this.items.len() >= *this.max {
                        this.deadline.disarm();
                        return Poll::Ready(Some(core::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => *this.done = true,
                Poll::Pending => {
                    if this.deadline.is_armed() && this.deadline.poll_elapsed(cx).is_ready() {
                        return Poll::Ready(Some(core::mem::take(this.items)));
                    }
                    return Poll::Pending;
                }
            }
        }
        this.deadline.disarm();
        if this.items.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(core::mem::take(this.items)))
        }
    }
}

impl<St: Stream> FusedStream for Batch<St> {
    fn is_terminated(&self) -> bool {
        self.done && self.items.is_empty()
    }
}

impl<St: Stream + AsyncClose> AsyncClose for Batch<St> {
    /// Drops the partial chunk and closes the upstream.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        this.items.clear();
        this.deadline.disarm();
        *this.done = true;
        this.upstream.poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        self.upstream.closes_asynchronously()
    }
}

impl<St: Stream> core::fmt::Debug for Batch<St> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Batch")
            .field("max", &self.max)
            .field("within", &self.within)
            .field("pending_items", &self.items.len())
            .finish_non_exhaustive()
    }
}
