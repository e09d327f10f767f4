use core::future::Future;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::AsyncGen;
use crate::async_gen::async_generator;

/// An async generator of `(index, output)` pairs, in the order the futures
/// complete (asyncio's `as_completed`, which also tells you which one).
///
/// The futures run while the generator is being awaited: between two items
/// they wait, as a lazy generator does. Give it [`Task`](crate::rt::Task)s to
/// keep them running meanwhile. Combine with
/// [`wait_for`](crate::rt::wait_for) for asyncio's `timeout=`. Closing or
/// dropping the generator drops the futures not yet completed.
///
/// Relative: [`futures::stream::FuturesUnordered`](futures_util::stream::FuturesUnordered),
/// which this drives.
///
/// # Cancel safety
///
/// Its `next()` is cancel safe, as for any [`AsyncGen`]: an output is
/// yielded in the poll that sees its future complete, and a `next()`
/// dropped before that leaves the futures where they are (not polled until
/// the generator is), so the next `next()` goes on and no output is lost.
///
/// # Examples
///
/// ```
/// use cogen::rt::as_completed;
/// use futures::StreamExt;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let naps = [3, 1, 2].map(|s| async move {
///     tokio::time::sleep(Duration::from_secs(s)).await;
///     s
/// });
/// let order: Vec<_> = as_completed(naps).collect().await;
/// assert_eq!(order, [(1, 1), (2, 2), (0, 3)]);
/// # }
/// ```
#[track_caller]
pub fn as_completed<I>(
    futures: I,
) -> AsyncGen<(usize, <I::Item as Future>::Output), impl Future<Output = ()>>
where
    I: IntoIterator<Item: Future>,
{
    let mut pending: FuturesUnordered<_> = futures
        .into_iter()
        .enumerate()
        .map(|(index, fut)| async move { (index, fut.await) })
        .collect();
    async_generator(async move |mut co| {
        while let Some(done) = pending.next().await {
            co.yield_(done).await;
        }
    })
}
