//! Return values: a generator completes with a value (PEP 380).
use cogen::error::ResumeError;
use cogen::{Co, GeneratorState, coroutine, generator};

#[test]
fn return_value_is_reported_once_by_the_completing_resume() {
    let mut g = generator(async |mut co| {
        co.yield_(()).await;
        String::from("result")
    });
    g.resume().unwrap();
    assert_eq!(
        g.resume(),
        Ok(GeneratorState::Complete("result".to_string()))
    );
    assert_eq!(g.resume(), Err(ResumeError::Finished));
}

#[test]
fn return_value_can_be_a_result_for_fallible_bodies() {
    let mut g = generator(async |mut co| -> Result<u32, String> {
        co.yield_(1).await;
        Err("parse failed".into())
    });
    g.resume().unwrap();
    assert_eq!(
        g.resume(),
        Ok(GeneratorState::Complete(Err("parse failed".into())))
    );
}

#[test]
fn on_return_hands_the_return_value_on_where_a_python_for_loop_drops_it() {
    // `for` over a generator that returns a value does not compile (the value
    // would be lost: ui-tests/tests/ui/iterating_a_generator_that_returns_a_value.rs);
    // `on_return` iterates and hands the value on.
    let mut said = None;
    let g = generator(async |mut co| {
        co.yield_(1).await;
        "kept"
    });
    assert_eq!(g.on_return(|r| said = Some(r)).collect::<Vec<_>>(), [1]);
    assert_eq!(said, Some("kept"));
}

#[test]
fn on_return_is_not_called_when_the_generator_is_closed_early() {
    let mut called = false;
    let mut g = generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
        "not reached"
    })
    .on_return(|_| called = true);
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.get_mut().close(), Ok(None));
    assert_eq!(g.next(), None);
    drop(g);
    assert!(!called);
}

#[test]
fn coroutine_completes_through_send_with_the_return_value() {
    let mut g = coroutine(async |mut co: Co<'_, (), &str>| {
        let mut words = Vec::new();
        loop {
            let w = co.yield_(()).await;
            if w.is_empty() {
                return words.join(" ");
            }
            words.push(w);
        }
    });
    g.start().unwrap();
    g.send("hello").unwrap();
    g.send("world").unwrap();
    assert_eq!(
        g.send(""),
        Ok(GeneratorState::Complete("hello world".to_string()))
    );
}

#[test]
fn return_value_moves_out_without_clone() {
    struct NotClone(u8);
    let mut g = generator(async |_co: Co<'_, ()>| NotClone(7));
    match g.resume() {
        Ok(GeneratorState::Complete(NotClone(n))) => assert_eq!(n, 7),
        _ => panic!("expected completion"),
    }
}
