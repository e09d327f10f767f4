use core::fmt;
use core::future::Future;
use core::pin::pin;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use super::debug::backpressure;
use crate::{AsyncGen, async_generator};

/// A first-in first-out queue for tasks (asyncio's `Queue(maxsize)`), with
/// Python 3.13's `shutdown`.
///
/// - [`put`](Queue::put) waits while the queue is full: backpressure on the
///   producers. [`get`](Queue::get) waits while it is empty.
/// - [`task_done`](Queue::task_done) and [`join`](Queue::join) count the
///   items put and not yet processed.
/// - [`shutdown`](Queue::shutdown) ends it gracefully (puts fail, gets drain
///   what is left, then fail); [`shutdown_immediate`](Queue::shutdown_immediate)
///   also hands back the items left, marking them done.
/// - [`items`](Queue::items) is the consumer side as an async generator.
///
/// Many producers and many consumers: clones share the queue. In debug mode
/// ([`DebugMode`](crate::rt::DebugMode)) a producer waiting too long on a
/// full queue is reported.
///
/// Relatives: [`tokio::sync::mpsc`] has one consumer and no
/// `task_done`/`join`; this queue is many-to-many, counts unfinished work,
/// and shuts down Python's way.
///
/// # Examples
///
/// ```
/// use cogen::rt::Queue;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let queue = Queue::new(2);
/// let consumer = {
///     let queue = queue.clone();
///     tokio::spawn(async move {
///         let mut seen = Vec::new();
///         while let Ok(item) = queue.get().await {
///             seen.push(item);
///             queue.task_done().unwrap();
///         }
///         seen // the queue was shut down and drained
///     })
/// };
/// for i in 0..5 {
///     queue.put(i).await.unwrap(); // waits while two items are queued
/// }
/// queue.join().await; // every item was processed
/// queue.shutdown();
/// assert_eq!(consumer.await.unwrap(), [0, 1, 2, 3, 4]);
/// # }
/// ```
pub struct Queue<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    state: Mutex<Status<T>>,
    not_empty: Notify,
    not_full: Notify,
    all_done: Notify,
}

struct Status<T> {
    items: VecDeque<T>,
    /// 0: unbounded.
    maxsize: usize,
    unfinished: usize,
    shut_down: bool,
    waiting_getters: usize,
    waiting_putters: usize,
}

