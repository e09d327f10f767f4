//! [`AsyncGenerator`]: the resume protocol as a poll method, for async
//! generators users can name, hand-write, box, and delegate to.

use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::raw::SharedSlot;
use super::{Action, Generator, InPlacePoll, Nothing, Outcome, Status, StepPoll};

/// An async generator: Python's async generator protocol (`asend`, `athrow`,
/// `aclose`, a return value) as one poll method, the way
/// [`Stream::poll_next`](futures_core::Stream::poll_next) is `__anext__`.
///
/// Implemented by [`AsyncGen`](crate::AsyncGen), by every [`Generator`] (a
/// sync generator is an async generator that never waits, as an `Iterator`
/// is a `Stream` through `futures::stream::iter`), and by the boxed forms
/// [`BoxAsyncGenerator`] and [`LocalBoxAsyncGenerator`]. It is what
/// [`yield_from`](crate::Co::yield_from) delegates to: return
/// `impl AsyncGenerator<..>` from a function, box it for a struct field, or
/// implement it by hand. [`AsyncGeneratorExt`](crate::protocol::AsyncGeneratorExt)
/// adds `astart`, `asend`, `athrow`, `aclose` and `anext` to every one.
///
/// # The protocol
///
/// A driver polls one *step* at a time. Its first poll passes `Some(action)`;
/// if that returns `Pending`, later polls of the same step pass `None`, and
/// the implementation keeps working on the action it was given. A step ends
/// with an [`Outcome`]:
///
/// | action | fresh | suspended | finished |
/// |---|---|---|---|
/// | `Start` | runs to the first yield | `Rejected(Start, Suspended)` | `Rejected(Start, Finished)` |
/// | `Send(v)` | `Rejected(Send(v), Created)` | resumes with `v` | `Rejected(Send(v), Finished)` |
/// | `Throw(e)` | finishes: `Raised(e)` | delivers `e` at the yield | `Raised(e)` |
/// | `Close` | finishes: `Closed` | delivers the close | `Closed` |
///
/// A resumed body answers with `Yielded`, `Returned` or `Raised`; a closed
/// one with `Closed`, `Returned` (a value returned while closing, as Python
/// 3.13 allows), `Raised`, or `IgnoredClose(value)` if it yielded instead. An
/// action given while a step is in flight (a cancelled `asend`, say) is
/// `Rejected(action, Running)`.
///
/// # Examples
///
/// A hand-written async generator, boxed next to a generated one and
/// delegated to from a generator body (which forwards sends and receives its
/// return value):
///
/// ```
/// use cogen::AsyncGenerator;
/// use cogen::protocol::{Action, AsyncGeneratorExt, BoxAsyncGenerator, Outcome, Status};
/// use futures::StreamExt;
/// use std::convert::Infallible;
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
///
/// /// Counts down, then returns how far it counted.
/// struct Countdown { left: u32, from: u32, state: Status }
///
/// fn countdown(from: u32) -> Countdown {
///     Countdown { left: from, from, state: Status::Created }
/// }
///
/// impl AsyncGenerator for Countdown {
///     type Yield = u32;
///     type Sent = ();
///     type Error = Infallible;
///     type Return = u32;
///
///     fn poll_step(
///         mut self: Pin<&mut Self>,
///         _cx: &mut Context<'_>,
///         action: Option<Action<(), Infallible>>,
///     ) -> Poll<Outcome<u32, u32, (), Infallible>> {
///         let this = &mut *self;
///         let action = action.expect("it never returns Pending, so every poll brings an action");
///         Poll::Ready(match (action, this.state) {
///             (Action::Start, Status::Created) | (Action::Send(()), Status::Suspended) => {
///                 if this.left == 0 {
///                     this.state = Status::Finished;
///                     Outcome::Returned(this.from)
///                 } else {
///                     this.state = Status::Suspended;
///                     this.left -= 1;
///                     Outcome::Yielded(this.left + 1)
///                 }
///             }
///             (Action::Close, _) => {
///                 this.state = Status::Finished;
///                 Outcome::Closed
///             }
///             (Action::Throw(e), _) => match e {},
///             (action, state) => Outcome::Rejected(action, state),
///         })
///     }
/// }
///
/// # futures::executor::block_on(async {
/// // Boxed: one type for a generated and a hand-written async generator.
/// let mut both: Vec<BoxAsyncGenerator<'static, u32, (), Infallible, u32>> = vec![
///     Box::pin(countdown(2)),
///     Box::pin(cogen::async_generator(async |mut co| { co.yield_(7).await; 1 })),
/// ];
/// assert_eq!(both[0].anext().await, Ok(cogen::GeneratorState::Yielded(2)));
///
/// // Delegated to: its items pass through, its return value comes back.
/// let launch = cogen::async_generator(async |mut co| {
///     let counted = co.yield_from(countdown(3)).await;
///     co.yield_(counted * 100).await;
/// });
/// assert_eq!(launch.collect::<Vec<_>>().await, [3, 2, 1, 300]);
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a generator that `yield_from` can delegate to",
    label = "not a cogen generator",
    note = "to yield every item of an iterator, use `co.yield_from_iter(..)`; of a stream, `co.yield_from_stream(..)`",
    note = "a hand-written generator implements `cogen::Generator` (sync) or `cogen::AsyncGenerator`"
)]
pub trait AsyncGenerator {
    /// What it yields.
    type Yield;
    /// What `asend` passes in (`()` for a plain generator).
    type Sent;
    /// What `athrow` passes in.
    type Error;
    /// What it returns.
    type Return;

