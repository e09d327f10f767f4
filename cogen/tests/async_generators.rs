//! Async generator protocol (PEP 525): Stream, anext, astart, asend, return
//! values, state, and running on several executors. Each rule was checked
//! against CPython 3.11's asyncio.
mod common;

use std::time::Duration;

use cogen::error::{ResumeError, SendError, StartError};
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, async_coroutine, async_generator};
use common::{Log, s};
use futures::StreamExt;
use futures::executor::block_on;
use futures::stream::FusedStream;

#[tokio::test(start_paused = true)]
async fn async_for_yields_values_between_awaits() {
    // Python: async for x in async_counter(3) (seed 002).
    let g = async_generator(async |mut co| {
        for i in 1..=3 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            co.yield_(i).await;
        }
    });
    let start = tokio::time::Instant::now();
    assert_eq!(g.collect::<Vec<_>>().await, [1, 2, 3]);
    assert_eq!(start.elapsed(), Duration::from_millis(1500));
}

#[tokio::test]
async fn next_after_the_end_keeps_returning_none_and_the_stream_is_fused() {
    let mut g = async_generator(async |mut co| co.yield_(1).await);
    assert!(!g.is_terminated());
    assert_eq!(g.next().await, Some(1));
    assert_eq!(g.next().await, None);
    assert!(g.is_terminated());
    assert_eq!(g.next().await, None);
    assert_eq!(g.status(), Status::Finished);
}

#[tokio::test]
async fn anext_keeps_the_return_value_and_then_reports_finished() {
    // Python's async generators cannot return a value; ours can.
    let mut g = async_generator(async |mut co| {
        co.yield_("a").await;
        tokio::task::yield_now().await;
        42
    });
    assert_eq!(g.anext().await, Ok(GeneratorState::Yielded("a")));
    assert_eq!(g.anext().await, Ok(GeneratorState::Complete(42)));
    assert_eq!(g.anext().await, Err(ResumeError::Finished));
}

#[tokio::test]
async fn asend_on_a_fresh_generator_hands_the_value_back_and_runs_nothing() {
    // Python: TypeError "can't send non-None value to a just-started async generator".
    let log = Log::new();
    let mut g = async_coroutine(async |mut co: Co<'_, i32, i32>| {
        log.push("body ran");
        co.yield_(0).await
    });
    assert_eq!(g.asend(5).await, Err(SendError::NotStarted(5)));
    assert_eq!(g.status(), Status::Created);
    assert!(log.events().is_empty());
    assert_eq!(g.astart().await, Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.asend(5).await, Ok(GeneratorState::Complete(5)));
}

#[tokio::test]
async fn asend_delivers_values_across_awaits_and_gets_the_next_yield() {
    let mut g = async_coroutine(async |mut co: Co<'_, String, &str>| {
        let mut got = co.yield_(String::new()).await;
        loop {
            tokio::task::yield_now().await;
            got = co.yield_(got.to_uppercase()).await;
        }
    });
    g.astart().await.unwrap();
    assert_eq!(
        g.asend("hi").await,
        Ok(GeneratorState::Yielded("HI".into()))
    );
    assert_eq!(
        g.asend("yo").await,
        Ok(GeneratorState::Yielded("YO".into()))
    );
}

#[tokio::test]
async fn asend_after_finish_hands_the_value_back() {
    let mut g = async_coroutine(async |mut co: Co<'_, (), u8>| {
        co.yield_(()).await;
    });
    g.astart().await.unwrap();
    assert_eq!(g.asend(1).await, Ok(GeneratorState::Complete(())));
    assert_eq!(g.asend(2).await, Err(SendError::Finished(2)));
}

#[tokio::test]
async fn astart_twice_and_after_finish_are_errors() {
    let mut g = async_coroutine(async |mut co: Co<'_, u8, u8>| co.yield_(1).await);
    assert_eq!(g.astart().await, Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.astart().await, Err(StartError::AlreadyStarted));
    g.asend(0).await.unwrap();
    assert_eq!(g.astart().await, Err(StartError::Finished));
}

#[tokio::test]
async fn raise_before_the_first_yield_comes_out_of_astart() {
    let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &str>| {
        tokio::task::yield_now().await;
        co.raise::<()>("bad config").await;
    });
    assert_eq!(g.astart().await, Err(StartError::Raised("bad config")));
    assert_eq!(g.status(), Status::Finished);
}

#[tokio::test]
async fn raise_comes_out_of_anext() {
    let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &str>| {
        co.yield_(1).await;
        co.raise::<()>("boom").await;
    });
    assert_eq!(g.anext().await, Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.anext().await, Err(ResumeError::Raised("boom")));
    assert_eq!(g.anext().await, Err(ResumeError::Finished));
}

