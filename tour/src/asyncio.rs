//! The seeds' asyncio examples (sections 4, 5, 6.3, 8, 9 and 10 of the
//! fourth seed) on `cogen::rt`, with elapsed times. Each example is its own
//! `rt::run`, as each is its own `asyncio.run` in the seed.
//!
//! Randomness comes from a seeded generator, so every run prints the same
//! thing; `--quick` divides the delays by 100.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cogen::rt::{
    self, DebugMode, Limiter, Queue, Runner, TaskGroup, TaskOutcome, gather, gather_all, spawn,
    to_thread, wait_for,
};
use tokio::time::sleep;

use crate::{delay, quick, say, section};

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Seed 4.1: `say_after`.
async fn say_after(secs: f64, message: &'static str) -> String {
    sleep(delay(secs)).await;
    say!("{message}");
    format!("Done: {message}")
}

pub(crate) fn say_after_sequential_and_concurrent() {
    section("4.1 Basic concepts: say_after, one after the other");
    let elapsed = rt::run(async {
        let start = Instant::now();
        say!("Start");
        let result1 = say_after(2.0, "Hello").await;
        let result2 = say_after(1.0, "World").await;
        say!("End");
        say!("Results: {result1}, {result2}");
        start.elapsed()
    });
    say!("sequential took {} (2 s + 1 s)", secs(elapsed));

    section("4.2 Concurrent execution: create_task and gather");
    let concurrent = rt::run(async {
        let start = Instant::now();
        say!("Start");
        let task1 = spawn("say Hello", say_after(2.0, "Hello"));
        let task2 = spawn("say World", say_after(1.0, "World"));
        let results = gather([task1, task2]).await.expect("neither task fails");
        say!("End");
        say!("All results: {results:?}");
        start.elapsed()
    });
    say!(
        "concurrent took {} (the longer of 2 s and 1 s): {:.1}x faster",
        secs(concurrent),
        elapsed.as_secs_f64() / concurrent.as_secs_f64()
    );
}

pub(crate) fn await_expressions() {
    section("5.2 await expressions: a coroutine, a future, a task");
    async fn async_function() -> u32 {
        sleep(delay(0.1)).await;
        7
    }
    let (r1, r2, r3) = rt::run(async {
        let result1 = async_function().await;
        // asyncio.Future(): a value someone else sets; here a oneshot channel.
        let (tx, future) = tokio::sync::oneshot::channel();
        drop(spawn("sets the future", async move {
            tx.send("set later").ok()
        }));
        let result2 = future.await.expect("the sender sets it");
        let task = spawn("async_function", async_function());
        let result3 = task.await.expect("the task does not panic");
        (result1, result2, result3)
    });
    say!("example() returned ({r1}, {r2:?}, {r3})");
}

/// Seed 6.3's producer: five items, random pauses, then the sentinel.
async fn producer(queue: Queue<Option<String>>, pid: u32, rng: Arc<Mutex<fastrand::Rng>>) {
    for i in 0..5 {
        let item = format!("product-{pid}-{i}");
        let pause = rng.lock().unwrap().f64() * 0.4 + 0.1; // uniform(0.1, 0.5)
        sleep(delay(pause)).await;
        queue.put(Some(item.clone())).await.expect("not shut down");
        say!("Producer {pid} produced: {item}");
    }
    queue.put(None).await.expect("not shut down"); // termination signal
}

/// Seed 6.3's consumer: stops at a sentinel, passing it on.
async fn consumer(queue: Queue<Option<String>>, cid: u32, rng: Arc<Mutex<fastrand::Rng>>) -> usize {
    let mut consumed = 0;
    loop {
        let item = queue.get().await.expect("not shut down");
        let Some(item) = item else {
            queue.put(None).await.expect("not shut down"); // pass the signal on
            break;
        };
        say!("Consumer {cid} consumed: {item}");
        consumed += 1;
        let pause = rng.lock().unwrap().f64() * 0.6 + 0.2; // uniform(0.2, 0.8)
        sleep(delay(pause)).await;
    }
    consumed
}

