//! close and drop: cleanup runs, as Python's finally blocks and GeneratorExit.
mod common;

use cogen::catching::{self, Catching};
use cogen::error::CloseError;
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, Interrupt, coroutine, generator};
use common::{Log, Polls, s};
use std::cell::Cell;

#[test]
fn close_at_plain_yield_drops_locals_in_reverse_order() {
    let log = Log::new();
    let mut g = generator(async |mut co| {
        let _outer = log.guard("outer");
        {
            let _inner = log.guard("inner");
            co.yield_(1).await;
            log.push("never");
        }
    });
    g.next();
    assert_eq!(g.close(), Ok(None));
    assert_eq!(log.events(), s(&["drop inner", "drop outer"]));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.next(), None);
}

#[test]
fn close_at_catching_yield_runs_the_body_cleanup_code() {
    let log = Log::new();
    let mut g = catching::generator(async |mut co| {
        let _guard = log.guard("guard");
        loop {
            if let Err(Interrupt::Close) = co.yield_(()).catching().await {
                log.push("cleanup code");
                return;
            }
        }
    });
    g.next();
    assert_eq!(g.close(), Ok(Some(())));
    assert_eq!(log.events(), s(&["cleanup code", "drop guard"]));
}

#[test]
fn close_hands_back_a_value_returned_while_closing() {
    // Python 3.13: "If a generator returns a value upon being closed, the value
    // is returned by close()".
    let mut g = catching::generator(async |mut co| match co.yield_(()).catching().await {
        Err(Interrupt::Close) => 42,
        _ => 0,
    });
    g.resume().unwrap();
    assert_eq!(g.close(), Ok(Some(42)));
}

#[test]
fn close_on_fresh_generator_runs_nothing_and_finishes_it() {
    let log = Log::new();
    let mut g = generator(async |mut co| {
        log.push("ran");
        co.yield_(1).await;
    });
    assert_eq!(g.close(), Ok(None));
    assert!(log.events().is_empty());
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.next(), None);
}

#[test]
fn close_on_finished_generator_does_nothing() {
    let mut g = generator(async |mut co| co.yield_(1).await);
    assert_eq!(g.by_ref().count(), 1);
    assert_eq!(g.close(), Ok(None));
    assert_eq!(g.close(), Ok(None));
}

#[test]
fn yielding_after_close_reports_ignored_and_stays_resumable() {
    let log = Log::new();
    let mut g = catching::generator(async |mut co| {
        let mut n = 0;
        loop {
            if let Err(Interrupt::Close) = co.yield_(n).catching().await {
                log.push("ignoring close");
            }
            n += 1;
        }
    });
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.close(), Err(CloseError::Ignored(1)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.next(), Some(2));
    assert_eq!(log.events(), s(&["ignoring close"]));
}

#[test]
fn raising_while_closing_is_reported_by_close_and_finishes() {
    let mut g = catching::coroutine(async |mut co: Co<'_, (), (), &str, Catching>| {
        if let Err(Interrupt::Close) = co.yield_(()).catching().await {
            co.raise::<()>("in close").await;
        }
    });
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Raised("in close")));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn dropping_a_suspended_generator_closes_it() {
    let log = Log::new();
    let mut g = generator(async |mut co| {
        let _guard = log.guard("local");
        co.yield_(1).await;
    });
    g.next();
    drop(g);
    assert_eq!(log.events(), s(&["drop local"]));
}

#[test]
fn dropping_a_suspended_catching_generator_runs_its_close_handler() {
    let log = Log::new();
    let mut g = catching::generator(async |mut co| {
        if let Err(Interrupt::Close) = co.yield_(1).catching().await {
            log.push("close handler");
        }
    });
    g.next();
    drop(g);
    assert_eq!(log.events(), s(&["close handler"]));
}

