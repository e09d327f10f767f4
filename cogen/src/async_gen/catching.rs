//! The async constructors whose bodies' yield points may catch athrow and
//! aclose (re-exported from [`cogen::catching`](crate::catching)).

use core::convert::Infallible;
use core::future::Future;

use super::AsyncGen;
use crate::engine::raw::Core;
use crate::engine::report::Origin;
use crate::engine::{Catching, Co};

/// As [`cogen::async_generator`](crate::async_generator), with a handle
/// whose yield points may opt in to interrupts with `.catching()`, for
/// cleanup that awaits when the generator is closed. The body is `'static`,
/// so inside `cogen::rt::run` a generator dropped with that cleanup
/// unfinished has it awaited by the run (see [`AsyncGen`]'s "Dropping").
///
/// # Examples
///
/// ```
/// use cogen::catching;
///
/// # futures::executor::block_on(async {
/// let mut g = catching::async_generator(async |mut co| {
///     if co.yield_(1).catching().await.is_err() {
///         async {}.await; // awaited cleanup, then finish closed
///         return "flushed";
///     }
///     "done"
/// });
/// g.astart().await.unwrap();
/// assert_eq!(g.aclose().await, Ok(Some("flushed")));
/// # });
/// ```
#[track_caller]
pub fn async_generator<Y, R, B>(
    body: B,
) -> AsyncGen<Y, impl Future<Output = R>, (), Infallible, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, (), Infallible, Catching>) -> R + 'static,
    Y: 'static,
{
    AsyncGen::finalized(Core::new(move |slot| body(Co::new(slot))))
}

/// As [`cogen::async_coroutine`](crate::async_coroutine), with a handle
/// whose yield points may opt in to interrupts with `.catching()`. Name the
/// types on the handle: `async |mut co: Co<'_, Y, S, E, Catching>| ...`.
///
/// # Examples
///
/// ```
/// use cogen::catching::{self, Catching};
/// use cogen::{Co, GeneratorState, Interrupt};
///
/// # futures::executor::block_on(async {
/// let mut g = catching::async_coroutine(async |mut co: Co<'_, u32, (), String, Catching>| {
///     let mut errors = 0;
///     loop {
///         if let Err(Interrupt::Throw(_)) = co.yield_(errors).catching().await {
///             errors += 1;
///         }
///     }
/// });
/// g.astart().await.unwrap();
/// assert_eq!(g.athrow("bad".into()).await, Ok(GeneratorState::Yielded(1)));
/// # });
/// ```
#[track_caller]
pub fn async_coroutine<Y, S, E, R, B>(
    body: B,
) -> AsyncGen<Y, impl Future<Output = R>, S, E, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, S, E, Catching>) -> R + 'static,
    Y: 'static,
    S: 'static,
    E: core::fmt::Debug + 'static,
{
    AsyncGen::finalized(Core::new(move |slot| body(Co::new(slot))))
}

/// As [`cogen::try_async_generator`](crate::try_async_generator), with a
/// handle whose yield points may opt in to interrupts with `.catching()`.
///
/// # Examples
///
/// ```
/// use cogen::catching;
///
/// # futures::executor::block_on(async {
/// let mut g = catching::try_async_generator(async |mut co| {
///     let closed = co.yield_ok(1).catching().await.is_err();
///     Ok::<_, String>(closed)
/// });
/// g.astart().await.unwrap();
/// assert_eq!(g.aclose().await, Ok(Some(Ok(true))));
/// # });
/// ```
#[track_caller]
pub fn try_async_generator<T, E, R, B>(
    body: B,
) -> AsyncGen<Result<T, E>, impl Future<Output = Result<R, E>>, (), E, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Result<T, E>, (), E, Catching>) -> Result<R, E> + 'static,
    T: 'static,
    E: core::fmt::Debug + 'static,
{
    AsyncGen::finalized_with(
        Core::new(move |slot| body(Co::new(slot))),
        Origin::here_try(),
    )
}

/// [`async_generator`] for a body that borrows from its caller (it need not
/// be `'static`). The generator then cannot outlive what it borrows, so if it
/// is dropped with cleanup that has to wait, that cleanup is skipped (its
/// locals are dropped and a warning is logged) even inside `cogen::rt::run`:
/// close it with [`aclose`](AsyncGen::aclose) or
/// [`closing`](crate::ops::closing) when its cleanup awaits.
///
/// # Examples
///
/// ```
/// use cogen::catching;
///
/// let name = String::from("cleanup");
/// # futures::executor::block_on(async {
/// let mut g = catching::async_generator_scoped(async |mut co| {
///     if co.yield_(1).catching().await.is_err() {
///         return name.len();
///     }
///     0
/// });
/// g.astart().await.unwrap();
/// assert_eq!(g.aclose().await, Ok(Some(7)));
/// # });
/// ```
#[track_caller]
pub fn async_generator_scoped<Y, R, B>(
    body: B,
) -> AsyncGen<Y, impl Future<Output = R>, (), Infallible, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, (), Infallible, Catching>) -> R,
{
    AsyncGen::scoped(Core::new(move |slot| body(Co::new(slot))))
}

/// [`async_coroutine`] for a body that borrows from its caller; see
/// [`async_generator_scoped`] for what that means for its cleanup.
///
/// # Examples
///
/// ```
/// use cogen::catching::{self, Catching};
/// use cogen::{Co, Interrupt};
///
/// let mut log = Vec::new();
/// # futures::executor::block_on(async {
/// let mut g = catching::async_coroutine_scoped(async |mut co: Co<'_, (), u8, &str, Catching>| loop {
///     match co.yield_(()).catching().await {
///         Ok(n) => log.push(n),
///         Err(Interrupt::Throw(_)) => log.push(0),
///         Err(Interrupt::Close) => return,
///     }
/// });
/// g.astart().await.unwrap();
/// g.asend(1).await.unwrap();
/// g.athrow("oops").await.unwrap();
/// g.aclose().await.unwrap();
/// # });
/// assert_eq!(log, [1, 0]);
/// ```
#[track_caller]
pub fn async_coroutine_scoped<Y, S, E, R, B>(
    body: B,
) -> AsyncGen<Y, impl Future<Output = R>, S, E, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, S, E, Catching>) -> R,
    E: core::fmt::Debug,
{
    AsyncGen::scoped(Core::new(move |slot| body(Co::new(slot))))
}
