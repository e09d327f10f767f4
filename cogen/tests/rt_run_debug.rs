//! run (asyncio.run) and debug mode: the run closes open async generators
//! before it returns, and debug mode reports slow polls, skipped cleanup and
//! long backpressure through `tracing`.
mod common;

use std::time::Duration;

use cogen::async_generator;
use cogen::catching::{self, Catching};
use cogen::rt::{DebugMode, Finalizer, Queue, Runner, run, spawn};
use cogen::rt::{Overflow, RuntimeOpsExt};
use common::{Captured, Events};
use futures::StreamExt;

#[test]
fn run_returns_the_value_of_its_future() {
    assert_eq!(run(async { 6 * 7 }), 42);
}

#[test]
fn run_accepts_a_future_that_is_not_send() {
    let rc = std::rc::Rc::new(5);
    assert_eq!(run(async move { *rc }), 5);
}

#[test]
fn run_awaits_the_cleanup_of_generators_dropped_unfinished_before_returning() {
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let finalizer = Finalizer::current().expect("a run has a finalizer");
        let mut g = finalizer.attach(catching::async_generator(async move |mut co| {
            while co.yield_(1).catching().await.is_ok() {}
            tokio::time::sleep(Duration::from_millis(50)).await; // cleanup that awaits
            e.push("cleaned up");
        }));
        g.next().await;
        drop(g);
        // `main` returns at once; the run waits for the cleanup.
    });
    assert_eq!(events.get(), ["cleaned up"]);
}

#[test]
fn run_awaits_a_dropped_buffer_closing_its_upstream() {
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let g = catching::async_generator(async move |mut co| {
            let mut i = 0;
            while co.yield_(i).catching().await.is_ok() {
                i += 1;
            }
            tokio::task::yield_now().await;
            e.push("upstream cleaned up");
        });
        let mut b = g.buffer(4, Overflow::Wait);
        assert_eq!(b.next().await, Some(0));
        drop(b);
    });
    assert_eq!(events.get(), ["upstream cleaned up"]);
}

#[test]
#[should_panic(expected = "cogen::rt::run() cannot be called from a running tokio runtime")]
fn run_inside_a_runtime_panics_with_a_clear_message() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async { run(async {}) });
}

#[test]
fn runner_with_worker_threads_runs_spawned_tasks_on_them() {
    let main_thread = std::thread::current().id();
    let other = Runner::new().worker_threads(2).run(async {
        spawn("where", async { std::thread::current().id() })
            .await
            .unwrap()
    });
    assert_ne!(other, main_thread);
}

#[test]
fn debug_mode_is_on_in_every_thread_of_a_debug_run_and_off_after() {
    let (main_on, worker_on) = Runner::new()
        .worker_threads(2)
        .debug(DebugMode::new().slow_poll(Duration::from_millis(5)))
        .run(async {
            let worker = spawn("probe", async { DebugMode::current() })
                .await
                .unwrap();
            (DebugMode::current(), worker)
        });
    let expected = Some(DebugMode::new().slow_poll(Duration::from_millis(5)));
    assert_eq!((main_on, worker_on), (expected, expected));
    assert_eq!(DebugMode::current(), None);
}

// The slow-poll tests block the thread on purpose: that is what debug mode
// detects. The threshold is far below the blocking time, so the assertion
// cannot be flaky; nothing waits on the clock.

