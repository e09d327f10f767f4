//! The seeds' async-generator examples (PEP 525), on tokio; `chapters.rs`
//! puts them in the seeds' order.
//!
//! Delays are the seeds' own (`asyncio.sleep(2)`, `asyncio.sleep(0.5)`, ...);
//! `--quick` divides them by 100.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cogen::catching::{self, Catching};
use cogen::error::ThrowError;
use cogen::ops::closing;
use cogen::rt::Finalizer;
use cogen::{Co, GeneratorState, Interrupt, async_coroutine, async_generator};
use futures::{Stream, StreamExt};
use tokio::time::sleep;

use crate::{delay, say, section};

/// Prints elapsed time in the seeds' units (seconds), as measured.
fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Seed "Async IO Enables Concurrent Work": `asyncio.run(fetch_data())`.
async fn fetch_data() {
    say!("fetching!");
    sleep(delay(2.0)).await; // IO-bound operation
    say!("done!");
}

pub(crate) async fn fetch_data_example() {
    section("Async IO enables concurrent work (fetch_data)");
    let start = Instant::now();
    fetch_data().await; // asyncio.run(fetch_data()) waits for it...
    say!("more work done while fetching");
    say!(
        "(sequential, as in the tutorial: {})",
        secs(start.elapsed())
    );
    // ...to really do other work meanwhile, run both concurrently.
    let start = Instant::now();
    tokio::join!(fetch_data(), async {
        say!("more work done while fetching");
    });
    say!("(concurrent with tokio::join!: {})", secs(start.elapsed()));
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

pub(crate) async fn async_counter_example() {
    section("Basic example of an asynchronous generator (async_counter)");
    let start = Instant::now();
    let mut counter = std::pin::pin!(async_counter(5));
    // async for number in async_counter(5):
    while let Some(number) = counter.next().await {
        say!("Count: {number}");
    }
    say!(
        "(5 counts, {} apart: {})",
        secs(delay(0.5)),
        secs(start.elapsed())
    );
}

/// Seed 001, things 1 and 2: a regular generator and an async one.
pub(crate) async fn regular_vs_async() {
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
    say!();
    print!("async for x in agen:     ");
    while let Some(x) = asynchronous.next().await {
        print!("{x} ");
    }
    say!();
}

/// anext() instead of next(), plus the return value Python cannot have.
pub(crate) async fn async_iteration_protocol() {
    section("anext(): one item at a time, and a return value");
    let mut g = async_generator(async |mut co| {
        co.yield_("first").await;
        co.yield_("second").await;
        "the return value (Python's async generators cannot return one)"
    });
    say!("anext -> {:?}", g.anext().await);
    say!("anext -> {:?}", g.anext().await);
    say!("anext -> {:?}", g.anext().await);
    say!("anext -> {:?}  (StopAsyncIteration)", g.anext().await);
}

/// Seed 001, thing 3: regular generators block; async generators do not.
pub(crate) async fn non_blocking() {
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
    say!(
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
    say!(
        "async generator (awaited sleep):    {}, other task ran {} times",
        secs(start.elapsed()),
        ticks.lock().unwrap()
    );
}

/// Seed 001, thing 4: how control flows between consumer and producer.
pub(crate) async fn producer_and_consumer() {
    section("4. Consumer vs producer: how control flows");
    let mut producer = async_generator(async |mut co| {
        for item in ["a", "b"] {
            say!("  producer does its stuff, and yields {item:?}");
            co.yield_(item).await;
            say!("  producer resumes");
        }
        say!("  producer is done");
    });
    loop {
        say!("consumer requests next item from producer");
        match producer.next().await {
            Some(item) => say!("consumer got {item:?}; producer is paused"),
            None => break,
        }
    }
}

/// Seed 001, thing 5: async does not help CPU-bound work.
pub(crate) async fn cpu_bound() {
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
    say!(
        "one CPU-bound generator: {:.3}s; two \"concurrently\" on one thread: {:.3}s \
         ({:.1}x as long)",
        one.as_secs_f64(),
        two.as_secs_f64(),
        two.as_secs_f64() / one.as_secs_f64()
    );
    say!("(CPU-bound work belongs on other threads: see chapter errors, 9.1)");
}

/// Seed 001, thing 6: pull-based backpressure.
pub(crate) async fn backpressure() {
    section("6. Built-in backpressure: a slow consumer sets the pace");
    let start = Instant::now();
    let mut fast_producer = async_generator(async |mut co| {
        for i in 0..4 {
            say!("  [{}] produce {i}", secs(start.elapsed()));
            co.yield_(i).await; // no delay on the producer side at all
        }
    });
    while let Some(i) = fast_producer.next().await {
        say!("  [{}] consume {i}", secs(start.elapsed()));
        sleep(delay(0.3)).await; // a slow consumer
    }
    say!("each item was produced only when the consumer asked for it");
}

/// asend: a value goes in at each yield.
pub(crate) async fn asend_example() {
    section("asend(): a value goes in at each yield");
    let mut running_total = async_coroutine(async |mut co: Co<'_, u32, u32>| {
        let mut total = 0;
        loop {
            let add = co.yield_(total).await;
            sleep(delay(0.01)).await;
            total += add;
        }
    });
    say!("astart()   -> {:?}", running_total.astart().await);
    for add in [5, 10, 20] {
        say!("asend({add:>2}) -> {:?}", running_total.asend(add).await);
    }
}

/// Seed 001 thing 7 and seed 002 "Error Handling": athrow, handled or not.
pub(crate) async fn athrow_example() {
    section("7. athrow(): inject an exception into the generator");
    let mut resilient =
        catching::async_coroutine(async |mut co: Co<'_, String, (), String, Catching>| {
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
    say!(
        "anext                     -> {:?}",
        resilient.astart().await
    );
    say!(
        "athrow(\"timeout\")         -> {:?}",
        resilient.athrow("timeout".to_string()).await
    );
    say!(
        "anext                     -> {:?}",
        resilient.asend(()).await
    );

    let mut fragile = async_coroutine(async |mut co: Co<'_, &str, (), &str>| {
        co.yield_("working").await; // no handler here
    });
    fragile.astart().await.unwrap();
    let r = fragile.athrow("fatal").await;
    assert_eq!(r, Err(ThrowError::Raised("fatal")));
    say!(
        "unhandled athrow(\"fatal\") -> {r:?}; state now {:?}",
        fragile.status()
    );
    let mut fresh = async_coroutine(async |mut co: Co<'_, &str, (), &str>| {
        say!("(never printed: athrow into a fresh generator runs nothing)");
        co.yield_("unreachable").await;
    });
    say!(
        "athrow into a fresh one   -> {:?}",
        fresh.athrow("early").await
    );
}

