//! The only `unsafe` in cogen: the allocation, pinning, frame and slot
//! access, and drop. The resume protocol's transitions are in `driver.rs`, in
//! safe code; nothing they do (with `phase`, `carried`, or the order of their
//! calls) can make this module poll, drop or free anything twice or after
//! it is gone.
//!
//! A generator is one heap allocation holding its body future, owned by a
//! [`Core`] through a raw pointer. The slot through which a value
//! crosses between driver and body is *not* in that allocation: it is a local
//! of the driver's step, live for one poll of the body, and the body reaches
//! it only through the [`Context`] it is polled with. For each poll the
//! driver builds a [`Frame`] on its stack (`{ inner waker, id, slot }`) and
//! polls the body with a waker whose vtable is [`FRAME_VTABLE`] and whose data
//! is the frame. A yield handle holds only its generator's id; its futures use
//! the slot only when the waker of the `Context` they are polled with is a
//! frame waker carrying that id. Anything else (a handle polled by another
//! generator's body, a combinator that replaces the waker, a nested
//! executor) panics, naming the mistake. The waker forwards `clone` and
//! `wake` to the consumer's waker, so everything else the body awaits is woken
//! as before.
//!
//! Invariants every `unsafe` block below relies on:
//!
//! 1. **Validity.** The allocation is freed only by `Core::drop`, after the
//!    body future is dropped. The handle cannot outlive the body: it is
//!    branded with a lifetime the body is generic over (`for<'co>
//!    AsyncFnOnce(Co<'co, ..>)`), so it cannot be stored anywhere that
//!    outlives the body's own execution, returned, or moved to a `'static`
//!    thread or task. (It holds no pointer in any case.)
//! 2. **Frames.** A waker with [`FRAME_VTABLE`] is made only by
//!    `Core::poll_body`, from a frame on that function's stack, and is only
//!    ever lent (`&Waker` in the `Context` passed to the body's `poll`): its
//!    `clone` returns a clone of the *inner* waker, so no frame waker exists
//!    once that `poll` returns, and a `&Waker` with `FRAME_VTABLE` points at a
//!    live frame. The frame's `inner` points at the waker of the driver's
//!    caller, alive for the whole poll.
//! 3. **Ids.** Each generator takes a unique id from a global counter when it
//!    is made (never reused). A frame carries its generator's id and a
//!    pointer to a `Slot<Y, S, E>` of that generator's types, so a handle
//!    whose id equals the frame's is a handle of that generator, of the same
//!    `Y`, `S`, `E`: the cast back to `Slot<Y, S, E>` is of the right type.
//! 4. **Exclusion.** The driver does not touch its slot local during the
//!    body's poll (the frame holds the only pointer, derived from the
//!    driver's `&mut`), and the body reaches it only through
//!    `SlotRef::with`, which takes `&mut self` on a `SlotRef` (one per `&mut`
//!    borrow of the handle, itself one per generator and `!Sync`) and does
//!    not let the reference escape `f`, or through a `SharedSlot`
//!    (`SlotRef::shared`): a pointer that one `YieldFrom` lends, for the
//!    rest of that poll only, to its sub-generator's driver, and does not
//!    touch meanwhile. It carries the lifetime of the poll's `Context`, so
//!    no future can keep it for a later poll. A `SharedSlot` has no public
//!    constructor or accessor, so code outside the crate that receives one
//!    (a hand-written `poll_in_place`) can do nothing with it.
//! 5. **Pinning.** The body future is written once into the allocation and
//!    never moved until it is dropped in place.
//! 6. **Ownership record.** `Core::owns` says what a `Core` owns: `Body`
//!    (the allocation and the live body in it), `Memory` (the allocation; the
//!    body was dropped, once, by `finish`, which records it before dropping
//!    so an unwinding drop is not repeated) or `Nothing`. Only this module
//!    writes it; `poll_body` polls only with `Body`. Exactly one `Core` owns
//!    an allocation: `Core::take` moves it to a new `Core` and leaves
//!    `Nothing` behind.

use core::cell::Cell;
use core::future::Future;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use super::Phase;
use super::slot::Slot;

/// What a yield handle finds through the waker during one poll of its
/// generator's body. `#[repr(C)]` with `inner` first: the vtable functions,
/// which know no `Y`, `S`, `E`, read only `inner`.
#[repr(C)]
struct Frame {
    /// The waker of the driver's caller (a no-op one for a sync generator).
    inner: *const Waker,
    /// The id of the generator whose body is being polled.
    id: u64,
    /// Its slot: a `*mut Slot<Y, S, E>` of that generator's types.
    slot: *mut (),
}

