use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{AsyncGen, ThrowError};
use crate::engine::{Action, GeneratorState, Outcome};

/// Future returned by [`AsyncGen::athrow`]: throws an error in at the pending
/// yield point.
///
/// # Examples
///
/// ```
/// use cogen::{async_coroutine, Co, ThrowError};
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
pub struct AThrow<'a, Y, F: Future, S, E> {
    agen: &'a mut AsyncGen<Y, F, S, E>,
    error: Option<E>,
}

impl<'a, Y, F: Future, S, E> AThrow<'a, Y, F, S, E> {
    pub(super) fn new(agen: &'a mut AsyncGen<Y, F, S, E>, error: E) -> Self {
        AThrow {
            agen,
            error: Some(error),
        }
    }
}

// The generator is driven through `&mut`, never pinned.
impl<Y, F: Future, S, E> Unpin for AThrow<'_, Y, F, S, E> {}

impl<Y, F: Future, S, E> Future for AThrow<'_, Y, F, S, E> {
    type Output = Result<GeneratorState<Y, F::Output>, ThrowError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = this.error.take().map(Action::Throw);
        this.agen.poll_step(cx, action).map(|outcome| {
            outcome.into_state().map_err(|other| match other {
                Outcome::Raised(e) => ThrowError::Raised(e),
                // Only a step in flight rejects a throw.
                Outcome::Rejected(Action::Throw(e)) => ThrowError::Running(e),
                _ => unreachable!("throw never closes and hands back only its error"),
            })
        })
    }
}

impl<Y, F: Future, S, E> core::fmt::Debug for AThrow<'_, Y, F, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AThrow")
            .field("generator", &self.agen)
            .field("thrown", &self.error.is_none())
            .finish()
    }
}
