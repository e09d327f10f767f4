//! [`AsyncGeneratorExt`]: the awaitable operations on any [`AsyncGenerator`],
//! and the boxed forms as streams.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use super::{AClose, ANext, ASend, AStart, AThrow};
use crate::engine::{AsyncGenerator, Finish, Nothing, Outcome};

/// Python's awaitable async generator operations on every [`AsyncGenerator`]
/// (boxed, hand-written, or a sync generator), as futures-util's `StreamExt`
/// puts `next` on every `Stream`. [`AsyncGen`](crate::AsyncGen) has the same
/// methods built in.
///
/// # Examples
///
/// ```
/// use cogen::{Co, GeneratorState};
/// use cogen::protocol::{AsyncGeneratorExt, BoxAsyncGenerator};
///
/// # futures::executor::block_on(async {
/// let mut echo: BoxAsyncGenerator<'static, u8, u8, String> =
///     Box::pin(cogen::async_coroutine(async |mut co: Co<'_, u8, u8, String>| {
///         let mut got = co.yield_(0).await;
///         loop {
///             got = co.yield_(got * 2).await;
///         }
///     }));
/// assert_eq!(echo.astart().await, Ok(GeneratorState::Yielded(0)));
/// assert_eq!(echo.asend(21).await, Ok(GeneratorState::Yielded(42)));
/// assert!(echo.athrow("stop".to_string()).await.is_err());
/// assert_eq!(echo.aclose().await, Ok(None));
/// # });
/// ```
pub trait AsyncGeneratorExt: AsyncGenerator {
    /// Runs a fresh generator to its first yield (Python's first
    /// `await g.asend(None)`); see [`AsyncGen::astart`](crate::AsyncGen::astart).
    ///
    /// # Cancel safety
    ///
    /// Dropping it after `Pending` leaves the step in flight (as for
    /// [`AsyncGen`](crate::AsyncGen#cancellation)).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::GeneratorState;
    /// use cogen::protocol::{AsyncGeneratorExt, LocalBoxAsyncGenerator};
    ///
    /// # futures::executor::block_on(async {
    /// let mut g: LocalBoxAsyncGenerator<'_, u8> =
    ///     Box::pin(cogen::async_generator(async |mut co| co.yield_(1).await));
    /// assert_eq!(g.astart().await, Ok(GeneratorState::Yielded(1)));
    /// # });
    /// ```
    fn astart(&mut self) -> AStart<'_, Self>
    where
        Self: Unpin,
    {
        AStart::new(self)
    }

    /// Resumes it with `value` (Python's `await g.asend(value)`); see
    /// [`AsyncGen::asend`](crate::AsyncGen::asend).
    ///
    /// # Cancel safety
    ///
    /// Dropping it after `Pending` leaves the step in flight; the value has
    /// been delivered.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{Co, GeneratorState};
    /// use cogen::error::SendError;
    /// use cogen::protocol::{AsyncGeneratorExt, BoxAsyncGenerator};
    ///
    /// # futures::executor::block_on(async {
    /// let mut g: BoxAsyncGenerator<'static, u8, u8> =
    ///     Box::pin(cogen::async_coroutine(async |mut co: Co<'_, u8, u8>| {
    ///         let x = co.yield_(0).await;
    ///         co.yield_(x + 1).await;
    ///     }));
    /// assert_eq!(g.asend(5).await, Err(SendError::NotStarted(5))); // handed back
    /// g.astart().await.unwrap();
    /// assert_eq!(g.asend(5).await, Ok(GeneratorState::Yielded(6)));
    /// # });
    /// ```
    fn asend(&mut self, value: Self::Sent) -> ASend<'_, Self>
    where
        Self: Unpin,
    {
        ASend::new(self, value)
    }

