//! Stress with accounting (issue 11): large runs where every item, value
//! and cleanup is counted, so that nothing is lost or duplicated silently.
//!
//! Every test here is `#[ignore]`d: `.ci/run` runs them at modest sizes with
//! `cargo test -p cogen --test stress -- --ignored`, and the full sizes whose
//! figures are in BENCHMARKS.md ("Stress with accounting") run with
//!
//! ```sh
//! COGEN_STRESS_SCALE=full cargo test --release -p cogen --test stress -- --ignored --nocapture --test-threads=1
//! ```
//!
//! One size can be set on its own: `COGEN_STRESS_GENERATORS`,
//! `COGEN_STRESS_PIPELINE_ITEMS`, `COGEN_STRESS_QUEUE_ITEMS` (per producer),
//! `COGEN_STRESS_CANCEL_STEPS`; `COGEN_STRESS_SEED` changes the cancellation
//! loop's seed (it is printed, so a failure can be replayed).
//!
//! The heap figures come from a counting global allocator (this binary only):
//! bytes requested (`Layout::size`) and not yet freed, counted per thread, so
//! tests running in parallel do not disturb each other.
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering::Relaxed};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use cogen::catching::{self, Catching};
use cogen::error::{CloseError, ResumeError, SendError, StartError, ThrowError};
use cogen::ops::{StreamOpsExt, merge};
use cogen::protocol::Status;
use cogen::rt::{Overflow, RuntimeOpsExt};
use cogen::rt::{Queue, Runner, ShutDown};
use cogen::{AsyncGen, Co, GeneratorState, Interrupt, async_generator};
use futures::{Stream, StreamExt};

// ---------------------------------------------------------------------------
// Sizes

/// A test's size: its own variable, else the scale (`full`, or `ci` by
/// default).
fn size(var: &str, ci: usize, full: usize) -> usize {
    if let Ok(v) = std::env::var(format!("COGEN_STRESS_{var}")) {
        return v
            .parse()
            .unwrap_or_else(|_| panic!("COGEN_STRESS_{var}={v:?} is not a number"));
    }
    match std::env::var("COGEN_STRESS_SCALE").as_deref() {
        Ok("full") => full,
        Ok("ci") | Err(_) => ci,
        Ok(other) => panic!("COGEN_STRESS_SCALE={other:?}: use `ci` or `full`"),
    }
}

// ---------------------------------------------------------------------------
// Counting allocator: live bytes and allocations, per thread.

struct Counting;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: isize, allocs: usize) {
    // `try_with`: the allocator also runs while thread locals are torn down.
    let _ = LIVE_BYTES.try_with(|b| b.set(b.get() + bytes));
    let _ = ALLOCS.try_with(|a| a.set(a.get() + allocs));
}

// SAFETY: forwards every call to the system allocator; only counts on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize, 1);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize, 1);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize), 0);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize, 1);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (live bytes, allocations so far) on this thread.
fn heap() -> (isize, usize) {
    (LIVE_BYTES.with(Cell::get), ALLOCS.with(Cell::get))
}

// ---------------------------------------------------------------------------
// Driving futures by hand, with a no-op waker (nothing here waits on I/O).

/// Polls `fut` at most `polls` times; `None` if it was still pending, and
/// then it is dropped: a cancellation. `polls == 0` drops it unpolled.
fn poll_up_to<F: Future + Unpin>(mut fut: F, polls: u32) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if let Poll::Ready(v) = Pin::new(&mut fut).poll(&mut cx) {
            return Some(v);
        }
    }
    None
}

/// Polls to completion (for futures that are pending only a bounded number
/// of times, as every body here).
fn finish<F: Future + Unpin>(fut: F) -> F::Output {
    poll_up_to(fut, 1_000).expect("the future completes within 1000 polls")
}

fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
    finish(s.next())
}

/// An await that is pending `n` times (waking itself), then ready.
struct Delay(u64);

