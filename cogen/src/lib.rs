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
//! assert_eq!(g.next(), Some(1));
//! assert_eq!(g.collect::<Vec<_>>(), [2, 3]);
//! ```
//!
//! Everything Python's generators do is here: [`send`](Gen::send),
//! [`throw`](Gen::throw) (the body may catch and go on),
//! [`close`](Gen::close) (running the body's cleanup), a return value, and
//! `yield from` delegation ([`Co::yield_from`]) that forwards all three.
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
//! # Layers
//!
//! - `engine`: the yield handle [`Co`], the resume protocol, and the only
//!   `unsafe` in the crate.
//! - `sync`: [`Gen`], [`generator`], [`coroutine`].
//! - `async_gen`: [`AsyncGen`], [`async_generator`], [`async_coroutine`],
//!   [`closing`].
//! - `rt` (feature `tokio`): the asyncio toolkit on tokio: `rt::run`,
//!   tasks, `rt::gather`, `rt::TaskGroup`, `rt::Queue`,
//!   `rt::to_thread`, debug mode, and the async-generator
//!   `Finalizer`.
//! - [`ops`]: pipeline operators ([`ops::OpsExt`]) and [`AsyncClose`], which
//!   lets closing the end of a pipeline close every generator in it.
//!
//! - `io` (feature `io`): async files, with `io::lines` and `io::chunks`
//!   as async generators.
//! - `http` (feature `http`): `http::fetch_all`, an async generator of
//!   results as requests complete, and response bodies as async generators.
//!
//! See `docs/DESIGN.md` in the repository for how they fit together.

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
mod sync;

pub use async_gen::{
    AClose, ANext, ASend, AStart, AThrow, AsyncClose, AsyncGen, AsyncGeneratorExt, FinishStep,
    ThrowError, YieldFromStream, YieldFromStreamCatching, async_coroutine, async_coroutine_scoped,
    async_generator, async_generator_scoped, closing, try_async_generator,
};
pub use engine::{
    Action, AsyncGenerator, BoxAsyncGenerator, BoxGenerator, CloseError, Co, Finish, Generator,
    GeneratorState, Interrupt, LocalBoxAsyncGenerator, LocalBoxGenerator, Nothing, OnReturn,
    Outcome, Raise, ResumeError, SendError, StartError, State, Yield, YieldCatching, YieldFrom,
    YieldFromCatching, YieldFromIter, YieldFromIterCatching, YieldFromResuming,
    YieldFromResumingCatching,
};
pub use sync::{Gen, coroutine, generator, try_generator};

/// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
