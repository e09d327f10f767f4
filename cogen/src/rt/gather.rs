use core::fmt;
use core::future::Future;

use futures_util::future::{join_all, try_join_all};

/// Runs every future concurrently and collects their values in order, failing
/// fast (asyncio's `gather(*aws)`): the first error is returned, with the
/// index of the future that raised it.
///
/// Unlike asyncio, the other futures are then dropped (cancelled), as a Rust
/// future that is not polled does not run. To let them run on, give `gather`
/// [`Task`](crate::rt::Task)s (dropping a task detaches it), or use a
/// [`TaskGroup`](crate::rt::TaskGroup) to cancel and account for them.
/// The futures run in the caller's task, so they need not be `Send` or
/// `'static`.
///
/// Relative: [`futures::future::try_join_all`](futures_util::future::try_join_all),
/// which this wraps to report the index.
///
/// # Errors
///
/// The first error, as a [`GatherError`].
///
/// # Cancel safety
///
/// Not cancel safe: the futures run inside this one, so dropping it before
/// it completes drops every one of them, finished or not, and the values
/// already collected are lost; nothing continues them. Give it
/// [`Task`](crate::rt::Task)s to keep the work going: dropped, they detach
/// and run on, though their results are lost with them.
///
/// # Examples
///
/// ```
/// use cogen::rt::gather;
///
/// # futures::executor::block_on(async {
/// let ok = gather((1..=3).map(|i| async move { Ok::<_, String>(i * 10) })).await;
/// assert_eq!(ok, Ok(vec![10, 20, 30]));
///
/// let failed = gather((0..3).map(|i| async move {
///     if i == 1 { Err("boom") } else { Ok(i) }
/// }))
/// .await
/// .unwrap_err();
/// assert_eq!((failed.index, failed.error), (1, "boom"));
/// # });
/// ```
pub async fn gather<I, F, T, E>(futures: I) -> Result<Vec<T>, GatherError<E>>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>>,
{
    try_join_all(futures.into_iter().enumerate().map(|(index, fut)| async move {
        fut.await.map_err(|error| GatherError { index, error })
    }))
    .await
}

/// Runs every future concurrently and collects every outcome in order,
/// errors included (asyncio's `gather(*aws, return_exceptions=True)`).
///
/// Relative: [`futures::future::join_all`](futures_util::future::join_all),
/// which this is.
///
/// # Cancel safety
///
/// Not cancel safe, as [`gather`]: dropping it drops every future and the
/// outcomes already collected.
///
/// # Examples
///
/// ```
/// use cogen::rt::gather_all;
///
/// # futures::executor::block_on(async {
/// let all = gather_all((0..3).map(|i| async move {
///     if i == 1 { Err("boom") } else { Ok(i) }
/// }))
/// .await;
/// assert_eq!(all, [Ok(0), Err("boom"), Ok(2)]);
/// # });
/// ```
pub async fn gather_all<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator<Item: Future>,
{
    join_all(futures).await
}

/// The first error [`gather`] met, and which future raised it.
///
/// # Examples
///
/// ```
/// let e = cogen::rt::GatherError { index: 2, error: "timeout" };
/// assert_eq!(e.to_string(), "future 2 of a gather failed: timeout");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GatherError<E> {
    /// The position of the failed future in the input.
    pub index: usize,
    /// Its error.
    pub error: E,
}

impl<E: fmt::Display> fmt::Display for GatherError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "future {} of a gather failed: {}",
            self.index, self.error
        )
    }
}

impl<E: std::error::Error + 'static> std::error::Error for GatherError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