impl Future for Delay {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// splitmix64: a small seeded PRNG (no dependency).
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---------------------------------------------------------------------------
// 1. Heap bytes per suspended async generator

/// What N suspended streams cost on the heap.
#[derive(Debug)]
struct Footprint {
    bytes_per: f64,
    allocs_per: f64,
}

/// Makes `n` streams with `make(i)`, resumes each to its first item (which
/// must be `first(i)`) and counts the heap they hold while suspended; then
/// resumes each once more (`second(i)`), ends them with `end`, and checks
/// that every byte came back.
fn suspended<G: Stream<Item = u64> + Unpin>(
    n: usize,
    mut make: impl FnMut(u64) -> G,
    first: impl Fn(u64) -> u64,
    second: impl Fn(u64) -> u64,
    mut end: impl FnMut(u64, &mut G),
) -> Footprint {
    let mut all = Vec::with_capacity(n);
    let (bytes0, allocs0) = heap();
    for i in 0..n as u64 {
        let mut g = make(i);
        assert_eq!(next(&mut g), Some(first(i)));
        all.push(g);
    }
    let (bytes1, allocs1) = heap();
    for (i, g) in all.iter_mut().enumerate() {
        assert_eq!(next(g), Some(second(i as u64)), "generator {i} resumes");
        end(i as u64, g);
    }
    all.clear();
    assert_eq!(heap().0, bytes0, "every byte is freed");
    Footprint {
        bytes_per: (bytes1 - bytes0) as f64 / n as f64,
        allocs_per: (allocs1 - allocs0) as f64 / n as f64,
    }
}

#[test]
#[ignore = "stress: run by .ci/run with --ignored"]
fn suspended_async_generators_hold_one_allocation_each_and_free_it() {
    let n = size("GENERATORS", 10_000, 100_000);

    // A counter: captures a `u64` start, holds its counter across the yield.
    let counter = suspended(
        n,
        |start| {
            async_generator(async move |mut co| {
                let mut i = start;
                loop {
                    co.yield_(i).await;
                    i += 1;
                }
            })
        },
        |i| i,
        |i| i + 1,
        |_, _| {},
    );

    // The same counter with a catching yield and async cleanup: also captures
    // an `Rc` cleanup counter; `aclose` awaits its cleanup (pending once).
    let cleanups = Rc::new(Cell::new(0usize));
    let with_cleanup = suspended(
        n,
        |start| {
            let cleanups = cleanups.clone();
            catching::async_generator(async move |mut co| {
                let mut i = start;
                while co.yield_(i).catching().await.is_ok() {
                    i += 1;
                }
                Delay(1).await;
                cleanups.set(cleanups.get() + 1);
            })
        },
        |i| i,
        |i| i + 1,
        |_, g| assert_eq!(finish(g.aclose()), Ok(Some(()))),
    );
    assert_eq!(cleanups.get(), n, "aclose ran each cleanup once");

    // Delegation: an outer generator suspended in `yield_from` a counter.
    let delegating = suspended(
        n,
        |start| {
            async_generator(async move |mut co| {
                let sub = async_generator(async move |mut co| {
                    let mut i = start;
                    loop {
                        co.yield_(i).await;
                        i += 1;
                    }
                });
                co.yield_from(sub).await;
            })
        },
        |i| i,
        |i| i + 1,
        |_, _| {},
    );

    // For comparison: the counter as a boxed `futures::stream::unfold`.
    let unfold = suspended(
        n,
        |start| -> Pin<Box<dyn Stream<Item = u64>>> {
            Box::pin(futures::stream::unfold(start, |i| async move {
                Some((i, i + 1))
            }))
        },
        |i| i,
        |i| i + 1,
        |_, _| {},
    );

    println!("stress: {n} suspended async generators, heap bytes each (requested sizes):");
    for (what, f) in [
        ("counter (captures a u64)", &counter),
        (
            "counter + catching yield + async cleanup (captures u64, Rc)",
            &with_cleanup,
        ),
        ("outer in yield_from(counter)", &delegating),
        (
            "Box<dyn Stream> of futures::stream::unfold (same counter)",
            &unfold,
        ),
    ] {
        println!(
            "stress:   {what}: {} bytes, {} allocations",
            f.bytes_per, f.allocs_per
        );
    }
    println!(
        "stress:   the handle (in the caller's Vec): {} bytes",
        size_of_val(&async_generator(async |mut co| co.yield_(0u64).await))
    );
    assert_eq!(counter.allocs_per, 1.0, "one allocation per generator");
    assert_eq!(with_cleanup.allocs_per, 1.0);
    assert_eq!(
        delegating.allocs_per, 2.0,
        "the outer and the sub-generator"
    );
    for f in [&counter, &with_cleanup, &delegating] {
        assert_eq!(f.bytes_per.fract(), 0.0, "every generator holds the same");
    }
}

// ---------------------------------------------------------------------------
// 2. merge -> map_concurrent -> buffer -> batch

#[test]
#[ignore = "stress: run by .ci/run with --ignored"]
fn merge_map_concurrent_buffer_batch_delivers_every_item_once_in_source_order() {
    const SOURCES: u64 = 4;
    const MAX_BATCH: usize = 100;
    let n = size("PIPELINE_ITEMS", 200_000, 10_000_000) as u64;
    let t0 = Instant::now();
    let (count, sum, batches, full, next_of) = Runner::new().worker_threads(2).run(async move {
        // Source k yields k, k + SOURCES, k + 2 * SOURCES, ... below n.
        let sources = (0..SOURCES).map(|k| {
            async_generator(async move |mut co| {
                let mut x = k;
                while x < n {
                    co.yield_(x).await;
                    x += SOURCES;
                }
            })
            .boxed_gen()
        });
        let pipeline = merge(sources)
            .map_concurrent(8, |x: u64| async move {
                if x % 61 == 0 {
                    tokio::task::yield_now().await; // some items finish late
                }
                3 * x + 1
            })
            .buffer(256, Overflow::Wait)
            .batch(MAX_BATCH, Duration::from_millis(10));
        let mut pipeline = std::pin::pin!(pipeline);
        let mut next_of: Vec<u64> = (0..SOURCES).collect();
        let (mut count, mut sum, mut batches, mut full) = (0u64, 0u64, 0u64, 0u64);
        while let Some(chunk) = pipeline.next().await {
            assert!(
                !chunk.is_empty() && chunk.len() <= MAX_BATCH,
                "{}",
                chunk.len()
            );
            batches += 1;
            full += u64::from(chunk.len() == MAX_BATCH);
            for y in chunk {
                let x = (y - 1) / 3;
                let k = (x % SOURCES) as usize;
                // Each source's items arrive once each, in order.
                assert_eq!(x, next_of[k], "source {k}: item {x} out of turn");
                next_of[k] += SOURCES;
                count += 1;
                sum += y;
            }
        }
        (count, sum, batches, full, next_of)
    });
    let took = t0.elapsed();
    assert_eq!(count, n, "every item, once");
    assert_eq!(sum, 3 * (n * (n - 1) / 2) + n, "sum of 3x + 1 over 0..n");
    for (k, end) in next_of.into_iter().enumerate() {
        assert!(end >= n && end < n + SOURCES, "source {k} delivered all");
    }
    println!(
        "stress: pipeline merge({SOURCES}) -> map_concurrent(8) -> buffer(256, Wait) -> \
         batch({MAX_BATCH}, 10ms): {n} items, sum {sum}, {batches} batches ({full} full), \
         {took:.2?}, {:.0} items/s",
        n as f64 / took.as_secs_f64()
    );
}

// ---------------------------------------------------------------------------
// 3. Queue: 8 producers, 8 consumers, shut down mid-stream

#[derive(Debug, Default)]
struct QueueCounts {
    put: AtomicUsize,
    consumed: AtomicUsize,
    handed_back: AtomicUsize,
    put_failed: AtomicUsize,
    never_put: AtomicUsize,
    cancelled_gets: AtomicUsize,
}

/// Runs the scenario; returns the counts after checking that every item id
/// met exactly one fate: consumed, handed back by `shutdown_immediate`,
/// handed back by a failed `put`, or never put (its producer had stopped).
fn queue_shut_down_mid_stream(immediate: bool) -> (usize, QueueCounts, Duration) {
    const PRODUCERS: usize = 8;
    const CONSUMERS: usize = 8;
    let per = size("QUEUE_ITEMS", 20_000, 1_000_000);
    let total = per * PRODUCERS;
    let fates: Arc<Vec<AtomicU8>> = Arc::new((0..total).map(|_| AtomicU8::new(0)).collect());
    let counts = Arc::new(QueueCounts::default());
    let t0 = Instant::now();
    let (f, c) = (fates.clone(), counts.clone());
    Runner::new().worker_threads(4).run(async move {
        let (fates, counts) = (f, c);
        let q = Queue::new(64);
        let half_consumed = Arc::new(tokio::sync::Notify::new());
        let mut tasks = Vec::new();
        for p in 0..PRODUCERS {
            let (q, fates, counts) = (q.clone(), fates.clone(), counts.clone());
            tasks.push(tokio::spawn(async move {
                for id in p * per..(p + 1) * per {
                    if (id - p * per) % 1024 == 1023 {
                        // Every producer pauses about together: the consumers
                        // empty the queue and wait.
                        tokio::time::sleep(Duration::from_millis(3)).await;
                    }
                    match q.put(id).await {
                        Ok(()) => {
                            counts.put.fetch_add(1, Relaxed);
                        }
                        Err(ShutDown(back)) => {
                            assert_eq!(back, id, "a failed put hands its own item back");
                            fates[id].fetch_add(1, Relaxed);
                            counts.put_failed.fetch_add(1, Relaxed);
                            for later in id + 1..(p + 1) * per {
                                fates[later].fetch_add(1, Relaxed);
                                counts.never_put.fetch_add(1, Relaxed);
                            }
                            return;
                        }
                    }
                }
            }));
        }
        for c in 0..CONSUMERS {
            let (q, fates, counts) = (q.clone(), fates.clone(), counts.clone());
            let half_consumed = half_consumed.clone();
            tasks.push(tokio::spawn(async move {
                // One consumer sees each producer's items in the order put.
                let mut last = [None; PRODUCERS];
                let mut take = |id: usize| {
                    fates[id].fetch_add(1, Relaxed);
                    let p = id / per;
                    assert!(last[p] < Some(id), "consumer {c}: {id} after {:?}", last[p]);
                    last[p] = Some(id);
                    q.task_done().expect("one task_done per item got");
                    if counts.consumed.fetch_add(1, Relaxed) + 1 == total / 2 {
                        half_consumed.notify_one();
                    }
                };
                // Consumers are slower than the producers (a yield per item),
                // except while the producers pause; then gets wait, and half
                // of them are raced against a yield, so a get that waits is
                // cancelled at the scheduler's next turn (cancel-safe: it
                // takes no item).
                match c % 4 {
                    0 => {
                        while let Ok(id) = q.get().await {
                            take(id);
                            tokio::task::yield_now().await;
                        }
                    }
                    1 => {
                        let mut items = q.items(); // the async generator
                        while let Some(id) = items.next().await {
                            take(id);
                            tokio::task::yield_now().await;
                        }
                    }
                    2 => loop {
                        match first(q.get()).await {
                            Some(Ok(id)) => take(id),
                            Some(Err(ShutDown(()))) => break,
                            None => {
                                counts.cancelled_gets.fetch_add(1, Relaxed);
                            }
                        }
                        tokio::task::yield_now().await;
                    },
                    _ => {
                        let mut items = q.items();
                        loop {
                            match first(items.next()).await {
                                Some(Some(id)) => take(id),
                                Some(None) => break,
                                None => {
                                    counts.cancelled_gets.fetch_add(1, Relaxed);
                                }
                            }
                            tokio::task::yield_now().await;
                        }
                    }
                }
            }));
        }
        let shutter = {
            let (q, fates, counts) = (q.clone(), fates.clone(), counts.clone());
            tokio::spawn(async move {
                half_consumed.notified().await;
                if immediate {
                    for id in q.shutdown_immediate() {
                        fates[id].fetch_add(1, Relaxed);
                        counts.handed_back.fetch_add(1, Relaxed);
                    }
                } else {
                    q.shutdown();
                }
            })
        };
        shutter.await.unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(q.unfinished(), 0, "every item put was marked done");
        q.join().await;
    });
    let took = t0.elapsed();
    let counts = Arc::into_inner(counts).unwrap();
    for (id, fate) in fates.iter().enumerate() {
        assert_eq!(fate.load(Relaxed), 1, "item {id}: fates");
    }
    let [put, consumed, handed_back, put_failed, never_put] = [
        &counts.put,
        &counts.consumed,
        &counts.handed_back,
        &counts.put_failed,
        &counts.never_put,
    ]
    .map(|c| c.load(Relaxed));
    assert_eq!(put, consumed + handed_back, "every item put came out once");
    assert_eq!(put + put_failed + never_put, total);
    assert!(
        consumed >= total / 2 && consumed < total,
        "shut down mid-stream"
    );
    assert!(put_failed > 0, "a producer was still putting");
    (total, counts, took)
}

/// `fut`'s output if it is ready before a `yield_now` is; else `None`, and
/// `fut` is dropped (cancelled).
async fn first<F: Future>(fut: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        out = fut => Some(out),
        () = tokio::task::yield_now() => None,
    }
}

