use core::fmt;

/// Error from [`AsyncGen::athrow`](crate::AsyncGen::athrow).
///
/// `Display` names the raised error ("generator raised: rate limited"); it is
/// a `std::error::Error` whenever `E` is `Debug` and `Display`, so a thrown
/// `&str` or `String` works with `?` into `Box<dyn Error>` and anyhow.
///
/// # Examples
///
/// ```
/// use cogen::{async_coroutine, Co};
/// use cogen::error::ThrowError;
///
/// # futures::executor::block_on(async {
/// let mut g = async_coroutine(async |mut co: Co<'_, (), (), &str>| co.yield_(()).await);
/// // Thrown into a fresh generator: nothing runs, the error comes back.
/// assert_eq!(g.athrow("early").await, Err(ThrowError::Raised("early")));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThrowError<E> {
    /// The body let this error out (the thrown one, or another it raised);
    /// the generator has finished.
    Raised(E),
    /// Not delivered: a step that a cancelled operation left in flight is
    /// still running (Python's "already running"). Finish it with
    /// [`finish_step`](crate::AsyncGen::finish_step) or
    /// [`anext`](crate::AsyncGen::anext) first.
    Running(E),
}

impl<E> ThrowError<E> {
    /// The error, whichever way it came back.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(cogen::error::ThrowError::Running(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> E {
        match self {
            ThrowError::Raised(e) | ThrowError::Running(e) => e,
        }
    }
}

impl<E: fmt::Display> fmt::Display for ThrowError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThrowError::Raised(e) => write!(f, "generator raised: {e}"),
            ThrowError::Running(_) => f.write_str("generator is already running"),
        }
    }
}

/// Needs only `Debug + Display` of `E` (as tokio's `SendError<T>`): the inner
/// error is in the message, and [`into_inner`](ThrowError::into_inner) gives
/// it back.
impl<E: fmt::Debug + fmt::Display> std::error::Error for ThrowError<E> {}
