//! The chapters: the seeds in their order, each example in its seed's order.
//!
//! Each async example runs in its own `rt::run`, as each seed example is its
//! own `asyncio.run`. A step expected to take over a second shows a progress
//! bar over its expected time.

use std::future::Future;

use crate::progress::Progress;
use crate::{async_generators as ag, asyncio, delay, generators, real_world};

/// Runs `example`, with a bar if the seeds' delays make it longer than a
/// second.
fn step(expected_secs: f64, label: &str, example: impl FnOnce()) {
    let _bar = Progress::timed(label, delay(expected_secs));
    example();
}

/// `asyncio.run(example())`, with a bar as [`step`].
fn run<F: Future>(expected_secs: f64, label: &str, example: F) -> F::Output {
    let _bar = Progress::timed(label, delay(expected_secs));
    cogen::rt::run(example)
}

/// Seed 1, "Async IO and Generators: Key Differences in Python".
pub(crate) fn differences() {
    generators::my_generator();
    run(4.0, "fetch_data", ag::fetch_data_example());
    run(0.0, "", ag::generators_inside_async_code());
}

/// Seed 2, "7 Python Async Generator Things I Wish I Knew Earlier".
pub(crate) fn seven_things() {
    run(0.0, "", ag::regular_vs_async());
    run(0.0, "", ag::async_iteration_protocol());
    run(1.2, "blocking vs non-blocking", ag::non_blocking());
    run(0.0, "", ag::producer_and_consumer());
    run(0.0, "", ag::cpu_bound());
    run(1.2, "a slow consumer", ag::backpressure());
    run(0.0, "", ag::aclose_example());
    run(0.0, "", ag::athrow_example());
    run(0.0, "", ag::asend_example());
    run(0.0, "", ag::closing_and_finalizer());
}

/// Seed 3, "Asynchronous Generators in Python".
pub(crate) fn async_generators() {
    run(2.5, "async_counter(5)", ag::async_counter_example());
    run(0.0, "", ag::large_file_line_by_line());
    run(1.0, "a dripping body", ag::streaming_data());
    run(0.0, "", ag::error_handling_inside());
    run(0.0, "", ag::modular_pipeline());
    step(0.0, "", ag::testing_async_generators);
}

/// Seed 4, "Master Python Async", sections 1 to 3.
pub(crate) fn generators() {
    generators::simple_generator();
    generators::memory_comparison();
    generators::generator_expressions();
    generators::interactive_generator();
    generators::coroutines();
    generators::yield_from();
}

/// Seed 4, sections 4 and 5.
pub(crate) fn asyncio() {
    step(
        5.0,
        "say_after",
        asyncio::say_after_sequential_and_concurrent,
    );
    step(0.0, "", asyncio::declaring_async_functions);
    step(0.0, "", asyncio::await_expressions);
}

/// Seed 4, sections 6 and 7.
pub(crate) fn real_world() {
    real_world::async_http_requests();
    real_world::async_file_operations();
    step(
        4.0,
        "producers and consumers",
        asyncio::producer_consumer_with_sentinels,
    );
    step(
        4.0,
        "producers and consumers",
        asyncio::producer_consumer_with_shutdown,
    );
    real_world::sync_against_async();
}

/// Seed 4, sections 8 and 9.
pub(crate) fn errors() {
    step(0.0, "", asyncio::robust_main);
    step(0.0, "", asyncio::robust_main_with_a_task_group);
    step(0.0, "", asyncio::debugging);
    step(2.5, "9 jobs, 3 at a time", asyncio::limits_and_timeouts);
    step(0.0, "", asyncio::cpu_bound_with_to_thread);
    step(
        2.0,
        "blocking vs awaiting",
        asyncio::blocking_against_non_blocking,
    );
    step(0.0, "", asyncio::forgetting_to_await);
}

/// Seed 4, section 10.
pub(crate) fn summary() {
    asyncio::evolution_roadmap();
}