pub(crate) fn producer_consumer_with_sentinels() {
    section("6.3 Producer-consumer: 3 producers, 2 consumers, Queue(maxsize=10), None as the end");
    let (consumed, elapsed) = rt::run(async {
        let start = Instant::now();
        let rng = Arc::new(Mutex::new(fastrand::Rng::with_seed(7)));
        let queue = Queue::new(10);
        let producers = (0..3).map(|pid| {
            let (q, r) = (queue.clone(), rng.clone());
            spawn(format!("producer {pid}"), producer(q, pid, r))
        });
        let producers: Vec<_> = producers.collect();
        let consumers: Vec<_> = (0..2)
            .map(|cid| {
                let (q, r) = (queue.clone(), rng.clone());
                spawn(format!("consumer {cid}"), consumer(q, cid, r))
            })
            .collect();
        gather(producers).await.expect("producers finish");
        let consumed = gather(consumers).await.expect("consumers finish");
        (consumed, start.elapsed())
    });
    // As in the seed, the first sentinel stops everyone: items produced after
    // it are never consumed. Count them rather than hide it.
    let total: usize = consumed.iter().sum();
    say!(
        "consumed {total} of 15 items ({} and {}) in {}; the tutorial's single sentinel can stop \
         the consumers before the other producers finish",
        consumed[0],
        consumed[1],
        secs(elapsed)
    );
}

pub(crate) fn producer_consumer_with_shutdown() {
    section("6.3 again, with Python 3.13's Queue.shutdown: nothing is left behind");
    let (consumed, elapsed) = rt::run(async {
        let start = Instant::now();
        let rng = Arc::new(Mutex::new(fastrand::Rng::with_seed(7)));
        let queue: Queue<String> = Queue::new(10);
        let mut producers = TaskGroup::<(), ()>::new();
        for pid in 0..3 {
            let (q, r) = (queue.clone(), rng.clone());
            producers.spawn_named(format!("producer {pid}"), async move {
                for i in 0..5 {
                    let pause = r.lock().unwrap().f64() * 0.4 + 0.1;
                    sleep(delay(pause)).await;
                    q.put(format!("product-{pid}-{i}")).await.expect("open");
                }
                Ok(())
            });
        }
        let consumers: Vec<_> = (0..2)
            .map(|cid| {
                let (q, r) = (queue.clone(), rng.clone());
                spawn(format!("consumer {cid}"), async move {
                    let mut consumed = 0;
                    while let Ok(item) = q.get().await {
                        say!("Consumer {cid} consumed: {item}");
                        consumed += 1;
                        let pause = r.lock().unwrap().f64() * 0.6 + 0.2;
                        sleep(delay(pause)).await;
                        q.task_done().expect("one task_done per get");
                    }
                    consumed
                })
            })
            .collect();
        producers.join().await.expect("producers finish");
        queue.join().await; // every item processed
        queue.shutdown(); // consumers drain, then stop
        let consumed = gather(consumers).await.expect("consumers finish");
        (consumed, start.elapsed())
    });
    let total: usize = consumed.iter().sum();
    say!(
        "consumed {total} of 15 items ({} and {}) in {}",
        consumed[0],
        consumed[1],
        secs(elapsed)
    );
}

/// Seed 8.1: fails three times in ten, at random (seeded).
async fn risky_operation(fails: bool) -> Result<&'static str, String> {
    sleep(delay(0.1)).await;
    if fails {
        return Err("Random failure".to_string());
    }
    Ok("Success")
}

fn seeded_failures() -> Vec<bool> {
    let mut rng = fastrand::Rng::with_seed(2024);
    (0..10).map(|_| rng.f64() < 0.3).collect()
}

pub(crate) fn robust_main() {
    section("8.1 Asynchronous exception handling: robust_main");
    rt::run(async {
        let tasks: Vec<_> = seeded_failures()
            .into_iter()
            .enumerate()
            .map(|(i, fails)| spawn(format!("risky {i}"), risky_operation(fails)))
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            match task.await.expect("no panic") {
                Ok(res) => results.push(res),
                Err(e) => {
                    say!("Task failed: {e}");
                    results.push("Failed");
                }
            }
        }
        say!("Final results: {results:?}");
        // The same with gather(return_exceptions=True):
        let all = gather_all(seeded_failures().into_iter().map(risky_operation)).await;
        let failed = all.iter().filter(|r| r.is_err()).count();
        say!(
            "gather_all: {} succeeded, {failed} failed",
            all.len() - failed
        );
    });
}

