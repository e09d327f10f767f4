//! Misuse of async generators: a clear panic or a consistent result, never UB,
//! a hang or a lost item. Misuse the types forbid is in ui-tests/tests/ui.
mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use cogen::catching::Catching;
use cogen::protocol::Status;
use cogen::{GeneratorState, async_generator, generator};
use futures::StreamExt;
use futures::executor::block_on;

#[test]
#[should_panic(expected = "polled again after it completed")]
fn polling_an_operation_again_after_it_completed_panics() {
    let mut g = async_generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    let mut op = g.anext();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(
        Pin::new(&mut op).poll(&mut cx),
        Poll::Ready(Ok(GeneratorState::Yielded(1)))
    );
    let _ = Pin::new(&mut op).poll(&mut cx);
}

#[test]
#[should_panic(expected = "need an async generator")]
fn a_sync_generator_delegating_to_an_awaiting_async_generator_panics_clearly() {
    let mut g = generator(async |mut co| {
        let sub = async_generator(async |mut co| {
            std::future::pending::<()>().await;
            co.yield_(1).await;
        });
        co.yield_from(sub).await;
    });
    g.next();
}

#[test]
#[should_panic(expected = "a yield handle was used inside another generator's body")]
fn a_handle_lent_to_a_nested_generator_panics_naming_the_mistake() {
    // The outer handle is borrowed by an inner generator's body, which runs
    // inside the outer body's poll. The inner driver's frame carries the
    // inner generator's id, so the outer handle finds no slot of its own
    // there: a clear panic, never a write into another generator's slot.
    let mut outer = async_generator(async |mut co| {
        co.yield_("outer 1").await;
        {
            let co = &mut co;
            let mut inner = async_generator(async move |_inner_co: cogen::Co<'_, &str>| {
                co.yield_("inner via outer").await;
                "inner done"
            });
            let _ = inner.anext().await;
        }
        co.yield_("outer 2").await;
    });
    let _: Vec<_> = block_on((&mut outer).collect());
}

#[test]
#[should_panic(expected = "a yield handle was used inside another generator's body")]
fn two_yields_raced_in_one_step_panic_instead_of_losing_a_value() {
    // Two handles' yields cannot be raced (`&mut`); a nested generator lent the
    // outer handle could try, by yielding while the outer body also yields:
    // its yield panics at once (it is polled under the inner generator's
    // frame), before anything could be lost.
    let mut outer = async_generator(async |mut co| {
        let mut inner = {
            let co = &mut co;
            async_generator(async move |_c: cogen::Co<'_, u8>| {
                co.yield_(1).await;
            })
        };
        // Poll the inner generator once: it posts 1 to the outer slot...
        let _ = futures::poll!(inner.next());
        drop(inner);
        // ...and the outer body yields again in the same step.
        co.yield_(2).await;
    });
    block_on(outer.next());
}

/// Pending on its first poll, ready on the second.
struct ReadyOnSecondPoll(bool);

