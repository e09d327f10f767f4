//! Sync generators: Python's generator protocol (PEP 255, 342, 380, 479) on
//! top of the engine.

pub(crate) mod catching;

use core::convert::Infallible;
use core::future::Future;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use core::task::{Context, Poll, Waker};

use crate::engine::raw::{Core, SharedSlot};
use crate::engine::report::Origin;
use crate::engine::{
    Action, CloseError, Co, Finish, Generator, GeneratorState, Handling, InPlacePoll, Mode,
    Nothing, OnReturn, Outcome, Phase, Plain, ResumeError, SendError, StartError, Status,
};

/// A generator: a body that yields values of type `Y` to its caller, receives
/// values of type `S` and errors of type `E`, and returns `F::Output`.
///
/// Made by [`generator`] (plain: `S = ()`, `E = Infallible`) or [`coroutine`]
/// (any `S` and `E`). A plain generator is an [`Iterator`].
///
/// Lazy: nothing of the body runs until the first resume. Dropping a
/// suspended generator closes it (see [`close`](Gen::close)); dropping a fresh
/// one runs none of the body.
///
/// # Examples
///
/// ```
/// use cogen::generator;
///
/// let mut g = generator(async |mut co| {
///     co.yield_(1).await;
///     co.yield_(2).await;
///     co.yield_(3).await;
/// });
/// assert_eq!(g.next(), Some(1));
/// assert_eq!(g.next(), Some(2));
/// assert_eq!(g.collect::<Vec<_>>(), [3]);
/// ```
#[must_use = "generators are lazy and do nothing unless resumed"]
pub struct Gen<Y, F: Future, S = (), E = Infallible, K: Handling = Plain> {
    core: Core<Y, S, E, F>,
    origin: Origin<E, F::Output>,
    _handling: PhantomData<fn() -> K>,
}

/// Makes a plain generator from an async closure that receives the yield
/// handle. It receives `()` and cannot be thrown into; it is an [`Iterator`].
///
/// The closure is called at once but, being `async`, runs none of its body
/// until the first resume.
///
/// # Examples
///
/// ```
/// fn count_to(n: u32) -> impl Iterator<Item = u32> {
///     cogen::generator(async move |mut co| {
///         for i in 1..=n {
///             co.yield_(i).await;
///         }
///     })
/// }
/// assert_eq!(count_to(3).collect::<Vec<_>>(), [1, 2, 3]);
/// ```
#[track_caller]
pub fn generator<Y, R, B>(body: B) -> Gen<Y, impl Future<Output = R>>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y>) -> R,
{
    Gen::made(Core::new(move |slot| body(Co::new(slot))), Origin::here())
}

/// Makes a generator that receives values of type `S` with
/// [`send`](Gen::send) and errors of type `E` with [`throw`](Gen::throw) (a
/// "coroutine" in Python's pre-`async` vocabulary). Name the types on the
/// handle: `async |mut co: Co<'_, Y, S, E>| ...`.
///
/// # Examples
///
/// ```
/// use cogen::{coroutine, Co, GeneratorState};
///
/// // A running average: send numbers in, get the average so far back.
/// let mut avg = coroutine(async |mut co: Co<'_, f64, f64>| {
///     let (mut sum, mut n) = (0.0, 0.0);
///     let mut x = co.yield_(f64::NAN).await;
///     loop {
///         sum += x;
///         n += 1.0;
///         x = co.yield_(sum / n).await;
///     }
/// });
/// avg.start().unwrap();
/// assert_eq!(avg.send(10.0), Ok(GeneratorState::Yielded(10.0)));
/// assert_eq!(avg.send(20.0), Ok(GeneratorState::Yielded(15.0)));
/// ```
#[track_caller]
pub fn coroutine<Y, S, E, R, B>(body: B) -> Gen<Y, impl Future<Output = R>, S, E>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, S, E>) -> R,
    E: core::fmt::Debug,
{
    Gen::made(Core::new(move |slot| body(Co::new(slot))), Origin::here())
}

