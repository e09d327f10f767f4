//! The slot shared by a generator's driver and its body, and the messages
//! that pass through it. Safe code: `raw` decides *when* each side may touch it.

use super::{Action, Mode};

/// One message at a time travels between driver and body.
#[derive(Debug)]
pub(crate) enum Slot<Y, S, E> {
    /// Nothing in flight.
    Empty,
    /// Driver to body: the resume action for the pending yield point.
    Send(S),
    /// Driver to body: an error thrown in at the pending yield point.
    Throw(E),
    /// Driver to body: a close request at the pending yield point.
    Close,
    /// Body to driver: a yielded value, and how the yield point handles interrupts.
    Yield(Y, Mode),
    /// Body to driver: an error the body lets out (unhandled throw, or `raise`).
    Raise(E),
    /// Body to driver: the body lets a close request propagate (from a delegation).
    Exit,
    /// Body to driver: a sub-generator ignored the close request forwarded to it.
    SubIgnoredClose(Y),
}

impl<Y, S, E> Slot<Y, S, E> {
    /// Body side: post a yielded value (the hot path of [`post`](Self::post)).
    #[inline(always)]
    pub(crate) fn post_yield(&mut self, value: Y, mode: Mode) {
        if let Some(left) = self.left_behind() {
            left.fail_then("yielded again")
        }
        *self = Slot::Yield(value, mode);
    }

    /// Body side: post a message for the driver.
    ///
    /// A resume value the body never took (its yield future was dropped after
    /// the resume, e.g. a `select!` whose other branch won) is discarded here
    /// (DESIGN.md, "stale actions").
    ///
    /// # Panics
    /// If a previous message has not been taken yet, or an interrupt was
    /// delivered to a yield point the body abandoned: either would otherwise
    /// be lost. Only the variant crosses into the cold path, by value: a
    /// reference to the slot there would make its address escape and keep
    /// every access to it out of registers.
    #[inline(always)]
    pub(crate) fn post(&mut self, message: Slot<Y, S, E>) {
        if let Some(left) = self.left_behind() {
            left.fail_then(message.then())
        }
        *self = message;
    }

    /// What the slot holds that a post or a return would lose, if anything
    /// (a stale resume value is not).
    #[inline(always)]
    pub(crate) fn left_behind(&self) -> Option<LeftBehind> {
        match self {
            Slot::Empty | Slot::Send(_) => None,
            Slot::Yield(..) => Some(LeftBehind::Yield),
            Slot::Throw(_) | Slot::Close => Some(LeftBehind::Interrupt),
            _ => Some(LeftBehind::Message),
        }
    }

    /// Whether the body posted something the driver has not taken.
    #[inline]
    pub(crate) fn holds_body_message(&self) -> bool {
        matches!(
            self,
            Slot::Yield(..) | Slot::Raise(_) | Slot::Exit | Slot::SubIgnoredClose(_)
        )
    }
}

/// What a returning body left in the slot.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LeftBehind {
    Yield,
    Interrupt,
    Message,
}

impl LeftBehind {
    /// Panics naming the loss; the body has returned.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn fail(self) -> ! {
        self.fail_then("returned")
    }

    /// Panics naming the loss; the body then did `then`.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn fail_then(self, then: &'static str) -> ! {
        match self {
            LeftBehind::Yield => yield_abandoned(then),
            LeftBehind::Interrupt => interrupt_abandoned(then),
            LeftBehind::Message => posted_twice(then),
        }
    }
}

