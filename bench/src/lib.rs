//! The benchmark cases, shared by the criterion suite (`benches/`) and the
//! instruction-count driver (`src/bin/insns.rs`).
//!
//! Workload (from `BENCHMARKING.md`): yield the `u64` values `0..n` one at a
//! time and sum them; the "resume" variants also send a value back each step.
//! Each item is consumed through an empty `asm!` so the loop cannot be deleted.

use std::convert::Infallible;

mod async_cases;
mod big_body;
mod delegation;
mod toolkit_cases;
pub use async_cases::*;
pub use big_body::*;
pub use delegation::*;
pub use toolkit_cases::*;

/// Consumes a value without forcing it through memory.
#[inline(always)]
pub fn consume(x: u64) {
    // SAFETY: an empty asm block that only reads a register; it has no effects.
    unsafe { core::arch::asm!("/* {0} */", in(reg) x, options(nostack, preserves_flags)) }
}

/// A named benchmark case: `(name, function of n returning the sum)`.
pub type Case = (&'static str, fn(u64) -> u64);

// The consumer loops below are written out per case on purpose: folding them
// into one helper taking a closure changed cogen's counts by up to 13
// insns/item (LLVM fuses the hand-written `while let` differently), which
// would measure the helper rather than the generators.

/// Every sync-generator case, in report order.
pub const CASES: &[Case] = &[
    ("hand_iterator", hand_iterator),
    ("cogen_plain", cogen_plain),
    ("cogen_catching_plain", cogen_catching_plain),
    ("cogen_send", cogen_send),
    ("cogen_send_start_then_send", cogen_send_start_then_send),
    ("cogen_yield_from_depth1", cogen_yield_from_depth1),
    ("cogen_yield_from_depth4", cogen_yield_from_depth4),
    ("genawaiter_stack", genawaiter_stack),
    ("genawaiter_stack_resume", genawaiter_stack_resume),
    ("genawaiter_rc", genawaiter_rc),
    ("genawaiter_rc_resume", genawaiter_rc_resume),
    ("corosensei_resume", corosensei_resume),
];

/// The limit: a hand-written `Iterator` struct.
pub fn hand_iterator(n: u64) -> u64 {
    struct Counter {
        i: u64,
        n: u64,
    }
    impl Iterator for Counter {
        type Item = u64;
        #[inline]
        fn next(&mut self) -> Option<u64> {
            (self.i < self.n).then(|| {
                self.i += 1;
                self.i - 1
            })
        }
    }
    let mut sum = 0u64;
    for x in (Counter { i: 0, n }) {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    sum
}

/// cogen: plain `yield_`, consumed by a `for` loop.
pub fn cogen_plain(n: u64) -> u64 {
    let g = cogen::generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
    });
    let mut sum = 0u64;
    for x in g {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    sum
}

/// cogen: the same body made by `cogen::catching` (its `Drop` may poll it).
pub fn cogen_catching_plain(n: u64) -> u64 {
    let g = cogen::catching::generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
    });
    let mut sum = 0u64;
    for x in g {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    sum
}

/// cogen: a value sent back each step, written as the docs write it: one
/// entry point, `resume_with` (`None` starts the generator).
pub fn cogen_send(n: u64) -> u64 {
    let mut g = cogen::coroutine(async move |mut co: cogen::Co<'_, u64, u64, Infallible>| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(co.yield_(i).await);
        }
        acc
    });
    let mut sum = 0u64;
    let mut reply = None;
    while let Ok(cogen::GeneratorState::Yielded(x)) = g.resume_with(reply) {
        consume(x);
        sum = sum.wrapping_add(x);
        reply = Some(x);
    }
    sum
}

/// cogen: the same loop written with two entry points, `start()` then
/// `send()` (Python's `next(g)` then `g.send(v)`).
pub fn cogen_send_start_then_send(n: u64) -> u64 {
    let mut g = cogen::coroutine(async move |mut co: cogen::Co<'_, u64, u64, Infallible>| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(co.yield_(i).await);
        }
        acc
    });
    let mut sum = 0u64;
    let mut state = g.start().ok();
    while let Some(cogen::GeneratorState::Yielded(x)) = state {
        consume(x);
        sum = sum.wrapping_add(x);
        state = g.send(x).ok();
    }
    sum
}