    /// Polls one step of the protocol: `Some(action)` on a step's first poll,
    /// `None` on the polls after it returned `Pending` (see
    /// [the protocol](AsyncGenerator#the-protocol)).
    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<Self::Sent, Self::Error>>,
    ) -> StepPoll<Self::Yield, Self::Return, Self::Sent, Self::Error>;

    /// Python's `anext`: starts a fresh generator, continues a step in flight,
    /// or sends the [`Nothing`] value (crate-internal; `AsyncGen` overrides it
    /// with one phase check).
    #[doc(hidden)]
    fn poll_advance(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> StepPoll<Self::Yield, Self::Return, Self::Sent, Self::Error>
    where
        Self::Sent: Nothing,
    {
        match self.as_mut().poll_step(cx, Some(Action::Start)) {
            Poll::Ready(Outcome::Rejected(Action::Start, Status::Suspended)) => {
                self.poll_step(cx, Some(Action::Send(Self::Sent::nothing())))
            }
            Poll::Ready(Outcome::Rejected(Action::Start, Status::Running)) => {
                self.poll_step(cx, None)
            }
            poll => poll,
        }
    }

    /// A send delegated in place (crate-internal): the delegating
    /// generator's slot holds the sent value; `Ready(None)` when a value was
    /// yielded into that slot. On `Pending` the step goes on with
    /// `poll_step(cx, None)`, whatever was sent now this generator's. This
    /// default takes the send out and runs an ordinary step; `Gen` and
    /// `AsyncGen` poll their body with the slot itself, so a value crosses a
    /// level of delegation without being moved.
    #[doc(hidden)]
    fn poll_in_place(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Self::Yield, Self::Sent, Self::Error>,
    ) -> InPlacePoll<Self::Yield, Self::Return, Self::Sent, Self::Error> {
        shared.by_step(|action| self.poll_step(cx, action))
    }

    /// The first poll of `aclose` (crate-internal; `AsyncGen` overrides it to
    /// finish a body caught mid-await, which has no yield point to close at).
    #[doc(hidden)]
    fn poll_close(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> StepPoll<Self::Yield, Self::Return, Self::Sent, Self::Error> {
        self.poll_step(cx, Some(Action::Close))
    }

    /// Closes a sub-generator waiting at a yield whose delegating generator
    /// is dropped (crate-internal): one poll of the close with a no-op
    /// waker, as a dropped generator's close was polled before; a close that
    /// has to wait, raises or is ignored is reported. Sync generators close
    /// by their own `close`; cogen's `AsyncGen` leaves itself to its owner
    /// (its own `Drop` closes it as its kind does).
    #[doc(hidden)]
    fn close_abandoned(self: Pin<&mut Self>) {
        let mut cx = Context::from_waker(Waker::noop());
        match self.poll_close(&mut cx) {
            Poll::Ready(Outcome::Closed | Outcome::Returned(_)) => {}
            Poll::Pending => super::report::abandoned_close_failed(
                core::any::type_name::<Self>(),
                "its close has to wait, and nothing can await it there",
            ),
            Poll::Ready(_) => super::report::abandoned_close_failed(
                core::any::type_name::<Self>(),
                "it raised, or ignored the close",
            ),
        }
    }
}

/// Every sync [`Generator`] is an async generator that never returns
/// `Pending`, so `yield_from` takes both.
impl<G: Generator + Unpin + ?Sized> AsyncGenerator for G {
    type Yield = G::Yield;
    type Sent = G::Sent;
    type Error = G::Error;
    type Return = G::Return;

    #[inline(always)]
    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<G::Sent, G::Error>>,
    ) -> StepPoll<G::Yield, G::Return, G::Sent, G::Error> {
        Generator::poll_step(self.get_mut(), cx, action)
    }

    #[inline(always)]
    fn poll_in_place(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, G::Yield, G::Sent, G::Error>,
    ) -> InPlacePoll<G::Yield, G::Return, G::Sent, G::Error> {
        Generator::poll_in_place(self.get_mut(), cx, shared)
    }

    fn close_abandoned(self: Pin<&mut Self>) {
        Generator::close_abandoned(self.get_mut());
    }
}

