//! Panics in the body propagate to the resumer; the generator is then finished.
//! Whatever unwinds, every value is dropped once and the generator's allocation
//! is freed (counted below by a global allocator, and by valgrind in CI).
mod common;

use std::alloc::{GlobalAlloc, Layout, System};

/// Counts this thread's live heap blocks.
struct Counting;

thread_local! {
    static LIVE_BLOCKS: Cell<isize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE_BLOCKS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE_BLOCKS.try_with(|n| n.set(n.get() - 1));
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f`, which must panic, and returns how many heap blocks it left
/// allocated on this thread (its panic payload dropped). The panic hook is
/// silenced for this binary, since the harness's captured output keeps
/// growing; a first panic warms up what the panic machinery keeps.
fn blocks_leaked_by_panicking(f: impl FnOnce()) -> isize {
    static SILENCE: std::sync::Once = std::sync::Once::new();
    SILENCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    drop(catch_unwind(|| panic!("warm-up")));
    let before = LIVE_BLOCKS.with(Cell::get);
    let caught = catch_unwind(AssertUnwindSafe(f));
    assert!(caught.is_err(), "expected a panic");
    drop(caught);
    LIVE_BLOCKS.with(Cell::get) - before
}

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use cogen::catching::{self, Catching};
use cogen::protocol::Status;
use cogen::{Co, Interrupt, coroutine, generator};
use common::{Live, Log, s};

#[test]
fn panic_in_body_propagates_to_next_and_finishes_the_generator() {
    let mut g = generator(async |mut co| {
        co.yield_(1).await;
        panic!("body exploded");
    });
    assert_eq!(g.next(), Some(1));
    let err = catch_unwind(AssertUnwindSafe(|| g.next())).unwrap_err();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"body exploded"));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.next(), None);
}

#[test]
fn panic_in_body_drops_every_live_local_exactly_once() {
    let live = Rc::new(Cell::new(0));
    let log = Log::new();
    let mut g = generator(async |mut co| {
        let _a = Live::new(&live);
        let _g = log.guard("a");
        co.yield_(()).await;
        let _b = Live::new(&live);
        let _h = log.guard("b");
        panic!("boom");
    });
    g.next();
    assert_eq!(live.get(), 1);
    let _ = catch_unwind(AssertUnwindSafe(|| g.next()));
    assert_eq!(live.get(), 0, "no leak");
    assert_eq!(log.take(), s(&["drop b", "drop a"]));
    drop(g);
    assert_eq!(live.get(), 0);
    assert!(log.events().is_empty(), "no double drop");
}

#[test]
fn panic_before_first_yield_propagates_from_start() {
    let mut g = generator(async |mut co| {
        if true {
            panic!("early");
        }
        co.yield_(1).await;
    });
    assert!(catch_unwind(AssertUnwindSafe(|| g.start())).is_err());
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn panic_in_a_close_handler_propagates_from_close() {
    let live = Rc::new(Cell::new(0));
    let mut g = catching::generator(async |mut co| {
        let _l = Live::new(&live);
        if let Err(Interrupt::Close) = co.yield_(1).catching().await {
            panic!("close handler failed");
        }
    });
    g.next();
    assert!(catch_unwind(AssertUnwindSafe(|| g.close())).is_err());
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(live.get(), 0);
}

#[test]
fn panic_in_a_throw_handler_propagates_from_throw() {
    let mut g = catching::coroutine(async |mut co: Co<'_, (), (), u8, Catching>| {
        if let Err(Interrupt::Throw(_)) = co.yield_(()).catching().await {
            panic!("handler failed");
        }
    });
    g.start().unwrap();
    assert!(catch_unwind(AssertUnwindSafe(|| g.throw(1))).is_err());
    assert_eq!(g.throw(2), Err(2));
}

#[test]
fn panic_in_a_sub_generator_propagates_through_the_outer_and_finishes_both() {
    let live = Rc::new(Cell::new(0));
    let mut g = generator(async |mut co| {
        let _outer = Live::new(&live);
        let sub = generator(async |mut co| {
            let _inner = Live::new(&live);
            co.yield_(1).await;
            panic!("sub exploded");
        });
        co.yield_from(sub).await;
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(live.get(), 2);
    assert!(catch_unwind(AssertUnwindSafe(|| g.next())).is_err());
    assert_eq!(live.get(), 0);
    assert_eq!(g.next(), None);
}

#[test]
fn panicking_while_a_value_is_in_flight_drops_that_value() {
    let live = Rc::new(Cell::new(0));
    let mut g = coroutine(async |mut co: Co<'_, (), Live>| {
        let _received = co.yield_(()).await;
        panic!("after receiving");
    });
    g.start().unwrap();
    let _ = catch_unwind(AssertUnwindSafe(|| g.send(Live::new(&live))));
    assert_eq!(live.get(), 0);
}

/// Panics when dropped; its counter is dropped during the unwind.
struct PanicsOnDrop(#[allow(dead_code)] Live);

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("a destructor panicked");
    }
}

#[test]
fn a_body_local_that_panics_on_drop_still_drops_the_rest_and_frees_the_generator() {
    // Valgrind (CI) shows the allocation freed; the counter shows every local
    // dropped exactly once.
    let live = Rc::new(Cell::new(0));
    let (a, b) = (live.clone(), live.clone());
    let mut g = generator(async move |mut co| {
        let _first = Live::new(&a);
        let _bomb = PanicsOnDrop(Live::new(&b));
        co.yield_(1).await;
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(live.get(), 2);
    // The destructor's panic propagates from drop.
    let freed = -blocks_leaked_by_panicking(|| drop(g));
    assert_eq!(freed, 1, "the generator's one allocation is freed");
    assert_eq!(live.get(), 0);
}

#[test]
fn a_destructor_that_polls_a_yield_panics_and_still_frees_the_generator_and_its_value() {
    use std::future::Future;
    use std::task::{Context, Waker};

    /// Polls a yield of its value through the handle when dropped, as a
    /// destructor misusing the handle would.
    struct PostsOnDrop<'a, 'co>(&'a mut Co<'co, Live>, Option<Live>);
    impl Drop for PostsOnDrop<'_, '_> {
        fn drop(&mut self) {
            let value = self.1.take().unwrap();
            let mut y = std::pin::pin!(self.0.yield_(value));
            let _ = y.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        }
    }

    let live = Rc::new(Cell::new(0));
    let (a, b) = (live.clone(), live.clone());
    let mut g = generator(async move |mut co| {
        let poster = PostsOnDrop(&mut co, Some(Live::new(&b)));
        poster.0.yield_(Live::new(&a)).await;
    });
    drop(g.next().unwrap());
    // Dropping the suspended generator drops its body; the destructor's
    // yield finds no generator frame and panics, naming the mistake; the
    // value it held is dropped by the unwinding, and the allocation freed.
    let freed = -blocks_leaked_by_panicking(|| drop(g));
    assert_eq!(freed, 1, "the generator's one allocation is freed");
    assert_eq!(
        live.get(),
        0,
        "the value the destructor tried to yield was dropped"
    );
}

#[test]
fn a_body_maker_that_posts_then_panics_drops_the_posted_value() {
    use std::future::Future;
    use std::task::{Context, Waker};

    let live = Rc::new(Cell::new(0));
    let made = live.clone();
    let leaked = blocks_leaked_by_panicking(|| {
        // A plain closure returning a future: its synchronous part runs when
        // the generator is made, and here it yields through the handle.
        let _never_made = generator(move |mut co: Co<'_, Live>| {
            let mut y = std::pin::pin!(co.yield_(Live::new(&made)));
            let _ = y.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            panic!("the maker gave up");
            #[allow(unreachable_code)]
            async {}
        });
    });
    assert_eq!(leaked, 0, "the generator's allocation is freed");
    assert_eq!(
        live.get(),
        0,
        "the value posted before the panic is dropped"
    );
}

// Dropping a generator whose body is alive: the body is dropped out of line,
// and one suspended where it may catch the close is closed first (Python's
// finalizer). Whatever panics on the way, every local is dropped once and the
// allocation freed once (a second free would abort under the counting
// allocator's system allocator, and valgrind in CI).

#[test]
fn dropping_a_catching_generator_whose_close_handler_drops_a_panicking_local_frees_it_once() {
    let live = Rc::new(Cell::new(0));
    let (a, b) = (live.clone(), live.clone());
    let closed = Rc::new(Cell::new(0));
    let seen = closed.clone();
    let mut g = catching::generator(async move |mut co| {
        let _first = Live::new(&a);
        let _bomb = PanicsOnDrop(Live::new(&b));
        if let Err(Interrupt::Close) = co.yield_(1).catching().await {
            seen.set(seen.get() + 1);
        }
        // Returns: the locals are dropped inside the close poll, and the
        // bomb's panic unwinds out of `drop`.
    });
    assert_eq!(g.next(), Some(1));
    let freed = -blocks_leaked_by_panicking(|| drop(g));
    assert_eq!(freed, 1, "the generator's one allocation is freed");
    assert_eq!(closed.get(), 1, "the close handler ran once");
    assert_eq!(live.get(), 0);
}

#[test]
fn dropping_a_catching_generator_whose_close_handler_panics_frees_it_once() {
    let live = Rc::new(Cell::new(0));
    let a = live.clone();
    let mut g = catching::generator(async move |mut co| {
        let _local = Live::new(&a);
        let _ = co.yield_(1).catching().await;
        panic!("the close handler panicked");
    });
    assert_eq!(g.next(), Some(1));
    let freed = -blocks_leaked_by_panicking(|| drop(g));
    assert_eq!(freed, 1, "the generator's one allocation is freed");
    assert_eq!(live.get(), 0);
}

#[test]
fn dropping_a_delegating_generator_whose_sub_generator_local_panics_frees_both_once() {
    let live = Rc::new(Cell::new(0));
    let (a, b) = (live.clone(), live.clone());
    let sub = generator(async move |mut co| {
        let _bomb = PanicsOnDrop(Live::new(&a));
        co.yield_(1).await;
    });
    let mut g = generator(async move |mut co| {
        let _outer = Live::new(&b);
        co.yield_from(sub).await;
    });
    assert_eq!(g.next(), Some(1));
    assert!(g.is_delegating());
    // Dropping the plain outer body drops its `yield_from`, which closes the
    // sub-generator; its plain yield point unwinds it, and its local's panic
    // propagates out of `drop`.
    let freed = -blocks_leaked_by_panicking(|| drop(g));
    assert_eq!(freed, 2, "both generators' allocations are freed");
    assert_eq!(live.get(), 0);
}

#[test]
fn dropping_a_plain_generator_whose_borrowed_sub_generator_panics_while_closing_frees_both_once() {
    let live = Rc::new(Cell::new(0));
    let (a, b) = (live.clone(), live.clone());
    let mut sub = catching::generator(async move |mut co| {
        let _local = Live::new(&a);
        let _ = co.yield_(1).catching().await;
        panic!("the sub-generator's close handler panicked");
    });
    let leaked = blocks_leaked_by_panicking(|| {
        let mut g = generator(async |mut co| {
            let _outer = Live::new(&b);
            co.yield_from(&mut sub).await;
        });
        assert_eq!(g.next(), Some(1));
        drop(g); // the `yield_from`'s drop closes `sub`, which panics
    });
    // The panic came out of `drop(g)`: `sub` was closed there, not later by
    // its own `Drop`.
    assert_eq!(sub.status(), Status::Finished);
    assert_eq!(leaked, 0, "the outer generator's allocation is freed");
    drop(sub);
    assert_eq!(live.get(), 0, "every local is dropped");
}

#[test]
fn a_sub_generator_whose_close_panics_while_its_delegating_generator_unwinds_does_not_abort() {
    // The consumer panics while holding the delegating generator: closing
    // the sub-generator as it drops panics too, which would abort the
    // process; that panic is caught and reported, and the first goes on.
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut sub = catching::generator(async |mut co| {
        let _ = co.yield_(1).catching().await;
        panic!("the close handler panicked");
    });
    let caught = catch_unwind(AssertUnwindSafe(|| {
        let mut g = generator(async |mut co| co.yield_from(&mut sub).await);
        assert_eq!(g.next(), Some(1));
        panic!("the consumer panicked");
    }));
    let payload = caught.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the consumer panicked")
    );
    assert_eq!(sub.status(), Status::Finished);
    assert!(
        logs.text().contains("that second panic was caught"),
        "{}",
        logs.text()
    );
}

#[test]
fn a_catching_generator_dropped_while_its_consumer_unwinds_is_closed_once() {
    let closed = Rc::new(Cell::new(0));
    let seen = closed.clone();
    let leaked = blocks_leaked_by_panicking(move || {
        let mut g = catching::generator(async move |mut co| {
            if let Err(Interrupt::Close) = co.yield_(1).catching().await {
                seen.set(seen.get() + 1);
            }
        });
        assert_eq!(g.next(), Some(1));
        panic!("the consumer panicked");
    });
    assert_eq!(leaked, 0, "the generator made and dropped here is freed");
    assert_eq!(closed.get(), 1, "closed by the finalizer, once");
}
