use core::any::Any;
use core::future::Future;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::sync::{Arc, Mutex, PoisonError};

use futures_core::{FusedStream, Stream};
use futures_util::FutureExt;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::task_group::Tracked;
use crate::async_gen::AsyncClose;

/// Runs the async cleanup of dropped, unfinished async generators as tasks on
/// a tokio runtime: asyncio's async-generator finalizer hook, and its
/// `loop.shutdown_asyncgens()` as [`shutdown_asyncgens`](Finalizer::shutdown_asyncgens).
///
/// Python can hook every generator globally because any object can be moved to
/// the event loop; in Rust only a `Send + 'static` generator can be handed to
/// [`tokio::spawn`], so generators opt in with [`attach`](Finalizer::attach).
/// When a [`Finalized`] generator is dropped while suspended where it handles
/// a close (or in the middle of a cancelled `aclose`), a task on the runtime
/// closes it and awaits its cleanup, as
/// [`close_pipeline`](crate::ops::AsyncCloseExt::close_pipeline) does. A
/// close that ends in an error is logged with `tracing`.
///
/// Cloning is cheap; clones share the list of pending finalizations.
///
/// # Examples
///
/// ```
/// use cogen::{async_generator, rt::Finalizer};
/// use futures::StreamExt;
/// use std::sync::{Arc, Mutex};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let finalizer = Finalizer::new();
/// let log = Arc::new(Mutex::new(Vec::new()));
/// let seen = log.clone();
/// let mut g = finalizer.attach(cogen::catching::async_generator(async move |mut co| {
///     while co.yield_(1).catching().await.is_ok() {}
///     tokio::task::yield_now().await; // cleanup that awaits
///     seen.lock().unwrap().push("cleaned up");
/// }));
/// g.next().await;
/// drop(g); // too early: the finalizer takes over the cleanup
/// finalizer.shutdown_asyncgens().await;
/// assert_eq!(*log.lock().unwrap(), ["cleaned up"]);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Finalizer {
    handle: Handle,
    pending: Arc<Mutex<Pending>>,
}

/// The finalizations [`Finalizer::shutdown_asyncgens`] has yet to account
/// for: the tasks (finished ones reaped in batches as more are tracked), and
/// the panics of reaped ones, which it resumes.
#[derive(Debug, Default)]
struct Pending {
    tasks: Tracked<JoinHandle<()>>,
    panics: Vec<Box<dyn Any + Send>>,
}

impl Pending {
    /// Drops finished tasks, keeping their panics.
    fn reaped(panics: &mut Vec<Box<dyn Any + Send>>) -> impl FnMut(JoinHandle<()>) + '_ {
        |done| {
            // Finished, so its result is there to take without waiting (and
            // without spending the caller's task budget).
            if let Some(Err(e)) = tokio::task::unconstrained(done).now_or_never() {
                if e.is_panic() {
                    panics.push(e.into_panic());
                }
            }
        }
    }
}

impl Finalizer {
    /// A finalizer for the tokio runtime this is called from.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime; use [`Finalizer::with_handle`] with a [`Handle`] there.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let finalizer = cogen::rt::Finalizer::new();
    /// assert_eq!(finalizer.pending(), 0);
    /// # }
    /// ```
    #[track_caller]
    #[allow(clippy::new_without_default)] // `Default` should not panic
    pub fn new() -> Self {
        match Handle::try_current() {
            Ok(handle) => Self::with_handle(handle),
            Err(_) => panic!(
                "cogen: Finalizer::new() must be called from inside a tokio runtime; \
                 use Finalizer::with_handle(handle) elsewhere"
            ),
        }
    }

    /// A finalizer that spawns on the runtime behind `handle`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let finalizer = cogen::rt::Finalizer::with_handle(rt.handle().clone());
    /// assert_eq!(finalizer.pending(), 0);
    /// ```
    pub fn with_handle(handle: Handle) -> Self {
        Finalizer {
            handle,
            pending: Arc::default(),
        }
    }

    /// Wraps `agen` (an async generator, or a pipeline of them) so that
    /// dropping it unfinished hands its async cleanup to this finalizer. The
    /// wrapper dereferences to what it wraps and is a [`Stream`] when that is.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{async_generator, rt::Finalizer};
    /// use futures::StreamExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let finalizer = Finalizer::new();
    /// let mut g = finalizer.attach(async_generator(async |mut co| co.yield_(5).await));
    /// assert_eq!(g.next().await, Some(5));
    /// assert_eq!(g.status(), cogen::protocol::Status::Suspended); // through Deref
    /// # }
    /// ```
    pub fn attach<T>(&self, agen: T) -> Finalized<T>
    where
        T: AsyncClose + Send + 'static,
    {
        Finalized {
            agen: Some(agen),
            finalizer: self.clone(),
            finalize: finalize::<T>,
        }
    }

    /// The finalizer of the [`run`](crate::rt::run) this thread belongs to;
    /// `None` outside one. Generators attached to it are closed before the
    /// run returns.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(cogen::rt::Finalizer::current().is_none());
    /// cogen::rt::run(async {
    ///     assert!(cogen::rt::Finalizer::current().is_some());
    /// });
    /// ```
    pub fn current() -> Option<Finalizer> {
        super::run::current_finalizer()
    }

