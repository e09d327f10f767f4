//! Finalization: dropping an unfinished async generator runs its synchronous
//! cleanup; async cleanup is never skipped silently (a `tracing` warning names
//! where the generator was created), and a `rt::Finalizer` runs it on the
//! runtime instead (asyncio's finalizer hook and `shutdown_asyncgens`).
mod common;

use std::sync::{Arc, Mutex};

use cogen::async_generator;
use cogen::catching::{self, Catching};
use cogen::protocol::Status;
use cogen::rt::Finalizer;
use common::{Captured, Log, s};
use futures::StreamExt;

#[tokio::test]
async fn dropping_at_a_plain_yield_runs_sync_cleanup_without_a_warning() {
    let logs = Captured::default();
    let _sub = logs.install();
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        let _g = log.guard("local");
        co.yield_(1).await;
    });
    g.next().await;
    drop(g);
    assert_eq!(log.events(), s(&["drop local"]));
    assert_eq!(logs.text(), "");
}

#[tokio::test]
async fn dropping_at_a_catching_yield_runs_cleanup_that_does_not_wait() {
    let logs = Captured::default();
    let _sub = logs.install();
    let log = Log::new();
    let mut g = catching::async_generator_scoped(async |mut co| {
        let _g = log.guard("local");
        while co.yield_(1).catching().await.is_ok() {}
        log.push("cleanup");
    });
    g.next().await;
    drop(g);
    assert_eq!(log.events(), s(&["cleanup", "drop local"]));
    assert_eq!(logs.text(), "");
}

