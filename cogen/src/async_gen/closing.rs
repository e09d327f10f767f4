use core::future::Future;

use super::AsyncGen;
use crate::engine::CloseError;

/// Runs `body` with the generator, then closes it and awaits its cleanup
/// (Python's `async with contextlib.aclosing(g) as g:`).
///
/// Use it when the consumer may stop early (`break`, `?`, `take`): the
/// generator's async cleanup still runs, awaited, before this completes.
/// The close's own return value is dropped; call
/// [`aclose`](AsyncGen::aclose) directly to keep it.
///
/// `Drop` cannot await, so two exits still skip async cleanup (with a
/// `tracing` warning): a panic in `body`, and this future being dropped
/// before it completes (cancellation). For the second, see
/// `cogen::rt::Finalizer`.
///
/// # Errors
///
/// The error from closing: the generator ignored the close, or raised.
///
/// # Examples
///
/// ```
/// use cogen::protocol::async_generator_scoped;
/// use cogen::ops::closing;
/// use futures::StreamExt;
/// use std::cell::RefCell;
///
/// # futures::executor::block_on(async {
/// let log = RefCell::new(Vec::new());
/// let lines = async_generator_scoped(async |mut co| {
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
pub async fn closing<Y, F: Future, S, E, T>(
    mut agen: AsyncGen<Y, F, S, E>,
    body: impl AsyncFnOnce(&mut AsyncGen<Y, F, S, E>) -> T,
) -> Result<T, CloseError<Y, E>> {
    let out = body(&mut agen).await;
    agen.aclose().await?;
    Ok(out)
}
