use core::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{Task, spawn};

/// Bounds how many futures run at once (asyncio's `Semaphore(n)` used as
/// `async with sem: ...`).
///
/// Clones share the bound. For a stream of work, see
/// `cogen::ops::StreamOpsExt::map_concurrent`.
///
/// Relative: [`tokio::sync::Semaphore`], which this wraps so that the permit
/// is held exactly while the future runs.
///
/// # Examples
///
/// ```
/// use cogen::rt::{gather_all, Limiter};
/// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let limit = Limiter::new(2);
/// let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
/// gather_all((0..6).map(|_| limit.run(async {
///     peak.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
///     tokio::time::sleep(Duration::from_secs(1)).await;
///     running.fetch_sub(1, SeqCst);
/// })))
/// .await;
/// assert_eq!(peak.load(SeqCst), 2);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Limiter {
    permits: Arc<Semaphore>,
    limit: usize,
}

impl Limiter {
    /// At most `limit` futures at once.
    ///
    /// # Panics
    ///
    /// If `limit` is zero (nothing could ever run), or larger than
    /// [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::Limiter::new(3).limit(), 3);
    /// ```
    pub fn new(limit: usize) -> Self {
        assert!(limit > 0, "cogen: a Limiter needs a limit of at least 1");
        Limiter {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }

    /// The bound.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::Limiter::new(1).limit(), 1);
    /// ```
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many more futures could start now.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::Limiter::new(4).available(), 4);
    /// ```
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// Waits for a free slot, then runs `fut` holding it.
    ///
    /// # Cancel safety
    ///
    /// As cancel safe as `fut`, and no more. Dropped while it waits for a
    /// slot, it drops `fut` unstarted and gives up its place in line (the
    /// semaphore is fair: waiting again starts at the back). Dropped while
    /// `fut` runs, it drops `fut` where it stands and frees the slot.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let limit = cogen::rt::Limiter::new(1);
    /// assert_eq!(limit.run(async { 5 }).await, 5);
    /// # }
    /// ```
    pub async fn run<F: Future>(&self, fut: F) -> F::Output {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("cogen: a Limiter's semaphore is never closed");
        fut.await
    }

    /// Spawns `fut` as a named task that first waits for a free slot.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    ///
    /// # Cancel safety
    ///
    /// As [`spawn`](crate::rt::spawn): awaiting the [`Task`] is cancel safe,
    /// and dropping it detaches the task, which still waits for its slot and
    /// runs.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let limit = cogen::rt::Limiter::new(1);
    /// let task = limit.spawn("job", async { 5 });
    /// assert_eq!(task.await.unwrap(), 5);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, name: impl Into<Arc<str>>, fut: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let this = self.clone();
        spawn(name, async move { this.run(fut).await })
    }
}
