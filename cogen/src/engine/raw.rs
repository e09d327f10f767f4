//! The only `unsafe` in cogen.
//!
//! A generator is one heap allocation, [`Inner`], holding the slot and the body
//! future. The driver ([`Core`]) owns it through a raw pointer; the body's
//! yield handle holds a [`SlotPtr`] into the same allocation.
//!
//! Invariants every `unsafe` block below relies on:
//!
//! 1. **Validity.** `Inner` is freed only by `Core::drop`, after the body
//!    future (and with it every `SlotPtr`, which lives inside it) is dropped.
//!    A `SlotPtr` cannot outlive the body: the handle carrying it is branded
//!    with a lifetime the body is generic over (`for<'co> AsyncFnOnce(Co<'co,
//!    ..>)`), so it cannot be stored anywhere that outlives the body's own
//!    execution, returned, or moved to a `'static` thread or task.
//! 2. **Exclusion.** The driver touches the slot only between polls of the
//!    body; the body touches it only during a poll, through `&mut SlotPtr`
//!    (the handle is `!Sync` and every method takes `&mut self`, so at most one
//!    place in the body can reach it at a time). A handle moved to a scoped
//!    thread is joined before that poll returns, which orders its accesses
//!    before the driver's. No reference to the slot lives across a poll.
//! 3. **Pinning.** The body future is written once into the allocation and
//!    never moved until it is dropped in place.
//! 4. **Liveness flag.** The body future is alive exactly while
//!    `phase != Phase::Finished`; it is dropped at most once, by `finish`.
//!    Exactly one `Core` owns an allocation: `Core::take` moves it to a new
//!    `Core` and leaves the old one `Finished` and `detached`, never freeing.
//!
//! All pointers are derived from the single `Box::into_raw` pointer, and the
//! driver never creates a `&mut Inner` (only `&mut` to the body future's bytes
//! or, briefly, to the slot), so the handle's pointer is never invalidated by
//! a unique borrow of the whole allocation.

use core::cell::UnsafeCell;
use core::future::Future;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll};

use super::slot::Slot;
use super::{Action, Mode, Outcome, Phase, Status};

struct Inner<Y, S, E, F> {
    slot: UnsafeCell<Slot<Y, S, E>>,
    body: UnsafeCell<ManuallyDrop<F>>,
}

/// Makes a type invariant in `Y`, `S` and `E`.
type Invariant<Y, S, E> = PhantomData<fn(Y, S, E) -> (Y, S, E)>;

/// The body side's pointer to its generator's slot.
pub(crate) struct SlotPtr<Y, S, E> {
    ptr: NonNull<UnsafeCell<Slot<Y, S, E>>>,
    /// Invariant in every parameter: a handle must not be able to pass a
    /// shorter-lived value as a longer-lived one (async-stream#107).
    _invariant: Invariant<Y, S, E>,
}

// SAFETY: the slot carries `Y`, `S` and `E` values between threads only when
// the handle (and so the generator) moves; those values must be `Send`.
// Access is exclusive by invariant 2, so no `Sync` is needed or given.
unsafe impl<Y: Send, S: Send, E: Send> Send for SlotPtr<Y, S, E> {}

impl<Y, S, E> SlotPtr<Y, S, E> {
    /// Runs `f` with exclusive access to the slot.
    #[inline(always)]
    pub(crate) fn with<T>(&mut self, f: impl FnOnce(&mut Slot<Y, S, E>) -> T) -> T {
        // SAFETY: the pointer is valid (invariant 1) and nothing else accesses
        // the slot now (invariant 2: we are inside a poll of the body, holding
        // the only `&mut` to the handle). The reference does not outlive `f`.
        f(unsafe { &mut *self.ptr.as_ref().get() })
    }
}

impl<Y, S, E> core::fmt::Debug for SlotPtr<Y, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SlotPtr").finish_non_exhaustive()
    }
}

/// The driver: owns the allocation and runs the resume protocol.
pub(crate) struct Core<Y, S, E, F: Future> {
    inner: NonNull<Inner<Y, S, E, F>>,
    phase: Phase,
    /// Set by [`Core::take`] on the `Core` left behind: the allocation now
    /// belongs to the `Core` it returned, so this one must not free it. The
    /// phase of a detached `Core` is `Finished`, so nothing reads `inner`.
    detached: bool,
    /// Owns `Inner` (for drop check).
    _owns: PhantomData<Inner<Y, S, E, F>>,
    /// Invariant in `Y`, `S`, `E`: `send` and `throw` pass values in.
    _invariant: Invariant<Y, S, E>,
}

