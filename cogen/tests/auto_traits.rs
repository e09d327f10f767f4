//! Send/Sync/Unpin of the public types.
use std::cell::Cell;
use std::rc::Rc;

use cogen::error::{CloseError, ResumeError, SendError, StartError};
use cogen::future::{Yield, YieldCatching};
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, Interrupt, coroutine, generator};
use static_assertions::{assert_impl_all, assert_not_impl_any};

fn is_send<T: Send>(_: &T) -> bool {
    true
}
fn is_unpin<T: Unpin>(_: &T) -> bool {
    true
}
fn is_sync<T: Sync>(_: &T) -> bool {
    true
}

#[test]
fn generator_is_send_when_its_body_is_send() {
    let v = vec![1, 2, 3];
    let g = generator(async move |mut co| {
        for x in v {
            co.yield_(x).await;
        }
    });
    assert!(is_send(&g));
    // And it really runs on another thread.
    let out = std::thread::spawn(move || g.collect::<Vec<_>>())
        .join()
        .unwrap();
    assert_eq!(out, [1, 2, 3]);
}

#[test]
fn coroutine_is_send_when_its_types_are_send() {
    let g = coroutine(async |mut co: Co<'_, String, String, String>| {
        let s = co.yield_(String::new()).await;
        s.len()
    });
    assert!(is_send(&g));
}

#[test]
fn generator_is_unpin_and_sync() {
    let g = generator(async |mut co| co.yield_(1).await);
    assert!(is_unpin(&g));
    assert!(is_sync(&g));
}

#[test]
fn generator_holding_an_rc_across_a_yield_is_not_send() {
    let rc = Rc::new(Cell::new(0));
    let g = generator(async move |mut co| {
        let r = rc.clone();
        co.yield_(r.get()).await;
    });
    // This would fail to compile: `fn f<T: Send>(_: T) {} f(g);` (see
    // ui-tests/tests/ui/generator_with_rc_is_not_send.rs). Here: it is still usable.
    assert_eq!(g.collect::<Vec<_>>(), [0]);
}

