use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::AsyncGen;
use crate::engine::{GeneratorState, Handling, Phase, Plain, ResumeError};

/// Future returned by [`AsyncGen::finish_step`]: continues a step that a
/// cancelled operation left in flight.
///
/// # Examples
///
/// ```
/// use cogen::async_generator;
///
/// # futures::executor::block_on(async {
/// let mut g = async_generator(async |mut co| co.yield_(1).await);
/// // Nothing is in flight.
/// assert_eq!(g.finish_step().await, None);
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FinishStep<'a, Y, F: Future, S, E, K: Handling = Plain> {
    agen: &'a mut AsyncGen<Y, F, S, E, K>,
    started: bool,
}

impl<'a, Y, F: Future, S, E, K: Handling> FinishStep<'a, Y, F, S, E, K> {
    pub(super) fn new(agen: &'a mut AsyncGen<Y, F, S, E, K>) -> Self {
        FinishStep {
            agen,
            started: false,
        }
    }
}

// The generator is driven through `&mut`, never pinned.
impl<Y, F: Future, S, E, K: Handling> Unpin for FinishStep<'_, Y, F, S, E, K> {}

impl<Y, F: Future, S, E, K: Handling> Future for FinishStep<'_, Y, F, S, E, K> {
    type Output = Option<Result<GeneratorState<Y, F::Output>, ResumeError<E>>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if !core::mem::replace(&mut this.started, true)
            && !matches!(this.agen.phase(), Phase::Running { .. })
        {
            return Poll::Ready(None);
        }
        this.agen.poll_step(cx, None).map(|o| Some(o.into_resume()))
    }
}

impl<Y, F: Future, S, E, K: Handling> core::fmt::Debug for FinishStep<'_, Y, F, S, E, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FinishStep")
            .field("generator", &self.agen)
            .field("started", &self.started)
            .finish()
    }
}
