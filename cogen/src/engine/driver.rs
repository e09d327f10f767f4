//! The resume protocol: every transition of a generator's driver, in safe
//! code. Python's operations (`next`, `send`, `throw`, `close`) arrive as an
//! optional [`Action`]; each step picks the slot's starting content from the
//! phase and the action, polls the body once through [`Core::poll_body`]
//! (`raw.rs`, the only `unsafe`), and turns what the body left in the slot
//! into an [`Outcome`] and the next phase.
//!
//! Phases (`Phase`): `Created` → (start) → `Suspended(mode)` ⇄ (send, or a
//! throw/close a catching yield point takes) → ... → `Finished`. A step that
//! returns `Pending` without a message (an async body awaiting something
//! else) leaves the phase `Running`, with what the body has not taken yet
//! in `carried` for the step's next poll. A throw or close at a *plain*
//! yield point, or at a fresh generator, never polls the body: it finishes
//! it (drops it, running its cleanup).
//!
//! Why the item path is one function (`poll_value`): LLVM inlines the body's
//! `poll` into a consumer's loop only where it has few call sites, and keeps
//! the generator's fields in registers only if no call on the loop takes
//! `&mut Core`; so `start`, `send` and `next` share one call site, and every
//! rejection is decided by value, without a call.

use core::future::Future;
use core::task::{Context, Poll};

use super::raw::{Core, SharedSlot};
use super::slot::Slot;
use super::{Action, InPlacePoll, Mode, Outcome, Phase, Status};

impl<Y, S, E, F: Future> Core<Y, S, E, F> {
    /// Runs one step of the resume protocol.
    ///
    /// `action` is `Some` when an operation starts and `None` when it is polled
    /// again after returning `Pending` (async bodies only). Returns `Pending`
    /// only when the body awaits something other than its own yield handle.
    pub(crate) fn poll_resume(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        let (closing, mut slot) = match (self.phase, action) {
            (Phase::Running { closing }, None) => (closing, self.take_carried()),
            (_, None) => panic!("cogen: a generator step was polled again after it completed"),
            (Phase::Finished, Some(action)) => {
                return Poll::Ready(match action {
                    Action::Throw(e) => Outcome::Raised(e),
                    Action::Close => Outcome::Closed,
                    other => Outcome::Rejected(other, Status::Finished),
                });
            }
            (Phase::Running { .. }, Some(action)) => {
                return Poll::Ready(Outcome::Rejected(action, Status::Running));
            }
            (Phase::Created, Some(action)) => match action {
                Action::Start => (false, Slot::Empty),
                Action::Send(s) => {
                    return Poll::Ready(Outcome::Rejected(Action::Send(s), Status::Created));
                }
                Action::Throw(e) => {
                    self.finish();
                    return Poll::Ready(Outcome::Raised(e));
                }
                Action::Close => {
                    self.finish();
                    return Poll::Ready(Outcome::Closed);
                }
            },
            (Phase::Suspended(mode), Some(action)) => match action {
                Action::Start => {
                    return Poll::Ready(Outcome::Rejected(Action::Start, Status::Suspended));
                }
                Action::Throw(e) if mode == Mode::Plain => {
                    // The yield point does not handle interrupts: the error
                    // propagates straight out, running the body's cleanup.
                    self.finish();
                    return Poll::Ready(Outcome::Raised(e));
                }
                Action::Close if mode == Mode::Plain => {
                    self.finish();
                    return Poll::Ready(Outcome::Closed);
                }
                action => {
                    let closing = matches!(action, Action::Close);
                    (closing, Slot::delivering(action))
                }
            },
        };
        self.phase = Phase::Running { closing };
        let poll = self.poll_body(cx, &mut slot);
        self.settle(poll, closing, slot)
    }

