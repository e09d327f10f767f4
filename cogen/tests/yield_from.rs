//! yield from: delegation that forwards send, throw and close (PEP 380).
mod common;

use std::cell::Cell;

use cogen::catching::{self, Catching};
use cogen::error::CloseError;
use cogen::protocol::Status;
use cogen::{Co, Gen, GeneratorState, Interrupt, coroutine, generator};
use common::{HandWritten, Log, Polls, s};

#[test]
fn seed_delegation_prints_one_to_ten_then_done() {
    // The seed: sub_generator yields from a list, a tuple and a range.
    let sub_generator = || {
        generator(async |mut co| {
            co.yield_from_iter([1, 2, 3].map(|x| x.to_string())).await;
            co.yield_from_iter((4, 5, 6).into_array().map(|x: i32| x.to_string()))
                .await;
            co.yield_from_iter((7..11).map(|x| x.to_string())).await;
        })
    };
    trait IntoArray {
        fn into_array(self) -> [i32; 3];
    }
    impl IntoArray for (i32, i32, i32) {
        fn into_array(self) -> [i32; 3] {
            [self.0, self.1, self.2]
        }
    }
    let main_generator = generator(async move |mut co| {
        co.yield_from(sub_generator()).await;
        co.yield_("Done".to_string()).await;
    });
    let out: Vec<String> = main_generator.collect();
    assert_eq!(out.join(" "), "1 2 3 4 5 6 7 8 9 10 Done");
}

#[test]
fn yield_from_evaluates_to_the_sub_generator_return_value() {
    let g = generator(async |mut co| {
        let sub = generator(async |mut co| {
            co.yield_(1).await;
            "sub result"
        });
        let r = co.yield_from(sub).await;
        co.yield_(r.len()).await;
    });
    assert_eq!(g.collect::<Vec<_>>(), [1, 10]);
}

#[test]
fn sent_values_go_to_the_sub_generator() {
    let mut g = coroutine(async |mut co: Co<'_, i32, i32>| {
        let sub = coroutine(async |mut co: Co<'_, i32, i32>| {
            let a = co.yield_(0).await;
            let b = co.yield_(a * 10).await;
            a + b
        });
        let sum = co.yield_from(sub).await;
        co.yield_(sum).await;
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.send(4), Ok(GeneratorState::Yielded(40)));
    assert_eq!(g.send(5), Ok(GeneratorState::Yielded(9)));
}

#[test]
fn throw_handled_by_the_sub_generator_yields_its_next_value() {
    let mut g = coroutine(async |mut co: Co<'_, &str, (), &str>| {
        let sub = catching::coroutine(async |mut co: Co<'_, &str, (), &str, Catching>| {
            loop {
                if let Err(Interrupt::Throw(e)) = co.yield_("sub").catching().await {
                    co.yield_(e).await;
                }
            }
        });
        co.yield_from(sub).await;
    });
    g.start().unwrap();
    assert_eq!(
        g.throw("caught by sub"),
        Ok(GeneratorState::Yielded("caught by sub"))
    );
    assert!(g.is_delegating());
}

#[test]
fn throw_unhandled_by_the_sub_generator_surfaces_in_the_outer_body() {
    // Python case: outer catches ValueError around `yield from`, yields 99.
    let log = Log::new();
    let mut g = catching::coroutine(async |mut co: Co<'_, i32, (), &str, Catching>| {
        let sub = coroutine(async |mut co: Co<'_, i32, (), &str>| {
            let _g = log.guard("sub local");
            co.yield_(1).await;
            co.yield_(2).await;
        });
        match co.yield_from(sub).catching().await {
            Err(Interrupt::Throw(e)) => {
                log.push(format!("outer caught {e}"));
                co.yield_(99).await;
            }
            other => panic!("unexpected {other:?}"),
        }
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.throw("v"), Ok(GeneratorState::Yielded(99)));
    assert_eq!(log.events(), s(&["drop sub local", "outer caught v"]));
    assert!(!g.is_delegating());
}