fn report_queue(how: &str, (total, c, took): (usize, QueueCounts, Duration)) {
    println!(
        "stress: Queue(64), 8 producers x {} items, 8 consumers (get, items(), each also raced against a yield), \
         {how} once half were consumed: {} put, {} consumed, {} handed back by the shutdown, \
         {} handed back by failed puts, {} never put; total {total}, each once; \
         {} waiting gets cancelled; {took:.2?}",
        total / 8,
        c.put.load(Relaxed),
        c.consumed.load(Relaxed),
        c.handed_back.load(Relaxed),
        c.put_failed.load(Relaxed),
        c.never_put.load(Relaxed),
        c.cancelled_gets.load(Relaxed),
    );
}

#[test]
#[ignore = "stress: run by .ci/run with --ignored"]
fn queue_shutdown_immediate_mid_stream_accounts_for_every_item_once() {
    report_queue("shutdown_immediate()", queue_shut_down_mid_stream(true));
}

#[test]
#[ignore = "stress: run by .ci/run with --ignored"]
fn queue_graceful_shutdown_mid_stream_accounts_for_every_item_once() {
    report_queue("shutdown()", queue_shut_down_mid_stream(false));
}

// ---------------------------------------------------------------------------
// 4. Random cancellation of generator operations, seeded

