use core::any::Any;
use core::fmt;
use core::future::Future;
use core::panic::AssertUnwindSafe;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::FutureExt;
use tokio::task::{AbortHandle, Id, JoinHandle, JoinSet};

use super::debug::Watched;

/// Structured concurrency (asyncio's `TaskGroup`): tasks spawned in the group
/// are accounted for by [`join`](TaskGroup::join), and the first one to fail
/// or panic cancels the others at once, whether or not `join` is running.
///
/// [`cancel`](TaskGroup::cancel) (or a [`GroupCanceller`] from another task)
/// cancels the group explicitly. Dropping the group cancels what is still
/// running: Rust cannot make the drop wait, as asyncio's `async with` does.
///
/// Relative: [`tokio::task::JoinSet`], which this drives; it adds the
/// cancel-on-first-error rule and per-task outcomes in spawn order.
///
/// # Examples
///
/// ```
/// use cogen::rt::{TaskGroup, TaskOutcome};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let mut group = TaskGroup::new();
/// group.spawn(async { Ok(1) });
/// group.spawn(async { Ok(2) });
/// assert_eq!(group.join().await.unwrap(), [1, 2]);
///
/// group.spawn(async {
///     tokio::time::sleep(Duration::from_secs(60)).await;
///     Ok(3)
/// });
/// group.spawn(async { Err("boom") });
/// let failed = group.join().await.unwrap_err();
/// assert!(matches!(failed.outcomes(), [TaskOutcome::Cancelled, TaskOutcome::Failed("boom")]));
/// # }
/// ```
pub struct TaskGroup<T, E> {
    set: JoinSet<(usize, TaskOutcome<T, E>)>,
    ids: HashMap<Id, usize>,
    outcomes: Vec<Option<TaskOutcome<T, E>>>,
    shared: Arc<Shared>,
}

/// What stops a group: its cancel flag, and every running task's abort handle.
#[derive(Debug, Default)]
struct Shared {
    cancelled: AtomicBool,
    running: Mutex<Tracked<AbortHandle>>,
}

impl Shared {
    fn running(&self) -> std::sync::MutexGuard<'_, Tracked<AbortHandle>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        for task in self.running().take() {
            task.abort();
        }
    }
}

/// A handle to a task that can say whether the task has finished.
pub(crate) trait TaskHandle {
    fn is_finished(&self) -> bool;
}

impl TaskHandle for AbortHandle {
    fn is_finished(&self) -> bool {
        AbortHandle::is_finished(self)
    }
}

impl<T> TaskHandle for JoinHandle<T> {
    fn is_finished(&self) -> bool {
        JoinHandle::is_finished(self)
    }
}

/// Handles of tasks that may still be running, with the finished ones
/// reaped in batches: [`push`](Tracked::push) looks at the handles only once
/// there are twice as many as it left at its last look (and at least
/// [`REAP_FLOOR`]), so a push costs amortised O(1) however many tasks run,
/// and at most about twice as many handles as running tasks are held.
/// `TaskGroup` keeps its abort handles in one, and `Finalizer` its cleanup
/// tasks' join handles (order is not kept).
#[derive(Debug)]
pub(crate) struct Tracked<H> {
    handles: Vec<H>,
    reap_at: usize,
}

/// Below this many handles, none are reaped.
const REAP_FLOOR: usize = 64;

impl<H> Default for Tracked<H> {
    fn default() -> Self {
        Tracked {
            handles: Vec::new(),
            reap_at: REAP_FLOOR,
        }
    }
}

impl<H: TaskHandle> Tracked<H> {
    /// Adds `handle`, first handing every finished one to `reaped` if it is
    /// time to look.
    pub(crate) fn push(&mut self, handle: H, reaped: impl FnMut(H)) {
        if self.handles.len() >= self.reap_at {
            self.reap(reaped);
        }
        self.handles.push(handle);
    }