#[test]
fn throw_unhandled_by_sub_and_outer_comes_back_and_finishes_both() {
    let log = Log::new();
    let mut g = coroutine(async |mut co: Co<'_, i32, (), &str>| {
        let _outer = log.guard("outer");
        let sub = coroutine(async |mut co: Co<'_, i32, (), &str>| {
            let _sub = log.guard("sub");
            co.yield_(1).await;
        });
        co.yield_from(sub).await;
    });
    g.start().unwrap();
    assert_eq!(g.throw("up"), Err("up"));
    assert_eq!(log.events(), s(&["drop sub", "drop outer"]));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn throw_handled_by_sub_which_returns_resumes_the_outer_with_that_value() {
    let mut g = coroutine(async |mut co: Co<'_, String, (), ()>| {
        let sub = catching::coroutine(async |mut co: Co<'_, String, (), (), Catching>| {
            match co.yield_("sub".into()).catching().await {
                Err(Interrupt::Throw(())) => "sub-ret",
                _ => "normal",
            }
        });
        let r = co.yield_from(sub).await;
        co.yield_(format!("got {r}")).await;
    });
    g.start().unwrap();
    assert_eq!(
        g.throw(()),
        Ok(GeneratorState::Yielded("got sub-ret".into()))
    );
}

#[test]
fn close_while_delegating_closes_the_sub_generator_first() {
    let log = Log::new();
    let mut g = generator(async |mut co| {
        let _outer = log.guard("outer finally");
        let sub = generator(async |mut co| {
            let _sub = log.guard("sub finally");
            co.yield_(1).await;
        });
        co.yield_from(sub).await;
    });
    g.next();
    assert_eq!(g.close(), Ok(None));
    assert_eq!(log.events(), s(&["drop sub finally", "drop outer finally"]));
}

#[test]
fn close_while_delegating_runs_both_close_handlers_inner_first() {
    let log = Log::new();
    let mut g = catching::generator(async |mut co| {
        let sub = catching::generator(async |mut co| {
            if let Err(Interrupt::Close) = co.yield_(1).catching().await {
                log.push("sub handler");
            }
        });
        if let Err(Interrupt::Close) = co.yield_from(sub).catching().await {
            log.push("outer handler");
            return "outer closed";
        }
        "not closed"
    });
    g.resume().unwrap();
    assert_eq!(g.close(), Ok(Some("outer closed")));
    assert_eq!(log.events(), s(&["sub handler", "outer handler"]));
}

#[test]
fn sub_generator_ignoring_close_makes_outer_close_fail_and_finishes_outer() {
    // Python: "generator ignored GeneratorExit" and the outer is GEN_CLOSED.
    let log = Log::new();
    let mut g = generator(async |mut co| {
        let _outer = log.guard("outer finally");
        let sub = catching::generator(async |mut co| {
            loop {
                if let Err(Interrupt::Close) = co.yield_("s").catching().await {
                    log.push("sub ignoring close");
                }
            }
        });
        co.yield_from(sub).await;
    });
    g.next();
    assert_eq!(g.close(), Err(CloseError::Ignored("s")));
    assert_eq!(g.status(), Status::Finished);
    // As in Python: the sub ignores once for close() and once more when it is
    // finalised with the outer frame.
    assert_eq!(
        log.events(),
        s(&[
            "sub ignoring close",
            "sub ignoring close",
            "drop outer finally"
        ])
    );
}

#[test]
fn sub_generator_raising_while_closing_surfaces_in_the_outer() {
    let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), &str, Catching>| {
        let sub = catching::coroutine(async |mut co: Co<'_, u8, (), &str, Catching>| {
            if let Err(Interrupt::Close) = co.yield_(1).catching().await {
                co.raise::<()>("sub failed to close").await;
            }
        });
        match co.yield_from(sub).catching().await {
            Err(Interrupt::Throw(e)) => e,
            _ => "other",
        }
    });
    g.start().unwrap();
    assert_eq!(g.close(), Ok(Some("sub failed to close")));
}

#[test]
fn is_delegating_is_true_only_while_suspended_inside_a_delegation() {
    let mut g = generator(async |mut co| {
        co.yield_(0).await;
        let sub = generator(async |mut co| co.yield_(1).await);
        co.yield_from(sub).await;
        co.yield_(2).await;
    });
    assert!(!g.is_delegating());
    g.next();
    assert!(!g.is_delegating());
    g.next();
    assert!(g.is_delegating());
    g.next();
    assert!(!g.is_delegating());
}

