//! [`Generator`]: Python's generator protocol as a trait, for return types
//! users can name, hand-written generators, and boxed generators.

use core::task::{Context, Poll};

use super::raw::SharedSlot;
use super::{
    Action, CloseError, GeneratorState, InPlacePoll, Nothing, Outcome, ResumeError, SendError,
    StartError, Status, StepPoll,
};

/// A generator: Python's protocol (`send`, `throw`, `close`, a return value)
/// with the types of nightly's `core::ops::Coroutine` named: what it yields,
/// what it is sent, what can be thrown into it, and what it returns.
///
/// Implemented by [`Gen`](crate::Gen). Implement it for a hand-written type
/// and a generator body can delegate to it with
/// [`yield_from`](crate::Co::yield_from), which forwards `send`, `throw` and
/// `close` to it and evaluates to its return value, as Python's `yield from`
/// accepts any object with `send`/`throw`/`close`. Return `impl Generator<..>`
/// from a function to hand out a generator others can iterate (add
/// `+ Iterator<Item = ..>`) and delegate to; box it ([`BoxGenerator`],
/// [`LocalBoxGenerator`]) to keep it in a struct field or a collection.
///
/// # Examples
///
/// A tokenizer that returns a delegatable generator, a coroutine kept in a
/// struct field, and a hand-written generator delegated to:
///
/// ```
/// use cogen::{generator, Co, Generator, GeneratorState};
/// use cogen::error::{CloseError, SendError, StartError};
/// use cogen::protocol::BoxGenerator;
/// use std::convert::Infallible;
///
/// // 1. A tokenizer: a function returning a generator others can iterate
/// //    and delegate to.
/// fn words(text: &str) -> impl Generator<Yield = String, Sent = (), Error = Infallible, Return = ()>
///        + Iterator<Item = String> + '_ {
///     generator(async move |mut co| {
///         for w in text.split_whitespace() {
///             co.yield_(w.to_uppercase()).await;
///         }
///     })
/// }
/// assert_eq!(words("to be").collect::<Vec<_>>(), ["TO", "BE"]);
/// let shout = generator(async |mut co| {
///     co.yield_from(words("hi there")).await;
///     co.yield_("!".to_string()).await;
/// });
/// assert_eq!(shout.collect::<Vec<_>>(), ["HI", "THERE", "!"]);
///
/// // 2. A coroutine in a struct field.
/// struct Averager {
///     coroutine: BoxGenerator<'static, f64, f64>,
/// }
/// let mut avg = Averager {
///     coroutine: Box::new(cogen::coroutine(async |mut co: Co<'_, f64, f64>| {
///         let (mut sum, mut n) = (0.0, 0.0);
///         loop {
///             let x = co.yield_(if n > 0.0 { sum / n } else { 0.0 }).await;
///             sum += x;
///             n += 1.0;
///         }
///     })),
/// };
/// avg.coroutine.start().unwrap();
/// assert_eq!(avg.coroutine.send(4.0), Ok(GeneratorState::Yielded(4.0)));
/// assert_eq!(avg.coroutine.send(2.0), Ok(GeneratorState::Yielded(3.0)));
///
/// // 3. A hand-written generator, delegated to with send forwarding and a
/// //    return value.
/// struct Countdown(u32);
/// impl Generator for Countdown {
///     type Yield = u32;
///     type Sent = ();
///     type Error = std::convert::Infallible;
///     type Return = &'static str;
///     fn start(&mut self) -> Result<GeneratorState<u32, &'static str>, StartError<Self::Error>> {
///         self.send(()).map_err(|_| StartError::Finished)
///     }
///     fn send(&mut self, (): ()) -> Result<GeneratorState<u32, &'static str>, SendError<(), Self::Error>> {
///         match self.0 {
///             0 => Ok(GeneratorState::Complete("liftoff")),
///             n => { self.0 -= 1; Ok(GeneratorState::Yielded(n)) }
///         }
///     }
///     fn throw(&mut self, e: Self::Error) -> Result<GeneratorState<u32, &'static str>, Self::Error> {
///         match e {}
///     }
///     fn close(&mut self) -> Result<Option<&'static str>, CloseError<u32, Self::Error>> {
///         self.0 = 0;
///         Ok(None)
///     }
/// }
/// let launch = generator(async |mut co| {
///     let said = co.yield_from(Countdown(3)).await;
///     assert_eq!(said, "liftoff");
/// });
/// assert_eq!(launch.collect::<Vec<_>>(), [3, 2, 1]);
/// ```
// The results are the protocol's own types, spelled out as `Gen` spells them.
#[allow(clippy::type_complexity)]
pub trait Generator {
    /// What it yields.
    type Yield;
    /// What `send` passes in (`()` for a plain generator).
    type Sent;
    /// What `throw` passes in.
    type Error;
    /// What it returns.
    type Return;