fn cogen_leaf(n: u64) -> cogen::Gen<u64, impl Future<Output = u64>> {
    cogen::generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
        n
    })
}

fn cogen_wrap<D>(sub: D) -> cogen::Gen<u64, impl Future<Output = u64>>
where
    D: cogen::AsyncGenerator<Yield = u64, Sent = (), Error = Infallible, Return = u64>,
{
    cogen::generator(async move |mut co| co.yield_from(sub).await)
}

pub(crate) fn sum_iter(it: impl Iterator<Item = u64>) -> u64 {
    let mut sum = 0u64;
    for x in it {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    sum
}

/// cogen: one level of `yield_from` delegation.
pub fn cogen_yield_from_depth1(n: u64) -> u64 {
    sum_iter(cogen_wrap(cogen_leaf(n)).on_return(drop))
}

/// cogen: four nested levels of `yield_from` delegation.
pub fn cogen_yield_from_depth4(n: u64) -> u64 {
    sum_iter(cogen_wrap(cogen_wrap(cogen_wrap(cogen_wrap(cogen_leaf(n))))).on_return(drop))
}

/// genawaiter 0.99, stack form, plain.
pub fn genawaiter_stack(n: u64) -> u64 {
    use genawaiter::stack::{Co, Gen, Shelf};
    let mut shelf = Shelf::new();
    // SAFETY: genawaiter's stack form requires the generator not to be moved
    // after creation and the shelf to outlive it; both hold in this scope.
    let g = unsafe {
        Gen::new(&mut shelf, |co: Co<'_, u64>| async move {
            for i in 0..n {
                co.yield_(i).await;
            }
        })
    };
    sum_iter(g.into_iter())
}

/// genawaiter 0.99, stack form, with a resume value.
pub fn genawaiter_stack_resume(n: u64) -> u64 {
    use genawaiter::GeneratorState;
    use genawaiter::stack::{Co, Gen, Shelf};
    let mut shelf = Shelf::new();
    // SAFETY: as in `genawaiter_stack`.
    let mut g = unsafe {
        Gen::new(&mut shelf, |co: Co<'_, u64, u64>| async move {
            let mut acc = 0u64;
            for i in 0..n {
                acc = acc.wrapping_add(co.yield_(i).await);
            }
            acc
        })
    };
    let mut sum = 0u64;
    let mut state = g.resume_with(0);
    while let GeneratorState::Yielded(x) = state {
        consume(x);
        sum = sum.wrapping_add(x);
        state = g.resume_with(x);
    }
    sum
}

/// genawaiter 0.99, rc form, plain.
pub fn genawaiter_rc(n: u64) -> u64 {
    let g = genawaiter::rc::Gen::new(|co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    });
    sum_iter(g.into_iter())
}

/// genawaiter 0.99, rc form, with a resume value.
pub fn genawaiter_rc_resume(n: u64) -> u64 {
    use genawaiter::GeneratorState;
    let mut g = genawaiter::rc::Gen::new(|co: genawaiter::rc::Co<u64, u64>| async move {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(co.yield_(i).await);
        }
        acc
    });
    let mut sum = 0u64;
    let mut state = g.resume_with(0);
    while let GeneratorState::Yielded(x) = state {
        consume(x);
        sum = sum.wrapping_add(x);
        state = g.resume_with(x);
    }
    sum
}

/// corosensei 0.3 (stackful), with a resume value.
pub fn corosensei_resume(n: u64) -> u64 {
    use corosensei::{Coroutine, CoroutineResult, Yielder};
    let mut c = Coroutine::new(move |y: &Yielder<u64, u64>, _first: u64| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(y.suspend(i));
        }
        acc
    });
    let mut sum = 0u64;
    let mut state = c.resume(0);
    while let CoroutineResult::Yield(x) = state {
        consume(x);
        sum = sum.wrapping_add(x);
        state = c.resume(x);
    }
    sum
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_case_sums_the_same_sequence() {
        for &(name, f) in super::CASES
            .iter()
            .chain(super::ASYNC_CASES)
            .chain(super::TOOLKIT_CASES)
            .chain(super::BIG_CASES)
            .chain(super::DELEGATION_CASES)
        {
            assert_eq!(f(1000), 499_500, "{name}");
        }
    }
}
