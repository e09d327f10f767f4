use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

/// A timer armed on demand for the timed operators: boxed on first use
/// (so an operator that never arms it needs no runtime), reset after.
#[derive(Debug, Default)]
pub(super) struct Deadline {
    sleep: Option<Pin<Box<Sleep>>>,
    armed: bool,
}

impl Deadline {
    /// Arms it to elapse `after` from now.
    pub(super) fn arm(&mut self, after: Duration) {
        let at = Instant::now() + after;
        match &mut self.sleep {
            Some(sleep) => sleep.as_mut().reset(at),
            None => self.sleep = Some(Box::pin(tokio::time::sleep_until(at))),
        }
        self.armed = true;
    }

    pub(super) fn disarm(&mut self) {
        self.armed = false;
    }

    pub(super) fn is_armed(&self) -> bool {
        self.armed
    }

    /// `Ready` (and disarmed) once it has elapsed, or if it is not armed;
    /// `Pending`, with a wake-up registered, before that.
    pub(super) fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let (true, Some(sleep)) = (self.armed, self.sleep.as_mut()) {
            core::task::ready!(sleep.as_mut().poll(cx));
            self.armed = false;
        }
        Poll::Ready(())
    }
}
