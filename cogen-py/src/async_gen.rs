//! [`PyAsyncGenerator`]: a cogen async generator as a Python async generator.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use cogen::AsyncGenerator;
use cogen::protocol::{Action, Outcome};
use futures_util::FutureExt;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration, PyTypeError};
use pyo3::prelude::*;

use crate::{Extract, Incoming, NoneOnly, PyThrowable, Step, exception};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What Python asked for.
enum Op {
    /// `__anext__` (`asend(None)`).
    Next,
    /// `asend(value)`.
    Send(Py<PyAny>),
    /// `athrow(exc)`.
    Throw(PyErr),
    /// `aclose()`.
    Close,
    /// Go on with the step an inline attempt left in flight.
    Continue,
}

/// A Rust async generator with its conversions, behind one object-safe face.
trait DynAsyncGen: Send {
    fn op(&mut self, op: Op) -> BoxFuture<'_, PyResult<Option<Step>>>;
    /// Whether no operation has run yet (dropping it needs no close).
    fn fresh(&self) -> bool;
}

struct TypedAsync<G, C> {
    generator: G,
    _incoming: std::marker::PhantomData<fn() -> C>,
    fresh: bool,
    /// The step an inline attempt left in flight (its action delivered),
    /// for the tokio task that continues it.
    in_flight: Option<Kind>,
}

/// What a step in flight is for.
enum Kind {
    /// `__anext__`, `asend`, or an `athrow` the body receives.
    Step,
    /// `aclose`.
    Close,
    /// An `athrow` a plain generator cannot receive: it is closed, then the
    /// exception goes on.
    CloseThenRaise(PyErr),
}

/// How a step starts.
enum First<S, E> {
    Action(Action<S, E>),
    Close,
    Continue,
}

/// PEP 479: an exception that would end iteration by accident is a
/// `RuntimeError` (its cause kept).
pub(crate) fn pep479(py: Python<'_>, error: PyErr, what: &str) -> PyErr {
    for (name, ends) in [
        (
            "StopIteration",
            error.is_instance_of::<pyo3::exceptions::PyStopIteration>(py),
        ),
        (
            "StopAsyncIteration",
            error.is_instance_of::<PyStopAsyncIteration>(py),
        ),
    ] {
        if ends {
            let runtime = PyRuntimeError::new_err(format!("{what} raised {name}"));
            runtime.set_cause(py, Some(error));
            return runtime;
        }
    }
    error
}

