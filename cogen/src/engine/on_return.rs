//! [`OnReturn`]: iteration that hands the return value on instead of dropping it.

/// An iterator or stream of a generator's yielded values that hands the body's
/// return value to a closure when the body returns. Made by
/// [`Gen::on_return`](crate::Gen::on_return) and
/// [`AsyncGen::on_return`](crate::AsyncGen::on_return).
///
/// # Examples
///
/// ```
/// use cogen::generator;
///
/// let mut summary = None;
/// let firsts: Vec<char> = generator(async |mut co| {
///     co.yield_("alpha").await;
///     co.yield_("beta").await;
///     "2 words"
/// })
/// .on_return(|s| summary = Some(s))
/// .filter_map(|w| w.chars().next())
/// .collect();
/// assert_eq!(firsts, ['a', 'b']);
/// assert_eq!(summary, Some("2 words"));
/// ```
#[must_use = "iterators and streams are lazy and do nothing unless consumed"]
pub struct OnReturn<G, C> {
    generator: G,
    on_return: Option<C>,
}

impl<G, C> OnReturn<G, C> {
    pub(crate) fn new(generator: G, on_return: C) -> Self {
        OnReturn {
            generator,
            on_return: Some(on_return),
        }
    }

    /// The generator and the closure, if it has not been called yet.
    #[inline]
    pub(crate) fn parts(&mut self) -> (&mut G, &mut Option<C>) {
        (&mut self.generator, &mut self.on_return)
    }

    /// The generator, with its whole protocol (`send`, `throw`, `close`).
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut g = generator(async |mut co| {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    /// })
    /// .on_return(drop);
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.get_mut().close(), Ok(None));
    /// assert_eq!(g.next(), None);
    /// ```
    pub fn get_mut(&mut self) -> &mut G {
        &mut self.generator
    }

    /// The generator, to look at (`state`, `is_delegating`).
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen::generator(async |mut co| co.yield_(1).await).on_return(drop);
    /// assert_eq!(g.get_ref().status(), cogen::protocol::Status::Created);
    /// ```
    pub fn get_ref(&self) -> &G {
        &self.generator
    }

    /// The generator back; the closure is dropped uncalled.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::generator;
    ///
    /// let mut g = generator(async |mut co| co.yield_(1).await).on_return(drop);
    /// assert_eq!(g.next(), Some(1));
    /// let mut g = g.into_inner();
    /// assert_eq!(g.resume(), Ok(cogen::GeneratorState::Complete(())));
    /// ```
    pub fn into_inner(self) -> G {
        self.generator
    }
}

// The generator is driven through `&mut`, never pinned (`Gen` and `AsyncGen`
// are `Unpin`).
impl<G: Unpin, C> Unpin for OnReturn<G, C> {}

impl<G: core::fmt::Debug, C> core::fmt::Debug for OnReturn<G, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OnReturn")
            .field("generator", &self.generator)
            .field("called", &self.on_return.is_none())
            .finish()
    }
}