#[test]
fn delegating_to_an_iterator_forwards_nothing_and_unwinds_on_throw() {
    let log = Log::new();
    let mut g = coroutine(async |mut co: Co<'_, i32, (), &str>| {
        let _g = log.guard("outer");
        co.yield_from_iter(vec![1, 2, 3]).await;
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert!(g.is_delegating());
    assert_eq!(g.throw("e"), Err("e"));
    assert_eq!(log.events(), s(&["drop outer"]));
}

#[test]
fn delegating_to_a_partly_consumed_generator_as_an_iterator_continues_it() {
    let mut sub = generator(async |mut co| co.yield_from_iter(1..=4).await);
    assert_eq!(sub.next(), Some(1));
    let g = generator(async move |mut co| co.yield_from_iter(&mut sub).await);
    assert_eq!(g.collect::<Vec<_>>(), [2, 3, 4]);
}

#[test]
fn empty_sub_generator_evaluates_immediately() {
    let g = generator(async |mut co| {
        let r = co.yield_from(generator(async |_co: Co<'_, i32>| 5)).await;
        co.yield_(r).await;
    });
    assert_eq!(g.collect::<Vec<_>>(), [5]);
}

fn leaf(n: u64) -> Gen<u64, impl std::future::Future<Output = u64>> {
    generator(async move |mut co| {
        for i in 0..n {
            co.yield_(i).await;
        }
        n
    })
}

/// One level of delegation whose `yield_from` counts how often it is polled.
fn wrap<'a, D>(
    sub: D,
    polls: &'a Cell<usize>,
) -> Gen<u64, impl std::future::Future<Output = u64> + 'a>
where
    D: cogen::AsyncGenerator<
            Yield = u64,
            Sent = (),
            Error = std::convert::Infallible,
            Return = u64,
        > + Unpin
        + 'a,
{
    generator(async move |mut co| {
        Polls {
            inner: co.yield_from(sub),
            count: polls,
        }
        .await
    })
}

fn wrap4<'a, D>(
    sub: D,
    polls: &'a [Cell<usize>],
) -> Gen<u64, impl std::future::Future<Output = u64> + 'a>
where
    D: cogen::AsyncGenerator<
            Yield = u64,
            Sent = (),
            Error = std::convert::Infallible,
            Return = u64,
        > + Unpin
        + 'a,
{
    wrap(
        wrap(wrap(wrap(sub, &polls[0]), &polls[1]), &polls[2]),
        &polls[3],
    )
}

#[test]
fn deep_delegation_yields_every_item_in_order_and_the_return_value() {
    let polls: Vec<Cell<usize>> = (0..16).map(|_| Cell::new(0)).collect();
    let g = wrap4(
        wrap4(
            wrap4(wrap4(leaf(100), &polls[0..4]), &polls[4..8]),
            &polls[8..12],
        ),
        &polls[12..16],
    );
    let mut returned = None;
    let got: Vec<u64> = g.on_return(|r| returned = Some(r)).collect();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    assert_eq!(
        returned,
        Some(100),
        "the leaf's return value comes out of every level"
    );
}

#[test]
fn deep_delegation_costs_one_poll_per_level_per_item() {
    // The per-item cost of delegation: each item resumes every level once, so
    // the work per item grows linearly with depth, never worse. (Instructions
    // per item at each depth are in BENCHMARKS.md.)
    let n = 1000u64;
    let polls: Vec<Cell<usize>> = (0..16).map(|_| Cell::new(0)).collect();
    let g1 = wrap(leaf(n), &polls[0]);
    assert_eq!(g1.on_return(drop).count() as u64, n);
    let g4 = wrap4(leaf(n), &polls[1..5]);
    assert_eq!(g4.on_return(drop).count() as u64, n);
    let g11 = wrap4(
        wrap4(
            wrap(wrap(wrap(leaf(n), &polls[5]), &polls[6]), &polls[7]),
            &polls[8..12],
        ),
        &polls[12..16],
    );
    assert_eq!(g11.on_return(drop).count() as u64, n);
    for (level, count) in polls.iter().enumerate() {
        // One poll per item, plus the first (start) and the last (completion).
        assert_eq!(count.get(), n as usize + 1, "level {level}");
    }
}

#[test]
fn nested_yield_from_forwards_send_throw_and_close_through_every_level() {
    let log = Log::new();
    fn leaf(
        log: &Log,
    ) -> Gen<i32, impl std::future::Future<Output = i32> + '_, i32, String, Catching> {
        catching::coroutine(async move |mut co: Co<'_, i32, i32, String, Catching>| {
            let _g = log.guard("leaf");
            let mut total = 0;
            loop {
                match co.yield_(total).catching().await {
                    Ok(v) => total += v,
                    Err(Interrupt::Throw(e)) => {
                        log.push(format!("leaf handled {e}"));
                        total = -1;
                    }
                    Err(Interrupt::Close) => {
                        log.push("leaf closing");
                        return total;
                    }
                }
            }
        })
    }
    let mut top = coroutine(async |mut co: Co<'_, i32, i32, String>| {
        let _g = log.guard("top");
        let mid = coroutine(async |mut co: Co<'_, i32, i32, String>| {
            let _g = log.guard("mid");
            co.yield_from(leaf(&log)).await
        });
        co.yield_from(mid).await
    });
    assert_eq!(top.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(top.send(5), Ok(GeneratorState::Yielded(5)));
    assert_eq!(top.send(6), Ok(GeneratorState::Yielded(11)));
    assert_eq!(top.throw("x".into()), Ok(GeneratorState::Yielded(-1)));
    assert_eq!(top.close(), Ok(None));
    assert_eq!(
        log.events(),
        s(&[
            "leaf handled x",
            "leaf closing",
            "drop leaf",
            "drop mid",
            "drop top"
        ])
    );
}

