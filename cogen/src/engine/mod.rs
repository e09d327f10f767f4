//! The engine: the yield handle, the resume protocol, and the only `unsafe`.
//!
//! Everything above this layer (sync generators, async generators, operators)
//! is built from [`Co`] and the crate-private driver `raw::Core`. See
//! `docs/DESIGN.md` for the states and transitions.

mod async_generator;
mod co;
mod driver;
mod error;
mod finish;
pub(crate) mod finishing;
mod generator;
mod handling;
pub(crate) mod items;
mod on_return;
mod outcome;
mod raise;
pub(crate) mod raw;
pub(crate) mod report;
mod slot;
mod yield_;
mod yield_from;
mod yield_from_iter;

pub use async_generator::{AsyncGenerator, BoxAsyncGenerator, LocalBoxAsyncGenerator};
pub use co::Co;
pub use error::{CloseError, ResumeError, SendError, StartError};
pub(crate) use finish::raised_while_iterated;
pub use finish::{Finish, Nothing};
pub use generator::{BoxGenerator, Generator, LocalBoxGenerator};
pub use handling::{Catches, Catching, Handling, Plain};
pub use on_return::OnReturn;
pub use raise::Raise;
pub use yield_::{Yield, YieldCatching};
pub use yield_from::{YieldFrom, YieldFromCatching, YieldFromResuming, YieldFromResumingCatching};
pub use yield_from_iter::{YieldFromIter, YieldFromIterCatching};

/// The result of resuming a generator: it either yielded a value or completed
/// with its return value.
///
/// Shaped like nightly `core::ops::CoroutineState`, so code written against
/// cogen can move to native coroutines later.
///
/// # Examples
///
/// ```
/// use cogen::{generator, GeneratorState};
///
/// let mut g = generator(async |mut co| {
///     co.yield_(1).await;
///     "done"
/// });
/// assert_eq!(g.resume(), Ok(GeneratorState::Yielded(1)));
/// assert_eq!(g.resume(), Ok(GeneratorState::Complete("done")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeneratorState<Y, R> {
    /// The generator suspended at a yield point with this value.
    Yielded(Y),
    /// The generator finished with this return value.
    Complete(R),
}

impl<Y, R> GeneratorState<Y, R> {
    /// The yielded value, if the generator yielded.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::GeneratorState;
    ///
    /// assert_eq!(GeneratorState::<i32, ()>::Yielded(3).yielded(), Some(3));
    /// assert_eq!(GeneratorState::<i32, ()>::Complete(()).yielded(), None);
    /// ```
    pub fn yielded(self) -> Option<Y> {
        match self {
            GeneratorState::Yielded(y) => Some(y),
            GeneratorState::Complete(_) => None,
        }
    }

    /// The return value, if the generator completed.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::GeneratorState;
    ///
    /// assert_eq!(GeneratorState::<(), &str>::Complete("r").complete(), Some("r"));
    /// ```
    pub fn complete(self) -> Option<R> {
        match self {
            GeneratorState::Yielded(_) => None,
            GeneratorState::Complete(r) => Some(r),
        }
    }
}

/// Where a generator is in its life: created, suspended, running or
/// finished (Python's `inspect.getgeneratorstate`). Not to be confused with
/// [`GeneratorState`], what one step of it produced.
///
/// # Examples
///
/// ```
/// use cogen::generator;
/// use cogen::protocol::Status;
///
/// let mut g = generator(async |mut co| co.yield_(1).await);
/// assert_eq!(g.status(), Status::Created);
/// g.next();
/// assert_eq!(g.status(), Status::Suspended);
/// g.next();
/// assert_eq!(g.status(), Status::Finished);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not started: none of the body has run (`GEN_CREATED`).
    Created,
    /// Paused at a yield point (`GEN_SUSPENDED`).
    Suspended,
    /// A step is in progress: an async generator's body is awaiting something
    /// other than its yield handle (`GEN_RUNNING`). A sync generator is never
    /// observed in this state.
    Running,
    /// Completed, raised, or closed; it will not run again (`GEN_CLOSED`).
    Finished,
}