#[test]
fn debug_mode_warns_about_a_blocking_call_in_a_task_naming_it() {
    let logs = Captured::default();
    let _sub = logs.install();
    Runner::new()
        .debug(DebugMode::new().slow_poll(Duration::from_millis(1)))
        .run(async {
            spawn("blocker", async {
                std::thread::sleep(Duration::from_millis(20))
            })
            .await
            .unwrap();
        });
    let text = logs.text();
    assert!(
        text.contains(r#"one poll of task "blocker" took"#),
        "{text}"
    );
    assert!(text.contains("cogen::rt::to_thread"), "{text}");
}

#[test]
fn debug_mode_warns_about_a_blocking_generator_body_naming_where_it_was_created() {
    let logs = Captured::default();
    let _sub = logs.install();
    let _debug = DebugMode::new().slow_poll(Duration::from_millis(1)).enter();
    let mut g = async_generator(async |mut co| {
        std::thread::sleep(Duration::from_millis(20));
        co.yield_(1).await;
    });
    let line = line!() - 4;
    assert_eq!(futures::executor::block_on(g.next()), Some(1));
    let text = logs.text();
    assert!(
        text.contains("one poll of the async generator created at"),
        "{text}"
    );
    assert!(text.contains(&format!("rt_run_debug.rs:{line}")), "{text}");
}

#[test]
fn without_debug_mode_a_blocking_poll_is_not_reported() {
    let logs = Captured::default();
    let _sub = logs.install();
    run(async {
        spawn("blocker", async {
            std::thread::sleep(Duration::from_millis(5))
        })
        .await
        .unwrap();
    });
    assert_eq!(logs.text(), "");
}

#[test]
fn debug_mode_does_not_report_polls_under_the_threshold() {
    let logs = Captured::default();
    let _sub = logs.install();
    Runner::new()
        .debug(DebugMode::new().slow_poll(Duration::from_secs(30)))
        .run(async {
            spawn("quick", async { 1 }).await.unwrap();
            let g = async_generator(async |mut co| co.yield_(1).await);
            g.collect::<Vec<_>>().await;
        });
    assert_eq!(logs.text(), "");
}

/// Puts into a full queue whose consumer takes an item after `secs`, in
/// debug mode with a 2 s backpressure threshold; returns what was logged.
async fn log_of_a_put_blocked_for(secs: u64) -> String {
    let logs = Captured::default();
    let _sub = logs.install();
    let _debug = DebugMode::new()
        .slow_backpressure(Duration::from_secs(2))
        .enter();
    let q = Queue::new(1);
    q.put(0).await.unwrap();
    let consumer = {
        let q = q.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            q.get().await.unwrap()
        })
    };
    q.put(1).await.unwrap();
    consumer.await.unwrap();
    logs.text()
}

#[tokio::test(start_paused = true)]
async fn debug_mode_warns_once_when_a_producer_waits_on_a_full_queue_too_long() {
    let text = log_of_a_put_blocked_for(5).await;
    let warning = "has waited longer than 2s for room in a cogen::rt::Queue";
    assert_eq!(text.matches(warning).count(), 1, "{text}");
}

#[tokio::test(start_paused = true)]
async fn debug_mode_stays_quiet_about_backpressure_under_the_threshold() {
    assert_eq!(log_of_a_put_blocked_for(1).await, "");
}

#[tokio::test(start_paused = true)]
async fn debug_mode_warns_when_a_buffer_holds_its_upstream_back_too_long() {
    let logs = Captured::default();
    let _sub = logs.install();
    let _debug = DebugMode::new()
        .slow_backpressure(Duration::from_secs(1))
        .enter();
    let g = async_generator(async |mut co| {
        for i in 0..3 {
            co.yield_(i).await;
        }
    });
    let mut b = g.buffer(1, Overflow::Wait);
    assert_eq!(b.next().await, Some(0));
    tokio::time::sleep(Duration::from_secs(3)).await; // a slow consumer
    assert_eq!(b.collect::<Vec<_>>().await, [1, 2]);
    assert!(
        logs.text().contains("for room in a cogen::ops::buffer"),
        "{}",
        logs.text()
    );
}

#[test]
fn dropping_a_generator_with_skipped_async_cleanup_is_reported_in_debug_mode() {
    let logs = Captured::default();
    let _sub = logs.install();
    Runner::new().debug(DebugMode::new()).run(async {
        // Scoped: its body may borrow, so the run cannot take its cleanup over.
        let mut g = catching::async_generator_scoped(async |mut co| {
            let _ = co.yield_(1).catching().await;
            tokio::task::yield_now().await;
        });
        g.next().await;
        drop(g);
    });
    assert!(
        logs.text()
            .contains("was finished without awaiting its cleanup")
    );
}

#[test]
#[should_panic(expected = "the slow-poll threshold must not be zero")]
fn a_zero_slow_poll_threshold_panics_with_a_clear_message() {
    let _ = DebugMode::new().slow_poll(Duration::ZERO);
}

