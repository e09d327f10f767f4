//! The sync constructors whose bodies' yield points may catch throw and
//! close (re-exported from [`cogen::catching`](crate::catching)).

use core::future::Future;

use super::Gen;
use crate::engine::raw::Core;
use crate::engine::report::Origin;
use crate::engine::{Catching, Co};

/// As [`cogen::generator`](crate::generator), with a handle whose yield
/// points may opt in to interrupts with `.catching()`. Dropped while
/// suspended where it may catch, the generator is closed by running its
/// body, as Python's finalizer does.
///
/// # Examples
///
/// ```
/// use cogen::{catching, Interrupt};
///
/// let mut g = catching::generator(async |mut co| {
///     let mut n = 0;
///     while co.yield_(n).catching().await.is_ok() {
///         n += 1;
///     }
///     n // the return value of `close`
/// });
/// g.resume().unwrap();
/// g.resume().unwrap();
/// assert_eq!(g.close(), Ok(Some(1)));
/// ```
#[track_caller]
pub fn generator<Y, R, B>(
    body: B,
) -> Gen<Y, impl Future<Output = R>, (), core::convert::Infallible, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, (), core::convert::Infallible, Catching>) -> R,
{
    Gen::made(Core::new(move |slot| body(Co::new(slot))), Origin::here())
}

/// As [`cogen::coroutine`](crate::coroutine), with a handle whose yield
/// points may opt in to interrupts with `.catching()`. Name the types on the
/// handle: `async |mut co: Co<'_, Y, S, E, Catching>| ...`.
///
/// # Examples
///
/// ```
/// use cogen::catching::{self, Catching};
/// use cogen::{Co, GeneratorState, Interrupt};
///
/// // Counts the errors thrown in, and goes on.
/// let mut g = catching::coroutine(async |mut co: Co<'_, u32, (), String, Catching>| {
///     let mut errors = 0;
///     loop {
///         if let Err(Interrupt::Throw(_)) = co.yield_(errors).catching().await {
///             errors += 1;
///         }
///     }
/// });
/// g.start().unwrap();
/// assert_eq!(g.throw("bad".into()), Ok(GeneratorState::Yielded(1)));
/// ```
#[track_caller]
pub fn coroutine<Y, S, E, R, B>(body: B) -> Gen<Y, impl Future<Output = R>, S, E, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Y, S, E, Catching>) -> R,
    E: core::fmt::Debug,
{
    Gen::made(Core::new(move |slot| body(Co::new(slot))), Origin::here())
}

/// As [`cogen::try_generator`](crate::try_generator), with a handle whose
/// yield points may opt in to interrupts with `.catching()`.
///
/// # Examples
///
/// ```
/// use cogen::{catching, Interrupt};
///
/// let mut g = catching::try_generator(async |mut co| {
///     match co.yield_ok(1).catching().await {
///         Err(Interrupt::Throw(e)) => co.yield_err(e).await, // an error item, and go on
///         _ => {}
///     }
///     Ok::<_, String>(())
/// });
/// g.start().unwrap();
/// assert_eq!(g.throw("bad".to_string()).unwrap().yielded(), Some(Err("bad".to_string())));
/// ```
#[track_caller]
pub fn try_generator<T, E, R, B>(
    body: B,
) -> Gen<Result<T, E>, impl Future<Output = Result<R, E>>, (), E, Catching>
where
    B: for<'co> AsyncFnOnce(Co<'co, Result<T, E>, (), E, Catching>) -> Result<R, E>,
    E: core::fmt::Debug,
{
    Gen::made(
        Core::new(move |slot| body(Co::new(slot))),
        Origin::here_try(),
    )
}