impl<G, C> DynAsyncGen for TypedAsync<G, C>
where
    G: AsyncGenerator + Send + Unpin + 'static,
    G::Error: PyThrowable,
    G::Yield: for<'py> IntoPyObject<'py> + Send,
    G::Return: for<'py> IntoPyObject<'py> + Send,
    G::Sent: Send,
    C: Incoming<G::Sent>,
{
    fn fresh(&self) -> bool {
        self.fresh
    }

    fn op(&mut self, op: Op) -> BoxFuture<'_, PyResult<Option<Step>>> {
        Box::pin(async move {
            let (kind, first) = match (self.in_flight.take(), op) {
                (Some(kind), Op::Continue) => (kind, First::Continue),
                // Nothing in flight to continue: a step that panicked (the
                // generator is finished) or a logic error; end quietly.
                (None, Op::Continue) => return Err(PyStopAsyncIteration::new_err(())),
                // A step left in flight by an attempt that panicked: the
                // generator is finished; answer this operation afresh.
                (_, op) => match op {
                    Op::Continue => unreachable!("matched above"),
                    Op::Close => (Kind::Close, First::Close),
                    Op::Throw(e) => match G::Error::from_thrown(e) {
                        Ok(e) => (Kind::Step, First::Action(Action::Throw(e))),
                        Err(e) => (Kind::CloseThenRaise(e), First::Close),
                    },
                    Op::Next | Op::Send(_) if self.fresh => {
                        if let Op::Send(v) = &op {
                            if Python::attach(|py| !v.bind(py).is_none()) {
                                return Err(PyTypeError::new_err(
                                    "can't send non-None value to a just-started async generator",
                                ));
                            }
                        }
                        (Kind::Step, First::Action(Action::Start))
                    }
                    Op::Next => {
                        let sent = Python::attach(|py| C::convert(py.None().bind(py)))?;
                        (Kind::Step, First::Action(Action::Send(sent)))
                    }
                    Op::Send(v) => {
                        let sent = Python::attach(|py| C::convert(v.bind(py)))?;
                        (Kind::Step, First::Action(Action::Send(sent)))
                    }
                },
            };
            self.fresh = false;
            // Kept here while the step runs: an attempt dropped at `Pending`
            // leaves it for the task that continues.
            self.in_flight = Some(kind);
            let generator = &mut self.generator;
            let mut first = Some(first);
            let outcome = std::future::poll_fn(|cx| {
                let mut g = Pin::new(&mut *generator);
                match first.take() {
                    Some(First::Close) => g.poll_close(cx),
                    Some(First::Action(action)) => g.as_mut().poll_step(cx, Some(action)),
                    Some(First::Continue) | None => g.as_mut().poll_step(cx, None),
                }
            })
            .await;
            let kind = self.in_flight.take().expect("set before the step");
            Python::attach(|py| {
                let raised = |e: G::Error| pep479(py, e.into_exception(), "async generator");
                match (kind, outcome) {
                    (Kind::Step, Outcome::Yielded(y) | Outcome::IgnoredClose(y)) => {
                        Ok(Some(Step::Yielded(y.into_py_any(py)?)))
                    }
                    (_, Outcome::Yielded(_) | Outcome::IgnoredClose(_)) => Err(
                        PyRuntimeError::new_err("async generator ignored GeneratorExit"),
                    ),
                    (_, Outcome::Raised(e)) => Err(raised(e)),
                    (Kind::CloseThenRaise(e), _) => Err(pep479(py, e, "async generator")),
                    (_, Outcome::Returned(r)) => {
                        Ok(Some(Step::Returned(crate::return_value(py, r)?)))
                    }
                    (Kind::Close, Outcome::Closed | Outcome::Rejected(..)) => Ok(None),
                    (Kind::Step, Outcome::Closed | Outcome::Rejected(..)) => {
                        Err(PyStopAsyncIteration::new_err(()))
                    }
                }
            })
        })
    }
}

/// A cogen async generator as a Python async generator: `__aiter__`,
/// `__anext__`, `asend`, `athrow`, `aclose`, usable with `async for` under
/// `asyncio.run`. Each operation returns an asyncio awaitable that runs the
/// Rust body on a tokio runtime (pyo3-async-runtimes), without the GIL.
///
/// # Cancellation
///
/// Cancelling the asyncio task that awaits an operation does not stop the
/// Rust step: it runs to its end on tokio, and its result (an item, or an
/// exception) is kept for the next `__anext__`, so nothing is lost; until it
/// is received, `asend`, `athrow` and `aclose` raise `RuntimeError`. Python
/// instead raises `CancelledError` inside the body; a Rust body cannot
/// receive that.
///
/// Operations start when called, not when awaited, and overlapping ones (a
/// second `__anext__` while one runs) take turns in the order they were
/// called, where Python raises `RuntimeError` ("asynchronous generator is
/// already running"). A body that raises `StopIteration` or
/// `StopAsyncIteration` gives `RuntimeError`, as PEP 479 has Python do. A
/// `PyAsyncGenerator` dropped before it finished is closed on tokio, its
/// cleanup awaited there.
///
/// # Examples
///
/// ```
/// use cogen_py::PyAsyncGenerator;
///
/// let g = PyAsyncGenerator::new(cogen::async_coroutine(
///     async |mut co: cogen::Co<'_, u8, Option<u8>, pyo3::PyErr>| co.yield_(1).await,
/// ));
/// # drop(g);
/// ```
#[pyclass(name = "AsyncGenerator", module = "cogen_py", weakref)]
pub struct PyAsyncGenerator {
    /// `None` only while being dropped.
    inner: Option<Shared>,
    /// The result of an operation whose awaiting asyncio task was cancelled
    /// before the result arrived: the next `__anext__` receives it.
    stash: Stash,
}