// SAFETY: `Core` uniquely owns `Inner`; moving it moves the body future and
// the slot's values, which is sound when they are `Send`.
unsafe impl<Y: Send, S: Send, E: Send, F: Future + Send> Send for Core<Y, S, E, F> {}
// SAFETY: `&Core` exposes only `phase` (a `Copy` enum). It never reads the
// slot or the body, so sharing `&Core` across threads reveals nothing else.
unsafe impl<Y, S, E, F: Future> Sync for Core<Y, S, E, F> {}

// The body future is pinned in the heap allocation, never inline in `Core`:
// moving a `Core` moves only the pointer, so `Core` is `Unpin` whatever `F` is.
impl<Y, S, E, F: Future> Unpin for Core<Y, S, E, F> {}

/// Frees the allocation if making the body future unwinds.
struct DeallocOnUnwind<Y, S, E, F>(*mut Inner<Y, S, E, F>);

impl<Y, S, E, F> Drop for DeallocOnUnwind<Y, S, E, F> {
    fn drop(&mut self) {
        /// Frees the allocation even if dropping the slot's message unwinds.
        struct Free<Y, S, E, F>(*mut Inner<Y, S, E, F>);
        impl<Y, S, E, F> Drop for Free<Y, S, E, F> {
            fn drop(&mut self) {
                // SAFETY: the pointer came from `Box::into_raw` of a
                // `Box<MaybeUninit<Inner>>` (invariant 1: nothing else frees
                // it); as `MaybeUninit` it is freed without dropping anything.
                drop(unsafe {
                    Box::from_raw(self.0.cast::<core::mem::MaybeUninit<Inner<Y, S, E, F>>>())
                });
            }
        }
        let free = Free(self.0);
        // SAFETY: the slot was written before `make` ran and the body was
        // never written (invariant 3: it does not exist yet). `make` may have
        // posted a value through the handle before it unwound (a body-making
        // closure that polls a yield in its synchronous part): drop it in
        // place (invariant 2: the unwinding `make` was the only other user).
        unsafe { core::ptr::drop_in_place((&raw mut (*self.0).slot).cast::<Slot<Y, S, E>>()) };
        drop(free);
    }
}

/// Finishes the generator if polling the body unwinds (a panic in the body).
struct FinishOnUnwind<'a, Y, S, E, F: Future> {
    core: &'a mut Core<Y, S, E, F>,
}

impl<Y, S, E, F: Future> Drop for FinishOnUnwind<'_, Y, S, E, F> {
    fn drop(&mut self) {
        self.core.finish();
    }
}

impl<Y, S, E, F: Future> Core<Y, S, E, F> {
    /// Allocates the generator and makes its body future with a handle that
    /// points at the slot. Runs none of the body (`make` only builds a future).
    pub(crate) fn new(make: impl FnOnce(SlotPtr<Y, S, E>) -> F) -> Self {
        let raw: *mut Inner<Y, S, E, F> =
            Box::into_raw(Box::<Inner<Y, S, E, F>>::new_uninit()).cast();
        let guard = DeallocOnUnwind(raw);
        // SAFETY: `raw` is a fresh, suitably aligned allocation for `Inner`;
        // we write the slot field without reading it.
        let slot = unsafe {
            let slot = &raw mut (*raw).slot;
            slot.write(UnsafeCell::new(Slot::Empty));
            NonNull::new_unchecked(slot)
        };
        let body = make(SlotPtr {
            ptr: slot,
            _invariant: PhantomData,
        });
        core::mem::forget(guard);
        // SAFETY: as above, for the body field; after this write `Inner` is
        // fully initialised, and the body is never moved again (invariant 3).
        unsafe { (&raw mut (*raw).body).write(UnsafeCell::new(ManuallyDrop::new(body))) };
        Core {
            // SAFETY: `Box::into_raw` never returns null.
            inner: unsafe { NonNull::new_unchecked(raw) },
            phase: Phase::Created,
            detached: false,
            _owns: PhantomData,
            _invariant: PhantomData,
        }
    }

    #[inline]
    pub(crate) fn phase(&self) -> Phase {
        self.phase
    }

    /// Moves the generator out, leaving behind a `Core` that is finished and
    /// owns nothing (as `Option::take` does). Used to hand a dropped
    /// generator's unfinished cleanup to someone who can await it.
    pub(crate) fn take(&mut self) -> Self {
        let taken = Core {
            inner: self.inner,
            phase: self.phase,
            detached: self.detached,
            _owns: PhantomData,
            _invariant: PhantomData,
        };
        // `Finished`: no method of the `Core` left behind reads `inner`
        // (invariant 4), and `detached` keeps its `Drop` from freeing it.
        self.phase = Phase::Finished;
        self.detached = true;
        taken
    }