    /// Runs it to its first yield (Python's first `next`/`send(None)`).
    ///
    /// # Errors
    ///
    /// As [`Gen::start`](crate::Gen::start).
    fn start(
        &mut self,
    ) -> Result<GeneratorState<Self::Yield, Self::Return>, StartError<Self::Error>>;

    /// Resumes it with a value (Python's `send`).
    ///
    /// # Errors
    ///
    /// As [`Gen::send`](crate::Gen::send): the value is handed back when it
    /// cannot be delivered.
    fn send(
        &mut self,
        value: Self::Sent,
    ) -> Result<GeneratorState<Self::Yield, Self::Return>, SendError<Self::Sent, Self::Error>>;

    /// Throws an error in at its yield point (Python's `throw`).
    ///
    /// # Errors
    ///
    /// The error, if it was not handled (or a new one the body raised).
    fn throw(
        &mut self,
        error: Self::Error,
    ) -> Result<GeneratorState<Self::Yield, Self::Return>, Self::Error>;

    /// Closes it, running its cleanup (Python's `close`).
    ///
    /// # Errors
    ///
    /// As [`Gen::close`](crate::Gen::close).
    fn close(&mut self) -> Result<Option<Self::Return>, CloseError<Self::Yield, Self::Error>>;

    /// Python's `send` with the value optional: `None` starts it, `Some(v)`
    /// sends `v` (one entry point for a send loop).
    ///
    /// # Errors
    ///
    /// As [`Gen::resume_with`](crate::Gen::resume_with).
    ///
    /// # Panics
    ///
    /// If `value` is `None` and the generator is suspended at a yield (it
    /// waits for a value).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{Co, Generator, GeneratorState};
    /// use cogen::protocol::BoxGenerator;
    ///
    /// let mut g: BoxGenerator<'_, u8, u8> =
    ///     Box::new(cogen::coroutine(async |mut co: Co<'_, u8, u8>| {
    ///         let x = co.yield_(0).await;
    ///         co.yield_(x + 1).await;
    ///     }));
    /// assert_eq!(Generator::resume_with(&mut g, None), Ok(GeneratorState::Yielded(0)));
    /// assert_eq!(Generator::resume_with(&mut g, Some(5)), Ok(GeneratorState::Yielded(6)));
    /// ```
    #[track_caller]
    fn resume_with(
        &mut self,
        value: Option<Self::Sent>,
    ) -> Result<GeneratorState<Self::Yield, Self::Return>, SendError<Option<Self::Sent>, Self::Error>>
    {
        match value {
            Some(value) => self.send(value).map_err(|e| match e {
                SendError::NotStarted(v) => SendError::NotStarted(Some(v)),
                SendError::Finished(v) => SendError::Finished(Some(v)),
                SendError::Running(v) => SendError::Running(Some(v)),
                SendError::Raised(e) => SendError::Raised(e),
            }),
            None => match self.start() {
                Ok(state) => Ok(state),
                Err(StartError::Raised(e)) => Err(SendError::Raised(e)),
                Err(StartError::Finished) => Err(SendError::Finished(None)),
                Err(StartError::AlreadyStarted) => super::outcome::waits_for_a_value(),
            },
        }
    }

    /// Resumes without choosing a value (Python's `next`, keeping the return
    /// value): `start` when fresh, otherwise `send` of the
    /// [`Nothing`] value.
    ///
    /// # Errors
    ///
    /// [`ResumeError::Finished`] once finished; [`ResumeError::Raised`] if the
    /// body raises.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{Generator, GeneratorState};
    /// use cogen::protocol::BoxGenerator;
    ///
    /// let mut g: BoxGenerator<'_, u8> = Box::new(cogen::generator(async |mut co| co.yield_(1).await));
    /// assert_eq!(Generator::resume(&mut g), Ok(GeneratorState::Yielded(1)));
    /// assert_eq!(Generator::resume(&mut g), Ok(GeneratorState::Complete(())));
    /// ```
    fn resume(
        &mut self,
    ) -> Result<GeneratorState<Self::Yield, Self::Return>, ResumeError<Self::Error>>
    where
        Self::Sent: Nothing,
    {
        match self.send(Self::Sent::nothing()) {
            Ok(state) => Ok(state),
            Err(SendError::Raised(e)) => Err(ResumeError::Raised(e)),
            Err(SendError::NotStarted(_)) => self.start().map_err(|e| match e {
                StartError::Raised(e) => ResumeError::Raised(e),
                StartError::AlreadyStarted | StartError::Finished => ResumeError::Finished,
            }),
            Err(SendError::Finished(_) | SendError::Running(_)) => Err(ResumeError::Finished),
        }
    }

