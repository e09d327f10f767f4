//! Python's generators and async generators, and the asyncio toolkit around
//! them, for stable Rust.
//!
//! A generator is an ordinary `async` closure that receives a yield handle,
//! [`Co`]. No macro, no nightly:
//!
//! ```
//! let mut g = cogen::generator(async |mut co| {
//!     co.yield_(1).await;
//!     co.yield_(2).await;
//!     co.yield_(3).await;
//! });
//! assert_eq!(g.resume().unwrap().yielded(), Some(1));
//! assert_eq!(g.collect::<Vec<_>>(), [2, 3]);
//! ```
//!
//! Everything Python's generators do is here: [`send`](Gen::send),
//! [`throw`](Gen::throw) (a body made by [`catching`] may catch and go on),
//! [`close`](Gen::close) (running the body's cleanup), a return value, and
//! `yield from` delegation ([`Co::yield_from`]) that forwards all three. A
//! plain generator, whose yield points cannot catch, costs per item what a
//! hand-written `Iterator` costs.
//!
//! Async generators ([`async_generator`]) are [`futures_core::Stream`]s whose
//! body may await anything between yields, with Python's
//! [`asend`](AsyncGen::asend), [`athrow`](AsyncGen::athrow) and
//! [`aclose`](AsyncGen::aclose) (whose cleanup may await), async delegation,
//! and cancel safety:
//!
//! ```
//! use futures::StreamExt;
//!
//! # futures::executor::block_on(async {
//! let mut g = cogen::async_generator(async |mut co| {
//!     for i in 0..3 {
//!         std::future::ready(()).await; // any future: timers, I/O, channels
//!         co.yield_(i).await;
//!     }
//! });
//! assert_eq!(g.next().await, Some(0));
//! assert_eq!(g.collect::<Vec<_>>().await, [1, 2]);
//! # });
//! ```
//!
//! Errors reach the consumer. A body that returns a `Result` and uses `?` is
//! a try-generator ([`try_generator`], [`try_async_generator`]): its items are
//! `Result<T, E>` and its error is the last one. A generator whose body
//! returns anything but `()` or such a `Result` is not an iterator, since
//! `for` would drop the value; [`Gen::on_return`] hands it on:
//!
//! ```
//! let parsed = cogen::try_generator(async |mut co| {
//!     for s in ["1", "2", "x"] {
//!         co.yield_ok(s.parse::<u8>()?).await;
//!     }
//!     Ok::<(), std::num::ParseIntError>(()) // `?` converts: name the error type once
//! });
//! let items: Vec<_> = parsed.collect();
//! assert_eq!(items[..2], [Ok(1), Ok(2)]);
//! assert!(items[2].is_err()); // the parse error, last
//! ```
//!
//! # Where things are
//!
//! The root holds what a program calls or names every day: the constructors
//! ([`generator`], [`coroutine`], [`try_generator`], [`async_generator`],
//! [`async_coroutine`], [`try_async_generator`]), the generator types
//! [`Gen`] and [`AsyncGen`], the yield handle [`Co`], what a step produces
//! ([`GeneratorState`]) and what a catching yield point receives
//! ([`Interrupt`]), and the traits for naming generators ([`Generator`],
//! [`AsyncGenerator`]). The rest is in modules:
//!
//! - [`catching`]: the same constructors for bodies whose yield points catch
//!   a throw or close (Python's `try`/`except` around a `yield`).
//! - [`error`]: the protocol's error types.
//! - [`future`]: the named futures the operations return.
//! - [`protocol`]: boxed generators, the step types for hand-written ones,
//!   [`protocol::AsyncGeneratorExt`], a generator's [`protocol::Status`], and
//!   the constructors for async bodies that borrow.
//! - [`ops`]: pipeline operators ([`ops::StreamOpsExt`]), [`ops::closing`]
//!   (Python's `aclosing`) and [`ops::AsyncClose`], which lets closing the end
//!   of a pipeline close every generator in it.
//! - `rt` (feature `tokio`): the asyncio toolkit on tokio: `rt::run`, tasks,
//!   `rt::gather`, `rt::TaskGroup`, `rt::Queue`, `rt::to_thread`, debug mode,
//!   and the async-generator `Finalizer`.
//! - `io` (feature `io`): async files, with `io::lines` and `io::chunks` as
//!   async generators.
//! - `http` (feature `http`): `http::fetch_all`, an async generator of
//!   results as requests complete, and response bodies as async generators.
//!
//! Inside, the crate is layered: the engine (the yield handle, the resume
//! protocol, and the only `unsafe`), then sync and async generators, then
//! `ops` and `rt`; `docs/DESIGN.md` in the repository shows how they fit.

#![warn(missing_docs, missing_debug_implementations)]
// docs.rs builds with `--cfg docsrs` on nightly: every item gated by a
// feature shows which one it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod async_gen;
mod engine;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "io")]
pub mod io;
pub mod ops;
#[cfg(feature = "tokio")]
pub mod rt;
mod sync_gen;

pub use async_gen::{AsyncGen, async_coroutine, async_generator, try_async_generator};
pub use engine::{AsyncGenerator, Co, Generator, GeneratorState, Interrupt};
pub use sync_gen::{Gen, coroutine, generator, try_generator};