    /// Hands every finished handle to `reaped` now.
    pub(crate) fn reap(&mut self, mut reaped: impl FnMut(H)) {
        let mut i = 0;
        while i < self.handles.len() {
            if self.handles[i].is_finished() {
                reaped(self.handles.swap_remove(i));
            } else {
                i += 1;
            }
        }
        // The next look comes after at least as many pushes as there are
        // handles left (or the floor): O(1) looks per push, amortised.
        self.reap_at = (2 * self.handles.len()).max(REAP_FLOOR);
    }

    /// How many handles are held, finished or not.
    pub(crate) fn len(&self) -> usize {
        self.handles.len()
    }

    /// Takes every handle.
    pub(crate) fn take(&mut self) -> Vec<H> {
        self.reap_at = REAP_FLOOR;
        core::mem::take(&mut self.handles)
    }

    /// The last handle held.
    pub(crate) fn last_mut(&mut self) -> Option<&mut H> {
        self.handles.last_mut()
    }

    /// Removes the last handle held.
    pub(crate) fn pop(&mut self) -> Option<H> {
        self.handles.pop()
    }
}

impl<T, E> Default for TaskGroup<T, E> {
    fn default() -> Self {
        TaskGroup {
            set: JoinSet::new(),
            ids: HashMap::new(),
            outcomes: Vec::new(),
            shared: Arc::default(),
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> TaskGroup<T, E> {
    /// An empty group.
    ///
    /// # Examples
    ///
    /// ```
    /// let group = cogen::rt::TaskGroup::<(), ()>::new();
    /// assert_eq!(group.len(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Spawns `fut` in the group; returns its index in the outcomes.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut group = cogen::rt::TaskGroup::<_, ()>::new();
    /// assert_eq!(group.spawn(async { Ok('a') }), 0);
    /// assert_eq!(group.spawn(async { Ok('b') }), 1);
    /// assert_eq!(group.join().await.unwrap(), ['a', 'b']);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, fut: F) -> usize
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let name = format!("task-group-{}", self.outcomes.len());
        self.spawn_named(name, fut)
    }

    /// Spawns `fut` in the group under `name` (which debug mode reports);
    /// returns its index. In a cancelled group nothing is spawned and the
    /// outcome is [`TaskOutcome::Cancelled`] (asyncio refuses new tasks in a
    /// group that is shutting down).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut group = cogen::rt::TaskGroup::<_, ()>::new();
    /// group.spawn_named("fetch", async { Ok(200) });
    /// assert_eq!(group.join().await.unwrap(), [200]);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_named<F>(&mut self, name: impl Into<Arc<str>>, fut: F) -> usize
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let index = self.outcomes.len();
        if self.is_cancelled() {
            self.outcomes.push(Some(TaskOutcome::Cancelled));
            return index;
        }
        self.outcomes.push(None);
        let shared = self.shared.clone();
        let task = Watched::new(name.into(), async move {
            let outcome = match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(Ok(value)) => return (index, TaskOutcome::Ok(value)),
                Ok(Err(error)) => TaskOutcome::Failed(error),
                Err(panic) => TaskOutcome::Panicked(panic),
            };
            shared.cancel(); // The first failure cancels the siblings.
            (index, outcome)
        });
        let abort = self.set.spawn(task);
        self.ids.insert(abort.id(), index);
        self.shared.running().push(abort.clone(), drop);
        if self.is_cancelled() {
            abort.abort(); // Lost a race with `cancel`.
        }
        index
    }

    /// Cancels every task still running in the group; their outcomes become
    /// [`TaskOutcome::Cancelled`], and tasks spawned later are not run.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::{TaskGroup, TaskOutcome};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut group = TaskGroup::<(), ()>::new();
    /// group.spawn(std::future::pending());
    /// group.cancel();
    /// let e = group.join().await.unwrap_err();
    /// assert!(e.was_cancelled());
    /// assert!(matches!(e.outcomes(), [TaskOutcome::Cancelled]));
    /// # }
    /// ```
    pub fn cancel(&self) {
        self.shared.cancel();
    }