/// What one generator's body did, shared with the test.
#[derive(Debug, Default)]
struct Ledger {
    /// Items the body has yielded (posted): 0, 1, ... produced - 1.
    produced: Cell<u64>,
    /// Runs of the async cleanup after a close.
    cleanups: Cell<u32>,
    /// Drops of a guard the body owns (its captures, dropped exactly once).
    dropped: Cell<u32>,
    /// Values sent or thrown in that the body received.
    received: RefCell<Vec<u64>>,
}

/// Owned by the body: counts its drop.
struct DropCount(Rc<Ledger>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.dropped.set(self.0.dropped.get() + 1);
    }
}

/// A value the body records on receipt (nothing for `()`).
trait Received {
    fn record(self, ledger: &Ledger);
}

impl Received for () {
    fn record(self, _: &Ledger) {}
}

impl Received for u64 {
    fn record(self, ledger: &Ledger) {
        ledger.received.borrow_mut().push(self);
    }
}

impl Received for std::convert::Infallible {
    fn record(self, _: &Ledger) {
        match self {}
    }
}

/// Yields `0..len`, pending 0-2 times before each yield, catching sends,
/// throws (recorded, then on to the next item) and close (async cleanup,
/// pending 0-2 times, then returns the number of items yielded).
async fn body<S: Received, E: Received>(
    mut co: Co<'_, u64, S, E, Catching>,
    ledger: Rc<Ledger>,
    guard: DropCount,
    mut rng: SplitMix64,
    len: u64,
) -> u64 {
    let _guard = guard;
    let mut i = 0;
    while i < len {
        Delay(rng.below(3)).await;
        ledger.produced.set(i + 1);
        match co.yield_(i).catching().await {
            Ok(value) => value.record(&ledger),
            Err(Interrupt::Throw(error)) => error.record(&ledger),
            Err(Interrupt::Close) => {
                Delay(rng.below(3)).await;
                ledger.cleanups.set(ledger.cleanups.get() + 1);
                return i + 1;
            }
        }
        i += 1;
    }
    Delay(rng.below(3)).await;
    len
}

