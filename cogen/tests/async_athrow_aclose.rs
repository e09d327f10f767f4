//! athrow and aclose (PEP 525): handled and unhandled throws, async cleanup
//! awaited by aclose, ignored close, fresh and finished generators.
mod common;

use std::cell::Cell;
use std::time::Duration;

use cogen::catching::{self, Catching};
use cogen::error::{CloseError, ThrowError};
use cogen::ops::closing;
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, Interrupt, async_coroutine, async_generator};
use common::{Log, s};
use futures::StreamExt;

#[tokio::test]
async fn athrow_into_a_fresh_generator_gives_the_error_back_and_runs_nothing() {
    // Python: await g.athrow(ValueError()) on a fresh generator raises it; body never ran.
    let log = Log::new();
    let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &str>| {
        log.push("body ran");
        let _g = log.guard("local");
        co.yield_(1).await;
    });
    assert_eq!(g.athrow("early").await, Err(ThrowError::Raised("early")));
    assert_eq!(g.status(), Status::Finished);
    assert!(log.events().is_empty());
}

#[tokio::test]
async fn athrow_at_a_plain_yield_unwinds_the_body_and_gives_the_error_back() {
    let log = Log::new();
    let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &str>| {
        let _g = log.guard("local");
        co.yield_(1).await;
        log.push("never");
    });
    g.astart().await.unwrap();
    assert_eq!(g.athrow("stop").await, Err(ThrowError::Raised("stop")));
    assert_eq!(log.events(), s(&["drop local"]));
    assert_eq!(g.status(), Status::Finished);
}

#[tokio::test]
async fn athrow_handled_by_the_body_gives_the_next_yielded_value() {
    // Python: the except block runs, and athrow returns the next yield's value.
    let mut g = catching::async_coroutine(async |mut co: Co<'_, &str, (), String, Catching>| {
        loop {
            match co.yield_("v").catching().await {
                Err(Interrupt::Throw(e)) => {
                    tokio::task::yield_now().await; // handling may await
                    co.yield_(if e == "x" { "handled x" } else { "handled" })
                        .await;
                }
                _ => continue,
            }
        }
    });
    g.astart().await.unwrap();
    assert_eq!(
        g.athrow("x".into()).await,
        Ok(GeneratorState::Yielded("handled x"))
    );
    assert_eq!(g.anext().await, Ok(GeneratorState::Yielded("v")));
    assert_eq!(g.status(), Status::Suspended);
}

#[tokio::test]
async fn athrow_handled_by_returning_completes_with_the_return_value() {
    let mut g = catching::async_coroutine(async |mut co: Co<'_, (), (), u32, Catching>| {
        match co.yield_(()).catching().await {
            Err(Interrupt::Throw(n)) => n * 2,
            _ => 0,
        }
    });
    g.astart().await.unwrap();
    assert_eq!(g.athrow(21).await, Ok(GeneratorState::Complete(42)));
}

#[tokio::test]
async fn athrow_reraised_as_a_different_error_comes_back() {
    let mut g = catching::async_coroutine(async |mut co: Co<'_, (), (), String, Catching>| {
        if let Err(Interrupt::Throw(e)) = co.yield_(()).catching().await {
            co.raise::<()>(format!("wrapped: {e}")).await;
        }
    });
    g.astart().await.unwrap();
    assert_eq!(
        g.athrow("inner".into()).await,
        Err(ThrowError::Raised("wrapped: inner".into()))
    );
}

#[tokio::test]
async fn athrow_into_a_finished_generator_hands_the_error_back() {
    // CPython 3.11 returns None here; cogen keeps the sync rule (the error comes
    // back), so an error is never silently swallowed.
    let mut g = async_coroutine(async |_co: Co<'_, (), (), &str>| {});
    g.astart().await.unwrap();
    assert_eq!(g.athrow("late").await, Err(ThrowError::Raised("late")));
}

#[tokio::test]
async fn aclose_awaits_the_bodys_async_cleanup() {
    // Python: try: yield ... finally: await asyncio.sleep(0); log(...)
    let log = Log::new();
    let mut g = catching::async_generator_scoped(async |mut co| {
        log.push("start");
        let mut i = 0;
        while co.yield_(i).catching().await.is_ok() {
            i += 1;
        }
        log.push("cleanup-begin");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        log.push("cleanup-end");
    });
    assert_eq!(g.next().await, Some(0));
    assert_eq!(g.aclose().await, Ok(Some(())));
    assert_eq!(log.events(), s(&["start", "cleanup-begin", "cleanup-end"]));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.next().await, None);
}

