//! Async generators: Python's async generator protocol (PEP 525) on top of
//! the engine, as a [`Stream`].
//!
//! The body is polled with the consumer's own [`Context`], so it runs in the
//! consumer's task (no spawn) and may await anything between yields.

mod aclose;
mod anext;
mod asend;
mod astart;
mod async_close;
mod athrow;
pub(crate) mod catching;
mod closing;
mod error;
mod ext;
pub(crate) mod finalize;
mod finish_step;
pub(crate) mod watch;
mod yield_from_stream;

use core::convert::Infallible;
use core::future::Future;
use core::panic::Location;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use futures_core::{FusedStream, Stream};

use crate::engine::raw::{Core, SharedSlot};
use crate::engine::report::Origin;
use crate::engine::{
    Action, AsyncGenerator, Co, Finish, Handling, InPlacePoll, Mode, Nothing, OnReturn, Outcome,
    Phase, Plain, Status,
};

pub use aclose::AClose;
pub use anext::ANext;
pub use asend::ASend;
pub use astart::AStart;
pub use async_close::AsyncClose;
pub use athrow::AThrow;
pub use closing::closing;
pub use error::ThrowError;
pub use ext::AsyncGeneratorExt;
pub use finish_step::FinishStep;
pub use yield_from_stream::{YieldFromStream, YieldFromStreamCatching};

/// An async generator: a body that awaits freely, yields values of type `Y`
/// to its consumer, receives values of type `S` and errors of type `E`, and
/// returns `F::Output`.
///
/// Made by [`async_generator`] (plain: `S = ()`, `E = Infallible`) or
/// [`async_coroutine`] (any `S` and `E`). A plain one is a [`Stream`] and a
/// [`FusedStream`], so `StreamExt`, `TryStreamExt` and tokio-stream adapters
/// all work on it.
///
/// # Protocol
///
/// Each operation is an awaitable that borrows the generator mutably, so two
/// operations can never be in flight at once (Python's "asynchronous generator
/// is already running" is a compile error here):
///
/// | Python | cogen |
/// |---|---|
/// | `async for x in g` | `while let Some(x) = g.next().await` ([`StreamExt::next`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.next)) |
/// | `await anext(g)` | [`g.anext().await`](AsyncGen::anext) (keeps the return value) |
/// | `await g.asend(None)` (first) | [`g.astart().await`](AsyncGen::astart) |
/// | `await g.asend(v)` | [`g.asend(v).await`](AsyncGen::asend) |
/// | `await g.athrow(e)` | [`g.athrow(e).await`](AsyncGen::athrow) |
/// | `await g.aclose()` | [`g.aclose().await`](AsyncGen::aclose) |
/// | `async with aclosing(g)` | [`closing(g, async \|g\| ..).await`](closing) |
///
/// # Laziness and backpressure
///
/// Nothing of the body runs when the generator or an operation's awaitable is
/// created; each operation runs the body only until its next yield. The
/// consumer sets the pace.
///
/// # Cancellation
///
/// Dropping an operation's awaitable while the body is awaiting something
/// (inside `select!`, `timeout`, ...) keeps the body exactly where it is: its
/// future is neither polled nor dropped, so the pending await (a timer, a
/// read) keeps its state, and the generator's [`status`](AsyncGen::status) is
/// [`Status::Running`]. Then:
///
/// - [`next`](futures_core::Stream::poll_next), [`anext`](AsyncGen::anext) and
///   [`finish_step`](AsyncGen::finish_step) continue that step, so the item it
///   goes on to yield is delivered, not lost;
/// - [`asend`](AsyncGen::asend) and [`athrow`](AsyncGen::athrow) hand their
///   value back in a `Running` error without running anything;
/// - [`aclose`](AsyncGen::aclose) continues the step if it was itself a close
///   (a cancelled `aclose`); otherwise there is no yield point to deliver the
///   close at, so it drops the body at its await (synchronous cleanup only)
///   and logs a warning that its async cleanup was skipped.
///
/// # Dropping
///
/// A plain generator (made at the crate root) cannot catch the close, so
/// dropping it drops its body: its locals' `Drop`s are all its cleanup, and
/// nothing of it is polled or awaited. A `yield_from` it is suspended in
/// closes the sub-generator as it drops: a sync one, or a hand-written async
/// one (one poll of its close, without waiting), is closed there; an
/// [`AsyncGen`] is dropped with it if owned, and closes as its own kind does
/// (a `'static` catching one hands cleanup that waits to the run, a
/// `_scoped` one's is skipped and reported), or is left to its owner if
/// borrowed. Make the delegating generator catching to have the close go
/// through its body and its cleanup awaited as one.
///
/// A catching generator (made by [`cogen::catching`](crate::catching)),
/// dropped while suspended at a yield point that handles interrupts
/// (`.catching()`, or a delegation), is delivered a close and its body is
/// polled once, with a no-op waker: cleanup that completes without waiting
/// runs as in Python. If the body raises while closing, or ignores the close
/// by yielding again, nobody can receive that: a `tracing` warning names the
/// line that created the generator and the error (Python's unraisable hook).
///
/// Cleanup that has to wait cannot be awaited by `Drop`. Inside
/// `cogen::rt::run` (feature `tokio`), a catching generator made by
/// [`catching::async_generator`](crate::catching::async_generator) or
/// [`catching::async_coroutine`](crate::catching::async_coroutine) (whose
/// body is `'static`) and
/// dropped on the thread that runs `run`'s main future (every task of the
/// default current-thread runtime) hands its unfinished cleanup to the run,
/// which awaits it on that thread before `run` returns, as `asyncio.run`
/// finalizes async generators. Otherwise (one made by a `_scoped`
/// constructor, dropped outside
/// `run`, on a worker thread of a multi-thread runtime or a blocking thread,
/// or in the middle of an await of a cancelled step) its locals are dropped
/// at once and a `tracing` warning names the line that created the generator
/// (in `cogen::rt` debug mode, also on standard error). To never skip async
/// cleanup there, close it explicitly ([`aclose`](AsyncGen::aclose)), use
/// [`closing`], or hand it to a `cogen::rt::Finalizer`.
///
/// # Examples
///
/// ```
/// use cogen::async_generator;
/// use futures::StreamExt;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let ticks = async_generator(async |mut co| {
///     for i in 1..=3 {
///         tokio::time::sleep(Duration::from_millis(10)).await;
///         co.yield_(i).await;
///     }
/// });
/// assert_eq!(ticks.collect::<Vec<_>>().await, [1, 2, 3]);
/// # }
/// ```
#[must_use = "async generators are lazy and do nothing unless resumed"]
pub struct AsyncGen<Y, F: Future, S = (), E = Infallible, K: Handling = Plain> {
    core: Core<Y, S, E, F>,
    origin: Origin<E, F::Output>,
    /// Hands the unfinished cleanup of a dropped generator to the run
    /// (`finalize::defer`); `None` for plain generators and those made by a
    /// `_scoped` constructor.
    defer: Option<DeferCleanup<Y, F, S, E, K>>,
}