/// Counts over the whole loop.
#[derive(Debug, Default)]
struct Tally {
    steps: u64,
    lives: u64,
    cancelled: u64,
    unpolled: u64,
    items: u64,
    cleanups: u64,
    cleanups_skipped: u64,
    dropped_lives: u64,
    delegating_lives: u64,
    /// Fate count of every value sent or thrown in, by id.
    fates: Vec<u8>,
    delivered: u64,
    handed_back: u64,
    never_polled: u64,
}

impl Tally {
    fn new_value(&mut self) -> u64 {
        self.fates.push(0);
        self.fates.len() as u64 - 1
    }
    fn handed_back(&mut self, id: u64, back: u64) {
        assert_eq!(back, id, "the value handed back is the one sent");
        self.fates[id as usize] += 1;
        self.handed_back += 1;
    }
}

/// The test's view of one generator.
struct Life {
    ledger: Rc<Ledger>,
    /// Items received by the consumer: exactly 0..received, in order.
    received: u64,
    /// A close was delivered at a yield point: its cleanup must run once.
    closing: bool,
}

impl Life {
    fn new() -> (Self, Rc<Ledger>, DropCount) {
        let ledger = Rc::new(Ledger::default());
        let life = Life {
            ledger: ledger.clone(),
            received: 0,
            closing: false,
        };
        (life, ledger.clone(), DropCount(ledger))
    }

    fn receive(&mut self, item: u64) {
        assert_eq!(item, self.received, "items once each, in order");
        self.received += 1;
    }

    fn status(&mut self, s: GeneratorState<u64, u64>) {
        match s {
            GeneratorState::Yielded(x) => self.receive(x),
            GeneratorState::Complete(r) => {
                assert_eq!(r, self.ledger.produced.get(), "return value")
            }
        }
    }

