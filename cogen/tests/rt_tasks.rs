//! Tasks (asyncio's create_task, gather, wait_for, as_completed, TaskGroup,
//! Semaphore as a limit): results, ordering, and that every future is
//! accounted for under failure, timeout and cancellation.
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use cogen::rt::{
    Limiter, TaskGroup, TaskOutcome, as_completed, gather, gather_all, spawn, wait_for,
};
use common::Events;
use futures::StreamExt;
use tokio::time::{Instant, sleep};

/// Logs `dropped <name>` when dropped (completed or cancelled).
struct OnDrop(Events, String);
impl Drop for OnDrop {
    fn drop(&mut self) {
        self.0.push(format!("dropped {}", self.1));
    }
}

async fn nap(secs: u64) {
    sleep(Duration::from_secs(secs)).await;
}

#[tokio::test(start_paused = true)]
async fn spawned_tasks_run_concurrently_and_keep_their_names() {
    let t0 = Instant::now();
    let a = spawn("a", async {
        nap(2).await;
        'a'
    });
    let b = spawn("b", async {
        nap(1).await;
        'b'
    });
    assert_eq!((a.name(), b.name()), ("a", "b"));
    assert_eq!((a.await.unwrap(), b.await.unwrap()), ('a', 'b'));
    assert_eq!(t0.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn cancelling_a_task_drops_its_future_and_reports_cancelled() {
    let events = Events::new();
    let e = events.clone();
    let task = spawn("sleeper", async move {
        let _g = OnDrop(e.clone(), "sleeper".into());
        nap(100).await;
        e.push("finished");
    });
    nap(1).await;
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(events.get(), ["dropped sleeper"]);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_task_handle_detaches_it_and_it_still_finishes() {
    let events = Events::new();
    let e = events.clone();
    drop(spawn("detached", async move {
        nap(1).await;
        e.push("finished");
    }));
    nap(2).await;
    assert_eq!(events.get(), ["finished"]);
}

#[tokio::test(start_paused = true)]
async fn gather_returns_values_in_input_order_after_the_slowest() {
    let t0 = Instant::now();
    let got = gather([3u64, 1, 2].map(|s| async move {
        nap(s).await;
        Ok::<_, ()>(s)
    }))
    .await;
    assert_eq!(got, Ok(vec![3, 1, 2]));
    assert_eq!(t0.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn gather_fails_fast_with_the_index_and_drops_the_others() {
    let events = Events::new();
    let t0 = Instant::now();
    let err = gather((0..4u64).map(|i| {
        let e = events.clone();
        async move {
            let _g = OnDrop(e.clone(), i.to_string());
            if i == 2 {
                nap(1).await;
                return Err(format!("task {i} failed"));
            }
            nap(10).await;
            e.push(format!("finished {i}"));
            Ok(i)
        }
    }))
    .await
    .unwrap_err();
    assert_eq!((err.index, err.error.as_str()), (2, "task 2 failed"));
    assert_eq!(t0.elapsed(), Duration::from_secs(1));
    let mut dropped = events.get();
    dropped.sort();
    assert_eq!(
        dropped,
        ["dropped 0", "dropped 1", "dropped 2", "dropped 3"]
    );
}

#[tokio::test(start_paused = true)]
async fn gather_all_collects_every_outcome_errors_included() {
    let got = gather_all((0..4u64).map(|i| async move {
        nap(4 - i).await;
        if i % 2 == 1 { Err(i) } else { Ok(i) }
    }))
    .await;
    assert_eq!(got, [Ok(0), Err(1), Ok(2), Err(3)]);
}

#[tokio::test(start_paused = true)]
async fn wait_for_cancels_the_future_when_time_runs_out() {
    let events = Events::new();
    let e = events.clone();
    let t0 = Instant::now();
    let out = wait_for(
        async move {
            let _g = OnDrop(e, "slow".into());
            nap(10).await;
        },
        Duration::from_secs(2),
    )
    .await;
    assert!(out.is_err());
    assert_eq!(t0.elapsed(), Duration::from_secs(2));
    assert_eq!(events.get(), ["dropped slow"]);
    assert_eq!(wait_for(async { 1 }, Duration::ZERO).await, Ok(1));
}

#[tokio::test(start_paused = true)]
async fn as_completed_yields_each_index_once_in_completion_order() {
    let delays = [5u64, 1, 4, 2, 3];
    let t0 = Instant::now();
    let mut seen = Vec::new();
    let mut done = as_completed(delays.map(|s| async move {
        nap(s).await;
        s * 10
    }));
    while let Some((index, value)) = done.next().await {
        assert_eq!(t0.elapsed(), Duration::from_secs(delays[index]));
        seen.push((index, value));
    }
    assert_eq!(seen, [(1, 10), (3, 20), (4, 30), (2, 40), (0, 50)]);
}

#[tokio::test(start_paused = true)]
async fn closing_as_completed_drops_the_futures_not_yet_done() {
    let events = Events::new();
    let mut done = as_completed((1..=3u64).map(|s| {
        let e = events.clone();
        async move {
            let _g = OnDrop(e, s.to_string());
            nap(s).await;
        }
    }));
    assert_eq!(done.next().await.map(|(i, ())| i), Some(0));
    assert_eq!(done.aclose().await, Ok(None));
    let mut dropped = events.get();
    dropped.sort();
    assert_eq!(dropped, ["dropped 1", "dropped 2", "dropped 3"]);
}

#[tokio::test(start_paused = true)]
async fn task_group_join_returns_every_value_in_spawn_order() {
    let mut group = TaskGroup::<u64, ()>::new();
    for s in [3u64, 1, 2] {
        group.spawn(async move {
            nap(s).await;
            Ok(s)
        });
    }
    assert_eq!(group.len(), 3);
    assert_eq!(group.join().await.unwrap(), [3, 1, 2]);
    assert!(group.is_empty());
}

#[tokio::test(start_paused = true)]
async fn task_group_first_error_cancels_siblings_at_once_even_before_join() {
    let events = Events::new();
    let mut group = TaskGroup::new();
    for i in 0..4u64 {
        let e = events.clone();
        group.spawn(async move {
            let _g = OnDrop(e.clone(), i.to_string());
            if i == 1 {
                nap(1).await;
                return Err(format!("boom {i}"));
            }
            nap(if i == 3 { 0 } else { 60 }).await;
            e.push(format!("finished {i}"));
            Ok(i)
        });
    }
    nap(2).await; // join has not been called yet
    let mut dropped = events.get();
    dropped.sort();
    assert_eq!(
        dropped,
        [
            "dropped 0",
            "dropped 1",
            "dropped 2",
            "dropped 3",
            "finished 3"
        ]
    );
    let err = group.join().await.unwrap_err();
    assert!(err.was_cancelled());
    assert!(matches!(
        err.outcomes(),
        [
            TaskOutcome::Cancelled,
            TaskOutcome::Failed(e),
            TaskOutcome::Cancelled,
            TaskOutcome::Ok(3)
        ] if e == "boom 1"
    ));
    assert_eq!(err.errors().map(|(i, _)| i).collect::<Vec<_>>(), [1]);
    assert_eq!(
        err.to_string(),
        "1 of 4 tasks in the group failed, 2 cancelled"
    );
}

#[tokio::test(start_paused = true)]
async fn task_group_reports_a_panic_and_cancels_siblings() {
    let mut group = TaskGroup::<(), ()>::new();
    group.spawn(async { panic!("task blew up") });
    group.spawn(async {
        nap(60).await;
        Ok(())
    });
    let err = group.join().await.unwrap_err();
    match err.outcomes() {
        [TaskOutcome::Panicked(p), TaskOutcome::Cancelled] => {
            assert_eq!(p.downcast_ref::<&str>(), Some(&"task blew up"));
        }
        other => panic!("unexpected outcomes {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn task_group_cancelled_explicitly_from_another_task() {
    let mut group = TaskGroup::<(), ()>::new();
    group.spawn(async {
        nap(60).await;
        Ok(())
    });
    let canceller = group.canceller();
    tokio::spawn(async move {
        nap(1).await;
        canceller.cancel();
    });
    let t0 = Instant::now();
    let err = group.join().await.unwrap_err();
    assert_eq!(t0.elapsed(), Duration::from_secs(1));
    assert!(err.was_cancelled());
    assert!(matches!(err.outcomes(), [TaskOutcome::Cancelled]));
}

#[tokio::test(start_paused = true)]
async fn task_group_spawn_after_cancel_runs_nothing_and_join_resets_the_group() {
    let ran = Arc::new(AtomicUsize::new(0));
    let mut group = TaskGroup::<(), ()>::new();
    group.cancel();
    let r = ran.clone();
    group.spawn(async move {
        r.fetch_add(1, SeqCst);
        Ok(())
    });
    let err = group.join().await.unwrap_err();
    assert!(matches!(err.outcomes(), [TaskOutcome::Cancelled]));
    assert_eq!(ran.load(SeqCst), 0);
    // The group is usable again.
    group.spawn(async { Ok(()) });
    assert_eq!(group.join().await.unwrap(), [()]);
}

#[tokio::test(start_paused = true)]
async fn task_group_join_is_cancel_safe() {
    let mut group = TaskGroup::<u64, ()>::new();
    group.spawn(async {
        nap(1).await;
        Ok(1)
    });
    group.spawn(async {
        nap(5).await;
        Ok(5)
    });
    // Give up on join after 2 s: the first outcome has been collected.
    assert!(
        wait_for(group.join(), Duration::from_secs(2))
            .await
            .is_err()
    );
    assert_eq!(group.join().await.unwrap(), [1, 5]);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_task_group_cancels_its_tasks() {
    let events = Events::new();
    let mut group = TaskGroup::<(), ()>::new();
    let e = events.clone();
    group.spawn(async move {
        let _g = OnDrop(e, "t".into());
        nap(60).await;
        Ok(())
    });
    nap(1).await;
    drop(group);
    nap(1).await;
    assert_eq!(events.get(), ["dropped t"]);
}

#[tokio::test(start_paused = true)]
async fn limiter_never_runs_more_than_its_limit() {
    let limit = Limiter::new(3);
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let t0 = Instant::now();
    let out = gather_all((0..10).map(|i| {
        let (limit, running, peak) = (&limit, &running, &peak);
        async move {
            limit
                .run(async {
                    peak.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
                    nap(1).await;
                    running.fetch_sub(1, SeqCst);
                    i
                })
                .await
        }
    }))
    .await;
    assert_eq!(out, (0..10).collect::<Vec<_>>());
    assert_eq!(peak.load(SeqCst), 3);
    assert_eq!(t0.elapsed(), Duration::from_secs(4)); // ceil(10 / 3) rounds
    assert_eq!(limit.available(), 3);
}

#[tokio::test(start_paused = true)]
async fn limiter_spawned_tasks_share_the_limit() {
    let limit = Limiter::new(2);
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..4)
        .map(|i| limit.spawn(format!("job-{i}"), async { nap(1).await }))
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(t0.elapsed(), Duration::from_secs(2));
}

#[test]
#[should_panic(expected = "a Limiter needs a limit of at least 1")]
fn limiter_of_zero_panics_with_a_clear_message() {
    let _ = Limiter::new(0);
}

/// Spawning reaps the handles of finished tasks in batches (amortised O(1)
/// per spawn); the running ones must all stay reachable by a cancel.
#[tokio::test(start_paused = true)]
async fn cancelling_reaches_every_running_task_however_many_finished_ones_were_reaped() {
    let events = Events::new();
    let mut group = TaskGroup::<u32, ()>::new();
    let mut sleepers = Vec::new();
    for i in 0..2_000u32 {
        if i % 100 == 7 {
            let e = events.clone();
            sleepers.push(group.spawn(async move {
                let _g = OnDrop(e, format!("sleeper {i}"));
                nap(100).await;
                Ok(i)
            }));
        } else {
            group.spawn(async move { Ok(i) });
        }
        tokio::task::yield_now().await; // the short ones finish as we go
    }
    group.cancel();
    let outcomes = group.join().await.unwrap_err().into_outcomes();
    assert_eq!(outcomes.len(), 2_000);
    for (i, outcome) in outcomes.iter().enumerate() {
        if sleepers.contains(&i) {
            assert!(
                matches!(outcome, TaskOutcome::Cancelled),
                "{i}: {outcome:?}"
            );
        } else {
            assert!(
                matches!(outcome, TaskOutcome::Ok(v) if *v as usize == i),
                "{i}: {outcome:?}"
            );
        }
    }
    assert_eq!(events.get().len(), 20);
}