/// An interrupt delivered at a yield point that opted in with `.catching()`.
///
/// # Examples
///
/// ```
/// use cogen::{coroutine, Co, Interrupt};
///
/// let mut g = cogen::catching::coroutine(async |mut co: Co<'_, i32, (), String, cogen::catching::Catching>| {
///     match co.yield_(1).catching().await {
///         Ok(()) => 0,
///         Err(Interrupt::Throw(e)) => e.len(),
///         Err(Interrupt::Close) => 99,
///     }
/// });
/// g.start().unwrap();
/// assert_eq!(g.throw("four".to_string()), Ok(cogen::GeneratorState::Complete(4)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interrupt<E> {
    /// The caller threw this error in (Python's `gen.throw(e)`).
    Throw(E),
    /// The caller asked the generator to close (Python's `GeneratorExit`).
    /// Return to accept; yielding again makes `close` report
    /// [`CloseError::Ignored`].
    Close,
}

/// How a suspended yield point handles interrupts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `yield_`: throw and close unwind the body without resuming it.
    Plain,
    /// `yield_(..).catching()`: the body receives throw and close.
    Catch,
    /// Delegating: the body's delegation forwards throw and close.
    Delegate,
}

/// The driver's view of the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Created,
    Suspended(Mode),
    /// A step is under way; `closing` when the step delivers a close request.
    Running {
        closing: bool,
    },
    Finished,
}

impl Phase {
    pub(crate) fn status(self) -> Status {
        match self {
            Phase::Created => Status::Created,
            Phase::Suspended(_) => Status::Suspended,
            Phase::Running { .. } => Status::Running,
            Phase::Finished => Status::Finished,
        }
    }
}

/// What a driver asks of an [`AsyncGenerator`] in one step of the protocol
/// ([`AsyncGenerator::poll_step`]): Python's `send(None)` on a fresh
/// generator, `send`, `throw` and `close`.
///
/// # Examples
///
/// ```
/// use cogen::AsyncGenerator;
/// use cogen::protocol::{Action, Outcome};
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut g = cogen::generator(async |mut co| co.yield_(1).await);
/// let mut cx = Context::from_waker(Waker::noop());
/// let step = Pin::new(&mut g).poll_step(&mut cx, Some(Action::Start));
/// assert!(matches!(step, Poll::Ready(Outcome::Yielded(1))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action<S, E> {
    /// Run a fresh generator to its first yield.
    Start,
    /// Resume the pending yield with a value.
    Send(S),
    /// Throw an error in at the pending yield.
    Throw(E),
    /// Ask the generator to close.
    Close,
}

/// One step's poll result, as [`AsyncGenerator::poll_step`] returns it.
pub(crate) type StepPoll<Y, R, S, E> = core::task::Poll<Outcome<Y, R, S, E>>;

/// A send delegated in place: `Ready(None)` when the value was yielded into
/// the delegating generator's slot, else as [`StepPoll`].
pub(crate) type InPlacePoll<Y, R, S, E> = core::task::Poll<Option<Outcome<Y, R, S, E>>>;

/// What one step of the protocol produced ([`AsyncGenerator::poll_step`]).
///
/// # Examples
///
/// ```
/// use cogen::AsyncGenerator;
/// use cogen::protocol::{Action, Outcome, Status};
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut g = cogen::generator(async |mut co| co.yield_(1).await);
/// let mut cx = Context::from_waker(Waker::noop());
/// // A value sent to a fresh generator is handed back, with the reason.
/// let step = Pin::new(&mut g).poll_step(&mut cx, Some(Action::Send(())));
/// assert!(matches!(step, Poll::Ready(Outcome::Rejected(Action::Send(()), Status::Created))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome<Y, R, S, E> {
    /// Suspended with a value.
    Yielded(Y),
    /// Completed with the body's return value; finished.
    Returned(R),
    /// An error came out of the body (or bounced off a fresh/finished one); finished.
    Raised(E),
    /// Closed without a return value; finished.
    Closed,
    /// The body yielded after a close request (still suspended), or a
    /// sub-generator did (finished).
    IgnoredClose(Y),
    /// The action does not fit the generator's state (given): handed back
    /// untouched. A fresh generator rejects `Send` ([`Status::Created`]), a
    /// started one `Start` ([`Status::Suspended`]), a finished one `Start` and
    /// `Send`, and one with a step in flight any new action ([`Status::Running`]).
    Rejected(Action<S, E>, Status),
}
