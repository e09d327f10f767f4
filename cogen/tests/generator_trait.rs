//! The `Generator` trait: Python's protocol as a trait, so generators can be
//! named in return types, boxed, and written by hand, and `yield_from`
//! delegates to all of them (Python's `yield from` takes any object with
//! send/throw/close).
use std::convert::Infallible;

use cogen::catching::{self, Catching};
use cogen::error::{CloseError, ResumeError, SendError, StartError};
use cogen::protocol::{BoxGenerator, LocalBoxGenerator};
use cogen::{Co, Generator, GeneratorState, Interrupt, coroutine, generator};

/// A hand-written accumulator: yields its running total, receives numbers,
/// returns the total when sent a negative number, handles a thrown error by
/// resetting, and records its close.
#[derive(Debug, Default)]
struct Accumulator {
    total: i32,
    started: bool,
    finished: bool,
    closed: bool,
}

impl Generator for Accumulator {
    type Yield = i32;
    type Sent = i32;
    type Error = String;
    type Return = i32;

    fn start(&mut self) -> Result<GeneratorState<i32, i32>, StartError<String>> {
        if self.finished {
            return Err(StartError::Finished);
        }
        if std::mem::replace(&mut self.started, true) {
            return Err(StartError::AlreadyStarted);
        }
        Ok(GeneratorState::Yielded(self.total))
    }

    fn send(&mut self, value: i32) -> Result<GeneratorState<i32, i32>, SendError<i32, String>> {
        if self.finished {
            return Err(SendError::Finished(value));
        }
        if !self.started {
            return Err(SendError::NotStarted(value));
        }
        if value < 0 {
            self.finished = true;
            return Ok(GeneratorState::Complete(self.total));
        }
        self.total += value;
        Ok(GeneratorState::Yielded(self.total))
    }

    fn throw(&mut self, error: String) -> Result<GeneratorState<i32, i32>, String> {
        if error == "reset" && self.started && !self.finished {
            self.total = 0;
            return Ok(GeneratorState::Yielded(0));
        }
        self.finished = true;
        Err(error)
    }

    fn close(&mut self) -> Result<Option<i32>, CloseError<i32, String>> {
        self.finished = true;
        self.closed = true;
        Ok(None)
    }
}

#[test]
fn yield_from_a_hand_written_generator_forwards_send_and_returns_its_value() {
    let mut outer = coroutine(async |mut co: Co<'_, i32, i32, String>| {
        let total = co.yield_from(Accumulator::default()).await;
        co.yield_(total * 100).await;
    });
    assert_eq!(outer.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(outer.send(2), Ok(GeneratorState::Yielded(2)));
    assert_eq!(outer.send(3), Ok(GeneratorState::Yielded(5)));
    assert_eq!(outer.send(-1), Ok(GeneratorState::Yielded(500)));
}

#[test]
fn yield_from_a_hand_written_generator_forwards_throw_and_close() {
    let mut acc = Accumulator::default();
    let closed = {
        let mut outer = catching::coroutine(async |mut co: Co<'_, i32, i32, String, Catching>| {
            match co.yield_from(&mut acc).catching().await {
                Err(Interrupt::Throw(e)) => co.yield_(e.len() as i32).await,
                Err(Interrupt::Close) => -1,
                Ok(total) => total,
            }
        });
        outer.start().unwrap();
        outer.send(7).unwrap();
        // Handled by the sub-generator.
        assert_eq!(outer.throw("reset".into()), Ok(GeneratorState::Yielded(0)));
        // Not handled by it: surfaces in the outer body.
        assert_eq!(outer.throw("boom".into()), Ok(GeneratorState::Yielded(4)));
        outer.close()
    };
    assert_eq!(closed, Ok(None));
    assert!(acc.finished);
    assert!(
        !acc.closed,
        "the sub-generator had already finished when the outer closed"
    );

    let mut acc = Accumulator::default();
    let mut outer = coroutine(async |mut co: Co<'_, i32, i32, String>| {
        co.yield_from(&mut acc).await;
    });
    outer.start().unwrap();
    assert_eq!(outer.close(), Ok(None));
    drop(outer);
    assert!(
        acc.closed,
        "closing the outer closed the sub-generator first"
    );
}

/// A tokenizer that hands out a generator callers can iterate and delegate to.
fn words(
    text: &str,
) -> impl Generator<Yield = String, Sent = (), Error = Infallible, Return = ()>
+ Iterator<Item = String>
+ '_ {
    generator(async move |mut co| {
        for w in text.split_whitespace() {
            co.yield_(w.to_string()).await;
        }
    })
}

#[test]
fn a_function_returning_impl_generator_is_iterated_and_delegated_to() {
    assert_eq!(words("a b").collect::<Vec<_>>(), ["a", "b"]);
    let both = generator(async |mut co| {
        co.yield_from(words("a b")).await;
        co.yield_from(words("c")).await;
    });
    assert_eq!(both.collect::<Vec<_>>(), ["a", "b", "c"]);
}

/// A struct that keeps a coroutine in a field.
struct Parser {
    lines: BoxGenerator<'static, usize, String>,
}

#[test]
fn a_boxed_coroutine_lives_in_a_struct_field_and_keeps_the_protocol() {
    let mut p = Parser {
        lines: Box::new(coroutine(async |mut co: Co<'_, usize, String>| {
            let mut count = 0;
            loop {
                let line = co.yield_(count).await;
                count += line.len();
            }
        })),
    };
    assert_eq!(p.lines.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(p.lines.send("abc".into()), Ok(GeneratorState::Yielded(3)));
    assert_eq!(p.lines.close(), Ok(None));
    assert_eq!(
        p.lines.send("x".into()),
        Err(SendError::Finished("x".into()))
    );
}

#[test]
fn boxed_generators_of_different_bodies_share_a_collection_and_are_delegated_to() {
    let rc = std::rc::Rc::new(3);
    let parts: Vec<LocalBoxGenerator<'_, i32>> = vec![
        Box::new(generator(async |mut co| co.yield_(1).await)),
        Box::new(generator(async move |mut co| {
            co.yield_(2).await;
            co.yield_(*rc).await;
        })),
    ];
    let all = generator(async move |mut co| {
        for part in parts {
            co.yield_from(part).await;
        }
    });
    assert_eq!(all.collect::<Vec<_>>(), [1, 2, 3]);
}

#[test]
fn resume_through_the_trait_starts_then_sends_nothing() {
    let mut g: BoxGenerator<'_, u8> = Box::new(generator(async |mut co| {
        co.yield_(1).await;
        co.yield_(2).await;
    }));
    assert_eq!(Generator::resume(&mut g), Ok(GeneratorState::Yielded(1)));
    assert_eq!(Generator::resume(&mut g), Ok(GeneratorState::Yielded(2)));
    assert_eq!(Generator::resume(&mut g), Ok(GeneratorState::Complete(())));
    assert_eq!(Generator::resume(&mut g), Err(ResumeError::Finished));
}

static_assertions::assert_impl_all!(BoxGenerator<'static, u8>: Send, Generator);
static_assertions::assert_not_impl_any!(LocalBoxGenerator<'static, u8>: Send);
