//! Small error types; each hands back the value it could not deliver.

use core::fmt;

/// Error from [`Gen::start`](crate::Gen::start) and
/// [`AsyncGen::astart`](crate::AsyncGen::astart).
///
/// # Examples
///
/// ```
/// use cogen::{generator, StartError};
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
/// # Examples
///
/// ```
/// use cogen::{coroutine, Co, SendError};
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
/// # Examples
///
/// ```
/// use cogen::{generator, Co, ResumeError};
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
/// # Examples
///
/// ```
/// use cogen::{generator, CloseError, Interrupt};
///
/// let mut stubborn = generator(async |mut co| loop {
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

impl<E> fmt::Display for StartError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StartError::AlreadyStarted => "generator already started",
            StartError::Finished => "generator already finished",
            StartError::Raised(_) => "generator raised an error",
        })
    }
}

impl<S, E> fmt::Display for SendError<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendError::NotStarted(_) => "can't send a value to a just-started generator",
            SendError::Finished(_) => "generator already finished",
            SendError::Raised(_) => "generator raised an error",
            SendError::Running(_) => "generator is already running",
        })
    }
}

impl<E> fmt::Display for ResumeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResumeError::Finished => "generator already finished",
            ResumeError::Raised(_) => "generator raised an error",
        })
    }
}

impl<Y, E> fmt::Display for CloseError<Y, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CloseError::Ignored(_) => "generator ignored close",
            CloseError::Raised(_) => "generator raised an error while closing",
        })
    }
}

macro_rules! error_with_source {
    ($ty:ident<$($p:ident),*>, $raised:path) => {
        impl<$($p: fmt::Debug),*> std::error::Error for $ty<$($p),*>
        where
            E: std::error::Error + 'static,
        {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    $raised(e) => Some(e),
                    _ => None,
                }
            }
        }
    };
}
error_with_source!(StartError<E>, StartError::Raised);
error_with_source!(SendError<S, E>, SendError::Raised);
error_with_source!(ResumeError<E>, ResumeError::Raised);
error_with_source!(CloseError<Y, E>, CloseError::Raised);