    /// Throws `error` in at its yield point (Python's `await g.athrow(e)`);
    /// see [`AsyncGen::athrow`](crate::AsyncGen::athrow).
    ///
    /// # Cancel safety
    ///
    /// Dropping it after `Pending` leaves the step in flight; the error has
    /// been delivered.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::Co;
    /// use cogen::error::ThrowError;
    /// use cogen::protocol::{AsyncGeneratorExt, BoxAsyncGenerator};
    ///
    /// # futures::executor::block_on(async {
    /// let mut g: BoxAsyncGenerator<'static, u8, (), &str> =
    ///     Box::pin(cogen::async_coroutine(async |mut co: Co<'_, u8, (), &str>| co.yield_(1).await));
    /// g.astart().await.unwrap();
    /// assert_eq!(g.athrow("stop").await, Err(ThrowError::Raised("stop")));
    /// # });
    /// ```
    fn athrow(&mut self, error: Self::Error) -> AThrow<'_, Self>
    where
        Self: Unpin,
    {
        AThrow::new(self, error)
    }

    /// Closes it, awaiting its cleanup (Python's `await g.aclose()`); see
    /// [`AsyncGen::aclose`](crate::AsyncGen::aclose).
    ///
    /// # Cancel safety
    ///
    /// Dropping it while the cleanup awaits leaves the close in flight: a
    /// later `aclose` continues it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::protocol::{AsyncGeneratorExt, BoxAsyncGenerator};
    ///
    /// # futures::executor::block_on(async {
    /// let mut g: BoxAsyncGenerator<'static, u8> =
    ///     Box::pin(cogen::async_generator(async |mut co| co.yield_(1).await));
    /// assert_eq!(g.aclose().await, Ok(None));
    /// # });
    /// ```
    #[doc(alias = "close")]
    fn aclose(&mut self) -> AClose<'_, Self>
    where
        Self: Unpin,
    {
        AClose::new(self)
    }

    /// Resumes without choosing a value (Python's `await anext(g)`, keeping
    /// the return value); see [`AsyncGen::anext`](crate::AsyncGen::anext).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it after `Pending` leaves the step in flight,
    /// and the next `anext` continues it and delivers its item.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::GeneratorState;
    /// use cogen::protocol::{AsyncGeneratorExt, BoxAsyncGenerator};
    ///
    /// # futures::executor::block_on(async {
    /// let mut g: BoxAsyncGenerator<'static, u8, (), std::convert::Infallible, &str> =
    ///     Box::pin(cogen::async_generator(async |mut co| { co.yield_(1).await; "done" }));
    /// assert_eq!(g.anext().await, Ok(GeneratorState::Yielded(1)));
    /// assert_eq!(g.anext().await, Ok(GeneratorState::Complete("done")));
    /// # });
    /// ```
    #[doc(alias = "__anext__")]
    fn anext(&mut self) -> ANext<'_, Self>
    where
        Self: Unpin,
        Self::Sent: Nothing,
    {
        ANext::new(self)
    }
}

impl<G: AsyncGenerator + ?Sized> AsyncGeneratorExt for G {}

/// The items of a boxed async generator ([`BoxAsyncGenerator`](crate::protocol::BoxAsyncGenerator)
/// is a `Stream` through `Pin<Box<_>>`), as for [`AsyncGen`](crate::AsyncGen):
/// a try-generator's error is its last item.
///
/// # Panics
///
/// If a generator that is not a try-generator raises (see
/// [`Finish`]).
impl<Y, S: Nothing, E, R: Finish<Y, E>> Stream
    for dyn AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + Send + '_
{
    type Item = Y;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        poll_items(self, cx)
    }
}

/// As for the `Send` form.
impl<Y, S: Nothing, E, R: Finish<Y, E>> Stream
    for dyn AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + '_
{
    type Item = Y;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        poll_items(self, cx)
    }
}

fn poll_items<G, Y, S, E, R>(agen: Pin<&mut G>, cx: &mut Context<'_>) -> Poll<Option<Y>>
where
    G: AsyncGenerator<Yield = Y, Sent = S, Error = E, Return = R> + ?Sized,
    S: Nothing,
    R: Finish<Y, E>,
{
    Poll::Ready(match core::task::ready!(agen.poll_advance(cx)) {
        Outcome::Yielded(y) | Outcome::IgnoredClose(y) => Some(y),
        Outcome::Returned(r) => r.last(),
        Outcome::Raised(e) => Some(R::raised(e)),
        Outcome::Closed | Outcome::Rejected(..) => None,
    })
}
