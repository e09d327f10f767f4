use core::future::Future;
use core::panic::AssertUnwindSafe;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::VecDeque;

use futures_core::{FusedStream, Stream};
use futures_util::stream::FuturesUnordered;

use crate::async_gen::AsyncClose;

pin_project_lite::pin_project! {
    /// Stream for [`StreamOpsExt::map_concurrent`](super::StreamOpsExt::map_concurrent)
    /// and [`StreamOpsExt::map_concurrent_unordered`](super::StreamOpsExt::map_concurrent_unordered).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::StreamOpsExt;
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let doubled = futures::stream::iter(1..=4)
    ///     .map_concurrent(2, |x| async move { x * 2 })
    ///     .with_window(4);
    /// assert_eq!(doubled.collect::<Vec<_>>().await, [2, 4, 6, 8]);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// A mapped future's panic is resumed from the poll that ran it. A
    /// consumer that catches it and polls on loses nothing else: it gets
    /// every other item's output (in input order in the ordered mode, the
    /// panicked item's place skipped), then the end.
    ///
    /// ```
    /// use cogen::ops::StreamOpsExt;
    /// use futures::{FutureExt, StreamExt};
    /// use std::panic::AssertUnwindSafe;
    ///
    /// # futures::executor::block_on(async {
    /// let mut s = futures::stream::iter(0..4).map_concurrent(2, |x| async move {
    ///     if x == 1 {
    ///         panic!("item 1 failed");
    ///     }
    ///     x
    /// });
    /// let (mut got, mut panics) = (Vec::new(), 0);
    /// loop {
    ///     match AssertUnwindSafe(s.next()).catch_unwind().await {
    ///         Ok(Some(x)) => got.push(x),
    ///         Ok(None) => break,
    ///         Err(_) => panics += 1,
    ///     }
    /// }
    /// assert_eq!((got, panics), (vec![0, 2, 3], 1));
    /// # });
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct MapConcurrent<St, F, Fut: Future> {
        #[pin]
        upstream: St,
        upstream_done: bool,
        f: F,
        running: FuturesUnordered<Indexed<Fut>>,
        // Ordered mode: the items from `next_out` on. Never a `Panicked`
        // slot at the front between polls.
        reorder: VecDeque<Slot<Fut::Output>>,
        next_in: u64,
        next_out: u64,
        limit: usize,
        // `None`: unordered.
        window: Option<usize>,
    }
}

/// The ordered mode's record of one started item.
enum Slot<T> {
    Running,
    Done(T),
    /// Its future panicked; the panic was resumed when it happened, and its
    /// place is skipped.
    Panicked,
}

/// Drops the slots of panicked items from the front, so that the front is
/// an item still running or done.
fn skip_panicked<T>(reorder: &mut VecDeque<Slot<T>>, next_out: &mut u64) {
    while let Some(Slot::Panicked) = reorder.front() {
        reorder.pop_front();
        *next_out += 1;
    }
}

pin_project_lite::pin_project! {
    /// A future tagged with its position in the input. It reports its
    /// output or its panic, so every started item reports exactly once (a
    /// future that unwinds out of `FuturesUnordered` would vanish from it
    /// and leave its reorder slot waiting forever).
    struct Indexed<Fut> {
        index: u64,
        #[pin]
        fut: Fut,
    }
}

impl<Fut: Future> Future for Indexed<Fut> {
    type Output = (u64, std::thread::Result<Fut::Output>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let fut = this.fut;
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Ready(out)) => Poll::Ready((*this.index, Ok(out))),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready((*this.index, Err(panic))),
        }
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
    /// use cogen::ops::StreamOpsExt;
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
    /// use cogen::ops::StreamOpsExt;
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
    /// use cogen::ops::StreamOpsExt;
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
                            this.reorder.push_back(Slot::Running);
                        }
                    }
                    Poll::Ready(None) => *this.upstream_done = true,
                    Poll::Pending => break,
                }
            }
            if let Some(Slot::Done(_)) = this.reorder.front() {
                if let Some(Slot::Done(out)) = this.reorder.pop_front() {
                    *this.next_out += 1;
                    skip_panicked(this.reorder, this.next_out);
                    return Poll::Ready(Some(out));
                }
            }
            match Pin::new(&mut *this.running).poll_next(cx) {
                Poll::Ready(Some((index, out))) => {
                    if this.window.is_none() {
                        return Poll::Ready(Some(
                            out.unwrap_or_else(|p| std::panic::resume_unwind(p)),
                        ));
                    }
                    let slot = usize::try_from(index - *this.next_out)
                        .expect("the reorder window fits in memory");
                    match out {
                        Ok(out) => this.reorder[slot] = Slot::Done(out),
                        Err(panic) => {
                            // Resumed now, where it happened; the later
                            // items' outputs stay for the polls after it.
                            this.reorder[slot] = Slot::Panicked;
                            skip_panicked(this.reorder, this.next_out);
                            std::panic::resume_unwind(panic);
                        }
                    }
                    // Loop: deliver the head if it is ready, start more work.
                }
                // Every started item reports once, with its output or its
                // panic (`Indexed`), and the head is neither done nor
                // panicked: with nothing running, nothing is left.
                Poll::Ready(None) if *this.upstream_done => return Poll::Ready(None),
                // Nothing running: waiting on the upstream, whose waker is set.
                Poll::Ready(None) | Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let queued = self.running.len()
            + self
                .reorder
                .iter()
                .filter(|o| matches!(o, Slot::Done(_)))
                .count();
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
