use core::any::Any;
use core::future::{Future, poll_fn};
use core::panic::AssertUnwindSafe;
use core::pin::{Pin, pin};
use core::task::{Context, Poll, Waker, ready};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures_core::{FusedStream, Stream};
use tokio::task::JoinHandle;

use crate::async_gen::AsyncClose;
use crate::rt::{Finalizer, backpressure};

/// What [`buffer`](super::RuntimeOpsExt::buffer) does with a new item when the
/// buffer is full.
///
/// # Examples
///
/// ```
/// use cogen::rt::Overflow;
/// assert_eq!(Overflow::default(), Overflow::Wait);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Overflow {
    /// The upstream waits for room: backpressure, nothing lost.
    #[default]
    Wait,
    /// The oldest buffered item is dropped to make room (the newest data
    /// wins: sensor readings, progress).
    DropOldest,
    /// The new item is dropped (what is buffered wins).
    DropNewest,
}

/// The channel between the upstream's task and the consumer.
///
/// The producer records how its side ended ([`Upstream`]) under the same lock
/// as its pushes, after the last one, and the consumer ends the stream only
/// when it finds the ring empty *and* that record under one lock: whatever
/// was pushed is delivered first, whichever way the producer ends.
struct Ring<T> {
    state: Mutex<RingState<T>>,
}

/// How the producer's side stands.
enum Upstream {
    /// Still producing.
    Running,
    /// The upstream ended.
    Ended,
    /// The upstream panicked; the consumer resumes the panic.
    Panicked(Box<dyn Any + Send>),
    /// The task went away without either (it was dropped: its runtime shut
    /// down, or it stopped because the consumer left).
    Vanished,
}

struct RingState<T> {
    items: VecDeque<T>,
    capacity: usize,
    policy: Overflow,
    upstream: Upstream,
    consumer_gone: bool,
    dropped: u64,
    consumer: Option<Waker>,
    producer: Option<Waker>,
}

impl<T> Ring<T> {
    fn lock(&self) -> MutexGuard<'_, RingState<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Producer side: `Ready(true)` once the item is placed (or dropped by
    /// the policy), `Ready(false)` if the consumer is gone.
    fn poll_push(&self, cx: &mut Context<'_>, item: &mut Option<T>) -> Poll<bool> {
        let mut state = self.lock();
        if state.consumer_gone {
            return Poll::Ready(false);
        }
        if state.items.len() >= state.capacity {
            match state.policy {
                Overflow::Wait => {
                    state.producer = Some(cx.waker().clone());
                    return Poll::Pending;
                }
                Overflow::DropOldest => {
                    state.items.pop_front();
                    state.dropped += 1;
                }
                Overflow::DropNewest => {
                    state.dropped += 1;
                    *item = None;
                    return Poll::Ready(true);
                }
            }
        }
        state.items.extend(item.take());
        let wake = state.consumer.take();
        drop(state);
        if let Some(w) = wake {
            w.wake();
        }
        Poll::Ready(true)
    }

    /// Producer side: whether the consumer is gone (registering to hear of it).
    fn poll_consumer_gone(&self, cx: &mut Context<'_>) -> bool {
        let mut state = self.lock();
        if !state.consumer_gone {
            state.producer = Some(cx.waker().clone());
        }
        state.consumer_gone
    }

    /// Producer side: records how it ended (after its last push), unless it
    /// already did, and wakes the consumer.
    fn finish_upstream(&self, end: Upstream) {
        let mut state = self.lock();
        if matches!(state.upstream, Upstream::Running) {
            state.upstream = end;
        }
        let wake = state.consumer.take();
        drop(state);
        if let Some(w) = wake {
            w.wake();
        }
    }

    /// Consumer side: stop the producer, drop what is buffered.
    fn leave(&self) {
        let mut state = self.lock();
        state.consumer_gone = true;
        let items = core::mem::take(&mut state.items);
        let wake = state.producer.take();
        drop(state);
        drop(items);
        if let Some(w) = wake {
            w.wake();
        }
    }
}

