use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::ThrowError;
use crate::engine::{Action, AsyncGenerator, GeneratorState, Outcome};

/// Future returned by [`AsyncGen::athrow`](crate::AsyncGen::athrow) and [`AsyncGeneratorExt::athrow`](crate::protocol::AsyncGeneratorExt::athrow): throws an error in at the pending
/// yield point.
///
/// # Examples
///
/// ```
/// use cogen::{async_coroutine, Co};
/// use cogen::error::ThrowError;
///
/// # futures::executor::block_on(async {
/// let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &str>| {
///     co.yield_(1).await; // plain: a throw ends the body
/// });
/// g.astart().await.unwrap();
/// assert_eq!(g.athrow("stop").await, Err(ThrowError::Raised("stop")));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AThrow<'a, G: AsyncGenerator + ?Sized> {
    agen: &'a mut G,
    error: Option<G::Error>,
}

impl<'a, G: AsyncGenerator + ?Sized> AThrow<'a, G> {
    pub(crate) fn new(agen: &'a mut G, error: G::Error) -> Self {
        AThrow {
            agen,
            error: Some(error),
        }
    }
}

// The error is moved out, never pinned.
impl<G: AsyncGenerator + ?Sized> Unpin for AThrow<'_, G> {}

impl<G: AsyncGenerator + Unpin + ?Sized> Future for AThrow<'_, G> {
    type Output = Result<GeneratorState<G::Yield, G::Return>, ThrowError<G::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = this.error.take().map(Action::Throw);
        Pin::new(&mut *this.agen)
            .poll_step(cx, action)
            .map(|outcome| {
                outcome.into_state().map_err(|other| match other {
                    Outcome::Raised(e) => ThrowError::Raised(e),
                    // Only a step in flight rejects a throw.
                    Outcome::Rejected(Action::Throw(e), _) => ThrowError::Running(e),
                    _ => unreachable!("throw never closes and hands back only its error"),
                })
            })
    }
}

impl<G: AsyncGenerator + ?Sized> core::fmt::Debug for AThrow<'_, G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AThrow")
            .field("thrown", &self.error.is_none())
            .finish_non_exhaustive()
    }
}