    /// The result of an `aclose` that began in state `before`.
    fn closed(
        &mut self,
        before: Status,
        r: Result<Option<u64>, CloseError<u64, u64>>,
        t: &mut Tally,
    ) {
        match before {
            Status::Suspended => self.closing = true,
            Status::Running if !self.closing => {
                // A cancelled step mid-await: dropped there (documented).
                assert_eq!(r, Ok(None));
                t.cleanups_skipped += 1;
                return;
            }
            _ => {}
        }
        if self.closing && before != Status::Finished {
            assert_eq!(r, Ok(Some(self.ledger.produced.get())));
            assert_eq!(self.ledger.cleanups.get(), 1, "cleanup ran once");
        } else {
            assert_eq!(r, Ok(None));
        }
    }

    /// After a cancelled (`None`) or unpolled operation.
    fn cancelled(&mut self, op_is_close: bool, before: Status, polls: u32, t: &mut Tally) {
        if polls == 0 {
            t.unpolled += 1;
        } else {
            t.cancelled += 1;
            if op_is_close && before == Status::Suspended {
                self.closing = true;
            }
        }
    }

    /// Ends the generator: `aclose` to completion, or (1 in 8) a plain drop.
    fn end<G>(
        mut self,
        mut g: G,
        state: Status,
        close: impl FnOnce(&mut G) -> Result<Option<u64>, CloseError<u64, u64>>,
        rng: &mut SplitMix64,
        t: &mut Tally,
    ) {
        let cleanups_expected = if rng.below(8) == 0 {
            drop(g);
            t.dropped_lives += 1;
            match state {
                // Drop delivers the close and polls once: the cleanup ran
                // if it did not have to wait.
                Status::Suspended => None,
                Status::Finished => Some(u32::from(self.closing)),
                _ => Some(0),
            }
        } else {
            let r = close(&mut g);
            self.closed(state, r, t);
            drop(g);
            Some(u32::from(self.closing))
        };
        let cleanups = self.ledger.cleanups.get();
        match cleanups_expected {
            Some(n) => assert_eq!(cleanups, n, "cleanups"),
            None => assert!(cleanups <= 1, "cleanups"),
        }
        assert_eq!(self.ledger.dropped.get(), 1, "the body is dropped once");
        assert_eq!(
            self.received,
            self.ledger.produced.get(),
            "every item yielded was received"
        );
        for &v in self.ledger.received.borrow().iter() {
            t.fates[v as usize] += 1;
            t.delivered += 1;
        }
        t.items += self.received;
        t.cleanups += u64::from(cleanups);
        t.lives += 1;
    }
}

/// How many times to poll an operation before dropping it: 0 (dropped
/// unpolled) 1 time in 8, else 1 to 3 (a step pends 0 to 2 times, its
/// cleanup up to 4).
fn polls(rng: &mut SplitMix64) -> u32 {
    match rng.below(8) {
        0 => 0,
        1..=3 => 1,
        4 | 5 => 2,
        _ => 3,
    }
}

/// A plain async generator (`S = ()`): `next`, `anext`, `asend(())`,
/// `finish_step`, `aclose`, each polled 0-3 times and dropped if pending.
fn plain_life(rng: &mut SplitMix64, t: &mut Tally) {
    let (life, ledger, guard) = Life::new();
    let (body_rng, len) = (SplitMix64(rng.next()), rng.below(32));
    if rng.below(4) == 0 {
        // The body in a sub-generator: each operation goes through yield_from.
        let outer_ledger = ledger.clone();
        let g = catching::async_generator(async move |mut co| {
            let sub = catching::async_generator(async move |co| {
                body(co, ledger, guard, body_rng, len).await
            });
            match co.yield_from(sub).catching().await {
                Ok(r) => r,
                Err(Interrupt::Close) => outer_ledger.produced.get(),
                Err(Interrupt::Throw(never)) => match never {},
            }
        });
        t.delegating_lives += 1;
        plain_ops(g, life, rng, t);
    } else {
        let g =
            catching::async_generator(async move |co| body(co, ledger, guard, body_rng, len).await);
        plain_ops(g, life, rng, t);
    }
}

