//! map_concurrent: bounded concurrency, order, the reorder window (no
//! head-of-line stall), and closing.
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use cogen::async_generator;
use cogen::catching;
use cogen::ops::{AsyncCloseExt, StreamOpsExt};
use common::Events;
use futures::StreamExt;
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn ordered_mode_yields_in_input_order_whatever_the_completion_order() {
    let delays = [5u64, 1, 4, 2, 3, 1, 1];
    let out: Vec<_> = futures::stream::iter(delays)
        .map_concurrent(3, |s| async move {
            sleep(Duration::from_secs(s)).await;
            s
        })
        .collect()
        .await;
    assert_eq!(out, delays);
}

#[tokio::test(start_paused = true)]
async fn unordered_mode_yields_in_completion_order() {
    let out: Vec<_> = futures::stream::iter([5u64, 1, 4, 2])
        .map_concurrent_unordered(4, |s| async move {
            sleep(Duration::from_secs(s)).await;
            s
        })
        .collect()
        .await;
    assert_eq!(out, [1, 2, 4, 5]);
}

async fn peak_in_flight(limit: usize, ordered: bool) -> usize {
    let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let work = |i: u64| {
        let (running, peak) = (running.clone(), peak.clone());
        async move {
            peak.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
            sleep(Duration::from_millis(10 + (i * 7) % 13)).await;
            running.fetch_sub(1, SeqCst);
            i
        }
    };
    let input = futures::stream::iter(0..50u64);
    let n = if ordered {
        input.map_concurrent(limit, work).count().await
    } else {
        input.map_concurrent_unordered(limit, work).count().await
    };
    assert_eq!(n, 50);
    peak.load(SeqCst)
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_futures_run_at_once() {
    assert_eq!(peak_in_flight(4, true).await, 4);
    assert_eq!(peak_in_flight(4, false).await, 4);
    assert_eq!(peak_in_flight(1, true).await, 1);
}

/// The head-of-line stall of `buffered` (aiostream#89, node#46132): with
/// item 0 slow, a plain ordered map stops starting work once its slots are
/// taken by finished items waiting behind the head. Here the free slots keep
/// working through the window while the head runs.
#[tokio::test(start_paused = true)]
async fn ordered_mode_keeps_starting_work_while_the_head_is_slow() {
    let started = Arc::new(std::sync::Mutex::new(Vec::new()));
    let t0 = Instant::now();
    let s = started.clone();
    let out: Vec<_> = futures::stream::iter(0..20u64)
        .map_concurrent(3, move |i| {
            let s = s.clone();
            async move {
                s.lock().unwrap().push((i, t0.elapsed()));
                sleep(Duration::from_secs(if i == 0 { 100 } else { 1 })).await;
                i
            }
        })
        .with_window(12)
        .collect()
        .await;
    assert_eq!(out, (0..20).collect::<Vec<_>>());
    let started = started.lock().unwrap().clone();
    let before_head_done = started
        .iter()
        .filter(|(_, at)| *at < Duration::from_secs(100))
        .count();
    // The whole window (12 items, the head included) started while the head
    // was still running: 11 others, not just the 2 other slots.
    assert_eq!(before_head_done, 12);
    // And the other slots were busy all along: item 11 started at 5 s.
    assert_eq!(started[11], (11, Duration::from_secs(5)));

    // For contrast, futures' `buffered(3)` starts only 3 before the head ends.
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let t0 = Instant::now();
    let mut stalled = futures::stream::iter(0..20u64)
        .map(move |i| {
            let c = c.clone();
            async move {
                if t0.elapsed() < Duration::from_secs(100) {
                    c.fetch_add(1, SeqCst);
                }
                sleep(Duration::from_secs(if i == 0 { 100 } else { 1 })).await;
            }
        })
        .buffered(3);
    while stalled.next().await.is_some() {}
    assert_eq!(count.load(SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn the_reorder_window_bounds_how_far_work_runs_ahead_of_a_slow_head() {
    let started = Arc::new(AtomicUsize::new(0));
    let s = started.clone();
    let mut out = futures::stream::iter(0..100u64)
        .map_concurrent(2, move |i| {
            s.fetch_add(1, SeqCst);
            async move {
                sleep(Duration::from_secs(if i == 0 { 1000 } else { 1 })).await;
                i
            }
        })
        .with_window(5);
    let first = tokio::time::timeout(Duration::from_secs(500), out.next()).await;
    assert!(first.is_err(), "the head is not done yet");
    assert_eq!(started.load(SeqCst), 5);
    assert_eq!(out.next().await, Some(0));
    assert_eq!(out.count().await, 99);
}

#[test]
fn the_default_window_is_four_times_the_limit() {
    let s = futures::stream::iter(0..1).map_concurrent(3, |x| async move { x });
    assert_eq!(s.window(), Some(12));
    let u = futures::stream::iter(0..1).map_concurrent_unordered(3, |x| async move { x });
    assert_eq!(u.window(), None);
}

#[test]
#[should_panic(expected = "the reorder window (2) must be at least the limit (3)")]
fn a_window_smaller_than_the_limit_panics_with_a_clear_message() {
    let _ = futures::stream::iter(0..1)
        .map_concurrent(3, |x| async move { x })
        .with_window(2);
}

#[test]
#[should_panic(expected = "map_concurrent needs a limit of at least 1")]
fn a_zero_limit_panics_with_a_clear_message() {
    let _ = futures::stream::iter(0..1).map_concurrent(0, |x| async move { x });
}

#[tokio::test(start_paused = true)]
async fn an_empty_upstream_ends_at_once() {
    let out: Vec<u8> = futures::stream::empty::<u8>()
        .map_concurrent(3, |x| async move { x })
        .collect()
        .await;
    assert!(out.is_empty());
}

#[tokio::test(start_paused = true)]
async fn closing_drops_the_work_in_flight_and_closes_the_upstream_generator() {
    let events = Events::new();
    let e = events.clone();
    let g = catching::async_generator(async move |mut co| {
        let mut i = 0u64;
        while co.yield_(i).catching().await.is_ok() {
            i += 1;
        }
        sleep(Duration::from_millis(1)).await; // cleanup that awaits
        e.push("generator cleaned up");
    });
    let e = events.clone();
    let mut s = g.map_concurrent(2, move |i| {
        let e = e.clone();
        async move {
            struct Dropped(Events, u64);
            impl Drop for Dropped {
                fn drop(&mut self) {
                    self.0.push(format!("dropped work {}", self.1));
                }
            }
            let _d = Dropped(e, i);
            sleep(Duration::from_secs(i + 1)).await;
            i
        }
    });
    assert_eq!(s.next().await, Some(0));
    s.close_pipeline().await;
    assert_eq!(
        events.get(),
        // 0 finished and was delivered; 1 was in flight (2 not yet started).
        ["dropped work 0", "dropped work 1", "generator cleaned up"]
    );
    assert_eq!(s.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn a_generator_upstream_is_pulled_lazily_within_the_limit() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let p = pulled.clone();
    let g = async_generator(async move |mut co| {
        for i in 0..10u64 {
            p.fetch_add(1, SeqCst);
            co.yield_(i).await;
        }
    });
    let mut s = g.map_concurrent_unordered(2, |i| async move {
        sleep(Duration::from_secs(1)).await;
        i
    });
    assert!(s.next().await.is_some());
    assert!(pulled.load(SeqCst) <= 3, "pulled {}", pulled.load(SeqCst));
}

/// What one poll of a stream gave.
#[derive(Debug, PartialEq)]
enum Step<T> {
    Item(T),
    Panic(String),
    End,
    /// `Pending` with nothing left to wait for (every future here is ready
    /// at once): the stream would hang.
    Stalled,
}

/// Polls `s` as a consumer that catches panics and keeps polling, until it
/// ends, stalls, or `max` polls: every poll's outcome.
fn poll_past_panics<S: futures::Stream + Unpin>(s: &mut S, max: usize) -> Vec<Step<S::Item>> {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::task::{Context, Poll, Waker};
    let mut cx = Context::from_waker(Waker::noop());
    let mut steps = Vec::new();
    for _ in 0..max {
        let step = match catch_unwind(AssertUnwindSafe(|| s.poll_next_unpin(&mut cx))) {
            Ok(Poll::Ready(Some(item))) => Step::Item(item),
            Ok(Poll::Ready(None)) => Step::End,
            Ok(Poll::Pending) => Step::Stalled,
            Err(panic) => Step::Panic(
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default(),
            ),
        };
        let last = matches!(step, Step::End | Step::Stalled);
        steps.push(step);
        if last {
            break;
        }
    }
    steps
}

/// Item `x` maps to itself at once, except item 2, whose future panics.
async fn item_2_panics(x: u32) -> u32 {
    if x == 2 {
        panic!("item 2 failed");
    }
    x
}

fn items_and_panics(steps: &[Step<u32>]) -> (Vec<u32>, Vec<&str>) {
    let items = steps
        .iter()
        .filter_map(|s| match s {
            Step::Item(i) => Some(*i),
            _ => None,
        })
        .collect();
    let panics = steps
        .iter()
        .filter_map(|s| match s {
            Step::Panic(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    (items, panics)
}

#[test]
fn ordered_mode_polled_past_a_panic_delivers_every_other_result_in_order_then_ends() {
    let mut s = futures::stream::iter(0..6u32).map_concurrent(3, item_2_panics);
    let steps = poll_past_panics(&mut s, 20);
    assert_eq!(
        items_and_panics(&steps),
        (vec![0, 1, 3, 4, 5], vec!["item 2 failed"]),
        "{steps:?}"
    );
    assert_eq!(steps.last(), Some(&Step::End), "{steps:?}");
    assert!(futures::stream::FusedStream::is_terminated(&s));
}

#[test]
fn ordered_mode_does_not_stall_when_the_panicked_item_fills_the_window() {
    let mut s = futures::stream::iter(0..4u32)
        .map_concurrent(1, |x| item_2_panics(x + 2))
        .with_window(1);
    let steps = poll_past_panics(&mut s, 20);
    assert_eq!(
        steps,
        [
            Step::Panic("item 2 failed".into()),
            Step::Item(3),
            Step::Item(4),
            Step::Item(5),
            Step::End
        ]
    );
}

#[test]
fn unordered_mode_polled_past_a_panic_delivers_every_other_result_then_ends() {
    let mut s = futures::stream::iter(0..6u32).map_concurrent_unordered(3, item_2_panics);
    let steps = poll_past_panics(&mut s, 20);
    let (mut items, panics) = items_and_panics(&steps);
    items.sort_unstable();
    assert_eq!(
        (items, panics),
        (vec![0, 1, 3, 4, 5], vec!["item 2 failed"]),
        "{steps:?}"
    );
    assert_eq!(steps.last(), Some(&Step::End), "{steps:?}");
}
