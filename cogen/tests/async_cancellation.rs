//! Cancel safety: dropping a pending next/anext/asend/aclose future (in
//! `select!` or `timeout`) loses no item and leaves the generator usable.
//! Uses tokio's paused clock, so nothing sleeps for real.
mod common;

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use cogen::catching;
use cogen::error::{SendError, ThrowError};
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, async_coroutine, async_generator};
use common::{Log, s};
use futures::StreamExt;
use tokio::time::{Instant, sleep, timeout};

const MS: Duration = Duration::from_millis(1);

#[tokio::test(start_paused = true)]
async fn timeout_on_next_loses_no_item_and_does_not_restart_the_await() {
    let mut g = async_generator(async |mut co| {
        sleep(100 * MS).await;
        co.yield_("slow item").await;
    });
    let start = Instant::now();
    assert!(timeout(30 * MS, g.next()).await.is_err());
    assert_eq!(g.status(), Status::Running);
    // The same sleep goes on: the item arrives 100ms after the start, not 130.
    assert_eq!(g.next().await, Some("slow item"));
    assert_eq!(start.elapsed(), 100 * MS);
    assert_eq!(g.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn select_against_a_ticker_delivers_every_item_in_order() {
    let mut g = async_generator(async |mut co| {
        for i in 0..5 {
            sleep(25 * MS).await;
            co.yield_(i).await;
        }
    });
    let mut ticker = tokio::time::interval(10 * MS);
    let (mut items, mut ticks) = (vec![], 0);
    loop {
        tokio::select! {
            item = g.next() => match item {
                Some(i) => items.push(i),
                None => break,
            },
            _ = ticker.tick() => ticks += 1,
        }
    }
    assert_eq!(items, [0, 1, 2, 3, 4]);
    assert!(
        ticks >= 10,
        "the ticker kept cancelling next(): {ticks} ticks"
    );
}

/// A future that logs when it is polled and dropped.
struct Watched<'a> {
    log: &'a Log,
    polls: &'a Cell<usize>,
    ready_after: usize,
}

impl Future for Watched<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        if self.polls.get() >= self.ready_after {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Drop for Watched<'_> {
    fn drop(&mut self) {
        self.log.push("awaited future dropped");
    }
}

#[tokio::test]
async fn a_body_cancelled_mid_await_is_kept_as_is_neither_polled_nor_dropped() {
    let log = Log::new();
    let polls = Cell::new(0);
    let mut g = async_generator(async |mut co| {
        Watched {
            log: &log,
            polls: &polls,
            ready_after: 3,
        }
        .await;
        co.yield_(1).await;
    });
    // Poll next() once and drop it: the body is parked inside `Watched`.
    assert!(futures::poll!(g.next()).is_pending());
    assert_eq!(polls.get(), 1);
    tokio::task::yield_now().await;
    assert_eq!(
        polls.get(),
        1,
        "nobody polls the body while no one waits on it"
    );
    assert!(log.events().is_empty(), "the awaited future is not dropped");
    // The next consumer continues the very same await.
    assert_eq!(g.next().await, Some(1));
    assert_eq!(polls.get(), 3);
    assert_eq!(log.events(), s(&["awaited future dropped"]));
}

#[tokio::test]
async fn an_item_sent_after_the_consumer_gave_up_is_still_delivered() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    let mut g = async_generator(async |mut co| {
        while let Some(x) = rx.recv().await {
            co.yield_(x).await;
        }
    });
    tokio::select! {
        biased;
        _ = g.next() => panic!("nothing was sent yet"),
        _ = std::future::ready(()) => {}
    }
    tx.send(7).await.unwrap();
    drop(tx);
    assert_eq!(g.next().await, Some(7));
    assert_eq!(g.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn anext_after_a_cancelled_anext_continues_the_step() {
    let mut g = async_generator(async |mut co| {
        sleep(50 * MS).await;
        co.yield_('a').await;
        'r'
    });
    assert!(timeout(10 * MS, g.anext()).await.is_err());
    assert_eq!(g.anext().await, Ok(GeneratorState::Yielded('a')));
    assert_eq!(g.anext().await, Ok(GeneratorState::Complete('r')));
}

#[tokio::test(start_paused = true)]
async fn asend_and_athrow_during_a_cancelled_step_hand_their_value_back() {
    let log = Log::new();
    let mut g = async_coroutine(async |mut co: Co<'_, u32, u32, &str>| {
        let mut n = co.yield_(0).await;
        loop {
            sleep(n * MS).await;
            log.push(format!("slept {n}"));
            n = co.yield_(n).await;
        }
    });
    g.astart().await.unwrap();
    assert!(timeout(10 * MS, g.asend(50)).await.is_err());
    assert_eq!(g.asend(1).await, Err(SendError::Running(1)));
    assert_eq!(g.athrow("x").await, Err(ThrowError::Running("x")));
    assert!(
        log.events().is_empty(),
        "nothing ran for the rejected operations"
    );
    assert_eq!(g.finish_step().await, Some(Ok(GeneratorState::Yielded(50))));
    assert_eq!(g.finish_step().await, None);
    assert_eq!(g.asend(2).await, Ok(GeneratorState::Yielded(2)));
    assert_eq!(log.events(), s(&["slept 50", "slept 2"]));
}

#[tokio::test(start_paused = true)]
async fn aclose_during_a_cancelled_step_drops_the_body_at_its_await() {
    let log = Log::new();
    let mut g = catching::async_generator_scoped(async |mut co| {
        let _g = log.guard("local");
        loop {
            sleep(100 * MS).await;
            if co.yield_(()).catching().await.is_err() {
                log.push("async cleanup");
                return;
            }
        }
    });
    assert!(timeout(10 * MS, g.next()).await.is_err());
    let start = Instant::now();
    assert_eq!(g.aclose().await, Ok(None));
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "aclose does not wait for the sleep"
    );
    assert_eq!(log.events(), s(&["drop local"]));
    assert_eq!(g.status(), Status::Finished);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_aclose_is_continued_by_the_next_aclose() {
    let log = Log::new();
    let mut g = catching::async_generator_scoped(async |mut co| {
        let _ = co.yield_(()).catching().await;
        log.push("cleanup begins");
        sleep(100 * MS).await;
        log.push("cleanup ends");
    });
    g.next().await;
    assert!(timeout(10 * MS, g.aclose()).await.is_err());
    assert_eq!(g.status(), Status::Running);
    assert_eq!(g.aclose().await, Ok(Some(())));
    assert_eq!(log.events(), s(&["cleanup begins", "cleanup ends"]));
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_delegation_step_is_continued_in_the_sub_generator() {
    let mut outer = async_generator(async |mut co| {
        let sub = async_generator(async |mut co| {
            sleep(30 * MS).await;
            co.yield_(1).await;
            sleep(30 * MS).await;
            co.yield_(2).await;
        });
        co.yield_from(sub).await;
    });
    let mut got = vec![];
    while got.len() < 2 {
        if let Ok(Some(x)) = timeout(7 * MS, outer.next()).await {
            got.push(x);
        }
    }
    assert_eq!(got, [1, 2]);
    assert_eq!(outer.next().await, None);
}
