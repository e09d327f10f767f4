use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::AsyncGen;
use crate::engine::{Action, CloseError, Outcome, Phase};

/// Future returned by [`AsyncGen::aclose`]: closes the generator, awaiting
/// its cleanup.
///
/// Runs nothing until first polled. Dropping it while the cleanup is awaiting
/// leaves the close in flight: a later `aclose` continues it.
///
/// # Examples
///
/// ```
/// use cogen::{async_generator, State};
///
/// # futures::executor::block_on(async {
/// let mut g = async_generator(async |mut co| co.yield_(1).await);
/// // Closing a fresh generator runs nothing and finishes it.
/// assert_eq!(g.aclose().await, Ok(None));
/// assert_eq!(g.state(), State::Finished);
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AClose<'a, Y, F: Future, S, E> {
    agen: &'a mut AsyncGen<Y, F, S, E>,
    started: bool,
}

impl<'a, Y, F: Future, S, E> AClose<'a, Y, F, S, E> {
    pub(super) fn new(agen: &'a mut AsyncGen<Y, F, S, E>) -> Self {
        AClose {
            agen,
            started: false,
        }
    }
}

// The generator is driven through `&mut`, never pinned.
impl<Y, F: Future, S, E> Unpin for AClose<'_, Y, F, S, E> {}

impl<Y, F: Future, S, E> Future for AClose<'_, Y, F, S, E> {
    type Output = Result<Option<F::Output>, CloseError<Y, E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = if core::mem::replace(&mut this.started, true) {
            None
        } else {
            match this.agen.phase() {
                // A cancelled `aclose`: continue its cleanup.
                Phase::Running { closing: true } => None,
                // A cancelled step is mid-await: there is no yield point to
                // deliver the close at, and waiting for one could take forever.
                Phase::Running { closing: false } => {
                    this.agen
                        .finish_now("aclose() found its body in the middle of an await");
                    return Poll::Ready(Ok(None));
                }
                _ => Some(Action::Close),
            }
        };
        this.agen.poll_step(cx, action).map(Outcome::into_close)
    }
}

impl<Y, F: Future, S, E> core::fmt::Debug for AClose<'_, Y, F, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AClose")
            .field("generator", &self.agen)
            .field("started", &self.started)
            .finish()
    }
}
