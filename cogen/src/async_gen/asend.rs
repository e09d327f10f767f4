use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::AsyncGen;
use crate::engine::{Action, GeneratorState, SendError};

/// Future returned by [`AsyncGen::asend`]: resumes the generator with a value.
///
/// Runs nothing until first polled. Dropping it after a poll that returned
/// `Pending` leaves the step in flight (see
/// [Cancellation](AsyncGen#cancellation)).
///
/// # Examples
///
/// ```
/// use cogen::{async_coroutine, Co, GeneratorState};
///
/// # futures::executor::block_on(async {
/// let mut g = async_coroutine(async |mut co: Co<'_, String, &str>| loop {
///     let name = co.yield_(String::new()).await;
///     co.yield_(format!("hello, {name}")).await;
/// });
/// g.astart().await.unwrap();
/// let greeting = g.asend("ada"); // nothing runs yet
/// assert_eq!(greeting.await, Ok(GeneratorState::Yielded("hello, ada".to_string())));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ASend<'a, Y, F: Future, S, E> {
    agen: &'a mut AsyncGen<Y, F, S, E>,
    value: Option<S>,
}

impl<'a, Y, F: Future, S, E> ASend<'a, Y, F, S, E> {
    pub(super) fn new(agen: &'a mut AsyncGen<Y, F, S, E>, value: S) -> Self {
        ASend {
            agen,
            value: Some(value),
        }
    }
}

// The generator is driven through `&mut`, never pinned.
impl<Y, F: Future, S, E> Unpin for ASend<'_, Y, F, S, E> {}

impl<Y, F: Future, S, E> Future for ASend<'_, Y, F, S, E> {
    type Output = Result<GeneratorState<Y, F::Output>, SendError<S, E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = this.value.take().map(Action::Send);
        let poll = this.agen.poll_step(cx, action);
        poll.map(|outcome| outcome.into_send(this.agen.phase()))
    }
}

impl<Y, F: Future, S, E> core::fmt::Debug for ASend<'_, Y, F, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ASend")
            .field("generator", &self.agen)
            .field("sent", &self.value.is_none())
            .finish()
    }
}