#[tokio::test]
async fn dropping_with_cleanup_that_awaits_warns_naming_where_it_was_created() {
    let logs = Captured::default();
    let _sub = logs.install();
    let log = Log::new();
    let mut g = catching::async_generator_scoped(async |mut co| {
        let _g = log.guard("local");
        while co.yield_(1).catching().await.is_ok() {}
        log.push("cleanup begins");
        tokio::task::yield_now().await;
        log.push("never: after the await");
    });
    let created = line!() - 7;
    g.next().await;
    drop(g);
    assert_eq!(log.events(), s(&["cleanup begins", "drop local"]));
    let text = logs.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(
        text.contains("without awaiting its cleanup because it was dropped"),
        "{text}"
    );
    assert!(
        text.contains(&format!("async_finalization.rs:{created}:")),
        "{text}"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_a_catching_generator_mid_await_drops_the_body_and_warns() {
    // Its close handler, after the await, never runs.
    let logs = Captured::default();
    let _sub = logs.install();
    let log = Log::new();
    let mut g = catching::async_generator_scoped(async |mut co| {
        let _g = log.guard("local");
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        if co.yield_(1).catching().await.is_err() {
            log.push("close handler");
        }
    });
    assert!(futures::poll!(g.next()).is_pending());
    drop(g);
    assert_eq!(log.events(), s(&["drop local"]));
    assert!(logs.text().contains("WARN"));
}

#[tokio::test(start_paused = true)]
async fn dropping_a_plain_generator_mid_await_drops_the_body_without_a_warning() {
    // A plain body has no close handler to skip: dropping it mid-await is
    // dropping a future, as after a `timeout` on `next()`.
    let logs = Captured::default();
    let _sub = logs.install();
    let log = Log::new();
    let mut g = async_generator(async |mut co| {
        let _g = log.guard("local");
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        co.yield_(1).await;
    });
    assert!(futures::poll!(g.next()).is_pending());
    drop(g);
    assert_eq!(log.events(), s(&["drop local"]));
    assert_eq!(logs.text(), "");
}

#[tokio::test]
async fn finalizer_runs_the_async_cleanup_of_a_dropped_generator_on_the_runtime() {
    let logs = Captured::default();
    let _sub = logs.install();
    let finalizer = Finalizer::new();
    let done = Arc::new(Mutex::new(vec![]));
    let seen = done.clone();
    let mut g = finalizer.attach(catching::async_generator(async move |mut co| {
        while co.yield_(1).catching().await.is_ok() {}
        tokio::task::yield_now().await;
        seen.lock().unwrap().push("goodbye sent");
    }));
    assert_eq!(g.next().await, Some(1));
    drop(g);
    assert_eq!(finalizer.pending(), 1);
    finalizer.shutdown_asyncgens().await;
    assert_eq!(*done.lock().unwrap(), ["goodbye sent"]);
    assert_eq!(finalizer.pending(), 0);
    assert_eq!(logs.text(), "");
}

#[tokio::test]
async fn finalizer_spawns_nothing_for_generators_with_nothing_to_await() {
    let finalizer = Finalizer::new();
    let fresh = finalizer.attach(async_generator(async |mut co| co.yield_(1).await));
    drop(fresh);
    let mut plain = finalizer.attach(async_generator(async |mut co| co.yield_(1).await));
    plain.next().await;
    drop(plain);
    let finished = finalizer.attach(async_generator(async |mut co| co.yield_(1).await));
    assert_eq!(finished.collect::<Vec<_>>().await, [1]);
    assert_eq!(finalizer.pending(), 0);
}

#[tokio::test]
async fn finalizer_logs_a_generator_that_ignores_its_close() {
    let logs = Captured::default();
    let _sub = logs.install();
    let finalizer = Finalizer::new();
    let mut g = finalizer.attach(catching::async_generator(async |mut co| {
        loop {
            let _ = co.yield_(1).catching().await;
            tokio::task::yield_now().await;
        }
    }));
    g.next().await;
    drop(g);
    finalizer.shutdown_asyncgens().await;
    let text = logs.text();
    assert!(
        text.contains("ignored its close (it yielded again) when it was closed because it was closed through AsyncClose"),
        "{text}"
    );
}

#[test]
fn finalizer_takes_generators_dropped_on_a_thread_outside_the_runtime() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let finalizer = Finalizer::with_handle(rt.handle().clone());
    let done = Arc::new(Mutex::new(false));
    let flag = done.clone();
    let mut g = finalizer.attach(catching::async_generator(async move |mut co| {
        while co.yield_(()).catching().await.is_ok() {}
        tokio::task::yield_now().await;
        *flag.lock().unwrap() = true;
    }));
    rt.block_on(g.next());
    std::thread::spawn(move || drop(g)).join().unwrap();
    rt.block_on(finalizer.shutdown_asyncgens());
    assert!(*done.lock().unwrap());
}

#[tokio::test]
async fn finalized_generators_keep_the_whole_protocol() {
    let finalizer = Finalizer::new();
    let mut g = finalizer.attach(async_generator(async |mut co| {
        co.yield_(1).await;
        "ret"
    }));
    assert_eq!(g.anext().await, Ok(cogen::GeneratorState::Yielded(1)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.aclose().await, Ok(None));
    let inner = g.into_inner();
    assert_eq!(inner.status(), Status::Finished);
}

#[test]
#[should_panic(expected = "Finalizer::new() must be called from inside a tokio runtime")]
fn finalizer_new_outside_a_runtime_panics_with_a_clear_message() {
    let _ = Finalizer::new();
}

#[test]
fn a_generator_dropped_after_its_finalizers_runtime_shut_down_is_dropped_with_a_warning() {
    let logs = Captured::default();
    let _sub = logs.install();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let finalizer = Finalizer::with_handle(rt.handle().clone());
    let guard = Arc::new(Mutex::new(()));
    let alive = Arc::downgrade(&guard);
    let mut g = finalizer.attach(catching::async_generator(async move |mut co| {
        let _keep = guard;
        while co.yield_(()).catching().await.is_ok() {}
        tokio::task::yield_now().await;
    }));
    rt.block_on(g.next());
    drop(rt);
    // No runtime to run the cleanup on: the task is dropped unrun, and the
    // generator with it, which is reported.
    drop(g);
    assert!(
        logs.text().contains("without awaiting its cleanup"),
        "{}",
        logs.text()
    );
    assert!(
        alive.upgrade().is_none(),
        "the body and its locals were dropped"
    );
}

#[tokio::test]
async fn finalizer_reports_the_error_a_generator_raises_while_closing() {
    let logs = Captured::default();
    let _sub = logs.install();
    let finalizer = Finalizer::new();
    let mut g = finalizer.attach(cogen::catching::async_coroutine(
        async |mut co: cogen::Co<'_, u8, (), String, Catching>| {
            let _ = co.yield_(1).catching().await;
            tokio::task::yield_now().await;
            co.raise::<()>("disk full".to_string()).await;
        },
    ));
    g.astart().await.unwrap();
    drop(g);
    finalizer.shutdown_asyncgens().await;
    let text = logs.text();
    assert!(
        text.contains("raised \"disk full\" while it was closed"),
        "{text}"
    );
    assert!(
        // file!(): cogen/tests/.. in the workspace, tests/.. in the package.
        text.contains(&format!("created at {}:", file!())),
        "{text}"
    );
}

#[tokio::test]
async fn dropping_a_generator_whose_close_raises_warns_with_the_error_and_where_it_was_made() {
    // Python: "Exception ignored in: <async_generator ...>" through the
    // unraisable hook.
    let logs = Captured::default();
    let _sub = logs.install();
    let mut g = cogen::catching::async_coroutine(
        async |mut co: cogen::Co<'_, u8, (), String, Catching>| {
            let _ = co.yield_(1).catching().await;
            co.raise::<()>("disk full".to_string()).await;
        },
    );
    let created = line!() - 6;
    g.astart().await.unwrap();
    drop(g);
    let text = logs.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(
        text.contains("raised \"disk full\" while it was closed because it was dropped"),
        "{text}"
    );
    assert!(
        text.contains(&format!("async_finalization.rs:{created}:")),
        "{text}"
    );
}