// ---- `yield from` a sub-generator that is not fresh (Python resumes a
// started one with None, and a finished one evaluates to None at once).

#[test]
fn resuming_a_started_sub_generator_sends_it_nothing_and_delegates_the_rest() {
    // Python: s = sub(); next(s); r = yield from s  -> sub sees None, r is its return.
    let seen = std::cell::RefCell::new(Vec::new());
    let mut sub = cogen::coroutine(async |mut co: cogen::Co<'_, i32, Option<i32>>| {
        let x = co.yield_(1).await;
        seen.borrow_mut().push(x);
        let y = co.yield_(2).await;
        seen.borrow_mut().push(y);
        "sub-ret"
    });
    assert_eq!(sub.resume(), Ok(GeneratorState::Yielded(1)));
    let mut outer = cogen::coroutine(async |mut co: cogen::Co<'_, i32, Option<i32>>| {
        let r = co.yield_from(&mut sub).resuming(None).await;
        assert_eq!(r, Some("sub-ret"));
        co.yield_(3).await;
    });
    assert_eq!(outer.resume(), Ok(GeneratorState::Yielded(2)));
    assert_eq!(outer.send(Some(7)), Ok(GeneratorState::Yielded(3)));
    assert_eq!(*seen.borrow(), [None, Some(7)]);
}

#[test]
fn resuming_a_started_coroutine_sends_the_value_given() {
    let mut sub = cogen::coroutine(async |mut co: cogen::Co<'_, i32, i32>| {
        let x = co.yield_(0).await;
        co.yield_(x * 10).await;
        x
    });
    sub.start().unwrap();
    let mut outer = cogen::coroutine(async |mut co: cogen::Co<'_, i32, i32>| {
        co.yield_from(&mut sub).resuming(4).await
    });
    assert_eq!(outer.start(), Ok(GeneratorState::Yielded(40)));
    assert_eq!(outer.send(0), Ok(GeneratorState::Complete(Some(4))));
}

#[test]
fn resuming_a_finished_sub_generator_evaluates_to_none_at_once() {
    let mut sub = generator(async |mut co| {
        co.yield_(1).await;
        5
    });
    while sub.resume().is_ok() {}
    let outer = generator(async |mut co| {
        let r = co.yield_from(&mut sub).resuming(()).await;
        co.yield_(if r.is_none() { 0 } else { 1 }).await;
    });
    assert_eq!(outer.collect::<Vec<_>>(), [0]);
}

