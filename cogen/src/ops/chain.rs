use core::pin::Pin;
use core::task::{Context, Poll, ready};

use futures_core::{FusedStream, Stream};

use crate::async_gen::AsyncClose;

/// Yields every item of `first`, then every item of `second` (aiostream's
/// `chain`, Python's `itertools.chain`); closing it closes both.
///
/// This is futures' `StreamExt::chain` that closing can reach through:
/// futures' `Chain` exposes neither of its streams, so an
/// [`AsyncClose`] impl cannot reach them. `second` is not polled before
/// `first` has ended. An ended `first` is kept, not dropped, so that a close
/// still reaches it: a `take(n)` that has ended leaves its generator
/// suspended, and closing the chain runs that generator's cleanup. Closing
/// closes both concurrently; a `second` not started yet runs nothing (a
/// fresh generator's `aclose`, as Python's).
///
/// Relative: futures' `StreamExt::chain` (no close), tokio-stream's `chain`
/// (no close).
///
/// # Examples
///
/// ```
/// use cogen::ops::{chain, AsyncCloseExt};
/// use futures::StreamExt;
/// use std::sync::{Arc, Mutex};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let log = Arc::new(Mutex::new(Vec::new()));
/// let counter = |name: &'static str| {
///     let log = log.clone();
///     cogen::catching::async_generator(async move |mut co| {
///         let mut i = 0;
///         while co.yield_(i).catching().await.is_ok() {
///             i += 1;
///         }
///         tokio::task::yield_now().await; // cleanup that awaits
///         log.lock().unwrap().push(name);
///     })
/// };
/// let mut both = chain(counter("a").take(2), counter("b"));
/// let got: Vec<_> = both.by_ref().take(3).collect().await;
/// assert_eq!(got, [0, 1, 0]);
/// both.close_pipeline().await; // `a` (ended by its `take`, still suspended) and `b`
/// let mut cleaned = log.lock().unwrap().clone();
/// cleaned.sort();
/// assert_eq!(cleaned, ["a", "b"]);
/// # }
/// ```
pub fn chain<St1, St2>(first: St1, second: St2) -> Chain<St1, St2>
where
    St1: Stream,
    St2: Stream<Item = St1::Item>,
{
    Chain {
        first,
        second,
        first_ended: false,
    }
}

pin_project_lite::pin_project! {
    /// Stream for [`chain`].
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    /// # futures::executor::block_on(async {
    /// let s = cogen::ops::chain(futures::stream::iter([1, 2]), futures::stream::iter([3]));
    /// assert_eq!(s.collect::<Vec<_>>().await, [1, 2, 3]);
    /// # });
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Chain<St1, St2> {
        #[pin]
        first: St1,
        #[pin]
        second: St2,
        first_ended: bool,
    }
}

impl<St1, St2> Stream for Chain<St1, St2>
where
    St1: Stream,
    St2: Stream<Item = St1::Item>,
{
    type Item = St1::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St1::Item>> {
        let this = self.project();
        if !*this.first_ended {
            match ready!(this.first.poll_next(cx)) {
                Some(item) => return Poll::Ready(Some(item)),
                None => *this.first_ended = true,
            }
        }
        this.second.poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let second = self.second.size_hint();
        if self.first_ended {
            return second;
        }
        let first = self.first.size_hint();
        let upper = match (first.1, second.1) {
            (Some(a), Some(b)) => a.checked_add(b),
            _ => None,
        };
        (first.0.saturating_add(second.0), upper)
    }
}

impl<St1, St2> FusedStream for Chain<St1, St2>
where
    St1: Stream,
    St2: FusedStream<Item = St1::Item>,
{
    fn is_terminated(&self) -> bool {
        self.first_ended && self.second.is_terminated()
    }
}

impl<St1: AsyncClose, St2: AsyncClose> AsyncClose for Chain<St1, St2> {
    /// Closes both streams, concurrently.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        super::adapters::poll_close_both(this.first, this.second, cx)
    }

    fn closes_asynchronously(&self) -> bool {
        self.first.closes_asynchronously() || self.second.closes_asynchronously()
    }
}