/// Moves a dropped generator's waiting cleanup to the run (`finalize.rs`).
type DeferCleanup<Y, F, S, E, K> = fn(&mut AsyncGen<Y, F, S, E, K>) -> bool;

/// Makes a plain async generator from an async closure that receives the
/// yield handle. It receives `()`, cannot be thrown into, and is a [`Stream`].
///
/// The closure is called at once but runs none of its body until the first
/// item is requested.
///
/// The body may borrow from its caller, as a sync generator's may: a plain
/// body cannot catch the close, so it has no cleanup that waits, and nothing
/// of it has to outlive what it borrows. (A body that catches is made by
/// [`catching::async_generator`](crate::catching::async_generator), which is
/// `'static` so that `cogen::rt::run` can take over its cleanup when a
/// dropped generator has to wait; see [`AsyncGen`]'s "Dropping".)
///
/// # Examples
///
/// ```
/// use cogen::async_generator;
/// use futures::StreamExt;
///
/// fn countdown(from: u32) -> impl futures::Stream<Item = u32> {
///     async_generator(async move |mut co| {
///         for i in (1..=from).rev() {
///             co.yield_(i).await;
///         }
///     })
/// }
/// # futures::executor::block_on(async {
/// assert_eq!(countdown(3).collect::<Vec<_>>().await, [3, 2, 1]);
///
/// // A body that borrows from its caller.
/// let words = vec!["a".to_string(), "bc".to_string()];
/// let lens = async_generator(async |mut co| {
///     for w in &words {
///         co.yield_(w.len()).await;
///     }
/// });
/// assert_eq!(lens.collect::<Vec<_>>().await, [1, 2]);
/// # });
/// ```
#[track_caller]
pub fn async_generator<Y, R, B>(body: B) -> AsyncGen<Y, impl Future<Output = R>>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y>) -> R,
{
    AsyncGen::scoped(Core::new(move |slot| body(Co::new(slot))))
}