#[test]
fn dropping_a_generator_that_ignores_close_still_drops_its_locals() {
    let log = Log::new();
    let mut g = catching::generator(async |mut co| {
        let _guard = log.guard("local");
        loop {
            let _ = co.yield_(1).catching().await;
        }
    });
    g.next();
    drop(g);
    assert_eq!(log.events(), s(&["drop local"]));
}

#[test]
fn dropping_a_fresh_generator_runs_none_of_the_body() {
    let log = Log::new();
    let g = generator(async |mut co| {
        log.push("ran");
        let _guard = log.guard("local");
        co.yield_(1).await;
    });
    drop(g);
    assert!(log.events().is_empty());
}

#[test]
fn finished_generator_has_already_dropped_its_locals() {
    let log = Log::new();
    let mut g = generator(async |mut co| {
        let _guard = log.guard("local");
        co.yield_(1).await;
    });
    g.next();
    g.next();
    assert_eq!(log.take(), s(&["drop local"]));
    drop(g);
    assert!(log.events().is_empty(), "no double drop");
}

#[test]
fn every_value_in_flight_is_dropped_exactly_once_on_close() {
    use std::cell::Cell;
    use std::rc::Rc;
    let live = Rc::new(Cell::new(0));
    let mut g = coroutine(async |mut co: Co<'_, common::Live, common::Live>| {
        let _kept = co.yield_(common::Live::new(&live)).await;
        co.yield_(common::Live::new(&live)).await;
    });
    let first = g.start().unwrap();
    let second = g.send(common::Live::new(&live)).unwrap();
    assert_eq!(live.get(), 3); // two yielded, one sent and held by the body
    drop((first, second));
    g.close().unwrap();
    assert_eq!(live.get(), 0);
}

#[test]
fn close_state_after_ignored_close_can_be_closed_again_successfully() {
    let mut g = catching::generator(async |mut co| {
        let _ = co.yield_(1).catching().await; // ignores the first close
        co.yield_(2).await; // plain: the second close unwinds
    });
    g.next();
    assert_eq!(g.close(), Err(CloseError::Ignored(2)));
    assert_eq!(g.close(), Ok(None));
    assert_eq!(g.resume(), Err(cogen::error::ResumeError::Finished));
    let _ = GeneratorState::<(), ()>::Complete(());
}

#[test]
fn dropping_a_generator_whose_close_raises_warns_with_the_error_and_where_it_was_made() {
    // Python: "Exception ignored in: <generator ...>" through the unraisable
    // hook.
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), String, Catching>| {
        let _ = co.yield_(1).catching().await;
        co.raise::<()>("disk full".to_string()).await;
    });
    let created = line!() - 4;
    g.start().unwrap();
    drop(g);
    let text = logs.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("generator created at"), "{text}");
    assert!(
        text.contains("raised \"disk full\" while it was closed because it was dropped"),
        "{text}"
    );
    assert!(text.contains(&format!("close.rs:{created}:")), "{text}");
}

#[test]
fn dropping_a_generator_that_ignores_its_close_warns() {
    // Python: "RuntimeError: generator ignored GeneratorExit".
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut g = catching::generator(async |mut co| {
        loop {
            let _ = co.yield_(1).catching().await;
        }
    });
    g.next();
    drop(g);
    let text = logs.text();
    assert!(
        text.contains(
            "ignored its close (it yielded again) when it was closed because it was dropped"
        ),
        "{text}"
    );
}

#[test]
fn dropping_a_generator_whose_close_succeeds_reports_nothing() {
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut g = catching::generator(async |mut co| {
        while co.yield_(1).catching().await.is_ok() {}
        "closed"
    });
    g.resume().unwrap();
    drop(g);
    assert_eq!(logs.text(), "");
}

#[test]
fn propagate_lets_a_close_go_on_after_cleanup_without_a_return_value() {
    let log = Log::new();
    let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), &str, Catching>| {
        if let Err(interrupt) = co.yield_(1).catching().await {
            log.push("cleanup");
            co.propagate::<()>(interrupt).await;
        }
        log.push("never: after propagate");
    });
    g.start().unwrap();
    assert_eq!(g.close(), Ok(None));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(log.events(), s(&["cleanup"]));
}

