//! What makes a generator an `Iterator` or a `Stream`: a send type with a
//! value that means "nothing sent" ([`Nothing`], Python's `None`), and a body
//! whose end can be told as items ([`Finish`]): `()` ends quietly, and a
//! `Result` ends with its error as the last item (a *try-generator*). Any other
//! return value would be lost by `for`, so it must be asked for explicitly.

mod sealed {
    /// Keeps [`Nothing`](super::Nothing) to the types listed here.
    pub trait Sealed {}
}
use sealed::Sealed;

/// A send type with a value that means "nothing sent": what Python's
/// `next(g)` sends (`None`). `()` and `Option<T>` (`None`) have one, so a
/// generator that receives them can be iterated (`next`, `for`, `anext`,
/// `Stream`) and sent to (`send`, `asend`) alike.
///
/// # Examples
///
/// ```
/// use cogen::{coroutine, Co, GeneratorState};
///
/// // Python: `x = yield total` where `next(g)` sends None.
/// let mut totals = coroutine(async |mut co: Co<'_, u32, Option<u32>>| {
///     let mut total = 0;
///     loop {
///         total += co.yield_(total).await.unwrap_or(1);
///     }
/// });
/// assert_eq!(totals.next(), Some(0)); // starts it
/// assert_eq!(totals.send(Some(10)), Ok(GeneratorState::Yielded(10)));
/// assert_eq!(totals.next(), Some(11)); // sends None: counts one
/// ```
#[diagnostic::on_unimplemented(
    message = "a generator that receives `{Self}` cannot be iterated: `next` has no value to send it",
    label = "this generator receives `{Self}`",
    note = "resume it with `start()` then `send(value)` (`astart()`/`asend(value)` for an async generator)",
    note = "or make its send type `Option<{Self}>`, so that `next` sends `None` as Python's `next(g)` does"
)]
pub trait Nothing: Sealed {
    /// The value `next` sends.
    fn nothing() -> Self;
}

impl Sealed for () {}

impl Nothing for () {
    #[inline(always)]
    fn nothing() -> Self {}
}

impl<T> Sealed for Option<T> {}

impl<T> Nothing for Option<T> {
    #[inline(always)]
    fn nothing() -> Self {
        None
    }
}

/// A body's return type whose end iteration can deliver: `()` (nothing to
/// deliver), or `Result<(), E>` of a *try-generator*, whose items are
/// `Result<T, E>` and whose error, returned (`?`) or raised, is its last item.
/// A try-generator that returns `Ok(value)` has a value to keep: it is driven
/// like any generator with a return value (below).
///
/// Other return values would be dropped by `for` and `Stream` without a word,
/// so a generator that returns one is not an iterator: drive it with
/// [`resume`](crate::Gen::resume) / [`anext`](crate::AsyncGen::anext),
/// delegate to it with [`yield_from`](crate::Co::yield_from), or hand the
/// value on with [`on_return`](crate::Gen::on_return).
///
/// # Examples
///
/// ```
/// use cogen::try_generator;
///
/// let pages = try_generator(async |mut co| {
///     co.yield_ok(1).await;
///     let two: u32 = "2".parse()?;
///     co.yield_ok(two).await;
///     "x".parse::<u32>()?; // fails: the error is the last item
///     co.yield_ok(3).await;
///     Ok::<(), std::num::ParseIntError>(()) // names the error type once
/// });
/// let items: Vec<_> = pages.collect();
/// assert_eq!(items.len(), 3);
/// assert_eq!(items[..2], [Ok(1), Ok(2)]);
/// assert!(items[2].is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "a generator whose body returns `{Self}` is not an iterator or a stream: `for` would drop what it returns",
    label = "the body returns `{Self}`",
    note = "a body that returns `Result<(), E>` (to use `?`) is a try-generator: make it with `cogen::try_generator` or `cogen::try_async_generator`, whose items are `Result<T, E>` and whose error is the last item",
    note = "to keep another return value, drive the generator with `resume()`/`anext()`, delegate with `yield_from`, or hand the value on with `.on_return(|value| ..)`"
)]
pub trait Finish<Y, E>: Sized {
    /// The body's return value as a last item, if it is one.
    fn last(self) -> Option<Y>;
    /// An error the body raised (or a throw let through), as a last item.
    fn raised(error: E) -> Y;
}

impl<Y, E> Finish<Y, E> for () {
    #[inline(always)]
    fn last(self) -> Option<Y> {
        None
    }

    fn raised(_: E) -> Y {
        raised_while_iterated()
    }
}

/// The never type `!`, which a body that loops forever returns (edition 2024
/// falls back to it), named on stable through a function pointer's output.
pub(crate) type Never = <fn() -> ! as Output>::Type;

#[doc(hidden)]
pub trait Output {
    type Type;
}

impl<T> Output for fn() -> T {
    type Type = T;
}

/// A body that never returns ends only by a close, a throw or a raise.
impl<Y, E> Finish<Y, E> for Never {
    #[inline(always)]
    fn last(self) -> Option<Y> {
        self
    }

    fn raised(_: E) -> Y {
        raised_while_iterated()
    }
}

/// A try-generator that ends with `Ok(())`, or with its error.
impl<T, E> Finish<Result<T, E>, E> for Result<(), E> {
    #[inline]
    fn last(self) -> Option<Result<T, E>> {
        self.err().map(Err)
    }

    #[inline]
    fn raised(error: E) -> Result<T, E> {
        Err(error)
    }
}

/// A try-generator that never returns `Ok` (it loops until an error).
impl<T, E> Finish<Result<T, E>, E> for Result<Never, E> {
    #[inline]
    fn last(self) -> Option<Result<T, E>> {
        self.err().map(Err)
    }

    #[inline]
    fn raised(error: E) -> Result<T, E> {
        Err(error)
    }
}

#[cold]
#[inline(never)]
pub(crate) fn raised_while_iterated() -> ! {
    panic!(
        "cogen: the generator raised an error while it was iterated, and its items have no \
         room for it; make it a try-generator (its body returns a Result, its items are \
         Result<T, E>), or drive it with resume()/anext() to receive the error"
    )
}
