use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::engine::{AsyncGenerator, CloseError, Outcome};

/// Future returned by [`AsyncGen::aclose`](crate::AsyncGen::aclose) and [`AsyncGeneratorExt::aclose`](crate::protocol::AsyncGeneratorExt::aclose): closes the generator, awaiting
/// its cleanup.
///
/// Runs nothing until first polled. Dropping it while the cleanup is awaiting
/// leaves the close in flight: a later `aclose` continues it.
///
/// # Examples
///
/// ```
/// use cogen::async_generator;
/// use cogen::protocol::Status;
///
/// # futures::executor::block_on(async {
/// let mut g = async_generator(async |mut co| co.yield_(1).await);
/// // Closing a fresh generator runs nothing and finishes it.
/// assert_eq!(g.aclose().await, Ok(None));
/// assert_eq!(g.status(), Status::Finished);
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AClose<'a, G: ?Sized> {
    agen: &'a mut G,
    started: bool,
}

impl<'a, G: ?Sized> AClose<'a, G> {
    pub(crate) fn new(agen: &'a mut G) -> Self {
        AClose {
            agen,
            started: false,
        }
    }
}

impl<G: AsyncGenerator + Unpin + ?Sized> Future for AClose<'_, G> {
    type Output = Result<Option<G::Return>, CloseError<G::Yield, G::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let agen = Pin::new(&mut *this.agen);
        let poll = if core::mem::replace(&mut this.started, true) {
            agen.poll_step(cx, None)
        } else {
            agen.poll_close(cx)
        };
        poll.map(Outcome::into_close)
    }
}

impl<G: ?Sized> core::fmt::Debug for AClose<'_, G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AClose")
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}
