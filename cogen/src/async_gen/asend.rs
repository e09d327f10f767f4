use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::engine::{Action, AsyncGenerator, GeneratorState, SendError};

/// Future returned by [`AsyncGen::asend`](crate::AsyncGen::asend) and [`AsyncGeneratorExt::asend`](crate::protocol::AsyncGeneratorExt::asend): resumes the generator with a value.
///
/// Runs nothing until first polled. Dropping it after a poll that returned
/// `Pending` leaves the step in flight (see
/// [Cancellation](crate::AsyncGen#cancellation)).
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
pub struct ASend<'a, G: AsyncGenerator + ?Sized> {
    agen: &'a mut G,
    value: Option<G::Sent>,
}

impl<'a, G: AsyncGenerator + ?Sized> ASend<'a, G> {
    pub(crate) fn new(agen: &'a mut G, value: G::Sent) -> Self {
        ASend {
            agen,
            value: Some(value),
        }
    }
}

// The value is moved out, never pinned.
impl<G: AsyncGenerator + ?Sized> Unpin for ASend<'_, G> {}

impl<G: AsyncGenerator + Unpin + ?Sized> Future for ASend<'_, G> {
    type Output = Result<GeneratorState<G::Yield, G::Return>, SendError<G::Sent, G::Error>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let action = this.value.take().map(Action::Send);
        let poll = Pin::new(&mut *this.agen).poll_step(cx, action);
        poll.map(|outcome| outcome.into_send())
    }
}

impl<G: AsyncGenerator + ?Sized> core::fmt::Debug for ASend<'_, G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ASend")
            .field("sent", &self.value.is_none())
            .finish_non_exhaustive()
    }
}