/// Makes an async generator that receives values of type `S` with
/// [`asend`](AsyncGen::asend) and errors of type `E` with
/// [`athrow`](AsyncGen::athrow). Name the types on the handle:
/// `async_coroutine(async |mut co: Co<'_, Y, S, E>| ...)`.
///
/// The body may borrow from its caller, as for [`async_generator`].
///
/// # Examples
///
/// ```
/// use cogen::{async_coroutine, Co, GeneratorState};
///
/// # futures::executor::block_on(async {
/// let mut total = async_coroutine(async |mut co: Co<'_, u32, u32, String>| {
///     let mut sum = 0;
///     loop {
///         sum += co.yield_(sum).await;
///     }
/// });
/// total.astart().await.unwrap();
/// assert_eq!(total.asend(5).await, Ok(GeneratorState::Yielded(5)));
/// assert_eq!(total.asend(7).await, Ok(GeneratorState::Yielded(12)));
///
/// // A body that borrows from its caller.
/// let mut seen = Vec::new();
/// let mut g = async_coroutine(async |mut co: Co<'_, (), u8, &str>| loop {
///     seen.push(co.yield_(()).await);
/// });
/// g.astart().await.unwrap();
/// g.asend(1).await.unwrap();
/// g.asend(2).await.unwrap();
/// drop(g);
/// assert_eq!(seen, [1, 2]);
/// # });
/// ```
#[track_caller]
pub fn async_coroutine<Y, S, E, R, B>(body: B) -> AsyncGen<Y, impl Future<Output = R>, S, E>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, S, E>) -> R,
    E: core::fmt::Debug,
{
    AsyncGen::scoped(Core::new(move |slot| body(Co::new(slot))))
}

/// Makes an async *try-generator*: a body that returns `Result<R, E>` and may
/// use `?`, whose items are `Result<T, E>` (so it is a `TryStream`). It yields
/// values with [`co.yield_ok(v)`](Co::yield_ok), may yield an error item and
/// go on with [`co.yield_err(e)`](Co::yield_err), and its error, from `?`,
/// `return Err(..)` or [`co.raise(e)`](Co::raise), is the last item: the
/// stream ends after it. The counterpart of async-stream's `try_stream!` and
/// async-fn-stream's `try_fn_stream`, with the whole protocol kept (`E` is
/// the type `athrow` takes; `asend`, `aclose` and `yield_from` work as on any
/// async generator). The body may borrow from its caller, as for
/// [`async_generator`].
///
/// # Examples
///
/// ```
/// use cogen::try_async_generator;
/// use futures::{Stream, TryStreamExt};
///
/// #[derive(Debug, PartialEq)]
/// struct RateLimited;
///
/// async fn fetch_page(n: u32) -> Result<Vec<u32>, RateLimited> {
///     if n == 2 { Err(RateLimited) } else { Ok(vec![n * 10, n * 10 + 1]) }
/// }
///
/// fn items() -> impl Stream<Item = Result<u32, RateLimited>> {
///     try_async_generator(async |mut co| {
///         for page in 1.. {
///             for item in fetch_page(page).await? {
///                 co.yield_ok(item).await;
///             }
///         }
///         Ok(())
///     })
/// }
/// # futures::executor::block_on(async {
/// let mut all = Vec::new();
/// let mut s = std::pin::pin!(items());
/// let err = loop {
///     match s.try_next().await {
///         Ok(Some(item)) => all.push(item),
///         Ok(None) => break None,
///         Err(e) => break Some(e),
///     }
/// };
/// assert_eq!(all, [10, 11]);
/// assert_eq!(err, Some(RateLimited)); // page 2's error arrives
/// # });
/// ```
#[track_caller]
pub fn try_async_generator<T, E, R, B>(
    body: B,
) -> AsyncGen<Result<T, E>, impl Future<Output = Result<R, E>>, (), E>
where
    B: for<'co> AsyncFnOnce(Co<'co, Result<T, E>, (), E>) -> Result<R, E>,
    E: core::fmt::Debug,
{
    AsyncGen::scoped_with(
        Core::new(move |slot| body(Co::new(slot))),
        Origin::here_try(),
    )
}

impl<Y: 'static, F: Future + 'static, S: 'static, E: core::fmt::Debug + 'static, K: Handling>
    AsyncGen<Y, F, S, E, K>
{
    /// A generator whose unfinished cleanup a run can take over on drop.
    #[track_caller]
    fn finalized(core: Core<Y, S, E, F>) -> Self {
        Self::finalized_with(core, Origin::here())
    }

    /// [`finalized`](Self::finalized), with its origin.
    fn finalized_with(core: Core<Y, S, E, F>, origin: Origin<E, F::Output>) -> Self {
        AsyncGen {
            core,
            origin,
            // Only the catching constructors make generators this way (a
            // plain body has no cleanup to await, and the plain
            // constructors use `scoped`); should a plain one come here, it
            // gets no deferral, which keeps its body's `poll` at one call
            // site.
            defer: if K::CATCHES {
                Some(finalize::defer_cleanup::<Y, F, S, E, K>)
            } else {
                None
            },
        }
    }
}

impl<Y, F: Future, S, E: core::fmt::Debug, K: Handling> AsyncGen<Y, F, S, E, K> {
    /// A generator that hands no cleanup to the run: a plain one (it has
    /// none that waits), or a catching one made by a `_scoped` constructor
    /// (its cleanup cannot outlive its caller's borrows).
    #[track_caller]
    fn scoped(core: Core<Y, S, E, F>) -> Self {
        Self::scoped_with(core, Origin::here())
    }

