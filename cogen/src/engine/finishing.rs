//! Which generator's body is being dropped on this thread, so that a
//! `YieldFrom` dropped with that body can tell "the delegating generator is
//! being dropped" (close the sub-generator, as Python's finalizer does) from
//! "the body abandoned the delegation and goes on" (a `select!` or `timeout`
//! inside it: leave the sub-generator where it stands).

use core::cell::Cell;

thread_local! {
    /// The id of the generator whose body is being dropped on this thread
    /// (the innermost, when one is dropped inside another's drop; 0: none).
    static FINISHING: Cell<u64> = const { Cell::new(0) };
}

/// Marks generator `id` as dropping its body on this thread until the mark
/// is dropped, which restores the previous one (also on unwind, so that a
/// panicking destructor does not leave an enclosing generator unmarked).
pub(crate) struct Mark(u64);

impl Mark {
    #[inline(always)]
    pub(crate) fn new(id: u64) -> Mark {
        Mark(FINISHING.try_with(|f| f.replace(id)).unwrap_or(0))
    }
}

impl Drop for Mark {
    #[inline(always)]
    fn drop(&mut self) {
        let _ = FINISHING.try_with(|f| f.set(self.0));
    }
}

/// Whether generator `id`'s body is being dropped on this thread right now
/// (and this is not inside a nested generator's drop). Only the innermost
/// mark is kept: a `YieldFrom` moved into another generator's body and
/// dropped with that one (an unusual thing to do) is not seen as its own
/// generator finishing, and leaves its sub-generator as it stands.
pub(crate) fn is_finishing(id: u64) -> bool {
    FINISHING.try_with(|f| f.get() == id).unwrap_or(false)
}