/// The vtable of frame wakers. A `static`, so its address identifies them.
static FRAME_VTABLE: RawWakerVTable =
    RawWakerVTable::new(frame_clone, frame_wake, frame_wake_by_ref, frame_drop);

unsafe fn frame_clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` is a live frame (invariant 2: frame wakers are only
    // lent during their frame's poll), and its `inner` a live waker.
    let inner = unsafe { &*(*data.cast::<Frame>()).inner };
    // A clone is the inner waker's: no frame waker outlives its frame.
    let clone = ManuallyDrop::new(inner.clone());
    RawWaker::new(clone.data(), clone.vtable())
}

unsafe fn frame_wake(data: *const ()) {
    // SAFETY: as `frame_wake_by_ref`. A frame waker owns nothing, so waking
    // it by value is waking it by reference.
    unsafe { frame_wake_by_ref(data) }
}

unsafe fn frame_wake_by_ref(data: *const ()) {
    // SAFETY: as in `frame_clone` (invariant 2).
    unsafe { (*(*data.cast::<Frame>()).inner).wake_by_ref() }
}

unsafe fn frame_drop(_: *const ()) {}

/// The next generator id. Ids are never reused (a `u64` does not wrap).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The body side's way to its generator's slot: the generator's id.
pub(crate) struct SlotPtr<Y, S, E> {
    id: u64,
    /// Invariant in every parameter: a handle must not be able to pass a
    /// shorter-lived value as a longer-lived one (async-stream#107). `Send`
    /// when `Y`, `S`, `E` are, never `Sync` (one place at a time uses it).
    _marker: PhantomData<Cell<(Y, S, E)>>,
}

impl<Y, S, E> SlotPtr<Y, S, E> {
    /// Borrows the handle for one yielding future: the future carries a copy
    /// of the id (so it reads no pointer to find it) and holds the handle's
    /// `&mut` borrow for as long as it lives.
    #[inline(always)]
    pub(crate) fn borrow(&mut self) -> SlotRef<'_, Y, S, E> {
        SlotRef {
            id: self.id,
            _borrow: PhantomData,
        }
    }
}

/// A yielding future's access to its generator's slot: the handle's id,
/// borrowed from the handle. Not `Clone`: one `SlotRef` per `&mut` borrow of
/// the handle, so invariant 4's exclusion holds as it does for `&mut
/// SlotPtr`, and the auto traits are those of `&mut SlotPtr`.
pub(crate) struct SlotRef<'a, Y, S, E> {
    id: u64,
    _borrow: PhantomData<&'a mut SlotPtr<Y, S, E>>,
}

impl<Y, S, E> SlotRef<'_, Y, S, E> {
    /// Runs `f` with exclusive access to the slot of this handle's generator,
    /// found through `cx`.
    ///
    /// # Panics
    ///
    /// If `cx` is not the one its generator's driver polls the body with: the
    /// handle is used by another generator's body, or by a future polled with
    /// another waker (a nested executor, or a combinator such as
    /// `FuturesUnordered` that polls with its own waker).
    #[inline(always)]
    pub(crate) fn with<T>(
        &mut self,
        cx: &Context<'_>,
        f: impl FnOnce(&mut Slot<Y, S, E>) -> T,
    ) -> T {
        let waker = cx.waker();
        let frame = waker.data().cast::<Frame>();
        let is_frame = core::ptr::eq(waker.vtable(), &FRAME_VTABLE);
        // SAFETY: read only when `is_frame` holds (`&&`): a waker with
        // `FRAME_VTABLE` points at a live frame (invariant 2); we only read its id.
        if !(is_frame && unsafe { (*frame).id } == self.id) {
            misused(waker)
        }
        // SAFETY: as above.
        let frame = unsafe { &*frame };
        // SAFETY: the frame is this handle's generator's (invariant 3), so
        // its slot is a live `Slot<Y, S, E>`; nothing else touches it during
        // `f` (invariant 4), and the reference does not outlive `f`.
        f(unsafe { &mut *frame.slot.cast::<Slot<Y, S, E>>() })
    }

    /// Whether this handle's generator is dropping its live body on this
    /// thread right now (`drop_live`, `finish_marked`), rather than the body
    /// going on without the future that holds this `SlotRef`, or a panic
    /// unwinding out of the body's poll.
    pub(crate) fn generator_finishing(&self) -> bool {
        super::finishing::is_finishing(self.id)
    }

    /// The slot of this handle's generator for the rest of this poll, checked
    /// as [`with`](Self::with) checks it, and whether it holds a sent value:
    /// for delegating a send in place. The `SharedSlot` carries the lifetime
    /// of the poll's `Context` (its waker's), which a future cannot keep
    /// past the poll (`Future::poll` takes `&mut Context<'_>` for a lifetime
    /// unrelated to `Self`): like `cx.waker()`, it cannot be stored for a
    /// later poll.
    #[inline(always)]
    pub(crate) fn shared<'w>(&mut self, cx: &Context<'w>) -> (SharedSlot<'w, Y, S, E>, bool) {
        self.with(cx, |slot| {
            let sending = matches!(slot, Slot::Send(_));
            (
                SharedSlot {
                    ptr: NonNull::from(slot),
                    _poll: PhantomData,
                },
                sending,
            )
        })
    }
}

