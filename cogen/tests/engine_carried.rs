//! Actions a body has not taken yet when its step waits ("carried" across
//! the step's polls), in plain and in-place delegated steps: nothing is lost
//! when the delegation is abandoned, a panic does not leave a finished body
//! to be polled again, and a carried value whose `Drop` panics does not keep
//! the body from being dropped.
use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll};

use cogen::protocol::Status;
use cogen::{Co, GeneratorState, async_coroutine};
use futures::FutureExt;
use futures::executor::block_on;

/// Pending on its first two polls, ready on the third.
struct ReadyOnThirdPoll(u8);

impl Future for ReadyOnThirdPoll {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0 += 1;
        if self.0 >= 3 {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Completes on the second poll, whatever its inner future did: abandons a
/// future that is still pending then (a `timeout` or `select!` that gave up).
struct GiveUpOnSecondPoll<F> {
    inner: F,
    polls: u8,
}

impl<F: Future + Unpin> Future for GiveUpOnSecondPoll<F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls += 1;
        let done = Pin::new(&mut self.inner).poll(cx).is_ready();
        if done || self.polls >= 2 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn a_send_delegated_in_place_then_abandoned_stays_with_the_sub_generator() {
    // The sub-generator yields 0, then on resume waits before taking the
    // sent value. The delegation is abandoned while it waits; the sent value
    // must still reach the sub-generator's body when it is resumed alone.
    let mut sub = async_coroutine(async |mut co: Co<'_, i32, i32>| {
        let mut y = pin!(co.yield_(0));
        let _ = futures::poll!(y.as_mut()); // posts 0
        ReadyOnThirdPoll(0).await; // the send step waits here, 7 untaken
        let v = y.await;
        co.yield_(v).await;
    });
    {
        let mut outer = async_coroutine(async |mut co: Co<'_, i32, i32>| {
            GiveUpOnSecondPoll {
                inner: Box::pin(co.yield_from(&mut sub)),
                polls: 0,
            }
            .await;
            co.yield_(-1).await;
        });
        assert_eq!(block_on(outer.astart()), Ok(GeneratorState::Yielded(0)));
        // 7 goes to the sub-generator in place; it waits; the delegation is
        // abandoned; the outer body yields -1.
        assert_eq!(block_on(outer.asend(7)), Ok(GeneratorState::Yielded(-1)));
    }
    assert_eq!(sub.status(), Status::Running);
    // The sub-generator's step goes on and delivers what it was sent.
    assert_eq!(
        block_on(sub.finish_step()),
        Some(Ok(GeneratorState::Yielded(7)))
    );
}

#[test]
fn polling_a_delegation_again_after_its_sub_generator_panicked_does_not_revive_it() {
    let live = Rc::new(Cell::new(0));
    let held = live.clone();
    let mut sub = async_coroutine(async move |mut co: Co<'_, i32, i32>| {
        held.set(held.get() + 1);
        struct Dec(Rc<Cell<i32>>);
        impl Drop for Dec {
            fn drop(&mut self) {
                self.0.set(self.0.get() - 1);
            }
        }
        let _guard = Dec(held);
        co.yield_(0).await;
        panic!("the sub-generator's body panics on resume");
    });
    {
        let mut outer = async_coroutine(async |mut co: Co<'_, i32, i32>| {
            {
                let mut d = pin!(AssertUnwindSafe(co.yield_from(&mut sub)).catch_unwind());
                let first = d.as_mut().await;
                assert!(first.is_err(), "the panic reached the delegating body");
                // Polled again: the finished sub-generator is not polled.
                assert!(futures::poll!(d.as_mut()).is_pending());
            }
            co.yield_(-1).await;
        });
        assert_eq!(block_on(outer.astart()), Ok(GeneratorState::Yielded(0)));
        assert_eq!(block_on(outer.asend(7)), Ok(GeneratorState::Yielded(-1)));
    }
    assert_eq!(sub.status(), Status::Finished);
    assert_eq!(live.get(), 0, "the sub-generator's body was dropped once");
}

/// Panics when dropped.
struct Bomb;

impl Drop for Bomb {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("a carried value's Drop panics");
        }
    }
}

#[test]
fn a_carried_value_whose_drop_panics_is_dropped_after_the_body() {
    let live = Rc::new(Cell::new(0));
    let held = live.clone();
    let mut g = async_coroutine(async move |mut co: Co<'_, (), Bomb>| {
        struct Dec(Rc<Cell<i32>>);
        impl Drop for Dec {
            fn drop(&mut self) {
                self.0.set(self.0.get() - 1);
            }
        }
        held.set(held.get() + 1);
        let _guard = Dec(held);
        let mut y = pin!(co.yield_(()));
        let _ = futures::poll!(y.as_mut());
        ReadyOnThirdPoll(0).await; // the send step waits here: Bomb carried
        std::mem::forget(y.await);
    });
    assert_eq!(block_on(g.astart()), Ok(GeneratorState::Yielded(())));
    assert!(g.asend(Bomb).now_or_never().is_none()); // pending, Bomb untaken
    assert_eq!(live.get(), 1);
    let dropped = catch_unwind(AssertUnwindSafe(|| drop(g)));
    assert!(dropped.is_err(), "the Bomb's panic comes out of drop");
    assert_eq!(
        live.get(),
        0,
        "the body was dropped before the carried value"
    );
}
