use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::co::offer;
use super::raw::{SharedSlot, SlotRef};
use super::slot::Slot;
use super::{
    Action, AsyncGenerator as Delegate, Catches, Catching, Interrupt, Mode, Outcome, Plain, Status,
};

/// Where a delegation stands. The state is a byte of its own, apart from
/// the action it carries, so that the item path tests one byte.
struct Step<S, E> {
    state: State,
    /// The action to resume the sub-generator with (`None` when re-polling
    /// a step that returned `Pending`); taken by the poll that uses it, so
    /// `None` in every state but `Drive`.
    action: Option<Action<S, E>>,
    /// A close has been forwarded (`Drive` only).
    closing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Resume the sub-generator with `action`.
    Drive,
    /// A sub-generator's value is out; wait for the caller's next action.
    Wait,
    /// Delegation ended (or handed an error or close to the driver).
    Done,
}

impl<S, E> Step<S, E> {
    #[inline(always)]
    fn drive(&mut self, action: Option<Action<S, E>>, closing: bool) {
        self.state = State::Drive;
        self.action = action;
        self.closing = closing;
    }
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
    pub struct YieldFrom<'a, D: Delegate, K = Plain> {
        slot: SlotRef<'a, D::Yield, D::Sent, D::Error>,
        #[pin]
        sub: D,
        step: Step<D::Sent, D::Error>,
        _handling: PhantomData<fn() -> K>,
    }

    // Dropped with the delegating generator's body while the sub-generator
    // waits at a yield (the generator was dropped there without its body
    // being polled, as a plain one is): the sub-generator is closed, as
    // Python's finalizer closes the delegating generator's sub-generator. A
    // delegation the body abandons and goes on from (a `select!`, a
    // `timeout`), or one unwound by a panic out of its poll, leaves it where
    // it stands: the body is not being dropped by its generator then. One
    // whose sub-generator panicked mid-step is not `Wait` (`poll_delegate`).
    impl<D: Delegate, K> PinnedDrop for YieldFrom<'_, D, K> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.step.state == State::Wait && this.slot.generator_finishing() {
                this.step.state = State::Done;
                if std::thread::panicking() {
                    // Dropped as something else unwinds: a panic in the
                    // close would abort the process, so it is caught and
                    // reported instead.
                    let sub = this.sub;
                    let closed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        sub.close_abandoned();
                    }));
                    if closed.is_err() {
                        super::report::close_panicked_while_unwinding();
                    }
                } else {
                    this.sub.close_abandoned();
                }
            }
        }
    }
}

/// How a delegation under `resuming` ended (`None`: the sub-generator was
/// finished already).
type Resumed<D> = Result<Option<<D as Delegate>::Return>, Interrupt<<D as Delegate>::Error>>;

/// How a delegation ended: the return value, or the interrupt it handed on.
type Delegated<D> = Result<<D as Delegate>::Return, Interrupt<<D as Delegate>::Error>>;

impl<'a, D: Delegate, K> YieldFrom<'a, D, K> {
    pub(crate) fn new(slot: SlotRef<'a, D::Yield, D::Sent, D::Error>, sub: D) -> Self {
        YieldFrom {
            slot,
            sub,
            step: Step {
                state: State::Drive,
                action: Some(Action::Start),
                closing: false,
            },
            _handling: PhantomData,
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
    pub fn resuming(self, value: D::Sent) -> YieldFromResuming<'a, D, K> {
        YieldFromResuming {
            inner: self,
            value: Some(value),
        }
    }

    fn poll_delegate(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        catching: bool,
    ) -> Poll<Delegated<D>> {
        let mut this = self.project();
        loop {
            match this.step.state {
                State::Done => return Poll::Pending,
                State::Wait => {
                    // A send goes to the sub-generator in place; the rest
                    // (a throw, a close) by an ordinary step.
                    let (shared, sending) = this.slot.shared(cx);
                    if sending {
                        // Not `Wait` while the sub-generator runs: one that
                        // panics (and a body that catches the panic) is not
                        // closed later. `in_place` sets the state again.
                        this.step.state = State::Done;
                        return in_place::<D>(
                            this.slot,
                            cx,
                            this.step,
                            this.sub.as_mut(),
                            shared,
                            catching,
                        );
                    }
                    match this.slot.with(cx, Slot::take_action) {
                        None => return Poll::Pending,
                        Some(Action::Close) => this.step.drive(Some(Action::Close), true),
                        Some(action) => this.step.drive(Some(action), false),
                    }
                }
                State::Drive => {
                    let closing = this.step.closing;
                    let action = this.step.action.take();
                    let outcome = match this.sub.as_mut().poll_step(cx, action) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(outcome) => outcome,
                    };
                    return settle::<D>(this.slot, cx, this.step, outcome, closing, catching);
                }
            }
        }
    }
}

