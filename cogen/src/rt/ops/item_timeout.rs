use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use super::deadline::Deadline;
use crate::async_gen::AsyncClose;
use futures_core::{FusedStream, Stream};

pin_project_lite::pin_project! {
    /// Stream for [`RuntimeOpsExt::item_timeout`](super::RuntimeOpsExt::item_timeout).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::StreamOpsExt;
    /// use cogen::rt::{TimedOut, RuntimeOpsExt};
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let slow = cogen::async_generator(async |mut co| {
    ///     co.yield_(1).await;
    ///     tokio::time::sleep(Duration::from_secs(5)).await;
    ///     co.yield_(2).await;
    /// });
    /// let mut s = slow.item_timeout(Duration::from_secs(2));
    /// assert_eq!(s.next().await, Some(Ok(1)));
    /// assert_eq!(s.next().await, Some(Err(TimedOut(Duration::from_secs(2)))));
    /// assert_eq!(s.next().await, Some(Err(TimedOut(Duration::from_secs(2)))));
    /// assert_eq!(s.next().await, Some(Ok(2))); // nothing was lost
    /// # }
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct ItemTimeout<St> {
        #[pin]
        upstream: St,
        deadline: Deadline,
        limit: Duration,
    }
}

impl<St: Stream> ItemTimeout<St> {
    pub(super) fn new(upstream: St, limit: Duration) -> Self {
        ItemTimeout {
            upstream,
            deadline: Deadline::default(),
            limit,
        }
    }
}

impl<St: Stream> Stream for ItemTimeout<St> {
    type Item = Result<St::Item, TimedOut>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        if let Poll::Ready(item) = this.upstream.poll_next(cx) {
            this.deadline.disarm();
            return Poll::Ready(item.map(Ok));
        }
        if !this.deadline.is_armed() {
            this.deadline.arm(*this.limit);
        }
        // Once elapsed, report; the next poll waits again for the same item
        // with a fresh deadline.
        this.deadline
            .poll_elapsed(cx)
            .map(|()| Some(Err(TimedOut(*this.limit))))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.upstream.size_hint().0, None)
    }
}

impl<St: FusedStream> FusedStream for ItemTimeout<St> {
    fn is_terminated(&self) -> bool {
        self.upstream.is_terminated()
    }
}

impl<St: AsyncClose> AsyncClose for ItemTimeout<St> {
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().upstream.poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        self.upstream.closes_asynchronously()
    }
}

impl<St> fmt::Debug for ItemTimeout<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemTimeout")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// No item came within the limit of
/// [`RuntimeOpsExt::item_timeout`](super::RuntimeOpsExt::item_timeout) (aiostream's
/// `timeout` raising `TimeoutError`); holds the limit.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let e = cogen::rt::TimedOut(Duration::from_millis(1500));
/// assert_eq!(e.to_string(), "no item within 1.5s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimedOut(pub Duration);

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no item within {:?}", self.0)
    }
}

impl std::error::Error for TimedOut {}
