use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::time::Duration;

use super::deadline::Deadline;
use crate::async_gen::AsyncClose;
use futures_core::{FusedStream, Stream};

pin_project_lite::pin_project! {
    /// Stream for [`RuntimeOpsExt::space_out`](super::RuntimeOpsExt::space_out): items at
    /// least `period` apart.
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
    /// let start = tokio::time::Instant::now();
    /// let items: Vec<_> = futures::stream::iter(0..3).space_out(Duration::from_secs(1)).collect().await;
    /// assert_eq!(items, [0, 1, 2]);
    /// // The end, too, comes a period after the last item.
    /// assert_eq!(start.elapsed(), Duration::from_secs(3));
    /// # }
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct SpaceOut<St> {
        #[pin]
        upstream: St,
        pause: Deadline,
        period: Duration,
    }
}

impl<St: Stream> SpaceOut<St> {
    pub(super) fn new(upstream: St, period: Duration) -> Self {
        SpaceOut {
            upstream,
            pause: Deadline::default(),
            period,
        }
    }
}

impl<St: Stream> Stream for SpaceOut<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let this = self.project();
        ready!(this.pause.poll_elapsed(cx));
        // The upstream is not pulled during the pause: backpressure.
        let item = ready!(this.upstream.poll_next(cx));
        if item.is_some() && !this.period.is_zero() {
            this.pause.arm(*this.period);
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.upstream.size_hint()
    }
}

impl<St: FusedStream> FusedStream for SpaceOut<St> {
    fn is_terminated(&self) -> bool {
        self.upstream.is_terminated()
    }
}

impl<St: AsyncClose> AsyncClose for SpaceOut<St> {
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().upstream.poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        self.upstream.closes_asynchronously()
    }
}

impl<St> core::fmt::Debug for SpaceOut<St> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SpaceOut")
            .field("period", &self.period)
            .field("paused", &self.pause.is_armed())
            .finish_non_exhaustive()
    }
}