fn plain_ops<F: Future<Output = u64>>(
    g: AsyncGen<u64, F, (), std::convert::Infallible, Catching>,
    mut life: Life,
    rng: &mut SplitMix64,
    t: &mut Tally,
) {
    // Its body returns the count it produced: `Stream::next` needs the return
    // value handed on (here, dropped: `anext` reports it).
    let mut g = g.on_return(drop);
    for _ in 0..rng.below(48) {
        t.steps += 1;
        let polls = polls(rng);
        let before = g.get_ref().status();
        if before == Status::Finished && rng.below(4) != 0 {
            break; // a few operations on a finished generator, not dozens
        }
        let op = if rng.below(16) == 0 { 4 } else { rng.below(4) }; // 4: aclose
        let done = match op {
            0 => poll_up_to(g.next(), polls).map(|item| match item {
                Some(x) => life.receive(x),
                None => assert_eq!(g.get_ref().status(), Status::Finished),
            }),
            1 => poll_up_to(g.get_mut().anext(), polls).map(|r| match r {
                Ok(s) => life.status(s),
                Err(ResumeError::Finished) => assert_eq!(before, Status::Finished),
                Err(e) => panic!("anext: {e:?}"),
            }),
            2 => poll_up_to(g.get_mut().asend(()), polls).map(|r| match r {
                Ok(s) => life.status(s),
                Err(SendError::NotStarted(())) => assert_eq!(before, Status::Created),
                Err(SendError::Running(())) => assert_eq!(before, Status::Running),
                Err(SendError::Finished(())) => assert_eq!(before, Status::Finished),
                Err(e) => panic!("asend: {e:?}"),
            }),
            3 => poll_up_to(g.get_mut().finish_step(), polls).map(|r| match r {
                None => assert_ne!(before, Status::Running),
                Some(Ok(s)) => life.status(s),
                Some(Err(e)) => panic!("finish_step: {e:?}"),
            }),
            _ => poll_up_to(g.get_mut().aclose(), polls).map(|r| {
                let r = r.map_err(|e| match e {
                    CloseError::Ignored(y) => CloseError::Ignored(y),
                    CloseError::Raised(e) => match e {},
                });
                life.closed(before, r, t);
            }),
        };
        if done.is_none() {
            life.cancelled(op == 4, before, polls, t);
            if polls == 0 {
                assert_eq!(
                    g.get_ref().status(),
                    before,
                    "an unpolled operation runs nothing"
                );
            } else {
                assert_eq!(
                    g.get_ref().status(),
                    Status::Running,
                    "a cancelled step stays in flight"
                );
            }
        }
    }
    let state = g.get_ref().status();
    life.end(
        g.into_inner(),
        state,
        |g| {
            finish(g.aclose()).map_err(|e| match e {
                CloseError::Ignored(y) => CloseError::Ignored(y),
                CloseError::Raised(e) => match e {},
            })
        },
        rng,
        t,
    );
}

/// An async coroutine (`S = E = u64`): `astart`, `asend(id)`, `athrow(id)`,
/// `finish_step`, `aclose`; every id sent or thrown is delivered to the body
/// or handed back, once.
fn coroutine_life(rng: &mut SplitMix64, t: &mut Tally) {
    let (life, ledger, guard) = Life::new();
    let (body_rng, len) = (SplitMix64(rng.next()), rng.below(32));
    if rng.below(4) == 0 {
        // Sends, throws and closes forwarded by yield_from.
        let outer_ledger = ledger.clone();
        let g = catching::async_coroutine(async move |mut co: Co<'_, u64, u64, u64, Catching>| {
            let sub =
                catching::async_coroutine(async move |co: Co<'_, u64, u64, u64, Catching>| {
                    body(co, ledger, guard, body_rng, len).await
                });
            match co.yield_from(sub).catching().await {
                Ok(r) => r,
                Err(Interrupt::Close) => outer_ledger.produced.get(),
                Err(Interrupt::Throw(e)) => panic!("the sub-generator catches every throw: {e}"),
            }
        });
        t.delegating_lives += 1;
        coroutine_ops(g, life, rng, t);
    } else {
        let g = catching::async_coroutine(async move |co: Co<'_, u64, u64, u64, Catching>| {
            body(co, ledger, guard, body_rng, len).await
        });
        coroutine_ops(g, life, rng, t);
    }
}

