//! The `AsyncGenerator` trait: the async protocol as one poll method, so
//! async generators can be named, boxed, written by hand, and delegated to
//! (as Python's `yield from` takes any object with send/throw/close).
use std::cell::Cell;
use std::convert::Infallible;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use cogen::catching::Catching;
use cogen::error::{ResumeError, SendError, StartError, ThrowError};
use cogen::protocol::{
    Action, AsyncGeneratorExt, BoxAsyncGenerator, LocalBoxAsyncGenerator, Outcome, Status,
};
use cogen::{
    AsyncGenerator, Co, GeneratorState, Interrupt, async_coroutine, async_generator, generator,
};
use futures::StreamExt;
use futures::executor::block_on;

/// A hand-written async accumulator: every step first returns `Pending`
/// once (waking itself), as a body awaiting I/O would. Yields its running
/// total, receives numbers, returns the total when sent a negative number,
/// resets on a thrown error, and counts its closes.
#[derive(Default)]
struct Accumulator {
    total: i32,
    state: Option<Status>,
    waiting: Option<Action<i32, String>>,
    polls: Rc<Cell<usize>>,
    closes: Rc<Cell<usize>>,
}

impl AsyncGenerator for Accumulator {
    type Yield = i32;
    type Sent = i32;
    type Error = String;
    type Return = i32;

    fn poll_step(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<i32, String>>,
    ) -> Poll<Outcome<i32, i32, i32, String>> {
        let this = &mut *self;
        this.polls.set(this.polls.get() + 1);
        let state = this.state.unwrap_or(Status::Created);
        let action = match (action, this.waiting.take()) {
            (Some(action), None) => {
                match (&action, state) {
                    (Action::Start, Status::Created) | (Action::Send(_), Status::Suspended) => {}
                    (Action::Throw(_), Status::Suspended) => {}
                    (Action::Close, Status::Suspended) => {}
                    (Action::Throw(_), Status::Created | Status::Finished) => {
                        this.state = Some(Status::Finished);
                        let Action::Throw(e) = action else {
                            unreachable!()
                        };
                        return Poll::Ready(Outcome::Raised(e));
                    }
                    (Action::Close, _) => {
                        this.state = Some(Status::Finished);
                        return Poll::Ready(Outcome::Closed);
                    }
                    _ => return Poll::Ready(Outcome::Rejected(action, state)),
                }
                // Wait once, as if for I/O.
                this.waiting = Some(action);
                this.state = Some(Status::Running);
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            (None, Some(action)) => action,
            (Some(action), Some(_)) => {
                return Poll::Ready(Outcome::Rejected(action, Status::Running));
            }
            (None, None) => panic!("polled again after the step completed"),
        };
        this.state = Some(Status::Suspended);
        Poll::Ready(match action {
            Action::Start => Outcome::Yielded(this.total),
            Action::Send(n) if n < 0 => {
                this.state = Some(Status::Finished);
                Outcome::Returned(this.total)
            }
            Action::Send(n) => {
                this.total += n;
                Outcome::Yielded(this.total)
            }
            Action::Throw(_) => {
                this.total = 0;
                Outcome::Yielded(0)
            }
            Action::Close => {
                this.closes.set(this.closes.get() + 1);
                this.state = Some(Status::Finished);
                Outcome::Closed
            }
        })
    }
}

#[test]
fn a_hand_written_async_generator_is_driven_through_the_ext_methods() {
    block_on(async {
        let mut acc = Accumulator::default();
        assert_eq!(acc.asend(1).await, Err(SendError::NotStarted(1)));
        assert_eq!(acc.astart().await, Ok(GeneratorState::Yielded(0)));
        assert_eq!(acc.astart().await, Err(StartError::AlreadyStarted));
        assert_eq!(acc.asend(5).await, Ok(GeneratorState::Yielded(5)));
        assert_eq!(
            acc.athrow("reset".into()).await,
            Ok(GeneratorState::Yielded(0))
        );
        assert_eq!(acc.asend(-1).await, Ok(GeneratorState::Complete(0)));
        assert_eq!(acc.asend(1).await, Err(SendError::Finished(1)));
        assert_eq!(acc.aclose().await, Ok(None));
    });
}

#[test]
fn yield_from_a_hand_written_async_generator_forwards_send_and_returns_its_value() {
    block_on(async {
        let polls = Rc::new(Cell::new(0));
        let acc = Accumulator {
            polls: polls.clone(),
            ..Accumulator::default()
        };
        let mut outer = cogen::async_coroutine(async move |mut co: Co<'_, i32, i32, String>| {
            let total = co.yield_from(acc).await;
            co.yield_(total * 100).await;
        });
        assert_eq!(outer.astart().await, Ok(GeneratorState::Yielded(0)));
        assert_eq!(outer.asend(2).await, Ok(GeneratorState::Yielded(2)));
        assert_eq!(outer.asend(3).await, Ok(GeneratorState::Yielded(5)));
        assert_eq!(outer.asend(-1).await, Ok(GeneratorState::Yielded(500)));
        // Each of the four steps was polled twice: its `Pending` reached the
        // outer generator's consumer and its wake-up resumed it.
        assert_eq!(polls.get(), 8);
    });
}