/// A generator whose cleanup awaits a timer and then records that it ran.
fn with_awaited_cleanup(
    events: &Events,
    name: &'static str,
) -> impl futures::Stream<Item = u32> + use<> {
    let events = events.clone();
    catching::async_generator(async move |mut co| {
        let mut n = 0;
        while co.yield_(n).catching().await.is_ok() {
            n += 1;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
        events.push(format!("{name} cleaned up"));
    })
}

#[test]
fn run_awaits_the_cleanup_of_a_generator_dropped_mid_stream_without_attaching_it() {
    let logs = Captured::default();
    let _sub = logs.install();
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let mut g = Box::pin(with_awaited_cleanup(&e, "g"));
        assert_eq!(g.next().await, Some(0));
        assert_eq!(g.next().await, Some(1));
        drop(g);
        e.push("main returns");
    });
    assert_eq!(events.get(), ["main returns", "g cleaned up"]);
    assert_eq!(logs.text(), "", "nothing was skipped");
}

#[test]
fn run_runs_a_dropped_generators_cleanup_while_main_goes_on() {
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let mut g = Box::pin(with_awaited_cleanup(&e, "g"));
        g.next().await;
        drop(g);
        tokio::time::sleep(Duration::from_millis(200)).await;
        e.push("main returns");
    });
    assert_eq!(events.get(), ["g cleaned up", "main returns"]);
}

#[test]
fn run_awaits_the_cleanup_of_generators_dropped_in_spawned_tasks() {
    let events = Events::new();
    let e = events.clone();
    run(async move {
        for name in ["a", "b"] {
            let e = e.clone();
            tokio::spawn(async move {
                let mut g = Box::pin(with_awaited_cleanup(&e, name));
                g.next().await;
                // Dropped with the task.
            })
            .await
            .unwrap();
        }
    });
    let mut got = events.get();
    got.sort();
    assert_eq!(got, ["a cleaned up", "b cleaned up"]);
}

#[test]
fn run_awaits_the_cleanup_of_a_generator_dropped_by_another_cleanup() {
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let inner = with_awaited_cleanup(&e, "inner");
        let e2 = e.clone();
        let mut outer = catching::async_generator(async move |mut co| {
            let mut inner = Box::pin(inner);
            inner.next().await;
            while co.yield_(0).catching().await.is_ok() {}
            tokio::time::sleep(Duration::from_millis(10)).await;
            drop(inner); // its own cleanup now has to wait
            e2.push("outer cleaned up");
        });
        outer.next().await;
        drop(outer);
    });
    assert_eq!(events.get(), ["outer cleaned up", "inner cleaned up"]);
}

#[test]
fn a_deferred_cleanup_that_raises_is_reported_with_its_error() {
    let logs = Captured::default();
    let _sub = logs.install();
    run(async {
        let mut g =
            catching::async_coroutine(async |mut co: cogen::Co<'_, u8, (), String, Catching>| {
                let _ = co.yield_(1).catching().await;
                tokio::task::yield_now().await;
                co.raise::<()>("disk full".to_string()).await;
            });
        g.astart().await.unwrap();
        drop(g);
    });
    let text = logs.text();
    assert!(
        text.contains("raised \"disk full\" while it was closed"),
        "{text}"
    );
    assert!(text.contains("rt_run_debug.rs:"), "{text}");
}

#[test]
fn a_scoped_generator_dropped_in_run_skips_its_awaited_cleanup_and_warns() {
    let logs = Captured::default();
    let _sub = logs.install();
    let events = Events::new();
    run(async {
        let mut g = catching::async_generator_scoped(async |mut co| {
            while co.yield_(1).catching().await.is_ok() {}
            tokio::task::yield_now().await;
            events.push("never: the scoped generator's cleanup");
        });
        g.next().await;
        drop(g);
    });
    assert!(events.get().is_empty());
    let text = logs.text();
    assert!(
        text.contains("was finished without awaiting its cleanup because it was dropped"),
        "{text}"
    );
}

#[test]
fn a_generator_dropped_on_a_worker_thread_skips_its_awaited_cleanup_and_warns() {
    // Documented: a multi-thread runtime's workers cannot hand a generator
    // that is not known to be `Send` to the run's thread.
    let logs = Captured::default();
    let events = Events::new();
    let (l, e) = (logs.clone(), events.clone());
    Runner::new().worker_threads(1).run(async move {
        tokio::spawn(async move {
            let _sub = l.install();
            let mut g = Box::pin(with_awaited_cleanup(&e, "g"));
            g.next().await;
            drop(g);
        })
        .await
        .unwrap();
    });
    assert!(events.get().is_empty());
    assert!(
        logs.text()
            .contains("was finished without awaiting its cleanup because it was dropped"),
        "{}",
        logs.text()
    );
}