// The boxed forms are async generators. (Not every `Pin<P>`: that would
// overlap the impl for sync generators above, which a downstream crate could
// make `Pin<Local>` one of.)

/// A boxed async generator is one too (and so can be delegated to).
impl<'a, Y, S, E, R> AsyncGenerator
    for Pin<Box<dyn AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + Send + 'a>>
{
    type Yield = Y;
    type Sent = S;
    type Error = E;
    type Return = R;

    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> StepPoll<Y, R, S, E> {
        self.get_mut().as_mut().poll_step(cx, action)
    }

    fn poll_advance(self: Pin<&mut Self>, cx: &mut Context<'_>) -> StepPoll<Y, R, S, E>
    where
        S: Nothing,
    {
        self.get_mut().as_mut().poll_advance(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> StepPoll<Y, R, S, E> {
        self.get_mut().as_mut().poll_close(cx)
    }

    fn close_abandoned(self: Pin<&mut Self>) {
        self.get_mut().as_mut().close_abandoned();
    }

    fn poll_in_place(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, R, S, E> {
        self.get_mut().as_mut().poll_in_place(cx, shared)
    }
}

/// A boxed async generator is one too (and so can be delegated to).
impl<'a, Y, S, E, R> AsyncGenerator
    for Pin<Box<dyn AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + 'a>>
{
    type Yield = Y;
    type Sent = S;
    type Error = E;
    type Return = R;

    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> StepPoll<Y, R, S, E> {
        self.get_mut().as_mut().poll_step(cx, action)
    }

    fn poll_advance(self: Pin<&mut Self>, cx: &mut Context<'_>) -> StepPoll<Y, R, S, E>
    where
        S: Nothing,
    {
        self.get_mut().as_mut().poll_advance(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> StepPoll<Y, R, S, E> {
        self.get_mut().as_mut().poll_close(cx)
    }

    fn close_abandoned(self: Pin<&mut Self>) {
        self.get_mut().as_mut().close_abandoned();
    }

    fn poll_in_place(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, R, S, E> {
        self.get_mut().as_mut().poll_in_place(cx, shared)
    }
}

/// A boxed [`AsyncGenerator`] that is `Send`: for a struct field or a
/// collection of async generators of different bodies (or hand-written ones).
///
/// # Examples
///
/// ```
/// use cogen::{Co, GeneratorState};
/// use cogen::protocol::{AsyncGeneratorExt, BoxAsyncGenerator};
///
/// struct Session {
///     greeter: BoxAsyncGenerator<'static, String, String>,
/// }
/// # futures::executor::block_on(async {
/// let mut s = Session {
///     greeter: Box::pin(cogen::async_coroutine(async |mut co: Co<'_, String, String>| {
///         let mut name = co.yield_(String::new()).await;
///         loop {
///             name = co.yield_(format!("hello, {name}")).await;
///         }
///     })),
/// };
/// s.greeter.astart().await.unwrap();
/// let reply = s.greeter.asend("ada".to_string()).await;
/// assert_eq!(reply, Ok(GeneratorState::Yielded("hello, ada".to_string())));
/// # });
/// ```
pub type BoxAsyncGenerator<'a, Y, S = (), E = core::convert::Infallible, R = ()> =
    Pin<Box<dyn AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + Send + 'a>>;

/// A boxed [`AsyncGenerator`] that need not be `Send` (its body may hold an
/// `Rc` across an await).
///
/// # Examples
///
/// ```
/// use cogen::GeneratorState;
/// use cogen::protocol::{AsyncGeneratorExt, LocalBoxAsyncGenerator};
/// use std::rc::Rc;
///
/// # futures::executor::block_on(async {
/// let shared = Rc::new(5);
/// let mut g: LocalBoxAsyncGenerator<'_, i32> =
///     Box::pin(cogen::async_generator(async move |mut co| co.yield_(*shared).await));
/// assert_eq!(g.anext().await, Ok(GeneratorState::Yielded(5)));
/// # });
/// ```
pub type LocalBoxAsyncGenerator<'a, Y, S = (), E = core::convert::Infallible, R = ()> =
    Pin<Box<dyn AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + 'a>>;