    /// One step of the resume protocol, as delegation drives it
    /// (crate-internal; `Gen` overrides it with its fast path).
    #[doc(hidden)]
    fn poll_step(
        &mut self,
        _cx: &mut Context<'_>,
        action: Option<Action<Self::Sent, Self::Error>>,
    ) -> StepPoll<Self::Yield, Self::Return, Self::Sent, Self::Error> {
        Poll::Ready(match action {
            None | Some(Action::Start) => match self.start() {
                Ok(state) => state.into(),
                Err(StartError::Raised(e)) => Outcome::Raised(e),
                Err(StartError::AlreadyStarted) => {
                    Outcome::Rejected(Action::Start, Status::Suspended)
                }
                Err(StartError::Finished) => Outcome::Rejected(Action::Start, Status::Finished),
            },
            Some(Action::Send(value)) => match self.send(value) {
                Ok(state) => state.into(),
                Err(SendError::Raised(e)) => Outcome::Raised(e),
                Err(SendError::NotStarted(v)) => {
                    Outcome::Rejected(Action::Send(v), Status::Created)
                }
                Err(SendError::Finished(v)) => Outcome::Rejected(Action::Send(v), Status::Finished),
                Err(SendError::Running(v)) => Outcome::Rejected(Action::Send(v), Status::Running),
            },
            Some(Action::Throw(error)) => match self.throw(error) {
                Ok(state) => state.into(),
                Err(e) => Outcome::Raised(e),
            },
            Some(Action::Close) => match self.close() {
                Ok(None) => Outcome::Closed,
                Ok(Some(r)) => Outcome::Returned(r),
                Err(CloseError::Ignored(y)) => Outcome::IgnoredClose(y),
                Err(CloseError::Raised(e)) => Outcome::Raised(e),
            },
        })
    }

    /// A send delegated in place (crate-internal; see
    /// `AsyncGenerator::poll_in_place`). `Gen` overrides it.
    #[doc(hidden)]
    fn poll_in_place(
        &mut self,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Self::Yield, Self::Sent, Self::Error>,
    ) -> InPlacePoll<Self::Yield, Self::Return, Self::Sent, Self::Error> {
        shared.by_step(|action| self.poll_step(cx, action))
    }

    /// Closes this generator, waiting at a yield, because the generator
    /// delegating to it was dropped (crate-internal): what the close returns
    /// has nobody to go to, so a failure is reported (`Gen` overrides it to
    /// name where it was made and show the error).
    #[doc(hidden)]
    fn close_abandoned(&mut self) {
        if self.close().is_err() {
            crate::engine::report::abandoned_close_failed(
                core::any::type_name::<Self>(),
                "it raised, or ignored the close",
            );
        }
    }
}

impl<Y, R, S, E> From<GeneratorState<Y, R>> for Outcome<Y, R, S, E> {
    fn from(state: GeneratorState<Y, R>) -> Self {
        match state {
            GeneratorState::Yielded(y) => Outcome::Yielded(y),
            GeneratorState::Complete(r) => Outcome::Returned(r),
        }
    }
}

/// A boxed [`Generator`] that is `Send`: for a struct field or a collection
/// of generators of different bodies.
///
/// # Examples
///
/// ```
/// use cogen::{Generator, GeneratorState};
/// use cogen::protocol::BoxGenerator;
///
/// let mut pair: Vec<BoxGenerator<'static, &str>> = vec![
///     Box::new(cogen::generator(async |mut co| co.yield_("a").await)),
///     Box::new(cogen::generator(async |mut co| { co.yield_("b").await; co.yield_("c").await })),
/// ];
/// assert_eq!(pair[1].start(), Ok(GeneratorState::Yielded("b")));
/// ```
pub type BoxGenerator<'a, Y, S = (), E = core::convert::Infallible, R = ()> =
    Box<dyn Generator<Yield = Y, Sent = S, Error = E, Return = R> + Send + 'a>;

