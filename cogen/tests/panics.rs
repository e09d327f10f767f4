//! Panics in the body propagate to the resumer; the generator is then finished.
mod common;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use cogen::{Co, Interrupt, State, coroutine, generator};
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
    assert_eq!(g.state(), State::Finished);
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
    assert_eq!(g.state(), State::Finished);
}

#[test]
fn panic_in_a_close_handler_propagates_from_close() {
    let live = Rc::new(Cell::new(0));
    let mut g = generator(async |mut co| {
        let _l = Live::new(&live);
        if let Err(Interrupt::Close) = co.yield_(1).catching().await {
            panic!("close handler failed");
        }
    });
    g.next();
    assert!(catch_unwind(AssertUnwindSafe(|| g.close())).is_err());
    assert_eq!(g.state(), State::Finished);
    assert_eq!(live.get(), 0);
}

#[test]
fn panic_in_a_throw_handler_propagates_from_throw() {
    let mut g = coroutine(async |mut co: Co<'_, (), (), u8>| {
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