/// Makes a *try-generator*: a body that returns `Result<R, E>` and may use
/// `?`, whose items are `Result<T, E>`. It yields values with
/// [`co.yield_ok(v)`](Co::yield_ok) (an `Ok` item), may yield an error item
/// and go on with [`co.yield_err(e)`](Co::yield_err), and its error, from `?`,
/// `return Err(..)` or [`co.raise(e)`](Co::raise), is the last item: the
/// iterator ends after it. This is async-stream's `try_stream!` and
/// async-fn-stream's `try_fn_stream`, with the whole protocol kept: `E` is
/// also the type `throw` takes, and `send`, `close` and `yield_from` work as
/// on any generator.
///
/// # Examples
///
/// ```
/// use cogen::try_generator;
///
/// fn numbers<'a>(lines: &'a [&'a str]) -> impl Iterator<Item = Result<u32, std::num::ParseIntError>> + 'a {
///     try_generator(async move |mut co| {
///         for line in lines {
///             co.yield_ok(line.trim().parse()?).await;
///         }
///         Ok(())
///     })
/// }
/// let got: Vec<_> = numbers(&["1", " 2", "x", "4"]).collect();
/// assert_eq!(got.len(), 3); // 1, 2, then the error; "4" is never read
/// assert_eq!(got[..2], [Ok(1), Ok(2)]);
/// assert!(got[2].is_err());
/// ```
#[track_caller]
pub fn try_generator<T, E, R, B>(
    body: B,
) -> Gen<Result<T, E>, impl Future<Output = Result<R, E>>, (), E>
where
    B: for<'co> AsyncFnOnce(Co<'co, Result<T, E>, (), E>) -> Result<R, E>,
    E: core::fmt::Debug,
{
    Gen::made(
        Core::new(move |slot| body(Co::new(slot))),
        Origin::here_try(),
    )
}

impl<Y, F: Future, S, E, K: Handling> Gen<Y, F, S, E, K> {
    /// The generator of a body made into `core`, made where `origin` says.
    fn made(core: Core<Y, S, E, F>, origin: Origin<E, F::Output>) -> Self {
        Gen {
            core,
            origin,
            _handling: PhantomData,
        }
    }

    /// Runs one protocol step synchronously.
    #[inline]
    fn step(&mut self, action: Action<S, E>) -> Outcome<Y, F::Output, S, E> {
        let mut cx = Context::from_waker(Waker::noop());
        let poll = self.core.poll_resume(&mut cx, Some(action));
        self.ready(poll)
    }

    /// The item path of `start` (`None`) and `send` (`Some`): inline, and
    /// the same code for both, so a loop of `send`s after a `start` keeps
    /// the generator in registers.
    #[inline(always)]
    fn step_value(&mut self, value: Option<S>) -> Outcome<Y, F::Output, S, E> {
        let mut cx = Context::from_waker(Waker::noop());
        let poll = self.core.poll_value(&mut cx, value);
        self.ready(poll)
    }

    #[inline(always)]
    fn ready(&mut self, poll: Poll<Outcome<Y, F::Output, S, E>>) -> Outcome<Y, F::Output, S, E> {
        match poll {
            Poll::Ready(outcome) => outcome,
            Poll::Pending => {
                // Inline, not a call taking `&mut self` (see `Drop`).
                self.core.finish();
                awaited_foreign_future()
            }
        }
    }

    /// Runs a fresh generator to its first yield (Python's first `next(gen)`).
    ///
    /// # Errors
    ///
    /// [`StartError::AlreadyStarted`] if it has started (resume it with
    /// [`send`](Gen::send)), [`StartError::Finished`] if it has finished, and
    /// [`StartError::Raised`] if the body raises before yielding.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, GeneratorState};
    ///
    /// let mut g = coroutine(async |mut co: Co<'_, &str, i32>| {
    ///     let n = co.yield_("send me a number").await;
    ///     n * 2
    /// });
    /// assert_eq!(g.start(), Ok(GeneratorState::Yielded("send me a number")));
    /// assert_eq!(g.send(21), Ok(GeneratorState::Complete(42)));
    /// ```
    pub fn start(&mut self) -> Result<GeneratorState<Y, F::Output>, StartError<E>> {
        self.step_value(None).into_start()
    }

