//! Bodies too large to inline: each item does enough work (a 16-way match
//! of arithmetic, every arm kept by `consume`) that LLVM keeps the body's
//! `poll` out of line, the regime where an engine's per-item fixed cost is
//! paid in memory rather than registers. The sum is of the yielded indices,
//! as in every other case; the work is checked separately.

use std::convert::Infallible;

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::{Case, consume};

/// Every big-body case, in report order.
pub const BIG_CASES: &[Case] = &[
    ("hand_iterator_big", hand_iterator_big),
    ("cogen_big_plain", cogen_big_plain),
    ("cogen_big_send", cogen_big_send),
    ("cogen_big_async", cogen_big_async),
];

/// The per-item work: large on purpose, and forced inline into the body.
#[inline(always)]
fn work(i: u64) -> u64 {
    let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let y = match i % 16 {
        0 => x.rotate_left(7) ^ (x >> 3),
        1 => x.wrapping_add(x << 5) ^ 0x1234_5678,
        2 => x.rotate_right(11).wrapping_mul(31),
        3 => (x ^ (x >> 17)).wrapping_add(0xdead_beef),
        4 => x.count_ones() as u64 * 977,
        5 => x.leading_zeros() as u64 ^ x.rotate_left(29),
        6 => x.wrapping_sub(x >> 9).wrapping_mul(7),
        7 => (x | 0xff).wrapping_add(x.rotate_left(3)),
        8 => x.swap_bytes() ^ x,
        9 => x.wrapping_mul(x >> 32),
        10 => (x & 0xffff).wrapping_mul(0x10001),
        11 => x.reverse_bits().wrapping_add(17),
        12 => x.trailing_zeros() as u64 + x.rotate_right(5),
        13 => (x >> 7).wrapping_mul(13) ^ (x << 2),
        14 => x.wrapping_add(0x5555_5555).rotate_left(13),
        _ => x ^ 0xaaaa_aaaa_aaaa_aaaa,
    };
    consume(y);
    let z = y.wrapping_mul(3).rotate_left((i % 63) as u32);
    consume(z);
    z
}

/// The limit: a hand-written `Iterator` doing the same work per item.
pub fn hand_iterator_big(n: u64) -> u64 {
    struct Worker {
        i: u64,
        n: u64,
        acc: u64,
    }
    impl Iterator for Worker {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            (self.i < self.n).then(|| {
                self.acc = self.acc.wrapping_add(work(self.i));
                self.i += 1;
                self.i - 1
            })
        }
    }
    let mut w = Worker { i: 0, n, acc: 0 };
    let mut sum = 0u64;
    for x in &mut w {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    consume(w.acc);
    sum
}

/// cogen: a plain generator doing the work per item.
pub fn cogen_big_plain(n: u64) -> u64 {
    let g = cogen::generator(async move |mut co| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(work(i));
            co.yield_(i).await;
        }
        consume(acc);
    });
    let mut sum = 0u64;
    for x in g {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    sum
}

/// cogen: a coroutine doing the work per item, a value sent back each step
/// with `resume_with` (one entry point, as the docs write it).
pub fn cogen_big_send(n: u64) -> u64 {
    let mut g = cogen::coroutine(async move |mut co: cogen::Co<'_, u64, u64, Infallible>| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(work(i));
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

/// cogen: an async generator doing the work per item, polled with a no-op
/// waker (it never waits).
pub fn cogen_big_async(n: u64) -> u64 {
    use futures::Stream;
    let mut g = pin!(cogen::async_generator(async move |mut co| {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(work(i));
            co.yield_(i).await;
        }
        consume(acc);
    }));
    let mut cx = Context::from_waker(Waker::noop());
    let mut sum = 0u64;
    while let Poll::Ready(Some(x)) = g.as_mut().poll_next(&mut cx) {
        consume(x);
        sum = sum.wrapping_add(x);
    }
    sum
}
