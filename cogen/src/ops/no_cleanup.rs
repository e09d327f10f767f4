use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::async_gen::AsyncClose;

/// Marks a plain stream as having no async cleanup, so it can go where
/// `AsyncClose` is needed (`buffer`,
/// `cogen::rt::blocking_iter`, a `Finalizer`). Closing it ends it at once;
/// it is dropped with the wrapper.
///
/// # Examples
///
/// ```
/// use cogen::ops::{no_cleanup, StreamOpsExt};
/// use cogen::rt::{Overflow, RuntimeOpsExt};
/// use futures::StreamExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let plain = futures::stream::iter(0..3);
/// let got: Vec<_> = no_cleanup(plain).buffer(8, Overflow::Wait).collect().await;
/// assert_eq!(got, [0, 1, 2]);
/// # }
/// ```
pub fn no_cleanup<St: Stream>(stream: St) -> NoCleanup<St> {
    NoCleanup {
        stream,
        closed: false,
    }
}

pin_project_lite::pin_project! {
    /// Stream for [`no_cleanup`].
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    /// # futures::executor::block_on(async {
    /// let s = cogen::ops::no_cleanup(futures::stream::iter([1]));
    /// assert_eq!(s.collect::<Vec<_>>().await, [1]);
    /// # });
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct NoCleanup<St> {
        #[pin]
        stream: St,
        closed: bool,
    }
}

impl<St: Stream> Stream for NoCleanup<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let this = self.project();
        if *this.closed {
            return Poll::Ready(None);
        }
        this.stream.poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.closed {
            (0, Some(0))
        } else {
            self.stream.size_hint()
        }
    }
}

impl<St: FusedStream> FusedStream for NoCleanup<St> {
    fn is_terminated(&self) -> bool {
        self.closed || self.stream.is_terminated()
    }
}

impl<St> AsyncClose for NoCleanup<St> {
    fn poll_aclose(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        *self.project().closed = true;
        Poll::Ready(())
    }

    fn closes_asynchronously(&self) -> bool {
        false
    }
}