pin_project_lite::pin_project! {
    /// Stream for [`RuntimeOpsExt::buffer`](super::RuntimeOpsExt::buffer): the upstream runs
    /// ahead in its own task, up to `capacity` items.
    ///
    /// Every item the task pushed is delivered before the stream ends, and
    /// before a panic of the upstream, which is resumed in the consumer.
    ///
    /// # Panics
    ///
    /// When polled after the upstream panicked (with its panic, once the
    /// items before it are delivered), or after the task was dropped before
    /// the upstream ended, e.g. because its runtime shut down (once what is
    /// buffered is delivered). Closing it with
    /// [`poll_aclose`](AsyncClose::poll_aclose) resumes a panic of the
    /// upstream's cleanup; a panic still behind buffered items is dropped
    /// with them.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::StreamOpsExt;
    /// use cogen::rt::{Overflow, RuntimeOpsExt};
    /// use futures::StreamExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let numbers = cogen::async_generator(async |mut co| {
    ///     for i in 0..5 {
    ///         co.yield_(i).await;
    ///     }
    /// });
    /// let buffered = numbers.buffer(2, Overflow::Wait);
    /// assert_eq!(buffered.collect::<Vec<_>>().await, [0, 1, 2, 3, 4]);
    /// # }
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct Buffer<St: Stream> {
        upstream: Option<St>,
        ring: Arc<Ring<St::Item>>,
        task: Option<JoinHandle<()>>,
        finished: bool,
    }

    impl<St: Stream> PinnedDrop for Buffer<St> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.ring.leave();
            // The task closes the upstream on its own; a run waits for it.
            if let (Some(task), Some(finalizer)) = (this.task.take(), Finalizer::current()) {
                finalizer.track(task);
            }
        }
    }
}

impl<St> Buffer<St>
where
    St: Stream + AsyncClose + Send + 'static,
    St::Item: Send + 'static,
{
    pub(super) fn new(upstream: St, capacity: usize, policy: Overflow) -> Self {
        assert!(capacity > 0, "cogen: buffer needs a capacity of at least 1");
        Buffer {
            upstream: Some(upstream),
            ring: Arc::new(Ring {
                state: Mutex::new(RingState {
                    items: VecDeque::with_capacity(capacity.min(1024)),
                    capacity,
                    policy,
                    upstream: Upstream::Running,
                    consumer_gone: false,
                    dropped: 0,
                    consumer: None,
                    producer: None,
                }),
            }),
            task: None,
            finished: false,
        }
    }

    fn start(self: Pin<&mut Self>) {
        let this = self.project();
        if let Some(upstream) = this.upstream.take() {
            *this.task = Some(tokio::spawn(produce(upstream, this.ring.clone())));
        }
    }
}

impl<St: Stream> Buffer<St> {
    /// How many items the overflow policy has dropped so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::{no_cleanup, StreamOpsExt};
    /// use cogen::rt::{Overflow, RuntimeOpsExt};
    /// use futures::StreamExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut b = no_cleanup(futures::stream::iter(0..10)).buffer(3, Overflow::DropOldest);
    /// // The upstream never waits, so its task fills the buffer before this
    /// // consumer runs again: only the newest three are kept.
    /// let got: Vec<_> = b.by_ref().collect().await;
    /// assert_eq!(got, [7, 8, 9]);
    /// assert_eq!(b.dropped(), 7);
    /// # }
    /// ```
    pub fn dropped(&self) -> u64 {
        self.ring.lock().dropped
    }

    /// How many items are buffered now.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::{no_cleanup, StreamOpsExt};
    /// use cogen::rt::{Overflow, RuntimeOpsExt};
    /// let b = no_cleanup(futures::stream::iter(0..10)).buffer(3, Overflow::Wait);
    /// assert_eq!(b.len(), 0); // nothing runs before the first poll
    /// ```
    pub fn len(&self) -> usize {
        self.ring.lock().items.len()
    }

    /// Whether nothing is buffered now.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::ops::{no_cleanup, StreamOpsExt};
    /// use cogen::rt::{Overflow, RuntimeOpsExt};
    /// assert!(no_cleanup(futures::stream::iter(0..1)).buffer(1, Overflow::Wait).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Marks the producer's side [`Upstream::Vanished`] when its task ends
/// without recording anything else (it is dropped with the task: a runtime
/// shutting down), so the consumer is never left waiting.
struct Departure<'a, T>(&'a Ring<T>);

