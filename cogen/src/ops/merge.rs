use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::async_gen::AsyncClose;

/// Merges many streams into one, yielding items as each stream produces
/// them, until all have finished (aiostream's `merge`).
///
/// Fair: after a stream yields, the next poll starts with the one after it.
/// Closing the merged stream closes every stream still running, concurrently,
/// and waits for all of their async cleanup. The streams must be [`Unpin`]:
/// box the others ([`StreamOpsExt::boxed_gen`](super::StreamOpsExt::boxed_gen)), which
/// also merges generators of different types.
///
/// Relatives: [`futures::stream::select_all`](futures_util::stream::select_all())
/// (no close) and tokio-stream's `merge` (two streams).
///
/// # Examples
///
/// ```
/// use cogen::{async_generator, ops::{merge, StreamOpsExt}};
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let evens = async_generator(async |mut co| {
///     for i in [0, 2, 4] {
///         co.yield_(i).await;
///     }
/// });
/// let odds = async_generator(async |mut co| {
///     for i in [1, 3] {
///         co.yield_(i).await;
///     }
/// });
/// let all: Vec<i32> = merge([evens.boxed_gen(), odds.boxed_gen()]).collect().await;
/// assert_eq!(all, [0, 1, 2, 3, 4]); // fair: they take turns
/// # });
/// ```
pub fn merge<I>(streams: I) -> Merge<I::Item>
where
    I: IntoIterator<Item: Stream + Unpin>,
{
    Merge {
        streams: streams.into_iter().collect(),
        next: 0,
    }
}

/// Stream for [`merge`].
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let m = cogen::ops::merge([futures::stream::iter([1]), futures::stream::iter([2])]);
/// assert_eq!(m.len(), 2);
/// assert_eq!(m.collect::<Vec<_>>().await, [1, 2]);
/// # });
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Merge<St> {
    streams: Vec<St>,
    next: usize,
}

impl<St> Merge<St> {
    /// How many streams are still running.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = cogen::ops::merge(Vec::<futures::stream::Empty<u8>>::new());
    /// assert_eq!(m.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.streams.len()
    }

    /// Whether every stream has finished.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(cogen::ops::merge(Vec::<futures::stream::Empty<u8>>::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    /// Adds another stream to the merge.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    /// # futures::executor::block_on(async {
    /// let mut m = cogen::ops::merge([futures::stream::iter(vec![1])]);
    /// m.push(futures::stream::iter(vec![2]));
    /// assert_eq!(m.collect::<Vec<_>>().await, [1, 2]);
    /// # });
    /// ```
    pub fn push(&mut self, stream: St) {
        self.streams.push(stream);
    }
}

impl<St> Unpin for Merge<St> {}

impl<St: Stream + Unpin> Stream for Merge<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let this = self.get_mut();
        // Visit each stream once, starting after the last one that yielded.
        let mut i = this.next;
        let mut pending = 0;
        while pending < this.streams.len() {
            if i >= this.streams.len() {
                i = 0;
            }
            match Pin::new(&mut this.streams[i]).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    this.next = i + 1;
                    return Poll::Ready(Some(item));
                }
                // The next stream moves down to `i`.
                Poll::Ready(None) => drop(this.streams.remove(i)),
                Poll::Pending => {
                    i += 1;
                    pending += 1;
                }
            }
        }
        if this.streams.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.streams.iter().fold((0, Some(0)), |(lo, hi), s| {
            let (l, h) = s.size_hint();
            (
                lo.saturating_add(l),
                hi.zip(h).and_then(|(a, b)| a.checked_add(b)),
            )
        })
    }
}

impl<St: Stream + Unpin> FusedStream for Merge<St> {
    fn is_terminated(&self) -> bool {
        self.streams.is_empty()
    }
}

impl<St: AsyncClose + Unpin> AsyncClose for Merge<St> {
    /// Closes every stream still running, concurrently.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.streams
            .retain_mut(|s| Pin::new(s).poll_aclose(cx).is_pending());
        if this.streams.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn closes_asynchronously(&self) -> bool {
        self.streams.iter().any(AsyncClose::closes_asynchronously)
    }
}

impl<St> core::fmt::Debug for Merge<St> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Merge")
            .field("streams", &self.streams.len())
            .finish()
    }
}