/// A boxed [`Generator`] that need not be `Send` (its body may hold an `Rc`).
///
/// # Examples
///
/// ```
/// use cogen::{Generator, GeneratorState};
/// use cogen::protocol::LocalBoxGenerator;
/// use std::rc::Rc;
///
/// let shared = Rc::new(5);
/// let mut g: LocalBoxGenerator<'_, i32> =
///     Box::new(cogen::generator(async move |mut co| co.yield_(*shared).await));
/// assert_eq!(g.start(), Ok(GeneratorState::Yielded(5)));
/// ```
pub type LocalBoxGenerator<'a, Y, S = (), E = core::convert::Infallible, R = ()> =
    Box<dyn Generator<Yield = Y, Sent = S, Error = E, Return = R> + 'a>;

// The two forwarding impls below are written out, not generated by a macro:
// a macro would show in every "the following types implement `Generator`"
// note a user reads.

/// A boxed generator is a generator (and so can be delegated to).
impl<G: Generator + ?Sized> Generator for Box<G> {
    type Yield = G::Yield;
    type Sent = G::Sent;
    type Error = G::Error;
    type Return = G::Return;

    fn start(&mut self) -> Result<GeneratorState<G::Yield, G::Return>, StartError<G::Error>> {
        (**self).start()
    }

    fn send(
        &mut self,
        value: G::Sent,
    ) -> Result<GeneratorState<G::Yield, G::Return>, SendError<G::Sent, G::Error>> {
        (**self).send(value)
    }

    fn throw(&mut self, error: G::Error) -> Result<GeneratorState<G::Yield, G::Return>, G::Error> {
        (**self).throw(error)
    }

    fn close(&mut self) -> Result<Option<G::Return>, CloseError<G::Yield, G::Error>> {
        (**self).close()
    }

    #[track_caller]
    fn resume_with(
        &mut self,
        value: Option<G::Sent>,
    ) -> Result<GeneratorState<G::Yield, G::Return>, SendError<Option<G::Sent>, G::Error>> {
        (**self).resume_with(value)
    }

    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<G::Sent, G::Error>>,
    ) -> StepPoll<G::Yield, G::Return, G::Sent, G::Error> {
        (**self).poll_step(cx, action)
    }

    fn poll_in_place(
        &mut self,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, G::Yield, G::Sent, G::Error>,
    ) -> InPlacePoll<G::Yield, G::Return, G::Sent, G::Error> {
        (**self).poll_in_place(cx, shared)
    }

    fn close_abandoned(&mut self) {
        (**self).close_abandoned();
    }
}

/// A borrowed generator is one too: `yield_from(&mut g)` delegates to `g` and
/// leaves it to the caller afterwards.
impl<G: Generator + ?Sized> Generator for &mut G {
    type Yield = G::Yield;
    type Sent = G::Sent;
    type Error = G::Error;
    type Return = G::Return;

    fn start(&mut self) -> Result<GeneratorState<G::Yield, G::Return>, StartError<G::Error>> {
        (**self).start()
    }

    fn send(
        &mut self,
        value: G::Sent,
    ) -> Result<GeneratorState<G::Yield, G::Return>, SendError<G::Sent, G::Error>> {
        (**self).send(value)
    }

    fn throw(&mut self, error: G::Error) -> Result<GeneratorState<G::Yield, G::Return>, G::Error> {
        (**self).throw(error)
    }

    fn close(&mut self) -> Result<Option<G::Return>, CloseError<G::Yield, G::Error>> {
        (**self).close()
    }

    #[track_caller]
    fn resume_with(
        &mut self,
        value: Option<G::Sent>,
    ) -> Result<GeneratorState<G::Yield, G::Return>, SendError<Option<G::Sent>, G::Error>> {
        (**self).resume_with(value)
    }

    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<G::Sent, G::Error>>,
    ) -> StepPoll<G::Yield, G::Return, G::Sent, G::Error> {
        (**self).poll_step(cx, action)
    }

    fn poll_in_place(
        &mut self,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, G::Yield, G::Sent, G::Error>,
    ) -> InPlacePoll<G::Yield, G::Return, G::Sent, G::Error> {
        (**self).poll_in_place(cx, shared)
    }

    fn close_abandoned(&mut self) {
        (**self).close_abandoned();
    }
}