    #[inline(always)]
    fn slot(&mut self) -> &mut Slot<Y, S, E> {
        // SAFETY: the allocation is alive (we own it) and the body is not being
        // polled (we hold `&mut self` and are not inside `poll_body`), so no
        // other access to the slot exists (invariant 2). The borrow is tied to
        // `&mut self`, so it cannot overlap a poll of the body.
        unsafe { &mut *(*self.inner.as_ptr()).slot.get() }
    }

    /// Drops the body future (running its cleanup) and forgets anything in flight.
    /// Idempotent.
    pub(crate) fn finish(&mut self) {
        if self.phase == Phase::Finished {
            return;
        }
        self.phase = Phase::Finished;
        // SAFETY: the phase was not `Finished`, so the body is alive and has not
        // been dropped (invariant 4); it is dropped in place, never moved
        // (invariant 3), and the phase now records that it is gone. The body
        // is not being polled: `finish` runs on the driver side, or from
        // `FinishOnUnwind` after the poll has unwound.
        unsafe { ManuallyDrop::drop(&mut *(*self.inner.as_ptr()).body.get()) };
        // The body's drop may have run code that posted to the slot (a yield
        // handle used in a destructor): nobody can take it now, so say so.
        if self.slot().holds_body_message() {
            super::slot::posted_while_dropped();
        }
        self.slot().clear();
    }

    #[inline(always)]
    fn poll_body(&mut self, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.inner.as_ptr();
        let guard = FinishOnUnwind { core: self };
        // SAFETY: phase is `Running`, so the body is alive (invariant 4); it is
        // pinned in the allocation (invariant 3); this is the only `&mut` to
        // it, and the driver does not touch the slot until the poll returns.
        let body = unsafe { Pin::new_unchecked(&mut **(*inner).body.get()) };
        let poll = body.poll(cx);
        core::mem::forget(guard);
        poll
    }

    /// Runs one step of the resume protocol.
    ///
    /// `action` is `Some` when an operation starts and `None` when it is polled
    /// again after returning `Pending` (async bodies only). Returns `Pending`
    /// only when the body awaits something other than its own yield handle.
    pub(crate) fn poll_resume(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        let closing = match (self.phase, action) {
            (Phase::Running { closing }, None) => closing,
            (_, None) => panic!("cogen: a generator step was polled again after it completed"),
            (Phase::Finished, Some(action)) => {
                return Poll::Ready(match action {
                    Action::Throw(e) => Outcome::Raised(e),
                    Action::Close => Outcome::Closed,
                    other => Outcome::Rejected(other, Status::Finished),
                });
            }
            (Phase::Running { .. }, Some(action)) => {
                return Poll::Ready(Outcome::Rejected(action, Status::Running));
            }
            (Phase::Created, Some(action)) => match action {
                Action::Start => false,
                Action::Send(s) => {
                    return Poll::Ready(Outcome::Rejected(Action::Send(s), Status::Created));
                }
                Action::Throw(e) => {
                    self.finish();
                    return Poll::Ready(Outcome::Raised(e));
                }
                Action::Close => {
                    self.finish();
                    return Poll::Ready(Outcome::Closed);
                }
            },
            (Phase::Suspended(mode), Some(action)) => match action {
                Action::Start => {
                    return Poll::Ready(Outcome::Rejected(Action::Start, Status::Suspended));
                }
                Action::Throw(e) if mode == Mode::Plain => {
                    // The yield point does not handle interrupts: the error
                    // propagates straight out, running the body's cleanup.
                    self.finish();
                    return Poll::Ready(Outcome::Raised(e));
                }
                Action::Close if mode == Mode::Plain => {
                    self.finish();
                    return Poll::Ready(Outcome::Closed);
                }
                action => {
                    let closing = matches!(action, Action::Close);
                    self.slot().deliver(action);
                    closing
                }
            },
        };
        self.phase = Phase::Running { closing };
        let poll = self.poll_body(cx);
        self.settle(poll, closing)
    }