impl<Y, S, E> core::fmt::Debug for SlotRef<'_, Y, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SlotRef").field("id", &self.id).finish()
    }
}

/// A delegating generator's slot, lent for one poll to the sub-generator it
/// delegates to, so that the sub-generator's body takes the sent value from
/// it and yields into it directly (crate-internal; public only because
/// [`AsyncGenerator`](crate::AsyncGenerator)'s hidden method names it).
#[doc(hidden)]
pub struct SharedSlot<'a, Y, S, E> {
    /// Valid for the delegating body's current poll (invariant 2): made by
    /// `SlotRef::shared` from the live frame, and `'a` (the `Context`'s)
    /// ends with that poll.
    ptr: NonNull<Slot<Y, S, E>>,
    /// The lifetime of the poll's `Context`.
    _poll: PhantomData<fn(&'a ()) -> &'a ()>,
}

impl<Y, S, E> SharedSlot<'_, Y, S, E> {
    /// Runs `f` on the lent slot.
    #[inline(always)]
    pub(crate) fn with<T>(&mut self, f: impl FnOnce(&mut Slot<Y, S, E>) -> T) -> T {
        // SAFETY: the pointer is the delegating generator's slot, live for
        // this poll (see the field); the delegating side does not touch it
        // while the sub-generator uses it (invariant 4 extended: the
        // `YieldFrom` that lent it is the one calling), and the reference
        // does not outlive `f`.
        f(unsafe { &mut *self.ptr.as_ptr() })
    }
}

impl<Y, S, E> core::fmt::Debug for SharedSlot<'_, Y, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SharedSlot").finish_non_exhaustive()
    }
}

/// Panics naming how a handle was misused: polled with a foreign waker, or
/// inside another generator's body.
#[cold]
#[inline(never)]
#[track_caller]
fn misused(waker: &Waker) -> ! {
    if core::ptr::eq(waker.vtable(), &FRAME_VTABLE) {
        other_generator()
    }
    foreign_waker()
}

#[cold]
#[inline(never)]
#[track_caller]
fn foreign_waker() -> ! {
    panic!(
        "cogen: a yield handle's future was polled with a waker that is not its generator's: \
         it must be awaited by its own generator's body, directly or through combinators that \
         poll with the same Context (select!, join!, timeout); not inside a nested executor \
         (block_on), a spawned task, or a combinator that polls with its own waker \
         (FuturesUnordered, buffer_unordered)"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn other_generator() -> ! {
    panic!(
        "cogen: a yield handle was used inside another generator's body (a handle captured \
         by a nested generator): each handle yields only from its own generator's body; \
         delegate with `co.yield_from(inner)` instead"
    )
}

#[cold]
#[inline(never)]
fn polled_after_finish() -> ! {
    panic!("cogen: internal error: a finished generator's body was polled")
}

impl<Y, S, E> core::fmt::Debug for SlotPtr<Y, S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SlotPtr").field("id", &self.id).finish()
    }
}

/// What a [`Core`] owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owns {
    /// The allocation and the live body future in it.
    Body,
    /// The allocation only: the body has been dropped (`finish`).
    Memory,
    /// Nothing: `take` moved the allocation to another `Core`.
    Nothing,
}

/// The driver: owns the allocation; its transitions (the resume protocol)
/// are in `driver.rs`, in safe code.
pub(crate) struct Core<Y, S, E, F: Future> {
    body: NonNull<ManuallyDrop<F>>,
    /// What this `Core` owns (invariant 6): raw's own record, so nothing
    /// the driver does with `phase` can make it poll or drop a dropped body.
    owns: Owns,
    /// The protocol's phase (driver.rs). `finish` sets it to `Finished`.
    pub(super) phase: Phase,
    /// This generator's id (invariant 3).
    id: u64,
    /// A resume action the body did not take during a poll that returned
    /// `Pending` without a message (an async step awaiting something else):
    /// handed to the next poll of the step, as if the slot had kept it.
    carried: Slot<Y, S, E>,
    /// Owns the body (for drop check).
    _owns: PhantomData<F>,
}