    /// A handle that cancels the group from another task or thread.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut group = cogen::rt::TaskGroup::<(), ()>::new();
    /// group.spawn(std::future::pending());
    /// let canceller = group.canceller();
    /// tokio::spawn(async move { canceller.cancel() });
    /// assert!(group.join().await.unwrap_err().was_cancelled());
    /// # }
    /// ```
    pub fn canceller(&self) -> GroupCanceller {
        GroupCanceller {
            shared: self.shared.clone(),
        }
    }

    /// Whether the group was cancelled, explicitly or by a failure.
    ///
    /// # Examples
    ///
    /// ```
    /// let group = cogen::rt::TaskGroup::<(), ()>::new();
    /// assert!(!group.is_cancelled());
    /// group.cancel();
    /// assert!(group.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.shared.cancelled.load(Ordering::SeqCst)
    }

    /// How many tasks were spawned since the last [`join`](TaskGroup::join).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut group = cogen::rt::TaskGroup::<(), ()>::new();
    /// group.spawn(async { Ok(()) });
    /// assert_eq!(group.len(), 1);
    /// group.join().await.unwrap();
    /// assert_eq!(group.len(), 0);
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether no task was spawned since the last [`join`](TaskGroup::join).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(cogen::rt::TaskGroup::<(), ()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// Waits for every task and returns their values in spawn order, or, if
    /// any failed, panicked or was cancelled, every outcome (asyncio's
    /// `ExceptionGroup`, with the values of the tasks that succeeded). The
    /// group is then empty and usable again (and no longer cancelled).
    ///
    /// # Errors
    ///
    /// A [`GroupError`] holding every task's outcome.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: each outcome is stored in the group in the poll that
    /// collects it, so dropping the future loses none. The tasks keep
    /// running (dropping `join` does not cancel the group), and the next
    /// `join` goes on collecting and reports every outcome.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut group = cogen::rt::TaskGroup::<_, String>::new();
    /// for i in 0..3 {
    ///     group.spawn(async move { Ok(i * i) });
    /// }
    /// assert_eq!(group.join().await.unwrap(), [0, 1, 4]);
    /// # }
    /// ```
    pub async fn join(&mut self) -> Result<Vec<T>, GroupError<T, E>> {
        while let Some(done) = self.set.join_next_with_id().await {
            let (index, outcome) = match done {
                Ok((id, (index, outcome))) => {
                    self.ids.remove(&id);
                    (index, outcome)
                }
                Err(e) => {
                    let index = self
                        .ids
                        .remove(&e.id())
                        .expect("every task's id is recorded");
                    let outcome = match e.try_into_panic() {
                        Ok(panic) => TaskOutcome::Panicked(panic),
                        Err(_) => TaskOutcome::Cancelled,
                    };
                    (index, outcome)
                }
            };
            self.outcomes[index] = Some(outcome);
        }
        // Every task has finished: none of their handles is needed.
        drop(self.shared.running().take());
        let outcomes: Vec<_> = core::mem::take(&mut self.outcomes)
            .into_iter()
            .map(|o| o.expect("every task was joined"))
            .collect();
        let cancelled = self.shared.cancelled.swap(false, Ordering::SeqCst);
        if outcomes.iter().all(|o| matches!(o, TaskOutcome::Ok(_))) && !cancelled {
            Ok(outcomes
                .into_iter()
                .map(|o| match o {
                    TaskOutcome::Ok(v) => v,
                    _ => unreachable!(),
                })
                .collect())
        } else {
            Err(GroupError {
                outcomes,
                cancelled,
            })
        }
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("tasks", &self.outcomes.len())
            .field("running", &self.set.len())
            .field("cancelled", &self.shared.cancelled.load(Ordering::Relaxed))
            .finish()
    }
}

