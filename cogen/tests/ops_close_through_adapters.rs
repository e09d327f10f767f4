//! Closing reaches through futures' `StreamExt` adapters (and cogen's
//! `chain`): each adapter, partly consumed and closed with `aclose`, runs its
//! generator's awaited cleanup exactly once; two-upstream adapters close
//! both; a `Finalizer` awaits the cleanup of a dropped `gen.map(f)`. Also
//! what an adapter still holds after the close, and why cogen's timed
//! operators stay beside tokio-stream's.
mod common;

use std::future::ready;
use std::pin::pin;
use std::time::Duration;

use cogen::ops::AsyncClose;
use cogen::ops::{AsyncCloseExt, chain, no_cleanup};
use cogen::rt::{Finalizer, RuntimeOpsExt};
use common::Events;
use futures::{FutureExt, Stream, StreamExt};
use tokio::time::{Instant, sleep};

/// An endless counter whose cleanup awaits `cleanup_takes` (a timer) and then
/// logs `"<name> cleaned up"`.
fn counter_taking(
    events: &Events,
    name: &'static str,
    cleanup_takes: Duration,
) -> impl Stream<Item = u64> + AsyncClose + Send + Unpin + 'static {
    let events = events.clone();
    cogen::catching::async_generator(async move |mut co| {
        let mut i = 0;
        while co.yield_(i).catching().await.is_ok() {
            i += 1;
        }
        sleep(cleanup_takes).await;
        events.push(format!("{name} cleaned up"));
    })
}

fn counter(
    events: &Events,
    name: &'static str,
) -> impl Stream<Item = u64> + AsyncClose + Send + Unpin + 'static {
    counter_taking(events, name, Duration::from_millis(5))
}

/// One test per adapter: wrap a generator, take one item, `aclose`, and count
/// the cleanup (awaited by the close, and run once only).
macro_rules! closing_reaches_the_generator {
    ($($test:ident: |$g:ident| $adapter:expr;)*) => {$(
        #[tokio::test(start_paused = true)]
        async fn $test() {
            let what = stringify!($test);
            let events = Events::new();
            let $g = counter(&events, "source");
            let mut s = pin!($adapter);
            assert!(s.next().await.is_some(), "{what}: an item before the close");
            assert!(s.closes_asynchronously(), "{what}: closes_asynchronously reaches the suspended generator");
            s.close_pipeline().await;
            assert_eq!(events.count("source cleaned up"), 1, "{what}: aclose awaited the generator's cleanup");
            assert!(!s.closes_asynchronously(), "{what}: nothing left to close");
            s.close_pipeline().await;
            sleep(Duration::from_secs(1)).await;
            assert_eq!(events.count("source cleaned up"), 1, "{what}: the cleanup ran exactly once");
        }
    )*};
}

closing_reaches_the_generator! {
    closing_map_closes_its_generator: |g| g.map(|x| x + 1);
    closing_filter_closes_its_generator: |g| g.filter(|x| ready(x % 2 == 1));
    closing_filter_map_closes_its_generator: |g| g.filter_map(|x| ready((x % 2 == 1).then_some(x)));
    closing_then_closes_its_generator: |g| g.then(|x| async move {
        sleep(Duration::from_millis(1)).await;
        x
    });
    closing_take_closes_its_generator: |g| g.take(5);
    closing_take_while_closes_its_generator: |g| g.take_while(|x| ready(*x < 5));
    closing_skip_closes_its_generator: |g| g.skip(2);
    closing_fuse_closes_its_generator: |g| g.fuse();
    closing_enumerate_closes_its_generator: |g| g.enumerate();
    closing_inspect_closes_its_generator: |g| g.inspect(|_| ());
    closing_buffered_closes_its_generator: |g| g.map(|x| async move { x }).buffered(3);
    closing_buffer_unordered_closes_its_generator: |g| g.map(|x| async move { x }).buffer_unordered(3);
    closing_chunks_closes_its_generator: |g| g.chunks(3);
    closing_ready_chunks_closes_its_generator: |g| g.ready_chunks(3);
    closing_peekable_closes_its_generator: |g| g.peekable();
    closing_either_closes_the_stream_it_holds: |g| if g.size_hint().0 == 0 {
        g.left_stream()
    } else {
        g.map(|x| x + 1).right_stream()
    };
    closing_a_pipeline_of_adapters_reaches_its_generator: |g| g
        .map(|x| x * 3)
        .filter(|x| ready(x % 2 == 0))
        .enumerate()
        .skip(1)
        .take(100)
        .map(|(_, x)| async move { x })
        .buffered(2)
        .chunks(2)
        .fuse();
}

