//! Pipeline operators: buffer (with its overflow policies), merge, batch,
//! space_out, item_timeout, and closing a whole pipeline, across buffer's
//! task boundary too.
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use cogen::async_generator;
use cogen::catching;
use cogen::ops::AsyncClose;
use cogen::ops::{AsyncCloseExt, StreamOpsExt, merge, no_cleanup};
use cogen::rt::Finalizer;
use cogen::rt::{Overflow, RuntimeOpsExt, TimedOut};
use common::Events;
use futures::StreamExt;
use tokio::time::{Instant, sleep};

/// A generator counting up from 0, logging when its awaited cleanup runs.
fn counter(events: &Events, name: &'static str) -> cogen::ops::BoxGen<'static, u64> {
    let e = events.clone();
    catching::async_generator(async move |mut co| {
        let mut i = 0;
        while co.yield_(i).catching().await.is_ok() {
            i += 1;
        }
        sleep(Duration::from_millis(1)).await;
        e.push(format!("{name} cleaned up"));
    })
    .boxed_gen()
}

#[tokio::test(start_paused = true)]
async fn buffer_wait_delivers_every_item_in_order() {
    let g = async_generator(async |mut co| {
        for i in 0..1000 {
            co.yield_(i).await;
        }
    });
    let got: Vec<_> = g.buffer(7, Overflow::Wait).collect().await;
    assert_eq!(got, (0..1000).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn buffer_runs_the_upstream_ahead_by_at_most_its_capacity() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let p = pulled.clone();
    let g = async_generator(async move |mut co| {
        for i in 0..100 {
            p.fetch_add(1, SeqCst);
            co.yield_(i).await;
        }
    });
    let mut b = g.buffer(5, Overflow::Wait);
    assert_eq!(pulled.load(SeqCst), 0, "lazy until polled");
    assert_eq!(b.next().await, Some(0));
    sleep(Duration::from_secs(1)).await; // the task runs ahead meanwhile
    // One delivered, five buffered, one more pulled and waiting for room.
    assert_eq!(pulled.load(SeqCst), 7);
    assert_eq!(b.len(), 5);
    assert_eq!(b.count().await, 99);
}

#[tokio::test(start_paused = true)]
async fn buffer_overlaps_a_slow_producer_with_a_slow_consumer() {
    let g = async_generator(async |mut co| {
        for i in 0..10 {
            sleep(Duration::from_secs(1)).await;
            co.yield_(i).await;
        }
    });
    let t0 = Instant::now();
    let mut b = g.buffer(10, Overflow::Wait);
    while b.next().await.is_some() {
        sleep(Duration::from_secs(1)).await;
    }
    // Unbuffered it would take 20 s.
    assert_eq!(t0.elapsed(), Duration::from_secs(11));
}

#[tokio::test(start_paused = true)]
async fn buffer_drop_oldest_keeps_the_newest_and_counts_what_it_dropped() {
    let g = async_generator(async |mut co| {
        for i in 0..10 {
            co.yield_(i).await;
        }
    });
    let mut b = g.buffer(3, Overflow::DropOldest);
    let got: Vec<_> = b.by_ref().collect().await;
    assert_eq!(got, [7, 8, 9]);
    assert_eq!(b.dropped(), 7);
    assert_eq!(got.len() as u64 + b.dropped(), 10);
}

#[tokio::test(start_paused = true)]
async fn buffer_drop_newest_keeps_the_oldest_and_counts_what_it_dropped() {
    let g = async_generator(async |mut co| {
        for i in 0..10 {
            co.yield_(i).await;
        }
    });
    let mut b = g.buffer(3, Overflow::DropNewest);
    let got: Vec<_> = b.by_ref().collect().await;
    assert_eq!(got, [0, 1, 2]);
    assert_eq!(b.dropped(), 7);
}

#[tokio::test(start_paused = true)]
async fn closing_a_buffer_closes_its_upstream_in_the_task_and_waits_for_the_cleanup() {
    let events = Events::new();
    let mut b = counter(&events, "source").buffer(4, Overflow::Wait);
    assert_eq!(b.next().await, Some(0));
    assert!(b.closes_asynchronously());
    b.close_pipeline().await;
    assert_eq!(events.get(), ["source cleaned up"]);
    assert_eq!(b.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_buffer_closes_its_upstream_in_the_background() {
    let events = Events::new();
    let mut b = counter(&events, "source").buffer(4, Overflow::Wait);
    assert_eq!(b.next().await, Some(0));
    drop(b);
    sleep(Duration::from_millis(10)).await;
    assert_eq!(events.get(), ["source cleaned up"]);
}

#[tokio::test(start_paused = true)]
async fn a_buffer_closed_before_its_first_poll_runs_nothing() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let p = pulled.clone();
    let g = async_generator(async move |mut co| {
        p.fetch_add(1, SeqCst);
        co.yield_(1).await;
    });
    let mut b = g.buffer(1, Overflow::Wait);
    assert!(!b.closes_asynchronously());
    b.close_pipeline().await;
    assert_eq!(pulled.load(SeqCst), 0);
}

#[tokio::test(start_paused = true)]
#[should_panic(expected = "source failed")]
async fn a_panic_upstream_of_a_buffer_resumes_in_the_consumer() {
    let g = async_generator(async |mut co| {
        co.yield_(1).await;
        panic!("source failed");
    });
    let got: Vec<i32> = g.buffer(2, Overflow::Wait).collect().await;
    unreachable!("{got:?}");
}

/// Forces a buffer's end-of-stream interleaving without timing: a waker
/// that, the second time the consumer's poll clones it, runs a hook. The
/// first clone is the consumer's registration under the ring's lock; a second
/// one in the same poll happens after that lock is released (until the fix,
/// when the consumer polled its producer task's handle), which is exactly
/// where the producer must be able to push everything and finish.
mod end_race {
    use std::cell::{Cell, RefCell};
    use std::task::{RawWaker, RawWakerVTable, Waker};

    thread_local! {
        static CLONES: Cell<usize> = const { Cell::new(0) };
        static HOOK: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
    }

    fn clone(_: *const ()) -> RawWaker {
        CLONES.set(CLONES.get() + 1);
        if CLONES.get() == 2 {
            if let Some(hook) = take_hook() {
                hook();
            }
        }
        RawWaker::new(std::ptr::null(), &VTABLE)
    }

    fn noop(_: *const ()) {}

    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);

    /// A waker that does nothing when woken, and runs `hook` (on this
    /// thread) at its second clone.
    pub fn waker(hook: impl FnOnce() + 'static) -> Waker {
        CLONES.set(0);
        HOOK.set(Some(Box::new(hook)));
        // SAFETY: the data pointer is null and never read; every function in
        // the vtable is safe to call from any thread, any number of times.
        unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
    }

    /// The hook, if it has not run.
    pub fn take_hook() -> Option<Box<dyn FnOnce()>> {
        HOOK.take()
    }
}

/// A buffer over five items whose producer (on a runtime thread) is held at
/// its first item until the consumer's first poll has found the ring empty,
/// then pushes everything (panicking before the fifth item if `then_panic`)
/// and finishes before that poll goes on. What the consumer got, and the
/// panic message it got if any.
fn buffer_end_race(then_panic: bool) -> (Vec<u32>, Option<String>) {
    use futures::FutureExt;
    use std::panic::AssertUnwindSafe;
    use std::task::{Context, Poll};

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let _in_rt = rt.enter();
    let (go, held) = std::sync::mpsc::channel::<()>();
    let upstream = futures::stream::iter(0..5u32).map(move |i| {
        if i == 0 {
            held.recv().unwrap();
        }
        if then_panic && i == 4 {
            panic!("source failed after 4 items");
        }
        i
    });
    let mut b = no_cleanup(upstream).buffer(8, Overflow::Wait);
    let metrics = rt.metrics();
    let waker = end_race::waker(move || {
        go.send(()).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while metrics.num_alive_tasks() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the buffer's producer task did not finish"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    let message = |panic: Box<dyn std::any::Any + Send>| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
    };
    let mut got = Vec::new();
    let first = std::panic::catch_unwind(AssertUnwindSafe(|| {
        b.poll_next_unpin(&mut Context::from_waker(&waker))
    }));
    // A poll that never looked past the lock: let the producer finish now.
    if let Some(hook) = end_race::take_hook() {
        hook();
    }
    match first {
        Ok(Poll::Ready(Some(i))) => got.push(i),
        Ok(Poll::Ready(None)) => return (got, None),
        Ok(Poll::Pending) => {}
        Err(panic) => return (got, message(panic)),
    }
    loop {
        match futures::executor::block_on(AssertUnwindSafe(b.next()).catch_unwind()) {
            Ok(Some(i)) => got.push(i),
            Ok(None) => return (got, None),
            Err(panic) => return (got, message(panic)),
        }
    }
}

#[test]
fn a_buffer_delivers_every_item_its_producer_pushed_before_finishing() {
    assert_eq!(buffer_end_race(false), (vec![0, 1, 2, 3, 4], None));
}

#[test]
fn a_buffer_delivers_every_item_pushed_before_an_upstream_panic_then_the_panic() {
    assert_eq!(
        buffer_end_race(true),
        (
            vec![0, 1, 2, 3],
            Some("source failed after 4 items".to_string())
        )
    );
}

#[test]
fn a_buffer_whose_runtime_shut_down_mid_stream_delivers_what_it_holds_then_panics() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let upstream = futures::stream::iter([1, 2]).chain(futures::stream::pending());
    let mut b = no_cleanup(upstream).buffer(4, Overflow::Wait);
    assert_eq!(rt.block_on(b.next()), Some(1));
    assert_eq!(b.len(), 1);
    drop(rt); // drops the producer's task, its upstream unfinished
    assert_eq!(futures::executor::block_on(b.next()), Some(2));
    let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(b.next())
    }))
    .unwrap_err();
    assert_eq!(
        ended.downcast_ref::<&str>().copied(),
        Some(
            "cogen: a buffer's upstream task was dropped before its stream ended \
             (was its runtime shut down?)"
        )
    );
}

