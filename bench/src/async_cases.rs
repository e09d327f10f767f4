//! Async-generator cases: the same workload (yield `0..n`, sum), as streams.
//!
//! Streams that never wait are polled in a loop with a no-op waker, so no
//! executor cost is counted; the tokio mpsc cases need a runtime (a
//! current-thread one, created once per run; the slope method of
//! `callgrind.sh` removes that fixed cost).

use std::convert::Infallible;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use futures::Stream;

use crate::{Case, consume};

/// Every async-generator case, in report order.
pub const ASYNC_CASES: &[Case] = &[
    ("hand_stream", hand_stream),
    ("async_stream", async_stream),
    ("async_fn_stream", async_fn_stream),
    ("futures_unfold", futures_unfold),
    ("tokio_mpsc_16", tokio_mpsc_16),
    ("tokio_mpsc_128", tokio_mpsc_128),
    ("cogen_async_plain", cogen_async_plain),
    ("cogen_async_asend", cogen_async_asend),
    ("cogen_catching_async_plain", cogen_catching_async_plain),
];

/// Polls a future that never waits on anything external to completion.
#[inline(always)]
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Sums a stream that never waits on anything external.
#[inline(always)]
pub(crate) fn sum_stream(s: impl Stream<Item = u64>) -> u64 {
    let mut s = pin!(s);
    let mut cx = Context::from_waker(Waker::noop());
    let mut sum = 0u64;
    loop {
        match s.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(x)) => {
                consume(x);
                sum = sum.wrapping_add(x);
            }
            Poll::Ready(None) => return sum,
            Poll::Pending => {}
        }
    }
}

/// The limit: a hand-written `Stream::poll_next`.
pub fn hand_stream(n: u64) -> u64 {
    struct Counter {
        i: u64,
        n: u64,
    }
    impl Stream for Counter {
        type Item = u64;
        #[inline]
        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u64>> {
            Poll::Ready((self.i < self.n).then(|| {
                self.i += 1;
                self.i - 1
            }))
        }
    }
    sum_stream(Counter { i: 0, n })
}

/// async-stream 0.3: `stream! { yield i }`.
pub fn async_stream(n: u64) -> u64 {
    sum_stream(async_stream::stream! {
        for i in 0..n {
            yield i;
        }
    })
}

/// async-fn-stream 0.3: `fn_stream` with an emitter (no macro).
pub fn async_fn_stream(n: u64) -> u64 {
    sum_stream(async_fn_stream::fn_stream(move |emitter| async move {
        for i in 0..n {
            emitter.emit(i).await;
        }
    }))
}

/// `futures::stream::unfold`.
pub fn futures_unfold(n: u64) -> u64 {
    sum_stream(futures::stream::unfold(0u64, move |i| async move {
        (i < n).then_some((i, i + 1))
    }))
}

fn tokio_mpsc(n: u64, capacity: usize) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel(capacity);
        tokio::spawn(async move {
            for i in 0..n {
                if tx.send(i).await.is_err() {
                    break;
                }
            }
        });
        let mut sum = 0u64;
        while let Some(x) = rx.recv().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// A tokio producer task sending through `mpsc::channel(16)` to a consumer.
pub fn tokio_mpsc_16(n: u64) -> u64 {
    tokio_mpsc(n, 16)
}

/// A tokio producer task sending through `mpsc::channel(128)` to a consumer.
pub fn tokio_mpsc_128(n: u64) -> u64 {
    tokio_mpsc(n, 128)
}

/// cogen: a plain async generator, as a `Stream`.
pub fn cogen_async_plain(n: u64) -> u64 {
    sum_stream(cogen::async_generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

/// cogen: the same body made by `cogen::catching` (its `Drop` may poll it).
pub fn cogen_catching_async_plain(n: u64) -> u64 {
    sum_stream(cogen::catching::async_generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

/// cogen: an async coroutine, a value sent back each step with `asend`.
pub fn cogen_async_asend(n: u64) -> u64 {
    let mut g = cogen::async_coroutine(async move |mut co: cogen::Co<'_, u64, u64, Infallible>| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(co.yield_(i).await);
        }
        acc
    });
    let mut sum = 0u64;
    let mut state = run(g.astart()).ok();
    while let Some(cogen::GeneratorState::Yielded(x)) = state {
        consume(x);
        sum = sum.wrapping_add(x);
        state = run(g.asend(x)).ok();
    }
    sum
}