impl Future for ReadyOnSecondPoll {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn a_yield_that_loses_a_select_race_after_posting_delivers_its_value_once() {
    // The yield posts its value, the consumer takes it and resumes, and then
    // the other branch wins: the yield future is dropped with the resume
    // unconsumed. The value went out exactly once; the stale resume is
    // discarded at the next yield.
    let mut g = async_generator(async |mut co| {
        for i in 1..=3 {
            tokio::select! {
                biased;
                _ = ReadyOnSecondPoll(false) => {}
                _ = co.yield_(i) => unreachable!("the other branch wins on resume"),
            }
            co.yield_(i * 10).await;
        }
    });
    let got: Vec<_> = block_on((&mut g).collect());
    assert_eq!(got, [1, 10, 2, 20, 3, 30]);
}

fn panic_text(err: Box<dyn std::any::Any + Send>) -> String {
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Runs `step` to completion on a paused current-thread runtime and returns
/// its panic message.
fn panic_of<T>(step: impl Future<Output = T>) -> String {
    use futures::FutureExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let caught = rt.block_on(std::panic::AssertUnwindSafe(step).catch_unwind());
    panic_text(caught.err().expect("the step should panic"))
}

#[test]
fn a_yield_abandoned_by_a_timeout_then_return_panics_instead_of_losing_the_value() {
    use std::cell::Cell;
    use std::rc::Rc;
    let live = Rc::new(Cell::new(0));
    let made = live.clone();
    let mut g = async_generator(async move |mut co| {
        // Timeout zero: the yield posts its value, then the timer wins and
        // drops the yield future before the consumer saw the value.
        let _ = tokio::time::timeout(
            std::time::Duration::ZERO,
            co.yield_(common::Live::new(&made)),
        )
        .await;
        "r"
    });
    let msg = panic_of(g.anext());
    assert!(
        msg.contains("and then returned; the value would be lost"),
        "{msg}"
    );
    assert!(msg.contains("timeout, select! or join!"), "{msg}");
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(live.get(), 0, "the value is dropped exactly once");
}

#[test]
fn a_yield_abandoned_by_a_timeout_then_raise_panics_instead_of_losing_the_value() {
    let mut g = cogen::async_coroutine(async |mut co: cogen::Co<'_, i32, (), &str>| {
        let _ = tokio::time::timeout(std::time::Duration::ZERO, co.yield_(1)).await;
        co.raise::<()>("gave up").await;
    });
    let msg = panic_of(g.astart());
    assert!(
        msg.contains("and then raised; the value would be lost"),
        "{msg}"
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_yield_abandoned_by_a_timeout_then_yield_again_panics_instead_of_losing_the_value() {
    let mut g = async_generator(async |mut co| {
        let _ = tokio::time::timeout(std::time::Duration::ZERO, co.yield_(1)).await;
        co.yield_(2).await;
    });
    let msg = panic_of(g.next());
    assert!(
        msg.contains("and then yielded again; the value would be lost"),
        "{msg}"
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_yield_abandoned_inside_a_delegation_then_return_panics() {
    let mut g = async_generator(async |mut co| {
        let sub = async_generator(async |mut co| co.yield_(1).await);
        let _ = tokio::time::timeout(std::time::Duration::ZERO, co.yield_from(sub)).await;
        "r"
    });
    let msg = panic_of(g.anext());
    assert!(
        msg.contains("and then returned; the value would be lost"),
        "{msg}"
    );
}

#[test]
fn a_completed_timeout_around_a_yield_loses_nothing() {
    // The same shape when the consumer resumes in time: every value arrives.
    let got = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(async {
            let g = async_generator(async |mut co| {
                for i in 0..3 {
                    tokio::time::timeout(std::time::Duration::from_secs(60), co.yield_(i))
                        .await
                        .unwrap();
                }
            });
            g.collect::<Vec<_>>().await
        });
    assert_eq!(got, [0, 1, 2]);
}

#[test]
fn a_throw_delivered_to_an_abandoned_catching_yield_panics_instead_of_vanishing() {
    // The yield posts 1 and is dropped; an await that is pending lets the
    // driver deliver 1, so the generator looks suspended at a yield point
    // that no longer exists. A throw delivered there would be overwritten by
    // the next yield: it panics instead.
    let mut g =
        cogen::catching::async_coroutine(async |mut co: cogen::Co<'_, i32, (), &str, Catching>| {
            let _ = futures::poll!(co.yield_(1).catching());
            tokio::task::yield_now().await;
            co.yield_(2).await;
        });
    let msg = panic_of(async {
        assert_eq!(g.astart().await, Ok(GeneratorState::Yielded(1)));
        g.athrow("boom").await
    });
    assert!(
        msg.contains("a throw or close was delivered to a yield point whose future"),
        "{msg}"
    );
    assert!(msg.contains("went on and yielded again"), "{msg}");
}

#[test]
fn an_abandoned_raise_then_return_panics_instead_of_losing_the_error() {
    let mut g = cogen::async_coroutine(async |mut co: cogen::Co<'_, i32, (), &str>| {
        let _ = futures::poll!(co.raise::<()>("boom"));
        "returned"
    });
    let msg = panic_of(g.astart());
    assert!(msg.contains("and then returned"), "{msg}");
    assert_eq!(g.status(), Status::Finished);
}

// ---- The frame-waker checks (DESIGN.md, "the engine"): a yield future polled
// with any `Context` but its own generator's panics, naming the mistake.

#[test]
fn a_yield_inside_futures_unordered_panics_naming_the_foreign_waker() {
    use futures::stream::FuturesUnordered;
    let mut g = async_generator(async |mut co| {
        let mut set = FuturesUnordered::new();
        set.push(co.yield_(1));
        set.next().await; // polls the yield with the set's own waker
    });
    let err =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| block_on(g.next()))).unwrap_err();
    assert!(
        panic_text(err).contains("polled with a waker that is not its generator's"),
        "the message names the mistake"
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_yield_in_a_small_join_all_is_polled_with_the_bodys_context_and_works() {
    // futures' `join_all` polls a few futures directly, with the caller's
    // `Context`: the yield is the body's own, and its value goes out.
    let mut g = async_generator(async |mut co| {
        futures::future::join_all([co.yield_(1)]).await;
        co.yield_(2).await;
    });
    assert_eq!(block_on((&mut g).collect::<Vec<_>>()), [1, 2]);
}

#[test]
fn a_yield_awaited_by_a_nested_executor_panics_naming_it() {
    let mut g = generator(async |mut co| {
        futures::executor::block_on(co.yield_(1));
    });
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.next())).unwrap_err();
    assert!(panic_text(err).contains("nested executor"));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_yield_polled_by_hand_with_a_noop_waker_inside_the_body_panics() {
    let mut g = generator(async |mut co| {
        let mut y = std::pin::pin!(co.yield_(1));
        let _ = y.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    });
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.next())).unwrap_err();
    assert!(panic_text(err).contains("polled with a waker that is not its generator's"));
}