/// A stream of 0, 1, 2, ... whose close panics.
struct PanicsWhileClosing(u32);

impl futures::Stream for PanicsWhileClosing {
    type Item = u32;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<u32>> {
        self.0 += 1;
        std::task::Poll::Ready(Some(self.0 - 1))
    }
}

impl AsyncClose for PanicsWhileClosing {
    fn poll_aclose(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        panic!("upstream cleanup failed");
    }

    fn closes_asynchronously(&self) -> bool {
        true
    }
}

#[tokio::test(start_paused = true)]
async fn closing_a_buffer_resumes_a_panic_of_its_upstreams_cleanup() {
    use futures::FutureExt;
    let mut b = PanicsWhileClosing(0).buffer(2, Overflow::Wait);
    assert_eq!(b.next().await, Some(0));
    let closed = std::panic::AssertUnwindSafe(b.close_pipeline())
        .catch_unwind()
        .await;
    let panic = closed.expect_err("the cleanup's panic reaches the closer");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"upstream cleanup failed")
    );
    assert_eq!(b.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn closing_a_pipeline_closes_every_generator_across_buffer_boundaries() {
    let events = Events::new();
    let merged = merge([counter(&events, "left"), counter(&events, "right")]);
    let mut pipeline = merged
        .buffer(8, Overflow::Wait)
        .map_concurrent(2, |x| async move { x * 10 })
        .buffer(2, Overflow::Wait)
        .batch(3, Duration::from_secs(1));
    let first = pipeline.next().await.unwrap();
    assert_eq!(first.len(), 3);
    pipeline.close_pipeline().await;
    let mut cleaned = events.get();
    cleaned.sort();
    assert_eq!(cleaned, ["left cleaned up", "right cleaned up"]);
}

#[tokio::test(start_paused = true)]
async fn a_pipeline_dropped_under_a_finalizer_is_closed_on_the_runtime() {
    let events = Events::new();
    let finalizer = Finalizer::new();
    let mut pipeline = finalizer.attach(
        counter(&events, "source")
            .map_concurrent(2, |x| async move { x })
            .boxed_gen(),
    );
    assert_eq!(pipeline.next().await, Some(0));
    drop(pipeline);
    finalizer.shutdown_asyncgens().await;
    assert_eq!(events.get(), ["source cleaned up"]);
}

#[tokio::test(start_paused = true)]
async fn merge_yields_every_item_of_every_stream_taking_turns() {
    let a = futures::stream::iter([1, 2, 3]);
    let b = futures::stream::iter([10, 20]);
    let c = futures::stream::iter([100]);
    let out: Vec<_> = merge([a.boxed(), b.boxed(), c.boxed()]).collect().await;
    assert_eq!(out, [1, 10, 100, 2, 20, 3]);
}

#[tokio::test(start_paused = true)]
async fn merge_yields_items_as_the_streams_produce_them() {
    let ticker = |period: u64, n: u64| {
        async_generator(async move |mut co| {
            for i in 0..n {
                sleep(Duration::from_secs(period)).await;
                co.yield_((period, i)).await;
            }
        })
        .boxed_gen()
    };
    let out: Vec<_> = merge([ticker(3, 2), ticker(2, 3)]).collect().await;
    assert_eq!(out, [(2, 0), (3, 0), (2, 1), (3, 1), (2, 2)]);
}

#[tokio::test(start_paused = true)]
async fn closing_a_merge_closes_every_stream_still_running() {
    let events = Events::new();
    let mut m = merge([
        counter(&events, "a"),
        counter(&events, "b"),
        counter(&events, "c"),
    ]);
    assert_eq!(m.len(), 3);
    // Taking turns, three items start all three generators.
    assert_eq!(m.by_ref().take(3).collect::<Vec<_>>().await, [0, 0, 0]);
    m.close_pipeline().await;
    let mut cleaned = events.get();
    cleaned.sort();
    assert_eq!(cleaned, ["a cleaned up", "b cleaned up", "c cleaned up"]);
    assert!(m.is_empty());
}

#[tokio::test(start_paused = true)]
async fn closing_a_merge_runs_nothing_in_streams_never_started() {
    let events = Events::new();
    let mut m = merge([counter(&events, "a"), counter(&events, "b")]);
    assert_eq!(m.next().await, Some(0)); // only `a` has started
    m.close_pipeline().await;
    assert_eq!(events.get(), ["a cleaned up"]); // as Python: a fresh aclose runs nothing
}

#[tokio::test(start_paused = true)]
async fn batch_delivers_full_chunks_at_once_and_the_remainder_at_the_end() {
    let t0 = Instant::now();
    let chunks: Vec<_> = futures::stream::iter(0..7)
        .batch(3, Duration::from_secs(5))
        .collect()
        .await;
    assert_eq!(chunks, [vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
    assert_eq!(t0.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn batch_delivers_a_partial_chunk_when_its_time_is_up() {
    let t0 = Instant::now();
    let g = async_generator(async move |mut co| {
        for (at, x) in [(0, 'a'), (1, 'b'), (5, 'c'), (5, 'd'), (5, 'e'), (9, 'f')] {
            tokio::time::sleep_until(t0 + Duration::from_secs(at)).await;
            co.yield_(x).await;
        }
    });
    let mut out = Vec::new();
    let mut s = g.batch(3, Duration::from_secs(2));
    while let Some(chunk) = s.next().await {
        out.push((t0.elapsed().as_secs(), chunk));
    }
    assert_eq!(
        out,
        [
            (2, vec!['a', 'b']),      // time: 2 s after 'a'
            (5, vec!['c', 'd', 'e']), // size
            (9, vec!['f']),           // the end
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn batch_never_yields_an_empty_chunk() {
    let g = async_generator(async |mut co| {
        sleep(Duration::from_secs(10)).await;
        co.yield_(1).await;
    });
    let chunks: Vec<_> = g.batch(5, Duration::from_secs(1)).collect().await;
    assert_eq!(chunks, [vec![1]]);
}

#[tokio::test(start_paused = true)]
async fn space_out_spaces_items_by_the_period_without_pulling_early() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let p = pulled.clone();
    let g = async_generator(async move |mut co| {
        for i in 0..3 {
            p.fetch_add(1, SeqCst);
            co.yield_(i).await;
        }
    });
    let t0 = Instant::now();
    let mut s = g.space_out(Duration::from_secs(1));
    let mut times = Vec::new();
    while let Some(i) = s.next().await {
        times.push((i, t0.elapsed().as_secs()));
        assert_eq!(pulled.load(SeqCst), i + 1);
    }
    assert_eq!(times, [(0, 0), (1, 1), (2, 2)]);
}

#[tokio::test(start_paused = true)]
async fn item_timeout_reports_each_late_item_and_loses_none() {
    let g = async_generator(async |mut co| {
        for s in [0u64, 3, 1] {
            sleep(Duration::from_secs(s)).await;
            co.yield_(s).await;
        }
    });
    let out: Vec<_> = g.item_timeout(Duration::from_secs(2)).collect().await;
    assert_eq!(
        out,
        [Ok(0), Err(TimedOut(Duration::from_secs(2))), Ok(3), Ok(1)]
    );
}

#[tokio::test(start_paused = true)]
async fn no_cleanup_lets_a_plain_stream_into_a_buffer_and_closes_at_once() {
    let mut s = no_cleanup(futures::stream::iter(0..3));
    assert!(!s.closes_asynchronously());
    s.close_pipeline().await;
    assert_eq!(s.next().await, None);
    let buffered: Vec<_> = no_cleanup(futures::stream::iter(0..3))
        .buffer(1, Overflow::Wait)
        .collect()
        .await;
    assert_eq!(buffered, [0, 1, 2]);
}
