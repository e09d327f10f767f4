//! Try-generators: a body that returns `Result` and uses `?` yields
//! `Result<T, E>` items, and its error, however it leaves the body, is the
//! last item (Python: an exception in a generator reaches the `for` loop).
//! The whole protocol stays available.
use std::time::Duration;

use cogen::catching;
use cogen::protocol::Status;
use cogen::{
    Co, GeneratorState, Interrupt, async_coroutine, coroutine, try_async_generator, try_generator,
};
use futures::{Stream, StreamExt, TryStreamExt};

#[derive(Debug, Clone, PartialEq)]
enum FetchError {
    RateLimited { page: u32 },
    Parse(String),
}

#[test]
fn a_question_mark_error_is_the_last_item_and_ends_the_iterator() {
    let parsed = try_generator(async |mut co| {
        for s in ["1", "2", "x", "4"] {
            let n: u32 = s.parse().map_err(|_| FetchError::Parse(s.into()))?;
            co.yield_ok(n).await;
        }
        Ok(())
    });
    let items: Vec<_> = parsed.collect();
    assert_eq!(
        items,
        [Ok(1), Ok(2), Err(FetchError::Parse("x".into()))],
        "\"4\" is never read"
    );
}

#[test]
fn an_ok_unit_return_ends_the_iterator_quietly() {
    let g = try_generator(async |mut co| {
        co.yield_ok(1).await;
        Ok::<(), FetchError>(())
    });
    assert_eq!(g.collect::<Vec<_>>(), [Ok(1)]);
}

#[test]
fn an_ok_value_is_kept_with_on_return() {
    // `Ok(value)` is a return value `for` would drop: `on_return` keeps it
    // (ui-tests/tests/ui/try_generator_returning_a_value_is_not_an_iterator.rs).
    let mut returned = None;
    let items: Vec<_> = try_generator(async |mut co| {
        co.yield_ok(1).await;
        Ok::<_, FetchError>("done")
    })
    .on_return(|r| returned = Some(r))
    .collect();
    assert_eq!(items, [Ok(1)]);
    assert_eq!(returned, Some(Ok("done")));
}

#[test]
fn a_raised_error_is_the_last_item_not_a_panic() {
    let mut g = try_generator(async |mut co| {
        co.yield_ok(1).await;
        co.raise::<()>(FetchError::RateLimited { page: 2 }).await;
        Ok(())
    });
    assert_eq!(g.next(), Some(Ok(1)));
    assert_eq!(g.next(), Some(Err(FetchError::RateLimited { page: 2 })));
    assert_eq!(g.next(), None);
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn yield_err_is_an_item_and_the_generator_goes_on() {
    let g = try_generator(async |mut co| {
        for page in 1..=3 {
            if page == 2 {
                co.yield_err(FetchError::RateLimited { page }).await;
            } else {
                co.yield_ok(page).await;
            }
        }
        Ok(())
    });
    assert_eq!(
        g.collect::<Vec<_>>(),
        [Ok(1), Err(FetchError::RateLimited { page: 2 }), Ok(3)]
    );
}

#[test]
fn throw_and_close_work_on_a_try_generator() {
    let mut g = catching::try_generator(async |mut co| {
        loop {
            match co.yield_ok(1).catching().await {
                Ok(()) => {}
                Err(Interrupt::Throw(FetchError::RateLimited { .. })) => {
                    co.yield_err(FetchError::Parse("retrying".into())).await;
                }
                Err(Interrupt::Throw(other)) => return Err(other),
                Err(Interrupt::Close) => return Ok(()),
            }
        }
    });
    assert_eq!(g.next(), Some(Ok(1)));
    assert_eq!(
        g.throw(FetchError::RateLimited { page: 1 }),
        Ok(GeneratorState::Yielded(Err(FetchError::Parse(
            "retrying".into()
        ))))
    );
    assert_eq!(g.next(), Some(Ok(1)));
    assert_eq!(g.close(), Ok(Some(Ok(()))));
}

#[test]
fn a_thrown_error_that_is_not_caught_is_handed_back_to_the_thrower() {
    let mut g = try_generator(async |mut co| {
        co.yield_ok(1).await;
        Ok::<(), FetchError>(())
    });
    assert_eq!(g.next(), Some(Ok(1)));
    assert_eq!(
        g.throw(FetchError::Parse("bad".into())),
        Err(FetchError::Parse("bad".into()))
    );
    assert_eq!(g.next(), None);
}

#[test]
fn a_try_generator_delegates_and_question_marks_the_sub_generators_result() {
    let page = |n: u32| {
        try_generator(async move |mut co| {
            co.yield_ok(n * 10).await;
            if n == 2 {
                return Err(FetchError::RateLimited { page: n });
            }
            Ok(n)
        })
    };
    let all = try_generator(async move |mut co| {
        for n in 1..=3 {
            let page_number = co.yield_from(page(n)).await?; // the sub's Ok(n)
            assert_eq!(page_number, n);
        }
        Ok(())
    });
    assert_eq!(
        all.collect::<Vec<_>>(),
        [Ok(10), Ok(20), Err(FetchError::RateLimited { page: 2 })]
    );
}

#[test]
fn a_coroutine_with_result_items_and_a_result_return_is_a_try_generator_too() {
    let g = coroutine(
        async |mut co: Co<'_, Result<u8, String>, Option<u8>, String>| {
            co.yield_ok(1).await;
            Err::<(), _>("stop".to_string())
        },
    );
    assert_eq!(g.collect::<Vec<_>>(), [Ok(1), Err("stop".to_string())]);
}