    /// One step with an optional action, as `AsyncGenerator::poll_step` and
    /// the async operations need: sends take the hot path.
    #[inline(always)]
    pub(crate) fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        match action {
            Some(Action::Send(value)) => self.poll_send(cx, value),
            action => self.poll_resume(cx, action),
        }
    }

    /// Resumes without a caller-chosen value (Python's `next`): starts a fresh
    /// generator, continues a step in flight, or sends `value` to a suspended
    /// one.
    #[inline(always)]
    pub(crate) fn poll_advance(
        &mut self,
        cx: &mut Context<'_>,
        value: S,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        let value = matches!(self.phase, Phase::Suspended(_)).then_some(value);
        self.poll_value(cx, value)
    }

    /// Resumes a suspended generator with a value (Python's `send`); hands
    /// the value back in any other state.
    #[inline(always)]
    pub(crate) fn poll_send(
        &mut self,
        cx: &mut Context<'_>,
        value: S,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        self.poll_value(cx, Some(value))
    }

    /// The item path, shared by `start`, `send` and `next`: `Some(value)`
    /// resumes a suspended generator with it; `None` starts a fresh one or
    /// continues a step in flight. Anything else is rejected, the value
    /// handed back.
    ///
    /// One call site of the body's `poll`, and no out-of-line call that
    /// takes `&mut self` on the way: in a consumer's loop LLVM then inlines
    /// the body once and keeps the generator's fields in registers.
    #[inline(always)]
    pub(crate) fn poll_value(
        &mut self,
        cx: &mut Context<'_>,
        value: Option<S>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        let (closing, mut slot) = match (self.phase, value) {
            (Phase::Suspended(_), Some(value)) => (false, Slot::Send(value)),
            (Phase::Created, None) => (false, Slot::Empty),
            (Phase::Running { closing }, None) => (closing, self.take_carried()),
            (phase, Some(value)) => {
                return Poll::Ready(Outcome::Rejected(Action::Send(value), phase.status()));
            }
            (phase, None) => return Poll::Ready(Outcome::Rejected(Action::Start, phase.status())),
        };
        // The phase stays as it is during the poll: a panic finishes the
        // generator whatever the phase, and `settle` sets the phase after.
        let poll = self.poll_body(cx, &mut slot);
        if poll.is_pending() {
            if let Some((value, mode)) = slot.take_yield() {
                self.phase = Phase::Suspended(mode);
                return Poll::Ready(if closing {
                    Outcome::IgnoredClose(value)
                } else {
                    Outcome::Yielded(value)
                });
            }
        }
        self.settle(poll, closing, slot)
    }

    /// Turns the body's poll result and message into the step's outcome.
    #[inline(always)]
    fn settle(
        &mut self,
        poll: Poll<F::Output>,
        closing: bool,
        mut slot: Slot<Y, S, E>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        match poll {
            Poll::Ready(value) => {
                if let Some(left) = slot.left_behind() {
                    // The body returned with a message posted but never taken,
                    // or an interrupt it never took: its future was dropped.
                    self.finish();
                    drop(value);
                    drop(slot);
                    left.fail()
                }
                self.finish();
                Poll::Ready(Outcome::Returned(value))
            }
            Poll::Pending => match slot.take_message() {
                None => {
                    // An action the body has not taken yet (it awaits
                    // something else first) waits for the step's next poll.
                    self.carry(slot);
                    self.phase = Phase::Running { closing };
                    Poll::Pending
                }
                Some(Slot::Yield(value, mode)) => {
                    self.phase = Phase::Suspended(mode);
                    Poll::Ready(if closing {
                        Outcome::IgnoredClose(value)
                    } else {
                        Outcome::Yielded(value)
                    })
                }
                Some(Slot::Raise(e)) => {
                    self.finish();
                    Poll::Ready(Outcome::Raised(e))
                }
                Some(Slot::SubIgnoredClose(value)) => {
                    self.finish();
                    Poll::Ready(Outcome::IgnoredClose(value))
                }
                Some(_) => {
                    // `Slot::Exit`: the body lets the close request propagate.
                    self.finish();
                    if !closing {
                        super::slot::close_not_in_progress()
                    }
                    Poll::Ready(Outcome::Closed)
                }
            },
        }
    }
}

