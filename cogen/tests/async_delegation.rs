//! Async delegation, which Python lacks: `yield_from` an async generator
//! (forwarding asend, athrow and aclose, evaluating to its return value),
//! `yield_from_stream` over any Stream, and sync sub-generators inside async
//! bodies.
mod common;

use std::time::Duration;

use cogen::catching::{self, Catching};
use cogen::error::{CloseError, ThrowError};
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, Interrupt, async_coroutine, async_generator, generator};
use common::{Log, s};
use futures::{StreamExt, stream};

#[tokio::test(start_paused = true)]
async fn yield_from_an_async_generator_yields_its_values_and_evaluates_to_its_return() {
    let outer = async_generator(async |mut co| {
        let sub = async_generator(async |mut co| {
            for i in 1..=2 {
                tokio::time::sleep(Duration::from_millis(10)).await;
                co.yield_(i).await;
            }
            "sub done"
        });
        let r = co.yield_from(sub).await;
        assert_eq!(r, "sub done");
        co.yield_(3).await;
    });
    assert_eq!(outer.collect::<Vec<_>>().await, [1, 2, 3]);
}

#[tokio::test]
async fn asend_is_forwarded_to_the_sub_generator() {
    let mut outer = async_coroutine(async |mut co: Co<'_, i32, i32>| {
        let sub = async_coroutine(async |mut co: Co<'_, i32, i32>| {
            let a = co.yield_(0).await;
            tokio::task::yield_now().await;
            let b = co.yield_(a * 10).await;
            a + b
        });
        let total = co.yield_from(sub).await;
        co.yield_(total).await
    });
    assert_eq!(outer.astart().await, Ok(GeneratorState::Yielded(0)));
    assert_eq!(outer.asend(4).await, Ok(GeneratorState::Yielded(40)));
    assert_eq!(outer.asend(5).await, Ok(GeneratorState::Yielded(9)));
    assert!(!outer.is_delegating());
}

#[tokio::test]
async fn athrow_handled_by_the_sub_generator_continues_the_delegation() {
    let mut outer = async_coroutine(async |mut co: Co<'_, &str, (), &str>| {
        let sub = catching::async_coroutine(async |mut co: Co<'_, &str, (), &str, Catching>| {
            loop {
                if let Err(Interrupt::Throw(e)) = co.yield_("sub").catching().await {
                    tokio::task::yield_now().await;
                    co.yield_(e).await;
                }
            }
        });
        co.yield_from(sub).await
    });
    outer.astart().await.unwrap();
    assert!(outer.is_delegating());
    assert_eq!(
        outer.athrow("caught below").await,
        Ok(GeneratorState::Yielded("caught below"))
    );
    assert!(outer.is_delegating());
}

#[tokio::test]
async fn athrow_not_handled_by_the_sub_generator_surfaces_in_the_outer_body() {
    let log = Log::new();
    let mut outer =
        catching::async_coroutine_scoped(async |mut co: Co<'_, i32, (), String, Catching>| {
            let sub = async_coroutine(async |mut co: Co<'_, i32, (), String>| {
                let _g = log.guard("sub local");
                co.yield_(1).await;
            });
            if let Err(Interrupt::Throw(e)) = co.yield_from(sub).catching().await {
                co.yield_(e.len() as i32).await;
            }
        });
    assert_eq!(outer.astart().await, Ok(GeneratorState::Yielded(1)));
    assert_eq!(
        outer.athrow("abc".into()).await,
        Ok(GeneratorState::Yielded(3))
    );
    assert_eq!(log.events(), s(&["drop sub local"]));
}

#[tokio::test]
async fn athrow_not_handled_anywhere_comes_back_out() {
    let mut outer = async_coroutine(async |mut co: Co<'_, i32, (), &str>| {
        let sub = async_coroutine(async |mut co: Co<'_, i32, (), &str>| co.yield_(1).await);
        co.yield_from(sub).await;
    });
    outer.astart().await.unwrap();
    assert_eq!(outer.athrow("e").await, Err(ThrowError::Raised("e")));
    assert_eq!(outer.status(), Status::Finished);
}

