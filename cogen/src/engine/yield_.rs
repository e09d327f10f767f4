use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::co::offer;
use super::raw::SlotRef;
use super::slot::Slot;
use super::{Action, Catches, Interrupt, Mode, Plain};

/// Future returned by [`Co::yield_`](crate::Co::yield_): yields a value and
/// evaluates to the value sent back.
///
/// # Examples
///
/// ```
/// use cogen::generator;
///
/// let mut g = generator(async |mut co| {
///     let yielding = co.yield_("a"); // nothing happens until awaited
///     yielding.await;
/// });
/// assert_eq!(g.next(), Some("a"));
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Yield<'a, Y, S, E, K = Plain> {
    slot: SlotRef<'a, Y, S, E>,
    value: Option<Y>,
    _handling: PhantomData<fn() -> K>,
}

impl<'a, Y, S, E, K> Yield<'a, Y, S, E, K> {
    pub(crate) fn new(slot: SlotRef<'a, Y, S, E>, value: Y) -> Self {
        Yield {
            slot,
            value: Some(value),
            _handling: PhantomData,
        }
    }

    /// Opts this yield point in to interrupts: evaluates to `Ok(sent)` on a
    /// normal resume, `Err(Interrupt::Throw(e))` when the caller throws `e`,
    /// and `Err(Interrupt::Close)` when the caller closes the generator.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::catching::{self, Catching};
    /// use cogen::{Co, Interrupt};
    ///
    /// let mut g = catching::coroutine(async |mut co: Co<'_, u32, (), &str, Catching>| {
    ///     let mut handled = 0;
    ///     loop {
    ///         match co.yield_(handled).catching().await {
    ///             Ok(()) => {}
    ///             Err(Interrupt::Throw(_)) => handled += 1,
    ///             Err(Interrupt::Close) => return handled,
    ///         }
    ///     }
    /// });
    /// g.start().unwrap();
    /// g.throw("one").unwrap();
    /// g.throw("two").unwrap();
    /// assert_eq!(g.close(), Ok(Some(2)));
    /// ```
    pub fn catching(self) -> YieldCatching<'a, Y, S, E>
    where
        K: Catches,
    {
        YieldCatching {
            slot: self.slot,
            value: self.value,
        }
    }
}

// Nothing is pinned: the value is moved out on the first poll.
impl<Y, S, E, K> Unpin for Yield<'_, Y, S, E, K> {}

impl<Y, S, E, K> Future for Yield<'_, Y, S, E, K> {
    type Output = S;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S> {
        let this = self.get_mut();
        if let Some(value) = this.value.take() {
            offer(&mut this.slot, cx, value, Mode::Plain);
            return Poll::Pending;
        }
        this.slot.with(cx, |slot| match slot.take_action() {
            Some(Action::Send(s)) => Poll::Ready(s),
            // The driver unwinds plain yield points itself; should an interrupt
            // reach one anyway, propagate it rather than lose it.
            Some(Action::Throw(e)) => {
                slot.post(Slot::Raise(e));
                Poll::Pending
            }
            Some(Action::Close) => {
                slot.post(Slot::Exit);
                Poll::Pending
            }
            Some(Action::Start) | None => Poll::Pending,
        })
    }
}

impl<Y, S, E, K> core::fmt::Debug for Yield<'_, Y, S, E, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Yield")
            .field("yielded", &self.value.is_none())
            .finish()
    }
}

/// Future returned by [`Yield::catching`]: a yield point that receives throw
/// and close as an [`Interrupt`].
///
/// # Examples
///
/// ```
/// use cogen::{catching, Interrupt};
///
/// let mut g = catching::generator(async |mut co| {
///     if let Err(Interrupt::Close) = co.yield_(1).catching().await {
///         println!("closing");
///     }
/// });
/// g.next();
/// assert_eq!(g.close(), Ok(Some(())));
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldCatching<'a, Y, S, E> {
    slot: SlotRef<'a, Y, S, E>,
    value: Option<Y>,
}

impl<Y, S, E> Unpin for YieldCatching<'_, Y, S, E> {}

impl<Y, S, E> Future for YieldCatching<'_, Y, S, E> {
    type Output = Result<S, Interrupt<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(value) = this.value.take() {
            offer(&mut this.slot, cx, value, Mode::Catch);
            return Poll::Pending;
        }
        match this.slot.with(cx, Slot::take_action) {
            Some(Action::Send(s)) => Poll::Ready(Ok(s)),
            Some(Action::Throw(e)) => Poll::Ready(Err(Interrupt::Throw(e))),
            Some(Action::Close) => Poll::Ready(Err(Interrupt::Close)),
            Some(Action::Start) | None => Poll::Pending,
        }
    }
}

impl<Y, S, E> core::fmt::Debug for YieldCatching<'_, Y, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldCatching")
            .field("yielded", &self.value.is_none())
            .finish()
    }
}