#[test]
fn propagate_raises_a_thrown_error_again_after_cleanup() {
    let log = Log::new();
    let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), &str, Catching>| {
        if let Err(interrupt) = co.yield_(1).catching().await {
            log.push("cleanup");
            co.propagate::<()>(interrupt).await;
        }
    });
    g.start().unwrap();
    assert_eq!(g.throw("boom"), Err("boom"));
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(log.events(), s(&["cleanup"]));
}

#[test]
fn propagating_a_close_that_is_not_in_progress_panics_clearly() {
    let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), &str, Catching>| {
        let Err(kept) = co.yield_(1).catching().await else {
            return;
        };
        // Ignore the close, then propagate it on a later, ordinary step.
        co.yield_(2).await;
        co.propagate::<()>(kept).await;
    });
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Ignored(2)));
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.send(()))).unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|m| m.to_string()))
        .unwrap_or_default();
    assert!(
        msg.contains("propagated Interrupt::Close while no close was in progress"),
        "{msg}"
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_yield_polled_by_a_destructor_while_the_body_is_dropped_panics_naming_the_mistake() {
    use std::future::Future;
    use std::task::{Context, Waker};

    /// Polls a yield through the handle when dropped.
    struct YieldsOnDrop<'a, 'co>(&'a mut Co<'co, u8, (), &'static str>);
    impl Drop for YieldsOnDrop<'_, '_> {
        fn drop(&mut self) {
            let mut y = std::pin::pin!(self.0.yield_(99));
            let _ = y.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        }
    }

    let mut g = coroutine(async |mut co: Co<'_, u8, (), &'static str>| {
        let guard = YieldsOnDrop(&mut co);
        guard.0.yield_(1).await;
    });
    g.start().unwrap();
    // Dropping the body is not a poll: there is no generator `Context` for a
    // yield to go through, and nobody could receive its value.
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.close())).unwrap_err();
    let msg = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        msg.contains("polled with a waker that is not its generator's"),
        "{msg}"
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn dropping_a_try_generator_whose_cleanup_returns_an_error_reports_it() {
    let logs = common::Captured::default();
    let _sub = logs.install();
    let mut g = cogen::catching::try_generator(async |mut co| {
        if co.yield_ok(1).catching().await.is_err() {
            Err::<(), String>("disk full".to_string())?; // a flush that fails
        }
        Ok::<(), String>(())
    });
    assert_eq!(g.next(), Some(Ok(1)));
    drop(g);
    let text = logs.text();
    assert!(
        text.contains("raised \"disk full\" while it was closed because it was dropped"),
        "{text}"
    );
}

#[test]
fn dropping_a_plain_generator_drops_its_body_without_polling_it() {
    // A plain yield point cannot catch the close, so there is nothing to run:
    // the body is dropped (its locals' `Drop`s are its cleanup).
    let log = Log::new();
    let polls = Cell::new(0);
    let mut g = generator(async |mut co| {
        let _finally = log.guard("finally");
        Polls {
            inner: co.yield_(1),
            count: &polls,
        }
        .await;
        log.push("after the yield");
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(polls.get(), 1);
    drop(g);
    assert_eq!(polls.get(), 1);
    assert_eq!(log.events(), s(&["drop finally"]));
}

#[test]
fn dropping_a_catching_generator_at_a_catching_yield_polls_its_body_once_to_close_it() {
    let polls = Cell::new(0);
    let mut g = catching::generator(async |mut co| {
        let _ = Polls {
            inner: co.yield_(1).catching(),
            count: &polls,
        }
        .await;
    });
    assert_eq!(g.resume().unwrap().yielded(), Some(1));
    drop(g);
    assert_eq!(polls.get(), 2);
}