    /// Adds a task that runs some async cleanup to what
    /// [`shutdown_asyncgens`](Finalizer::shutdown_asyncgens) waits for.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn track(&self, task: JoinHandle<()>) {
        let Pending { tasks, panics } = &mut *self.lock();
        tasks.push(task, Pending::reaped(panics));
    }

    /// How many finalizations [`shutdown_asyncgens`](Finalizer::shutdown_asyncgens)
    /// has yet to account for: those still running, and those that panicked
    /// (whose panic it resumes).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// assert_eq!(cogen::rt::Finalizer::new().pending(), 0);
    /// # }
    /// ```
    pub fn pending(&self) -> usize {
        let Pending { tasks, panics } = &mut *self.lock();
        tasks.reap(Pending::reaped(panics));
        tasks.len() + panics.len()
    }

    /// Waits for every finalization spawned so far, and for any they cause
    /// (asyncio's `loop.shutdown_asyncgens()`). Call it before the runtime
    /// shuts down: tasks still pending then are dropped, their cleanup
    /// skipped (and logged).
    ///
    /// # Panics
    ///
    /// With the panic of a finalization that panicked (one per call, the
    /// earliest first); the others stay pending for the next call.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a finalization is forgotten only once it has finished,
    /// so dropping the future loses none. The cleanups run on as tasks, and
    /// the next call waits for those still pending and resumes any panic.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let finalizer = cogen::rt::Finalizer::new();
    /// finalizer.shutdown_asyncgens().await; // nothing pending: returns at once
    /// # }
    /// ```
    pub async fn shutdown_asyncgens(&self) {
        core::future::poll_fn(|cx| {
            let mut pending = self.lock();
            loop {
                // Panics found while reaping first (they happened first).
                // What is still tracked stays so, for the next call.
                if !pending.panics.is_empty() {
                    let panic = pending.panics.remove(0);
                    drop(pending);
                    std::panic::resume_unwind(panic);
                }
                // Each task is awaited where it is tracked, so a cancelled
                // wait loses none.
                let Some(task) = pending.tasks.last_mut() else {
                    return Poll::Ready(());
                };
                let done = ready!(Pin::new(task).poll(cx));
                pending.tasks.pop();
                if let Err(e) = done {
                    if e.is_panic() {
                        drop(pending);
                        std::panic::resume_unwind(e.into_panic());
                    }
                }
            }
        })
        .await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn spawn(&self, cleanup: impl Future<Output = ()> + Send + 'static) {
        self.track(self.handle.spawn(cleanup));
    }
}

/// Spawns a close on the finalizer's runtime. A plain function so that
/// `Finalized`'s `Drop` (which cannot carry `Send + 'static` bounds) can call
/// it through a pointer made where the bounds hold.
fn finalize<T: AsyncClose + Send + 'static>(finalizer: &Finalizer, agen: T) {
    if !agen.closes_asynchronously() {
        return; // Its own `Drop` does all there is to do.
    }
    let mut agen = Box::pin(agen);
    finalizer.spawn(async move { core::future::poll_fn(|cx| agen.as_mut().poll_aclose(cx)).await });
}

/// An async generator whose async cleanup a [`Finalizer`] runs if it is
/// dropped unfinished. Made by [`Finalizer::attach`]; dereferences to the
/// [`AsyncGen`](crate::AsyncGen) or pipeline.
///
/// # Examples
///
/// ```
/// use cogen::{async_generator, rt::Finalizer};
/// use futures::StreamExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let finalizer = Finalizer::new();
/// let g = finalizer.attach(async_generator(async |mut co| {
///     co.yield_(1).await;
///     co.yield_(2).await;
/// }));
/// assert_eq!(g.collect::<Vec<_>>().await, [1, 2]);
/// # }
/// ```
#[must_use = "async generators are lazy and do nothing unless resumed"]
pub struct Finalized<T> {
    agen: Option<T>,
    finalizer: Finalizer,
    finalize: fn(&Finalizer, T),
}

impl<T> Finalized<T> {
    /// Detaches the generator from its finalizer.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let f = cogen::rt::Finalizer::new();
    /// let g = f.attach(cogen::async_generator(async |mut co| co.yield_(1).await));
    /// let g: cogen::AsyncGen<_, _> = g.into_inner();
    /// # drop(g);
    /// # }
    /// ```
    pub fn into_inner(mut self) -> T {
        self.agen.take().expect("generator is present until drop")
    }
}

impl<T> Deref for Finalized<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.agen.as_ref().expect("generator is present until drop")
    }
}

impl<T> DerefMut for Finalized<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.agen.as_mut().expect("generator is present until drop")
    }
}

impl<T: Stream + Unpin> Stream for Finalized<T> {
    type Item = T::Item;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T::Item>> {
        Pin::new(&mut **self.get_mut()).poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (**self).size_hint()
    }
}

impl<T: FusedStream + Unpin> FusedStream for Finalized<T> {
    fn is_terminated(&self) -> bool {
        (**self).is_terminated()
    }
}

impl<T: AsyncClose + Unpin> AsyncClose for Finalized<T> {
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut **self.get_mut()).poll_aclose(cx)
    }

    fn closes_asynchronously(&self) -> bool {
        (**self).closes_asynchronously()
    }
}

impl<T> Drop for Finalized<T> {
    fn drop(&mut self) {
        if let Some(agen) = self.agen.take() {
            (self.finalize)(&self.finalizer, agen);
        }
    }
}

impl<T: core::fmt::Debug> core::fmt::Debug for Finalized<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Finalized")
            .field("generator", &self.agen)
            .finish_non_exhaustive()
    }
}
