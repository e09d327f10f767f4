//! throw: errors injected at the yield point (PEP 342).
mod common;

use cogen::catching::{self, Catching};
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, Interrupt, coroutine};
use common::{Log, s};

#[test]
fn throw_into_fresh_generator_gives_the_error_back_without_running_the_body() {
    let log = Log::new();
    let mut g = coroutine(async |mut co: Co<'_, i32, (), &str>| {
        log.push("body ran");
        co.yield_(1).await;
    });
    assert_eq!(g.throw("boom"), Err("boom"));
    assert!(log.events().is_empty());
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.start(), Err(cogen::error::StartError::Finished));
}

#[test]
fn throw_into_finished_generator_gives_the_error_back() {
    let mut g = coroutine(async |_co: Co<'_, i32, (), &str>| {});
    g.start().unwrap();
    assert_eq!(g.throw("late"), Err("late"));
}

#[test]
fn unhandled_throw_at_plain_yield_unwinds_the_body_and_gives_the_error_back() {
    let log = Log::new();
    let mut g = coroutine(async |mut co: Co<'_, i32, (), &str>| {
        let _a = log.guard("a");
        let _b = log.guard("b");
        co.yield_(1).await;
        log.push("resumed");
    });
    g.start().unwrap();
    assert_eq!(g.throw("boom"), Err("boom"));
    // Locals dropped in reverse order, like nested finally blocks; never resumed.
    assert_eq!(log.events(), s(&["drop b", "drop a"]));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn handled_throw_returns_the_next_yielded_value() {
    let mut g = catching::coroutine(async |mut co: Co<'_, String, (), &str, Catching>| {
        let mut n = 0;
        loop {
            match co.yield_(format!("n={n}")).catching().await {
                Ok(()) => n += 1,
                Err(Interrupt::Throw(e)) => n += e.len() * 100,
                Err(Interrupt::Close) => return,
            }
        }
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded("n=0".into())));
    assert_eq!(g.throw("xy"), Ok(GeneratorState::Yielded("n=200".into())));
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded("n=201".into())));
    assert_eq!(g.status(), Status::Suspended);
}

#[test]
fn handled_throw_that_returns_reports_completion_with_the_return_value() {
    // The seed's coroutine_example: the handler prints and the body ends, so
    // Python's throw() raises StopIteration; here it reports Complete.
    let log = Log::new();
    let mut coro = catching::coroutine(async |mut co: Co<'_, (), i32, String, Catching>| {
        loop {
            match co.yield_(()).catching().await {
                Ok(value) => log.push(format!("Processing value: {value}")),
                Err(Interrupt::Close) => {
                    log.push("Coroutine closed");
                    return;
                }
                Err(Interrupt::Throw(e)) => {
                    log.push(format!("Exception occurred: {e}"));
                    return;
                }
            }
        }
    });
    coro.start().unwrap();
    coro.send(10).unwrap();
    coro.send(20).unwrap();
    assert_eq!(
        coro.throw("test exception".into()),
        Ok(GeneratorState::Complete(()))
    );
    // Python prints nothing for close on a finished coroutine; neither do we.
    assert_eq!(coro.close(), Ok(None));
    assert_eq!(
        log.events(),
        s(&[
            "Processing value: 10",
            "Processing value: 20",
            "Exception occurred: test exception"
        ])
    );
}

#[test]
fn body_can_reraise_a_thrown_error_it_does_not_handle() {
    let log = Log::new();
    let mut g = catching::coroutine(async |mut co: Co<'_, (), (), i32, Catching>| {
        let _cleanup = log.guard("cleanup");
        loop {
            match co.yield_(()).catching().await {
                Err(Interrupt::Throw(e)) if e % 2 == 0 => log.push(format!("handled {e}")),
                Err(Interrupt::Throw(e)) => co.raise(e).await,
                _ => {}
            }
        }
    });
    g.start().unwrap();
    assert_eq!(g.throw(2), Ok(GeneratorState::Yielded(())));
    assert_eq!(g.throw(3), Err(3));
    assert_eq!(log.events(), s(&["handled 2", "drop cleanup"]));
}

#[test]
fn body_can_raise_a_different_error_than_the_one_thrown() {
    let mut g = catching::coroutine(async |mut co: Co<'_, (), (), String, Catching>| {
        if let Err(Interrupt::Throw(e)) = co.yield_(()).catching().await {
            co.raise::<()>(format!("wrapped({e})")).await;
        }
    });
    g.start().unwrap();
    assert_eq!(g.throw("inner".into()), Err("wrapped(inner)".into()));
}

#[test]
fn throw_only_reaches_the_current_yield_point() {
    // The first yield catches, the second does not: the mode is per yield point.
    let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), &str, Catching>| {
        let _ = co.yield_(1).catching().await;
        co.yield_(2).await;
        co.yield_(3).await;
    });
    g.start().unwrap();
    assert_eq!(g.throw("caught"), Ok(GeneratorState::Yielded(2)));
    assert_eq!(g.throw("not caught"), Err("not caught"));
}

#[test]
fn throw_into_a_plain_generator_iterated_halfway_stops_iteration() {
    let mut g = coroutine(async |mut co: Co<'_, u32, (), ()>| {
        for i in 0.. {
            co.yield_(i).await;
        }
    });
    g.start().unwrap();
    assert_eq!(g.throw(()), Err(()));
    assert_eq!(g.resume(), Err(cogen::error::ResumeError::Finished));
}
