use core::future::Future;

use super::AsyncGen;
use crate::engine::{CloseError, Handling};

/// Runs `body` with the generator, then closes it and awaits its cleanup
/// (Python's `async with contextlib.aclosing(g) as g:`).
///
/// Use it when the consumer may stop early (`break`, `?`, `take`): the
/// generator's async cleanup still runs, awaited, before this completes.
/// The close's own return value is dropped; call
/// [`aclose`](AsyncGen::aclose) directly to keep it.
///
/// `Drop` cannot await, so two exits do not await the cleanup here: a panic
/// in `body`, and this future being dropped before it completes
/// (cancellation). The generator is then dropped, and its own `Drop`
/// decides: `cogen::rt::run` can take over a cleanup that has to wait, and
/// otherwise it is skipped with a `tracing` warning (see [`AsyncGen`]'s
/// [Dropping](AsyncGen#dropping) for which).
///
/// # Errors
///
/// The error from closing: the generator ignored the close, or raised.
///
/// # Cancel safety
///
/// Not cancel safe: the future owns the generator, so dropping it before it
/// completes drops the generator, and `body`'s future with it (its result
/// is lost). Nothing can continue the close: its async cleanup is awaited
/// by `cogen::rt::run` only for a generator made by
/// [`async_generator`](crate::async_generator) or
/// [`async_coroutine`](crate::async_coroutine), dropped on the thread that
/// runs `run`'s main future while suspended or closing (not in the middle
/// of a cancelled step); otherwise it is skipped (its locals are dropped)
/// with a `tracing` warning. To bound the time, put the timeout inside
/// `body`, where the generator survives it.
///
/// # Examples
///
/// ```
/// use cogen::ops::closing;
/// use futures::StreamExt;
/// use std::cell::RefCell;
///
/// # futures::executor::block_on(async {
/// let log = RefCell::new(Vec::new());
/// let lines = cogen::catching::async_generator_scoped(async |mut co| {
///     for line in ["a", "b", "c"] {
///         if co.yield_(line).catching().await.is_err() {
///             break;
///         }
///     }
///     async { log.borrow_mut().push("flushed") }.await; // awaited cleanup
/// });
/// let first = closing(lines, async |lines| lines.next().await).await;
/// assert_eq!(first, Ok(Some("a")));
/// assert_eq!(*log.borrow(), ["flushed"]);
/// # });
/// ```
#[doc(alias = "aclosing")]
pub async fn closing<Y, F: Future, S, E, K: Handling, T>(
    mut agen: AsyncGen<Y, F, S, E, K>,
    body: impl AsyncFnOnce(&mut AsyncGen<Y, F, S, E, K>) -> T,
) -> Result<T, CloseError<Y, E>> {
    let out = body(&mut agen).await;
    agen.aclose().await?;
    Ok(out)
}
