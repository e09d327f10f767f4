//! The asyncio-toolkit cases: `rt::Queue` against tokio mpsc (the same
//! producer task and consumer as `tokio_mpsc_*`), and `map_concurrent`
//! against futures' `buffered` / `buffer_unordered`, each mapping an
//! immediately ready future so that the operator's own cost is measured.
//! And the spawn-scaling cases: spawning beside many running tasks.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Context, Poll};

use cogen::ops::StreamOpsExt;
use futures::StreamExt;

use crate::{Case, consume};

/// Every toolkit case, in report order.
pub const TOOLKIT_CASES: &[Case] = &[
    ("cogen_queue_16", cogen_queue_16),
    ("cogen_queue_128", cogen_queue_128),
    ("cogen_queue_items_16", cogen_queue_items_16),
    ("futures_buffered_8", futures_buffered_8),
    ("cogen_map_concurrent_8", cogen_map_concurrent_8),
    ("futures_buffer_unordered_8", futures_buffer_unordered_8),
    (
        "cogen_map_concurrent_unordered_8",
        cogen_map_concurrent_unordered_8,
    ),
];

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
}

fn cogen_queue(n: u64, maxsize: usize) -> u64 {
    current_thread().block_on(async move {
        let q = cogen::rt::Queue::new(maxsize);
        let producer = q.clone();
        tokio::spawn(async move {
            for i in 0..n {
                if producer.put(i).await.is_err() {
                    break;
                }
            }
            producer.shutdown();
        });
        let mut sum = 0u64;
        while let Ok(x) = q.get().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// A producer task putting into `rt::Queue::new(16)`, a consumer getting.
pub fn cogen_queue_16(n: u64) -> u64 {
    cogen_queue(n, 16)
}

/// As `cogen_queue_16` with `maxsize` 128.
pub fn cogen_queue_128(n: u64) -> u64 {
    cogen_queue(n, 128)
}

/// As `cogen_queue_16`, consumed through `Queue::items()`, an async generator.
pub fn cogen_queue_items_16(n: u64) -> u64 {
    current_thread().block_on(async move {
        let q = cogen::rt::Queue::new(16);
        let producer = q.clone();
        tokio::spawn(async move {
            for i in 0..n {
                if producer.put(i).await.is_err() {
                    break;
                }
            }
            producer.shutdown();
        });
        let mut items = q.items();
        let mut sum = 0u64;
        while let Some(x) = items.next().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// futures' ordered `buffered(8)` over ready futures.
pub fn futures_buffered_8(n: u64) -> u64 {
    futures::executor::block_on(async move {
        let mut s = futures::stream::iter(0..n)
            .map(|x| async move { x })
            .buffered(8);
        let mut sum = 0u64;
        while let Some(x) = s.next().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// cogen's ordered `map_concurrent(8)` over ready futures.
pub fn cogen_map_concurrent_8(n: u64) -> u64 {
    futures::executor::block_on(async move {
        let mut s = futures::stream::iter(0..n).map_concurrent(8, |x| async move { x });
        let mut sum = 0u64;
        while let Some(x) = s.next().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// futures' `buffer_unordered(8)` over ready futures.
pub fn futures_buffer_unordered_8(n: u64) -> u64 {
    futures::executor::block_on(async move {
        let mut s = futures::stream::iter(0..n)
            .map(|x| async move { x })
            .buffer_unordered(8);
        let mut sum = 0u64;
        while let Some(x) = s.next().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// cogen's `map_concurrent_unordered(8)` over ready futures.
pub fn cogen_map_concurrent_unordered_8(n: u64) -> u64 {
    futures::executor::block_on(async move {
        let mut s = futures::stream::iter(0..n).map_concurrent_unordered(8, |x| async move { x });
        let mut sum = 0u64;
        while let Some(x) = s.next().await {
            consume(x);
            sum = sum.wrapping_add(x);
        }
        sum
    })
}

/// Tasks spawned between two turns of the runtime in the spawn-scaling cases.
const CHUNK: u64 = 64;

/// The spawn-scaling cases (issue 11): the cost of one more short task while
/// many others are still running, `TaskGroup::spawn` beside tasks of the same
/// group, and a finalization (`Finalizer::attach`, then dropping a stream
/// whose close must be awaited: `Finalizer`'s tracking) beside pending ones.
/// For callgrind, each case sets up the running tasks and then spawns `n`
/// short ones (the slope removes the set-up); criterion times the spawns
/// alone (`SPAWN_SCALING` and `benches/generators.rs`).
pub const SPAWN_CASES: &[Case] = &[
    ("task_group_spawn_beside_5k", |n| {
        SpawnScaling::task_group(5_000).spawn(n)
    }),
    ("task_group_spawn_beside_50k", |n| {
        SpawnScaling::task_group(50_000).spawn(n)
    }),
    ("finalizer_track_beside_5k", |n| {
        SpawnScaling::finalizer(5_000).spawn(n)
    }),
    ("finalizer_track_beside_50k", |n| {
        SpawnScaling::finalizer(50_000).spawn(n)
    }),
];

/// A named spawn-scaling set-up, for criterion.
pub type SetUp = (&'static str, fn() -> SpawnScaling);

/// The same cases for criterion: each makes the set-up, untimed.
pub const SPAWN_SCALING: &[SetUp] = &[
    ("task_group_spawn_beside_5k", || {
        SpawnScaling::task_group(5_000)
    }),
    ("task_group_spawn_beside_50k", || {
        SpawnScaling::task_group(50_000)
    }),
    ("finalizer_track_beside_5k", || {
        SpawnScaling::finalizer(5_000)
    }),
    ("finalizer_track_beside_50k", || {
        SpawnScaling::finalizer(50_000)
    }),
];

/// A current-thread runtime with tasks that never finish, to which
/// [`spawn`](SpawnScaling::spawn) adds short ones.
#[derive(Debug)]
pub struct SpawnScaling {
    // Dropped before the runtime.
    beside: Beside,
    /// How many tasks have run (the running ones: their first poll).
    ran: Arc<AtomicU64>,
    rt: tokio::runtime::Runtime,
}

#[derive(Debug)]
enum Beside {
    Group(cogen::rt::TaskGroup<u64, ()>),
    Finalizer(cogen::rt::Finalizer),
}

/// A stream stand-in whose close never finishes: a pending finalization.
struct ClosesNever(Arc<AtomicU64>);

impl cogen::ops::AsyncClose for ClosesNever {
    fn poll_aclose(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        self.0.fetch_add(1, Relaxed);
        Poll::Pending
    }

    fn closes_asynchronously(&self) -> bool {
        true
    }
}

/// One whose close finishes at its first poll.
struct ClosesAtOnce(Arc<AtomicU64>);

impl cogen::ops::AsyncClose for ClosesAtOnce {
    fn poll_aclose(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        self.0.fetch_add(1, Relaxed);
        Poll::Ready(())
    }

    fn closes_asynchronously(&self) -> bool {
        true
    }
}

impl SpawnScaling {
    /// A `TaskGroup` with `running` tasks that never finish.
    pub fn task_group(running: u64) -> Self {
        let rt = current_thread();
        let ran = Arc::new(AtomicU64::new(0));
        let mut group = cogen::rt::TaskGroup::new();
        {
            let _in = rt.enter();
            for _ in 0..running {
                let ran = ran.clone();
                group.spawn(async move {
                    ran.fetch_add(1, Relaxed);
                    std::future::pending().await
                });
            }
        }
        Self::settle(rt, Beside::Group(group), ran, running)
    }

    /// A `Finalizer` with `running` finalizations that never finish.
    pub fn finalizer(running: u64) -> Self {
        let rt = current_thread();
        let ran = Arc::new(AtomicU64::new(0));
        let finalizer = cogen::rt::Finalizer::with_handle(rt.handle().clone());
        for _ in 0..running {
            drop(finalizer.attach(ClosesNever(ran.clone())));
        }
        Self::settle(rt, Beside::Finalizer(finalizer), ran, running)
    }

    /// Runs the runtime until `tasks` tasks have run.
    fn settle(
        rt: tokio::runtime::Runtime,
        beside: Beside,
        ran: Arc<AtomicU64>,
        tasks: u64,
    ) -> Self {
        let s = SpawnScaling { rt, beside, ran };
        s.run_until(tasks);
        s
    }

    fn run_until(&self, tasks: u64) {
        while self.ran.load(Relaxed) < tasks {
            self.rt.block_on(tokio::task::yield_now());
        }
    }

    /// Spawns `n` short tasks (a group task that returns at once, or the
    /// finalization of a dropped stream whose close finishes at once),
    /// `CHUNK` at a time, running each chunk to its end before the next: the
    /// running tasks stay those of the set-up, plus at most a chunk.
    pub fn spawn(&mut self, n: u64) -> u64 {
        let _in = self.rt.enter();
        let mut target = self.ran.load(Relaxed);
        let mut spawned = 0;
        while spawned < n {
            let k = CHUNK.min(n - spawned);
            for i in spawned..spawned + k {
                match &mut self.beside {
                    Beside::Group(group) => {
                        let ran = self.ran.clone();
                        group.spawn(async move {
                            ran.fetch_add(1, Relaxed);
                            Ok(i)
                        });
                    }
                    Beside::Finalizer(finalizer) => {
                        drop(finalizer.attach(ClosesAtOnce(self.ran.clone())));
                    }
                }
            }
            spawned += k;
            target += k;
            self.run_until(target);
        }
        n
    }
}