    /// [`scoped`](Self::scoped), with its origin.
    fn scoped_with(core: Core<Y, S, E, F>, origin: Origin<E, F::Output>) -> Self {
        AsyncGen {
            core,
            origin,
            defer: None,
        }
    }
}

impl<Y, F: Future, S, E, K: Handling> AsyncGen<Y, F, S, E, K> {
    /// One protocol step; sends take the engine's hot path.
    #[inline(always)]
    pub(crate) fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        let stopwatch = watch::Stopwatch::start();
        let poll = self.core.poll_step(cx, action);
        if let Some(stopwatch) = stopwatch {
            stopwatch.stop(self.origin.location);
        }
        poll
    }

    pub(crate) fn phase(&self) -> Phase {
        self.core.phase()
    }

    /// Drops the body where it stands; warns if that skips async cleanup.
    pub(crate) fn finish_now(&mut self, why: &'static str) {
        if self.needs_async_cleanup() {
            skipped_async_cleanup(self.origin.location, why);
        }
        // Marked: a `yield_from` the body is parked in closes its
        // sub-generator, as when the generator is dropped.
        self.core.finish_marked();
    }

    /// Whether finishing now could skip cleanup code that has to be awaited:
    /// the body is mid-await, or suspended where it handles a close.
    pub(crate) fn needs_async_cleanup(&self) -> bool {
        matches!(
            self.core.phase(),
            Phase::Running { .. } | Phase::Suspended(Mode::Catch | Mode::Delegate)
        )
    }

    /// Whether `aclose` would await the body's cleanup: it is suspended where
    /// it handles a close, or in the middle of a cancelled `aclose`.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn closes_asynchronously(&self) -> bool {
        matches!(
            self.core.phase(),
            Phase::Running { closing: true } | Phase::Suspended(Mode::Catch | Mode::Delegate)
        )
    }

    /// Starts a fresh generator: runs it to its first yield (Python's first
    /// `await g.asend(None)`).
    ///
    /// # Errors
    ///
    /// As [`Gen::start`](crate::Gen::start): `AlreadyStarted`, `Finished`, or
    /// the error the body raised before yielding.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it before its first poll runs nothing. Dropped
    /// after a poll that returned `Pending`, it leaves the start in flight
    /// ([`Status::Running`]): [`finish_step`](AsyncGen::finish_step) (or
    /// [`anext`](AsyncGen::anext)) continues it and delivers the first
    /// yielded value, so nothing is lost; `astart` again fails with
    /// `AlreadyStarted`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{async_coroutine, Co, GeneratorState};
    /// use cogen::error::StartError;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = async_coroutine(async |mut co: Co<'_, &str, u8>| {
    ///     co.yield_("ready").await;
    /// });
    /// assert_eq!(g.astart().await, Ok(GeneratorState::Yielded("ready")));
    /// assert_eq!(g.astart().await, Err(StartError::AlreadyStarted));
    /// # });
    /// ```
    #[doc(alias = "start")]
    pub fn astart(&mut self) -> AStart<'_, Self> {
        AStart::new(self)
    }

    /// Resumes the generator with `value`, the result of its pending yield
    /// (Python's `await g.asend(value)`); evaluates to what it does next.
    ///
    /// # Errors
    ///
    /// Hands `value` back in [`SendError::NotStarted`](crate::error::SendError::NotStarted)
    /// (use [`astart`](AsyncGen::astart) first), [`SendError::Finished`](crate::error::SendError::Finished),
    /// or [`SendError::Running`](crate::error::SendError::Running) (a cancelled step is
    /// still in flight; see [Cancellation](AsyncGen#cancellation));
    /// [`SendError::Raised`](crate::error::SendError::Raised) if the body raised.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe once polled: the first poll delivers `value`, and if the
    /// future is dropped after that poll returned `Pending`, the step stays
    /// in flight ([`Status::Running`]); [`finish_step`](AsyncGen::finish_step)
    /// (or [`anext`](AsyncGen::anext)) continues it and delivers what the body
    /// does next, so nothing is lost. Another `asend` meanwhile hands its
    /// value back in `SendError::Running`. Dropped before its first poll, it
    /// sends nothing and `value` is dropped with it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{async_coroutine, Co, GeneratorState};
    ///
    /// # futures::executor::block_on(async {
    /// let mut total = async_coroutine(async |mut co: Co<'_, u32, u32>| {
    ///     let mut sum = 0;
    ///     loop {
    ///         sum += co.yield_(sum).await;
    ///     }
    /// });
    /// total.astart().await.unwrap();
    /// assert_eq!(total.asend(5).await, Ok(GeneratorState::Yielded(5)));
    /// assert_eq!(total.asend(2).await, Ok(GeneratorState::Yielded(7)));
    /// # });
    /// ```
    #[doc(alias = "send")]
    pub fn asend(&mut self, value: S) -> ASend<'_, Self> {
        ASend::new(self, value)
    }

    /// Throws `error` in at the pending yield point (Python's
    /// `await g.athrow(e)`).
    ///
    /// If the yield point handles it ([`catching`](crate::future::Yield::catching)),
    /// the body goes on and this evaluates to what it does next. Otherwise the
    /// generator finishes and the error comes back. A fresh generator
    /// finishes without running anything; a finished one hands the error
    /// straight back.
    ///
    /// # Errors
    ///
    /// [`ThrowError::Raised`] with the error the body let out;
    /// [`ThrowError::Running`] with `error`, undelivered, if a cancelled step
    /// is still in flight.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe once polled: the first poll delivers `error`, and if the
    /// future is dropped after that poll returned `Pending` (the body, or a
    /// generator it delegates to, handled it and is awaiting), the step
    /// stays in flight ([`Status::Running`]);
    /// [`finish_step`](AsyncGen::finish_step) (or [`anext`](AsyncGen::anext))
    /// continues it and delivers its outcome. Dropped before its first poll,
    /// it throws nothing and `error` is dropped with it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{async_coroutine, Co, GeneratorState, Interrupt};
    /// use cogen::error::ThrowError;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = cogen::catching::async_coroutine(async |mut co: Co<'_, &str, (), &str, cogen::catching::Catching>| loop {
    ///     match co.yield_("waiting").catching().await {
    ///         Err(Interrupt::Throw("retry")) => continue,
    ///         Err(Interrupt::Throw(e)) => co.raise(e).await,
    ///         _ => {}
    ///     }
    /// });
    /// g.astart().await.unwrap();
    /// assert_eq!(g.athrow("retry").await, Ok(GeneratorState::Yielded("waiting")));
    /// assert_eq!(g.athrow("fatal").await, Err(ThrowError::Raised("fatal")));
    /// # });
    /// ```
    #[doc(alias = "throw")]
    pub fn athrow(&mut self, error: E) -> AThrow<'_, Self> {
        AThrow::new(self, error)
    }

    /// Closes the generator, awaiting its cleanup (Python's `await g.aclose()`).
    ///
    /// At a [`catching`](crate::future::Yield::catching) yield point the body receives
    /// [`Interrupt::Close`](crate::Interrupt::Close) and may `.await` in its
    /// cleanup (flush a file, send a goodbye) before returning. At a plain
    /// yield point its locals are dropped. When delegating, the sub-generator
    /// is closed first. Fresh and finished generators are only marked
    /// finished. For a body cancelled mid-await, see
    /// [Cancellation](AsyncGen#cancellation).
    ///
    /// Evaluates to `Ok(Some(r))` if the body returned `r` while closing,
    /// `Ok(None)` otherwise.
    ///
    /// # Errors
    ///
    /// [`CloseError::Ignored`](crate::error::CloseError::Ignored) with the value if
    /// the body yielded instead of finishing (it stays suspended);
    /// [`CloseError::Raised`](crate::error::CloseError::Raised) if it raised.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it before its first poll closes nothing. Dropped
    /// while the body's cleanup awaits, it leaves the close in flight
    /// ([`Status::Running`]): a later `aclose` continues that same close and
    /// returns its outcome (as does [`finish_step`](AsyncGen::finish_step)).
    /// If the generator is dropped instead, the rest of the cleanup is
    /// awaited by `cogen::rt::run` or skipped with a warning (see
    /// [Dropping](AsyncGen#dropping)).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::async_generator;
    /// use cogen::protocol::Status;
    /// use futures::StreamExt;
    /// use std::sync::{Arc, Mutex};
    ///
    /// # futures::executor::block_on(async {
    /// let sent = Arc::new(Mutex::new(Vec::new()));
    /// let log = sent.clone();
    /// let mut g = cogen::catching::async_generator(async move |mut co| {
    ///     let mut i = 0;
    ///     while co.yield_(i).catching().await.is_ok() {
    ///         i += 1;
    ///     }
    ///     // Async cleanup: awaited by `aclose`.
    ///     async { log.lock().unwrap().push("goodbye") }.await;
    /// });
    /// assert_eq!(g.next().await, Some(0));
    /// assert_eq!(g.aclose().await, Ok(Some(())));
    /// assert_eq!(*sent.lock().unwrap(), ["goodbye"]);
    /// assert_eq!(g.status(), Status::Finished);
    /// # });
    /// ```
    #[doc(alias = "close")]
    pub fn aclose(&mut self) -> AClose<'_, Self> {
        AClose::new(self)
    }

    /// Continues a step that a cancelled operation left in flight (see
    /// [Cancellation](AsyncGen#cancellation)), evaluating to its outcome;
    /// `None` if no step is in flight. For generators that receive `()`,
    /// [`anext`](AsyncGen::anext) does the same.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it after `Pending` leaves the step in flight,
    /// and the next `finish_step` continues it and delivers its outcome.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{async_coroutine, Co, GeneratorState};
    /// use cogen::error::SendError;
    /// use cogen::protocol::Status;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let mut g = async_coroutine(async |mut co: Co<'_, &str, u32>| {
    ///     let n = co.yield_("ready").await;
    ///     tokio::time::sleep(Duration::from_secs(n.into())).await;
    ///     co.yield_("slept").await;
    /// });
    /// g.astart().await.unwrap();
    /// // Give up waiting after one second: the body stays in its sleep.
    /// let timed_out = tokio::time::timeout(Duration::from_secs(1), g.asend(5)).await;
    /// assert!(timed_out.is_err());
    /// assert_eq!(g.status(), Status::Running);
    /// assert_eq!(g.asend(1).await, Err(SendError::Running(1)));
    /// assert_eq!(g.finish_step().await, Some(Ok(GeneratorState::Yielded("slept"))));
    /// # }
    /// ```
    pub fn finish_step(&mut self) -> FinishStep<'_, Y, F, S, E, K> {
        FinishStep::new(self)
    }

    /// Where the generator is in its life. [`Status::Running`] means a
    /// cancelled operation left the body mid-await.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::async_generator;
    /// use cogen::protocol::Status;
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = async_generator(async |mut co| co.yield_(1).await);
    /// assert_eq!(g.status(), Status::Created);
    /// g.next().await;
    /// assert_eq!(g.status(), Status::Suspended);
    /// g.next().await;
    /// assert_eq!(g.status(), Status::Finished);
    /// # });
    /// ```
    #[doc(alias = "getasyncgenstate", alias = "state")]
    pub fn status(&self) -> Status {
        self.core.phase().status()
    }

    /// Whether the generator is suspended inside a delegation
    /// (`yield_from`, `yield_from_iter` or `yield_from_stream`).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::async_generator;
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = async_generator(async |mut co| {
    ///     co.yield_from_stream(futures::stream::iter([1])).await;
    ///     co.yield_(2).await;
    /// });
    /// g.next().await;
    /// assert!(g.is_delegating());
    /// g.next().await;
    /// assert!(!g.is_delegating());
    /// # });
    /// ```
    pub fn is_delegating(&self) -> bool {
        self.core.phase() == Phase::Suspended(Mode::Delegate)
    }

    /// Where the generator was made (the caller of [`async_generator`] or
    /// [`async_coroutine`]); named in the warning logged when its async
    /// cleanup is skipped.
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen::async_generator(async |mut co| co.yield_(1).await);
    /// assert_eq!(g.origin().line(), line!() - 1);
    /// ```
    pub fn origin(&self) -> &'static Location<'static> {
        self.origin.location
    }
}

impl<Y, F: Future, S: Nothing, E, K: Handling> AsyncGen<Y, F, S, E, K> {
    /// Resumes without choosing a value (Python's `await anext(g)`, keeping
    /// the return value): starts the generator if fresh, continues a step a
    /// cancelled operation left in flight, otherwise sends
    /// [`Nothing::nothing`] (`()`, or `None` for an `Option` send type, so a
    /// generator can be both iterated and sent to).
    ///
    /// [`StreamExt::next`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.next)
    /// does the same but gives only the items.
    ///
    /// # Errors
    ///
    /// [`ResumeError::Finished`](crate::error::ResumeError::Finished) once finished
    /// (Python's `StopAsyncIteration`); [`ResumeError::Raised`](crate::error::ResumeError::Raised)
    /// if the body raised.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it after `Pending` leaves the step in flight, and
    /// the next `anext` or `next` continues it and delivers its item.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{async_generator, GeneratorState};
    /// use cogen::error::ResumeError;
    ///
    /// # futures::executor::block_on(async {
    /// let mut g = async_generator(async |mut co| {
    ///     co.yield_("item").await;
    ///     "return value"
    /// });
    /// assert_eq!(g.anext().await, Ok(GeneratorState::Yielded("item")));
    /// assert_eq!(g.anext().await, Ok(GeneratorState::Complete("return value")));
    /// assert_eq!(g.anext().await, Err(ResumeError::Finished));
    /// # });
    /// ```
    #[doc(alias = "__anext__")]
    pub fn anext(&mut self) -> ANext<'_, Self> {
        ANext::new(self)
    }

    /// A stream of the yielded values that hands the body's return value to
    /// `on_return` when the body returns (Python's `StopAsyncIteration`
    /// carries none, but `yield from`-style totals and summaries are common):
    /// it survives stream adapters. `on_return` is not called if the generator
    /// is dropped, closed or raises before it returns; a raise while streamed
    /// this way panics, as for a plain generator (a try-generator whose errors
    /// must arrive as items returns `Result<(), E>` and is streamed directly).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::async_generator;
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = futures::channel::oneshot::channel();
    /// let doubled: Vec<u32> = async_generator(async |mut co| {
    ///     let mut count = 0;
    ///     for i in 1..=3 {
    ///         co.yield_(i).await;
    ///         count += 1;
    ///     }
    ///     count
    /// })
    /// .on_return(move |count| drop(tx.send(count)))
    /// .map(|i| i * 2)
    /// .collect()
    /// .await;
    /// assert_eq!(doubled, [2, 4, 6]);
    /// assert_eq!(rx.await, Ok(3));
    /// # });
    /// ```
    pub fn on_return<C: FnOnce(F::Output)>(self, on_return: C) -> OnReturn<Self, C> {
        OnReturn::new(self, on_return)
    }

    /// Polls the next step: start, continue, or send nothing according to its
    /// phase.
    #[inline(always)]
    pub(crate) fn poll_advance(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        let stopwatch = watch::Stopwatch::start();
        let poll = self.core.poll_advance(cx, S::nothing());
        if let Some(stopwatch) = stopwatch {
            stopwatch.stop(self.origin.location);
        }
        poll
    }
}

