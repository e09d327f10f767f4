use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::VecDeque;

use futures_core::{FusedStream, Stream};
use futures_util::stream::FuturesUnordered;

use crate::AsyncClose;

pin_project_lite::pin_project! {
    /// Stream for [`OpsExt::map_concurrent`](super::OpsExt::map_concurrent)
    /// and [`OpsExt::map_concurrent_unordered`](super::OpsExt::map_concurrent_unordered).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::OpsExt;
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let doubled = futures::stream::iter(1..=4)
    ///     .map_concurrent(2, |x| async move { x * 2 })
    ///     .with_window(4);
    /// assert_eq!(doubled.collect::<Vec<_>>().await, [2, 4, 6, 8]);
    /// # });
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct MapConcurrent<St, F, Fut: Future> {
        #[pin]
        upstream: St,
        upstream_done: bool,
        f: F,
        running: FuturesUnordered<Indexed<Fut>>,
        // Ordered mode: the outputs from `next_out` on, `None` while running.
        reorder: VecDeque<Option<Fut::Output>>,
        next_in: u64,
        next_out: u64,
        limit: usize,
        // `None`: unordered.
        window: Option<usize>,
    }
}

pin_project_lite::pin_project! {
    /// A future tagged with its position in the input.
    struct Indexed<Fut> {
        index: u64,
        #[pin]
        fut: Fut,
    }
}

impl<Fut: Future> Future for Indexed<Fut> {
    type Output = (u64, Fut::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.fut.poll(cx).map(|out| (*this.index, out))
    }
}

impl<St, F, Fut> MapConcurrent<St, F, Fut>
where
    St: Stream,
    F: FnMut(St::Item) -> Fut,
    Fut: Future,
{
    pub(super) fn new(upstream: St, limit: usize, f: F, ordered: bool) -> Self {
        assert!(
            limit > 0,
            "cogen: map_concurrent needs a limit of at least 1"
        );
        MapConcurrent {
            upstream,
            upstream_done: false,
            f,
            running: FuturesUnordered::new(),
            reorder: VecDeque::new(),
            next_in: 0,
            next_out: 0,
            limit,
            window: ordered.then(|| limit.saturating_mul(DEFAULT_WINDOW_FACTOR)),
        }
    }

    /// Sets the ordered mode's reorder window: how many items may be started
    /// past the oldest one not yet delivered (the default is
    /// `4 * limit`). A slow item then holds back at most `window - 1`
    /// finished ones, and work keeps starting until the window is full.
    ///
    /// # Panics
    ///
    /// If `window` is smaller than the limit, or the stream is unordered.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::OpsExt;
    /// let s = futures::stream::iter(0..10).map_concurrent(2, |x| async move { x }).with_window(8);
    /// assert_eq!(s.window(), Some(8));
    /// ```
    pub fn with_window(mut self, window: usize) -> Self {
        assert!(
            self.window.is_some(),
            "cogen: an unordered map_concurrent has no reorder window"
        );
        assert!(
            window >= self.limit,
            "cogen: the reorder window ({window}) must be at least the limit ({})",
            self.limit
        );
        self.window = Some(window);
        self
    }

    /// The reorder window; `None` for the unordered mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::OpsExt;
    /// let s = futures::stream::iter(0..10).map_concurrent(3, |x| async move { x });
    /// assert_eq!(s.window(), Some(12));
    /// ```
    pub fn window(&self) -> Option<usize> {
        self.window
    }

    /// How many futures are running now.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::OpsExt;
    /// let s = futures::stream::iter(0..10).map_concurrent_unordered(3, |x| async move { x });
    /// assert_eq!(s.in_flight(), 0);
    /// ```
    pub fn in_flight(&self) -> usize {
        self.running.len()
    }
}

/// The default reorder window, in multiples of the limit.
const DEFAULT_WINDOW_FACTOR: usize = 4;

impl<St, F, Fut> Stream for MapConcurrent<St, F, Fut>
where
    St: Stream,
    F: FnMut(St::Item) -> Fut,
    Fut: Future,
{
    type Item = Fut::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Fut::Output>> {
        let mut this = self.project();
        loop {
            // Start work while there is a free slot and room in the window.
            while !*this.upstream_done
                && this.running.len() < *this.limit
                && this.window.is_none_or(|w| this.reorder.len() < w)
            {
                match this.upstream.as_mut().poll_next(cx) {
                    Poll::Ready(Some(item)) => {
                        let fut = (this.f)(item);
                        this.running.push(Indexed {
                            index: *this.next_in,
                            fut,
                        });
                        *this.next_in += 1;
                        if this.window.is_some() {
                            this.reorder.push_back(None);
                        }
                    }
                    Poll::Ready(None) => *this.upstream_done = true,
                    Poll::Pending => break,
                }
            }
            if let Some(Some(_)) = this.reorder.front() {
                *this.next_out += 1;
                return Poll::Ready(this.reorder.pop_front().flatten());
            }
            match Pin::new(&mut *this.running).poll_next(cx) {
                Poll::Ready(Some((index, out))) => {
                    if this.window.is_none() {
                        return Poll::Ready(Some(out));
                    }
                    let slot = usize::try_from(index - *this.next_out)
                        .expect("the reorder window fits in memory");
                    this.reorder[slot] = Some(out);
                    // Loop: deliver the head if it is ready, start more work.
                }
                Poll::Ready(None) if *this.upstream_done => {
                    debug_assert!(this.reorder.is_empty());
                    return Poll::Ready(None);
                }
                // Nothing running: waiting on the upstream, whose waker is set.
                Poll::Ready(None) | Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let queued = self.running.len() + self.reorder.iter().filter(|o| o.is_some()).count();
        let (lower, upper) = if self.upstream_done {
            (0, Some(0))
        } else {
            self.upstream.size_hint()
        };
        (
            lower.saturating_add(queued),
            upper.and_then(|u| u.checked_add(queued)),
        )
    }
}

impl<St, F, Fut> FusedStream for MapConcurrent<St, F, Fut>
where
    St: Stream,
    F: FnMut(St::Item) -> Fut,
    Fut: Future,
{
    fn is_terminated(&self) -> bool {
        self.upstream_done && self.running.is_empty() && self.reorder.is_empty()
    }
}

impl<St, F, Fut> AsyncClose for MapConcurrent<St, F, Fut>
where
    St: AsyncClose,
    Fut: Future,
{
    /// Drops the work in flight, then closes the upstream.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        this.running.clear();
        this.reorder.clear();
        *this.upstream_done = true;
        this.upstream.poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        self.upstream.closes_asynchronously()
    }
}

impl<St, F, Fut: Future> core::fmt::Debug for MapConcurrent<St, F, Fut> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MapConcurrent")
            .field("limit", &self.limit)
            .field("window", &self.window)
            .field("in_flight", &self.running.len())
            .field("upstream_done", &self.upstream_done)
            .finish_non_exhaustive()
    }
}
