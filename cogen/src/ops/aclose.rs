use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::async_gen::AsyncClose;

/// Future for [`AsyncCloseExt::close_pipeline`](super::AsyncCloseExt::close_pipeline).
///
/// # Examples
///
/// ```
/// use cogen::ops::{AsyncCloseExt, StreamOpsExt};
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let g = cogen::async_generator(async |mut co| {
///     for i in 0.. {
///         co.yield_(i).await;
///     }
/// });
/// let mut pipeline = g.map_concurrent(2, |x| async move { x * 10 });
/// assert_eq!(pipeline.next().await, Some(0));
/// pipeline.close_pipeline().await; // closes the generator too
/// assert_eq!(pipeline.next().await, None);
/// # });
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ClosePipeline<'a, T: ?Sized> {
    target: &'a mut T,
}

impl<'a, T: ?Sized> ClosePipeline<'a, T> {
    pub(super) fn new(target: &'a mut T) -> Self {
        ClosePipeline { target }
    }
}

impl<T: AsyncClose + Unpin + ?Sized> Future for ClosePipeline<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut *self.target).poll_aclose(cx)
    }
}