#[tokio::test]
async fn aclose_closes_the_sub_generator_first_awaiting_both_cleanups() {
    let log = Log::new();
    let mut outer = catching::async_generator_scoped(async |mut co| {
        let sub = catching::async_generator_scoped(async |mut co| {
            while co.yield_(1).catching().await.is_ok() {}
            tokio::task::yield_now().await;
            log.push("sub cleanup");
        });
        let closed = co.yield_from(sub).catching().await;
        assert_eq!(closed, Err(Interrupt::Close));
        tokio::task::yield_now().await;
        log.push("outer cleanup");
    });
    assert_eq!(outer.next().await, Some(1));
    assert_eq!(outer.aclose().await, Ok(Some(())));
    assert_eq!(log.events(), s(&["sub cleanup", "outer cleanup"]));
}

#[tokio::test]
async fn a_sub_generator_that_ignores_aclose_finishes_the_outer_one() {
    let mut outer = async_generator(async |mut co| {
        let sub = catching::async_generator(async |mut co| {
            loop {
                let _ = co.yield_("stubborn").catching().await;
            }
        });
        co.yield_from(sub).await;
    });
    outer.next().await;
    assert_eq!(outer.aclose().await, Err(CloseError::Ignored("stubborn")));
    assert_eq!(outer.status(), Status::Finished);
}

#[tokio::test]
async fn a_sync_sub_generator_can_be_delegated_to_from_an_async_body() {
    let outer = async_generator(async |mut co| {
        let sub = generator(async |mut co| {
            co.yield_(1).await;
            co.yield_(2).await;
            10
        });
        let r = co.yield_from(sub).await;
        tokio::task::yield_now().await;
        co.yield_(r).await;
    });
    assert_eq!(outer.collect::<Vec<_>>().await, [1, 2, 10]);
}

#[tokio::test(start_paused = true)]
async fn yield_from_stream_yields_every_item_awaiting_between_them() {
    let ticks = tokio_stream::wrappers::IntervalStream::new(tokio::time::interval(
        Duration::from_millis(100),
    ))
    .take(3)
    .map(|_| "tick");
    let g = async_generator(async |mut co| {
        co.yield_("start").await;
        co.yield_from_stream(ticks).await;
        co.yield_from_stream(stream::iter(["a", "b"])).await;
    });
    let start = tokio::time::Instant::now();
    assert_eq!(
        g.collect::<Vec<_>>().await,
        ["start", "tick", "tick", "tick", "a", "b"]
    );
    // The first tick is immediate.
    assert_eq!(start.elapsed(), Duration::from_millis(200));
}

#[tokio::test]
async fn yield_from_stream_pulls_one_item_per_resume() {
    let pulled = std::cell::Cell::new(0);
    let source = stream::iter(0..100).inspect(|_| pulled.set(pulled.get() + 1));
    let mut g = async_generator(async |mut co| co.yield_from_stream(source).await);
    assert_eq!(g.next().await, Some(0));
    assert_eq!(pulled.get(), 1);
    assert_eq!(g.next().await, Some(1));
    assert_eq!(pulled.get(), 2);
}

#[tokio::test]
async fn aclose_while_delegating_to_a_stream_arrives_at_the_delegation() {
    let mut g = catching::async_generator(async |mut co| {
        match co.yield_from_stream(stream::repeat(1)).catching().await {
            Err(Interrupt::Close) => {
                tokio::task::yield_now().await;
                "closed"
            }
            _ => "ended",
        }
    });
    assert_eq!(g.anext().await, Ok(GeneratorState::Yielded(1)));
    assert!(g.is_delegating());
    assert_eq!(g.aclose().await, Ok(Some("closed")));
}

#[tokio::test]
async fn athrow_while_delegating_to_a_stream_without_catching_raises_out() {
    let log = Log::new();
    let mut g = async_coroutine(async |mut co: Co<'_, i32, (), &str>| {
        let _g = log.guard("local");
        co.yield_from_stream(stream::iter([1, 2])).await;
    });
    g.astart().await.unwrap();
    assert_eq!(g.athrow("stop").await, Err(ThrowError::Raised("stop")));
    assert_eq!(log.events(), s(&["drop local"]));
}