#[test]
fn a_generator_that_receives_an_option_can_be_iterated_and_sent_to() {
    // Python's next(g) is g.send(None).
    let mut running = coroutine(async |mut co: Co<'_, u32, Option<u32>>| {
        let mut total = 0;
        loop {
            total += co.yield_(total).await.unwrap_or(1);
        }
    });
    assert_eq!(running.next(), Some(0));
    assert_eq!(running.send(Some(10)), Ok(GeneratorState::Yielded(10)));
    assert_eq!(running.next(), Some(11));
    assert_eq!(running.by_ref().take(2).collect::<Vec<_>>(), [12, 13]);
}

// --- async -----------------------------------------------------------------

/// A page of an API that rate-limits the second request.
async fn fetch_page(page: u32) -> Result<Option<Vec<u32>>, FetchError> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    match page {
        1 => Ok(Some(vec![1, 2, 3])),
        2 => Err(FetchError::RateLimited { page }),
        _ => Ok(None),
    }
}

/// The async-stream original, for comparison:
///
/// ```ignore
/// fn items() -> impl Stream<Item = Result<u32, FetchError>> {
///     try_stream! {
///         let mut page = 1;
///         while let Some(items) = fetch_page(page).await? {
///             for item in items { yield item; }
///             page += 1;
///         }
///     }
/// }
/// ```
fn items() -> impl Stream<Item = Result<u32, FetchError>> {
    try_async_generator(async |mut co| {
        let mut page = 1;
        while let Some(items) = fetch_page(page).await? {
            for item in items {
                co.yield_ok(item).await;
            }
            page += 1;
        }
        Ok(())
    })
}

#[tokio::test(start_paused = true)]
async fn a_paginated_fetch_ported_from_try_stream_delivers_the_rate_limit_error() {
    let got: Vec<_> = items().collect().await;
    assert_eq!(
        got,
        [
            Ok(1),
            Ok(2),
            Ok(3),
            Err(FetchError::RateLimited { page: 2 })
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn try_stream_adapters_see_the_error() {
    let all: Result<Vec<u32>, _> = items().try_collect().await;
    assert_eq!(all, Err(FetchError::RateLimited { page: 2 }));
}

#[tokio::test]
async fn an_async_raise_is_the_last_item_not_a_panic() {
    let mut g = try_async_generator(async |mut co| {
        co.yield_ok("a").await;
        co.raise::<()>(FetchError::Parse("b".into())).await;
        Ok(())
    });
    assert_eq!(g.next().await, Some(Ok("a")));
    assert_eq!(g.next().await, Some(Err(FetchError::Parse("b".into()))));
    assert_eq!(g.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn athrow_and_aclose_work_on_an_async_try_generator() {
    let mut g = catching::try_async_generator(async |mut co| {
        let mut n = 0;
        loop {
            match co.yield_ok(n).catching().await {
                Ok(()) => n += 1,
                Err(Interrupt::Throw(e)) => co.yield_err(e).await,
                Err(interrupt) => {
                    tokio::time::sleep(Duration::from_millis(5)).await; // awaited cleanup
                    return co.propagate::<Result<(), FetchError>>(interrupt).await;
                }
            }
        }
    });
    assert_eq!(g.next().await, Some(Ok(0)));
    assert_eq!(
        g.athrow(FetchError::Parse("x".into())).await,
        Ok(GeneratorState::Yielded(Err(FetchError::Parse("x".into()))))
    );
    assert_eq!(
        g.next().await,
        Some(Ok(0)),
        "the loop goes on from the same count"
    );
    assert_eq!(g.next().await, Some(Ok(1)));
    assert_eq!(g.aclose().await, Ok(None));
}

#[tokio::test]
async fn an_async_generator_that_receives_an_option_can_be_iterated_and_sent_to() {
    let mut g = async_coroutine(async |mut co: Co<'_, u32, Option<u32>>| {
        let mut total = 0;
        loop {
            total += co.yield_(total).await.unwrap_or(1);
        }
    });
    assert_eq!(g.next().await, Some(0));
    assert_eq!(g.asend(Some(10)).await, Ok(GeneratorState::Yielded(10)));
    assert_eq!(g.next().await, Some(11));
    assert_eq!(
        g.anext().await,
        Ok(GeneratorState::Yielded(12)),
        "anext sends None"
    );
}
