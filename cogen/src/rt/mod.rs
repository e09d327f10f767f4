//! tokio integration (feature `rt`).
//!
//! - [`Finalizer`]: asyncio's async-generator hooks and `shutdown_asyncgens`
//!   for tokio: a generator dropped before it finished has its async cleanup
//!   run as a task on the runtime instead of skipped.

mod finalizer;

pub use finalizer::{Finalized, Finalizer};