#[test]
fn resuming_a_fresh_sub_generator_starts_it() {
    let outer = generator(async |mut co| {
        let sub = generator(async |mut co| {
            co.yield_(1).await;
            2
        });
        let r = co.yield_from(sub).resuming(()).await;
        co.yield_(r.unwrap()).await;
    });
    assert_eq!(outer.collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn resuming_forwards_a_close_to_the_started_sub_generator() {
    let closed = std::cell::Cell::new(false);
    let mut sub = cogen::catching::coroutine(
        async |mut co: cogen::Co<'_, i32, (), std::convert::Infallible, Catching>| {
            co.yield_(1).await;
            if let Err(Interrupt::Close) = co.yield_(2).catching().await {
                closed.set(true);
            }
        },
    );
    sub.resume().unwrap();
    let mut outer = catching::generator(async |mut co| {
        match co.yield_from(&mut sub).resuming(()).catching().await {
            Err(Interrupt::Close) => "closed",
            _ => "done",
        }
    });
    assert_eq!(outer.resume(), Ok(GeneratorState::Yielded(2)));
    assert_eq!(outer.close(), Ok(Some("closed")));
    assert!(closed.get());
}

#[test]
fn resuming_a_started_async_sub_generator_delegates_the_rest() {
    futures::executor::block_on(async {
        let mut sub = cogen::async_generator(async |mut co| {
            co.yield_(1).await;
            futures::future::ready(()).await;
            co.yield_(2).await;
            3
        });
        assert_eq!(sub.anext().await, Ok(GeneratorState::Yielded(1)));
        let outer = cogen::async_generator(async move |mut co| {
            let r = co.yield_from(&mut sub).resuming(()).await;
            co.yield_(r.unwrap()).await;
        });
        use futures::StreamExt;
        assert_eq!(outer.collect::<Vec<_>>().await, [2, 3]);
    });
}

#[test]
fn resuming_an_async_sub_generator_with_a_cancelled_step_delivers_that_steps_item() {
    use futures::FutureExt;
    let mut sub = cogen::async_generator(async |mut co| {
        co.yield_(1).await;
        futures::pending!(); // a cancelled anext leaves the body parked here
        co.yield_(2).await;
    });
    futures::executor::block_on(async {
        assert_eq!(sub.anext().await, Ok(GeneratorState::Yielded(1)));
    });
    assert!(sub.anext().now_or_never().is_none()); // cancelled after Pending
    assert_eq!(sub.status(), Status::Running);
    let outer = cogen::async_generator(async move |mut co| {
        let r = co.yield_from(&mut sub).resuming(()).await;
        co.yield_(if r.is_some() { 3 } else { 0 }).await;
    });
    use futures::StreamExt;
    assert_eq!(
        futures::executor::block_on(outer.collect::<Vec<_>>()),
        [2, 3]
    );
}

#[test]
fn yield_from_a_finished_sub_generator_without_resuming_panics_and_names_resuming() {
    let mut sub = generator(async |mut co| co.yield_(1).await);
    while sub.resume().is_ok() {}
    let mut outer = generator(async |mut co| co.yield_from(&mut sub).await);
    let err =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| outer.resume())).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("not fresh (Finished)"), "{msg}");
    assert!(msg.contains(".resuming(value)"), "{msg}");
}

// Dropping a plain generator only drops its body (no close poll); a
// `yield_from` it is suspended in closes the sub-generator as it drops, as
// Python's finalizer closes a delegating generator's sub-generator.

#[test]
fn dropping_a_plain_delegating_generator_closes_its_borrowed_sub_generator() {
    // Python: `o = outer(); next(o); del o` runs sub's `except GeneratorExit`
    // and leaves it GEN_CLOSED.
    let log = Log::new();
    let mut sub = catching::generator(async |mut co| {
        let _finally = log.guard("sub finally");
        if let Err(Interrupt::Close) = co.yield_(1).catching().await {
            log.push("sub closing");
            return;
        }
        co.yield_(2).await;
    });
    let polls = Cell::new(0);
    let mut outer = generator(async |mut co| {
        let _finally = log.guard("outer finally");
        Polls {
            inner: co.yield_from(&mut sub),
            count: &polls,
        }
        .await;
    });
    assert_eq!(outer.next(), Some(1));
    assert_eq!(polls.get(), 1);
    drop(outer);
    assert_eq!(
        polls.get(),
        1,
        "dropping the outer generator polled it again"
    );
    assert_eq!(
        log.events(),
        s(&["sub closing", "drop sub finally", "drop outer finally"])
    );
    assert_eq!(sub.status(), Status::Finished);
    assert_eq!(sub.next(), None);
}

#[test]
fn dropping_a_plain_delegating_generator_closes_an_owned_hand_written_sub_generator_once() {
    let closes = Cell::new(0);
    let mut outer = generator(async |mut co| {
        let sub = HandWritten {
            closes: &closes,
            panic_on_send: false,
        };
        co.yield_from(sub).await;
    });
    assert_eq!(outer.next(), Some(1));
    drop(outer);
    assert_eq!(closes.get(), 1);
}