    /// Resumes the generator with a value, which becomes the result of the
    /// pending yield (Python's `gen.send(value)`).
    ///
    /// To drive a generator by sending in a loop, prefer
    /// [`resume_with`](Gen::resume_with): `start()` before the loop and
    /// `send()` in it are two entry points, which keeps the body out of the
    /// loop (30 instructions per item against 4).
    ///
    /// # Errors
    ///
    /// Hands `value` back in [`SendError::NotStarted`] if the generator has
    /// not started (Python raises `TypeError`) and in [`SendError::Finished`]
    /// if it has finished (Python raises `StopIteration`);
    /// [`SendError::Raised`] if the body raises instead of yielding.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, GeneratorState};
    /// use cogen::error::SendError;
    ///
    /// let mut g = coroutine(async |mut co: Co<'_, i32, i32>| {
    ///     let x = co.yield_(0).await;
    ///     x + 1
    /// });
    /// assert_eq!(g.send(7), Err(SendError::NotStarted(7)));
    /// g.start().unwrap();
    /// assert_eq!(g.send(7), Ok(GeneratorState::Complete(8)));
    /// assert_eq!(g.send(7), Err(SendError::Finished(7)));
    /// ```
    pub fn send(&mut self, value: S) -> Result<GeneratorState<Y, F::Output>, SendError<S, E>> {
        self.step_value(Some(value)).into_send()
    }

    /// Python's `gen.send(value)` with the value optional, so that a loop
    /// that drives a generator by sending has one entry point: `None` starts
    /// a fresh generator (Python's first `gen.send(None)`), `Some(value)`
    /// resumes a suspended one with it.
    ///
    /// Prefer it to [`start`](Gen::start) followed by [`send`](Gen::send) in
    /// a loop: one call site lets LLVM fold the generator's body into the
    /// loop (BENCHMARKS.md measures 4 instructions per item against 30 for
    /// `start` then `send`).
    ///
    /// # Errors
    ///
    /// As [`send`](Gen::send), with the value handed back as an `Option`:
    /// [`SendError::NotStarted`] for `Some` to a fresh generator,
    /// [`SendError::Finished`] if it has finished, [`SendError::Raised`] if
    /// the body raises instead of yielding.
    ///
    /// # Panics
    ///
    /// If `value` is `None` and the generator is suspended at a yield: it
    /// waits for a value, and there is none to give it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, GeneratorState};
    ///
    /// // A running total: each value sent in is added, the total yielded.
    /// let mut total = coroutine(async |mut co: Co<'_, u32, u32>| {
    ///     let mut sum = 0;
    ///     loop {
    ///         sum += co.yield_(sum).await;
    ///     }
    /// });
    /// let mut reply = None; // nothing to send before the first yield
    /// let mut seen = Vec::new();
    /// while let Ok(GeneratorState::Yielded(sum)) = total.resume_with(reply) {
    ///     seen.push(sum);
    ///     if sum > 10 {
    ///         break;
    ///     }
    ///     reply = Some(sum + 1);
    /// }
    /// assert_eq!(seen, [0, 1, 3, 7, 15]);
    /// ```
    #[inline]
    pub fn resume_with(
        &mut self,
        value: Option<S>,
    ) -> Result<GeneratorState<Y, F::Output>, SendError<Option<S>, E>> {
        self.step_value(value).into_resume_with()
    }

    /// Throws `error` in at the pending yield point (Python's `gen.throw(e)`).
    ///
    /// If the yield point handles it ([`catching`](crate::future::Yield::catching)),
    /// the body goes on and this returns what it does next: the next yielded
    /// value, or its return value. Otherwise the error comes back as `Err`
    /// and the generator is finished, its cleanup run. A fresh generator
    /// finishes without running any of its body; a finished one hands the
    /// error straight back.
    ///
    /// # Errors
    ///
    /// The error the body let out: `error` itself, or another it raised.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, GeneratorState};
    /// use cogen::protocol::Status;
    ///
    /// let mut g = coroutine(async |mut co: Co<'_, i32, (), &str>| {
    ///     co.yield_(1).await; // plain: does not handle throws
    /// });
    /// g.start().unwrap();
    /// assert_eq!(g.throw("boom"), Err("boom"));
    /// assert_eq!(g.status(), Status::Finished);
    /// ```
    pub fn throw(&mut self, error: E) -> Result<GeneratorState<Y, F::Output>, E> {
        self.step(Action::Throw(error))
            .into_state()
            .map_err(|other| match other {
                Outcome::Raised(e) => e,
                _ => unreachable!("throw is never rejected and never closes"),
            })
    }