pub(crate) fn robust_main_with_a_task_group() {
    section("8.1 with a TaskGroup: the first failure cancels the rest");
    rt::run(async {
        let mut group = TaskGroup::new();
        for (i, fails) in seeded_failures().into_iter().enumerate() {
            group.spawn(async move {
                // Later tasks take longer, so the first failure finds them running.
                sleep(delay(0.1 * (i + 1) as f64)).await;
                risky_operation(fails).await
            });
        }
        match group.join().await {
            Ok(results) => say!("all succeeded: {results:?}"),
            Err(e) => {
                say!("TaskGroup: {e}");
                for (i, outcome) in e.outcomes().iter().enumerate() {
                    let what = match outcome {
                        TaskOutcome::Ok(v) => (*v).to_string(),
                        TaskOutcome::Failed(e) => format!("failed: {e}"),
                        TaskOutcome::Panicked(_) => "panicked".to_string(),
                        TaskOutcome::Cancelled => "cancelled".to_string(),
                    };
                    say!("  task {i}: {what}");
                }
            }
        }
    });
}

/// Prints `tracing` output (the seed's `logging.basicConfig(level=DEBUG)`)
/// while `f` runs on this thread.
fn with_logging<T>(f: impl FnOnce() -> T) -> T {
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_target(true)
        .without_time()
        .with_ansi(false)
        .with_writer(std::io::stdout)
        .finish();
    tracing::subscriber::with_default(subscriber, f)
}

pub(crate) fn debugging() {
    section("8.2 Debugging: debug_coroutine under run(debug=True), logging at DEBUG");
    let out = with_logging(|| {
        Runner::new().debug(debug_mode()).run(async {
            tracing::debug!("Coroutine start");
            sleep(delay(0.1)).await;
            tracing::debug!("First step done");
            sleep(delay(0.1)).await;
            tracing::debug!("Second step done");
            "Finished"
        })
    });
    say!("debug_coroutine() returned {out:?}");
}

/// Debug mode with asyncio's 100 ms slow-callback threshold, scaled as the
/// delays are.
fn debug_mode() -> DebugMode {
    DebugMode::new()
        .slow_poll(delay(0.1))
        .slow_backpressure(delay(1.0))
}

pub(crate) fn blocking_against_non_blocking() {
    section("9.2 Pitfall: a blocking call in an async body, caught by debug mode");
    with_logging(|| {
        Runner::new().debug(debug_mode()).run(async {
            let ((), stall) = while_watching_the_loop("bad_example", async {
                std::thread::sleep(delay(1.0)); // blocks the loop: should be sleep().await
            })
            .await;
            say!(
                "bad_example (time.sleep(1)): the loop stalled for {}",
                ms(stall)
            );
            let ((), stall) = while_watching_the_loop("good_example", async {
                sleep(delay(1.0)).await; // non-blocking
            })
            .await;
            say!(
                "good_example (await asyncio.sleep(1)): the loop stalled for at most {}, \
                 and no warning",
                ms(stall)
            );
        });
    });
}

/// Runs `example` as a task while a heartbeat task measures the longest gap
/// between its beats: how long the loop could not run anything else.
async fn while_watching_the_loop<T: Send + 'static>(
    name: &str,
    example: impl Future<Output = T> + Send + 'static,
) -> (T, Duration) {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let beating = stop.clone();
    let heartbeat = spawn("heartbeat", async move {
        let mut last = Instant::now();
        let mut worst = Duration::ZERO;
        while !beating.load(std::sync::atomic::Ordering::Relaxed) {
            sleep(delay(0.05)).await;
            worst = worst.max(last.elapsed());
            last = Instant::now();
        }
        worst
    });
    tokio::task::yield_now().await; // let the heartbeat start
    let out = spawn(name, example).await.expect("no panic");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    (out, heartbeat.await.expect("no panic"))
}

/// CPU-bound work: count the primes below `n`.
fn count_primes(n: u64) -> usize {
    (2..n)
        .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0))
        .count()
}