/// An interrupt (a throw or a close) was delivered to a yield point whose
/// future the body had dropped after posting its value; the body then went on
/// without taking it.
#[cold]
#[inline(never)]
#[track_caller]
fn interrupt_abandoned(then: &str) -> ! {
    panic!(
        "cogen: a throw or close was delivered to a yield point whose future the generator \
         body had dropped (a yield inside a timeout, select! or join! that another branch \
         won), and the body went on and {then} without taking it; the interrupt would be \
         lost. Await a yield to completion, one at a time, in its own generator's body"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn posted_twice(then: &str) -> ! {
    panic!(
        "cogen: a generator body raised or let a close out, dropped that future before its \
         generator took the message, and then {then}; a yield handle's futures must be \
         awaited to completion, one at a time, by its own generator's body"
    )
}

impl<Y, S, E> Slot<Y, S, E> {
    /// What a body did, for the abandoned-yield message.
    #[inline]
    fn then(&self) -> &'static str {
        match self {
            Slot::Yield(..) => "yielded again",
            Slot::Raise(_) => "raised",
            _ => "let a close or an error out (propagate, or a delegation)",
        }
    }
}

/// A body let a close go on ([`Co::propagate`](crate::Co::propagate) of an
/// `Interrupt::Close`) during a step that was not a close.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn close_not_in_progress() -> ! {
    panic!(
        "cogen: a generator body propagated Interrupt::Close while no close was in progress \
         (an interrupt kept from an earlier, ignored close); there is no close to continue"
    )
}

/// A body posted a value, dropped (or forgot) the yield future before the
/// driver took the value, and then went on to finish or post again. The value
/// has nowhere to go: fail loudly instead of losing it (DESIGN.md,
/// "abandoned yields").
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn yield_abandoned(then: &str) -> ! {
    panic!(
        "cogen: a generator body yielded a value, dropped that yield's future before the \
         value was delivered (a yield inside a timeout, select! or join! that another branch \
         won), and then {then}; the value would be lost. Await a yield to completion, one at \
         a time, in its own generator's body"
    )
}

impl<Y, S, E> Slot<Y, S, E> {
    /// Body side: take the driver's resume action, if one is waiting.
    #[inline(always)]
    pub(crate) fn take_action(&mut self) -> Option<Action<S, E>> {
        // Hot path: a plain resume.
        if let Slot::Send(_) = self {
            if let Slot::Send(s) = core::mem::replace(self, Slot::Empty) {
                return Some(Action::Send(s));
            }
        }
        self.take_interrupt()
    }

    #[cold]
    fn take_interrupt(&mut self) -> Option<Action<S, E>> {
        match self {
            Slot::Send(_) | Slot::Throw(_) | Slot::Close => {}
            _ => return None,
        }
        match core::mem::replace(self, Slot::Empty) {
            Slot::Send(s) => Some(Action::Send(s)),
            Slot::Throw(e) => Some(Action::Throw(e)),
            Slot::Close => Some(Action::Close),
            _ => None,
        }
    }

    /// Driver side: a slot delivering a resume action to the body.
    #[inline]
    pub(crate) fn delivering(action: Action<S, E>) -> Self {
        match action {
            Action::Send(s) => Slot::Send(s),
            Action::Throw(e) => Slot::Throw(e),
            Action::Close => Slot::Close,
            Action::Start => Slot::Empty,
        }
    }

    /// Driver side: take a yielded value (the hot path), leaving any other
    /// message in place.
    #[inline(always)]
    pub(crate) fn take_yield(&mut self) -> Option<(Y, Mode)> {
        if let Slot::Yield(..) = self {
            if let Slot::Yield(value, mode) = core::mem::replace(self, Slot::Empty) {
                return Some((value, mode));
            }
        }
        None
    }

    /// Driver side: take the body's message after a poll, if it posted one.
    ///
    /// A driver action the body has not consumed yet stays in place: the body
    /// may still poll its yield future later in this step.
    #[inline(always)]
    pub(crate) fn take_message(&mut self) -> Option<Slot<Y, S, E>> {
        if let Slot::Yield(..) = self {
            return Some(core::mem::replace(self, Slot::Empty));
        }
        self.take_other_message()
    }

    #[cold]
    fn take_other_message(&mut self) -> Option<Slot<Y, S, E>> {
        if self.holds_body_message() {
            Some(core::mem::replace(self, Slot::Empty))
        } else {
            None
        }
    }
}
