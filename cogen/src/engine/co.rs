use core::convert::Infallible;
use core::marker::PhantomData;
use core::task::Context;

use super::raw::{SlotPtr, SlotRef};
use super::slot::Slot;
use super::{
    AsyncGenerator, Catches, Interrupt, Mode, Plain, Raise, Yield, YieldFrom, YieldFromIter,
};

/// The yield handle a generator body receives: Python's `yield`, as a value.
///
/// `Co<'co, Y, S, E>` yields values of type `Y`, receives values of type `S`
/// from [`send`](crate::Gen::send) (`()` for plain generators), and can be
/// interrupted by errors of type `E` from [`throw`](crate::Gen::throw)
/// ([`Infallible`] for plain generators).
///
/// The lifetime `'co` brands the handle to its body: the body is generic over
/// it (`for<'co> AsyncFnOnce(Co<'co, ..>)`), so the handle cannot be stored
/// outside the body, returned from it, or moved to a `'static` thread or task.
/// Every method takes `&mut self`, so at most one yield is in flight.
///
/// # Examples
///
/// ```
/// use cogen::generator;
///
/// let g = generator(async |mut co| {
///     co.yield_(1).await;
///     co.yield_(2).await;
///     co.yield_(3).await;
/// });
/// assert_eq!(g.collect::<Vec<_>>(), [1, 2, 3]);
/// ```
pub struct Co<'co, Y, S = (), E = Infallible, K = Plain> {
    pub(crate) slot: SlotPtr<Y, S, E>,
    _brand: PhantomData<fn(&'co ()) -> &'co ()>,
    _handling: PhantomData<fn() -> K>,
}

