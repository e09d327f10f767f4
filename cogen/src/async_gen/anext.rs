use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::AsyncGen;
use crate::engine::{GeneratorState, Nothing, Outcome, ResumeError};

/// Future returned by [`AsyncGen::anext`]: resumes a generator that receives
/// `()`, keeping its return value.
///
/// Runs nothing until first polled. Dropping it after a poll that returned
/// `Pending` loses nothing: the next `anext` (or `next`) continues the step.
///
/// # Examples
///
/// ```
/// use cogen::{async_generator, GeneratorState};
///
/// # futures::executor::block_on(async {
/// let mut g = async_generator(async |mut co| co.yield_('x').await);
/// let step = g.anext(); // nothing runs yet
/// assert_eq!(step.await, Ok(GeneratorState::Yielded('x')));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ANext<'a, Y, F: Future, S, E> {
    agen: &'a mut AsyncGen<Y, F, S, E>,
    started: bool,
}

impl<'a, Y, F: Future, S, E> ANext<'a, Y, F, S, E> {
    pub(super) fn new(agen: &'a mut AsyncGen<Y, F, S, E>) -> Self {
        ANext {
            agen,
            started: false,
        }
    }
}

// The generator is driven through `&mut`, never pinned.
impl<Y, F: Future, S, E> Unpin for ANext<'_, Y, F, S, E> {}

impl<Y, F: Future, S: Nothing, E> Future for ANext<'_, Y, F, S, E> {
    type Output = Result<GeneratorState<Y, F::Output>, ResumeError<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let poll = if core::mem::replace(&mut this.started, true) {
            this.agen.poll_step(cx, None)
        } else {
            this.agen.poll_advance(cx)
        };
        poll.map(Outcome::into_resume)
    }
}

impl<Y, F: Future, S, E> core::fmt::Debug for ANext<'_, Y, F, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ANext")
            .field("generator", &self.agen)
            .field("started", &self.started)
            .finish()
    }
}