/// Yields the items: the yielded values, and for a try-generator (a body
/// returning `Result`) its error as the last item (see [`Finish`]).
///
/// # Panics
///
/// If the body of a generator that is not a try-generator raises with
/// [`Co::raise`] (or lets a thrown error through): its items have no room for
/// it. Make it a try-generator, or use [`anext`](AsyncGen::anext).
impl<Y, F, S, E, K: Handling> Stream for AsyncGen<Y, F, S, E, K>
where
    F: Future<Output: Finish<Y, E>>,
    S: Nothing,
{
    type Item = Y;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        match self.get_mut().poll_advance(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Outcome::Yielded(y) | Outcome::IgnoredClose(y)) => Poll::Ready(Some(y)),
            Poll::Ready(Outcome::Returned(r)) => Poll::Ready(r.last()),
            Poll::Ready(Outcome::Raised(e)) => {
                Poll::Ready(Some(<F::Output as Finish<Y, E>>::raised(e)))
            }
            Poll::Ready(Outcome::Closed | Outcome::Rejected(..)) => Poll::Ready(None),
        }
    }
}

impl<Y, F, S, E, K: Handling> FusedStream for AsyncGen<Y, F, S, E, K>
where
    F: Future<Output: Finish<Y, E>>,
    S: Nothing,
{
    fn is_terminated(&self) -> bool {
        self.core.phase() == Phase::Finished
    }
}

