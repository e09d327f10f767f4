//! Reports of what a generator could not hand to anyone: a close that failed
//! while the generator was being dropped or finalized (Python reports these
//! through `sys.unraisablehook`). Sent to `tracing` at warn level, naming where
//! the generator was made and the error's `Debug`.

use core::fmt;
use core::panic::Location;

use super::Outcome;

/// How to show the error type, captured where the generator is made (the
/// constructors require `E: Debug`; a `Drop` impl cannot).
pub(crate) type DescribeError<E> = fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result;

/// Where a generator was made, how to show its errors, and, for a
/// try-generator, how to find the error in its return value `R`.
pub(crate) struct Origin<E, R> {
    pub(crate) location: &'static Location<'static>,
    describe_error: DescribeError<E>,
    returned_error: fn(&R) -> Option<&E>,
}

impl<E, R> Clone for Origin<E, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E, R> Copy for Origin<E, R> {}

fn no_error<E, R>(_: &R) -> Option<&E> {
    None
}

fn the_error<E, T>(returned: &Result<T, E>) -> Option<&E> {
    returned.as_ref().err()
}

impl<E: fmt::Debug, R> Origin<E, R> {
    /// The caller's location (through `#[track_caller]` constructors).
    #[track_caller]
    #[inline]
    pub(crate) fn here() -> Self {
        Origin {
            location: Location::caller(),
            describe_error: <E as fmt::Debug>::fmt,
            returned_error: no_error::<E, R>,
        }
    }
}

impl<E: fmt::Debug, T> Origin<E, Result<T, E>> {
    /// A try-generator's: an `Err` it returns while closing is reported as
    /// an error it raised.
    #[track_caller]
    #[inline]
    pub(crate) fn here_try() -> Self {
        Origin {
            location: Location::caller(),
            describe_error: <E as fmt::Debug>::fmt,
            returned_error: the_error::<E, T>,
        }
    }
}

/// Shows an error through a captured `DescribeError`.
struct Described<'a, E>(&'a E, DescribeError<E>);

impl<E> fmt::Debug for Described<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.1)(self.0, f)
    }
}

impl<E, R> Origin<E, R> {
    /// Reports a close whose result nobody receives when it did not succeed:
    /// `kind` is "generator" or "async generator", `how` says who closed it.
    /// A try-generator's returned `Err` counts as raised.
    pub(crate) fn report_close<Y, S>(&self, kind: &str, how: &str, outcome: &Outcome<Y, R, S, E>) {
        match outcome {
            Outcome::Raised(error) => self.raised_while_closing(kind, how, error),
            Outcome::Returned(value) => {
                if let Some(error) = (self.returned_error)(value) {
                    self.raised_while_closing(kind, how, error);
                }
            }
            Outcome::IgnoredClose(_) => self.ignored_close(kind, how),
            _ => {}
        }
    }

    /// Reports a sub-generator's close, made because the generator
    /// delegating to it was dropped, when it did not succeed. An ignored
    /// close leaves the sub-generator suspended (its owner may resume it).
    pub(crate) fn report_abandoned_close<Y, S>(&self, outcome: &Outcome<Y, R, S, E>) {
        const HOW: &str = "the generator delegating to it was dropped";
        match outcome {
            Outcome::IgnoredClose(_) => self.ignored_abandoned_close(HOW),
            outcome => self.report_close("generator", HOW, outcome),
        }
    }

    #[cold]
    #[inline(never)]
    fn ignored_abandoned_close(&self, how: &str) {
        let origin = self.location;
        tracing::warn!(
            target: "cogen",
            created_at = %origin,
            "generator created at {origin} ignored its close (it yielded again) when it was \
             closed because {how}; it stays suspended"
        );
    }

    #[cold]
    #[inline(never)]
    fn raised_while_closing(&self, kind: &str, how: &str, error: &E) {
        let origin = self.location;
        let error = Described(error, self.describe_error);
        tracing::warn!(
            target: "cogen",
            created_at = %origin,
            error = ?error,
            "{kind} created at {origin} raised {error:?} while it was closed because {how}; \
             nobody could receive the error"
        );
    }

    #[cold]
    #[inline(never)]
    fn ignored_close(&self, kind: &str, how: &str) {
        let origin = self.location;
        tracing::warn!(
            target: "cogen",
            created_at = %origin,
            "{kind} created at {origin} ignored its close (it yielded again) when it was \
             closed because {how}; its body was dropped without finishing"
        );
    }
}

/// Reports that a hand-written sub-generator (which has no [`Origin`]) did
/// not close cleanly when the generator delegating to it was dropped.
#[cold]
#[inline(never)]
pub(crate) fn abandoned_close_failed(type_name: &str, what: &str) {
    tracing::warn!(
        target: "cogen",
        "sub-generator {type_name} did not close cleanly when the generator delegating to \
         it was dropped ({what}); nobody could receive the result"
    );
}

/// Reports that a sub-generator's close, made while a panic unwound its
/// delegating generator's drop, panicked too (a second panic would abort).
#[cold]
#[inline(never)]
pub(crate) fn close_panicked_while_unwinding() {
    tracing::warn!(
        target: "cogen",
        "a sub-generator panicked while it was closed because the generator delegating to \
         it was dropped during a panic; that second panic was caught (it would abort the \
         process) and the first goes on"
    );
}

impl<E, R> fmt::Debug for Origin<E, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.location, f)
    }
}
