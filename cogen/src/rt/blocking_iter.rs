use core::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt;
use tokio::runtime::{Handle, Runtime};

use crate::async_gen::AsyncClose;

/// Consumes an async generator (or any closable stream) from sync code, as an
/// [`Iterator`]: each `next` blocks the thread until the next item.
///
/// The stream runs on a current-thread tokio runtime of its own, so its
/// timers and I/O work. Dropping the iterator closes the stream and blocks
/// until its async cleanup has run, which no async consumer's `Drop` can do.
/// Wrap a plain stream with `cogen::ops::no_cleanup`.
///
/// Relative: [`futures::executor::block_on_stream`](https://docs.rs/futures/latest/futures/executor/fn.block_on_stream.html),
/// which has no timers and no close; [`blocking_iter_on`] uses an existing
/// runtime instead.
///
/// # Panics
///
/// When `next` is called (or the iterator dropped) inside an async context,
/// which blocking would stall: tokio's own panic says so.
///
/// # Examples
///
/// ```
/// use cogen::async_generator;
/// use std::time::Duration;
///
/// let ticks = async_generator(async |mut co| {
///     for i in 0..3 {
///         tokio::time::sleep(Duration::from_millis(1)).await;
///         co.yield_(i).await;
///     }
/// });
/// let got: Vec<i32> = cogen::rt::blocking_iter(ticks).collect();
/// assert_eq!(got, [0, 1, 2]);
/// ```
pub fn blocking_iter<St: Stream + AsyncClose>(stream: St) -> BlockingIter<St> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cogen: blocking_iter could not build a tokio runtime: {e}"));
    BlockingIter {
        stream: Box::pin(stream),
        driver: Driver::Own(runtime),
        done: false,
    }
}

/// As [`blocking_iter`], driving the stream with
/// [`Handle::block_on`] on an existing runtime: for a thread that belongs
/// to it, such as one started by [`to_thread`](crate::rt::to_thread).
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let handle = tokio::runtime::Handle::current();
/// let stream = cogen::ops::no_cleanup(futures::stream::iter([1, 2, 3]));
/// let sum = cogen::rt::to_thread(move || {
///     cogen::rt::blocking_iter_on(handle, stream).sum::<i32>()
/// })
/// .await;
/// assert_eq!(sum, 6);
/// # }
/// ```
pub fn blocking_iter_on<St: Stream + AsyncClose>(handle: Handle, stream: St) -> BlockingIter<St> {
    BlockingIter {
        stream: Box::pin(stream),
        driver: Driver::Handle(handle),
        done: false,
    }
}

/// An async stream consumed as a blocking [`Iterator`]; made by
/// [`blocking_iter`] and [`blocking_iter_on`].
///
/// # Examples
///
/// ```
/// let mut it = cogen::rt::blocking_iter(cogen::ops::no_cleanup(futures::stream::iter(0..2)));
/// assert_eq!(it.next(), Some(0));
/// ```
pub struct BlockingIter<St: Stream + AsyncClose> {
    stream: Pin<Box<St>>,
    driver: Driver,
    done: bool,
}

enum Driver {
    Own(Runtime),
    Handle(Handle),
}

impl Driver {
    fn block_on<F: core::future::Future>(&self, fut: F) -> F::Output {
        match self {
            Driver::Own(rt) => rt.block_on(fut),
            Driver::Handle(handle) => handle.block_on(fut),
        }
    }
}

impl<St: Stream + AsyncClose> BlockingIter<St> {
    /// Closes the stream now, blocking until its async cleanup has run
    /// (what dropping does too).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    ///
    /// let cleaned = Arc::new(AtomicBool::new(false));
    /// let flag = cleaned.clone();
    /// let g = cogen::catching::async_generator(async move |mut co| {
    ///     while co.yield_(1).catching().await.is_ok() {}
    ///     tokio::task::yield_now().await; // cleanup that awaits
    ///     flag.store(true, Ordering::SeqCst);
    /// });
    /// let mut it = cogen::rt::blocking_iter(g);
    /// assert_eq!(it.next(), Some(1));
    /// it.close();
    /// assert!(cleaned.load(Ordering::SeqCst));
    /// ```
    pub fn close(mut self) {
        self.close_now();
    }

    fn close_now(&mut self) {
        if !self.done {
            self.done = true;
            let mut stream = self.stream.as_mut();
            self.driver
                .block_on(core::future::poll_fn(|cx| stream.as_mut().poll_aclose(cx)));
        }
    }
}

impl<St: Stream + AsyncClose> Iterator for BlockingIter<St> {
    type Item = St::Item;

    fn next(&mut self) -> Option<St::Item> {
        if self.done {
            return None;
        }
        let item = self.driver.block_on(self.stream.next());
        self.done = item.is_none();
        item
    }
}

impl<St: Stream + AsyncClose> core::iter::FusedIterator for BlockingIter<St> {}

impl<St: Stream + AsyncClose> Drop for BlockingIter<St> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if std::thread::panicking()
            || (matches!(self.driver, Driver::Own(_)) && Handle::try_current().is_ok())
        {
            // Blocking here would panic again (or inside a runtime): leave
            // the stream to its own `Drop`.
            return;
        }
        self.close_now();
    }
}

impl<St: Stream + AsyncClose> core::fmt::Debug for BlockingIter<St> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BlockingIter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