impl<'a, D: Delegate, K> YieldFrom<'a, D, K> {
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
    /// let mut outer = cogen::catching::coroutine(async |mut co: Co<'_, i32, (), String, cogen::catching::Catching>| {
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
    pub fn catching(self) -> YieldFromCatching<'a, D, K>
    where
        K: Catches,
    {
        YieldFromCatching { inner: self }
    }
}

/// Delegates a send in place: the sub-generator's body takes the sent value
/// from this body's slot and yields into it. If it must wait, the step goes
/// on as an ordinary one (what it has not taken is the sub-generator's now).
#[inline(always)]
fn in_place<D: Delegate>(
    slot: &mut SlotRef<'_, D::Yield, D::Sent, D::Error>,
    cx: &mut Context<'_>,
    step: &mut Step<D::Sent, D::Error>,
    sub: Pin<&mut D>,
    shared: SharedSlot<'_, D::Yield, D::Sent, D::Error>,
    catching: bool,
) -> Poll<Delegated<D>> {
    match sub.poll_in_place(cx, shared) {
        Poll::Pending => {
            step.drive(None, false);
            Poll::Pending
        }
        // Yielded into this body's slot, tagged as this delegating yield
        // point's.
        Poll::Ready(None) => {
            step.state = State::Wait;
            Poll::Pending
        }
        Poll::Ready(Some(outcome)) => settle::<D>(slot, cx, step, outcome, false, catching),
    }
}

/// Hands on the outcome of a step of the sub-generator: a value to the
/// driver (then waits for its next action), the return value to the body, or
/// an interrupt to the body (`catching`) or the driver.
#[inline(always)]
fn settle<D: Delegate>(
    slot: &mut SlotRef<'_, D::Yield, D::Sent, D::Error>,
    cx: &Context<'_>,
    step: &mut Step<D::Sent, D::Error>,
    outcome: Outcome<D::Yield, D::Return, D::Sent, D::Error>,
    closing: bool,
    catching: bool,
) -> Poll<Delegated<D>> {
    step.state = State::Done;
    match outcome {
        Outcome::Yielded(value) => {
            offer(slot, cx, value, Mode::Delegate);
            step.state = State::Wait;
            Poll::Pending
        }
        Outcome::Returned(value) if !closing => Poll::Ready(Ok(value)),
        // Closed at our request (or returned while closing, as Python 3.13
        // allows): the close continues out here.
        Outcome::Returned(_) | Outcome::Closed => {
            if catching {
                return Poll::Ready(Err(Interrupt::Close));
            }
            slot.with(cx, |slot| slot.post(Slot::Exit));
            Poll::Pending
        }
        Outcome::Raised(e) => {
            if catching {
                return Poll::Ready(Err(Interrupt::Throw(e)));
            }
            slot.with(cx, |slot| slot.post(Slot::Raise(e)));
            Poll::Pending
        }
        Outcome::IgnoredClose(value) => {
            // Python raises RuntimeError here; it cannot be caught as `E`, so
            // it finishes this generator too.
            slot.with(cx, |slot| slot.post(Slot::SubIgnoredClose(value)));
            Poll::Pending
        }
        Outcome::Rejected(Action::Start, state) => not_fresh(state),
        Outcome::Rejected(_, state) => rejected_mid_delegation(state),
    }
}

impl<D: Delegate, K> Future for YieldFrom<'_, D, K> {
    type Output = D::Return;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<D::Return> {
        match self.poll_delegate(cx, false) {
            Poll::Ready(Ok(value)) => Poll::Ready(value),
            // Without `catching`, interrupts are posted to the driver instead.
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl<D: Delegate, K> core::fmt::Debug for YieldFrom<'_, D, K> {
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
    /// let mut g = cogen::catching::generator(async |mut co| {
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
    pub struct YieldFromCatching<'a, D: Delegate, K = Catching> {
        #[pin]
        inner: YieldFrom<'a, D, K>,
    }
}

impl<D: Delegate, K> Future for YieldFromCatching<'_, D, K> {
    type Output = Result<D::Return, Interrupt<D::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll_delegate(cx, true)
    }
}

impl<D: Delegate, K> core::fmt::Debug for YieldFromCatching<'_, D, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromCatching").finish_non_exhaustive()
    }
}

/// How the first step under `resuming` went.
enum Begun<D: Delegate + ?Sized> {
    /// A fresh sub-generator's first step ended: handled as any step's.
    Outcome(Outcome<D::Yield, D::Return, D::Sent, D::Error>),
    /// Drive this next (a started sub-generator is sent the value; a step
    /// in flight, of a fresh or a cancelled one, is polled on).
    Drive(Option<Action<D::Sent, D::Error>>),
    /// The sub-generator is finished: delegation evaluates to `None`.
    Finished,
}