#[tokio::test]
async fn delegation_chains_three_levels_deep_with_awaits_at_each() {
    fn level(depth: u32) -> std::pin::Pin<Box<dyn futures::Stream<Item = u32>>> {
        if depth == 0 {
            return Box::pin(stream::iter([100]));
        }
        Box::pin(async_generator(async move |mut co| {
            tokio::task::yield_now().await;
            co.yield_(depth).await;
            co.yield_from_stream(level(depth - 1)).await;
        }))
    }
    assert_eq!(level(3).collect::<Vec<_>>().await, [3, 2, 1, 100]);
}

#[tokio::test]
async fn dropping_an_async_generator_delegating_to_a_borrowed_sync_generator_closes_it() {
    // The `yield_from` closes a sync sub-generator it was waiting on when it
    // is dropped, as Python closes a delegating generator's sub-generator.
    let log = Log::new();
    let mut sub = catching::generator(async |mut co| {
        if co.yield_(1).catching().await.is_err() {
            log.push("sub closing");
        }
    });
    {
        let mut outer = async_generator(async |mut co| {
            co.yield_from(&mut sub).await;
        });
        assert_eq!(outer.next().await, Some(1));
    }
    assert_eq!(log.events(), s(&["sub closing"]));
    assert_eq!(sub.status(), Status::Finished);
}

#[tokio::test]
async fn a_delegation_the_body_abandons_leaves_a_borrowed_sync_sub_generator_suspended() {
    // The body races its delegation against something else and goes on when
    // the other wins: the sub-generator stays where it stands, for its owner.
    let mut sub = generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    {
        let mut outer = async_generator(async |mut co| {
            let mut polls = 0;
            {
                let give_up = std::pin::pin!(std::future::poll_fn(|_| {
                    polls += 1;
                    if polls >= 2 {
                        std::task::Poll::Ready(())
                    } else {
                        std::task::Poll::Pending
                    }
                }));
                let delegation = std::pin::pin!(co.yield_from(&mut sub));
                // `select` polls `give_up` first: the delegation yields 1, and
                // on the next poll `give_up` wins and the delegation is dropped.
                let _ = futures::future::select(give_up, delegation).await;
            }
            co.yield_(10).await;
        });
        assert_eq!(outer.next().await, Some(1));
        assert_eq!(outer.next().await, Some(10));
    }
    assert_eq!(sub.status(), Status::Suspended);
    assert_eq!(sub.next(), Some(2));
}

/// A hand-written async sub-generator whose close step logs a flush.
struct Writer(Log);

impl cogen::AsyncGenerator for Writer {
    type Yield = u8;
    type Sent = ();
    type Error = std::convert::Infallible;
    type Return = ();
    fn poll_step(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        action: Option<cogen::protocol::Action<(), std::convert::Infallible>>,
    ) -> std::task::Poll<cogen::protocol::Outcome<u8, (), (), std::convert::Infallible>> {
        use cogen::protocol::{Action, Outcome};
        std::task::Poll::Ready(match action {
            Some(Action::Close) => {
                self.0.push("flushed");
                Outcome::Closed
            }
            _ => Outcome::Yielded(1),
        })
    }
}

#[tokio::test]
async fn dropping_a_plain_async_generator_closes_a_hand_written_async_sub_generator() {
    let log = Log::new();
    let mut outer = async_generator(async |mut co| {
        co.yield_from(Writer(log.clone())).await;
    });
    assert_eq!(outer.next().await, Some(1));
    drop(outer);
    assert_eq!(log.events(), s(&["flushed"]));
}

#[tokio::test]
async fn dropping_a_plain_async_generator_closes_a_boxed_hand_written_sub_generator() {
    let log = Log::new();
    let mut outer = async_generator(async |mut co| {
        let sub: cogen::protocol::LocalBoxAsyncGenerator<'_, u8> = Box::pin(Writer(log.clone()));
        co.yield_from(sub).await;
    });
    assert_eq!(outer.next().await, Some(1));
    drop(outer);
    assert_eq!(log.events(), s(&["flushed"]));
}

#[tokio::test]
async fn dropping_a_plain_async_generator_leaves_a_borrowed_async_sub_generator_to_its_owner() {
    // An async sub-generator's close may have to wait, which a drop cannot:
    // a borrowed one is its owner's to close.
    let log = Log::new();
    let mut sub = catching::async_generator_scoped(async |mut co| {
        if co.yield_(1).catching().await.is_err() {
            log.push("sub closed");
        }
    });
    {
        let mut outer = async_generator(async |mut co| {
            co.yield_from(&mut sub).await;
        });
        assert_eq!(outer.next().await, Some(1));
    }
    assert_eq!(sub.status(), Status::Suspended);
    assert!(log.events().is_empty());
    assert_eq!(sub.aclose().await, Ok(Some(())));
    assert_eq!(log.events(), s(&["sub closed"]));
}

