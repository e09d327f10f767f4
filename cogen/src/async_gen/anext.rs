use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::engine::{AsyncGenerator, GeneratorState, Nothing, Outcome, ResumeError};

/// Future returned by [`AsyncGen::anext`](crate::AsyncGen::anext) and [`AsyncGeneratorExt::anext`](crate::protocol::AsyncGeneratorExt::anext): resumes a generator that receives
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
pub struct ANext<'a, G: ?Sized> {
    agen: &'a mut G,
    started: bool,
}

impl<'a, G: ?Sized> ANext<'a, G> {
    pub(crate) fn new(agen: &'a mut G) -> Self {
        ANext {
            agen,
            started: false,
        }
    }
}

impl<G: AsyncGenerator + Unpin + ?Sized> Future for ANext<'_, G>
where
    G::Sent: Nothing,
{
    type Output = Result<GeneratorState<G::Yield, G::Return>, ResumeError<G::Error>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let agen = Pin::new(&mut *this.agen);
        let poll = if core::mem::replace(&mut this.started, true) {
            agen.poll_step(cx, None)
        } else {
            agen.poll_advance(cx)
        };
        poll.map(Outcome::into_resume)
    }
}

impl<G: ?Sized> core::fmt::Debug for ANext<'_, G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ANext")
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}
