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

// `resume_with`: Python's `send` with the value optional, one entry point.

#[test]
fn resume_with_none_starts_and_some_sends() {
    let mut g = coroutine(async |mut co: Co<'_, i32, i32>| {
        let x = co.yield_(0).await;
        let y = co.yield_(x + 1).await;
        x + y
    });
    assert_eq!(g.resume_with(None), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.resume_with(Some(5)), Ok(GeneratorState::Yielded(6)));
    assert_eq!(g.resume_with(Some(10)), Ok(GeneratorState::Complete(15)));
}

#[test]
fn resume_with_a_value_to_a_fresh_generator_hands_it_back() {
    // Python: "can't send non-None value to a just-started generator".
    let mut g = coroutine(async |mut co: Co<'_, i32, i32>| {
        co.yield_(0).await;
    });
    assert_eq!(g.resume_with(Some(7)), Err(SendError::NotStarted(Some(7))));
    assert_eq!(g.status(), Status::Created);
    assert_eq!(g.resume_with(None), Ok(GeneratorState::Yielded(0)));
}

#[test]
fn resume_with_on_a_finished_generator_hands_back_what_it_was_given() {
    let mut g = coroutine(async |_co: Co<'_, i32, i32>| {});
    assert_eq!(g.resume_with(None), Ok(GeneratorState::Complete(())));
    assert_eq!(g.resume_with(Some(3)), Err(SendError::Finished(Some(3))));
    assert_eq!(g.resume_with(None), Err(SendError::Finished(None)));
}

#[test]
fn resume_with_reports_what_the_body_raises() {
    let mut g = coroutine(async |mut co: Co<'_, i32, i32, String>| {
        let x = co.yield_(0).await;
        co.raise::<()>(format!("bad {x}")).await;
    });
    g.resume_with(None).unwrap();
    assert_eq!(
        g.resume_with(Some(1)),
        Err(SendError::Raised("bad 1".into()))
    );
    assert_eq!(g.status(), Status::Finished);
}

#[test]
#[should_panic(expected = "resume_with(None) was called on a suspended generator")]
fn resume_with_none_on_a_suspended_generator_panics_naming_the_mistake() {
    let mut g = coroutine(async |mut co: Co<'_, i32, i32>| {
        loop {
            co.yield_(0).await;
        }
    });
    g.resume_with(None).unwrap();
    let _ = g.resume_with(None);
}

#[test]
fn resume_with_through_the_generator_trait_matches_the_inherent_method() {
    use cogen::Generator;
    use cogen::protocol::BoxGenerator;
    let mut g: BoxGenerator<'_, i32, i32> =
        Box::new(coroutine(async |mut co: Co<'_, i32, i32>| {
            let x = co.yield_(0).await;
            co.yield_(x * 2).await;
        }));
    assert_eq!(
        Generator::resume_with(&mut g, Some(1)),
        Err(SendError::NotStarted(Some(1)))
    );
    assert_eq!(
        Generator::resume_with(&mut g, None),
        Ok(GeneratorState::Yielded(0))
    );
    assert_eq!(
        Generator::resume_with(&mut g, Some(4)),
        Ok(GeneratorState::Yielded(8))
    );
}

#[test]
#[should_panic(expected = "resume_with(None) was called on a suspended generator")]
fn resume_with_none_through_the_generator_trait_panics_too() {
    use cogen::Generator;

    /// Hand-written: the trait's default `resume_with` (start/send).
    struct Echo(bool);
    impl Generator for Echo {
        type Yield = i32;
        type Sent = i32;
        type Error = std::convert::Infallible;
        type Return = ();
        fn start(
            &mut self,
        ) -> Result<GeneratorState<i32, ()>, cogen::error::StartError<Self::Error>> {
            if std::mem::replace(&mut self.0, true) {
                Err(cogen::error::StartError::AlreadyStarted)
            } else {
                Ok(GeneratorState::Yielded(0))
            }
        }
        fn send(&mut self, v: i32) -> Result<GeneratorState<i32, ()>, SendError<i32, Self::Error>> {
            Ok(GeneratorState::Yielded(v))
        }
        fn throw(&mut self, e: Self::Error) -> Result<GeneratorState<i32, ()>, Self::Error> {
            match e {}
        }
        fn close(&mut self) -> Result<Option<()>, cogen::error::CloseError<i32, Self::Error>> {
            Ok(None)
        }
    }
    let mut g = Echo(false);
    assert_eq!(g.resume_with(None), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.resume_with(Some(3)), Ok(GeneratorState::Yielded(3)));
    let _ = g.resume_with(None);
}