impl<T> Drop for Departure<'_, T> {
    fn drop(&mut self) {
        self.0.finish_upstream(Upstream::Vanished);
    }
}

/// The upstream's task: pull, push, and on the consumer's leaving, close the
/// upstream with its async cleanup. A panic in the upstream is caught here
/// and handed to the consumer through the ring, after the items before it.
async fn produce<St>(upstream: St, ring: Arc<Ring<St::Item>>)
where
    St: Stream + AsyncClose,
{
    let _departure = Departure(&ring);
    let mut upstream = pin!(upstream);
    loop {
        let next = poll_fn(|cx| {
            if ring.poll_consumer_gone(cx) {
                return Poll::Ready(None);
            }
            match std::panic::catch_unwind(AssertUnwindSafe(|| upstream.as_mut().poll_next(cx))) {
                Ok(poll) => poll.map(|item| Some(Ok(item))),
                Err(panic) => Poll::Ready(Some(Err(panic))),
            }
        })
        .await;
        match next {
            None => break,
            Some(Ok(None)) => return ring.finish_upstream(Upstream::Ended),
            // Not closed: a stream that panicked is in no state to clean up;
            // it is dropped with the task.
            Some(Err(panic)) => return ring.finish_upstream(Upstream::Panicked(panic)),
            Some(Ok(Some(item))) => {
                let mut item = Some(item);
                let placed = backpressure(
                    "a cogen::ops::buffer",
                    poll_fn(|cx| ring.poll_push(cx, &mut item)),
                )
                .await;
                if !placed {
                    break;
                }
            }
        }
    }
    poll_fn(|cx| upstream.as_mut().poll_aclose(cx)).await;
}

impl<St> Stream for Buffer<St>
where
    St: Stream + AsyncClose + Send + 'static,
    St::Item: Send + 'static,
{
    type Item = St::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        self.as_mut().start();
        let this = self.project();
        let mut state = this.ring.lock();
        if let Some(item) = state.items.pop_front() {
            let wake = state.producer.take();
            drop(state);
            if let Some(w) = wake {
                w.wake();
            }
            return Poll::Ready(Some(item));
        }
        // The ring is empty, and the producer records its end under this
        // lock after its last push: nothing it pushed can still be on the way.
        if state.consumer_gone || matches!(state.upstream, Upstream::Ended) {
            drop(state);
            *this.finished = true;
            return Poll::Ready(None);
        }
        if matches!(state.upstream, Upstream::Running) {
            state.consumer = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let end = core::mem::replace(&mut state.upstream, Upstream::Ended);
        drop(state);
        *this.finished = true;
        match end {
            Upstream::Panicked(panic) => std::panic::resume_unwind(panic),
            _ => panic!(
                "cogen: a buffer's upstream task was dropped before its stream ended \
                 (was its runtime shut down?)"
            ),
        }
    }
}

impl<St> FusedStream for Buffer<St>
where
    St: Stream + AsyncClose + Send + 'static,
    St::Item: Send + 'static,
{
    fn is_terminated(&self) -> bool {
        self.finished
    }
}

impl<St: Stream> AsyncClose for Buffer<St> {
    /// Stops the upstream's task, drops what is buffered, and waits for the
    /// task to close the upstream (with its async cleanup); a panic in that
    /// cleanup is resumed here.
    fn poll_aclose(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        *this.finished = true;
        this.ring.leave();
        if let Some(upstream) = this.upstream.take() {
            drop(upstream); // Never started: it has run nothing to clean up.
        }
        if let Some(task) = this.task {
            let done = ready!(Pin::new(task).poll(cx));
            *this.task = None;
            // A panic in the upstream's cleanup is the closer's to hear of.
            if let Err(e) = done {
                if e.is_panic() {
                    std::panic::resume_unwind(e.into_panic());
                }
            }
        }
        Poll::Ready(())
    }

    fn closes_asynchronously(&self) -> bool {
        self.task.is_some()
    }
}

impl<St: Stream> core::fmt::Debug for Buffer<St> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let state = self.ring.lock();
        f.debug_struct("Buffer")
            .field("len", &state.items.len())
            .field("capacity", &state.capacity)
            .field("policy", &state.policy)
            .field("dropped", &state.dropped)
            .field("started", &self.upstream.is_none())
            .finish()
    }
}