impl<Y, S, E, F: Future> Core<Y, S, E, F> {
    /// A send delegated in place: the delegating generator's slot holds the
    /// sent value, and the body is polled with that slot, so its yield lands
    /// there directly; `Ready(None)` says it did (the value is re-tagged as
    /// the delegating yield point's). A message is an outcome, taken out of
    /// the slot. On `Pending`, anything the body has not taken yet moves into
    /// this generator's own `carried`, so the step goes on with ordinary
    /// polls (`poll_step(cx, None)`) and owes nothing to the delegating
    /// slot, which may be gone by then (a delegation abandoned by a
    /// `timeout`).
    #[inline(always)]
    pub(crate) fn poll_in_place(
        &mut self,
        cx: &mut Context<'_>,
        mut shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, F::Output, S, E> {
        if !matches!(self.phase, Phase::Suspended(_)) {
            return self.in_place_cold(cx, shared);
        }
        // The phase stays as it is during the poll, as on the item path
        // (`poll_value`): the body cannot reach its own generator, a panic
        // finishes it whatever the phase, and every arm below sets it.
        let poll = self.poll_body_shared(cx, &mut shared);
        shared.with(|slot| {
            // The item path: the body yielded into the lent slot.
            if poll.is_pending() {
                if let Slot::Yield(_, mode) = slot {
                    self.phase = Phase::Suspended(*mode);
                    *mode = Mode::Delegate;
                    return Poll::Ready(None);
                }
            }
            self.in_place_settle(poll, slot)
        })
    }

    /// The rest of `poll_in_place`, out of line: the body returned, waits
    /// for something else, or posted a message other than a value.
    #[cold]
    #[inline(never)]
    fn in_place_settle(
        &mut self,
        poll: Poll<F::Output>,
        slot: &mut Slot<Y, S, E>,
    ) -> InPlacePoll<Y, F::Output, S, E> {
        match poll {
            Poll::Ready(value) => {
                if let Some(left) = slot.left_behind() {
                    self.finish();
                    drop(value);
                    left.fail()
                }
                self.finish();
                Poll::Ready(Some(Outcome::Returned(value)))
            }
            Poll::Pending => match slot {
                Slot::Empty => {
                    self.phase = Phase::Running { closing: false };
                    Poll::Pending
                }
                // Not taken yet: this generator keeps it for the step's
                // next poll.
                Slot::Send(_) | Slot::Throw(_) | Slot::Close => {
                    self.carry(core::mem::replace(slot, Slot::Empty));
                    self.phase = Phase::Running { closing: false };
                    Poll::Pending
                }
                _ => {
                    let message = core::mem::replace(slot, Slot::Empty);
                    self.settle(Poll::Pending, false, message).map(Some)
                }
            },
        }
    }

    /// `poll_in_place` when the generator is not suspended: the send takes
    /// the general protocol (and is handed back if rejected).
    #[cold]
    #[inline(never)]
    fn in_place_cold(
        &mut self,
        cx: &mut Context<'_>,
        mut shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, F::Output, S, E> {
        let action = shared.with(Slot::take_action);
        self.poll_resume(cx, action).map(Some)
    }
}

impl<Y, S, E> SharedSlot<'_, Y, S, E> {
    /// A send delegated in place, by an ordinary step of a sub-generator
    /// that cannot take its slot: the action goes to `step`, and a value it
    /// yields is put where the delegating generator yields it.
    #[inline]
    pub(crate) fn by_step<R>(
        mut self,
        step: impl FnOnce(Option<Action<S, E>>) -> Poll<Outcome<Y, R, S, E>>,
    ) -> InPlacePoll<Y, R, S, E> {
        match step(self.with(Slot::take_action)) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Outcome::Yielded(value)) => {
                self.with(|slot| slot.post_yield(value, Mode::Delegate));
                Poll::Ready(None)
            }
            Poll::Ready(outcome) => Poll::Ready(Some(outcome)),
        }
    }
}
