//! Chapter 2: the seeds' async-generator examples (PEP 525), on tokio.
//!
//! Delays are the seeds' own (`asyncio.sleep(2)`, `asyncio.sleep(0.5)`, ...);
//! `--quick` divides them by 100.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cogen::rt::Finalizer;
use cogen::{Co, GeneratorState, Interrupt, ThrowError, async_coroutine, async_generator, closing};
use futures::{Stream, StreamExt};
use tokio::time::sleep;

use crate::{delay, section};

pub(crate) fn run() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async {
        fetch_data_example().await;
        async_counter_example().await;
        regular_vs_async().await;
        async_iteration_protocol().await;
        non_blocking().await;
        producer_and_consumer().await;
        cpu_bound().await;
        backpressure().await;
        asend_example().await;
        athrow_example().await;
        aclose_example().await;
        closing_and_finalizer().await;
        modular_pipeline().await;
    });
}

/// Prints elapsed time in the seeds' units (seconds), as measured.
fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Seed "Async IO Enables Concurrent Work": `asyncio.run(fetch_data())`.
async fn fetch_data() {
    println!("fetching!");
    sleep(delay(2.0)).await; // IO-bound operation
    println!("done!");
}

async fn fetch_data_example() {
    section("Async IO enables concurrent work (fetch_data)");
    let start = Instant::now();
    fetch_data().await; // asyncio.run(fetch_data()) waits for it...
    println!("more work done while fetching");
    println!("(sequential, as in the seed: {})", secs(start.elapsed()));
    // ...to really do other work meanwhile, run both concurrently.
    let start = Instant::now();
    tokio::join!(fetch_data(), async {
        println!("more work done while fetching");
    });
    println!("(concurrent with tokio::join!: {})", secs(start.elapsed()));
}

/// Seed "Basic Example of an Asynchronous Generator".
fn async_counter(n: u32) -> impl Stream<Item = u32> {
    // An asynchronous generator that yields numbers from 1 to n with a delay.
    async_generator(async move |mut co| {
        for i in 1..=n {
            sleep(delay(0.5)).await; // Simulate an I/O-bound delay
            co.yield_(i).await;
        }
    })
}

async fn async_counter_example() {
    section("Basic example of an asynchronous generator (async_counter)");
    let start = Instant::now();
    let mut counter = std::pin::pin!(async_counter(5));
    // async for number in async_counter(5):
    while let Some(number) = counter.next().await {
        println!("Count: {number}");
    }
    println!(
        "(5 counts, {} apart: {})",
        secs(delay(0.5)),
        secs(start.elapsed())
    );
}

/// Seed 001, things 1 and 2: a regular generator and an async one.
async fn regular_vs_async() {
    section("1-2. Regular vs async generators: definition and use");
    let regular = cogen::generator(async |mut co| {
        for i in 0..3 {
            co.yield_(i).await;
        }
    });
    let mut asynchronous = async_generator(async |mut co| {
        for i in 0..3 {
            tokio::task::yield_now().await; // may await between yields
            co.yield_(i).await;
        }
    });
    print!("for x in regular:        ");
    for x in regular {
        print!("{x} ");
    }
    println!();
    print!("async for x in agen:     ");
    while let Some(x) = asynchronous.next().await {
        print!("{x} ");
    }
    println!();
}

/// anext() instead of next(), plus the return value Python cannot have.
async fn async_iteration_protocol() {
    section("anext(): one item at a time, and a return value");
    let mut g = async_generator(async |mut co| {
        co.yield_("first").await;
        co.yield_("second").await;
        "the return value (Python's async generators cannot return one)"
    });
    println!("anext -> {:?}", g.anext().await);
    println!("anext -> {:?}", g.anext().await);
    println!("anext -> {:?}", g.anext().await);
    println!("anext -> {:?}  (StopAsyncIteration)", g.anext().await);
}