    /// Closes the generator, running its cleanup (Python's `gen.close()`).
    ///
    /// At a plain yield point the body is unwound: its locals are dropped in
    /// reverse order, like `finally` blocks. At a
    /// [`catching`](crate::future::Yield::catching) yield point the body receives
    /// [`Interrupt::Close`](crate::Interrupt::Close) and runs its own cleanup
    /// code; when delegating, the sub-generator is closed first. A fresh or
    /// finished generator is simply marked finished.
    ///
    /// Returns `Ok(Some(r))` if the body returned `r` while closing (as
    /// Python 3.13 does), `Ok(None)` otherwise.
    ///
    /// # Errors
    ///
    /// [`CloseError::Ignored`] with the value if the body yielded instead of
    /// finishing (Python's "generator ignored GeneratorExit"): the generator
    /// stays suspended and can be resumed. If a sub-generator ignored the
    /// close, this generator is finished. [`CloseError::Raised`] if the body
    /// raised while closing.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    /// use cogen::protocol::Status;
    /// use std::cell::Cell;
    ///
    /// let cleaned = Cell::new(false);
    /// struct Cleanup<'a>(&'a Cell<bool>);
    /// impl Drop for Cleanup<'_> {
    ///     fn drop(&mut self) { self.0.set(true) }
    /// }
    ///
    /// let mut g = generator(async |mut co| {
    ///     let _guard = Cleanup(&cleaned);
    ///     loop { co.yield_(()).await }
    /// });
    /// g.next();
    /// assert_eq!(g.close(), Ok(None));
    /// assert!(cleaned.get());
    /// assert_eq!(g.status(), Status::Finished);
    /// ```
    pub fn close(&mut self) -> Result<Option<F::Output>, CloseError<Y, E>> {
        self.step(Action::Close).into_close()
    }

    /// Where the generator is in its life.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    /// use cogen::protocol::Status;
    ///
    /// let mut g = generator(async |mut co| co.yield_(()).await);
    /// assert_eq!(g.status(), Status::Created);
    /// g.close().unwrap();
    /// assert_eq!(g.status(), Status::Finished);
    /// ```
    #[doc(alias = "getgeneratorstate", alias = "state")]
    pub fn status(&self) -> Status {
        self.core.phase().status()
    }

    /// Whether the generator is suspended inside a delegation
    /// (`yield_from` or `yield_from_iter`; Python's `gi_yieldfrom is not None`).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut g = generator(async |mut co| {
    ///     co.yield_from_iter([1]).await;
    ///     co.yield_(2).await;
    /// });
    /// g.next();
    /// assert!(g.is_delegating());
    /// g.next();
    /// assert!(!g.is_delegating());
    /// ```
    pub fn is_delegating(&self) -> bool {
        self.core.phase() == Phase::Suspended(Mode::Delegate)
    }
}