/// The first step under `resuming`. Out of line: it runs once per
/// delegation.
#[cold]
#[inline(never)]
fn begin_resuming<D: Delegate + ?Sized>(
    sub: Pin<&mut D>,
    cx: &mut Context<'_>,
    value: D::Sent,
) -> Begun<D> {
    match sub.poll_step(cx, Some(Action::Start)) {
        Poll::Pending => Begun::Drive(None),
        Poll::Ready(Outcome::Rejected(Action::Start, Status::Suspended)) => {
            Begun::Drive(Some(Action::Send(value)))
        }
        // A cancelled step of an async sub-generator: its outcome is
        // delegated like any other (`value` is not needed).
        Poll::Ready(Outcome::Rejected(Action::Start, Status::Running)) => Begun::Drive(None),
        Poll::Ready(Outcome::Rejected(Action::Start, Status::Finished)) => Begun::Finished,
        Poll::Ready(Outcome::Rejected(_, state)) => rejected_mid_delegation(state),
        Poll::Ready(outcome) => Begun::Outcome(outcome),
    }
}

#[cold]
#[inline(never)]
fn rejected_mid_delegation(state: Status) -> ! {
    panic!(
        "cogen: a sub-generator rejected an action forwarded to it while delegating \
         (it said it was {state:?}); a hand-written generator must accept what the \
         protocol table of `AsyncGenerator` says it accepts"
    )
}

#[cold]
#[inline(never)]
fn not_fresh(state: Status) -> ! {
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
    pub struct YieldFromResuming<'a, D: Delegate, K = Plain> {
        #[pin]
        inner: YieldFrom<'a, D, K>,
        // Taken by the first poll.
        value: Option<D::Sent>,
    }
}

impl<'a, D: Delegate, K> YieldFromResuming<'a, D, K> {
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
    /// let mut outer = cogen::catching::generator(async |mut co| {
    ///     match co.yield_from(&mut sub).resuming(()).catching().await {
    ///         Err(Interrupt::Close) => "closed",
    ///         _ => "done",
    ///     }
    /// });
    /// assert_eq!(outer.resume(), Ok(GeneratorState::Yielded(2)));
    /// assert_eq!(outer.close(), Ok(Some("closed")));
    /// ```
    pub fn catching(self) -> YieldFromResumingCatching<'a, D, K>
    where
        K: Catches,
    {
        YieldFromResumingCatching { inner: self }
    }
}

impl<D: Delegate, K> YieldFromResuming<'_, D, K> {
    fn poll_resuming(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        catching: bool,
    ) -> Poll<Resumed<D>> {
        let mut this = self.project();
        if let Some(value) = this.value.take() {
            let inner = this.inner.as_mut().project();
            // `begin_resuming` makes the first step itself (the `Start` the
            // step was made with is not used).
            inner.step.action = None;
            match begin_resuming(inner.sub, cx, value) {
                Begun::Outcome(outcome) => {
                    match settle::<D>(inner.slot, cx, inner.step, outcome, false, catching) {
                        Poll::Ready(result) => return Poll::Ready(result.map(Some)),
                        Poll::Pending => return Poll::Pending,
                    }
                }
                Begun::Drive(action) => inner.step.drive(action, false),
                Begun::Finished => {
                    inner.step.state = State::Done;
                    return Poll::Ready(Ok(None));
                }
            }
        }
        this.inner.poll_delegate(cx, catching).map(|r| r.map(Some))
    }
}

impl<D: Delegate, K> Future for YieldFromResuming<'_, D, K> {
    type Output = Option<D::Return>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<D::Return>> {
        match self.poll_resuming(cx, false) {
            Poll::Ready(Ok(value)) => Poll::Ready(value),
            // Without `catching`, interrupts are posted to the driver instead.
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl<D: Delegate, K> core::fmt::Debug for YieldFromResuming<'_, D, K> {
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
    /// let outer = cogen::catching::generator(async |mut co| {
    ///     let r = co.yield_from(&mut sub).resuming(()).catching().await;
    ///     assert_eq!(r, Ok(None));
    ///     co.yield_(0).await;
    /// });
    /// assert_eq!(outer.collect::<Vec<_>>(), [0]);
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct YieldFromResumingCatching<'a, D: Delegate, K = Catching> {
        #[pin]
        inner: YieldFromResuming<'a, D, K>,
    }
}

impl<D: Delegate, K> Future for YieldFromResumingCatching<'_, D, K> {
    type Output = Result<Option<D::Return>, Interrupt<D::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll_resuming(cx, true)
    }
}

impl<D: Delegate, K> core::fmt::Debug for YieldFromResumingCatching<'_, D, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("YieldFromResumingCatching")
            .finish_non_exhaustive()
    }
}