/// Seed 001, thing 3: regular generators block; async generators do not.
async fn non_blocking() {
    section("3. Regular generators block the event loop; async generators do not");
    let pause = delay(0.2);
    let ticks = Arc::new(Mutex::new(0u32));
    let ticker = {
        let ticks = ticks.clone();
        move || {
            let ticks = ticks.clone();
            async move {
                loop {
                    sleep(pause / 4).await;
                    *ticks.lock().unwrap() += 1;
                }
            }
        }
    };

    // A regular generator that waits with a blocking sleep.
    let blocking = cogen::generator(async |mut co| {
        for i in 0..3 {
            std::thread::sleep(pause);
            co.yield_(i).await;
        }
    });
    *ticks.lock().unwrap() = 0;
    let start = Instant::now();
    tokio::select! {
        _ = ticker() => {}
        _ = async { for _ in blocking {} } => {}
    }
    println!(
        "regular generator (blocking sleep): {}, other task ran {} times",
        secs(start.elapsed()),
        ticks.lock().unwrap()
    );

    let non_blocking = async_generator(async |mut co| {
        for i in 0..3 {
            sleep(pause).await;
            co.yield_(i).await;
        }
    });
    *ticks.lock().unwrap() = 0;
    let start = Instant::now();
    tokio::select! {
        _ = ticker() => {}
        _ = non_blocking.for_each(|_| async {}) => {}
    }
    println!(
        "async generator (awaited sleep):    {}, other task ran {} times",
        secs(start.elapsed()),
        ticks.lock().unwrap()
    );
}

/// Seed 001, thing 4: how control flows between consumer and producer.
async fn producer_and_consumer() {
    section("4. Consumer vs producer: how control flows");
    let mut producer = async_generator(async |mut co| {
        for item in ["a", "b"] {
            println!("  producer does its stuff, and yields {item:?}");
            co.yield_(item).await;
            println!("  producer resumes");
        }
        println!("  producer is done");
    });
    loop {
        println!("consumer requests next item from producer");
        match producer.next().await {
            Some(item) => println!("consumer got {item:?}; producer is paused"),
            None => break,
        }
    }
}

/// Seed 001, thing 5: async does not help CPU-bound work.
async fn cpu_bound() {
    section("5. Async generators do not help CPU-bound work");
    fn busy_sums(rounds: u64) -> impl Stream<Item = u64> {
        async_generator(async move |mut co| {
            for r in 0..3 {
                let mut acc = 0u64;
                for i in 0..rounds {
                    acc = acc.wrapping_add(std::hint::black_box(i ^ r));
                }
                co.yield_(acc).await;
            }
        })
    }
    let rounds = if crate::quick() {
        5_000_000
    } else {
        50_000_000
    };
    let start = Instant::now();
    let _ = busy_sums(rounds).count().await;
    let one = start.elapsed();
    let start = Instant::now();
    let _ = tokio::join!(busy_sums(rounds).count(), busy_sums(rounds).count());
    let two = start.elapsed();
    println!(
        "one CPU-bound generator: {:.3}s; two \"concurrently\" on one thread: {:.3}s \
         ({:.1}x as long)",
        one.as_secs_f64(),
        two.as_secs_f64(),
        two.as_secs_f64() / one.as_secs_f64()
    );
    println!("(CPU-bound work belongs on other threads: see the concurrency chapter)");
}

/// Seed 001, thing 6: pull-based backpressure.
async fn backpressure() {
    section("6. Built-in backpressure: a slow consumer sets the pace");
    let start = Instant::now();
    let mut fast_producer = async_generator(async |mut co| {
        for i in 0..4 {
            println!("  [{}] produce {i}", secs(start.elapsed()));
            co.yield_(i).await; // no delay on the producer side at all
        }
    });
    while let Some(i) = fast_producer.next().await {
        println!("  [{}] consume {i}", secs(start.elapsed()));
        sleep(delay(0.3)).await; // a slow consumer
    }
    println!("each item was produced only when the consumer asked for it");
}

/// asend: a value goes in at each yield.
async fn asend_example() {
    section("asend(): a value goes in at each yield");
    let mut running_total = async_coroutine(async |mut co: Co<'_, u32, u32>| {
        let mut total = 0;
        loop {
            let add = co.yield_(total).await;
            sleep(delay(0.01)).await;
            total += add;
        }
    });
    println!("astart()   -> {:?}", running_total.astart().await);
    for add in [5, 10, 20] {
        println!("asend({add:>2}) -> {:?}", running_total.asend(add).await);
    }
}

