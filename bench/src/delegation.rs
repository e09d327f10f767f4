//! Delegation anchors: the same workload (yield `0..n`, sum) through one and
//! through four levels of generators that hand on every value of the level
//! below, written as each peer writes it. None of the peers has `yield from`:
//! a level is a loop that takes the inner value and yields it again. cogen's
//! own cases (`cogen_yield_from_depth1/4`) are in `lib.rs`; an added level's
//! cost is (depth 4 - depth 1) / 3 for every row.

use std::pin::pin;

use futures::{Stream, StreamExt};

use crate::async_cases::sum_stream;
use crate::{Case, sum_iter};

/// Every delegation anchor, in report order.
pub const DELEGATION_CASES: &[Case] = &[
    ("genawaiter_rc_reyield_depth1", genawaiter_rc_reyield_depth1),
    ("genawaiter_rc_reyield_depth4", genawaiter_rc_reyield_depth4),
    ("corosensei_reyield_depth1", corosensei_reyield_depth1),
    ("corosensei_reyield_depth4", corosensei_reyield_depth4),
    ("async_stream_reyield_depth1", async_stream_reyield_depth1),
    ("async_stream_reyield_depth4", async_stream_reyield_depth4),
    ("cogen_reyield_depth1", cogen_reyield_depth1),
    ("cogen_reyield_depth4", cogen_reyield_depth4),
    ("cogen_yield_from_iter_depth1", cogen_yield_from_iter_depth1),
    ("cogen_yield_from_iter_depth4", cogen_yield_from_iter_depth4),
];

fn cogen_leaf(n: u64) -> impl Iterator<Item = u64> {
    cogen::generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
    })
}

fn cogen_reyield(inner: impl Iterator<Item = u64>) -> impl Iterator<Item = u64> {
    cogen::generator(async move |mut co| {
        for x in inner {
            co.yield_(x).await;
        }
    })
}

fn cogen_wrap_iter(inner: impl Iterator<Item = u64>) -> impl Iterator<Item = u64> {
    cogen::generator(async move |mut co| co.yield_from_iter(inner).await)
}

/// cogen, written as the peers write it: one level that re-yields a leaf's
/// values with `yield_` (no send, throw or close forwarded).
pub fn cogen_reyield_depth1(n: u64) -> u64 {
    sum_iter(cogen_reyield(cogen_leaf(n)))
}

/// cogen, written as the peers write it: four nested re-yielding levels.
pub fn cogen_reyield_depth4(n: u64) -> u64 {
    sum_iter(cogen_reyield(cogen_reyield(cogen_reyield(cogen_reyield(
        cogen_leaf(n),
    )))))
}

/// cogen: one level of `yield_from_iter` over a generator taken as an
/// iterator.
pub fn cogen_yield_from_iter_depth1(n: u64) -> u64 {
    sum_iter(cogen_wrap_iter(cogen_leaf(n)))
}

/// cogen: four nested levels of `yield_from_iter`.
pub fn cogen_yield_from_iter_depth4(n: u64) -> u64 {
    sum_iter(cogen_wrap_iter(cogen_wrap_iter(cogen_wrap_iter(
        cogen_wrap_iter(cogen_leaf(n)),
    ))))
}

fn genawaiter_leaf(n: u64) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(move |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    })
    .into_iter()
}

fn genawaiter_wrap(inner: impl Iterator<Item = u64>) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(move |co| async move {
        for x in inner {
            co.yield_(x).await;
        }
    })
    .into_iter()
}

/// genawaiter 0.99, rc form: one level that re-yields a leaf's values.
pub fn genawaiter_rc_reyield_depth1(n: u64) -> u64 {
    sum_iter(genawaiter_wrap(genawaiter_leaf(n)))
}

/// genawaiter 0.99, rc form: four nested re-yielding levels.
pub fn genawaiter_rc_reyield_depth4(n: u64) -> u64 {
    sum_iter(genawaiter_wrap(genawaiter_wrap(genawaiter_wrap(
        genawaiter_wrap(genawaiter_leaf(n)),
    ))))
}

/// A corosensei coroutine as an iterator of what it yields.
struct Coro(corosensei::Coroutine<(), u64, ()>);

impl Iterator for Coro {
    type Item = u64;
    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.0.done() {
            return None;
        }
        match self.0.resume(()) {
            corosensei::CoroutineResult::Yield(x) => Some(x),
            corosensei::CoroutineResult::Return(()) => None,
        }
    }
}

fn corosensei_leaf(n: u64) -> impl Iterator<Item = u64> + 'static {
    Coro(corosensei::Coroutine::new(
        move |y: &corosensei::Yielder<(), u64>, ()| {
            for i in 0..n {
                y.suspend(i);
            }
        },
    ))
}

fn corosensei_wrap(
    inner: impl Iterator<Item = u64> + 'static,
) -> impl Iterator<Item = u64> + 'static {
    Coro(corosensei::Coroutine::new(
        move |y: &corosensei::Yielder<(), u64>, ()| {
            for x in inner {
                y.suspend(x);
            }
        },
    ))
}

/// corosensei 0.3 (stackful): one level that re-yields a leaf's values.
pub fn corosensei_reyield_depth1(n: u64) -> u64 {
    sum_iter(corosensei_wrap(corosensei_leaf(n)))
}

/// corosensei 0.3 (stackful): four nested re-yielding levels.
pub fn corosensei_reyield_depth4(n: u64) -> u64 {
    sum_iter(corosensei_wrap(corosensei_wrap(corosensei_wrap(
        corosensei_wrap(corosensei_leaf(n)),
    ))))
}

fn async_stream_leaf(n: u64) -> impl Stream<Item = u64> {
    async_stream::stream! {
        for i in 0..n {
            yield i;
        }
    }
}

fn async_stream_wrap(inner: impl Stream<Item = u64>) -> impl Stream<Item = u64> {
    async_stream::stream! {
        let mut inner = pin!(inner);
        while let Some(x) = inner.next().await {
            yield x;
        }
    }
}

/// async-stream 0.3: one level that re-yields a leaf stream's values.
pub fn async_stream_reyield_depth1(n: u64) -> u64 {
    sum_stream(async_stream_wrap(async_stream_leaf(n)))
}

/// async-stream 0.3: four nested re-yielding levels.
pub fn async_stream_reyield_depth4(n: u64) -> u64 {
    sum_stream(async_stream_wrap(async_stream_wrap(async_stream_wrap(
        async_stream_wrap(async_stream_leaf(n)),
    ))))
}
