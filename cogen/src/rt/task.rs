use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use tokio::task::{AbortHandle, JoinError, JoinHandle};

use super::debug::Watched;

/// Spawns `fut` as a task named `name` (asyncio's `create_task(coro,
/// name=...)`); debug mode reports its slow polls by that name.
///
/// Relative: [`tokio::spawn`], which this calls; tokio's own task names need
/// `tokio_unstable`.
///
/// # Panics
///
/// Outside a tokio runtime, as [`tokio::spawn`].
///
/// # Cancel safety
///
/// Awaiting the returned [`Task`] is cancel safe, as awaiting a tokio
/// `JoinHandle` is: the task runs on its own, so an await of `&mut task`
/// dropped before it completes (in `select!`, under a timeout) loses
/// nothing, and the next await gets the result. Dropping the `Task` itself
/// detaches the task: it keeps running, and its result is dropped when it
/// ends.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let task = cogen::rt::spawn("answer", async { 42 });
/// assert_eq!(task.name(), "answer");
/// assert_eq!(task.await.unwrap(), 42);
/// # }
/// ```
#[track_caller]
pub fn spawn<F>(name: impl Into<Arc<str>>, fut: F) -> Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let name = name.into();
    Task {
        handle: tokio::spawn(Watched::new(name.clone(), fut)),
        name,
    }
}

/// A named task (asyncio's `Task`): await it for its result.
///
/// Dropping it detaches the task, which keeps running (as a dropped asyncio
/// `Task` does); [`cancel`](Task::cancel) stops it. Awaiting a cancelled or
/// panicked task gives the [`JoinError`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let task = cogen::rt::spawn("forever", std::future::pending::<()>());
/// task.cancel();
/// assert!(task.await.unwrap_err().is_cancelled());
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping a task detaches it; await it for its result"]
pub struct Task<T> {
    handle: JoinHandle<T>,
    name: Arc<str>,
}

impl<T> Task<T> {
    /// The name given to [`spawn`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// assert_eq!(cogen::rt::spawn("t1", async {}).name(), "t1");
    /// # }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Cancels the task (asyncio's `Task.cancel()`): it is dropped at its
    /// next await; awaiting the `Task` then gives a cancelled [`JoinError`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let t = cogen::rt::spawn("t", std::future::pending::<()>());
    /// t.cancel();
    /// assert!(t.await.unwrap_err().is_cancelled());
    /// # }
    /// ```
    pub fn cancel(&self) {
        self.handle.abort();
    }

    /// Whether the task has finished (asyncio's `Task.done()`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let t = cogen::rt::spawn("t", async {});
    /// tokio::task::yield_now().await;
    /// assert!(t.is_finished());
    /// # }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// A handle that cancels the task from elsewhere.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let t = cogen::rt::spawn("t", std::future::pending::<()>());
    /// let abort = t.abort_handle();
    /// abort.abort();
    /// assert!(t.await.unwrap_err().is_cancelled());
    /// # }
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.handle.abort_handle()
    }

    /// The tokio handle underneath.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle: tokio::task::JoinHandle<u8> = cogen::rt::spawn("t", async { 1 }).into_join_handle();
    /// assert_eq!(handle.await.unwrap(), 1);
    /// # }
    /// ```
    pub fn into_join_handle(self) -> JoinHandle<T> {
        self.handle
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.handle).poll(cx)
    }
}