/// The yielded values; the return value goes to the closure. Made by
/// [`AsyncGen::on_return`].
impl<Y, F: Future, S: Nothing, E, K: Handling, C: FnOnce(F::Output)> Stream
    for OnReturn<AsyncGen<Y, F, S, E, K>, C>
{
    type Item = Y;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        let (agen, on_return) = self.get_mut().parts();
        match core::task::ready!(agen.poll_advance(cx)) {
            Outcome::Yielded(y) | Outcome::IgnoredClose(y) => Poll::Ready(Some(y)),
            Outcome::Returned(r) => {
                if let Some(f) = on_return.take() {
                    f(r);
                }
                Poll::Ready(None)
            }
            Outcome::Raised(_) => crate::engine::raised_while_iterated(),
            Outcome::Closed | Outcome::Rejected(..) => Poll::Ready(None),
        }
    }
}

/// Closing it closes the generator (the closure is not called).
impl<Y, F: Future, S, E, K: Handling, C> AsyncClose for OnReturn<AsyncGen<Y, F, S, E, K>, C> {
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(self.get_mut().get_mut()).poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        AsyncGen::closes_asynchronously(self.get_ref())
    }
}

/// Never implemented: it makes `for x in async_gen` fail with a message that
/// says what to write instead (an async generator is a `Stream`).
#[diagnostic::on_unimplemented(
    message = "an async generator is a `Stream`, not an `Iterator`: `for` cannot await its items",
    label = "`for` needs an `Iterator`",
    note = "iterate it with `while let Some(x) = g.next().await` (`futures::StreamExt::next`), or with `g.anext().await` to keep the return value"
)]
pub trait NotAnIterator {}