/// Counts the wakes of the consumer's waker.
struct CountingWaker(std::sync::atomic::AtomicUsize);

impl std::task::Wake for CountingWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Wakes its task twice (by reference, and through a clone woken by value),
/// then is pending once.
struct WakesItself(bool);

impl Future for WakesItself {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        let clone = cx.waker().clone();
        clone.wake(); // by value: a clone of the frame's waker is the consumer's
        Poll::Pending
    }
}

#[test]
fn what_the_body_awaits_wakes_the_consumers_waker_through_the_frame() {
    let counter = std::sync::Arc::new(CountingWaker(std::sync::atomic::AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut g = async_generator(async |mut co| {
        WakesItself(false).await;
        co.yield_(1).await;
    });
    let mut next = g.next();
    assert_eq!(Pin::new(&mut next).poll(&mut cx), Poll::Pending);
    // Both wakes reached the consumer's waker: by reference, and through a
    // clone (a clone of the frame's waker is the consumer's waker itself).
    assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(Pin::new(&mut next).poll(&mut cx), Poll::Ready(Some(1)));
}

#[test]
fn a_clone_of_the_bodys_waker_outlives_the_poll_and_still_wakes_the_consumer() {
    let counter = std::sync::Arc::new(CountingWaker(std::sync::atomic::AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let kept = std::sync::Arc::new(std::sync::Mutex::new(None::<Waker>));
    let keep = kept.clone();
    let mut g = async_generator(async move |mut co| {
        std::future::poll_fn(|cx| {
            *keep.lock().unwrap() = Some(cx.waker().clone());
            Poll::Ready(())
        })
        .await;
        co.yield_(1).await;
    });
    let mut cx = Context::from_waker(&waker);
    assert_eq!(Pin::new(&mut g.next()).poll(&mut cx), Poll::Ready(Some(1)));
    // The poll is over; the kept clone is the consumer's waker, not the frame.
    let clone = kept.lock().unwrap().take().unwrap();
    assert!(clone.will_wake(&waker));
    clone.wake();
    assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 1);
}