impl<T> Status<T> {
    fn is_full(&self) -> bool {
        self.maxsize != 0 && self.items.len() >= self.maxsize
    }
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Queue<T> {
    /// A queue holding at most `maxsize` items; as in Python, 0 means
    /// unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::<u8>::new(10);
    /// assert_eq!(q.maxsize(), 10);
    /// assert!(q.is_empty());
    /// ```
    pub fn new(maxsize: usize) -> Self {
        Queue {
            shared: Arc::new(Shared {
                state: Mutex::new(Status {
                    items: VecDeque::with_capacity(maxsize.min(1024)),
                    maxsize,
                    unfinished: 0,
                    shut_down: false,
                    waiting_getters: 0,
                    waiting_putters: 0,
                }),
                not_empty: Notify::new(),
                not_full: Notify::new(),
                all_done: Notify::new(),
            }),
        }
    }

    /// An unbounded queue: `put` never waits (Python's `Queue()`).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::unbounded();
    /// for i in 0..1000 {
    ///     q.put_nowait(i).unwrap();
    /// }
    /// assert_eq!(q.len(), 1000);
    /// ```
    pub fn unbounded() -> Self {
        Self::new(0)
    }

    fn lock(&self) -> MutexGuard<'_, Status<T>> {
        // No user code runs under the lock except `T`'s drop in
        // `shutdown_immediate`, which hands the items back instead.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `item` at the back, waiting while the queue is full.
    ///
    /// # Errors
    ///
    /// [`ShutDown`] with the item, once the queue is shut down (also when that
    /// happens while waiting).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: the item is queued only in the poll that completes
    /// the future, so a `put` dropped before it completes (while it waits for
    /// room) never queued its item, which is dropped with it (as a cancelled
    /// asyncio `put`). Nothing else is lost: every waiting `put` is woken
    /// when room appears, so none depends on this one. To keep the item, use
    /// [`put_nowait`](Queue::put_nowait), which hands it back.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let q = cogen::rt::Queue::new(1);
    /// q.put("a").await.unwrap();
    /// q.shutdown();
    /// assert_eq!(q.put("b").await, Err(cogen::rt::ShutDown("b")));
    /// # }
    /// ```
    pub async fn put(&self, item: T) -> Result<(), ShutDown<T>> {
        match self.put_nowait(item) {
            Ok(()) => Ok(()),
            Err(PutError::ShutDown(item)) => Err(ShutDown(item)),
            Err(PutError::Full(item)) => {
                backpressure("a cogen::rt::Queue", self.put_waiting(item)).await
            }
        }
    }

    async fn put_waiting(&self, item: T) -> Result<(), ShutDown<T>> {
        loop {
            let mut room = pin!(self.shared.not_full.notified());
            {
                let mut state = self.lock();
                if state.shut_down {
                    return Err(ShutDown(item));
                }
                if !state.is_full() {
                    self.push(state, item);
                    return Ok(());
                }
                room.as_mut().enable();
                state.waiting_putters += 1;
            }
            let _waiting = Waiting(&self.shared, |s| &mut s.waiting_putters);
            room.await; // Then re-check: another producer may have taken the room.
        }
    }

    /// Pushes under the lock, then wakes the waiting consumers.
    ///
    /// All of them, not one: a `get` can wait without being polled (the body
    /// of an async generator parked in it by a cancelled `next()`), and a
    /// wake-up given to it alone would leave a polled consumer asleep beside
    /// the item. Each re-checks under the lock; the others wait again.
    fn push(&self, mut state: MutexGuard<'_, Status<T>>, item: T) {
        state.items.push_back(item);
        state.unfinished += 1;
        let wake = state.waiting_getters > 0;
        drop(state);
        if wake {
            self.shared.not_empty.notify_waiters();
        }
    }

    /// Puts `item` if there is room, without waiting (Python's `put_nowait`).
    ///
    /// # Errors
    ///
    /// [`PutError::ShutDown`] once shut down, else [`PutError::Full`]; both
    /// hand the item back.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::{PutError, Queue};
    /// let q = Queue::new(1);
    /// q.put_nowait(1).unwrap();
    /// assert_eq!(q.put_nowait(2), Err(PutError::Full(2)));
    /// ```
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        let state = self.lock();
        if state.shut_down {
            return Err(PutError::ShutDown(item));
        }
        if state.is_full() {
            return Err(PutError::Full(item));
        }
        self.push(state, item);
        Ok(())
    }

    /// Takes the item at the front, waiting while the queue is empty.
    ///
    /// # Errors
    ///
    /// [`ShutDown`] once the queue is shut down and empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: an item is taken only in the poll that completes the
    /// future, so a `get` dropped before it completes takes none and the
    /// item stays queued for the next `get`. Every waiting `get` is woken
    /// by a `put`, so one kept pending but not polled (inside an abandoned
    /// [`items`](Queue::items) step, say) never holds up another.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let q = cogen::rt::Queue::new(0);
    /// q.put(7).await.unwrap();
    /// q.shutdown(); // graceful: what is queued can still be taken
    /// assert_eq!(q.get().await, Ok(7));
    /// assert_eq!(q.get().await, Err(cogen::rt::ShutDown(())));
    /// # }
    /// ```
    pub async fn get(&self) -> Result<T, ShutDown> {
        match self.get_nowait() {
            Ok(item) => return Ok(item),
            Err(GetError::ShutDown) => return Err(ShutDown(())),
            Err(GetError::Empty) => {}
        }
        loop {
            let mut ready = pin!(self.shared.not_empty.notified());
            {
                let mut state = self.lock();
                if let Some(item) = state.items.pop_front() {
                    return Ok(self.popped(state, item));
                }
                if state.shut_down {
                    return Err(ShutDown(()));
                }
                ready.as_mut().enable();
                state.waiting_getters += 1;
            }
            let _waiting = Waiting(&self.shared, |s| &mut s.waiting_getters);
            ready.await;
        }
    }

    /// After a pop under the lock: wakes the waiting producers (all of
    /// them, for the reason [`push`](Self::push) gives).
    fn popped(&self, state: MutexGuard<'_, Status<T>>, item: T) -> T {
        let wake = state.waiting_putters > 0;
        drop(state);
        if wake {
            self.shared.not_full.notify_waiters();
        }
        item
    }

