//! CPU-bound and blocking work: to_thread, a sync generator on a blocking
//! thread consumed as an async stream, and an async generator consumed from
//! sync code.
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use cogen::catching;
use cogen::ops::{AsyncCloseExt, no_cleanup};
use cogen::rt::{DebugMode, blocking_iter, to_thread, to_thread_iter};
use cogen::{async_generator, generator};
use common::Events;
use futures::StreamExt;

#[tokio::test]
async fn to_thread_runs_the_closure_on_another_thread_and_returns_its_value() {
    let here = std::thread::current().id();
    let (there, sum) = to_thread(|| (std::thread::current().id(), (1..=100u32).sum::<u32>())).await;
    assert_ne!(here, there);
    assert_eq!(sum, 5050);
}

#[tokio::test]
#[should_panic(expected = "cpu work failed")]
async fn to_thread_resumes_the_closure_panic_in_the_caller() {
    to_thread(|| panic!("cpu work failed")).await
}

#[tokio::test]
async fn to_thread_is_lazy_until_awaited() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let fut = to_thread(move || r.fetch_add(1, SeqCst));
    tokio::task::yield_now().await;
    assert_eq!(ran.load(SeqCst), 0);
    fut.await;
    assert_eq!(ran.load(SeqCst), 1);
}

#[tokio::test]
async fn to_thread_carries_the_callers_debug_mode() {
    let _debug = DebugMode::new().enter();
    assert_eq!(to_thread(DebugMode::current).await, Some(DebugMode::new()));
}

#[tokio::test]
async fn to_thread_iter_yields_every_item_in_order() {
    let g = generator(async |mut co| {
        for i in 0..1000u32 {
            co.yield_(i).await;
        }
    });
    let got: Vec<_> = to_thread_iter(8, g).collect().await;
    assert_eq!(got, (0..1000).collect::<Vec<_>>());
}

#[tokio::test]
async fn to_thread_iter_holds_the_producer_within_its_buffer() {
    let produced = Arc::new(AtomicUsize::new(0));
    let p = produced.clone();
    let iter = (0..100).inspect(move |_| {
        p.fetch_add(1, SeqCst);
    });
    let mut s = to_thread_iter(4, iter);
    assert_eq!(s.next().await, Some(0));
    // Let the thread run as far as it can.
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // One taken, four buffered, one more made and waiting to be sent.
    assert!(
        produced.load(SeqCst) <= 6,
        "produced {}",
        produced.load(SeqCst)
    );
    assert_eq!(s.count().await, 99);
}

#[tokio::test]
async fn to_thread_iter_is_lazy_until_polled() {
    let produced = Arc::new(AtomicUsize::new(0));
    let p = produced.clone();
    let s = to_thread_iter(
        1,
        (0..3).inspect(move |_| {
            p.fetch_add(1, SeqCst);
        }),
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(produced.load(SeqCst), 0);
    drop(s);
}

#[tokio::test]
async fn closing_to_thread_iter_runs_the_generator_cleanup_on_its_thread_and_waits() {
    let events = Events::new();
    let e = events.clone();
    let g = catching::generator(async move |mut co| {
        let mut i = 0;
        while co.yield_(i).catching().await.is_ok() {
            i += 1;
        }
        e.push(format!("cleanup on {:?}", std::thread::current().name()));
    });
    let mut s = to_thread_iter(2, g);
    assert_eq!(s.next().await, Some(0));
    s.close_pipeline().await;
    let got = events.get();
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with("cleanup on"), "{got:?}");
    assert_eq!(s.next().await, None);
}

#[tokio::test]
#[should_panic(expected = "iterator broke")]
async fn to_thread_iter_resumes_the_iterator_panic_in_the_consumer() {
    let iter = (0..3).map(|i| if i == 2 { panic!("iterator broke") } else { i });
    let got: Vec<_> = to_thread_iter(4, iter).collect().await;
    unreachable!("{got:?}");
}

#[test]
fn blocking_iter_drives_an_async_generator_with_timers_from_sync_code() {
    let g = async_generator(async |mut co| {
        for i in 0..3 {
            tokio::time::sleep(Duration::from_millis(1)).await;
            co.yield_(i).await;
        }
    });
    assert_eq!(blocking_iter(g).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn dropping_a_blocking_iter_early_runs_the_generators_async_cleanup() {
    let events = Events::new();
    let e = events.clone();
    let g = catching::async_generator(async move |mut co| {
        let mut i = 0;
        while co.yield_(i).catching().await.is_ok() {
            i += 1;
        }
        tokio::time::sleep(Duration::from_millis(1)).await; // cleanup that awaits
        e.push("cleaned up");
    });
    let mut it = blocking_iter(g);
    assert_eq!(it.by_ref().take(2).collect::<Vec<_>>(), [0, 1]);
    drop(it);
    assert_eq!(events.get(), ["cleaned up"]);
}

#[test]
fn blocking_iter_is_fused_after_the_end() {
    let mut it = blocking_iter(no_cleanup(futures::stream::iter([1])));
    assert_eq!((it.next(), it.next(), it.next()), (Some(1), None, None));
}
