use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::engine::{Action, AsyncGenerator, GeneratorState, StartError};

/// Future returned by [`AsyncGen::astart`](crate::AsyncGen::astart) and [`AsyncGeneratorExt::astart`](crate::protocol::AsyncGeneratorExt::astart): runs a fresh generator to its
/// first yield.
///
/// # Examples
///
/// ```
/// use cogen::{async_coroutine, Co, GeneratorState};
///
/// # futures::executor::block_on(async {
/// let mut g = async_coroutine(async |mut co: Co<'_, u8, u8>| co.yield_(1).await);
/// let start = g.astart(); // nothing runs yet
/// assert_eq!(start.await, Ok(GeneratorState::Yielded(1)));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AStart<'a, G: ?Sized> {
    agen: &'a mut G,
    started: bool,
}

impl<'a, G: ?Sized> AStart<'a, G> {
    pub(crate) fn new(agen: &'a mut G) -> Self {
        AStart {
            agen,
            started: false,
        }
    }
}

impl<G: AsyncGenerator + Unpin + ?Sized> Future for AStart<'_, G> {
    type Output = Result<GeneratorState<G::Yield, G::Return>, StartError<G::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = (!core::mem::replace(&mut this.started, true)).then_some(Action::Start);
        let poll = Pin::new(&mut *this.agen).poll_step(cx, action);
        poll.map(|outcome| outcome.into_start())
    }
}

impl<G: ?Sized> core::fmt::Debug for AStart<'_, G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AStart")
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}
