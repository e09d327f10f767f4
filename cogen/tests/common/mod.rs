//! Helpers shared by the conformance tests: drop and poll counters.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// An ordered log of events (drops, body steps), shared between a test and a body.
#[derive(Clone, Default, Debug)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&self, event: impl Into<String>) {
        self.0.borrow_mut().push(event.into());
    }
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut())
    }
    pub fn events(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
    /// A guard that logs `drop <name>` when dropped.
    pub fn guard(&self, name: &str) -> Guard {
        Guard {
            name: name.to_string(),
            log: self.clone(),
        }
    }
}

/// Logs `drop <name>` exactly when dropped.
#[derive(Debug)]
pub struct Guard {
    name: String,
    log: Log,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.name));
    }
}

/// Counts live instances: incremented on creation, decremented on drop.
#[derive(Debug)]
pub struct Live(Rc<Cell<isize>>);

impl Live {
    pub fn new(counter: &Rc<Cell<isize>>) -> Self {
        counter.set(counter.get() + 1);
        Live(counter.clone())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// Wraps a future and counts how many times it is polled.
#[derive(Debug)]
pub struct Polls<'a, F> {
    pub inner: F,
    pub count: &'a Cell<usize>,
}

impl<F: Future + Unpin> Future for Polls<'_, F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.count.set(self.count.get() + 1);
        Pin::new(&mut self.inner).poll(cx)
    }
}

pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// Collects everything logged through `tracing` on this thread.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// Captures on this thread until the guard drops.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // With tests installing and dropping subscribers on other threads at
        // the same time, a callsite first hit now can keep an interest
        // computed without this subscriber (seen for a callsite only one
        // test reaches); recompute it with this one in place.
        tracing::callsite::rebuild_interest_cache();
        guard
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A thread-safe ordered event log, for bodies that run in spawned tasks.
#[derive(Clone, Default, Debug)]
pub struct Events(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Events {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&self, event: impl Into<String>) {
        self.0.lock().unwrap().push(event.into());
    }
    pub fn get(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
    pub fn count(&self, event: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|e| *e == event)
            .count()
    }
}

/// A hand-written sync sub-generator: yields 1 when started and 2 when
/// resumed (or panics then, if `panic_on_send`), and counts its closes. It
/// has no `Drop` of its own that would close it.
pub struct HandWritten<'a> {
    pub closes: &'a Cell<u32>,
    pub panic_on_send: bool,
}

impl cogen::Generator for HandWritten<'_> {
    type Yield = u8;
    type Sent = ();
    type Error = std::convert::Infallible;
    type Return = ();
    fn start(
        &mut self,
    ) -> Result<cogen::GeneratorState<u8, ()>, cogen::error::StartError<Self::Error>> {
        Ok(cogen::GeneratorState::Yielded(1))
    }
    fn send(
        &mut self,
        (): (),
    ) -> Result<cogen::GeneratorState<u8, ()>, cogen::error::SendError<(), Self::Error>> {
        assert!(!self.panic_on_send, "the sub-generator broke");
        Ok(cogen::GeneratorState::Yielded(2))
    }
    fn throw(&mut self, e: Self::Error) -> Result<cogen::GeneratorState<u8, ()>, Self::Error> {
        match e {}
    }
    fn close(&mut self) -> Result<Option<()>, cogen::error::CloseError<u8, Self::Error>> {
        self.closes.set(self.closes.get() + 1);
        Ok(None)
    }
}