assert_impl_all!(Co<'static, u8>: Send, Unpin);
assert_not_impl_any!(Co<'static, u8>: Sync, Clone, Copy);
assert_not_impl_any!(Co<'static, Rc<u8>>: Send);
assert_not_impl_any!(Co<'static, u8, Rc<u8>>: Send);
assert_not_impl_any!(Co<'static, u8, (), Rc<u8>>: Send);
assert_impl_all!(Yield<'static, u8, (), ()>: Send, Unpin);
assert_impl_all!(YieldCatching<'static, u8, (), ()>: Send, Unpin);
assert_not_impl_any!(Yield<'static, u8, (), ()>: Sync);
assert_impl_all!(GeneratorState<u8, u8>: Send, Sync, Unpin, Copy);
assert_impl_all!(Status: Send, Sync, Unpin, Copy);
assert_impl_all!(Interrupt<String>: Send, Sync, Unpin);
assert_impl_all!(StartError<std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(SendError<u8, std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(ResumeError<std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(CloseError<u8, std::io::Error>: Send, Sync, Unpin, std::error::Error);

// Async generators.

#[test]
fn async_generator_is_send_when_its_body_is_send_and_always_unpin_and_sync() {
    let v = vec![1, 2, 3];
    let g = cogen::async_generator(async move |mut co| {
        for x in v {
            tokio::task::yield_now().await;
            co.yield_(x).await;
        }
    });
    assert!(is_send(&g));
    assert!(is_unpin(&g));
    assert!(is_sync(&g));
}

#[test]
fn async_generator_holding_an_rc_is_unpin_and_still_usable() {
    let rc = Rc::new(5);
    let mut g = cogen::async_generator(async move |mut co| {
        let r = rc.clone();
        co.yield_(*r).await;
    });
    assert!(is_unpin(&g));
    // Not Send: ui-tests/tests/ui/async_generator_with_rc_is_not_send.rs.
    assert_eq!(
        futures::executor::block_on(futures::StreamExt::next(&mut g)),
        Some(5)
    );
}

#[test]
fn async_operations_are_send_when_the_generator_is() {
    let mut g = cogen::async_coroutine(async |mut co: Co<'_, String, String, String>| {
        co.yield_(String::new()).await;
    });
    assert!(is_send(&g.astart()));
    assert!(is_send(&g.asend(String::new())));
    assert!(is_send(&g.athrow(String::new())));
    assert!(is_send(&g.aclose()));
    assert!(is_send(&g.finish_step()));
    assert!(is_unpin(&g.aclose()));
    let mut plain = cogen::async_generator(async |mut co| co.yield_(1).await);
    assert!(is_send(&plain.anext()));
    assert!(is_unpin(&plain.anext()));
}

#[test]
fn finalized_generator_is_send_and_unpin() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let f = cogen::rt::Finalizer::with_handle(rt.handle().clone());
    let g = f.attach(cogen::async_generator(async |mut co| co.yield_(1).await));
    assert!(is_send(&g));
    assert!(is_unpin(&g));
    assert!(is_sync(&g));
}

#[test]
fn yield_from_stream_futures_are_send_when_the_stream_is() {
    let g = cogen::async_generator(async |mut co| {
        let f = co.yield_from_stream(futures::stream::iter([1, 2]));
        assert!(is_send(&f));
        assert!(is_unpin(&f));
        f.await;
    });
    assert_eq!(futures::executor::block_on(futures::StreamExt::count(g)), 2);
}

assert_impl_all!(cogen::error::ThrowError<std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(cogen::rt::Finalizer: Send, Sync, Unpin, Clone);

// The asyncio toolkit and the pipeline operators.
assert_impl_all!(cogen::rt::Queue<u8>: Send, Sync, Unpin, Clone);
assert_not_impl_any!(cogen::rt::Queue<Rc<u8>>: Send, Sync);
assert_impl_all!(cogen::rt::Task<u8>: Send, Sync, Unpin);
assert_impl_all!(cogen::rt::TaskGroup<u8, String>: Send, Unpin);
assert_impl_all!(cogen::rt::GroupCanceller: Send, Sync, Unpin, Clone);
assert_impl_all!(cogen::rt::Limiter: Send, Sync, Unpin, Clone);
assert_impl_all!(cogen::rt::DebugMode: Send, Sync, Unpin, Copy);
assert_not_impl_any!(cogen::rt::DebugGuard: Send, Sync);
assert_impl_all!(cogen::rt::Runner: Send, Sync, Unpin, Clone);
assert_impl_all!(cogen::rt::ThreadStream<std::ops::Range<u8>>: Send, Sync, Unpin);
assert_impl_all!(cogen::rt::GatherError<std::io::Error>: Send, Sync, std::error::Error);
assert_impl_all!(cogen::rt::ShutDown<u8>: Send, Sync, std::error::Error);
assert_impl_all!(cogen::rt::PutError<u8>: Send, Sync, std::error::Error);
assert_impl_all!(cogen::rt::GetError: Send, Sync, std::error::Error);
assert_impl_all!(cogen::rt::TaskDoneError: Send, Sync, std::error::Error);
assert_impl_all!(cogen::rt::GroupError<u8, String>: Send, std::error::Error);
assert_impl_all!(cogen::rt::Overflow: Send, Sync, Unpin, Copy);
assert_impl_all!(cogen::rt::TimedOut: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(cogen::ops::Merge<futures::stream::Iter<std::ops::Range<u8>>>: Send, Sync, Unpin);
assert_impl_all!(cogen::ops::NoCleanup<futures::stream::Iter<std::ops::Range<u8>>>: Send, Sync, Unpin);
assert_impl_all!(cogen::ops::BoxGen<'static, u8>: Send, Unpin);

#[test]
fn pipeline_stages_are_send_and_unpin_when_their_parts_are() {
    use cogen::ops::StreamOpsExt;
    use cogen::rt::{Overflow, RuntimeOpsExt};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _enter = rt.enter();
    let g = || cogen::async_generator(async |mut co| co.yield_(1u8).await);
    let m = g().map_concurrent(2, |x| async move { x });
    assert!(is_send(&m));
    assert!(is_unpin(&m));
    let b = g().buffer(2, Overflow::Wait);
    assert!(is_send(&b));
    assert!(is_sync(&b));
    assert!(is_unpin(&b));
    let t = g().batch(2, std::time::Duration::from_secs(1));
    assert!(is_send(&t));
    assert!(is_unpin(&t));
    let s = g().space_out(std::time::Duration::from_secs(1));
    assert!(is_send(&s) && is_unpin(&s));
    let i = g().item_timeout(std::time::Duration::from_secs(1));
    assert!(is_send(&i) && is_unpin(&i));
    let q = cogen::rt::Queue::<u8>::new(1).items();
    assert!(is_send(&q) && is_unpin(&q));
    let a = cogen::rt::as_completed([async { 1 }]);
    assert!(is_send(&a) && is_unpin(&a));
}

assert_impl_all!(cogen::io::FileError: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(cogen::io::FileOp: Send, Sync, Unpin, Copy);
assert_impl_all!(cogen::http::FetchError: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(cogen::http::FetchErrorKind: Send, Sync, Unpin, Clone);
assert_impl_all!(cogen::http::Fetcher: Send, Sync, Unpin, Clone);
assert_impl_all!(cogen::http::Page: Send, Sync, Unpin, Clone);
assert_impl_all!(cogen::http::Fetched: Send, Sync, Unpin);

#[test]
fn io_and_http_generators_are_send_and_unpin() {
    let lines = cogen::io::lines("x");
    let chunks = cogen::io::chunks("x", 8);
    let fetcher = cogen::http::Fetcher::new();
    let all = fetcher.fetch_all(vec!["http://localhost/".to_string()]);
    let body = fetcher.body("http://localhost/");
    let text = fetcher.lines("http://localhost/");
    assert!(is_send(&lines) && is_unpin(&lines));
    assert!(is_send(&chunks) && is_unpin(&chunks));
    assert!(is_send(&all) && is_unpin(&all));
    assert!(is_send(&body) && is_unpin(&body));
    assert!(is_send(&text) && is_unpin(&text));
    // A generator spawned on a multi-thread runtime must be Send + 'static.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let items = runtime
        .block_on(async move { tokio::spawn(futures::StreamExt::count(lines)).await })
        .unwrap();
    assert_eq!(items, 1, "one NotFound error");
}

#[test]
fn the_handle_kinds_are_plain_data() {
    use cogen::catching::{Catching, Plain};
    assert_impl_all!(Plain: Send, Sync, Unpin, Copy, std::fmt::Debug);
    assert_impl_all!(Catching: Send, Sync, Unpin, Copy, std::fmt::Debug);
}

#[test]
fn catching_generators_are_send_unpin_and_sync_like_plain_ones() {
    let g = cogen::catching::generator(async |mut co| {
        let _ = co.yield_(String::new()).catching().await;
    });
    assert!(is_send(&g));
    assert!(is_unpin(&g));
    assert!(is_sync(&g));
    let a = cogen::catching::async_generator(async |mut co| {
        let _ = co.yield_(1u8).catching().await;
    });
    assert!(is_send(&a));
    assert!(is_unpin(&a));
    // The kind does not change what a handle may cross: both are `Send` when
    // their types are, as `Co` is.
    assert_impl_all!(Co<'static, u8, u8, u8, cogen::catching::Catching>: Send);
}
