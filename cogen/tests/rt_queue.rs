//! Queue: asyncio.Queue's behaviour (3.13's shutdown included), checked
//! against CPython: backpressure, FIFO, task_done/join, shutdown graceful
//! and immediate, the consumer as an async generator, and no item lost or
//! duplicated under many producers, many consumers and cancellation.
mod common;

use std::collections::HashSet;
use std::time::Duration;

use cogen::rt::{GetError, PutError, Queue, ShutDown, wait_for};
use futures::StreamExt;
use tokio::time::{Instant, sleep};

async fn nap(ms: u64) {
    sleep(Duration::from_millis(ms)).await;
}

#[tokio::test(start_paused = true)]
async fn put_waits_while_full_until_a_get_makes_room() {
    let q = Queue::new(2);
    q.put(1).await.unwrap();
    q.put(2).await.unwrap();
    assert!(q.is_full());
    let consumer = {
        let q = q.clone();
        tokio::spawn(async move {
            nap(1000).await;
            q.get().await.unwrap()
        })
    };
    let t0 = Instant::now();
    q.put(3).await.unwrap(); // backpressure: waits for the consumer
    assert_eq!(t0.elapsed(), Duration::from_millis(1000));
    assert_eq!(consumer.await.unwrap(), 1);
    assert_eq!([q.get_nowait(), q.get_nowait()], [Ok(2), Ok(3)]);
}

#[tokio::test(start_paused = true)]
async fn get_waits_while_empty_until_a_put() {
    let q = Queue::new(1);
    let producer = {
        let q = q.clone();
        tokio::spawn(async move {
            nap(500).await;
            q.put("x").await.unwrap();
        })
    };
    let t0 = Instant::now();
    assert_eq!(q.get().await, Ok("x"));
    assert_eq!(t0.elapsed(), Duration::from_millis(500));
    producer.await.unwrap();
}

#[test]
fn nowait_variants_report_full_and_empty_and_hand_the_item_back() {
    let q = Queue::new(1);
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
    q.put_nowait('a').unwrap();
    assert_eq!(q.put_nowait('b'), Err(PutError::Full('b')));
    assert_eq!((q.len(), q.is_full(), q.is_empty()), (1, true, false));
    assert_eq!(q.get_nowait(), Ok('a'));
}

#[test]
fn maxsize_zero_is_unbounded_as_in_python() {
    let q = Queue::new(0);
    for i in 0..10_000 {
        q.put_nowait(i).unwrap();
    }
    assert!(!q.is_full());
    assert_eq!(q.len(), 10_000);
}

#[test]
fn items_come_out_in_fifo_order() {
    let q = Queue::new(0);
    for i in 0..5 {
        q.put_nowait(i).unwrap();
    }
    let out: Vec<_> = std::iter::from_fn(|| q.get_nowait().ok()).collect();
    assert_eq!(out, [0, 1, 2, 3, 4]);
}

#[tokio::test(start_paused = true)]
async fn join_waits_until_every_item_is_marked_done() {
    let q = Queue::new(0);
    for i in 0..3 {
        q.put(i).await.unwrap();
    }
    let worker = {
        let q = q.clone();
        tokio::spawn(async move {
            for _ in 0..3 {
                q.get().await.unwrap();
                nap(100).await;
                q.task_done().unwrap();
            }
        })
    };
    let t0 = Instant::now();
    q.join().await;
    assert_eq!(t0.elapsed(), Duration::from_millis(300));
    assert_eq!(q.unfinished(), 0);
    worker.await.unwrap();
}

#[test]
fn task_done_more_times_than_puts_is_an_error() {
    let q = Queue::new(0);
    q.put_nowait(1).unwrap();
    assert_eq!(q.task_done(), Ok(()));
    let err = q.task_done().unwrap_err();
    assert_eq!(err.to_string(), "task_done() called too many times");
}

#[tokio::test(start_paused = true)]
async fn graceful_shutdown_fails_puts_and_lets_gets_drain_then_fail() {
    let q = Queue::new(0);
    q.put(1).await.unwrap();
    q.put(2).await.unwrap();
    q.shutdown();
    assert!(q.is_shut_down());
    assert_eq!(q.put(3).await, Err(ShutDown(3)));
    assert_eq!(q.put_nowait(4), Err(PutError::ShutDown(4)));
    assert_eq!(q.get().await, Ok(1));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.get().await, Err(ShutDown(())));
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
}

#[tokio::test(start_paused = true)]
async fn shutdown_wakes_waiting_putters_with_their_items_and_waiting_getters() {
    let full = Queue::new(1);
    full.put(0).await.unwrap();
    let putter = {
        let q = full.clone();
        tokio::spawn(async move { q.put(1).await })
    };
    let empty = Queue::<u8>::new(1);
    let getter = {
        let q = empty.clone();
        tokio::spawn(async move { q.get().await })
    };
    nap(10).await;
    full.shutdown();
    empty.shutdown();
    assert_eq!(putter.await.unwrap(), Err(ShutDown(1)));
    assert_eq!(getter.await.unwrap(), Err(ShutDown(())));
    assert_eq!(full.get_nowait(), Ok(0)); // graceful: still there
}

#[tokio::test(start_paused = true)]
async fn immediate_shutdown_hands_back_the_items_marks_them_done_and_releases_join() {
    let q = Queue::new(0);
    for i in 0..3 {
        q.put(i).await.unwrap();
    }
    q.get().await.unwrap();
    q.task_done().unwrap();
    let joiner = {
        let q = q.clone();
        tokio::spawn(async move { q.join().await })
    };
    nap(10).await;
    assert!(!joiner.is_finished());
    assert_eq!(q.shutdown_immediate(), [1, 2]);
    joiner.await.unwrap();
    assert_eq!(q.unfinished(), 0);
    assert_eq!(q.get().await, Err(ShutDown(())));
}

