use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::co::offer;
use super::raw::SlotPtr;
use super::slot::Slot;
use super::{Action, AsyncGenerator as Delegate, Interrupt, Mode, Outcome, State};

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

pin_project! {
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
        slot: &'a mut SlotPtr<D::Yield, D::Sent, D::Error>,
        #[pin]
        sub: D,
        step: Step<D::Sent, D::Error>,
        // `Some` once `resuming` gave the value for a started sub-generator.
        resume: Option<Resume<D::Sent>>,
    }
}

/// How a delegation ended: the return value (`None` for a finished
/// sub-generator under `resuming`), or the interrupt it handed on.
type Delegated<D> = Result<Option<<D as Delegate>::Return>, Interrupt<<D as Delegate>::Error>>;

/// What `resuming` does with a sub-generator that is not fresh.
struct Resume<S> {
    /// Sent to a started one; dropped once the sub-generator needs no value.
    value: Option<S>,
}

impl<'a, D: Delegate> YieldFrom<'a, D> {
    pub(crate) fn new(slot: &'a mut SlotPtr<D::Yield, D::Sent, D::Error>, sub: D) -> Self {
        YieldFrom {
            slot,
            sub,
            step: Step::Drive {
                action: Some(Action::Start),
                closing: false,
            },
            resume: None,
        }
    }

    /// Also takes a sub-generator that is not fresh, as Python's `yield from`
    /// does: a started one is resumed with `value` (Python sends `None`; a
    /// plain generator's is `()`), and a finished one evaluates at once to
    /// `None`, since its return value went to whoever finished it. A fresh one
    /// is started as usual (and `value` dropped). Evaluates to
    /// `Some(return value)` otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut numbers = generator(async |mut co| {
    ///     co.yield_("header").await;
    ///     co.yield_("1").await;
    ///     co.yield_("2").await;
    ///     "end"
    /// });
    /// assert_eq!(numbers.resume().unwrap().yielded(), Some("header")); // consumed here
    /// let rest = generator(async |mut co| {
    ///     let end = co.yield_from(&mut numbers).resuming(()).await;
    ///     assert_eq!(end, Some("end"));
    ///     // Finished now: `yield from` evaluates to nothing at once.
    ///     assert_eq!(co.yield_from(&mut numbers).resuming(()).await, None);
    /// });
    /// assert_eq!(rest.collect::<Vec<_>>(), ["1", "2"]);
    /// ```
    pub fn resuming(mut self, value: D::Sent) -> YieldFromResuming<'a, D> {
        self.resume = Some(Resume { value: Some(value) });
        YieldFromResuming { inner: self }
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
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        catching: bool,
    ) -> Poll<Delegated<D>> {
        let mut this = self.project();
        loop {
            match this.step {
                Step::Done => return Poll::Pending,
                Step::Wait => {
                    *this.step = match this.slot.with(Slot::take_action) {
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
                    let outcome = match this.sub.as_mut().poll_step(cx, action.take()) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(outcome) => outcome,
                    };
                    *this.step = Step::Done;
                    match outcome {
                        Outcome::Yielded(value) => {
                            offer(this.slot, value, Mode::Delegate);
                            *this.step = Step::Wait;
                            return Poll::Pending;
                        }
                        Outcome::Returned(value) if !closing => {
                            return Poll::Ready(Ok(Some(value)));
                        }
                        // Closed at our request (or returned while closing, as
                        // Python 3.13 allows): the close continues out here.
                        Outcome::Returned(_) | Outcome::Closed => {
                            if catching {
                                return Poll::Ready(Err(Interrupt::Close));
                            }
                            this.slot.with(|slot| slot.post(Slot::Exit));
                            return Poll::Pending;
                        }
                        Outcome::Raised(e) => {
                            if catching {
                                return Poll::Ready(Err(Interrupt::Throw(e)));
                            }
                            this.slot.with(|slot| slot.post(Slot::Raise(e)));
                            return Poll::Pending;
                        }
                        Outcome::IgnoredClose(value) => {
                            // Python raises RuntimeError here; it cannot be
                            // caught as `E`, so it finishes this generator too.
                            this.slot
                                .with(|slot| slot.post(Slot::SubIgnoredClose(value)));
                            return Poll::Pending;
                        }
                        Outcome::Rejected(action, state) => {
                            let Some(resume) = this.resume.as_mut() else {
                                not_fresh(state)
                            };
                            *this.step = match (action, state) {
                                (Action::Start, State::Suspended) => Step::Drive {
                                    action: resume.value.take().map(Action::Send),
                                    closing: false,
                                },
                                // A cancelled step of an async sub-generator:
                                // its outcome is delegated like any other.
                                (Action::Start, State::Running) => {
                                    resume.value = None;
                                    Step::Drive {
                                        action: None,
                                        closing: false,
                                    }
                                }
                                (Action::Start | Action::Send(_), State::Finished) => {
                                    return Poll::Ready(Ok(None));
                                }
                                (_, state) => not_fresh(state),
                            };
                        }
                    }
                }
            }
        }
    }
}

