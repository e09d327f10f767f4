//! Misuse at run time: clear panics, never UB, a hang, or a lost item.
//! (What the types forbid is in `ui-tests/tests/compile_fail.rs`.)
mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use std::panic::{AssertUnwindSafe, catch_unwind};

use cogen::generator;
use cogen::protocol::Status;

fn panic_message(err: Box<dyn std::any::Any + Send>) -> String {
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// A future that is pending once, like a timer or I/O would be.
struct PendingOnce(bool);
impl Future for PendingOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn awaiting_a_foreign_future_in_a_sync_generator_panics_with_a_clear_message() {
    let mut g = generator(async |mut co| {
        co.yield_(1).await;
        PendingOnce(false).await;
        co.yield_(2).await;
    });
    assert_eq!(g.next(), Some(1));
    let err = catch_unwind(AssertUnwindSafe(|| g.next())).unwrap_err();
    let msg = panic_message(err);
    assert!(
        msg.contains("awaited something other than its own yield handle"),
        "{msg}"
    );
    assert!(msg.contains("async generator"), "{msg}");
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_ready_foreign_future_is_fine_in_a_sync_generator() {
    let g = generator(async |mut co| {
        let x = std::future::ready(5).await;
        co.yield_(x).await;
    });
    assert_eq!(g.collect::<Vec<_>>(), [5]);
}

#[test]
fn yield_handle_moved_into_another_generator_panics_instead_of_yielding_there() {
    // async-stream#106: a yield awaited inside a nested stream transmuted the
    // item type. Here the handle finds the inner generator's frame, whose id
    // is not its own generator's: it panics, naming the mistake, and writes
    // nothing anywhere.
    let mut outer = generator(async |co| {
        let mut co = co;
        let mut inner = generator(async move |_inner_co: cogen::Co<'_, Box<u32>>| {
            co.yield_(42usize).await;
        });
        let _ = inner.next();
    });
    let err = catch_unwind(AssertUnwindSafe(|| outer.next())).unwrap_err();
    assert!(panic_message(err).contains("a yield handle was used inside another generator's body"));
    assert_eq!(outer.status(), Status::Finished);
}

#[test]
fn two_yields_in_one_resume_panic_instead_of_losing_the_first() {
    // Polling a yield future and abandoning it, then yielding again, would lose
    // the first value; the engine refuses.
    let lost_check = AtomicBool::new(false);
    let mut g = generator(async |mut co| {
        {
            let mut first = co.yield_(1);
            let _ = std::future::poll_fn(|cx| {
                let _ = Pin::new(&mut first).poll(cx);
                Poll::Ready(())
            })
            .await;
        }
        lost_check.store(true, Ordering::SeqCst);
        co.yield_(2).await;
    });
    let err = catch_unwind(AssertUnwindSafe(|| g.next())).unwrap_err();
    assert!(panic_message(err).contains("and then yielded again; the value would be lost"));
    assert!(lost_check.load(Ordering::SeqCst));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn yield_from_a_started_sub_generator_without_resuming_panics_and_names_resuming() {
    let mut g = generator(async |mut co| {
        let mut sub = generator(async |mut co| {
            co.yield_(1).await;
            co.yield_(2).await;
        });
        sub.next();
        co.yield_from(sub).await;
    });
    let err = catch_unwind(AssertUnwindSafe(|| g.next())).unwrap_err();
    let msg = panic_message(err);
    assert!(
        msg.contains("yield_from was given a sub-generator that is not fresh (Suspended)"),
        "{msg}"
    );
    assert!(msg.contains("co.yield_from(sub).resuming(value)"), "{msg}");
}

#[test]
fn raising_from_an_iterated_generator_panics_and_names_resume() {
    let mut g = cogen::coroutine(async |mut co: cogen::Co<'_, u8, (), &str>| {
        co.yield_(1).await;
        co.raise::<()>("bad").await;
    });
    assert_eq!(g.next(), Some(1));
    let err = catch_unwind(AssertUnwindSafe(|| g.next())).unwrap_err();
    assert!(panic_message(err).contains("resume()"));
}

#[test]
fn reentrancy_is_impossible_a_refcell_guarded_generator_cannot_resume_itself() {
    // Python raises "generator already executing"; here two `&mut` to one
    // generator cannot exist. The nearest attempt, through a RefCell, fails
    // at the borrow, before the generator is touched.
    use std::cell::RefCell;
    use std::rc::Rc;
    type Slot = Rc<RefCell<Option<Box<dyn Iterator<Item = u8>>>>>;
    let slot: Slot = Rc::new(RefCell::new(None));
    let inner = slot.clone();
    let g = generator(async move |mut co| {
        let again = inner.try_borrow_mut().is_err();
        co.yield_(u8::from(again)).await;
    });
    *slot.borrow_mut() = Some(Box::new(g));
    let first = slot.borrow_mut().as_mut().unwrap().next();
    assert_eq!(
        first,
        Some(1),
        "the body saw the generator already borrowed"
    );
    // The slot owns the generator, which owns the slot: break the cycle.
    slot.borrow_mut().take();
}

/// Polls `fut` once and drops it, as a zero timeout or a lost `select!` race
/// would.
async fn poll_once_then_drop<F: Future>(fut: F) {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| {
        let _ = fut.as_mut().poll(cx);
        Poll::Ready(())
    })
    .await;
}

#[test]
fn a_yield_abandoned_after_posting_then_return_panics_instead_of_losing_the_value() {
    let live = std::rc::Rc::new(std::cell::Cell::new(0));
    let made = live.clone();
    let mut g = generator(async move |mut co| {
        poll_once_then_drop(co.yield_(common::Live::new(&made))).await;
        "r"
    });
    let msg = panic_message(catch_unwind(AssertUnwindSafe(|| g.resume())).unwrap_err());
    assert!(
        msg.contains("and then returned; the value would be lost"),
        "{msg}"
    );
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(live.get(), 0, "the value is dropped exactly once");
}

#[test]
fn a_yield_abandoned_after_posting_then_raise_panics_instead_of_losing_the_value() {
    let mut g = cogen::coroutine(async |mut co: cogen::Co<'_, i32, (), &str>| {
        co.yield_(0).await;
        poll_once_then_drop(co.yield_(1)).await;
        co.raise::<()>("boom").await;
    });
    g.start().unwrap();
    let msg = panic_message(catch_unwind(AssertUnwindSafe(|| g.send(()))).unwrap_err());
    assert!(
        msg.contains("and then raised; the value would be lost"),
        "{msg}"
    );
    assert_eq!(g.status(), Status::Finished);
}
