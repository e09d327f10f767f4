use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::co::offer;
use super::raw::SlotPtr;
use super::slot::Slot;
use super::{Action, Interrupt, Mode, Outcome, StepPoll};

/// Every [`Generator`](crate::Generator) can be delegated to.
impl<G: super::Generator + ?Sized> Delegate for G {
    type Yield = G::Yield;
    type Send = G::Sent;
    type Error = G::Error;
    type Return = G::Return;

    #[inline(always)]
    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<G::Sent, G::Error>>,
    ) -> StepPoll<G::Yield, G::Return, G::Sent, G::Error> {
        super::Generator::poll_step(self, cx, action)
    }
}

/// What a generator body can delegate to with
/// [`Co::yield_from`](crate::Co::yield_from), forwarding send, throw and
/// close: every [`Generator`](crate::Generator) (sync generators, boxed and
/// hand-written ones) and every [`AsyncGen`](crate::AsyncGen) (the async
/// counterpart). Implement [`Generator`](crate::Generator) to make a type
/// delegatable; this trait's driving method is internal.
///
/// # Examples
///
/// ```
/// use cogen::{generator, Delegate};
///
/// fn takes_delegate<D: Delegate<Yield = u8, Send = ()>>(_: D) {}
/// takes_delegate(generator(async |mut co| co.yield_(1u8).await));
/// takes_delegate(cogen::async_generator(async |mut co| co.yield_(1u8).await));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a generator that `yield_from` can delegate to",
    label = "not a cogen generator",
    note = "to yield every item of an iterator, use `co.yield_from_iter(..)`; of a stream, `co.yield_from_stream(..)`",
    note = "a hand-written generator implements `cogen::Generator`"
)]
pub trait Delegate {
    /// The type of the values it yields.
    type Yield;
    /// The type of the values it receives.
    type Send;
    /// The type of the errors that can be thrown into it.
    type Error;
    /// The type of its return value.
    type Return;

    /// Runs one step of the resume protocol (crate-internal).
    #[doc(hidden)]
    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<Self::Send, Self::Error>>,
    ) -> StepPoll<Self::Yield, Self::Return, Self::Send, Self::Error>;
}

enum Step<S, E> {
    /// Resume the sub-generator (`action` is `None` when re-polling a step
    /// that returned `Pending`); `closing` once a close has been forwarded.
    Drive {
        action: Option<Action<S, E>>,
        closing: bool,
    },
    /// A sub-generator's value is out; wait for the caller's next action.
    Wait,
    /// Delegation ended (or handed an error or close to the driver).
    Done,
}

/// Future returned by [`Co::yield_from`](crate::Co::yield_from): delegates to
/// a sub-generator and evaluates to its return value.
///
/// # Examples
///
/// ```
/// use cogen::generator;
///
/// let outer = generator(async |mut co| {
///     let sub = generator(async |mut co| {
///         co.yield_('a').await;
///         10
///     });
///     let ten = co.yield_from(sub).await;
///     co.yield_(char::from(b'a' + ten as u8)).await;
/// });
/// assert_eq!(outer.collect::<String>(), "ak");
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldFrom<'a, D: Delegate> {
    slot: &'a mut SlotPtr<D::Yield, D::Send, D::Error>,
    sub: D,
    step: Step<D::Send, D::Error>,
}

impl<'a, D: Delegate> YieldFrom<'a, D> {
    pub(crate) fn new(slot: &'a mut SlotPtr<D::Yield, D::Send, D::Error>, sub: D) -> Self {
        YieldFrom {
            slot,
            sub,
            step: Step::Drive {
                action: Some(Action::Start),
                closing: false,
            },
        }
    }