impl<D: Delegate> Future for YieldFrom<'_, D> {
    type Output = D::Return;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<D::Return> {
        match self.poll_delegate(cx, false) {
            Poll::Ready(Ok(Some(value))) => Poll::Ready(value),
            Poll::Ready(Ok(None)) => unreachable!("only `resuming` takes a finished sub-generator"),
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

pin_project! {
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
        #[pin]
        inner: YieldFrom<'a, D>,
    }
}

impl<D: Delegate> Future for YieldFromCatching<'_, D> {
    type Output = Result<D::Return, Interrupt<D::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .inner
            .poll_delegate(cx, true)
            .map(|r| r.map(|value| value.expect("only `resuming` takes a finished sub-generator")))
    }
}

impl<D: Delegate> core::fmt::Debug for YieldFromCatching<'_, D> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromCatching").finish_non_exhaustive()
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn not_fresh(state: State) -> ! {
    panic!(
        "cogen: yield_from was given a sub-generator that is not fresh ({state:?}); \
         Python's `yield from` resumes a started one and evaluates a finished one to None: \
         write `co.yield_from(sub).resuming(value)` for that (`value` is what a started one \
         is sent, `()` for a plain generator)"
    )
}

pin_project! {
    /// Future returned by [`YieldFrom::resuming`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut sub = generator(async |mut co| { co.yield_(1).await; co.yield_(2).await; 3 });
    /// sub.resume().unwrap(); // started: 1 taken
    /// let outer = generator(async |mut co| {
    ///     let r = co.yield_from(&mut sub).resuming(()).await;
    ///     co.yield_(r.unwrap()).await;
    /// });
    /// assert_eq!(outer.collect::<Vec<_>>(), [2, 3]);
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct YieldFromResuming<'a, D: Delegate> {
        #[pin]
        inner: YieldFrom<'a, D>,
    }
}

impl<'a, D: Delegate> YieldFromResuming<'a, D> {
    /// As [`YieldFrom::catching`]: evaluates to `Ok(Some(return value))`,
    /// `Ok(None)` for a finished sub-generator, or the interrupt the
    /// sub-generator did not handle.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{generator, GeneratorState, Interrupt};
    ///
    /// let mut sub = generator(async |mut co| { co.yield_(1).await; co.yield_(2).await });
    /// sub.resume().unwrap();
    /// let mut outer = generator(async |mut co| {
    ///     match co.yield_from(&mut sub).resuming(()).catching().await {
    ///         Err(Interrupt::Close) => "closed",
    ///         _ => "done",
    ///     }
    /// });
    /// assert_eq!(outer.resume(), Ok(GeneratorState::Yielded(2)));
    /// assert_eq!(outer.close(), Ok(Some("closed")));
    /// ```
    pub fn catching(self) -> YieldFromResumingCatching<'a, D> {
        YieldFromResumingCatching { inner: self.inner }
    }
}

impl<D: Delegate> Future for YieldFromResuming<'_, D> {
    type Output = Option<D::Return>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<D::Return>> {
        match self.project().inner.poll_delegate(cx, false) {
            Poll::Ready(Ok(value)) => Poll::Ready(value),
            // Without `catching`, interrupts are posted to the driver instead.
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl<D: Delegate> core::fmt::Debug for YieldFromResuming<'_, D> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromResuming").finish_non_exhaustive()
    }
}

pin_project! {
    /// Future returned by [`YieldFromResuming::catching`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut sub = generator(async |mut co| co.yield_(1).await);
    /// let _ = sub.by_ref().count(); // finished
    /// let outer = generator(async |mut co| {
    ///     let r = co.yield_from(&mut sub).resuming(()).catching().await;
    ///     assert_eq!(r, Ok(None));
    ///     co.yield_(0).await;
    /// });
    /// assert_eq!(outer.collect::<Vec<_>>(), [0]);
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct YieldFromResumingCatching<'a, D: Delegate> {
        #[pin]
        inner: YieldFrom<'a, D>,
    }
}

impl<D: Delegate> Future for YieldFromResumingCatching<'_, D> {
    type Output = Result<Option<D::Return>, Interrupt<D::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll_delegate(cx, true)
    }
}

impl<D: Delegate> core::fmt::Debug for YieldFromResumingCatching<'_, D> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromResumingCatching")
            .finish_non_exhaustive()
    }
}
