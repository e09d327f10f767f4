use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::raw::SlotRef;
use super::slot::Slot;

/// Future returned by [`Co::raise`](crate::Co::raise) and
/// [`Co::propagate`](crate::Co::propagate): lets an error (or a close) out of
/// the generator. It never completes, so it evaluates to any type `T`.
///
/// # Examples
///
/// ```
/// use cogen::{coroutine, Co};
///
/// let mut g = coroutine(async |mut co: Co<'_, (), (), &str>| {
///     co.yield_(()).await;
///     co.raise::<()>("gave up").await;
/// });
/// g.start().unwrap();
/// assert_eq!(g.send(()), Err(cogen::error::SendError::Raised("gave up")));
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Raise<'a, Y, S, E, T> {
    slot: SlotRef<'a, Y, S, E>,
    /// `Slot::Raise(e)`, or `Slot::Exit` to let a close go on; `None` once posted.
    message: Option<Slot<Y, S, E>>,
    _never: PhantomData<fn() -> T>,
}

impl<'a, Y, S, E, T> Raise<'a, Y, S, E, T> {
    pub(crate) fn new(slot: SlotRef<'a, Y, S, E>, error: E) -> Self {
        Self::posting(slot, Slot::Raise(error))
    }

    pub(crate) fn posting(slot: SlotRef<'a, Y, S, E>, message: Slot<Y, S, E>) -> Self {
        Raise {
            slot,
            message: Some(message),
            _never: PhantomData,
        }
    }
}

impl<Y, S, E, T> Unpin for Raise<'_, Y, S, E, T> {}

impl<Y, S, E, T> Future for Raise<'_, Y, S, E, T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        if let Some(message) = this.message.take() {
            this.slot.with(cx, |slot| slot.post(message));
        }
        // The driver finishes the generator on seeing the error; this future
        // is dropped with the body and never polled again by it.
        Poll::Pending
    }
}

impl<Y, S, E, T> core::fmt::Debug for Raise<'_, Y, S, E, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Raise")
            .field("raised", &self.message.is_none())
            .finish()
    }
}