type Shared = Arc<tokio::sync::Mutex<Box<dyn DynAsyncGen>>>;
type Guard = tokio::sync::OwnedMutexGuard<Box<dyn DynAsyncGen>>;
type Stash = Arc<std::sync::Mutex<Option<PyResult<Py<PyAny>>>>>;

impl std::fmt::Debug for PyAsyncGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyAsyncGenerator").finish_non_exhaustive()
    }
}

impl PyAsyncGenerator {
    /// Wraps a cogen async generator for Python.
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen_py::PyAsyncGenerator::new(cogen::async_coroutine(
    ///     async |mut co: cogen::Co<'_, u8, Option<u8>, pyo3::PyErr>| co.yield_(1).await,
    /// ));
    /// # drop(g);
    /// ```
    pub fn new<G>(generator: G) -> Self
    where
        G: AsyncGenerator + Send + Unpin + 'static,
        G::Error: PyThrowable,
        G::Yield: for<'py> IntoPyObject<'py> + Send,
        G::Return: for<'py> IntoPyObject<'py> + Send,
        G::Sent: for<'a, 'py> FromPyObject<'a, 'py> + Send,
    {
        Self::wrap::<G, Extract>(generator)
    }

    /// Wraps a plain async generator (one that receives `()`, as
    /// [`cogen::async_generator`] makes): `__anext__` and `asend(None)`
    /// resume it; any other sent value is a `TypeError`. Its error type is
    /// `Infallible` or `PyErr` ([`PyThrowable`](crate::PyThrowable) says
    /// what a throw does).
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen_py::PyAsyncGenerator::plain(cogen::async_generator(async |mut co| {
    ///     co.yield_(1u8).await;
    /// }));
    /// # drop(g);
    /// ```
    pub fn plain<G>(generator: G) -> Self
    where
        G: AsyncGenerator<Sent = ()> + Send + Unpin + 'static,
        G::Error: PyThrowable,
        G::Yield: for<'py> IntoPyObject<'py> + Send,
        G::Return: for<'py> IntoPyObject<'py> + Send,
    {
        Self::wrap::<G, NoneOnly>(generator)
    }

    fn wrap<G, C>(generator: G) -> Self
    where
        G: AsyncGenerator + Send + Unpin + 'static,
        G::Error: PyThrowable,
        G::Yield: for<'py> IntoPyObject<'py> + Send,
        G::Return: for<'py> IntoPyObject<'py> + Send,
        G::Sent: Send,
        C: Incoming<G::Sent> + 'static,
    {
        PyAsyncGenerator {
            stash: Arc::default(),
            inner: Some(Arc::new(tokio::sync::Mutex::new(Box::new(TypedAsync::<
                G,
                C,
            > {
                generator,
                _incoming: std::marker::PhantomData,
                fresh: true,
                in_flight: None,
            })))),
        }
    }

    /// The awaitable for one operation: an asyncio future.
    ///
    /// The operation starts when called (like PyO3's awaitables, unlike
    /// CPython's, which start when awaited): its step is tried inline, on
    /// the caller's thread (inside the tokio runtime's context, the GIL
    /// released); when it completes without waiting, as most steps of a
    /// buffered reader do, the future is already done and no thread is
    /// crossed. When it would wait, a tokio task continues it, holding the
    /// generator until its result is handed to the asyncio loop: operations
    /// take turns in the order they were called. A result whose future was
    /// cancelled meanwhile is kept for the next `__anext__`, so cancelling
    /// loses nothing.
    fn awaitable<'py>(&self, py: Python<'py>, op: Op, kind: OpKind) -> PyResult<Bound<'py, PyAny>> {
        let event_loop = pyo3_async_runtimes::get_running_loop(py)?;
        let future = event_loop.call_method0("create_future")?;
        if let Some(result) = take_stashed(&self.stash, &op)? {
            settle(&future, result)?;
            return Ok(future);
        }
        let inner = self.inner.clone().expect("set until dropped");
        // Queue for the generator now, in call order: tokio's mutex hands
        // itself out first come, first served, and this first poll is what
        // takes the place in line.
        let mut acquire = Box::pin(inner.lock_owned());
        let runtime = pyo3_async_runtimes::tokio::get_runtime();
        let first_poll = {
            let _runtime = runtime.enter();
            acquire
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
        };
        let (guard, op) = match first_poll {
            Poll::Ready(mut guard) => {
                let attempt = py.detach(|| {
                    let _runtime = runtime.enter();
                    let mut step = guard.op(op);
                    let mut cx = Context::from_waker(Waker::noop());
                    step.as_mut().poll(&mut cx)
                });
                match attempt {
                    Poll::Ready(result) => {
                        drop(guard);
                        settle(&future, finish(py, result, kind))?;
                        return Ok(future);
                    }
                    Poll::Pending => (Some(guard), Op::Continue),
                }
            }
            // Another operation holds it: this one waits its turn.
            Poll::Pending => (None, op),
        };
        let (stash, done, event_loop) = (
            self.stash.clone(),
            future.clone().unbind(),
            event_loop.unbind(),
        );
        pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
            let mut guard = match guard {
                Some(guard) => guard,
                None => acquire.await,
            };
            let result = match stashed_for(&stash, &op) {
                Some(result) => result,
                None => {
                    let outcome = AssertUnwindSafe(guard.op(op))
                        .catch_unwind()
                        .await
                        .unwrap_or_else(|panic| Err(panicked(panic)));
                    Python::attach(|py| finish(py, outcome, kind))
                }
            };
            deliver(done, event_loop, stash, result, kind, guard);
        });
        Ok(future)
    }
}

/// Which operation, for how its result reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OpKind {
    /// `__anext__`, `asend`, `athrow`: an item, or `StopAsyncIteration`.
    Item,
    /// `aclose`: `None` (or a value returned while closing).
    Close,
}