/// Seed 001 thing 7: aclose, with cleanup that awaits.
pub(crate) async fn aclose_example() {
    section("7. aclose(): close cleanly, with async cleanup");
    let mut lines = catching::async_generator(async |mut co| {
        let mut n = 0;
        while co.yield_(format!("line {n}")).catching().await.is_ok() {
            n += 1;
        }
        say!("  cleanup: flushing...");
        sleep(delay(0.1)).await; // cleanup that awaits
        say!("  cleanup: sent goodbye after {n} lines");
    });
    say!("{:?}", lines.next().await);
    say!("{:?}", lines.next().await);
    say!("aclose -> {:?}", lines.aclose().await);
    say!(
        "after aclose, next -> {:?} (no longer iterable)",
        lines.next().await
    );
    say!("aclose again -> {:?} (does nothing)", lines.aclose().await);

    let mut stubborn = catching::async_generator(async |mut co| {
        loop {
            let _ = co.yield_("still here").catching().await;
        }
    });
    stubborn.next().await;
    say!(
        "a generator that yields after aclose -> {:?} (Python: RuntimeError)",
        stubborn.aclose().await
    );
}

/// aclosing and asyncio's finalizer hook.
pub(crate) async fn closing_and_finalizer() {
    section("async with aclosing(gen): cleanup even when the consumer stops early");
    let make = |name: &'static str| {
        catching::async_generator(async move |mut co| {
            for i in 0.. {
                if co.yield_(i).catching().await.is_err() {
                    break;
                }
            }
            sleep(delay(0.01)).await;
            say!("  {name}: async cleanup done");
        })
    };
    let first = closing(make("closing"), async |g| g.next().await).await;
    say!("closing(..) -> {first:?}");

    let finalizer = Finalizer::new();
    let mut g = finalizer.attach(make("finalizer"));
    g.next().await;
    drop(g); // dropped early: the runtime's finalizer runs the async cleanup
    finalizer.shutdown_asyncgens().await;
    say!("finalizer.shutdown_asyncgens() waited for it");
}

/// Seed 002 "Keep It Modular": composable generators chained together,
/// with async delegation (which Python lacks).
pub(crate) async fn modular_pipeline() {
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
        say!("  yield_from returned {r:?}");
        co.yield_from_stream(squares).await; // and from any Stream
    });
    say!("{:?}", header_then_all.collect::<Vec<_>>().await);

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
    say!("asend forwarded through yield_from: 20 + 22 -> {r:?}");
}

/// Seed 000, "Key Differences" and "When to Use Each": a generator as a
/// state machine, processing data inside async code.
pub(crate) async fn generators_inside_async_code() {
    section("Key differences / When to use each: a generator state machine inside async code");
    // The state machine: a sync coroutine that parses "key=value" records,
    // one send() per line, and keeps its state (the section) between sends.
    let mut parser = cogen::coroutine(async |mut co: Co<'_, Option<String>, String>| {
        let mut section = String::from("top");
        let mut line = co.yield_(None).await;
        loop {
            let out = if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.to_string();
                None
            } else {
                line.split_once('=')
                    .map(|(k, v)| format!("{section}.{}={}", k.trim(), v.trim()))
            };
            line = co.yield_(out).await;
        }
    });
    parser.start().expect("a fresh coroutine starts");
    // The data arrives asynchronously, from an async generator.
    let mut incoming = async_generator(async |mut co| {
        for line in [
            "name = cogen",
            "[tour]",
            "quick = false",
            "# a comment",
            "chapters = 8",
        ] {
            sleep(delay(0.01)).await; // I/O-bound: awaited, the loop stays free
            co.yield_(line.to_string()).await;
        }
    });
    say!("config lines arrive from an async generator; a sync coroutine, sent one line at a");
    say!("time, keeps the current [section] and turns each `key = value` into a record:");
    while let Some(line) = incoming.next().await {
        let shown = format!("{line:?}");
        match parser.send(line) {
            Ok(GeneratorState::Yielded(Some(record))) => say!("  {shown:<18} -> {record}"),
            _ => say!("  {shown:<18} -> (no record)"),
        }
    }
    say!("the generator kept the state; async code kept the I/O non-blocking");
}