#[tokio::test(start_paused = true)]
async fn closing_take_after_it_ended_runs_the_suspended_generators_cleanup() {
    let events = Events::new();
    let mut s = counter(&events, "source").take(2);
    assert_eq!(s.by_ref().collect::<Vec<_>>().await, [0, 1]);
    // `take` ended the stream; the generator is suspended, its cleanup due.
    assert!(s.closes_asynchronously());
    assert_eq!(events.count("source cleaned up"), 0);
    s.close_pipeline().await;
    assert_eq!(events.count("source cleaned up"), 1);
}

#[tokio::test(start_paused = true)]
async fn closing_take_while_after_it_ended_runs_the_suspended_generators_cleanup() {
    let events = Events::new();
    let mut s = pin!(counter(&events, "source").take_while(|x| ready(*x < 2)));
    assert_eq!(s.as_mut().collect::<Vec<_>>().await, [0, 1]);
    assert_eq!(events.count("source cleaned up"), 0);
    s.close_pipeline().await;
    assert_eq!(events.count("source cleaned up"), 1);
}

#[tokio::test(start_paused = true)]
async fn closing_zip_closes_both_generators_concurrently() {
    let events = Events::new();
    let left = counter_taking(&events, "left", Duration::from_millis(10));
    let right = counter_taking(&events, "right", Duration::from_millis(30));
    let mut s = left.zip(right);
    assert_eq!(s.next().await, Some((0, 0)));
    assert!(s.closes_asynchronously());
    let t0 = Instant::now();
    s.close_pipeline().await;
    assert_eq!(
        events.count("left cleaned up"),
        1,
        "zip: the left generator closed"
    );
    assert_eq!(
        events.count("right cleaned up"),
        1,
        "zip: the right generator closed"
    );
    assert_eq!(
        t0.elapsed(),
        Duration::from_millis(30),
        "zip: the two cleanups overlapped"
    );
    s.close_pipeline().await;
    assert_eq!(events.get().len(), 2, "zip: each cleanup ran once");
}

#[tokio::test(start_paused = true)]
async fn closing_zip_finishes_the_second_close_while_the_first_is_still_pending() {
    let events = Events::new();
    // The first takes longer: the second must not wait for it, nor be lost.
    let left = counter_taking(&events, "left", Duration::from_millis(30));
    let right = counter_taking(&events, "right", Duration::from_millis(10));
    let mut s = left.zip(right);
    assert_eq!(s.next().await, Some((0, 0)));
    let mut close = s.close_pipeline();
    assert!((&mut close).now_or_never().is_none());
    sleep(Duration::from_millis(15)).await;
    assert!(
        (&mut close).now_or_never().is_none(),
        "the left cleanup is still running"
    );
    assert_eq!(events.get(), ["right cleaned up"]);
    close.await;
    assert_eq!(events.get(), ["right cleaned up", "left cleaned up"]);
}

#[tokio::test(start_paused = true)]
async fn closing_select_closes_both_generators() {
    let events = Events::new();
    let mut s = futures::stream::select(counter(&events, "left"), counter(&events, "right"));
    assert_eq!(s.by_ref().take(2).collect::<Vec<_>>().await, [0, 0]);
    s.close_pipeline().await;
    assert_eq!(
        events.count("left cleaned up"),
        1,
        "select: the left generator closed"
    );
    assert_eq!(
        events.count("right cleaned up"),
        1,
        "select: the right generator closed"
    );
}

#[tokio::test(start_paused = true)]
async fn closing_chain_closes_both_generators_the_ended_first_one_too() {
    let events = Events::new();
    let mut s = chain(
        counter(&events, "first").take(2),
        counter(&events, "second"),
    );
    assert_eq!(s.by_ref().take(3).collect::<Vec<_>>().await, [0, 1, 0]);
    assert!(s.closes_asynchronously());
    s.close_pipeline().await;
    assert_eq!(
        events.count("first cleaned up"),
        1,
        "chain: the first generator closed"
    );
    assert_eq!(
        events.count("second cleaned up"),
        1,
        "chain: the second generator closed"
    );
    assert_eq!(s.next().await, None);
    s.close_pipeline().await;
    assert_eq!(events.get().len(), 2, "chain: each cleanup ran once");
}