/// Cancels a [`TaskGroup`] from anywhere; made by [`TaskGroup::canceller`].
///
/// # Examples
///
/// ```
/// let group = cogen::rt::TaskGroup::<(), ()>::new();
/// let c = group.canceller();
/// c.cancel();
/// assert!(group.is_cancelled());
/// ```
#[derive(Debug, Clone)]
pub struct GroupCanceller {
    shared: Arc<Shared>,
}

impl GroupCanceller {
    /// As [`TaskGroup::cancel`].
    ///
    /// # Examples
    ///
    /// ```
    /// let group = cogen::rt::TaskGroup::<(), ()>::new();
    /// group.canceller().cancel();
    /// assert!(group.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.shared.cancel();
    }
}

/// How one task of a [`TaskGroup`] ended.
///
/// # Examples
///
/// ```
/// use cogen::rt::TaskOutcome;
/// let o: TaskOutcome<u8, &str> = TaskOutcome::Failed("boom");
/// assert!(o.is_failure());
/// assert!(!TaskOutcome::<u8, &str>::Cancelled.is_failure());
/// ```
pub enum TaskOutcome<T, E> {
    /// It returned `Ok`.
    Ok(T),
    /// It returned this error.
    Failed(E),
    /// It panicked; resume the panic with [`std::panic::resume_unwind`].
    Panicked(Box<dyn Any + Send>),
    /// It was cancelled before it finished.
    Cancelled,
}

impl<T, E> TaskOutcome<T, E> {
    /// Whether it failed or panicked (a cancelled task did neither).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!cogen::rt::TaskOutcome::<u8, ()>::Ok(1).is_failure());
    /// ```
    pub fn is_failure(&self) -> bool {
        matches!(self, TaskOutcome::Failed(_) | TaskOutcome::Panicked(_))
    }
}

impl<T: fmt::Debug, E: fmt::Debug> fmt::Debug for TaskOutcome<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskOutcome::Ok(v) => f.debug_tuple("Ok").field(v).finish(),
            TaskOutcome::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            TaskOutcome::Panicked(p) => f.debug_tuple("Panicked").field(&panic_message(p)).finish(),
            TaskOutcome::Cancelled => f.write_str("Cancelled"),
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<non-string panic payload>")
}

/// A [`TaskGroup`] that did not fully succeed: every task's outcome, in spawn
/// order (asyncio's `ExceptionGroup`, plus the values that did arrive).
///
/// # Examples
///
/// ```
/// use cogen::rt::TaskGroup;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut group = TaskGroup::new();
/// group.spawn(async { Err::<u8, _>("bad input") });
/// let e = group.join().await.unwrap_err();
/// assert_eq!(e.errors().collect::<Vec<_>>(), [(0, &"bad input")]);
/// assert_eq!(e.to_string(), "1 of 1 tasks in the group failed, 0 cancelled");
/// # }
/// ```
pub struct GroupError<T, E> {
    outcomes: Vec<TaskOutcome<T, E>>,
    cancelled: bool,
}

impl<T, E> GroupError<T, E> {
    /// Every task's outcome, in spawn order.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut g = cogen::rt::TaskGroup::new();
    /// g.spawn(async { Err::<(), _>(1) });
    /// assert_eq!(g.join().await.unwrap_err().outcomes().len(), 1);
    /// # }
    /// ```
    pub fn outcomes(&self) -> &[TaskOutcome<T, E>] {
        &self.outcomes
    }

    /// Takes the outcomes.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut g = cogen::rt::TaskGroup::new();
    /// g.spawn(async { Err::<(), _>(1) });
    /// let outcomes = g.join().await.unwrap_err().into_outcomes();
    /// assert!(matches!(outcomes[0], cogen::rt::TaskOutcome::Failed(1)));
    /// # }
    /// ```
    pub fn into_outcomes(self) -> Vec<TaskOutcome<T, E>> {
        self.outcomes
    }