/// Seed 002, "When to use": a large file, line by line, in constant memory.
pub(crate) async fn large_file_line_by_line() {
    section("When to use async generators: processing a large file line by line");
    let dir = std::env::temp_dir().join(format!("cogen-tour-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("large.log");
    let n = if crate::quick() { 20_000 } else { 200_000 };
    let text: String = (0..n)
        .map(|i| {
            format!(
                "{i} {}\n",
                if i % 7 == 0 {
                    "ERROR disk full"
                } else {
                    "INFO ok"
                }
            )
        })
        .collect();
    cogen::io::write(&path, &text).await.expect("write");
    let size = text.len();
    drop(text);
    let start = Instant::now();
    let (errors, held) = {
        let region = stats_alloc::Region::new(crate::GLOBAL);
        let mut lines = cogen::io::lines(&path);
        let (mut errors, mut seen) = (0, 0);
        while let Some(line) = lines.next().await {
            seen += 1;
            if line.expect("valid text").contains("ERROR") {
                errors += 1;
            }
        }
        assert_eq!(seen, n);
        drop(lines);
        let change = region.change();
        (
            errors,
            change.bytes_allocated - change.bytes_deallocated.min(change.bytes_allocated),
        )
    };
    say!(
        "{n} lines ({:.1} MB) read in {}: {errors} errors; heap still held afterwards: {held} bytes",
        size as f64 / 1e6,
        secs(start.elapsed())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Seed 002, "When to use": a real-time data stream, consumed as it arrives.
pub(crate) async fn streaming_data() {
    section("When to use async generators: streaming data as it arrives");
    let server = cogen_testserver::TestServer::start();
    let fetcher = cogen::http::Fetcher::with_client(crate::real_world::offline_client());
    let start = Instant::now();
    let url = server.url(&format!(
        "/drip?numbytes=5&duration={}",
        delay(1.0).as_secs_f64()
    ));
    let mut body = fetcher.body(url);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("the local server answers");
        say!(
            "  [{}] {} byte(s) arrived: {:?}",
            secs(start.elapsed()),
            chunk.len(),
            String::from_utf8_lossy(&chunk)
        );
    }
    let mut lines = fetcher.lines(server.url("/stream/3"));
    while let Some(line) = lines.next().await {
        say!("  line: {}", line.expect("the local server answers"));
    }
}

/// Seed 002, "Best practices: error handling": try/except inside the async
/// generator, so one bad input does not end the stream.
pub(crate) async fn error_handling_inside() {
    section("Best practices: error handling inside the async generator");
    let dir = std::env::temp_dir().join(format!("cogen-tour-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    cogen::io::write(dir.join("a.txt"), "alpha\n")
        .await
        .expect("write");
    cogen::io::write(dir.join("c.txt"), "gamma\n")
        .await
        .expect("write");
    let names = ["a.txt", "b.txt", "c.txt"];
    let first_lines = async_generator(async |mut co| {
        for name in names {
            // try: ... except OSError as e: yield a placeholder and go on
            match cogen::io::read_to_string(dir.join(name)).await {
                Ok(text) => co.yield_(format!("{name}: {}", text.trim())).await,
                Err(e) => co.yield_(format!("{name}: skipped ({})", e.kind())).await,
            }
        }
    });
    let out: Vec<String> = first_lines.collect().await;
    for line in out {
        say!("  {line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Seed 002, "Best practices: testing asynchronous code": a test with
/// tokio's paused clock runs `async_counter(5)` without waiting 2.5 s.
pub(crate) fn testing_async_generators() {
    section("Best practices: testing asynchronous code (tokio's paused clock)");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    let start = Instant::now();
    let (counts, virtual_time) = rt.block_on(async {
        let virtual_start = tokio::time::Instant::now();
        let counts: Vec<u32> = async_counter(5).collect().await;
        (counts, virtual_start.elapsed())
    });
    assert_eq!(counts, [1, 2, 3, 4, 5]);
    say!(
        "assert_eq!(async_counter(5).collect().await, [1, 2, 3, 4, 5]): passed, {} of virtual \
         time in {:.1} ms (as #[tokio::test(start_paused = true)] does)",
        secs(virtual_time),
        start.elapsed().as_secs_f64() * 1e3
    );
}
