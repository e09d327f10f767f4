//! The seeds' generator examples (Python 2.2's `yield`, 2.5's
//! `send`/`throw`/`close`, 3.3's `yield from`); `chapters.rs` puts them in
//! the seeds' order.

use std::fmt;

use cogen::catching::{self, Catching};
use cogen::{Co, GeneratorState, Interrupt, coroutine, generator};

use crate::{heap_bytes_held, say, section};

/// Seed "Async IO and Generators": generators produce data on demand.
pub(crate) fn my_generator() {
    section("Generators produce data on demand (my_generator)");
    let mut g = generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
        co.yield_(3).await;
    });
    say!("{}", g.next().unwrap()); // Prints 1
    say!("{}", g.next().unwrap()); // Prints 2
}

/// Seed "Generator Basics": each `next` runs the body to the next yield.
pub(crate) fn simple_generator() {
    section("1. Generator basics: the magic of yield (simple_generator)");
    let mut gen_ = generator(async |mut co| {
        say!("Start execution");
        co.yield_(1).await;
        say!("Continue execution");
        co.yield_(2).await;
        say!("End execution");
        co.yield_(3).await;
    });
    say!("First call:");
    say!("{}", gen_.next().unwrap());
    say!("Second call:");
    say!("{}", gen_.next().unwrap());
    say!("Third call:");
    say!("{}", gen_.next().unwrap());
}

fn get_numbers_list(n: u64) -> Vec<u64> {
    let mut numbers = Vec::new();
    for i in 0..n {
        numbers.push(i);
    }
    numbers
}

fn get_numbers_gen(n: u64) -> impl Iterator<Item = u64> {
    generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
    })
}

struct Bytes(usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} bytes ({:.2} MB)",
            self.0,
            self.0 as f64 / 1024.0 / 1024.0
        )
    }
}

/// Size of a value: its inline bytes plus the heap bytes it holds (measured
/// by the tour's counting allocator while the value was built).
fn measured<T>(build: impl FnOnce() -> T) -> (T, Bytes) {
    let (value, heap) = heap_bytes_held(build);
    let inline = size_of_val(&value);
    (value, Bytes(inline + heap.max(0) as usize))
}

/// Seed: "Memory efficiency comparison".
pub(crate) fn memory_comparison() {
    section("Memory efficiency comparison (list of 1,000,000 numbers vs generator)");
    let n = 1_000_000;
    let (list, list_memory) = measured(|| get_numbers_list(n));
    let (gen_, gen_memory) = measured(|| get_numbers_gen(n));
    say!("List memory usage: {list_memory}");
    say!("Generator memory usage: {gen_memory}");
    // Both describe the same numbers.
    assert_eq!(list.iter().sum::<u64>(), gen_.sum::<u64>());
}

/// Seed: "Generator expressions" (eager list comprehension vs lazy expression).
pub(crate) fn generator_expressions() {
    section("Generator expressions: squares, eager vs lazy");
    // List comprehension (eager): [x * x for x in range(1000000)]
    let (squares_list, list_size) =
        measured(|| (0..1_000_000u64).map(|x| x * x).collect::<Vec<_>>());
    // Generator expression (lazy): (x * x for x in range(1000000)). In Rust
    // an iterator adapter is the generator expression; a cogen generator
    // says the same with an explicit body.
    let (squares_iter, iter_size) = measured(|| (0..1_000_000u64).map(|x| x * x));
    let (squares_gen, gen_size) = measured(|| {
        generator(async |mut co| {
            for x in 0..1_000_000u64 {
                co.yield_(x * x).await;
            }
        })
    });
    say!("List size: {list_size}");
    say!("Iterator adapter size: {iter_size}");
    say!("Generator size: {gen_size}");
    let total: u64 = squares_list.iter().sum();
    assert_eq!(total, squares_iter.sum::<u64>());
    assert_eq!(total, squares_gen.sum::<u64>());
}

/// Seed "Two-way communication with yield" (interactive_generator).
pub(crate) fn interactive_generator() {
    section("2. Two-way communication with yield (interactive_generator)");
    let mut gen_ = coroutine(async |mut co: Co<'_, &str, &str>| {
        say!("Generator started");
        let received = co.yield_("Please send data").await;
        say!("Received: {received}");
        let received = co.yield_("Send more data").await;
        say!("Received: {received}");
        co.yield_("Done").await;
    });
    say!("{}", yielded(gen_.start())); // starts the generator
    say!("{}", yielded(gen_.send("hello")));
    say!("{}", yielded(gen_.send("world")));
}

fn yielded<Y, R, E: fmt::Debug>(state: Result<GeneratorState<Y, R>, E>) -> Y {
    match state.expect("the generator answers") {
        GeneratorState::Yielded(y) => y,
        GeneratorState::Complete(_) => panic!("the generator finished early"),
    }
}

/// A `ValueError("...")` for the coroutine examples.
#[derive(Debug)]
struct ValueError(&'static str);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The seed's coroutine_example: a loop inside try/except GeneratorExit and
/// except Exception.
fn coroutine_example() -> cogen::Gen<(), impl Future<Output = ()>, i32, ValueError, Catching> {
    catching::coroutine(async |mut co: Co<'_, (), i32, ValueError, Catching>| {
        loop {
            match co.yield_(()).catching().await {
                Ok(value) => say!("Processing value: {value}"),
                Err(Interrupt::Close) => {
                    say!("Coroutine closed");
                    return;
                }
                Err(Interrupt::Throw(e)) => {
                    say!("Exception occurred: {e}");
                    return;
                }
            }
        }
    })
}

/// Seed: generators as simple coroutines with send(), throw() and close().
pub(crate) fn coroutines() {
    section("Generators as simple coroutines: send(), throw(), close()");
    let mut coro = coroutine_example();
    coro.start().unwrap(); // next(coro): start the coroutine
    coro.send(10).unwrap(); // Processing value: 10
    coro.send(20).unwrap(); // Processing value: 20
    let after_throw = coro.throw(ValueError("test exception")); // Exception occurred: test exception
    say!("  throw() -> {after_throw:?}");
    say!(
        "  (the handler returned, so the coroutine finished: Python's throw() raises \
         StopIteration here)"
    );
    let closed = coro.close(); // finished already: nothing runs
    say!("  close() -> {closed:?} (closing a finished coroutine does nothing, as in Python)");

    say!("Closing a live coroutine instead:");
    let mut coro = coroutine_example();
    coro.start().unwrap();
    coro.send(30).unwrap();
    let closed = coro.close(); // Coroutine closed
    say!("  close() -> {closed:?}");
}

/// Seed "yield from: generator delegation".
pub(crate) fn yield_from() {
    section("3. yield from: generator delegation");
    fn sub_generator() -> cogen::Gen<String, impl Future<Output = ()>> {
        generator(async |mut co| {
            co.yield_from_iter([1, 2, 3].map(|x| x.to_string())).await; // a list
            let (a, b, c) = (4, 5, 6);
            co.yield_from_iter([a, b, c].map(|x| x.to_string())).await; // a tuple
            co.yield_from_iter((7..11).map(|x| x.to_string())).await; // a range
        })
    }
    fn main_generator() -> cogen::Gen<String, impl Future<Output = ()>> {
        generator(async |mut co| {
            co.yield_from(sub_generator()).await;
            co.yield_("Done".to_string()).await;
        })
    }
    for value in main_generator() {
        print!("{value} ");
    }
    say!();
}