#[tokio::test(start_paused = true)]
async fn closing_chain_runs_nothing_in_a_second_generator_never_started() {
    let events = Events::new();
    let mut s = chain(counter(&events, "first"), counter(&events, "second"));
    assert_eq!(s.next().await, Some(0));
    s.close_pipeline().await;
    // As Python: a fresh generator's aclose runs nothing.
    assert_eq!(events.get(), ["first cleaned up"]);
    assert_eq!(s.next().await, None);
}

/// A closable stream whose close panics (once), after yielding one item.
struct PanicsWhileClosing(bool);

impl Stream for PanicsWhileClosing {
    type Item = u64;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<u64>> {
        std::task::Poll::Ready((!self.0).then_some(0))
    }
}

impl AsyncClose for PanicsWhileClosing {
    fn poll_aclose(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if !std::mem::replace(&mut self.0, true) {
            panic!("first cleanup failed");
        }
        std::task::Poll::Ready(())
    }

    fn closes_asynchronously(&self) -> bool {
        !self.0
    }
}

#[tokio::test(start_paused = true)]
async fn closing_zip_closes_the_second_even_when_the_first_close_panics() {
    let events = Events::new();
    let mut s = PanicsWhileClosing(false).zip(counter(&events, "right"));
    assert_eq!(s.next().await, Some((0, 0)));
    let closed = std::panic::AssertUnwindSafe(s.close_pipeline())
        .catch_unwind()
        .await;
    let panic = closed.expect_err("the first close's panic reaches the closer");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"first cleanup failed"));
    // The second close was started beside it; closing again finishes it.
    s.close_pipeline().await;
    assert_eq!(events.get(), ["right cleaned up"]);
}