    /// Takes the front item if there is one, without waiting (Python's
    /// `get_nowait`).
    ///
    /// # Errors
    ///
    /// [`GetError::Empty`], or [`GetError::ShutDown`] once shut down and empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::{GetError, Queue};
    /// let q = Queue::new(0);
    /// assert_eq!(q.get_nowait(), Err(GetError::Empty));
    /// q.put_nowait('x').unwrap();
    /// assert_eq!(q.get_nowait(), Ok('x'));
    /// ```
    pub fn get_nowait(&self) -> Result<T, GetError> {
        let mut state = self.lock();
        match state.items.pop_front() {
            Some(item) => Ok(self.popped(state, item)),
            None if state.shut_down => Err(GetError::ShutDown),
            None => Err(GetError::Empty),
        }
    }

    /// Marks one item taken with `get` as processed (Python's `task_done`).
    ///
    /// # Errors
    ///
    /// [`TaskDoneError`] if called more times than items were put (Python's
    /// `ValueError`).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::new(0);
    /// q.put_nowait(1).unwrap();
    /// q.get_nowait().unwrap();
    /// assert_eq!(q.task_done(), Ok(()));
    /// assert!(q.task_done().is_err());
    /// ```
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut state = self.lock();
        if state.unfinished == 0 {
            return Err(TaskDoneError(()));
        }
        state.unfinished -= 1;
        let all_done = state.unfinished == 0;
        drop(state);
        if all_done {
            self.shared.all_done.notify_waiters();
        }
        Ok(())
    }

    /// Waits until every item put has been marked done with
    /// [`task_done`](Queue::task_done) (Python's `join`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it only waits, changing nothing, so dropping it loses
    /// nothing and a later `join` waits again.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let q = cogen::rt::Queue::<u8>::new(0);
    /// q.join().await; // nothing unfinished: returns at once
    /// # }
    /// ```
    pub async fn join(&self) {
        loop {
            let mut done = pin!(self.shared.all_done.notified());
            {
                let state = self.lock();
                if state.unfinished == 0 {
                    return;
                }
                done.as_mut().enable();
            }
            done.await;
        }
    }

    /// Shuts the queue down gracefully (Python 3.13's `shutdown()`): puts
    /// fail from now on, waiting producers included; gets take what is left,
    /// then fail. Idempotent.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::rt::{GetError, PutError, Queue};
    /// let q = Queue::new(0);
    /// q.put_nowait(1).unwrap();
    /// q.shutdown();
    /// assert_eq!(q.put_nowait(2), Err(PutError::ShutDown(2)));
    /// assert_eq!(q.get_nowait(), Ok(1));
    /// assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
    /// ```
    pub fn shutdown(&self) {
        self.lock().shut_down = true;
        self.wake_all();
    }

    /// Shuts the queue down now (Python 3.13's `shutdown(immediate=True)`):
    /// as [`shutdown`](Queue::shutdown), and the items still queued are
    /// removed, marked done (which may release [`join`](Queue::join)), and
    /// handed back, where Python drops them.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::new(0);
    /// q.put_nowait('a').unwrap();
    /// q.put_nowait('b').unwrap();
    /// assert_eq!(q.shutdown_immediate(), ['a', 'b']);
    /// assert!(q.get_nowait().is_err());
    /// ```
    pub fn shutdown_immediate(&self) -> Vec<T> {
        let mut state = self.lock();
        state.shut_down = true;
        let left: Vec<T> = state.items.drain(..).collect();
        state.unfinished = state.unfinished.saturating_sub(left.len());
        let all_done = state.unfinished == 0;
        drop(state);
        if all_done {
            self.shared.all_done.notify_waiters();
        }
        self.wake_all();
        left
    }

    fn wake_all(&self) {
        self.shared.not_empty.notify_waiters();
        self.shared.not_full.notify_waiters();
    }

    /// Whether [`shutdown`](Queue::shutdown) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::<()>::new(1);
    /// q.shutdown();
    /// assert!(q.is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.lock().shut_down
    }

    /// How many items are queued (Python's `qsize`).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::new(0);
    /// q.put_nowait(()).unwrap();
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether no item is queued (Python's `empty`).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(cogen::rt::Queue::<()>::new(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lock().items.is_empty()
    }

    /// Whether `put` would wait (Python's `full`); never for an unbounded queue.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::new(1);
    /// q.put_nowait(()).unwrap();
    /// assert!(q.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.lock().is_full()
    }

    /// The bound given to [`new`](Queue::new); 0 for unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::Queue::<()>::unbounded().maxsize(), 0);
    /// ```
    pub fn maxsize(&self) -> usize {
        self.lock().maxsize
    }

    /// How many items were put and not yet marked done.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = cogen::rt::Queue::new(0);
    /// q.put_nowait(1).unwrap();
    /// q.get_nowait().unwrap();
    /// assert_eq!(q.unfinished(), 1); // taken, but not marked done
    /// ```
    pub fn unfinished(&self) -> usize {
        self.lock().unfinished
    }
}