#[test]
fn run_awaits_an_attached_generators_close_that_waits_for_a_deferred_cleanup() {
    // A (attached to the Finalizer) owns B (deferred to the run when A drops
    // it); A's close waits for B's cleanup: both kinds are driven together.
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let eb = e.clone();
        let mut b = Box::pin(catching::async_generator(async move |mut co| {
            while co.yield_(0).catching().await.is_ok() {}
            tokio::task::yield_now().await;
            let _ = tx.send(());
            eb.push("b cleaned up");
        }));
        b.next().await;
        let ea = e.clone();
        let finalizer = Finalizer::current().unwrap();
        let mut a = finalizer.attach(catching::async_generator(async move |mut co| {
            while co.yield_(0).catching().await.is_ok() {}
            drop(b);
            let _ = rx.await;
            ea.push("a cleaned up");
        }));
        a.next().await;
        // `a` is dropped as main returns.
    });
    assert_eq!(events.get(), ["b cleaned up", "a cleaned up"]);
}

#[test]
fn a_generator_that_ignores_its_close_when_dropped_in_run_is_closed_once() {
    let logs = Captured::default();
    let _sub = logs.install();
    let events = Events::new();
    let e = events.clone();
    run(async move {
        let mut g = Box::pin(catching::async_generator(async move |mut co| {
            loop {
                if co.yield_(1).catching().await.is_err() {
                    e.push("handler");
                    tokio::task::yield_now().await;
                    e.push("after await");
                }
            }
        }));
        g.next().await;
        drop(g);
    });
    assert_eq!(events.get(), ["handler", "after await"]);
    let text = logs.text();
    assert!(
        text.contains("ignored its close (it yielded again)"),
        "{text}"
    );
    assert!(!text.contains("without awaiting its cleanup"), "{text}");
}

#[test]
fn a_try_generators_cleanup_error_on_drop_in_run_is_reported() {
    let logs = Captured::default();
    let _sub = logs.install();
    run(async {
        let mut g = cogen::catching::try_async_generator(async |mut co| {
            if co.yield_ok(1).catching().await.is_err() {
                tokio::task::yield_now().await;
                Err::<(), String>("disk full".to_string())?;
            }
            Ok::<(), String>(())
        });
        g.next().await;
        drop(g);
    });
    let text = logs.text();
    assert!(
        text.contains("raised \"disk full\" while it was closed"),
        "{text}"
    );
}

#[test]
fn a_panic_in_a_deferred_cleanup_is_resumed_after_main_returns() {
    let events = Events::new();
    let e = events.clone();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(async move {
            let mut g = Box::pin(catching::async_generator(async |mut co| {
                while co.yield_(1).catching().await.is_ok() {}
                tokio::task::yield_now().await;
                panic!("cleanup failed");
            }));
            g.next().await;
            drop(g);
            tokio::time::sleep(Duration::from_millis(20)).await;
            e.push("main finished");
        })
    }));
    assert!(caught.is_err(), "the cleanup's panic comes out of run");
    assert_eq!(events.get(), ["main finished"]);
}

#[test]
fn a_second_panicking_deferred_cleanup_is_reported_and_the_first_resumed() {
    let logs = Captured::default();
    let _sub = logs.install();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(async {
            for which in ["first", "second"] {
                let mut g = Box::pin(catching::async_generator(async move |mut co| {
                    while co.yield_(1).catching().await.is_ok() {}
                    tokio::task::yield_now().await;
                    panic!("{which} cleanup failed");
                }));
                g.next().await;
                drop(g);
            }
        })
    }));
    let payload = caught.expect_err("a cleanup's panic comes out of run");
    let resumed = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    let text = logs.text();
    let reported = if resumed.contains("first") {
        "second"
    } else {
        "first"
    };
    assert!(resumed.contains("cleanup failed"), "{resumed}");
    assert!(
        text.contains(&format!("panicked too ({reported} cleanup failed)")),
        "{text}"
    );
}
