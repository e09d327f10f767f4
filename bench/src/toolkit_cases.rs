//! The asyncio-toolkit cases: `rt::Queue` against tokio mpsc (the same
//! producer task and consumer as `tokio_mpsc_*`), and `map_concurrent`
//! against futures' `buffered` / `buffer_unordered`, each mapping an
//! immediately ready future so that the operator's own cost is measured.

use cogen::ops::OpsExt;
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
