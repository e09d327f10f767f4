//! Send/Sync/Unpin of the public types.
use std::cell::Cell;
use std::rc::Rc;

use cogen::{
    CloseError, Co, GeneratorState, Interrupt, ResumeError, SendError, StartError, State, Yield,
    YieldCatching, coroutine, generator,
};
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
    // tests/ui/generator_with_rc_is_not_send.rs). Here: it is still usable.
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
assert_impl_all!(State: Send, Sync, Unpin, Copy);
assert_impl_all!(Interrupt<String>: Send, Sync, Unpin);
assert_impl_all!(StartError<std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(SendError<u8, std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(ResumeError<std::io::Error>: Send, Sync, Unpin, std::error::Error);
assert_impl_all!(CloseError<u8, std::io::Error>: Send, Sync, Unpin, std::error::Error);