/// A panic in the Rust body, as the exception the awaiter receives.
fn panicked(panic: Box<dyn std::any::Any + Send>) -> PyErr {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    PyRuntimeError::new_err(format!(
        "the async generator's Rust body panicked: {message}"
    ))
}

/// A stashed result for `op`, checked at call time: `__anext__` receives
/// it; any other operation is refused until it has been received.
fn take_stashed(stash: &Stash, op: &Op) -> PyResult<Option<PyResult<Py<PyAny>>>> {
    let mut stash = stash.lock().unwrap_or_else(|e| e.into_inner());
    match (stash.as_ref(), op) {
        (None, _) => Ok(None),
        (Some(_), Op::Next) => Ok(stash.take()),
        (Some(_), _) => Err(PyRuntimeError::new_err(
            "the result of a cancelled __anext__() is waiting: await __anext__() to receive it first",
        )),
    }
}

/// The same check once the generator's turn has come (a result may have
/// been stashed while this operation waited).
fn stashed_for(stash: &Stash, op: &Op) -> Option<PyResult<Py<PyAny>>> {
    match take_stashed(stash, op) {
        Ok(stashed) => stashed,
        Err(refused) => Some(Err(refused)),
    }
}

/// Completes an asyncio future (on the loop's thread).
fn settle(future: &Bound<'_, PyAny>, result: PyResult<Py<PyAny>>) -> PyResult<()> {
    let py = future.py();
    match result {
        Ok(value) => future.call_method1("set_result", (value,))?,
        // asyncio refuses a `StopIteration` in a future (the awaiter would
        // never wake): PEP 479's `RuntimeError` instead, if one got here.
        // (`StopAsyncIteration` is how iteration ends: it passes.)
        Err(e) => {
            let e = if e.is_instance_of::<pyo3::exceptions::PyStopIteration>(py) {
                pep479(py, e, "async generator")
            } else {
                e
            };
            future.call_method1("set_exception", (e.into_value(py),))?
        }
    };
    Ok(())
}

