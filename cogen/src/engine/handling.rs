//! Whether a body's yield points may handle interrupts: a type parameter of
//! the yield handle ([`Co`](crate::Co)) and of a sync generator
//! ([`Gen`](crate::Gen)), chosen by the constructor.

/// What a generator's yield points may do with a throw or a close: the last
/// type parameter of [`Co`](crate::Co) and [`Gen`](crate::Gen). Either
/// [`Plain`] (the constructors at the crate root) or [`Catching`] (those in
/// [`cogen::catching`](crate::catching)). Sealed.
///
/// # Examples
///
/// ```
/// use cogen::catching::{Catching, Handling, Plain};
///
/// fn catches<K: Handling>() -> bool {
///     K::CATCHES
/// }
/// assert!(!catches::<Plain>());
/// assert!(catches::<Catching>());
/// ```
pub trait Handling: sealed::Sealed + 'static {
    /// Whether a yield point may receive a throw or close (`.catching()`).
    const CATCHES: bool;
}

/// The yield points of a body made at the crate root ([`generator`](crate::generator),
/// [`async_generator`](crate::async_generator), ...) do not see interrupts: a
/// throw or close there unwinds the body, running its locals' `Drop`s, like
/// Python's `finally` blocks. Such a sync generator's `Drop` only drops it,
/// so a consumer's loop runs as fast as a hand-written iterator's.
///
/// # Examples
///
/// ```
/// use cogen::catching::Plain;
/// use cogen::{Co, generator};
///
/// let g = generator(async |mut co: Co<'_, i32, (), std::convert::Infallible, Plain>| {
///     co.yield_(1).await;
/// });
/// assert_eq!(g.collect::<Vec<_>>(), [1]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plain {}

/// The yield points of a body made by a constructor in
/// [`cogen::catching`](crate::catching) may opt in to interrupts with
/// `.catching()`, Python's `try: ... yield ... except`. Such a sync
/// generator, dropped while suspended where it may catch the close, is
/// closed first by running its body (Python's finalizer).
///
/// # Examples
///
/// ```
/// use cogen::catching::{self, Catching};
/// use cogen::Co;
///
/// let mut g = catching::generator(async |mut co: Co<'_, i32, (), std::convert::Infallible, Catching>| {
///     co.yield_(1).catching().await.is_err()
/// });
/// g.resume().unwrap();
/// assert_eq!(g.close(), Ok(Some(true)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Catching {}

/// Implemented by [`Catching`] only: what `.catching()` and
/// [`propagate`](crate::Co::propagate) ask of a handle, so that using them
/// in a plain body is a compile error that says which constructor to use.
///
/// # Examples
///
/// ```
/// use cogen::catching::{Catches, Catching};
///
/// fn may_catch<K: Catches>() {}
/// may_catch::<Catching>();
/// ```
///
/// ```compile_fail
/// // A plain body's yield points cannot catch:
/// let mut g = cogen::generator(async |mut co| {
///     let _ = co.yield_(1).catching().await;
/// });
/// ```
#[diagnostic::on_unimplemented(
    message = "this yield point cannot catch interrupts: its generator was made by a plain constructor",
    label = "needs a handle whose yield points may catch",
    note = "make the generator with `cogen::catching::generator` (or `coroutine`, `try_generator`, `async_generator`, ...): its body's handle is `Co<'_, Y, S, E, Catching>`"
)]
pub trait Catches: Handling {}

impl Catches for Catching {}

impl Handling for Plain {
    const CATCHES: bool = false;
}

impl Handling for Catching {
    const CATCHES: bool = true;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Plain {}
    impl Sealed for super::Catching {}
}
