use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;
use pin_project_lite::pin_project;

use crate::engine::items::{Items, Source};
use crate::engine::{Catches, Catching, Co, Interrupt, Plain};

pin_project! {
    /// A [`Stream`] as an item source for delegation.
    struct StreamSource<St> {
        #[pin]
        stream: St,
    }
}

impl<St: Stream> Source for StreamSource<St> {
    type Item = St::Item;

    #[inline]
    fn poll_item(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        self.project().stream.poll_next(cx)
    }
}

impl<Y, E, K> Co<'_, Y, (), E, K> {
    /// Yields every item of `stream`, awaiting it between items (an async
    /// `yield from` over any [`Stream`], which Python lacks); evaluates to `()`
    /// when the stream ends. A throw or close while delegating arrives at this
    /// yield point, as for [`yield_from_iter`](Co::yield_from_iter).
    ///
    /// Only generators that receive `()` can delegate to a stream.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe, and not meant to be raced: await it to completion in
    /// the generator's own body, not inside `select!` or a timeout. Dropping
    /// it drops `stream` with the items it has not produced yet (the ones
    /// already yielded were delivered). Dropped while the item it just
    /// yielded has not been taken (or while a throw or close waits for it),
    /// the body panics at its next yield or return rather than lose it.
    /// (Cancelling the consumer's `next()` is another matter: that keeps the
    /// delegation where it is, and loses nothing.)
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::async_generator;
    /// use futures::{stream, StreamExt};
    ///
    /// # futures::executor::block_on(async {
    /// let g = async_generator(async |mut co| {
    ///     co.yield_(0).await;
    ///     co.yield_from_stream(stream::iter(1..=2)).await;
    ///     co.yield_from_stream(stream::once(async { 3 })).await;
    /// });
    /// assert_eq!(g.collect::<Vec<_>>().await, [0, 1, 2, 3]);
    /// # });
    /// ```
    pub fn yield_from_stream<St>(&mut self, stream: St) -> YieldFromStream<'_, Y, E, St, K>
    where
        St: Stream<Item = Y>,
    {
        YieldFromStream {
            items: Items::new(self.slot.borrow(), StreamSource { stream }),
            _handling: PhantomData,
        }
    }
}

pin_project! {
    /// Future returned by [`Co::yield_from_stream`]: yields every item of a
    /// stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::async_generator;
    /// use futures::{stream, StreamExt};
    ///
    /// # futures::executor::block_on(async {
    /// let g = async_generator(async |mut co| {
    ///     co.yield_from_stream(stream::iter("ab".chars())).await
    /// });
    /// assert_eq!(g.collect::<String>().await, "ab");
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct YieldFromStream<'a, Y, E, St, K = Plain> {
        #[pin]
        items: Items<'a, Y, E, StreamSource<St>>,
        _handling: PhantomData<fn() -> K>,
    }
}

impl<'a, Y, E, St: Stream<Item = Y>, K> YieldFromStream<'a, Y, E, St, K> {
    /// Lets this body handle a throw or close that arrives while delegating,
    /// as an [`Interrupt`]; evaluates to `Ok(())` when the stream ends.
    ///
    /// # Cancel safety
    ///
    /// As [`Co::yield_from_stream`]: not cancel safe; await it to completion
    /// in the generator's own body.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{catching, GeneratorState, Interrupt};
    /// use futures::stream;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = catching::async_generator(async |mut co| {
    ///     match co.yield_from_stream(stream::repeat(7)).catching().await {
    ///         Err(Interrupt::Close) => "closed",
    ///         _ => "unreachable: the stream never ends",
    ///     }
    /// });
    /// assert_eq!(g.anext().await, Ok(GeneratorState::Yielded(7)));
    /// assert_eq!(g.aclose().await, Ok(Some("closed")));
    /// # });
    /// ```
    pub fn catching(self) -> YieldFromStreamCatching<'a, Y, E, St, K>
    where
        K: Catches,
    {
        YieldFromStreamCatching { inner: self }
    }
}

impl<Y, E, St: Stream<Item = Y>, K> Future for YieldFromStream<'_, Y, E, St, K> {
    type Output = ();

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project().items.poll_items(cx, false) {
            Poll::Ready(Ok(())) => Poll::Ready(()),
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl<Y, E, St, K> core::fmt::Debug for YieldFromStream<'_, Y, E, St, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromStream").finish_non_exhaustive()
    }
}

pin_project! {
    /// Future returned by [`YieldFromStream::catching`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::catching::{self, Catching};
    /// use cogen::{Co, GeneratorState, Interrupt};
    /// use futures::stream;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = catching::async_coroutine(async |mut co: Co<'_, usize, (), &str, Catching>| {
    ///     let items = stream::iter([1, 2]);
    ///     if let Err(Interrupt::Throw(e)) = co.yield_from_stream(items).catching().await {
    ///         co.yield_(e.len()).await;
    ///     }
    /// });
    /// assert_eq!(g.astart().await, Ok(GeneratorState::Yielded(1)));
    /// assert_eq!(g.athrow("four").await, Ok(GeneratorState::Yielded(4)));
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct YieldFromStreamCatching<'a, Y, E, St, K = Catching> {
        #[pin]
        inner: YieldFromStream<'a, Y, E, St, K>,
    }
}

impl<Y, E, St: Stream<Item = Y>, K> Future for YieldFromStreamCatching<'_, Y, E, St, K> {
    type Output = Result<(), Interrupt<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.project().items.poll_items(cx, true)
    }
}

impl<Y, E, St, K> core::fmt::Debug for YieldFromStreamCatching<'_, Y, E, St, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromStreamCatching")
            .finish_non_exhaustive()
    }
}