impl<T: Send + 'static> Queue<T> {
    /// The consumer side as an async generator: yields items as
    /// [`get`](Queue::get) takes them, and finishes once the queue is shut
    /// down and drained. Mark processed items with
    /// [`task_done`](Queue::task_done) as usual.
    ///
    /// # Cancel safety
    ///
    /// Its `next()` is cancel safe: dropped before it completes, it leaves
    /// the generator's `get` waiting where it is (as for any
    /// [`AsyncGen`]), and the next `next()` delivers the item it takes; no
    /// item is lost. A `put` wakes every waiting `get`, so the parked one
    /// does not hold up other consumers meanwhile.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let q = cogen::rt::Queue::new(4);
    /// for i in 0..3 {
    ///     q.put(i).await.unwrap();
    /// }
    /// q.shutdown();
    /// assert_eq!(q.items().collect::<Vec<_>>().await, [0, 1, 2]);
    /// # }
    /// ```
    #[track_caller]
    pub fn items(&self) -> AsyncGen<T, impl Future<Output = ()> + Send + use<T>> {
        let queue = self.clone();
        async_generator(async move |mut co| {
            while let Ok(item) = queue.get().await {
                co.yield_(item).await;
            }
        })
    }
}

/// Decrements a waiter count when a waiting `put` or `get` wakes or is
/// cancelled.
struct Waiting<'a, T>(&'a Shared<T>, fn(&mut Status<T>) -> &mut usize);

impl<T> Drop for Waiting<'_, T> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        *(self.1)(&mut state) -= 1;
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Queue")
            .field("len", &state.items.len())
            .field("maxsize", &state.maxsize)
            .field("unfinished", &state.unfinished)
            .field("shut_down", &state.shut_down)
            .finish()
    }
}

/// The queue was shut down (Python's `QueueShutDown`); a failed `put` hands
/// its item back.
///
/// # Examples
///
/// ```
/// let e = cogen::rt::ShutDown("item");
/// assert_eq!(e.to_string(), "queue is shut down");
/// assert_eq!(e.into_inner(), "item");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShutDown<T = ()>(pub T);

impl<T> ShutDown<T> {
    /// The item a `put` could not queue.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::ShutDown(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Display for ShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is shut down")
    }
}

impl<T: fmt::Debug> std::error::Error for ShutDown<T> {}

/// Why [`Queue::put_nowait`] did not queue its item (handed back).
///
/// # Examples
///
/// ```
/// use cogen::rt::PutError;
/// assert_eq!(PutError::Full(1).to_string(), "queue is full");
/// assert_eq!(PutError::Full(1).into_inner(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PutError<T> {
    /// The queue is full (Python's `QueueFull`).
    Full(T),
    /// The queue is shut down (Python's `QueueShutDown`).
    ShutDown(T),
}

impl<T> PutError<T> {
    /// The item that was not queued.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::rt::PutError::ShutDown('x').into_inner(), 'x');
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(item) | PutError::ShutDown(item) => item,
        }
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PutError::Full(_) => "queue is full",
            PutError::ShutDown(_) => "queue is shut down",
        })
    }
}

impl<T: fmt::Debug> std::error::Error for PutError<T> {}

/// Why [`Queue::get_nowait`] returned no item.
///
/// # Examples
///
/// ```
/// assert_eq!(cogen::rt::GetError::Empty.to_string(), "queue is empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GetError {
    /// Nothing is queued (Python's `QueueEmpty`).
    Empty,
    /// The queue is shut down and empty (Python's `QueueShutDown`).
    ShutDown,
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GetError::Empty => "queue is empty",
            GetError::ShutDown => "queue is shut down",
        })
    }
}

impl std::error::Error for GetError {}

/// [`Queue::task_done`] was called more times than items were put (Python's
/// `ValueError`).
///
/// # Examples
///
/// ```
/// let q = cogen::rt::Queue::<()>::new(0);
/// assert_eq!(q.task_done().unwrap_err().to_string(), "task_done() called too many times");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskDoneError(());

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl std::error::Error for TaskDoneError {}
