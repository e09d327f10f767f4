use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::items::{Items, IterSource};
use super::raw::SlotRef;
use super::{Catches, Catching, Interrupt, Plain};

/// Future returned by [`Co::yield_from_iter`](crate::Co::yield_from_iter):
/// yields every item of an iterator.
///
/// # Examples
///
/// ```
/// use cogen::generator;
///
/// let g = generator(async |mut co| co.yield_from_iter("ab".chars()).await);
/// assert_eq!(g.collect::<String>(), "ab");
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldFromIter<'a, Y, E, I, K = Plain> {
    items: Items<'a, Y, E, IterSource<I>>,
    _handling: PhantomData<fn() -> K>,
}

impl<'a, Y, E, I: Iterator<Item = Y>, K> YieldFromIter<'a, Y, E, I, K> {
    pub(crate) fn new(slot: SlotRef<'a, Y, (), E>, iter: I) -> Self {
        YieldFromIter {
            items: Items::new(slot, IterSource(iter)),
            _handling: PhantomData,
        }
    }
}

impl<'a, Y, E, I: Iterator<Item = Y>, K> YieldFromIter<'a, Y, E, I, K> {
    /// Lets this body handle a throw or close that arrives while delegating,
    /// as an [`Interrupt`]; evaluates to `Ok(())` when the iterator is done.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{catching, GeneratorState, Interrupt};
    ///
    /// let mut g = catching::generator(async |mut co| {
    ///     match co.yield_from_iter(1..).catching().await {
    ///         Err(Interrupt::Close) => "closed",
    ///         _ => "unreachable: 1.. never ends",
    ///     }
    /// });
    /// assert_eq!(g.resume(), Ok(GeneratorState::Yielded(1)));
    /// assert_eq!(g.close(), Ok(Some("closed")));
    /// ```
    pub fn catching(self) -> YieldFromIterCatching<'a, Y, E, I, K>
    where
        K: Catches,
    {
        YieldFromIterCatching { inner: self }
    }
}

impl<Y, E, I: Iterator<Item = Y>, K> Future for YieldFromIter<'_, Y, E, I, K> {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match Pin::new(&mut self.items).poll_items(cx, false) {
            Poll::Ready(Ok(())) => Poll::Ready(()),
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl<Y, E, I, K> core::fmt::Debug for YieldFromIter<'_, Y, E, I, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromIter")
            .field("waiting", &self.items.is_waiting())
            .finish_non_exhaustive()
    }
}

/// Future returned by [`YieldFromIter::catching`].
///
/// # Examples
///
/// ```
/// use cogen::catching::{self, Catching};
/// use cogen::{Co, GeneratorState, Interrupt};
///
/// let mut g = catching::coroutine(async |mut co: Co<'_, i32, (), &str, Catching>| {
///     if let Err(Interrupt::Throw(e)) = co.yield_from_iter([1, 2]).catching().await {
///         co.yield_(e.len() as i32).await;
///     }
/// });
/// assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
/// assert_eq!(g.throw("four"), Ok(GeneratorState::Yielded(4)));
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldFromIterCatching<'a, Y, E, I, K = Catching> {
    inner: YieldFromIter<'a, Y, E, I, K>,
}

impl<Y, E, I: Iterator<Item = Y>, K> Future for YieldFromIterCatching<'_, Y, E, I, K> {
    type Output = Result<(), Interrupt<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner.items).poll_items(cx, true)
    }
}

impl<Y, E, I, K> core::fmt::Debug for YieldFromIterCatching<'_, Y, E, I, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromIterCatching")
            .finish_non_exhaustive()
    }
}