/// Not an iterator: `for x in g` does not compile, and its error says to
/// use `while let Some(x) = g.next().await` (a bound that is never met, so the compiler says so).
impl<Y, F: Future, S, E, K: Handling> Iterator for AsyncGen<Y, F, S, E, K>
where
    F: NotAnIterator,
{
    type Item = Y;

    fn next(&mut self) -> Option<Y> {
        unreachable!("`NotAnIterator` is never implemented")
    }
}

impl<Y, F: Future, S, E, K: Handling> Drop for AsyncGen<Y, F, S, E, K> {
    fn drop(&mut self) {
        if !K::CATCHES {
            // A plain body cannot catch the close, so there is nothing to
            // run or await: dropping it (`Core::drop`, out of line) unwinds
            // it, and a `yield_from` it is suspended in closes its
            // sub-generator as it drops. Nothing here polls the body, so its
            // `poll` keeps one call site (BENCHMARKS.md: 33 -> 4 per item).
            return;
        }
        match self.core.phase() {
            Phase::Suspended(Mode::Catch | Mode::Delegate) => {
                let mut cx = Context::from_waker(Waker::noop());
                if let Poll::Ready(outcome) = self.core.poll_resume(&mut cx, Some(Action::Close)) {
                    // Closed or returned; an error or an ignored close has
                    // nowhere to go but the report.
                    self.origin
                        .report_close("async generator", "it was dropped", &outcome);
                    // An ignored close leaves it suspended: finalized once,
                    // as Python does, and a sub-generator it delegates to
                    // again is left where it stands (as `defer_cleanup` and
                    // `poll_aclose` leave it).
                    self.core.finish();
                    return;
                }
            }
            // A cancelled `aclose`: its cleanup is under way.
            Phase::Running { closing: true } => {}
            // Nothing to await (or a cancelled step, which `finish_now` reports).
            _ => return self.finish_now("it was dropped"),
        }
        // The close is waiting for something: let the run await the rest.
        if let Some(defer) = self.defer {
            if defer(self) {
                return;
            }
        }
        self.finish_now("it was dropped");
    }
}