impl<Y, S, E, K> Co<'_, Y, S, E, K> {
    pub(crate) fn new(slot: SlotPtr<Y, S, E>) -> Self {
        Co {
            slot,
            _brand: PhantomData,
            _handling: PhantomData,
        }
    }

    /// Yields `value` to the caller and waits to be resumed; evaluates to the
    /// value the caller sends (`()` for plain generators).
    ///
    /// A plain yield point does not see interrupts: if the caller throws or
    /// closes here, the body is unwound (its locals dropped, in reverse
    /// order, like Python's `finally` blocks) and never resumed. To handle
    /// them, opt in with [`Yield::catching`].
    ///
    /// # Cancel safety
    ///
    /// Await it to completion in the body, one at a time. Dropping it before
    /// its first poll yields nothing. Dropping it after it posted its value
    /// (a `timeout` or `select!` whose other branch won) is tolerated only if
    /// the body then awaits something else: the value was delivered, a
    /// resume value sent to it is discarded, and returning, raising or
    /// yielding again before the driver took the value panics rather than
    /// lose it (docs/DESIGN.md, "Abandoned yields"). Polling it with another
    /// `Context` than the body's (a nested executor, `FuturesUnordered`)
    /// panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, GeneratorState};
    ///
    /// let mut echo = coroutine(async |mut co: Co<'_, String, &str>| {
    ///     let mut got = co.yield_("ready".to_string()).await;
    ///     loop {
    ///         got = co.yield_(got.to_uppercase()).await;
    ///     }
    /// });
    /// assert_eq!(echo.start(), Ok(GeneratorState::Yielded("ready".to_string())));
    /// assert_eq!(echo.send("hi"), Ok(GeneratorState::Yielded("HI".to_string())));
    /// ```
    pub fn yield_(&mut self, value: Y) -> Yield<'_, Y, S, E, K> {
        Yield::new(self.slot.borrow(), value)
    }

    /// Lets `error` propagate out of the generator, like Python's `raise`: the
    /// operation that resumed the body reports it, and the generator finishes
    /// (its locals are dropped). Evaluates to any type, because it never
    /// completes.
    ///
    /// Use it to re-raise a thrown error the body decided not to handle, or to
    /// raise a different one while closing.
    ///
    /// # Cancel safety
    ///
    /// It never completes: the driver finishes the generator when it sees
    /// the error. Dropping it after its first poll and going on panics at
    /// the body's next post or return rather than lose the error.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{coroutine, Co, Interrupt};
    /// use cogen::protocol::Status;
    ///
    /// let mut g = cogen::catching::coroutine(async |mut co: Co<'_, i32, (), i32, cogen::catching::Catching>| loop {
    ///     match co.yield_(0).catching().await {
    ///         Err(Interrupt::Throw(e)) if e < 0 => co.raise(e).await,
    ///         _ => continue, // handle small positive errors, and ignore nothing else
    ///     }
    /// });
    /// g.start().unwrap();
    /// assert!(g.throw(1).is_ok()); // handled
    /// assert_eq!(g.throw(-1), Err(-1)); // re-raised
    /// assert_eq!(g.status(), Status::Finished);
    /// ```
    pub fn raise<T>(&mut self, error: E) -> Raise<'_, Y, S, E, T> {
        Raise::new(self.slot.borrow(), error)
    }

    /// Delegates to a sub-generator (Python's `yield from`), evaluating to its
    /// return value.
    ///
    /// While delegating, the sub-generator's values come out of this
    /// generator; `send` goes to the sub-generator; `throw` goes to the
    /// sub-generator first, and if it does not handle the error, the error
    /// surfaces here (unwinding this body, or as an [`Interrupt`](crate::Interrupt) with
    /// [`YieldFrom::catching`]); `close` closes the sub-generator first, then
    /// this one.
    ///
    /// # Panics
    ///
    /// The sub-generator must be fresh. Python resumes a started one with
    /// `None`, which has no typed counterpart; to continue a partly consumed
    /// plain generator, delegate to it as an iterator with
    /// [`yield_from_iter`](Co::yield_from_iter).
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops (or, for `&mut sub`, leaves) the sub-generator where
    /// it stands: a step it was waiting in stays in flight in the
    /// sub-generator, and a value it yielded that the driver has not taken
    /// yet makes the body's next post or return panic rather than lose it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let inner = generator(async |mut co| {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    ///     "inner done"
    /// });
    /// let outer = generator(async move |mut co| {
    ///     let r = co.yield_from(inner).await;
    ///     assert_eq!(r, "inner done");
    ///     co.yield_(3).await;
    /// });
    /// assert_eq!(outer.collect::<Vec<_>>(), [1, 2, 3]);
    /// ```
    pub fn yield_from<D>(&mut self, sub: D) -> YieldFrom<'_, D, K>
    where
        D: AsyncGenerator<Yield = Y, Sent = S, Error = E>,
    {
        YieldFrom::new(self.slot.borrow(), sub)
    }
}

/// Only a handle whose yield points may catch
/// ([`Catching`](crate::catching::Catching)) can hand an interrupt on.
impl<Y, S, E, K> Co<'_, Y, S, E, K> {
    /// Lets an interrupt received at a `.catching()` yield point go on, once
    /// the body has done its cleanup (which may await): a close continues, so
    /// the generator finishes closed and `close`/`aclose` returns `Ok(None)`;
    /// a thrown error is raised again. This is Python's `finally:` block,
    /// which runs and then lets `GeneratorExit` or the exception through,
    /// without the body inventing a return value. Evaluates to any type,
    /// because it never completes.
    ///
    /// # Panics
    ///
    /// Propagating [`Interrupt::Close`](crate::Interrupt::Close) when no close
    /// is in progress (one kept from an earlier, ignored close) panics: there
    /// is no close to continue.
    ///
    /// # Cancel safety
    ///
    /// As [`raise`](Co::raise): it never completes, and a dropped one is
    /// caught at the body's next post or return.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::{catching, Co};
    /// use cogen::catching::Catching;
    /// use std::sync::{Arc, Mutex};
    ///
    /// # futures::executor::block_on(async {
    /// let flushed = Arc::new(Mutex::new(false));
    /// let f = flushed.clone();
    /// let mut g = catching::async_coroutine(async move |mut co: Co<'_, u32, (), String, cogen::catching::Catching>| {
    ///     let mut n = 0;
    ///     loop {
    ///         if let Err(interrupt) = co.yield_(n).catching().await {
    ///             async { *f.lock().unwrap() = true }.await; // awaited cleanup
    ///             return co.propagate(interrupt).await;
    ///         }
    ///         n += 1;
    ///     }
    /// });
    /// g.astart().await.unwrap();
    /// assert_eq!(g.aclose().await, Ok(None)); // closed, no value made up
    /// assert!(*flushed.lock().unwrap());
    /// # });
    /// ```
    pub fn propagate<T>(&mut self, interrupt: Interrupt<E>) -> Raise<'_, Y, S, E, T>
    where
        K: Catches,
    {
        Raise::posting(
            self.slot.borrow(),
            match interrupt {
                Interrupt::Throw(e) => Slot::Raise(e),
                Interrupt::Close => Slot::Exit,
            },
        )
    }
}