pub(crate) fn cpu_bound_with_to_thread() {
    section("9.1 CPU-bound work: offloaded with to_thread, the loop stays responsive");
    let limit = if quick() { 200_000 } else { 2_000_000 };
    rt::run(async move {
        let start = Instant::now();
        let (primes, stall) =
            while_watching_the_loop("count_primes", to_thread(move || count_primes(limit))).await;
        say!(
            "{primes} primes below {limit}, computed on a blocking thread in {}",
            secs(start.elapsed())
        );
        say!("meanwhile the loop never stalled longer than {}", ms(stall));
    });
}

pub(crate) fn limits_and_timeouts() {
    section("9.1 Best practices: concurrency limits and timeouts");
    rt::run(async {
        let start = Instant::now();
        let limit = Limiter::new(3);
        let done = gather_all((0..9).map(|i| {
            let limit = &limit;
            async move {
                limit
                    .run(async move {
                        sleep(delay(0.5)).await;
                        i
                    })
                    .await
            }
        }))
        .await;
        say!(
            "9 jobs of 0.5 s, at most 3 at a time: {} jobs in {}",
            done.len(),
            secs(start.elapsed())
        );
        match wait_for(say_after(5.0, "too late"), delay(1.0)).await {
            Ok(v) => say!("wait_for: {v}"),
            Err(_) => {
                say!("wait_for(say_after(5, ...), timeout=1): TimeoutError, the call was cancelled")
            }
        }
    });
}

/// Seed 5.1: a generator-based coroutine against a native one.
pub(crate) fn declaring_async_functions() {
    section("5.1 Declaring async functions: generator-based coroutine vs async fn");
    // def old_coroutine(): value = yield; return value
    #[allow(clippy::let_and_return)] // the seed's shape: value = yield; return value
    let mut old_coroutine = cogen::coroutine(async |mut co: cogen::Co<'_, (), &str>| {
        let value = co.yield_(()).await;
        value
    });
    old_coroutine.start().expect("fresh");
    let returned = old_coroutine.send("sent in");
    say!("old_coroutine: next(), then send(\"sent in\") -> {returned:?} (StopIteration.value)");

    // async def modern_coroutine(): result = await some_async_operation()
    async fn some_async_operation() -> u32 {
        sleep(delay(0.01)).await;
        42
    }
    async fn modern_coroutine() -> u32 {
        some_async_operation().await
    }
    let result = rt::run(modern_coroutine());
    say!("modern_coroutine() -> {result}");
}

/// Seed 9.2, "forgetting to await": a future not awaited does nothing (and
/// the compiler says so: futures are `#[must_use]`).
pub(crate) fn forgetting_to_await() {
    section("9.2 Pitfall: forgetting to await");
    rt::run(async {
        #[allow(unused_must_use, clippy::let_underscore_future)]
        let _ = say_after(0.01, "never printed: this future was never awaited");
        say!("another_bad_example: say_after(...) without .await ran nothing");
        let result = say_after(0.01, "printed: awaited").await;
        say!("good_example: result = {result:?}");
    });
}

/// Seed 10: the roadmap, each step with its cogen counterpart.
pub(crate) fn evolution_roadmap() {
    section("10. Summary: the evolution roadmap, in cogen");
    let rows = [
        (
            "Python 2.2",
            "generators (yield)",
            "cogen::generator, Co::yield_",
        ),
        (
            "Python 2.5",
            "yield expression: send/throw/close",
            "Gen::send, Gen::throw, Gen::close",
        ),
        (
            "Python 3.3",
            "yield from",
            "Co::yield_from (send/throw/close forwarded, return value)",
        ),
        (
            "Python 3.4",
            "asyncio",
            "cogen::rt on tokio (Queue, TaskGroup, gather, ...)",
        ),
        ("Python 3.5", "async / await", "Rust's async fn and .await"),
        (
            "Python 3.6",
            "async generators",
            "cogen::async_generator: asend/athrow/aclose",
        ),
        ("Python 3.7", "asyncio.run()", "cogen::rt::run, Runner"),
    ];
    for (version, feature, cogen) in rows {
        say!("  {version:<11} {feature:<36} {cogen}");
    }
    say!(
        "I/O-bound: async/await. CPU-bound: rt::to_thread (the tutorial: multiprocessing). Lazy: generators."
    );
}