// SAFETY: `Core` uniquely owns the body; moving it moves the body future and
// the carried action, which is sound when they are `Send`.
unsafe impl<Y: Send, S: Send, E: Send, F: Future + Send> Send for Core<Y, S, E, F> {}
// SAFETY: `&Core` exposes only `phase` (a `Copy` enum) and `has_body` (a
// read of `owns`, a `Copy` enum). The body and the carried action are
// private to this module and reached only through `&mut Core`, so sharing
// `&Core` across threads reveals nothing else.
unsafe impl<Y, S, E, F: Future> Sync for Core<Y, S, E, F> {}

// The body future is pinned in the heap allocation, never inline in `Core`:
// moving a `Core` moves only the pointer, so `Core` is `Unpin` whatever `F` is.
impl<Y, S, E, F: Future> Unpin for Core<Y, S, E, F> {}

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
    /// carries the generator's id. Runs none of the body (`make` only builds
    /// a future).
    pub(crate) fn new(make: impl FnOnce(SlotPtr<Y, S, E>) -> F) -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let body = make(SlotPtr {
            id,
            _marker: PhantomData,
        });
        let raw = Box::into_raw(Box::new(ManuallyDrop::new(body)));
        Core {
            // SAFETY: `Box::into_raw` never returns null. The body is never
            // moved out of this allocation (invariant 5).
            body: unsafe { NonNull::new_unchecked(raw) },
            owns: Owns::Body,
            phase: Phase::Created,
            id,
            carried: Slot::Empty,
            _owns: PhantomData,
        }
    }

    #[inline]
    pub(crate) fn phase(&self) -> Phase {
        self.phase
    }

    /// Takes the action carried to this step's next poll.
    #[inline(always)]
    pub(super) fn take_carried(&mut self) -> Slot<Y, S, E> {
        core::mem::replace(&mut self.carried, Slot::Empty)
    }

    /// Keeps an action the body has not taken for the step's next poll.
    #[inline(always)]
    pub(super) fn carry(&mut self, slot: Slot<Y, S, E>) {
        self.carried = slot;
    }

    /// Whether the body is alive (not yet dropped by `finish`).
    #[inline(always)]
    pub(crate) fn has_body(&self) -> bool {
        self.owns == Owns::Body
    }

    /// Moves the generator out, leaving behind a `Core` that is finished and
    /// owns nothing (as `Option::take` does). Used by `Drop`s to hand a live
    /// generator, by value, to an out-of-line close or drop, or to someone
    /// who can await its unfinished cleanup (the async finalizer).
    pub(crate) fn take(&mut self) -> Self {
        let taken = Core {
            body: self.body,
            owns: self.owns,
            phase: self.phase,
            id: self.id,
            carried: core::mem::replace(&mut self.carried, Slot::Empty),
            _owns: PhantomData,
        };
        // `Owns::Nothing`: no method of the `Core` left behind reads `body`
        // (invariant 6), and its `Drop` does not free it.
        self.owns = Owns::Nothing;
        self.phase = Phase::Finished;
        taken
    }

    /// Drops the body future (running its cleanup) and forgets anything in flight.
    /// Idempotent.
    pub(crate) fn finish(&mut self) {
        self.phase = Phase::Finished;
        if self.owns != Owns::Body {
            return;
        }
        self.owns = Owns::Memory;
        // SAFETY: `owns` was `Body`, so the body has not been dropped
        // (invariant 6); it is dropped in place, never moved (invariant 5),
        // and `owns` now records that it is gone. The body
        // is not being polled: `finish` runs on the driver side, or from
        // `FinishOnUnwind` after the poll has unwound. A destructor in the
        // body that polls a yield future finds no frame and panics (it has no
        // generator's `Context`), so nothing is posted while it is dropped.
        // (A `YieldFrom` dropped with the body may close its sub-generator,
        // which polls *that* generator's body with its own frame and id:
        // nothing reaches this generator's slot.)
        unsafe { ManuallyDrop::drop(&mut *self.body.as_ptr()) };
        // After the body: a carried value whose `Drop` panics must not keep
        // the pinned body from being dropped before its memory is freed.
        self.carried = Slot::Empty;
    }

    /// [`finish`](Self::finish), with the generator marked as dropping its
    /// body meanwhile (as `drop_live` marks it), so that a `YieldFrom` in it
    /// closes its sub-generator: for the cold paths that drop a live body in
    /// place (`aclose` of a body mid-await, a catching async generator's
    /// `Drop`). Never on the item path.
    #[cold]
    #[inline(never)]
    pub(crate) fn finish_marked(&mut self) {
        let _finishing = super::finishing::Mark::new(self.id);
        self.finish();
    }

    /// Polls the body once with a frame for `slot`: the only place a frame
    /// waker is made (invariant 2).
    ///
    /// # Panics
    ///
    /// If the body has been dropped (`finish`): the driver polls only a live
    /// body, so this is a bug in the driver, caught rather than followed.
    #[inline(always)]
    pub(super) fn poll_body(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Slot<Y, S, E>,
    ) -> Poll<F::Output> {
        if self.owns != Owns::Body {
            polled_after_finish()
        }
        let frame = Frame {
            inner: cx.waker(),
            id: self.id,
            slot: (slot as *mut Slot<Y, S, E>).cast(),
        };
        // SAFETY: the waker's data is the frame, which lives on this stack
        // frame until after the poll; the waker is only lent to the body
        // (`&Waker` in a `Context`) and never dropped (`ManuallyDrop`; its
        // `drop` does nothing anyway), as invariant 2 requires.
        let waker = ManuallyDrop::new(unsafe {
            Waker::from_raw(RawWaker::new(
                (&raw const frame).cast::<()>(),
                &FRAME_VTABLE,
            ))
        });
        let mut cx = Context::from_waker(&waker);
        let body = self.body.as_ptr();
        let guard = FinishOnUnwind { core: self };
        // SAFETY: `owns` is `Body` (checked above), so the body is alive
        // (invariant 6); it is pinned in the allocation (invariant 5); this
        // is the only `&mut` to it.
        let body = unsafe { Pin::new_unchecked(&mut **body) };
        let poll = body.poll(&mut cx);
        core::mem::forget(guard);
        poll
    }

    /// Polls the body once with a delegating generator's lent slot (a send
    /// delegated in place): its yield lands in that slot directly.
    #[inline(always)]
    pub(super) fn poll_body_shared(
        &mut self,
        cx: &mut Context<'_>,
        shared: &mut SharedSlot<'_, Y, S, E>,
    ) -> Poll<F::Output> {
        // SAFETY: the lent slot is live for this poll and nothing else
        // touches it meanwhile (see `SharedSlot::with`, invariant 4);
        // `poll_body` only turns it into the frame's pointer for this one
        // poll.
        self.poll_body(cx, unsafe { &mut *shared.ptr.as_ptr() })
    }
}