    /// One step with an optional action, as `Delegate::poll_step` and the
    /// async operations need: sends take the hot path.
    #[inline(always)]
    pub(crate) fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        action: Option<Action<S, E>>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        match action {
            Some(Action::Send(value)) => self.poll_send(cx, value),
            action => self.poll_resume(cx, action),
        }
    }

    /// Resumes without a caller-chosen value (Python's `next`): starts a fresh
    /// generator, continues a step in flight, or sends `value` to a suspended
    /// one. One phase check on the hot path.
    #[inline(always)]
    pub(crate) fn poll_advance(
        &mut self,
        cx: &mut Context<'_>,
        value: S,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        match self.phase {
            Phase::Suspended(_) => self.send_suspended(cx, value),
            Phase::Running { .. } => self.poll_resume(cx, None),
            Phase::Created | Phase::Finished => self.poll_resume(cx, Some(Action::Start)),
        }
    }

    /// Hot path: resumes a suspended generator with a value (Python's
    /// `send`). Every other state takes the general protocol.
    #[inline(always)]
    pub(crate) fn poll_send(
        &mut self,
        cx: &mut Context<'_>,
        value: S,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        if !matches!(self.phase, Phase::Suspended(_)) {
            return self.poll_resume_cold(cx, Action::Send(value));
        }
        self.send_suspended(cx, value)
    }

    /// `poll_send` once the phase is known to be `Suspended`.
    #[inline(always)]
    fn send_suspended(
        &mut self,
        cx: &mut Context<'_>,
        value: S,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        debug_assert!(matches!(self.phase, Phase::Suspended(_)));
        *self.slot() = Slot::Send(value);
        // The phase stays `Suspended` during the poll: a panic finishes the
        // generator whatever the phase, and `settle` sets the phase after.
        let poll = self.poll_body(cx);
        if poll.is_pending() {
            if let Some((value, mode)) = self.slot().take_yield() {
                self.phase = Phase::Suspended(mode);
                return Poll::Ready(Outcome::Yielded(value));
            }
        }
        self.settle(poll, false)
    }

    #[cold]
    #[inline(never)]
    fn poll_resume_cold(
        &mut self,
        cx: &mut Context<'_>,
        action: Action<S, E>,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        self.poll_resume(cx, Some(action))
    }

    /// Turns the body's poll result and message into the step's outcome.
    #[inline(always)]
    fn settle(
        &mut self,
        poll: Poll<F::Output>,
        closing: bool,
    ) -> Poll<Outcome<Y, F::Output, S, E>> {
        match poll {
            Poll::Ready(value) => {
                if let Some(left) = self.slot().left_behind() {
                    // The body returned with a message posted but never taken,
                    // or an interrupt it never took: its future was dropped.
                    self.finish();
                    drop(value);
                    left.fail()
                }
                self.finish();
                Poll::Ready(Outcome::Returned(value))
            }
            Poll::Pending => match self.slot().take_message() {
                None => {
                    self.phase = Phase::Running { closing };
                    Poll::Pending
                }
                Some(Slot::Yield(value, mode)) => {
                    self.phase = Phase::Suspended(mode);
                    Poll::Ready(if closing {
                        Outcome::IgnoredClose(value)
                    } else {
                        Outcome::Yielded(value)
                    })
                }
                Some(Slot::Raise(e)) => {
                    self.finish();
                    Poll::Ready(Outcome::Raised(e))
                }
                Some(Slot::SubIgnoredClose(value)) => {
                    self.finish();
                    Poll::Ready(Outcome::IgnoredClose(value))
                }
                Some(_) => {
                    // `Slot::Exit`: the body lets the close request propagate.
                    self.finish();
                    if !closing {
                        super::slot::close_not_in_progress()
                    }
                    Poll::Ready(Outcome::Closed)
                }
            },
        }
    }
}

/// Frees a fully initialised allocation whose body has been dropped, also
/// when dropping the body unwinds (a panicking destructor of a body local).
struct FreeInner<Y, S, E, F>(NonNull<Inner<Y, S, E, F>>);

impl<Y, S, E, F> Drop for FreeInner<Y, S, E, F> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::into_raw` of a fully initialised
        // `Inner` (see `new`), and only `Core::drop` of the one `Core` that
        // owns it (not detached by `take`) makes this guard, once
        // (invariant 1). The body is wrapped in `ManuallyDrop` and `finish`
        // has dropped it or unwound while dropping it (invariant 4: it is
        // never dropped twice), so this frees the allocation and drops only
        // the slot and whatever message it still holds. No `SlotPtr` remains:
        // they lived in the body.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

impl<Y, S, E, F: Future> Drop for Core<Y, S, E, F> {
    fn drop(&mut self) {
        if self.detached {
            return; // `take` moved the allocation to another `Core`.
        }
        let _free = FreeInner(self.inner);
        self.finish();
    }
}

impl<Y, S, E, F: Future> core::fmt::Debug for Core<Y, S, E, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Core")
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}