#[tokio::test(start_paused = true)]
async fn closing_peekable_leaves_the_peeked_item_to_deliver_until_it_is_dropped() {
    let events = Events::new();
    let mut s = pin!(counter(&events, "source").peekable());
    assert_eq!(s.as_mut().peek().await, Some(&0));
    s.close_pipeline().await;
    assert_eq!(events.count("source cleaned up"), 1);
    assert_eq!(s.next().await, Some(0), "the item pulled before the close");
    assert_eq!(s.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn closing_buffered_leaves_the_futures_in_flight_to_deliver_until_it_is_dropped() {
    let events = Events::new();
    let mut s = pin!(
        counter(&events, "source")
            .map(|x| async move { x })
            .buffered(3)
    );
    assert_eq!(s.next().await, Some(0)); // 1 and 2 are in flight
    s.close_pipeline().await;
    assert_eq!(events.count("source cleaned up"), 1);
    assert_eq!(
        s.collect::<Vec<_>>().await,
        [1, 2],
        "pulled before the close"
    );
}

#[tokio::test(start_paused = true)]
async fn closing_map_ends_it() {
    let events = Events::new();
    let mut s = counter(&events, "source").map(|x| x * 2);
    assert_eq!(s.next().await, Some(0));
    s.close_pipeline().await;
    assert_eq!(s.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn an_adapter_over_a_fresh_generator_does_not_close_asynchronously() {
    let events = Events::new();
    let s = counter(&events, "source").map(|x| x * 2);
    assert!(
        !s.closes_asynchronously(),
        "nothing has run: nothing to clean up"
    );
}

#[tokio::test(start_paused = true)]
async fn a_finalizer_awaits_the_cleanup_of_a_dropped_map_of_a_generator() {
    let events = Events::new();
    let finalizer = Finalizer::new();
    let mut s = finalizer.attach(counter(&events, "source").map(|x| x * 2));
    assert_eq!(s.next().await, Some(0));
    drop(s);
    assert_eq!(
        finalizer.pending(),
        1,
        "the close was handed to the runtime"
    );
    assert_eq!(events.count("source cleaned up"), 0, "not run in drop");
    finalizer.shutdown_asyncgens().await;
    assert_eq!(events.get(), ["source cleaned up"]);
}

#[test]
fn run_awaits_the_cleanup_of_a_dropped_map_of_a_generator() {
    let events = Events::new();
    let e = events.clone();
    cogen::rt::run(async move {
        let finalizer = Finalizer::current().expect("inside run");
        let mut s = finalizer.attach(counter(&e, "source").map(|x| x + 1).take(10));
        assert_eq!(s.next().await, Some(1));
        drop(s);
    });
    assert_eq!(events.get(), ["source cleaned up"]);
}

// Why `item_timeout`, `batch` and `space_out` stay beside tokio-stream's
// `timeout`, `chunks_timeout` and `throttle`.

#[tokio::test(start_paused = true)]
async fn item_timeout_times_only_the_wait_for_the_upstream_unlike_tokio_streams_timeout() {
    let slowly_consumed = |timed: &mut Vec<bool>, item_ok: bool| timed.push(item_ok);
    let source = || {
        cogen::async_generator(async |mut co| {
            for i in 0..3 {
                sleep(Duration::from_secs(1)).await; // each item takes 1 s
                co.yield_(i).await;
            }
        })
    };
    // The consumer takes 5 s per item; the limit is 2 s.
    let mut ours = Vec::new();
    let mut s = source().item_timeout(Duration::from_secs(2));
    while let Some(item) = s.next().await {
        slowly_consumed(&mut ours, item.is_ok());
        sleep(Duration::from_secs(5)).await;
    }
    assert_eq!(ours, [true, true, true], "no item took more than 1 s");

    let mut theirs = Vec::new();
    let mut s = pin!(tokio_stream::StreamExt::timeout(
        source(),
        Duration::from_secs(2)
    ));
    while let Some(item) = s.next().await {
        slowly_consumed(&mut theirs, item.is_ok());
        sleep(Duration::from_secs(5)).await;
    }
    // tokio-stream's deadline runs from the previous item's delivery, so the
    // consumer's 5 s count against the upstream.
    assert_eq!(theirs, [true, false, true, false, true]);
}

#[tokio::test(start_paused = true)]
async fn item_timeout_reports_again_each_limit_unlike_tokio_streams_timeout() {
    let late = || {
        cogen::async_generator(async |mut co| {
            sleep(Duration::from_secs(5)).await;
            co.yield_(1).await;
        })
    };
    let ours: Vec<bool> = late()
        .item_timeout(Duration::from_secs(2))
        .map(|r| r.is_ok())
        .collect()
        .await;
    assert_eq!(ours, [false, false, true], "at 2 s, at 4 s, then the item");
    let theirs: Vec<bool> = tokio_stream::StreamExt::timeout(late(), Duration::from_secs(2))
        .map(|r| r.is_ok())
        .collect()
        .await;
    assert_eq!(theirs, [false, true], "once, then silence until the item");
}

#[tokio::test(start_paused = true)]
async fn closing_batch_drops_the_partial_chunk_and_closes_its_generator() {
    let events = Events::new();
    // Two items, then an upstream that waits: the chunk cannot fill.
    let trickle = chain(
        counter(&events, "source").take(2),
        no_cleanup(futures::stream::pending()),
    );
    let mut s = trickle.batch(10, Duration::from_secs(60));
    // A next abandoned while the chunk fills: two items are held.
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), s.next())
            .await
            .is_err()
    );
    s.close_pipeline().await;
    assert_eq!(events.get(), ["source cleaned up"]);
    assert_eq!(
        s.next().await,
        None,
        "the partial chunk was dropped, as Python's aclose"
    );
}

#[tokio::test(start_paused = true)]
async fn space_out_has_throttles_timing_and_closes_its_generator() {
    // tokio-stream's `Throttle` cannot be named (not exported), so closing
    // cannot reach through it.
    let events = Events::new();
    let mut s = counter(&events, "source").space_out(Duration::from_secs(1));
    let t0 = Instant::now();
    assert_eq!(s.by_ref().take(3).collect::<Vec<_>>().await, [0, 1, 2]);
    assert_eq!(
        t0.elapsed(),
        Duration::from_secs(2),
        "the first at once, then one a period"
    );
    s.close_pipeline().await;
    assert_eq!(events.get(), ["source cleaned up"]);

    let t0 = Instant::now();
    let theirs = pin!(tokio_stream::StreamExt::throttle(
        futures::stream::iter(0..3),
        Duration::from_secs(1)
    ));
    assert_eq!(theirs.collect::<Vec<_>>().await, [0, 1, 2]);
    let ours: Vec<_> = futures::stream::iter(0..3)
        .space_out(Duration::from_secs(1))
        .collect()
        .await;
    assert_eq!(ours, [0, 1, 2]);
    assert_eq!(
        t0.elapsed(),
        Duration::from_secs(6),
        "3 s each: the end, too, a period after the last item"
    );
}