impl<Y, F: Future, S: Nothing, E, K: Handling> Gen<Y, F, S, E, K> {
    /// Resumes without choosing a value (Python's `next(gen)`, keeping the
    /// return value): starts the generator if fresh, otherwise sends
    /// [`Nothing::nothing`] (`()`, or `None` for an `Option` send type).
    ///
    /// # Errors
    ///
    /// [`ResumeError::Finished`] once the generator has finished (Python's
    /// `StopIteration`); [`ResumeError::Raised`] if the body raises.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{generator, GeneratorState};
    ///
    /// let mut g = generator(async |mut co| {
    ///     co.yield_(1).await;
    ///     "bye"
    /// });
    /// while let Ok(state) = g.resume() {
    ///     match state {
    ///         GeneratorState::Yielded(n) => assert_eq!(n, 1),
    ///         GeneratorState::Complete(r) => assert_eq!(r, "bye"),
    ///     }
    /// }
    /// ```
    #[inline]
    pub fn resume(&mut self) -> Result<GeneratorState<Y, F::Output>, ResumeError<E>> {
        let mut cx = Context::from_waker(Waker::noop());
        let poll = self.core.poll_advance(&mut cx, S::nothing());
        match self.ready(poll) {
            Outcome::Yielded(y) => Ok(GeneratorState::Yielded(y)),
            Outcome::Returned(r) => Ok(GeneratorState::Complete(r)),
            Outcome::Raised(e) => Err(ResumeError::Raised(e)),
            Outcome::Rejected(..) => Err(ResumeError::Finished),
            // `into_resume` would accept these too, at 8 instructions per item.
            Outcome::Closed | Outcome::IgnoredClose(_) => unreachable!("resume never closes"),
        }
    }

    /// Iterates the yielded values and hands the body's return value to
    /// `on_return` when the body returns (Python's `StopIteration.value`,
    /// which `for` drops). Use it to keep a total or a summary through
    /// iterator adapters; `.on_return(drop)` says the value is not wanted.
    ///
    /// `on_return` is not called if the generator is dropped, closed or
    /// raises before it returns. A raise while iterated this way panics, as
    /// for a plain generator (the items have no room for it): a
    /// try-generator whose errors must arrive as items returns
    /// `Result<(), E>` and is iterated directly.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut total = 0;
    /// let lengths: Vec<usize> = generator(async |mut co| {
    ///     let mut sum = 0;
    ///     for word in ["a", "bb", "ccc"] {
    ///         co.yield_(word).await;
    ///         sum += word.len();
    ///     }
    ///     sum
    /// })
    /// .on_return(|sum| total = sum)
    /// .map(str::len)
    /// .collect();
    /// assert_eq!(lengths, [1, 2, 3]);
    /// assert_eq!(total, 6);
    /// ```
    pub fn on_return<C: FnOnce(F::Output)>(self, on_return: C) -> OnReturn<Self, C> {
        OnReturn::new(self, on_return)
    }
}

/// Iterates the items: the yielded values, and for a try-generator (a body
/// returning `Result`) its error as the last item (see [`Finish`]).
///
/// # Panics
///
/// If the body of a generator that is not a try-generator raises an error
/// with [`Co::raise`] (or lets a thrown error through) during `next`: its
/// items have no room for it. Make it a try-generator, or use
/// [`resume`](Gen::resume).
impl<Y, F, S, E, K: Handling> Iterator for Gen<Y, F, S, E, K>
where
    F: Future<Output: Finish<Y, E>>,
    S: Nothing,
{
    type Item = Y;

    #[inline]
    fn next(&mut self) -> Option<Y> {
        match self.resume() {
            Ok(GeneratorState::Yielded(y)) => Some(y),
            Ok(GeneratorState::Complete(r)) => r.last(),
            Err(ResumeError::Finished) => None,
            Err(ResumeError::Raised(e)) => Some(<F::Output as Finish<Y, E>>::raised(e)),
        }
    }
}

impl<Y, F, S, E, K: Handling> FusedIterator for Gen<Y, F, S, E, K>
where
    F: Future<Output: Finish<Y, E>>,
    S: Nothing,
{
}

/// Iterates the yielded values of a generator and hands its return value to
/// a closure; made by [`Gen::on_return`].
impl<Y, F: Future, S: Nothing, E, K: Handling, C: FnOnce(F::Output)> Iterator
    for OnReturn<Gen<Y, F, S, E, K>, C>
{
    type Item = Y;

    fn next(&mut self) -> Option<Y> {
        let (generator, on_return) = self.parts();
        match generator.resume() {
            Ok(GeneratorState::Yielded(y)) => Some(y),
            Ok(GeneratorState::Complete(r)) => {
                if let Some(f) = on_return.take() {
                    f(r);
                }
                None
            }
            Err(ResumeError::Finished) => None,
            Err(ResumeError::Raised(_)) => crate::engine::raised_while_iterated(),
        }
    }
}