#[test]
fn a_sub_generator_that_panics_is_not_closed_as_the_panic_unwinds() {
    // Python closes a sub-generator only on GeneratorExit; one that raised
    // mid-step is not closed again (a close that panicked here would abort).
    let closes = Cell::new(0);
    let mut outer = generator(async |mut co| {
        let sub = HandWritten {
            closes: &closes,
            panic_on_send: true,
        };
        co.yield_from(sub).await;
    });
    assert_eq!(outer.next(), Some(1));
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| outer.next()));
    assert!(panic.is_err());
    assert_eq!(closes.get(), 0);
    assert_eq!(outer.status(), Status::Finished);
}

#[test]
fn dropping_a_plain_delegating_generator_reports_a_sub_generator_that_raises_while_closing() {
    // Python: "Exception ignored in: <generator object outer ...>" with the
    // sub-generator's ValueError, through the unraisable hook.
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut sub = catching::coroutine(async |mut co: Co<'_, u8, (), String, Catching>| {
        let _ = co.yield_(1).catching().await;
        co.raise::<()>("disk full".to_string()).await;
    });
    let created = line!() - 4;
    let mut outer = coroutine(async |mut co: Co<'_, u8, (), String>| {
        co.yield_from(&mut sub).await;
    });
    outer.start().unwrap();
    drop(outer);
    let text = logs.text();
    assert!(
        text.contains(
            "raised \"disk full\" while it was closed because the generator delegating \
             to it was dropped"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("yield_from.rs:{created}:")),
        "{text}"
    );
    assert_eq!(sub.status(), Status::Finished);
}

#[test]
fn dropping_a_plain_delegating_generator_reports_a_sub_generator_that_ignores_its_close() {
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut sub = catching::generator(async |mut co| {
        loop {
            let _ = co.yield_(1).catching().await;
        }
    });
    let mut outer = generator(async |mut co| co.yield_from(&mut sub).await);
    outer.next();
    drop(outer);
    let text = logs.text();
    assert!(text.contains("ignored its close"), "{text}");
    assert!(
        text.contains("because the generator delegating to it was dropped; it stays suspended"),
        "{text}"
    );
    // As Python's `close()` raising "generator ignored GeneratorExit": the
    // sub-generator is still suspended, and its owner may resume it.
    assert_eq!(sub.status(), Status::Suspended);
    assert_eq!(sub.next(), Some(1));
}

#[test]
fn a_catching_delegating_generator_dropped_closes_its_sub_generator_through_its_body() {
    // The catching kind is closed by running its body: the `yield_from`
    // forwards the close, and the outer body sees it after the sub.
    let log = Log::new();
    let outer = catching::generator(async |mut co| {
        let sub = catching::generator(async |mut co| {
            if co.yield_(1).catching().await.is_err() {
                log.push("sub closing");
            }
        });
        if let Err(Interrupt::Close) = co.yield_from(sub).catching().await {
            log.push("outer closing");
        }
    });
    let mut outer = outer;
    outer.resume().unwrap();
    drop(outer);
    assert_eq!(log.events(), s(&["sub closing", "outer closing"]));
}

/// Where a forgotten delegation's pointer is kept, so that valgrind and Miri
/// see the leak as reachable (the test means to forget it, not to lose it).
static FORGOTTEN: std::sync::atomic::AtomicPtr<()> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

#[test]
fn a_delegation_polled_once_then_forgotten_leaves_the_sub_generator_to_the_body() {
    // The body polls a delegation once and forgets it (no drop, so nothing
    // tells the delegation it was given up), then drives the sub-generator
    // itself. Every later item must come from the body's own calls: nothing
    // may resume the sub-generator through the forgotten delegation, which
    // the body no longer owns (docs/DESIGN.md: why the outermost driver does
    // not resume the innermost generator directly).
    let outer = generator(async |mut co| {
        let mut sub = generator(async |mut co| {
            co.yield_(1).await;
            co.yield_(2).await;
            co.yield_(3).await;
        });
        {
            let forgotten = Box::leak(Box::new(co.yield_from(&mut sub)));
            // The sub-generator yields 1 through it.
            assert!(futures::poll!(std::pin::Pin::new(&mut *forgotten)).is_pending());
            FORGOTTEN.store(
                std::ptr::from_mut(forgotten).cast(),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        // Waits once: the driver takes the 1 here.
        futures::pending!();
        let two = sub.next().unwrap();
        co.yield_(two * 10).await;
        let three = sub.next().unwrap();
        co.yield_(three * 10).await;
        assert_eq!(sub.next(), None);
    });
    assert_eq!(outer.collect::<Vec<_>>(), [1, 20, 30]);
}
