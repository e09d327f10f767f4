//! The asyncio toolkit on tokio (feature `tokio`).
//!
//! Each item wraps or composes tokio and futures where Python's semantics add
//! something, and names its relative.
//!
//! | asyncio | cogen::rt | built on |
//! |---|---|---|
//! | `asyncio.run(main(), debug=...)` | [`run`], [`Runner`] | tokio `Runtime` |
//! | `create_task(coro, name=...)` | [`spawn`], [`Task`] | `tokio::spawn` |
//! | `gather(*aws)` / `return_exceptions=True` | [`gather`], [`gather_all`] | `try_join_all`, `join_all` |
//! | `wait_for(aw, timeout)` | [`wait_for`] | `tokio::time::timeout` |
//! | `as_completed(aws)` | [`as_completed`] (an async generator) | `FuturesUnordered` |
//! | `TaskGroup` | [`TaskGroup`] | `JoinSet` |
//! | `Queue(maxsize)` | [`Queue`] | a mutex and `Notify` |
//! | `Semaphore` as a limit | [`Limiter`] | `Semaphore` |
//! | `to_thread(func)` | [`to_thread`] | `spawn_blocking` |
//! | a generator run in a thread | [`to_thread_iter`] | `spawn_blocking` + `mpsc` |
//! | (sync code consuming an async generator) | [`blocking_iter`] | `block_on` |
//! | debug mode | [`DebugMode`] | `tracing` |
//! | async-generator hooks, `shutdown_asyncgens` | [`Finalizer`] | `tokio::spawn` |

mod as_completed;
mod blocking_iter;
mod debug;
mod deferred;
mod finalizer;
mod gather;
mod limiter;
mod ops;
mod queue;
mod run;
mod task;
mod task_group;
mod to_thread;
mod to_thread_iter;
mod wait_for;

pub use as_completed::as_completed;
pub use blocking_iter::{BlockingIter, blocking_iter, blocking_iter_on};
pub(crate) use debug::backpressure;
pub use debug::{DebugGuard, DebugMode};
pub use finalizer::{Finalized, Finalizer};
pub use gather::{GatherError, gather, gather_all};
pub use limiter::Limiter;
pub use ops::{Batch, Buffer, ItemTimeout, Overflow, RuntimeOpsExt, SpaceOut, TimedOut};
pub use queue::{GetError, PutError, Queue, ShutDown, TaskDoneError};
pub use run::{Runner, run};
pub use task::{Task, spawn};
pub use task_group::{GroupCanceller, GroupError, TaskGroup, TaskOutcome};
pub use to_thread::to_thread;
pub use to_thread_iter::{ThreadStream, to_thread_iter};
pub use wait_for::wait_for;
