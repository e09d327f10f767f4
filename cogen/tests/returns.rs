//! Return values: a generator completes with a value (PEP 380).
use cogen::{Co, GeneratorState, ResumeError, coroutine, generator};

#[test]
fn return_value_is_reported_once_by_the_completing_resume() {
    let mut g = generator(async |mut co| {
        co.yield_(()).await;
        String::from("result")
    });
    g.next();
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
    g.next();
    assert_eq!(
        g.resume(),
        Ok(GeneratorState::Complete(Err("parse failed".into())))
    );
}

#[test]
fn iterator_discards_the_return_value_like_a_python_for_loop() {
    let g = generator(async |mut co| {
        co.yield_(1).await;
        "ignored by for"
    });
    assert_eq!(g.collect::<Vec<_>>(), [1]);
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
