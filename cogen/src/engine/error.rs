//! Small error types; each hands back the value it could not deliver.

use core::fmt;

/// Error from [`Gen::start`](crate::Gen::start) and
/// [`AsyncGen::astart`](crate::AsyncGen::astart).
///
/// `Display` names the raised error ("generator raised: rate limited"); it is
/// a `std::error::Error` whenever the values are `Debug` and the error
/// `Display`, so a thrown `&str` or `String` works with `?` into
/// `Box<dyn Error>` and anyhow.
///
/// # Examples
///
/// ```
/// use cogen::generator;
/// use cogen::error::StartError;
///
/// let mut g = generator(async |mut co| co.yield_(1).await);
/// g.start().unwrap();
/// assert_eq!(g.start(), Err(StartError::AlreadyStarted));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StartError<E> {
    /// The generator has already started; resume it with `send`.
    AlreadyStarted,
    /// The generator has finished (Python's `StopIteration`).
    Finished,
    /// The body raised this error before its first yield.
    Raised(E),
}

/// Error from [`Gen::send`](crate::Gen::send) and
/// [`AsyncGen::asend`](crate::AsyncGen::asend); hands the value back.
///
/// `Display` names the raised error ("generator raised: rate limited"); it is
/// a `std::error::Error` whenever the values are `Debug` and the error
/// `Display`, so a thrown `&str` or `String` works with `?` into
/// `Box<dyn Error>` and anyhow.
///
/// # Examples
///
/// ```
/// use cogen::{coroutine, Co};
/// use cogen::error::SendError;
///
/// let mut g = coroutine(async |mut co: Co<'_, (), i32>| {
///     co.yield_(()).await;
/// });
/// // Python: "can't send non-None value to a just-started generator".
/// assert_eq!(g.send(5), Err(SendError::NotStarted(5)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendError<S, E> {
    /// The generator has not started: call `start` first (Python's `TypeError`).
    NotStarted(S),
    /// The generator has finished (Python's `StopIteration`).
    Finished(S),
    /// The body raised this error instead of yielding.
    Raised(E),
    /// An async generator is still in the middle of a step that a cancelled
    /// operation left in flight (Python's "already running"): finish that step
    /// first with [`anext`](crate::AsyncGen::anext) or
    /// [`finish_step`](crate::AsyncGen::finish_step). A sync [`Gen`](crate::Gen)
    /// never returns this.
    Running(S),
}

/// Error from [`Gen::resume`](crate::Gen::resume) and
/// [`AsyncGen::anext`](crate::AsyncGen::anext).
///
/// `Display` names the raised error ("generator raised: rate limited"); it is
/// a `std::error::Error` whenever the values are `Debug` and the error
/// `Display`, so a thrown `&str` or `String` works with `?` into
/// `Box<dyn Error>` and anyhow.
///
/// # Examples
///
/// ```
/// use cogen::{generator, Co};
/// use cogen::error::ResumeError;
///
/// let mut g = generator(async |_co: Co<'_, u8>| {});
/// assert!(g.resume().is_ok());
/// assert_eq!(g.resume(), Err(ResumeError::Finished));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResumeError<E> {
    /// The generator has finished (Python's `StopIteration`).
    Finished,
    /// The body raised this error instead of yielding.
    Raised(E),
}

/// Error from [`Gen::close`](crate::Gen::close) and
/// [`AsyncGen::aclose`](crate::AsyncGen::aclose).
///
/// `Display` names the raised error ("generator raised: rate limited"); it is
/// a `std::error::Error` whenever the values are `Debug` and the error
/// `Display`, so a thrown `&str` or `String` works with `?` into
/// `Box<dyn Error>` and anyhow.
///
/// # Examples
///
/// ```
/// use cogen::{generator, Interrupt};
/// use cogen::error::CloseError;
///
/// let mut stubborn = cogen::catching::generator(async |mut co| loop {
///     let _ = co.yield_("still here").catching().await;
/// });
/// stubborn.next();
/// // Python: RuntimeError("generator ignored GeneratorExit").
/// assert_eq!(stubborn.close(), Err(CloseError::Ignored("still here")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseError<Y, E> {
    /// The body yielded this value instead of finishing.
    Ignored(Y),
    /// The body raised this error while closing.
    Raised(E),
}

// `Display` names the inner error when there is one ("generator raised:
// rate limited"); the `Error` impls need only `Debug + Display` of the values,
// as tokio's `SendError<T>` does, so a thrown `&str` or `String` works with `?`
// into `Box<dyn Error>` and anyhow. The inner error is in the message, not in
// `source()` (which would need `E: Error`); match the variant to get it back.

impl<E: fmt::Display> fmt::Display for StartError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::AlreadyStarted => f.write_str("generator already started"),
            StartError::Finished => f.write_str("generator already finished"),
            StartError::Raised(e) => write!(f, "generator raised: {e}"),
        }
    }
}

impl<S, E: fmt::Display> fmt::Display for SendError<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::NotStarted(_) => {
                f.write_str("can't send a value to a just-started generator")
            }
            SendError::Finished(_) => f.write_str("generator already finished"),
            SendError::Raised(e) => write!(f, "generator raised: {e}"),
            SendError::Running(_) => f.write_str("generator is already running"),
        }
    }
}

impl<E: fmt::Display> fmt::Display for ResumeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResumeError::Finished => f.write_str("generator already finished"),
            ResumeError::Raised(e) => write!(f, "generator raised: {e}"),
        }
    }
}

impl<Y, E: fmt::Display> fmt::Display for CloseError<Y, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseError::Ignored(_) => f.write_str("generator ignored close"),
            CloseError::Raised(e) => write!(f, "generator raised while closing: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for StartError<E> {}
impl<S: fmt::Debug, E: fmt::Debug + fmt::Display> std::error::Error for SendError<S, E> {}
impl<E: fmt::Debug + fmt::Display> std::error::Error for ResumeError<E> {}
impl<Y: fmt::Debug, E: fmt::Debug + fmt::Display> std::error::Error for CloseError<Y, E> {}
