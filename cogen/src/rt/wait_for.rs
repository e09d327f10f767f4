use core::future::Future;
use std::time::Duration;

use tokio::time::error::Elapsed;

/// Awaits `fut` for at most `timeout` (asyncio's `wait_for(aw, timeout)`):
/// past it, `fut` is dropped (cancelled) and [`Elapsed`] returned, as
/// asyncio cancels the awaitable and raises `TimeoutError`.
///
/// Relative: [`tokio::time::timeout`], which this is; the name is asyncio's.
/// Cancelling a cogen async generator's step this way loses nothing: see
/// [Cancellation](crate::AsyncGen#cancellation).
///
/// # Errors
///
/// [`Elapsed`] when the time ran out first.
///
/// # Cancel safety
///
/// Exactly as cancel safe as `fut`: dropping it drops `fut` where it
/// stands, as running out of time does. A cogen generator's operation
/// (`next`, `anext`, `aclose`, ...) loses nothing that way; a future that
/// owns its work (a [`gather`](crate::rt::gather), a
/// [`Queue::put`](crate::rt::Queue::put)) loses it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let slow = tokio::time::sleep(Duration::from_secs(10));
/// assert!(cogen::rt::wait_for(slow, Duration::from_secs(1)).await.is_err());
/// assert_eq!(cogen::rt::wait_for(async { 5 }, Duration::from_secs(1)).await, Ok(5));
/// # }
/// ```
pub async fn wait_for<F: Future>(fut: F, timeout: Duration) -> Result<F::Output, Elapsed> {
    tokio::time::timeout(timeout, fut).await
}
