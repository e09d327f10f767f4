//! Delegation to a plain source of items (an iterator or a stream): the
//! shared core of `yield_from_iter` and `yield_from_stream`.

use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::co::offer;
use super::raw::SlotRef;
use super::slot::Slot;
use super::{Action, Interrupt, Mode};

/// Something that produces items one at a time, possibly after waiting.
pub(crate) trait Source {
    type Item;
    fn poll_item(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;
}

/// An iterator as a [`Source`]: always ready.
#[derive(Debug)]
pub(crate) struct IterSource<I>(pub(crate) I);

// The iterator is driven through `&mut`, never pinned.
impl<I> Unpin for IterSource<I> {}

impl<I: Iterator> Source for IterSource<I> {
    type Item = I::Item;

    #[inline]
    fn poll_item(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.get_mut().0.next())
    }
}

pin_project! {
    /// Yields every item of a source with mode `Delegate`. A throw or close
    /// while delegating arrives here: there is nothing to forward it to.
    pub(crate) struct Items<'a, Y, E, Src> {
        slot: SlotRef<'a, Y, (), E>,
        #[pin]
        source: Src,
        waiting: bool,
    }
}

impl<'a, Y, E, Src: Source<Item = Y>> Items<'a, Y, E, Src> {
    pub(crate) fn new(slot: SlotRef<'a, Y, (), E>, source: Src) -> Self {
        Items {
            slot,
            source,
            waiting: false,
        }
    }

    /// `Ready(Ok(()))` when the source is exhausted; `Ready(Err(_))` for an
    /// interrupt when `catching`, which otherwise goes to the driver.
    #[inline]
    pub(crate) fn poll_items(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        catching: bool,
    ) -> Poll<Result<(), Interrupt<E>>> {
        let this = self.project();
        if *this.waiting {
            match this.slot.with(cx, Slot::take_action) {
                None => return Poll::Pending,
                Some(Action::Throw(e)) => {
                    if catching {
                        return Poll::Ready(Err(Interrupt::Throw(e)));
                    }
                    this.slot.with(cx, |slot| slot.post(Slot::Raise(e)));
                    return Poll::Pending;
                }
                Some(Action::Close) => {
                    if catching {
                        return Poll::Ready(Err(Interrupt::Close));
                    }
                    this.slot.with(cx, |slot| slot.post(Slot::Exit));
                    return Poll::Pending;
                }
                Some(Action::Send(())) | Some(Action::Start) => *this.waiting = false,
            }
        }
        match this.source.poll_item(cx) {
            Poll::Ready(Some(value)) => {
                offer(this.slot, cx, value, Mode::Delegate);
                *this.waiting = true;
                Poll::Pending
            }
            Poll::Ready(None) => Poll::Ready(Ok(())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<Y, E, Src> Items<'_, Y, E, Src> {
    pub(crate) fn is_waiting(&self) -> bool {
        self.waiting
    }
}