impl<T, S, E, K> Co<'_, Result<T, E>, S, E, K> {
    /// In a try-generator, yields `Ok(value)`: `co.yield_(Ok(value))`.
    ///
    /// # Cancel safety
    ///
    /// As [`yield_`](Co::yield_).
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen::try_generator(async |mut co| {
    ///     co.yield_ok(1).await;
    ///     Ok::<_, String>(())
    /// });
    /// assert_eq!(g.collect::<Vec<_>>(), [Ok(1)]);
    /// ```
    pub fn yield_ok(&mut self, value: T) -> Yield<'_, Result<T, E>, S, E, K> {
        Yield::new(self.slot.borrow(), Ok(value))
    }

    /// In a try-generator, yields `Err(error)` as an item and goes on when
    /// resumed (async-fn-stream's `emit_err`); compare `?` or
    /// [`raise`](Co::raise), whose error is the last item.
    ///
    /// # Cancel safety
    ///
    /// As [`yield_`](Co::yield_).
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen::try_generator(async |mut co| {
    ///     for s in ["1", "x", "3"] {
    ///         match s.parse::<u8>() {
    ///             Ok(n) => co.yield_ok(n).await,
    ///             Err(e) => co.yield_err(e.to_string()).await, // reported, not fatal
    ///         }
    ///     }
    ///     Ok(())
    /// });
    /// let got: Vec<_> = g.collect();
    /// assert_eq!(got.len(), 3);
    /// assert_eq!(got[0], Ok(1));
    /// assert!(got[1].is_err());
    /// assert_eq!(got[2], Ok(3));
    /// ```
    pub fn yield_err(&mut self, error: E) -> Yield<'_, Result<T, E>, S, E, K> {
        Yield::new(self.slot.borrow(), Err(error))
    }
}

impl<Y, E, K> Co<'_, Y, (), E, K> {
    /// Yields every item of `iter` (Python's `yield from` over any iterable);
    /// evaluates to `()`. There is nothing to forward: a throw or close while
    /// delegating arrives at this yield point, as in Python.
    ///
    /// Only generators that receive `()` can delegate to an iterator: Python
    /// fails at run time when a value is sent to a list iterator, and here it
    /// does not compile.
    ///
    /// # Cancel safety
    ///
    /// Dropping it stops the iteration after the items already yielded (the
    /// iterator is dropped, or left to the caller for `&mut iter`); an item
    /// yielded but not yet taken by the driver makes the body's next post or
    /// return panic rather than lose it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let g = generator(async |mut co| {
    ///     co.yield_from_iter([1, 2, 3]).await;
    ///     co.yield_from_iter(4..=6).await;
    /// });
    /// assert_eq!(g.collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    /// ```
    pub fn yield_from_iter<I>(&mut self, iter: I) -> YieldFromIter<'_, Y, E, I::IntoIter, K>
    where
        I: IntoIterator<Item = Y>,
    {
        YieldFromIter::new(self.slot.borrow(), iter.into_iter())
    }
}

impl<Y, S, E, K> core::fmt::Debug for Co<'_, Y, S, E, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Co").finish_non_exhaustive()
    }
}

/// Posts a yielded value (used by every yielding future).
#[inline(always)]
pub(crate) fn offer<Y, S, E>(
    slot: &mut SlotRef<'_, Y, S, E>,
    cx: &Context<'_>,
    value: Y,
    mode: Mode,
) {
    slot.with(cx, |s| s.post_yield(value, mode));
}