fn coroutine_ops<F: Future<Output = u64>>(
    mut g: AsyncGen<u64, F, u64, u64, Catching>,
    mut life: Life,
    rng: &mut SplitMix64,
    t: &mut Tally,
) {
    for _ in 0..rng.below(48) {
        t.steps += 1;
        let polls = polls(rng);
        let before = g.status();
        if before == Status::Finished && rng.below(4) != 0 {
            break; // a few operations on a finished generator, not dozens
        }
        // Mostly what a consumer would do next (start a fresh one, finish a
        // step in flight), else any operation; aclose 1 time in 16.
        let op = match (rng.below(16), before) {
            (0, _) => 4,
            (1..=11, Status::Created) => 0,
            (1..=11, Status::Running) => 3,
            (1..=8, _) => 1 + rng.below(2),
            _ => rng.below(4),
        };
        let mut value = None;
        let done = match op {
            0 => poll_up_to(g.astart(), polls).map(|r| match r {
                Ok(s) => life.status(s),
                Err(StartError::AlreadyStarted) => {
                    assert!(matches!(before, Status::Suspended | Status::Running))
                }
                Err(StartError::Finished) => assert_eq!(before, Status::Finished),
                Err(e) => panic!("astart: {e:?}"),
            }),
            1 => {
                let id = t.new_value();
                value = Some(id);
                poll_up_to(g.asend(id), polls).map(|r| match r {
                    Ok(s) => life.status(s),
                    Err(SendError::NotStarted(v)) => {
                        assert_eq!(before, Status::Created);
                        t.handed_back(id, v);
                    }
                    Err(SendError::Running(v)) => {
                        assert_eq!(before, Status::Running);
                        t.handed_back(id, v);
                    }
                    Err(SendError::Finished(v)) => {
                        assert_eq!(before, Status::Finished);
                        t.handed_back(id, v);
                    }
                    Err(e) => panic!("asend: {e:?}"),
                })
            }
            2 => {
                let id = t.new_value();
                value = Some(id);
                poll_up_to(g.athrow(id), polls).map(|r| match r {
                    Ok(s) => life.status(s),
                    // Fresh or finished: handed straight back.
                    Err(ThrowError::Raised(v)) => {
                        assert!(matches!(before, Status::Created | Status::Finished));
                        t.handed_back(id, v);
                    }
                    Err(ThrowError::Running(v)) => {
                        assert_eq!(before, Status::Running);
                        t.handed_back(id, v);
                    }
                })
            }
            3 => poll_up_to(g.finish_step(), polls).map(|r| match r {
                None => assert_ne!(before, Status::Running),
                Some(Ok(s)) => life.status(s),
                Some(Err(e)) => panic!("finish_step: {e:?}"),
            }),
            _ => poll_up_to(g.aclose(), polls).map(|r| life.closed(before, r, t)),
        };
        if done.is_none() {
            life.cancelled(op == 4, before, polls, t);
            if polls == 0 {
                assert_eq!(g.status(), before, "an unpolled operation runs nothing");
                if let Some(id) = value {
                    // Dropped with its future, never delivered.
                    t.fates[id as usize] += 1;
                    t.never_polled += 1;
                }
            } else {
                assert_eq!(
                    g.status(),
                    Status::Running,
                    "a cancelled step stays in flight"
                );
            }
        }
    }
    let state = g.status();
    life.end(g, state, |g| finish(g.aclose()), rng, t);
}

#[test]
#[ignore = "stress: run by .ci/run with --ignored"]
fn random_cancellation_of_generator_operations_loses_and_duplicates_nothing() {
    let steps = size("CANCEL_STEPS", 200_000, 10_000_000) as u64;
    let seed = std::env::var("COGEN_STRESS_SEED")
        .map(|s| s.parse().expect("COGEN_STRESS_SEED is a u64"))
        .unwrap_or(0x5EED_C06E);
    let mut rng = SplitMix64(seed);
    let mut t = Tally::default();
    let t0 = Instant::now();
    while t.steps < steps {
        if rng.below(2) == 0 {
            plain_life(&mut rng, &mut t);
        } else {
            coroutine_life(&mut rng, &mut t);
        }
    }
    let took = t0.elapsed();
    for (id, &fate) in t.fates.iter().enumerate() {
        assert_eq!(fate, 1, "value {id} (seed {seed:#x}): fates");
    }
    let values = t.fates.len() as u64;
    assert_eq!(t.delivered + t.handed_back + t.never_polled, values);
    assert!(t.cancelled > 0 && t.cleanups > 0 && t.cleanups_skipped > 0);
    println!(
        "stress: random cancellation, seed {seed:#x}: {} operations on {} generators \
         ({} delegating through yield_from), \
         {} cancelled after 1-3 polls, {} dropped unpolled; {} items received once each; \
         {values} values sent or thrown: {} delivered, {} handed back, {} dropped unpolled; \
         {} cleanups run once each, {} skipped by aclose mid-await (documented), \
         {} generators dropped instead of closed; {took:.2?}",
        t.steps,
        t.lives,
        t.delegating_lives,
        t.cancelled,
        t.unpolled,
        t.items,
        t.delivered,
        t.handed_back,
        t.never_polled,
        t.cleanups,
        t.cleanups_skipped,
        t.dropped_lives,
    );
}