#[cold]
#[inline(never)]
pub(crate) fn skipped_async_cleanup(origin: &'static Location<'static>, why: &str) {
    tracing::warn!(
        target: "cogen",
        created_at = %origin,
        "async generator created at {origin} was finished without awaiting its cleanup \
         because {why}; close it with aclose(), cogen::ops::closing, or a cogen::rt::Finalizer"
    );
    if watch::slow_poll().is_some() {
        // Debug mode: visible without a `tracing` subscriber.
        eprintln!(
            "cogen debug: async generator created at {origin} was finished without \
             awaiting its cleanup because {why}"
        );
    }
}

impl<Y, F: Future, S, E, K: Handling> AsyncGenerator for AsyncGen<Y, F, S, E, K> {
    type Yield = Y;
    type Sent = S;
    type Error = E;
    type Return = F::Output;

    #[inline(always)]
    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        AsyncGen::poll_step(self.get_mut(), cx, action)
    }

    #[inline(always)]
    fn poll_advance(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<Y, F::Output, S, E>>
    where
        S: Nothing,
    {
        AsyncGen::poll_advance(self.get_mut(), cx)
    }

    #[inline(always)]
    fn poll_in_place(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, F::Output, S, E> {
        let this = self.get_mut();
        if watch::slow_poll().is_some() {
            // Debug mode times each step: take the ordinary path.
            return shared.by_step(|action| this.poll_step(cx, action));
        }
        this.core.poll_in_place(cx, shared)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<Y, F::Output, S, E>> {
        let this = self.get_mut();
        match this.phase() {
            // A cancelled `aclose`: continue its cleanup.
            Phase::Running { closing: true } => this.poll_step(cx, None),
            // A cancelled step is mid-await: there is no yield point to
            // deliver the close at, and waiting for one could take forever.
            Phase::Running { closing: false } => {
                this.finish_now("aclose() found its body in the middle of an await");
                Poll::Ready(Outcome::Closed)
            }
            _ => this.poll_step(cx, Some(Action::Close)),
        }
    }

    /// Left to its owner: an owned one is dropped next and closes as its
    /// kind does (a catching one hands waiting cleanup to the run); a
    /// borrowed one is its owner's to close.
    fn close_abandoned(self: Pin<&mut Self>) {}
}

/// A borrowed async generator is one too: `yield_from(&mut g)` delegates to
/// `g` and leaves it to the caller afterwards.
impl<Y, F: Future, S, E, K: Handling> AsyncGenerator for &mut AsyncGen<Y, F, S, E, K> {
    type Yield = Y;
    type Sent = S;
    type Error = E;
    type Return = F::Output;

    #[inline(always)]
    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        Pin::new(&mut **self.get_mut()).poll_step(cx, action)
    }

    #[inline(always)]
    fn poll_advance(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<Y, F::Output, S, E>>
    where
        S: Nothing,
    {
        Pin::new(&mut **self.get_mut()).poll_advance(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<Y, F::Output, S, E>> {
        Pin::new(&mut **self.get_mut()).poll_close(cx)
    }

    #[inline(always)]
    fn poll_in_place(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, F::Output, S, E> {
        Pin::new(&mut **self.get_mut()).poll_in_place(cx, shared)
    }

    /// Left to its owner: an owned one is dropped next and closes as its
    /// kind does (a catching one hands waiting cleanup to the run); a
    /// borrowed one is its owner's to close.
    fn close_abandoned(self: Pin<&mut Self>) {}
}

impl<Y, F: Future, S, E, K: Handling> core::fmt::Debug for AsyncGen<Y, F, S, E, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncGen")
            .field("status", &self.status())
            .field("delegating", &self.is_delegating())
            .field("origin", &format_args!("{}", self.origin.location))
            .finish()
    }
}