impl<Y, F: Future, S, E, K: Handling> Drop for Gen<Y, F, S, E, K> {
    #[inline(always)]
    fn drop(&mut self) {
        // A plain generator's body cannot catch the close, so dropping it
        // is only dropping the body (`Core::drop`, out of line; a
        // `yield_from` it is suspended in closes its sub-generator as it
        // drops). Nothing here polls the body: the item path's call of its
        // `poll` stays the only one, which lets LLVM fold the body into the
        // consumer's loop.
        //
        // A catching generator's unfinished body is closed out of line and
        // by value: no call takes `&mut self`, so a consumer's loop can
        // still keep the generator in registers.
        if K::CATCHES && self.core.has_body() {
            drop_unfinished(self.core.take(), self.origin);
        }
    }
}

/// Drops a catching generator that has not finished. One suspended at a
/// yield point that may catch a close is closed first, as Python's generator finalizer
/// does, and what nobody can receive is reported (an error raised while
/// closing, or an ignored close); the rest only drop the body, which unwinds
/// it.
#[inline(never)]
fn drop_unfinished<Y, F: Future, S, E>(mut core: Core<Y, S, E, F>, origin: Origin<E, F::Output>) {
    if !matches!(core.phase(), Phase::Suspended(Mode::Catch | Mode::Delegate)) {
        return; // `core`'s drop drops the body, marked (`raw::drop_live`).
    }
    let mut cx = Context::from_waker(Waker::noop());
    let Poll::Ready(outcome) = core.poll_resume(&mut cx, Some(Action::Close)) else {
        core.finish();
        awaited_foreign_future()
    };
    origin.report_close("generator", "it was dropped", &outcome);
    // An ignored close leaves it suspended: finalized once, as Python does,
    // and a sub-generator it delegates to again is left where it stands.
    core.finish();
}

#[cold]
#[inline(never)]
fn awaited_foreign_future() -> ! {
    panic!(
        "cogen: a sync generator's body awaited something other than its own yield \
         handle; bodies that await timers, I/O or other futures need an async generator"
    )
}

/// The protocol as a trait (the inherent methods are the same), so a `Gen`
/// can be named as `impl Generator<..>`, boxed, and delegated to.
impl<Y, F: Future, S, E, K: Handling> Generator for Gen<Y, F, S, E, K> {
    type Yield = Y;
    type Sent = S;
    type Error = E;
    type Return = F::Output;

    fn start(&mut self) -> Result<GeneratorState<Y, F::Output>, StartError<E>> {
        Gen::start(self)
    }

    fn send(&mut self, value: S) -> Result<GeneratorState<Y, F::Output>, SendError<S, E>> {
        Gen::send(self, value)
    }

    fn throw(&mut self, error: E) -> Result<GeneratorState<Y, F::Output>, E> {
        Gen::throw(self, error)
    }

    fn close(&mut self) -> Result<Option<F::Output>, CloseError<Y, E>> {
        Gen::close(self)
    }

    #[track_caller]
    fn resume_with(
        &mut self,
        value: Option<S>,
    ) -> Result<GeneratorState<Y, F::Output>, SendError<Option<S>, E>> {
        Gen::resume_with(self, value)
    }

    #[inline(never)]
    fn close_abandoned(&mut self) {
        let outcome = self.step(Action::Close);
        self.origin.report_abandoned_close(&outcome);
    }

    #[inline(always)]
    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        // Forwarded sends take the same hot path as `send` itself.
        self.core.poll_step(cx, action)
    }

    #[inline(always)]
    fn poll_in_place(
        &mut self,
        cx: &mut Context<'_>,
        shared: SharedSlot<'_, Y, S, E>,
    ) -> InPlacePoll<Y, F::Output, S, E> {
        self.core.poll_in_place(cx, shared)
    }
}

impl<Y, F: Future, S, E, K: Handling> core::fmt::Debug for Gen<Y, F, S, E, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Gen")
            .field("status", &self.status())
            .field("delegating", &self.is_delegating())
            .finish()
    }
}
