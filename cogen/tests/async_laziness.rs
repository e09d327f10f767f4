//! Laziness and pull-based backpressure: the body never runs ahead of demand.
mod common;

use std::time::Duration;

use cogen::{Co, async_coroutine, async_generator};
use common::{Log, s};
use futures::StreamExt;
use tokio::time::{Instant, sleep};

#[tokio::test]
async fn producer_and_consumer_interleave_exactly_as_in_python() {
    // Python (3.11):
    //   async def prod():
    //       for i in range(3): print("produce", i); yield i
    //   async for x in prod(): print("consume", x)
    // prints produce 0, consume 0, produce 1, consume 1, produce 2, consume 2.
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        for i in 0..3 {
            log.push(format!("produce {i}"));
            co.yield_(i).await;
        }
    });
    while let Some(x) = g.next().await {
        log.push(format!("consume {x}"));
    }
    assert_eq!(
        log.events(),
        s(&[
            "produce 0",
            "consume 0",
            "produce 1",
            "consume 1",
            "produce 2",
            "consume 2"
        ])
    );
}

#[tokio::test]
async fn nothing_runs_when_the_generator_or_its_awaitables_are_created() {
    let log = Log::new();
    let mut g = async_coroutine(async |mut co: Co<'_, u8, u8, u8>| {
        log.push("body ran");
        co.yield_(1).await;
    });
    assert!(log.events().is_empty());
    // Creating each awaitable and dropping it unpolled runs nothing either.
    drop(g.astart());
    drop(g.asend(1));
    drop(g.athrow(1));
    drop(g.aclose());
    drop(g.finish_step());
    assert!(log.events().is_empty());
    assert_eq!(g.status(), cogen::protocol::Status::Created);
    g.astart().await.unwrap();
    assert_eq!(log.events(), s(&["body ran"]));
}

#[tokio::test]
async fn an_unpolled_anext_and_next_run_nothing() {
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        log.push("body ran");
        co.yield_(1).await;
    });
    drop(g.anext());
    drop(g.next());
    assert!(log.events().is_empty());
}

#[tokio::test]
async fn the_body_stops_at_each_yield_until_the_next_request() {
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        log.push("before 1");
        co.yield_(1).await;
        log.push("after 1");
        co.yield_(2).await;
        log.push("after 2");
    });
    g.next().await;
    tokio::task::yield_now().await;
    assert_eq!(log.events(), s(&["before 1"]));
    g.next().await;
    assert_eq!(log.events(), s(&["before 1", "after 1"]));
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_sets_the_pace_of_a_fast_producer() {
    // Seed 001, "built-in backpressure": the producer only produces when asked.
    let produced_at = std::cell::RefCell::new(vec![]);
    let start = Instant::now();
    let mut g = async_generator(async |mut co| {
        for i in 0..4 {
            produced_at.borrow_mut().push(start.elapsed());
            co.yield_(i).await; // no delay at all on the producer side
        }
    });
    while let Some(_item) = g.next().await {
        sleep(Duration::from_millis(100)).await; // slow consumer
    }
    let ms: Vec<u128> = produced_at.borrow().iter().map(|d| d.as_millis()).collect();
    assert_eq!(ms, [0, 100, 200, 300]);
}

#[tokio::test]
async fn an_infinite_generator_is_fine_when_only_a_few_items_are_taken() {
    let g = async_generator(async |mut co| {
        let mut i = 0u64;
        loop {
            co.yield_(i).await;
            i += 1;
        }
    });
    assert_eq!(g.take(3).collect::<Vec<_>>().await, [0u64, 1, 2]);
}