impl<Y, S, E, F: Future> Drop for Core<Y, S, E, F> {
    /// A finished generator only frees its allocation, inline; one whose
    /// body is alive is dropped out of line, by value, so that no call takes
    /// `&mut self` and a consumer's loop can keep the `Core` in registers.
    #[inline(always)]
    fn drop(&mut self) {
        match self.owns {
            Owns::Body => drop_live(self.take()),
            // SAFETY: the pointer came from `Box::into_raw` (see `new`) and
            // this `Core` owns it (invariant 6: `take` leaves `Nothing`
            // behind, so exactly one `Core` reaches this arm; invariant 1:
            // only here is it freed). `Memory`: the
            // body was dropped by `finish`, or unwound while being dropped
            // (invariant 6: never dropped twice), and it is wrapped in
            // `ManuallyDrop`, so this only frees the allocation.
            Owns::Memory => drop(unsafe { Box::from_raw(self.body.as_ptr()) }),
            // `take` moved the allocation to another `Core`.
            Owns::Nothing => {}
        }
    }
}

/// Drops a generator whose body is alive: the body, then (its own `Drop`,
/// now `Owns::Memory`) the allocation, also when dropping the body unwinds.
///
/// Marked as dropping its body meanwhile, so that a `YieldFrom` dropped with
/// it closes its sub-generator (`finishing.rs`). Cold: without it, the mark's
/// thread-local here cost an async generator's loop 4 -> 37 instructions per
/// item (and in `finish`, which is on the item path, a send loop 4 -> 30).
#[cold]
#[inline(never)]
fn drop_live<Y, S, E, F: Future>(mut core: Core<Y, S, E, F>) {
    let _finishing = super::finishing::Mark::new(core.id);
    core.finish();
}

impl<Y, S, E, F: Future> core::fmt::Debug for Core<Y, S, E, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Core")
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}