/// Hands a result computed on tokio to the asyncio loop: completes the
/// future there, or, if its awaiter was cancelled meanwhile, keeps an item
/// or an error for the next `__anext__`. The generator is let go only then,
/// so the next operation sees the stash.
fn deliver(
    future: Py<PyAny>,
    event_loop: Py<PyAny>,
    stash: Stash,
    result: PyResult<Py<PyAny>>,
    kind: OpKind,
    guard: Guard,
) {
    let keep = move |result: PyResult<Py<PyAny>>, py: Python<'_>| {
        let worth_keeping = match &result {
            Ok(_) => kind == OpKind::Item,
            Err(e) => !e.is_instance_of::<PyStopAsyncIteration>(py),
        };
        if worth_keeping {
            *stash.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        }
    };
    let parcel = std::sync::Mutex::new(Some((result, guard, keep.clone())));
    Python::attach(|py| {
        let callback = pyo3::types::PyCFunction::new_closure(py, None, None, move |args, _| {
            let py = args.py();
            let Some((result, guard, keep)) =
                parcel.lock().unwrap_or_else(|e| e.into_inner()).take()
            else {
                return Ok::<(), PyErr>(());
            };
            let future = future.bind(py);
            if future.call_method0("cancelled")?.is_truthy()? {
                keep(result, py);
            } else {
                settle(future, result)?;
            }
            drop(guard);
            Ok(())
        });
        // If the loop is closed, nobody awaits any more: the callback, and
        // the result and the generator it holds, are dropped with it.
        let _ = callback.and_then(|cb| {
            event_loop
                .bind(py)
                .call_method1("call_soon_threadsafe", (cb,))
        });
    });
}

/// An operation's result as what the awaitable gives Python.
fn finish(py: Python<'_>, result: PyResult<Option<Step>>, kind: OpKind) -> PyResult<Py<PyAny>> {
    match result? {
        Some(Step::Yielded(v)) => Ok(v),
        // `aclose` hands back a value returned while closing.
        Some(Step::Returned(r)) if kind == OpKind::Close => Ok(r),
        // Python's async generators return no value; a Rust one's rides on
        // `StopAsyncIteration` rather than being dropped.
        Some(Step::Returned(r)) => Err(if r.bind(py).is_none() {
            PyStopAsyncIteration::new_err(())
        } else {
            PyStopAsyncIteration::new_err((r,))
        }),
        None if kind == OpKind::Item => Err(PyStopAsyncIteration::new_err(())),
        None => Ok(py.None()),
    }
}

/// A dropped generator is closed on tokio, its cleanup awaited there (as
/// asyncio's finalizer schedules `aclose()` for its own), not skipped.
impl Drop for PyAsyncGenerator {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        if inner.try_lock().is_ok_and(|generator| generator.fresh()) {
            return; // nothing ran: nothing to clean up
        }
        pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
            let mut generator = inner.lock_owned().await;
            // Not once the interpreter is shutting down: the close converts
            // its outcome with the GIL.
            if Python::try_attach(|_| ()).is_some() {
                let _ = AssertUnwindSafe(generator.op(Op::Close))
                    .catch_unwind()
                    .await;
            }
        });
    }
}

#[pymethods]
impl PyAsyncGenerator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.awaitable(py, Op::Next, OpKind::Item)
    }

    /// Python's `await agen.asend(value)`.
    fn asend<'py>(&self, py: Python<'py>, value: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.awaitable(py, Op::Send(value), OpKind::Item)
    }

    /// Python's `await agen.athrow(exc)` (or `athrow(type, value, tb)`).
    #[pyo3(signature = (typ, val = None, tb = None))]
    fn athrow<'py>(
        &self,
        py: Python<'py>,
        typ: Bound<'py, PyAny>,
        val: Option<Bound<'py, PyAny>>,
        tb: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let error = exception(py, typ, val, tb)?;
        self.awaitable(py, Op::Throw(error), OpKind::Item)
    }

    /// Python's `await agen.aclose()`: awaits the Rust cleanup.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.awaitable(py, Op::Close, OpKind::Close)
    }
}