/// Seed 001 thing 7 and seed 002 "Error Handling": athrow, handled or not.
async fn athrow_example() {
    section("7. athrow(): inject an exception into the generator");
    let mut resilient = async_coroutine(async |mut co: Co<'_, String, (), String>| {
        let mut value = "ok".to_string();
        loop {
            match co.yield_(value.clone()).catching().await {
                Ok(()) => value = "ok".to_string(),
                // try/except inside the async generator
                Err(Interrupt::Throw(e)) => value = format!("recovered from {e}"),
                Err(Interrupt::Close) => return,
            }
        }
    });
    println!(
        "anext                     -> {:?}",
        resilient.astart().await
    );
    println!(
        "athrow(\"timeout\")         -> {:?}",
        resilient.athrow("timeout".to_string()).await
    );
    println!(
        "anext                     -> {:?}",
        resilient.asend(()).await
    );

    let mut fragile = async_coroutine(async |mut co: Co<'_, &str, (), &str>| {
        co.yield_("working").await; // no handler here
    });
    fragile.astart().await.unwrap();
    let r = fragile.athrow("fatal").await;
    assert_eq!(r, Err(ThrowError::Raised("fatal")));
    println!(
        "unhandled athrow(\"fatal\") -> {r:?}; state now {:?}",
        fragile.state()
    );
    let mut fresh = async_coroutine(async |mut co: Co<'_, &str, (), &str>| {
        println!("(never printed: athrow into a fresh generator runs nothing)");
        co.yield_("unreachable").await;
    });
    println!(
        "athrow into a fresh one   -> {:?}",
        fresh.athrow("early").await
    );
}

/// Seed 001 thing 7: aclose, with cleanup that awaits.
async fn aclose_example() {
    section("7. aclose(): close cleanly, with async cleanup");
    let mut lines = async_generator(async |mut co| {
        let mut n = 0;
        while co.yield_(format!("line {n}")).catching().await.is_ok() {
            n += 1;
        }
        println!("  cleanup: flushing...");
        sleep(delay(0.1)).await; // cleanup that awaits
        println!("  cleanup: sent goodbye after {n} lines");
    });
    println!("{:?}", lines.next().await);
    println!("{:?}", lines.next().await);
    println!("aclose -> {:?}", lines.aclose().await);
    println!(
        "after aclose, next -> {:?} (no longer iterable)",
        lines.next().await
    );
    println!("aclose again -> {:?} (does nothing)", lines.aclose().await);

    let mut stubborn = async_generator(async |mut co| {
        loop {
            let _ = co.yield_("still here").catching().await;
        }
    });
    stubborn.next().await;
    println!(
        "a generator that yields after aclose -> {:?} (Python: RuntimeError)",
        stubborn.aclose().await
    );
}

/// aclosing and asyncio's finalizer hook.
async fn closing_and_finalizer() {
    section("async with aclosing(gen): cleanup even when the consumer stops early");
    let make = |name: &'static str| {
        async_generator(async move |mut co| {
            for i in 0.. {
                if co.yield_(i).catching().await.is_err() {
                    break;
                }
            }
            sleep(delay(0.01)).await;
            println!("  {name}: async cleanup done");
        })
    };
    let first = closing(make("closing"), async |g| g.next().await).await;
    println!("closing(..) -> {first:?}");

    let finalizer = Finalizer::new();
    let mut g = finalizer.attach(make("finalizer"));
    g.next().await;
    drop(g); // dropped early: the runtime's finalizer runs the async cleanup
    finalizer.shutdown_asyncgens().await;
    println!("finalizer.shutdown_asyncgens() waited for it");
}

/// Seed 002 "Keep It Modular": composable generators chained together,
/// with async delegation (which Python lacks).
async fn modular_pipeline() {
    section("Keep it modular: chained generators and async yield from");
    fn numbers() -> impl Stream<Item = u32> {
        async_generator(async |mut co| {
            for i in 1..=4 {
                sleep(delay(0.05)).await;
                co.yield_(i).await;
            }
        })
    }
    let squares = async_generator(async |mut co| {
        let mut source = std::pin::pin!(numbers());
        while let Some(n) = source.next().await {
            co.yield_(n * n).await;
        }
    });
    let header_then_all = async_generator(async |mut co| {
        let sub = async_generator(async |mut co| {
            co.yield_(0).await;
            "header sent"
        });
        let r = co.yield_from(sub).await; // async yield from, with its return value
        println!("  yield_from returned {r:?}");
        co.yield_from_stream(squares).await; // and from any Stream
    });
    println!("{:?}", header_then_all.collect::<Vec<_>>().await);

    let mut pair = async_coroutine(async |mut co: Co<'_, u32, u32>| {
        let sub = async_coroutine(async |mut co: Co<'_, u32, u32>| {
            let a = co.yield_(0).await;
            let b = co.yield_(a).await;
            a + b
        });
        let sum = co.yield_from(sub).await; // asend is forwarded to it
        co.yield_(sum).await
    });
    pair.astart().await.unwrap();
    let _ = pair.asend(20).await;
    let r = pair.asend(22).await;
    assert_eq!(r, Ok(GeneratorState::Yielded(42)));
    println!("asend forwarded through yield_from: 20 + 22 -> {r:?}");
}
