//! send: values flow into the body at its yield points (PEP 342).
mod common;

use cogen::error::SendError;
use cogen::protocol::Status;
use cogen::{Co, GeneratorState, coroutine};
use common::{Log, s};

#[test]
fn sent_value_becomes_the_result_of_the_pending_yield() {
    // The seed's interactive_generator.
    let log = Log::new();
    let mut g = coroutine(async |mut co: Co<'_, &str, &str>| {
        log.push("Generator started");
        let received = co.yield_("Please send data").await;
        log.push(format!("Received: {received}"));
        let received = co.yield_("Send more data").await;
        log.push(format!("Received: {received}"));
        co.yield_("Done").await;
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded("Please send data")));
    assert_eq!(
        g.send("hello"),
        Ok(GeneratorState::Yielded("Send more data"))
    );
    assert_eq!(g.send("world"), Ok(GeneratorState::Yielded("Done")));
    assert_eq!(
        log.events(),
        s(&["Generator started", "Received: hello", "Received: world"])
    );
}

#[test]
fn send_to_a_fresh_generator_hands_the_value_back_and_runs_nothing() {
    let log = Log::new();
    let mut g = coroutine(async |mut co: Co<'_, (), String>| {
        log.push("ran");
        co.yield_(()).await;
    });
    assert_eq!(
        g.send("early".to_string()),
        Err(SendError::NotStarted("early".to_string()))
    );
    assert!(log.events().is_empty());
    assert_eq!(g.status(), Status::Created);
    // Still startable afterwards.
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(())));
}

#[test]
fn send_to_a_finished_generator_hands_the_value_back() {
    let mut g = coroutine(async |mut co: Co<'_, (), Vec<u8>>| {
        co.yield_(()).await;
    });
    g.start().unwrap();
    assert_eq!(g.send(vec![1]), Ok(GeneratorState::Complete(())));
    assert_eq!(g.send(vec![2]), Err(SendError::Finished(vec![2])));
}

#[test]
fn send_can_complete_the_generator_with_its_return_value() {
    let mut g = coroutine(async |mut co: Co<'_, (), u32>| {
        let a = co.yield_(()).await;
        let b = co.yield_(()).await;
        a * b
    });
    g.start().unwrap();
    g.send(6).unwrap();
    assert_eq!(g.send(7), Ok(GeneratorState::Complete(42)));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn send_unit_after_start_is_the_same_as_next() {
    let mut g = cogen::generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded(2)));
}

#[test]
fn running_accumulator_receives_every_sent_value() {
    let mut acc = coroutine(async |mut co: Co<'_, i64, i64>| {
        let mut total = 0;
        loop {
            total += co.yield_(total).await;
        }
    });
    acc.start().unwrap();
    let mut last = 0;
    for v in 1..=100 {
        last = acc.send(v).unwrap().yielded().unwrap();
    }
    assert_eq!(last, 5050);
}

#[test]
fn raising_in_response_to_a_send_is_reported_by_send() {
    let mut g = coroutine(async |mut co: Co<'_, (), i32, String>| {
        loop {
            let v = co.yield_(()).await;
            if v < 0 {
                co.raise::<()>(format!("negative: {v}")).await;
            }
        }
    });
    g.start().unwrap();
    assert_eq!(g.send(1), Ok(GeneratorState::Yielded(())));
    assert_eq!(
        g.send(-5),
        Err(SendError::Raised("negative: -5".to_string()))
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn send_error_displays_lowercase_messages_naming_the_raised_error() {
    use std::error::Error;
    #[derive(Debug)]
    struct Boom;
    impl std::fmt::Display for Boom {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("boom")
        }
    }
    impl Error for Boom {}

    let e: SendError<i32, Boom> = SendError::NotStarted(1);
    assert_eq!(
        e.to_string(),
        "can't send a value to a just-started generator"
    );
    let e: SendError<i32, Boom> = SendError::Raised(Boom);
    assert_eq!(e.to_string(), "generator raised: boom");
    assert!(e.source().is_none(), "the inner error is in the message");
}