#[test]
#[should_panic(expected = "make it a try-generator")]
fn raise_during_stream_next_panics_with_a_pointer_to_anext() {
    let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &str>| {
        co.raise::<()>("boom").await;
    });
    block_on(g.next());
}

#[tokio::test]
async fn state_goes_created_suspended_running_finished() {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut g = async_generator(async |mut co| {
        co.yield_(1).await;
        rx.await.unwrap();
        co.yield_(2).await;
    });
    assert_eq!(g.status(), Status::Created);
    g.next().await;
    assert_eq!(g.status(), Status::Suspended);
    // Poll once: the body waits on the channel, so the step stays in flight.
    assert!(futures::poll!(g.next()).is_pending());
    assert_eq!(g.status(), Status::Running);
    tx.send(()).unwrap();
    assert_eq!(g.next().await, Some(2));
    g.next().await;
    assert_eq!(g.status(), Status::Finished);
}

#[tokio::test]
async fn stream_ext_and_tokio_stream_adapters_work() {
    let numbers = || {
        async_generator(async |mut co| {
            for i in 0..10 {
                co.yield_(i).await;
            }
        })
    };
    let evens: Vec<_> = numbers()
        .filter(|x| std::future::ready(x % 2 == 0))
        .collect()
        .await;
    assert_eq!(evens, [0, 2, 4, 6, 8]);
    let sum = numbers().fold(0, |a, x| async move { a + x }).await;
    assert_eq!(sum, 45);
    let chunks: Vec<Vec<i32>> = numbers().chunks(4).collect().await;
    assert_eq!(chunks, [vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9]]);
    let firsts: Vec<_> = tokio_stream::StreamExt::take(numbers(), 3).collect().await;
    assert_eq!(firsts, [0, 1, 2]);
    let merged: Vec<_> = tokio_stream::StreamExt::merge(numbers().take(2), numbers().skip(8))
        .collect()
        .await;
    assert_eq!(merged.len(), 4);
}

fn ticker(n: u64) -> impl futures::Stream<Item = u64> + Send {
    async_generator(async move |mut co| {
        for i in 0..n {
            tokio::time::sleep(Duration::from_millis(1)).await;
            co.yield_(i).await;
        }
    })
}

#[test]
fn runs_on_tokio_current_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(ticker(3).collect::<Vec<_>>()), [0, 1, 2]);
}

#[test]
fn runs_on_tokio_multi_thread_inside_a_spawned_task() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let out = rt.block_on(async {
        // A Send body makes a Send generator: it can move between workers.
        tokio::spawn(ticker(5).collect::<Vec<_>>()).await.unwrap()
    });
    assert_eq!(out, [0, 1, 2, 3, 4]);
}

#[test]
fn runs_on_futures_executor_with_its_own_channels() {
    let (mut tx, mut rx) = futures::channel::mpsc::channel::<u32>(1);
    let g = async_generator(async move |mut co| {
        while let Some(x) = rx.next().await {
            co.yield_(x * 10).await;
        }
    });
    let mut pool = futures::executor::LocalPool::new();
    use futures::task::LocalSpawnExt;
    pool.spawner()
        .spawn_local(async move {
            for i in 1..=3 {
                futures::SinkExt::send(&mut tx, i).await.unwrap();
            }
        })
        .unwrap();
    let out = pool.run_until(g.collect::<Vec<_>>());
    assert_eq!(out, [10, 20, 30]);
}

#[tokio::test]
async fn the_body_runs_in_the_consumers_task() {
    let g = async_generator(async |mut co| {
        co.yield_(tokio::task::id()).await;
        tokio::task::yield_now().await;
        co.yield_(tokio::task::id()).await;
    });
    let ids: Vec<_> = tokio::spawn(async move {
        let me = tokio::task::id();
        let seen: Vec<_> = g.collect().await;
        assert!(seen.iter().all(|id| *id == me));
        seen
    })
    .await
    .unwrap();
    assert_eq!(ids.len(), 2);
    // And the test's own future, which is not a task, never ran the body.
    assert_eq!(tokio::task::try_id(), None);
}

#[tokio::test]
async fn dropping_a_finished_or_fresh_generator_runs_nothing_more() {
    let log = Log::new();
    let g = async_generator(async |mut co| {
        let _g = log.guard("local");
        co.yield_(1).await;
    });
    drop(g);
    assert!(log.events().is_empty());
    let mut g = async_generator(async |mut co| {
        let _g = log.guard("local");
        co.yield_(1).await;
    });
    while g.next().await.is_some() {}
    assert_eq!(log.take(), s(&["drop local"]));
    drop(g);
    assert!(log.events().is_empty());
}