#[tokio::test(start_paused = true)]
async fn a_delegation_not_yet_begun_leaves_a_started_sub_generator_when_its_generator_drops() {
    // The `yield_from` exists but was never polled (the body awaits something
    // first): the sub-generator is not its to close.
    let mut sub = generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    assert_eq!(sub.next(), Some(1));
    {
        let mut outer = async_generator(async |mut co| {
            let delegation = co.yield_from(&mut sub).resuming(());
            tokio::time::sleep(Duration::from_secs(1)).await;
            delegation.await;
        });
        assert!(futures::poll!(outer.next()).is_pending());
    }
    assert_eq!(sub.status(), Status::Suspended);
    assert_eq!(sub.next(), Some(2));
}

#[tokio::test(start_paused = true)]
async fn aclose_of_a_body_parked_mid_await_closes_the_sub_generator_its_delegation_waits_on() {
    // `aclose` finds the body in the middle of an await and drops it there,
    // as a drop would: its `yield_from`, waiting on the sub-generator, closes it.
    let log = Log::new();
    let mut sub = catching::generator(async |mut co| {
        if co.yield_(1).catching().await.is_err() {
            log.push("sub closed");
        }
    });
    let mut outer = async_generator(async |mut co| {
        let mut delegation = std::pin::pin!(co.yield_from(&mut sub));
        let mut first = true;
        // Poll the delegation once (the sub-generator yields 1), then leave
        // it waiting while the body awaits a timer.
        std::future::poll_fn(|cx| {
            if std::mem::take(&mut first) {
                let _ = delegation.as_mut().poll(cx);
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        delegation.await;
    });
    assert_eq!(outer.next().await, Some(1));
    assert!(futures::poll!(outer.next()).is_pending()); // now parked at the timer
    assert_eq!(outer.aclose().await, Ok(None));
    assert_eq!(log.events(), s(&["sub closed"]));
    drop(outer);
    assert_eq!(sub.status(), Status::Finished);
}

#[tokio::test(start_paused = true)]
async fn a_sub_generator_that_panicked_is_not_closed_when_its_generator_drops_later() {
    // The body catches the sub-generator's panic and keeps the delegation
    // around: the broken sub-generator is not closed when the body drops.
    use futures::FutureExt;
    let closes = std::cell::Cell::new(0);
    let mut sub = common::HandWritten {
        closes: &closes,
        panic_on_send: true,
    };
    {
        let mut outer = async_generator(async |mut co| {
            let mut delegation = std::pin::pin!(
                std::panic::AssertUnwindSafe(co.yield_from(&mut sub)).catch_unwind()
            );
            assert!(delegation.as_mut().await.is_err());
            tokio::time::sleep(Duration::from_secs(1)).await;
        });
        assert_eq!(outer.next().await, Some(1));
        assert!(futures::poll!(outer.next()).is_pending()); // the panic was caught
    }
    assert_eq!(closes.get(), 0);
}

#[tokio::test]
async fn a_boxed_async_generator_sub_generator_is_left_to_its_own_drop_as_an_unboxed_one_is() {
    // Boxing does not change how an `AsyncGen` sub-generator is treated: no
    // close poll from the delegation (that would leave its awaiting close
    // half-done), only its own `Drop`.
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut outer = async_generator(async |mut co| {
        let sub: cogen::protocol::LocalBoxAsyncGenerator<'_, u8> =
            Box::pin(catching::async_generator_scoped(async |mut co| {
                if co.yield_(1).catching().await.is_err() {
                    tokio::task::yield_now().await; // cleanup that waits
                }
            }));
        co.yield_from(sub).await;
    });
    assert_eq!(outer.next().await, Some(1));
    drop(outer);
    let text = logs.text();
    assert!(!text.contains("did not close cleanly"), "{text}");
    // Its own `Drop` reports the cleanup it could not await (it borrows, so
    // no run can take it over).
    assert!(text.contains("without awaiting its cleanup"), "{text}");
}