    /// The errors the tasks returned, with their indices.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut g = cogen::rt::TaskGroup::new();
    /// g.spawn(async { Ok(0) });
    /// g.spawn(async { Err("x") });
    /// let e = g.join().await.unwrap_err();
    /// assert_eq!(e.errors().collect::<Vec<_>>(), [(1, &"x")]);
    /// # }
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = (usize, &E)> {
        self.outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                TaskOutcome::Failed(e) => Some((i, e)),
                _ => None,
            })
    }

    /// Whether the group was cancelled (explicitly, or by a failure).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut g = cogen::rt::TaskGroup::new();
    /// g.spawn(async { Err::<(), _>(()) });
    /// assert!(g.join().await.unwrap_err().was_cancelled());
    /// # }
    /// ```
    pub fn was_cancelled(&self) -> bool {
        self.cancelled
    }
}

impl<T, E> fmt::Display for GroupError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.outcomes.iter().filter(|o| o.is_failure()).count();
        let cancelled = self
            .outcomes
            .iter()
            .filter(|o| matches!(o, TaskOutcome::Cancelled))
            .count();
        write!(
            f,
            "{failed} of {} tasks in the group failed, {cancelled} cancelled",
            self.outcomes.len()
        )
    }
}

impl<T: fmt::Debug, E: fmt::Debug> fmt::Debug for GroupError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupError")
            .field("outcomes", &self.outcomes)
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

impl<T: fmt::Debug, E: fmt::Debug> std::error::Error for GroupError<T, E> {}

#[cfg(test)]
mod tests {
    use super::{REAP_FLOOR, TaskHandle, Tracked};
    use std::cell::Cell;
    use std::rc::Rc;

    /// A task handle that counts how often it is asked whether it finished.
    struct Probe {
        finished: Rc<Cell<bool>>,
        asked: Rc<Cell<u64>>,
    }

    impl TaskHandle for Probe {
        fn is_finished(&self) -> bool {
            self.asked.set(self.asked.get() + 1);
            self.finished.get()
        }
    }

    /// Pushes `n` handles of tasks that stay running.
    fn push_running(tracked: &mut Tracked<Probe>, asked: &Rc<Cell<u64>>, n: usize) {
        for _ in 0..n {
            let probe = Probe {
                finished: Rc::default(),
                asked: asked.clone(),
            };
            tracked.push(probe, |_| unreachable!("nothing has finished"));
        }
    }

    #[test]
    fn tracking_a_task_looks_at_amortised_o1_handles_however_many_run() {
        for running in [5_000, 50_000] {
            let asked = Rc::new(Cell::new(0));
            let mut tracked = Tracked::default();
            push_running(&mut tracked, &asked, running);
            asked.set(0);
            let spawns = 1_000;
            push_running(&mut tracked, &asked, spawns);
            // Today's cost is a look at every running task per spawn
            // (5 million looks for 1,000 spawns beside 5,000 running).
            assert!(
                asked.get() <= 3 * (running + spawns) as u64,
                "{} looks for {spawns} spawns beside {running} running",
                asked.get()
            );
        }
    }

    #[test]
    fn finished_tasks_are_reaped_so_the_handles_held_stay_within_twice_the_running() {
        let asked = Rc::new(Cell::new(0));
        let mut tracked = Tracked::default();
        push_running(&mut tracked, &asked, 100);
        let mut reaped = 0;
        for _ in 0..100_000 {
            let done = Probe {
                finished: Rc::new(Cell::new(true)),
                asked: asked.clone(),
            };
            tracked.push(done, |_| reaped += 1);
            assert!(tracked.len() <= 2 * 100 + REAP_FLOOR);
        }
        assert!(reaped >= 100_000 - 2 * 100 - REAP_FLOOR);
        assert!(asked.get() <= 3 * 100_100);
    }
}
