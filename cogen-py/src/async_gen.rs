//! [`PyAsyncGenerator`]: a cogen async generator as a Python async generator.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use cogen::AsyncGenerator;
use cogen::protocol::{Action, Outcome};
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
}

struct TypedAsync<G, C> {
    generator: G,
    _incoming: std::marker::PhantomData<fn() -> C>,
    fresh: bool,
    /// A step a cancelled awaitable left in flight (its asyncio task was
    /// cancelled after the body started awaiting): the next `__anext__`
    /// continues it and delivers its item.
    in_flight: bool,
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
    fn op(&mut self, op: Op) -> BoxFuture<'_, PyResult<Option<Step>>> {
        Box::pin(async move {
            let action = if self.in_flight {
                match op {
                    Op::Next | Op::Continue => None,
                    Op::Close => Some(Action::Close),
                    Op::Send(_) | Op::Throw(_) => {
                        return Err(PyRuntimeError::new_err(
                            "a cancelled step of this async generator is still in flight: \
                             await __anext__() or aclose() first",
                        ));
                    }
                }
            } else {
                Some(match op {
                    Op::Continue => unreachable!("only a step in flight is continued"),
                    Op::Close => Action::Close,
                    Op::Throw(e) => match G::Error::from_thrown(e) {
                        Ok(e) => Action::Throw(e),
                        // It cannot receive it: close it (its cleanup is
                        // awaited), then the exception goes on.
                        Err(e) => {
                            self.fresh = false;
                            let generator = &mut self.generator;
                            let mut first = true;
                            let outcome = std::future::poll_fn(|cx| {
                                let g = Pin::new(&mut *generator);
                                if std::mem::take(&mut first) {
                                    g.poll_close(cx)
                                } else {
                                    g.poll_step(cx, None)
                                }
                            })
                            .await;
                            if let Outcome::Raised(raised) = outcome {
                                return Err(raised.into_exception());
                            }
                            return Err(e);
                        }
                    },
                    Op::Next | Op::Send(_) if self.fresh => {
                        if let Op::Send(v) = &op {
                            let not_none = Python::attach(|py| !v.bind(py).is_none());
                            if not_none {
                                return Err(PyTypeError::new_err(
                                    "can't send non-None value to a just-started async generator",
                                ));
                            }
                        }
                        Action::Start
                    }
                    Op::Next => Action::Send(Python::attach(|py| C::convert(py.None().bind(py)))?),
                    Op::Send(v) => Action::Send(Python::attach(|py| C::convert(v.bind(py)))?),
                })
            };
            self.fresh = false;
            let closing = matches!(action, Some(Action::Close));
            let mut action = action;
            let mut first = true;
            self.in_flight = true;
            let generator = &mut self.generator;
            let outcome = std::future::poll_fn(|cx| {
                let mut g = Pin::new(&mut *generator);
                if std::mem::take(&mut first) && matches!(action, Some(Action::Close)) {
                    action = None;
                    return g.poll_close(cx);
                }
                g.as_mut().poll_step(cx, action.take())
            })
            .await;
            self.in_flight = false;
            Python::attach(|py| match outcome {
                Outcome::Yielded(y) | Outcome::IgnoredClose(y) if !closing => {
                    Ok(Some(Step::Yielded(y.into_py_any(py)?)))
                }
                Outcome::Yielded(_) | Outcome::IgnoredClose(_) => Err(PyRuntimeError::new_err(
                    "async generator ignored GeneratorExit",
                )),
                Outcome::Returned(r) => Ok(Some(Step::Returned(crate::return_value(py, r)?))),
                Outcome::Raised(e) => Err(e.into_exception()),
                Outcome::Closed => Ok(None),
                Outcome::Rejected(..) => Err(PyStopAsyncIteration::new_err(())),
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
/// Cancelling the asyncio task that awaits an operation drops the Rust side
/// of that awaitable; the body stays parked at its await, and nothing is
/// lost: the next `__anext__` continues that step and delivers its item
/// (`asend` and `athrow` raise `RuntimeError` until then; `aclose` drops a
/// body parked mid-await, as cogen's `aclose` does). Python instead raises
/// `CancelledError` inside the body; a Rust body cannot receive that.
///
/// Operations that overlap (a second `__anext__` awaited while one runs)
/// take turns, in order, where Python raises `RuntimeError` ("asynchronous
/// generator is already running"): waiting loses nothing, and tells a
/// cancelled operation (whose Rust side tokio drops a moment later) from a
/// running one without a race.
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
#[pyclass(name = "AsyncGenerator", module = "cogen_py")]
pub struct PyAsyncGenerator {
    inner: Arc<tokio::sync::Mutex<Box<dyn DynAsyncGen>>>,
}

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
            inner: Arc::new(tokio::sync::Mutex::new(Box::new(TypedAsync::<G, C> {
                generator,
                _incoming: std::marker::PhantomData,
                fresh: true,
                in_flight: false,
            }))),
        }
    }

    /// The awaitable for one operation.
    ///
    /// The step is first tried inline, on the caller's thread (inside the
    /// tokio runtime's context, the GIL released): when it completes without
    /// waiting, as most steps of a buffered reader do, the awaitable is an
    /// asyncio future that is already done, and no thread is crossed. When
    /// it would wait, the attempt is dropped with the step in flight (cogen's
    /// cancel safety) and a tokio task continues it. A second operation while
    /// one runs waits for it.
    fn awaitable<'py>(&self, py: Python<'py>, op: Op, next: bool) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.inner.clone();
        let op = match inner.try_lock() {
            Ok(mut generator) => {
                let attempt = py.detach(|| {
                    let _runtime = pyo3_async_runtimes::tokio::get_runtime().enter();
                    let mut step = generator.op(op);
                    let mut cx = Context::from_waker(Waker::noop());
                    step.as_mut().poll(&mut cx)
                });
                match attempt {
                    Poll::Ready(result) => {
                        let future = pyo3_async_runtimes::get_running_loop(py)?
                            .call_method0("create_future")?;
                        match finish(py, result, next) {
                            Ok(value) => future.call_method1("set_result", (value,))?,
                            Err(e) => future.call_method1("set_exception", (e.into_value(py),))?,
                        };
                        return Ok(future);
                    }
                    Poll::Pending => Op::Continue,
                }
            }
            // Another operation holds it (running, or cancelled and not yet
            // dropped by tokio): wait for it below.
            Err(_) => op,
        };
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            // One operation at a time, in the order they were awaited: one
            // whose asyncio task was cancelled lets go once tokio drops it,
            // and an overlapping one waits (Python would raise RuntimeError).
            let mut generator = inner.lock().await;
            let result = generator.op(op).await;
            Python::attach(|py| finish(py, result, next))
        })
    }
}

/// An operation's result as what the awaitable gives Python.
fn finish(py: Python<'_>, result: PyResult<Option<Step>>, next: bool) -> PyResult<Py<PyAny>> {
    match result? {
        Some(Step::Yielded(v)) => Ok(v),
        // `aclose` hands back a value returned while closing.
        Some(Step::Returned(r)) if !next => Ok(r),
        // Python's async generators return no value; a Rust one's rides on
        // `StopAsyncIteration` rather than being dropped.
        Some(Step::Returned(r)) => Err(if r.bind(py).is_none() {
            PyStopAsyncIteration::new_err(())
        } else {
            PyStopAsyncIteration::new_err((r,))
        }),
        None if next => Err(PyStopAsyncIteration::new_err(())),
        None => Ok(py.None()),
    }
}

#[pymethods]
impl PyAsyncGenerator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.awaitable(py, Op::Next, true)
    }

    /// Python's `await agen.asend(value)`.
    fn asend<'py>(&self, py: Python<'py>, value: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.awaitable(py, Op::Send(value), true)
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
        self.awaitable(py, Op::Throw(error), true)
    }

    /// Python's `await agen.aclose()`: awaits the Rust cleanup.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.awaitable(py, Op::Close, false)
    }
}