#[tokio::test]
async fn aclose_polls_the_cleanup_until_it_completes_and_no_further() {
    let polls = Cell::new(0);
    let mut g = catching::async_generator(async |mut co| {
        let _ = co.yield_(()).catching().await;
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
    });
    g.next().await;
    let close = common::Polls {
        inner: g.aclose(),
        count: &polls,
    };
    assert_eq!(close.await, Ok(Some(())));
    // One poll delivers the close, one per yield_now, and the last completes.
    assert_eq!(polls.get(), 4);
}

#[tokio::test]
async fn aclose_at_a_plain_yield_drops_locals_without_running_more_body() {
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        let _a = log.guard("a");
        let _b = log.guard("b");
        co.yield_(1).await;
        log.push("never");
    });
    g.next().await;
    assert_eq!(g.aclose().await, Ok(None));
    assert_eq!(log.events(), s(&["drop b", "drop a"]));
}

#[tokio::test]
async fn aclose_on_a_fresh_generator_runs_nothing_and_finishes_it() {
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        log.push("ran");
        co.yield_(1).await;
    });
    assert_eq!(g.aclose().await, Ok(None));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.next().await, None);
    assert!(log.events().is_empty());
}

#[tokio::test]
async fn aclose_on_a_finished_generator_does_nothing() {
    let mut g = async_generator(async |mut co| co.yield_(1).await);
    while g.next().await.is_some() {}
    assert_eq!(g.aclose().await, Ok(None));
    assert_eq!(g.aclose().await, Ok(None));
}

#[tokio::test]
async fn aclose_reports_ignored_close_and_leaves_the_generator_resumable() {
    // Python: RuntimeError("async generator ignored GeneratorExit").
    let mut g = catching::async_generator(async |mut co| {
        loop {
            let _ = co.yield_("still here").catching().await;
        }
    });
    g.next().await;
    assert_eq!(g.aclose().await, Err(CloseError::Ignored("still here")));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.next().await, Some("still here"));
}

#[tokio::test]
async fn aclose_reports_an_error_raised_by_the_cleanup() {
    let mut g = catching::async_coroutine(async |mut co: Co<'_, (), (), &str, Catching>| {
        if co.yield_(()).catching().await.is_err() {
            tokio::task::yield_now().await;
            co.raise::<()>("flush failed").await;
        }
    });
    g.astart().await.unwrap();
    assert_eq!(g.aclose().await, Err(CloseError::Raised("flush failed")));
    assert_eq!(g.status(), Status::Finished);
}

#[tokio::test]
async fn closing_awaits_cleanup_after_the_consumer_stops_early() {
    // Python: async with aclosing(g) as g: async for x in g: break
    let log = Log::new();
    let g = catching::async_generator_scoped(async |mut co| {
        for i in 0.. {
            if co.yield_(i).catching().await.is_err() {
                break;
            }
        }
        tokio::task::yield_now().await;
        log.push("goodbye sent");
    });
    let first_two = closing(g, async |g| {
        let mut seen = vec![];
        while let Some(x) = g.next().await {
            seen.push(x);
            if seen.len() == 2 {
                break;
            }
        }
        seen
    })
    .await;
    assert_eq!(first_two, Ok(vec![0, 1]));
    assert_eq!(log.events(), s(&["goodbye sent"]));
}

#[tokio::test]
async fn closing_reports_a_generator_that_ignores_the_close() {
    let g = catching::async_generator(async |mut co| {
        loop {
            let _ = co.yield_(7).catching().await;
        }
    });
    let r = closing(g, async |g| g.next().await).await;
    assert_eq!(r, Err(CloseError::Ignored(7)));
}

/// A coroutine whose catching yield point flushes (awaiting) and then lets
/// the interrupt go on.
fn flushes_then_propagates(
    log: &Log,
) -> cogen::AsyncGen<u8, impl std::future::Future<Output = ()> + '_, (), &'static str, Catching> {
    catching::async_coroutine_scoped(async |mut co: Co<'_, u8, (), &str, Catching>| {
        if let Err(interrupt) = co.yield_(1).catching().await {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            log.push("flushed");
            co.propagate::<()>(interrupt).await;
        }
    })
}

#[tokio::test(start_paused = true)]
async fn propagate_lets_aclose_go_on_after_awaited_cleanup() {
    let log = Log::new();
    let mut g = flushes_then_propagates(&log);
    g.astart().await.unwrap();
    assert_eq!(g.aclose().await, Ok(None));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(log.events(), s(&["flushed"]));
}

#[tokio::test(start_paused = true)]
async fn propagate_raises_a_thrown_error_again_after_awaited_cleanup() {
    let log = Log::new();
    let mut g = flushes_then_propagates(&log);
    g.astart().await.unwrap();
    assert_eq!(g.athrow("boom").await, Err(ThrowError::Raised("boom")));
    assert_eq!(log.events(), s(&["flushed"]));
}