    /// Lets this body handle what the sub-generator does not: evaluates to
    /// `Ok(return value)`, `Err(Interrupt::Throw(e))` when a thrown error was
    /// not handled by the sub-generator, or `Err(Interrupt::Close)` after the
    /// sub-generator was closed at the caller's request.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, GeneratorState, Interrupt};
    ///
    /// let mut outer = coroutine(async |mut co: Co<'_, i32, (), String>| {
    ///     let sub = coroutine(async |mut co: Co<'_, i32, (), String>| {
    ///         co.yield_(1).await;
    ///         co.yield_(2).await;
    ///     });
    ///     match co.yield_from(sub).catching().await {
    ///         Err(Interrupt::Throw(e)) => co.yield_(e.len() as i32).await,
    ///         _ => {}
    ///     }
    /// });
    /// assert_eq!(outer.start(), Ok(GeneratorState::Yielded(1)));
    /// // The sub-generator does not handle it; the outer body does.
    /// assert_eq!(outer.throw("abc".into()), Ok(GeneratorState::Yielded(3)));
    /// ```
    pub fn catching(self) -> YieldFromCatching<'a, D> {
        YieldFromCatching { inner: self }
    }

    fn poll_delegate(
        &mut self,
        cx: &mut Context<'_>,
        catching: bool,
    ) -> Poll<Result<D::Return, Interrupt<D::Error>>> {
        loop {
            match &mut self.step {
                Step::Done => return Poll::Pending,
                Step::Wait => {
                    self.step = match self.slot.with(Slot::take_action) {
                        None => return Poll::Pending,
                        Some(Action::Close) => Step::Drive {
                            action: Some(Action::Close),
                            closing: true,
                        },
                        Some(action) => Step::Drive {
                            action: Some(action),
                            closing: false,
                        },
                    };
                }
                Step::Drive { action, closing } => {
                    let closing = *closing;
                    let outcome = match self.sub.poll_step(cx, action.take()) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(outcome) => outcome,
                    };
                    self.step = Step::Done;
                    match outcome {
                        Outcome::Yielded(value) => {
                            offer(self.slot, value, Mode::Delegate);
                            self.step = Step::Wait;
                            return Poll::Pending;
                        }
                        Outcome::Returned(value) if !closing => return Poll::Ready(Ok(value)),
                        // Closed at our request (or returned while closing, as
                        // Python 3.13 allows): the close continues out here.
                        Outcome::Returned(_) | Outcome::Closed => {
                            if catching {
                                return Poll::Ready(Err(Interrupt::Close));
                            }
                            self.slot.with(|slot| slot.post(Slot::Exit));
                            return Poll::Pending;
                        }
                        Outcome::Raised(e) => {
                            if catching {
                                return Poll::Ready(Err(Interrupt::Throw(e)));
                            }
                            self.slot.with(|slot| slot.post(Slot::Raise(e)));
                            return Poll::Pending;
                        }
                        Outcome::IgnoredClose(value) => {
                            // Python raises RuntimeError here; it cannot be
                            // caught as `E`, so it finishes this generator too.
                            self.slot
                                .with(|slot| slot.post(Slot::SubIgnoredClose(value)));
                            return Poll::Pending;
                        }
                        Outcome::Rejected(_) => panic!(
                            "cogen: yield_from needs a fresh sub-generator, but this one was \
                             already started or finished (use yield_from_iter to continue a \
                             partly consumed plain generator)"
                        ),
                    }
                }
            }
        }
    }
}

// The sub-generator is driven through `&mut`, never pinned.
impl<D: Delegate> Unpin for YieldFrom<'_, D> {}

impl<D: Delegate> Future for YieldFrom<'_, D> {
    type Output = D::Return;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<D::Return> {
        match self.get_mut().poll_delegate(cx, false) {
            Poll::Ready(Ok(value)) => Poll::Ready(value),
            // Without `catching`, interrupts are posted to the driver instead.
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl<D: Delegate> core::fmt::Debug for YieldFrom<'_, D> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFrom").finish_non_exhaustive()
    }
}

/// Future returned by [`YieldFrom::catching`].
///
/// # Examples
///
/// ```
/// use cogen::{generator, GeneratorState, Interrupt};
///
/// let mut g = generator(async |mut co| {
///     let sub = generator(async |mut co| co.yield_(1).await);
///     if let Err(Interrupt::Close) = co.yield_from(sub).catching().await {
///         return "closed while delegating";
///     }
///     "done"
/// });
/// assert_eq!(g.resume(), Ok(GeneratorState::Yielded(1)));
/// assert_eq!(g.close(), Ok(Some("closed while delegating")));
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldFromCatching<'a, D: Delegate> {
    inner: YieldFrom<'a, D>,
}

impl<D: Delegate> Future for YieldFromCatching<'_, D> {
    type Output = Result<D::Return, Interrupt<D::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().inner.poll_delegate(cx, true)
    }
}

impl<D: Delegate> core::fmt::Debug for YieldFromCatching<'_, D> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromCatching").finish_non_exhaustive()
    }
}