#[tokio::test(start_paused = true)]
async fn items_is_an_async_generator_that_ends_when_the_queue_is_shut_down() {
    let q = Queue::new(2);
    let producer = {
        let q = q.clone();
        tokio::spawn(async move {
            for i in 0..5 {
                q.put(i).await.unwrap();
                nap(10).await;
            }
            q.shutdown();
        })
    };
    let got: Vec<_> = q.items().collect().await;
    assert_eq!(got, [0, 1, 2, 3, 4]);
    producer.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn three_producers_two_consumers_deliver_every_item_exactly_once() {
    let q = Queue::new(10);
    let mut producers = Vec::new();
    for p in 0..3u32 {
        let q = q.clone();
        producers.push(tokio::spawn(async move {
            for i in 0..100u32 {
                q.put(p * 1000 + i).await.unwrap();
                if i % 7 == 0 {
                    nap(1).await;
                }
            }
        }));
    }
    let mut consumers = Vec::new();
    for c in 0..2u64 {
        let q = q.clone();
        consumers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Ok(item) = q.get().await {
                got.push(item);
                nap(c + 1).await;
                q.task_done().unwrap();
            }
            got
        }));
    }
    for p in producers {
        p.await.unwrap();
    }
    q.join().await;
    q.shutdown();
    let mut all = Vec::new();
    for c in consumers {
        let got = c.await.unwrap();
        assert!(!got.is_empty(), "both consumers take part");
        all.extend(got);
    }
    assert_eq!(all.len(), 300);
    let distinct: HashSet<_> = all.iter().copied().collect();
    assert_eq!(distinct.len(), 300);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_get_takes_nothing_and_the_next_getter_is_woken() {
    let q = Queue::new(1);
    // Two getters wait; the first gives up.
    assert!(wait_for(q.get(), Duration::from_millis(10)).await.is_err());
    let getter = {
        let q = q.clone();
        tokio::spawn(async move { q.get().await })
    };
    nap(10).await;
    q.put(42).await.unwrap();
    assert_eq!(getter.await.unwrap(), Ok(42));
    assert!(q.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_put_queues_nothing_and_frees_its_place_for_the_next_putter() {
    let q = Queue::new(1);
    q.put(0).await.unwrap();
    assert!(wait_for(q.put(1), Duration::from_millis(10)).await.is_err());
    let putter = {
        let q = q.clone();
        tokio::spawn(async move { q.put(2).await })
    };
    nap(10).await;
    assert_eq!(q.get().await, Ok(0));
    putter.await.unwrap().unwrap();
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
}

#[tokio::test(start_paused = true)]
async fn many_waiting_getters_are_each_woken_by_one_put() {
    let q = Queue::new(0);
    let getters: Vec<_> = (0..5)
        .map(|_| {
            let q = q.clone();
            tokio::spawn(async move { q.get().await.unwrap() })
        })
        .collect();
    nap(1).await;
    for i in 0..5 {
        q.put(i).await.unwrap();
    }
    let mut got = Vec::new();
    for g in getters {
        got.push(g.await.unwrap());
    }
    got.sort();
    assert_eq!(got, [0, 1, 2, 3, 4]);
}

#[test]
fn queue_debug_shows_its_counts() {
    let q = Queue::new(3);
    q.put_nowait(1).unwrap();
    assert_eq!(
        format!("{q:?}"),
        "Queue { len: 1, maxsize: 3, unfinished: 1, shut_down: false }"
    );
}

/// A `get` left pending and never polled again (here: an async generator's
/// body parked in it by a cancelled `next()`) must not swallow the wake-up a
/// `put` gives, leaving another consumer asleep beside a queued item.
#[test]
fn a_put_wakes_a_polled_get_even_when_an_earlier_get_is_abandoned_mid_wait() {
    use futures::FutureExt;
    use std::task::{Context, Poll, Waker};
    let q = Queue::<u32>::new(0);
    let mut cx = Context::from_waker(Waker::noop());
    let mut abandoned = std::pin::pin!(q.get());
    assert!(abandoned.as_mut().poll(&mut cx).is_pending()); // waits first
    let mut live = std::pin::pin!(q.get());
    assert!(live.as_mut().poll(&mut cx).is_pending());
    q.put_nowait(7).unwrap();
    // `abandoned` is never polled again; `live` must get the item.
    assert_eq!(live.as_mut().poll(&mut cx), Poll::Ready(Ok(7)));
    assert!(abandoned.as_mut().now_or_never().is_none()); // nothing left for it
}

/// The same for producers: a `put` left waiting for room must not swallow the
/// wake-up a `get` gives another waiting producer.
#[test]
fn a_get_wakes_a_polled_put_even_when_an_earlier_put_is_abandoned_mid_wait() {
    use std::task::{Context, Poll, Waker};
    let q = Queue::<u32>::new(1);
    q.put_nowait(0).unwrap();
    let mut cx = Context::from_waker(Waker::noop());
    let mut abandoned = std::pin::pin!(q.put(1));
    assert!(abandoned.as_mut().poll(&mut cx).is_pending()); // waits first
    let mut live = std::pin::pin!(q.put(2));
    assert!(live.as_mut().poll(&mut cx).is_pending());
    assert_eq!(q.get_nowait(), Ok(0));
    assert_eq!(live.as_mut().poll(&mut cx), Poll::Ready(Ok(())));
    assert_eq!(q.get_nowait(), Ok(2));
}
