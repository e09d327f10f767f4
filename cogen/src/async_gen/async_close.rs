use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::ops::DerefMut;

use super::AsyncGen;
use crate::engine::{Action, Handling, Phase};

/// Something that can be closed early with async cleanup: an async generator,
/// or a pipeline of them (Python's `aclose()`, which a chain of async
/// generators forwards upstream).
///
/// `futures` has no such capability: a [`Stream`](futures_core::Stream)
/// dropped early cannot await anything. Every cogen stream implements this
/// trait, and every `cogen::ops` operator, and the adapters of futures'
/// `StreamExt` (`map`, `filter`, `then`, `take`, `zip`, `buffered`,
/// `chunks`, `peekable`, ...; the list is in the [`ops`](crate::ops) module
/// docs), implement it when their upstream does, so closing the end of a
/// pipeline closes every generator in it and awaits each one's cleanup.
/// Wrap a stream with no cleanup in `cogen::ops::no_cleanup` to put it in a
/// pipeline that needs this trait.
///
/// Closing returns nothing: an error while closing (a generator that ignored
/// the close, or raised) is logged with `tracing` at warn level, naming where
/// the generator was made, which of the two happened, and the error's
/// `Debug`. Use [`AsyncGen::aclose`] to get it instead.
///
/// # Examples
///
/// ```
/// use cogen::ops::AsyncClose;
/// use std::cell::Cell;
///
/// # futures::executor::block_on(async {
/// let cleaned = Cell::new(false);
/// let mut g = cogen::catching::async_generator_scoped(async |mut co| {
///     let _ = co.yield_(1).catching().await;
///     async { cleaned.set(true) }.await; // cleanup that awaits
/// });
/// g.anext().await;
/// std::future::poll_fn(|cx| std::pin::Pin::new(&mut g).poll_aclose(cx)).await;
/// assert!(cleaned.get());
/// # });
/// ```
///
/// Through futures' adapters, with `AsyncCloseExt::close_pipeline`:
///
/// ```
/// use cogen::ops::AsyncCloseExt;
/// use futures::StreamExt;
/// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let cleanups = Arc::new(AtomicUsize::new(0));
/// let count = cleanups.clone();
/// let g = cogen::catching::async_generator(async move |mut co| {
///     let mut i = 0;
///     while co.yield_(i).catching().await.is_ok() {
///         i += 1;
///     }
///     tokio::time::sleep(std::time::Duration::from_secs(1)).await; // awaited cleanup
///     count.fetch_add(1, SeqCst);
/// });
/// let mut tens = g.map(|x| x * 5).filter(|x| std::future::ready(x % 10 == 0));
/// assert_eq!(tens.next().await, Some(0));
/// assert_eq!(tens.next().await, Some(10));
/// tens.close_pipeline().await;
/// assert_eq!(cleanups.load(SeqCst), 1);
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be closed with async cleanup",
    note = "wrap a plain stream in `cogen::ops::no_cleanup(..)`: closing it then just drops it",
    note = "closing reaches through futures' `StreamExt` adapters but not its `chain` (use `cogen::ops::chain`) nor tokio-stream's adapters (see `cogen::ops`)"
)]
pub trait AsyncClose {
    /// Drives the close; `Ready` once there is nothing left to close. Polling
    /// again after that returns `Ready` at once.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()>;

    /// Whether a close now would await cleanup. A finalizer spawns a close
    /// only for such streams; dropping the others loses nothing.
    fn closes_asynchronously(&self) -> bool;
}

impl<Y, F: Future, S, E, K: Handling> AsyncClose for AsyncGen<Y, F, S, E, K> {
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let action = match this.phase() {
            Phase::Finished => return Poll::Ready(()),
            // A cancelled close: continue its cleanup.
            Phase::Running { closing: true } => None,
            Phase::Running { closing: false } => {
                this.finish_now("it was closed in the middle of an await");
                return Poll::Ready(());
            }
            Phase::Created | Phase::Suspended(_) => Some(Action::Close),
        };
        let outcome = core::task::ready!(this.poll_step(cx, action));
        // `poll_aclose` has no result: report what it cannot hand back.
        this.origin.report_close(
            "async generator",
            "it was closed through AsyncClose (a pipeline's close_pipeline, a buffer, or a Finalizer)",
            &outcome,
        );
        // An ignored close leaves it suspended; closing is done all the same
        // (polling again is `Ready` at once), so its body is dropped now.
        this.core.finish();
        Poll::Ready(())
    }

    fn closes_asynchronously(&self) -> bool {
        AsyncGen::closes_asynchronously(self)
    }
}

impl<T: AsyncClose + Unpin + ?Sized> AsyncClose for &mut T {
    fn poll_aclose(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        T::poll_aclose(Pin::new(&mut **self), cx)
    }

    fn closes_asynchronously(&self) -> bool {
        T::closes_asynchronously(self)
    }
}

impl<T: AsyncClose + Unpin + ?Sized> AsyncClose for Box<T> {
    fn poll_aclose(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        T::poll_aclose(Pin::new(&mut **self), cx)
    }

    fn closes_asynchronously(&self) -> bool {
        T::closes_asynchronously(self)
    }
}

impl<P> AsyncClose for Pin<P>
where
    P: DerefMut<Target: AsyncClose> + Unpin,
{
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().as_mut().poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        (**self).closes_asynchronously()
    }
}
