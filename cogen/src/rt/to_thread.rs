use super::debug::{self, DebugMode};

/// Runs the blocking or CPU-bound closure `f` on tokio's blocking thread pool
/// and awaits its value (asyncio's `to_thread(func)`), so the event loop
/// keeps running meanwhile.
///
/// Nothing starts until the future is first polled. As with a thread in
/// asyncio, dropping the future does not stop `f`: it runs to the end and
/// its value is dropped. A panic in `f` resumes in the awaiting task (as the
/// exception propagates in Python). The caller's debug mode and `tracing`
/// span go along to the thread (asyncio copies its context variables).
///
/// Relative: [`tokio::task::spawn_blocking`], which this calls.
///
/// # Panics
///
/// Outside a tokio runtime; and with `f`'s panic.
///
/// # Cancel safety
///
/// Not cancel safe: dropped before its first poll, it never starts `f`;
/// dropped after, it does not stop `f`, which runs to the end on the
/// blocking pool, and its value (or panic) is dropped there: nothing can
/// collect it. To keep the result across a cancellation, spawn `f` with
/// [`tokio::task::spawn_blocking`] and await (`&mut`) its `JoinHandle`,
/// which is cancel safe.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sum = cogen::rt::to_thread(|| (0..1_000_000u64).sum::<u64>()).await;
/// assert_eq!(sum, 499_999_500_000);
/// # }
/// ```
pub async fn to_thread<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(in_context(f)).await {
        Ok(value) => value,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("cogen: to_thread's closure did not run: {e}"),
        },
    }
}

/// Wraps `f` to run with the caller's debug mode and `tracing` span.
pub(crate) fn in_context<T>(f: impl FnOnce() -> T + Send) -> impl FnOnce() -> T + Send {
    let mode = DebugMode::current();
    let span = tracing::Span::current();
    move || {
        let previous = debug::set(mode);
        let out = span.in_scope(f);
        debug::set(previous);
        out
    }
}
