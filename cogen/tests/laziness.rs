//! Laziness: nothing runs until asked, and a generator holds one value at a time.
mod common;

use std::cell::Cell;
use std::rc::Rc;

use cogen::generator;
use common::{Live, Log, s};

#[test]
fn creating_a_generator_runs_none_of_its_body() {
    let ran = Cell::new(false);
    let g = generator(async |mut co| {
        ran.set(true);
        co.yield_(1).await;
    });
    assert!(!ran.get());
    drop(g);
    assert!(!ran.get());
}

#[test]
fn dropping_a_fresh_generator_drops_its_captures_without_running_the_body() {
    let log = Log::new();
    let captured = log.guard("captured");
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let g = generator(async move |mut co| {
        r.set(true);
        let _keep = &captured;
        co.yield_(1).await;
    });
    drop(g);
    assert!(!ran.get());
    assert_eq!(log.events(), s(&["drop captured"]));
}

#[test]
fn an_infinite_generator_produces_only_what_is_taken() {
    let produced = Cell::new(0);
    let firsts: Vec<u64> = generator(async |mut co| {
        let mut i = 0u64;
        loop {
            produced.set(produced.get() + 1);
            co.yield_(i).await;
            i += 1;
        }
    })
    .take(5)
    .collect();
    assert_eq!(firsts, [0, 1, 2, 3, 4]);
    assert_eq!(produced.get(), 5);
}

#[test]
fn producer_and_consumer_interleave_one_item_at_a_time() {
    let log = Log::new();
    let g = generator(async |mut co| {
        for i in 0..3 {
            log.push(format!("produce {i}"));
            co.yield_(i).await;
        }
    });
    for x in g {
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

#[test]
fn at_most_one_produced_value_is_alive_at_a_time() {
    // The memory argument of the seed: a generator does not materialise its
    // sequence. Each value is handed over, never stored by the generator.
    let live = Rc::new(Cell::new(0));
    let mut max_live = 0;
    for item in generator(async |mut co| {
        for _ in 0..1000 {
            co.yield_(Live::new(&live)).await;
        }
    }) {
        max_live = max_live.max(live.get());
        drop(item);
    }
    assert_eq!(max_live, 1);
    assert_eq!(live.get(), 0);
}

#[test]
fn generator_size_does_not_grow_with_the_sequence_length() {
    fn numbers(n: u64) -> impl Iterator<Item = u64> {
        generator(async move |mut co| {
            for i in 0..n {
                co.yield_(i).await;
            }
        })
    }
    assert_eq!(
        std::mem::size_of_val(&numbers(10)),
        std::mem::size_of_val(&numbers(10_000_000))
    );
}