pub mod catching {
    //! Generators whose yield points may catch a throw or a close: Python's
    //! `try: ... yield ... except GeneratorExit:`. The same constructors as
    //! at the crate root, whose bodies receive a
    //! [`Co<'_, Y, S, E, Catching>`](crate::Co) with `.catching()` on its
    //! yield points and [`propagate`](crate::Co::propagate).
    //!
    //! The constructors at the crate root make [`Plain`] bodies, whose
    //! yield points do not see interrupts: a throw or close unwinds the body,
    //! running its locals' `Drop`s (Python's `finally`). That is the fast
    //! kind: a plain sync generator's `Drop` only drops it, while a catching
    //! one dropped where it may catch is closed by running its body
    //! (Python's finalizer), and that second way into the body keeps LLVM
    //! from folding the body into the consumer's loop (BENCHMARKS.md:
    //! 4 instructions per item against 16). Use these when a body must see
    //! the interrupt: to return a value from `close`, to keep going after a
    //! `throw`, or to await cleanup in an async generator.
    //!
    //! # Examples
    //!
    //! ```
    //! use cogen::{catching, Interrupt};
    //!
    //! let mut g = catching::generator(async |mut co| {
    //!     match co.yield_(1).catching().await {
    //!         Err(Interrupt::Close) => "closed at the first yield",
    //!         _ => "ran to the end",
    //!     }
    //! });
    //! assert_eq!(g.resume().unwrap().yielded(), Some(1));
    //! assert_eq!(g.close(), Ok(Some("closed at the first yield")));
    //! ```
    pub use crate::async_gen::catching::{
        async_coroutine, async_coroutine_scoped, async_generator, async_generator_scoped,
        try_async_generator,
    };
    pub use crate::engine::{Catches, Catching, Handling, Plain};
    pub use crate::sync_gen::catching::{coroutine, generator, try_generator};
}

pub mod error {
    //! The protocol's error types: each hands back what could not be
    //! delivered (the value sent, the error thrown, the value yielded
    //! instead of closing) and shows the error the body raised.
    //!
    //! # Examples
    //!
    //! ```
    //! use cogen::error::SendError;
    //!
    //! let mut g = cogen::coroutine(async |mut co: cogen::Co<'_, u8, u8>| {
    //!     co.yield_(0).await;
    //! });
    //! // Python's rule: a fresh generator takes no value. It is handed back.
    //! assert_eq!(g.send(7), Err(SendError::NotStarted(7)));
    //! ```
    pub use crate::async_gen::ThrowError;
    pub use crate::engine::{CloseError, ResumeError, SendError, StartError};
}

pub mod future {
    //! The futures the generator operations return, named for struct fields
    //! and bounds: the consumer's (`asend`, `athrow`, `aclose`, ...) and the
    //! body's (`yield_`, `yield_from`, `raise`, ...). Most code only
    //! `.await`s them.
    //!
    //! # Examples
    //!
    //! ```
    //! use cogen::future::ANext;
    //! use cogen::GeneratorState;
    //!
    //! // Naming the future, e.g. to keep it in a struct or pass it on.
    //! fn first<G>(step: ANext<'_, G>) -> ANext<'_, G> {
    //!     step
    //! }
    //! # futures::executor::block_on(async {
    //! let mut g = cogen::async_generator(async |mut co| co.yield_(1).await);
    //! assert_eq!(first(g.anext()).await, Ok(GeneratorState::Yielded(1)));
    //! # });
    //! ```
    pub use crate::async_gen::{
        AClose, ANext, ASend, AStart, AThrow, FinishStep, YieldFromStream, YieldFromStreamCatching,
    };
    pub use crate::engine::{
        Raise, Yield, YieldCatching, YieldFrom, YieldFromCatching, YieldFromIter,
        YieldFromIterCatching, YieldFromResuming, YieldFromResumingCatching,
    };
}

pub mod protocol {
    //! Beyond the everyday: generators boxed for struct fields and
    //! collections, the step types a hand-written [`AsyncGenerator`] speaks,
    //! [`AsyncGeneratorExt`] for driving any of them, what makes a generator
    //! an `Iterator` or a `Stream` ([`Finish`], [`Nothing`]), and the
    //! [`Status`] of a generator's life.
    //!
    //! # Examples
    //!
    //! ```
    //! use cogen::protocol::{BoxGenerator, Status};
    //!
    //! let mut gens: Vec<BoxGenerator<'static, u8>> = vec![
    //!     Box::new(cogen::generator(async |mut co| co.yield_(1).await)),
    //!     Box::new(cogen::generator(async |mut co| co.yield_(2).await)),
    //! ];
    //! assert_eq!(gens[1].resume().ok().and_then(|s| s.yielded()), Some(2));
    //! let g = cogen::generator(async |mut co| co.yield_(3).await);
    //! assert_eq!(g.status(), Status::Created);
    //! ```
    //!
    //! [`AsyncGenerator`]: crate::AsyncGenerator
    pub use crate::async_gen::AsyncGeneratorExt;
    pub use crate::engine::{
        Action, BoxAsyncGenerator, BoxGenerator, Finish, LocalBoxAsyncGenerator, LocalBoxGenerator,
        Nothing, OnReturn, Outcome, Status,
    };
}

/// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
