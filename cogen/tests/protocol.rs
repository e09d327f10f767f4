//! The generator protocol: iteration, state, return value (PEP 255).
mod common;

use cogen::error::{ResumeError, StartError};
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, generator};
use common::{Log, s};

#[test]
fn generator_yields_values_in_order_then_stops() {
    let g = generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
        co.yield_(3).await;
    });
    assert_eq!(g.collect::<Vec<_>>(), [1, 2, 3]);
}

#[test]
fn next_runs_the_body_only_up_to_the_next_yield() {
    // The seed's simple_generator: each next() runs exactly one segment.
    let log = Log::new();
    let mut g = generator(async |mut co| {
        log.push("start");
        co.yield_(1).await;
        log.push("continue");
        co.yield_(2).await;
        log.push("end");
        co.yield_(3).await;
    });
    assert!(log.events().is_empty());
    assert_eq!(g.next(), Some(1));
    assert_eq!(log.take(), s(&["start"]));
    assert_eq!(g.next(), Some(2));
    assert_eq!(log.take(), s(&["continue"]));
    assert_eq!(g.next(), Some(3));
    assert_eq!(log.take(), s(&["end"]));
    assert_eq!(g.next(), None);
}

#[test]
fn finished_generator_keeps_returning_none() {
    let mut g = generator(async |mut co| co.yield_(1).await);
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.next(), None);
    assert_eq!(g.next(), None);
    assert_eq!(g.next(), None);
}

#[test]
fn resume_reports_the_return_value_then_finished() {
    let mut g = generator(async |mut co| {
        co.yield_("a").await;
        42
    });
    assert_eq!(g.resume(), Ok(GeneratorState::Yielded("a")));
    assert_eq!(g.resume(), Ok(GeneratorState::Complete(42)));
    assert_eq!(g.resume(), Err(ResumeError::Finished));
}

#[test]
fn body_without_yield_completes_on_first_resume() {
    let mut g = generator(async |_co: Co<'_, ()>| "immediately");
    assert_eq!(g.resume(), Ok(GeneratorState::Complete("immediately")));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn state_moves_created_suspended_finished() {
    let mut g = generator(async |mut co| {
        co.yield_(1).await;
    });
    assert_eq!(g.status(), Status::Created);
    g.next();
    assert_eq!(g.status(), Status::Suspended);
    g.next();
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn start_twice_is_an_error_not_a_resume() {
    let mut g = generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.start(), Err(StartError::AlreadyStarted));
    // The failed start did not advance the body.
    assert_eq!(g.next(), Some(2));
    assert_eq!(g.start(), Err(StartError::AlreadyStarted));
    assert_eq!(g.next(), None);
    assert_eq!(g.start(), Err(StartError::Finished));
}

#[test]
fn generator_is_a_fused_iterator_usable_in_for_loops_and_adapters() {
    fn assert_fused<I: std::iter::FusedIterator>(_: &I) {}
    let g = generator(async |mut co| {
        for i in 0..10 {
            co.yield_(i).await;
        }
    });
    assert_fused(&g);
    let evens: Vec<_> = g.filter(|x| x % 2 == 0).map(|x| x * 10).collect();
    assert_eq!(evens, [0, 20, 40, 60, 80]);

    let mut total = 0;
    for x in generator(async |mut co| co.yield_from_iter(1..=4).await) {
        total += x;
    }
    assert_eq!(total, 10);
}

#[test]
fn body_can_borrow_from_its_environment() {
    let words = vec!["alpha".to_string(), "beta".to_string()];
    let lens: Vec<usize> = generator(async |mut co| {
        for w in &words {
            co.yield_(w.len()).await;
        }
    })
    .collect();
    assert_eq!(lens, [5, 4]);
    assert_eq!(words.len(), 2); // still ours
}

#[test]
fn generator_can_yield_borrowed_values() {
    let data = [10, 20, 30];
    let refs: Vec<&i32> = generator(async |mut co| {
        for x in &data {
            co.yield_(x).await;
        }
    })
    .collect();
    assert_eq!(refs, [&10, &20, &30]);
}

#[test]
fn generator_can_be_returned_from_a_function_as_impl_iterator() {
    fn fib() -> impl Iterator<Item = u64> {
        generator(async |mut co| {
            let (mut a, mut b) = (0u64, 1u64);
            loop {
                co.yield_(a).await;
                (a, b) = (b, a + b);
            }
        })
    }
    assert_eq!(
        fib().take(10).collect::<Vec<_>>(),
        [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    );
}

#[test]
fn async_fn_items_work_as_bodies() {
    async fn countdown(mut co: Co<'_, u8>) -> &'static str {
        for i in (1..=3).rev() {
            co.yield_(i).await;
        }
        "liftoff"
    }
    let mut said = None;
    let got: Vec<u8> = generator(countdown).on_return(|r| said = Some(r)).collect();
    assert_eq!(got, [3, 2, 1]);
    assert_eq!(said, Some("liftoff"));
    let mut g = generator(countdown);
    while let Ok(GeneratorState::Yielded(_)) = g.resume() {}
    assert_eq!(g.resume(), Err(ResumeError::Finished));
}

#[test]
fn pep479_an_inner_exhausted_iterator_does_not_end_the_generator() {
    // In Python < 3.7 a StopIteration leaking from next() inside a generator
    // silently ended it (PEP 479 made it a RuntimeError). Here `next()` on an
    // inner iterator returns `None` as a value: it cannot end the generator.
    let mut g = generator(async |mut co| {
        let mut empty = std::iter::empty::<i32>();
        let got = empty.next();
        co.yield_(got).await;
        co.yield_(Some(1)).await;
    });
    assert_eq!(g.next(), Some(None));
    assert_eq!(g.next(), Some(Some(1)));
    assert_eq!(g.next(), None);
}

#[test]
fn debug_shows_state_and_delegation() {
    let mut g = generator(async |mut co| co.yield_from_iter([1]).await);
    assert_eq!(
        format!("{g:?}"),
        "Gen { status: Created, delegating: false }"
    );
    g.next();
    assert_eq!(
        format!("{g:?}"),
        "Gen { status: Suspended, delegating: true }"
    );
}