#[test]
fn yield_from_a_hand_written_async_generator_forwards_throw_and_close() {
    block_on(async {
        let closes = Rc::new(Cell::new(0));
        let acc = Accumulator {
            closes: closes.clone(),
            ..Accumulator::default()
        };
        let mut outer = cogen::catching::async_coroutine_scoped(
            async move |mut co: Co<'_, i32, i32, String, Catching>| match co
                .yield_from(acc)
                .catching()
                .await
            {
                Err(Interrupt::Close) => -1,
                Err(Interrupt::Throw(_)) => -2,
                Ok(total) => total,
            },
        );
        outer.astart().await.unwrap();
        outer.asend(4).await.unwrap();
        // Handled by the sub-generator: it resets and goes on.
        assert_eq!(
            outer.athrow("x".into()).await,
            Ok(GeneratorState::Yielded(0))
        );
        // The close reaches it, then continues out in the outer body.
        assert_eq!(outer.aclose().await, Ok(Some(-1)));
        assert_eq!(closes.get(), 1);
    });
}

#[test]
fn a_function_returning_impl_async_generator_is_delegated_to() {
    fn numbers() -> impl AsyncGenerator<Yield = u32, Sent = (), Error = Infallible, Return = u32> {
        async_generator(async |mut co| {
            co.yield_(1).await;
            co.yield_(2).await;
            3
        })
    }
    block_on(async {
        let outer = async_generator(async |mut co| {
            let three = co.yield_from(numbers()).await;
            co.yield_(three).await;
        });
        assert_eq!(outer.collect::<Vec<_>>().await, [1, 2, 3]);
    });
}

#[test]
fn boxed_async_generators_of_different_kinds_share_a_collection_and_are_streams() {
    block_on(async {
        let gens: Vec<BoxAsyncGenerator<'static, u32>> = vec![
            Box::pin(async_generator(async |mut co| co.yield_(1).await)),
            Box::pin(generator(async |mut co| {
                co.yield_(2).await;
                co.yield_(3).await;
            })),
        ];
        let mut all = Vec::new();
        for g in gens {
            all.extend(g.collect::<Vec<_>>().await);
        }
        assert_eq!(all, [1, 2, 3]);
    });
}

#[test]
fn a_boxed_try_async_generator_streams_its_error_as_the_last_item() {
    block_on(async {
        let g: BoxAsyncGenerator<'static, Result<u8, String>, (), String, Result<(), String>> =
            Box::pin(cogen::try_async_generator(async |mut co| {
                co.yield_ok(1).await;
                Err("rate limited".to_string())?;
                Ok(())
            }));
        assert_eq!(
            g.collect::<Vec<_>>().await,
            [Ok(1), Err("rate limited".to_string())]
        );
    });
}

#[test]
fn a_boxed_async_coroutine_in_a_struct_field_keeps_the_protocol() {
    struct Session {
        averager: BoxAsyncGenerator<'static, f64, f64, String>,
    }
    block_on(async {
        let mut s = Session {
            averager: Box::pin(async_coroutine(async |mut co: Co<'_, f64, f64, String>| {
                let (mut sum, mut n) = (0.0, 0.0);
                loop {
                    let x = co.yield_(if n > 0.0 { sum / n } else { 0.0 }).await;
                    sum += x;
                    n += 1.0;
                }
            })),
        };
        assert_eq!(s.averager.astart().await, Ok(GeneratorState::Yielded(0.0)));
        assert_eq!(
            s.averager.asend(4.0).await,
            Ok(GeneratorState::Yielded(4.0))
        );
        assert_eq!(
            s.averager.asend(2.0).await,
            Ok(GeneratorState::Yielded(3.0))
        );
        assert_eq!(
            s.averager.athrow("stop".into()).await,
            Err(ThrowError::Raised("stop".into()))
        );
        assert_eq!(s.averager.anext_state(), Status::Finished);
    });
}

/// The boxed form has no `state()`; a rejected start says where it stands.
trait AnextState {
    fn anext_state(&mut self) -> Status;
}
impl<G: AsyncGenerator + Unpin + ?Sized> AnextState for G {
    fn anext_state(&mut self) -> Status {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match Pin::new(self).poll_step(&mut cx, Some(Action::Start)) {
            Poll::Ready(Outcome::Rejected(_, state)) => state,
            _ => Status::Created,
        }
    }
}

#[test]
fn a_local_boxed_async_generator_may_hold_an_rc_across_awaits() {
    block_on(async {
        let shared = Rc::new(7);
        let mut g: LocalBoxAsyncGenerator<'_, i32> =
            Box::pin(cogen::async_generator(async move |mut co| {
                let held = shared.clone();
                futures::future::ready(()).await;
                co.yield_(*held).await;
            }));
        assert_eq!(g.anext().await, Ok(GeneratorState::Yielded(7)));
        assert_eq!(g.anext().await, Ok(GeneratorState::Complete(())));
        assert_eq!(g.anext().await, Err(ResumeError::Finished));
    });
}

#[test]
fn a_sync_generator_is_an_async_generator_that_never_waits() {
    block_on(async {
        let mut g = generator(async |mut co| {
            co.yield_(1).await;
            "r"
        });
        assert_eq!(
            AsyncGeneratorExt::anext(&mut g).await,
            Ok(GeneratorState::Yielded(1))
        );
        assert_eq!(
            AsyncGeneratorExt::anext(&mut g).await,
            Ok(GeneratorState::Complete("r"))
        );
    });
}

static_assertions::assert_impl_all!(BoxAsyncGenerator<'static, u8>: Send, AsyncGenerator, futures::Stream, Unpin);
static_assertions::assert_not_impl_any!(LocalBoxAsyncGenerator<'static, u8>: Send);
static_assertions::assert_impl_all!(LocalBoxAsyncGenerator<'static, u8>: AsyncGenerator, futures::Stream);
