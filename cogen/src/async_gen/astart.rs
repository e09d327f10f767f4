use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::AsyncGen;
use crate::engine::{Action, GeneratorState, StartError};

/// Future returned by [`AsyncGen::astart`]: runs a fresh generator to its
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
pub struct AStart<'a, Y, F: Future, S, E> {
    agen: &'a mut AsyncGen<Y, F, S, E>,
    started: bool,
}

impl<'a, Y, F: Future, S, E> AStart<'a, Y, F, S, E> {
    pub(super) fn new(agen: &'a mut AsyncGen<Y, F, S, E>) -> Self {
        AStart {
            agen,
            started: false,
        }
    }
}

// The generator is driven through `&mut`, never pinned.
impl<Y, F: Future, S, E> Unpin for AStart<'_, Y, F, S, E> {}

impl<Y, F: Future, S, E> Future for AStart<'_, Y, F, S, E> {
    type Output = Result<GeneratorState<Y, F::Output>, StartError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = (!core::mem::replace(&mut this.started, true)).then_some(Action::Start);
        let poll = this.agen.poll_step(cx, action);
        poll.map(|outcome| outcome.into_start(this.agen.phase()))
    }
}

impl<Y, F: Future, S, E> core::fmt::Debug for AStart<'_, Y, F, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AStart")
            .field("generator", &self.agen)
            .field("started", &self.started)
            .finish()
    }
}