#[tokio::test]
async fn dropping_a_generator_that_ignores_its_close_warns() {
    // Python: "RuntimeError: async generator ignored GeneratorExit".
    let logs = Captured::default();
    let _sub = logs.install();
    let mut g = catching::async_generator(async |mut co| {
        loop {
            let _ = co.yield_(1).catching().await;
        }
    });
    g.next().await;
    drop(g);
    let text = logs.text();
    assert!(
        text.contains(
            "ignored its close (it yielded again) when it was closed because it was dropped"
        ),
        "{text}"
    );
}

/// A pipeline stand-in whose close panics: its cleanup task panics.
struct PanicsWhileClosing;

impl cogen::ops::AsyncClose for PanicsWhileClosing {
    fn poll_aclose(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        panic!("cleanup failed");
    }

    fn closes_asynchronously(&self) -> bool {
        true
    }
}

/// One whose close finishes at its first poll.
struct ClosesAtOnce;

impl cogen::ops::AsyncClose for ClosesAtOnce {
    fn poll_aclose(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        std::task::Poll::Ready(())
    }

    fn closes_asynchronously(&self) -> bool {
        true
    }
}

#[tokio::test]
async fn finalizer_resumes_a_cleanups_panic_even_after_later_finalizations_were_tracked() {
    use futures::FutureExt;
    let finalizer = Finalizer::new();
    drop(finalizer.attach(PanicsWhileClosing));
    tokio::task::yield_now().await; // its cleanup task runs and panics
    // Many more finalizations, each finished before the next is tracked:
    // tracking reaps finished tasks, and must not lose the panic doing so.
    for _ in 0..300 {
        drop(finalizer.attach(ClosesAtOnce));
        tokio::task::yield_now().await;
    }
    assert_eq!(finalizer.pending(), 1, "the panic is still to be reported");
    let shutdown = std::panic::AssertUnwindSafe(finalizer.shutdown_asyncgens())
        .catch_unwind()
        .await;
    let panic = shutdown.expect_err("the cleanup's panic is resumed");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"cleanup failed"));
    assert_eq!(finalizer.pending(), 0);
    finalizer.shutdown_asyncgens().await;
}

#[tokio::test]
async fn a_finalizer_closes_a_generator_that_ignores_its_close_once() {
    let finalizer = Finalizer::new();
    let handled = Arc::new(Mutex::new(0));
    let h = handled.clone();
    let mut g = finalizer.attach(catching::async_generator(async move |mut co| {
        loop {
            if co.yield_(1).catching().await.is_err() {
                *h.lock().unwrap() += 1;
                tokio::task::yield_now().await;
            }
        }
    }));
    g.next().await;
    drop(g);
    finalizer.shutdown_asyncgens().await;
    assert_eq!(*handled.lock().unwrap(), 1, "the close handler runs once");
}

#[tokio::test]
async fn dropping_a_plain_async_generator_drops_its_body_without_polling_it() {
    // Suspended in a delegation, where a catching one is closed by polling
    // its body (the close goes through the `yield_from`): a plain one's body
    // is only dropped, and its `yield_from` closes the borrowed sub-generator.
    let polls = std::cell::Cell::new(0);
    let log = Log::new();
    let mut sub = cogen::catching::generator(async |mut co| {
        if co.yield_(1).catching().await.is_err() {
            log.push("sub closed");
        }
    });
    let mut g = async_generator(async |mut co| {
        let _g = log.guard("local");
        common::Polls {
            inner: co.yield_from(&mut sub),
            count: &polls,
        }
        .await;
        log.push("after the delegation");
    });
    assert_eq!(g.next().await, Some(1));
    assert_eq!(polls.get(), 1);
    drop(g);
    assert_eq!(polls.get(), 1);
    assert_eq!(log.events(), s(&["sub closed", "drop local"]));
    assert_eq!(sub.status(), Status::Finished);
}
