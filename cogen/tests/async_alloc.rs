//! No heap allocation per item: one allocation per generator, none per yield,
//! send, or delegated item. Counted with a global allocator (this test binary
//! has only these tests, run on one thread each, so counts are per test).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use cogen::{Co, GeneratorState, async_coroutine, async_generator};
use futures::{Stream, stream};

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

/// Polls to completion on this thread with a no-op waker (the bodies below
/// never wait on anything external), so no executor allocates.
fn run<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
    run(std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)))
}

/// An await that is pending once, like a real I/O wait.
async fn pending_once() {
    let mut first = true;
    std::future::poll_fn(|_| {
        if std::mem::take(&mut first) {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await
}

#[test]
fn yielding_allocates_nothing_per_item() {
    let before = allocs();
    let mut g = async_generator(async |mut co| {
        for i in 0..1000u64 {
            pending_once().await;
            co.yield_(i).await;
        }
    });
    assert_eq!(allocs() - before, 1, "one allocation for the generator");
    let mut sum = 0;
    while let Some(x) = next(&mut g) {
        sum += x;
    }
    assert_eq!(sum, 499_500);
    assert_eq!(allocs() - before, 1, "none per item");
}

#[test]
fn asend_allocates_nothing_per_item() {
    let mut g = async_coroutine(async |mut co: Co<'_, u64, u64>| {
        let mut total = 0;
        loop {
            total += co.yield_(total).await;
        }
    });
    run(g.astart()).unwrap();
    let before = allocs();
    for i in 0..1000 {
        assert!(matches!(run(g.asend(i)), Ok(GeneratorState::Yielded(_))));
    }
    assert_eq!(allocs() - before, 0);
}

#[test]
fn delegation_allocates_nothing_per_item() {
    let mut g = async_generator(async |mut co| {
        let sub = async_generator(async |mut co| {
            for i in 0..500u64 {
                co.yield_(i).await;
            }
        });
        co.yield_from(sub).await;
        co.yield_from_stream(stream::iter(0..500u64)).await;
    });
    assert_eq!(next(&mut g), Some(0));
    let before = allocs();
    let mut n = 1;
    while next(&mut g).is_some() {
        n += 1;
    }
    assert_eq!(n, 1000);
    assert_eq!(allocs() - before, 0);
}
