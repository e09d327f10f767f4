//! [`PyAsyncGen`]: a Python async generator as a cogen [`AsyncGenerator`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use cogen::AsyncGenerator;
use cogen::protocol::{Action, Outcome, Status};
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;

/// A Python awaitable, as a Rust future (pyo3-async-runtimes).
type PyFuture = Pin<Box<dyn Future<Output = PyResult<Py<PyAny>>> + Send>>;

/// A Python async generator as a cogen [`AsyncGenerator`]: a cogen async
/// body can `yield_from` it, forwarding `asend`, `athrow` and `aclose` (each
/// a Python awaitable, awaited on the asyncio loop through
/// pyo3-async-runtimes). Python's async generators return no value: the
/// delegation evaluates to `None` when it ends. Sending `None` is Python's
/// `__anext__`.
///
/// It must be driven where an asyncio loop is running: from an operation of
/// a [`PyAsyncGenerator`](crate::PyAsyncGenerator) awaited by Python, or
/// inside `pyo3_async_runtimes::tokio::future_into_py`.
///
/// # Examples
///
/// ```
/// use pyo3::prelude::*;
///
/// Python::attach(|py| {
///     let module = PyModule::from_code(
///         py,
///         c"async def ticks():\n    yield 1\n",
///         c"ticks.py",
///         c"ticks",
///     )
///     .unwrap();
///     let g = module.getattr("ticks").unwrap().call0().unwrap().unbind();
///     let _rust_side = cogen_py::PyAsyncGen::new(g); // yield_from it in an async body
/// });
/// ```
pub struct PyAsyncGen {
    generator: Py<PyAny>,
    started: bool,
    finished: bool,
    /// The awaitable of the step in flight, and whether it is a close.
    step: Option<(PyFuture, bool)>,
}

impl std::fmt::Debug for PyAsyncGen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyAsyncGen")
            .field("started", &self.started)
            .field("finished", &self.finished)
            .field("in_flight", &self.step.is_some())
            .finish_non_exhaustive()
    }
}

impl PyAsyncGen {
    /// Wraps a Python async generator object.
    ///
    /// # Examples
    ///
    /// ```
    /// use pyo3::prelude::*;
    ///
    /// Python::attach(|py| {
    ///     let module =
    ///         PyModule::from_code(py, c"async def a():\n    yield 1\n", c"a.py", c"a").unwrap();
    ///     let _ = cogen_py::PyAsyncGen::new(module.getattr("a").unwrap().call0().unwrap().unbind());
    /// });
    /// ```
    pub fn new(generator: Py<PyAny>) -> Self {
        PyAsyncGen {
            generator,
            started: false,
            finished: false,
            step: None,
        }
    }
}

impl AsyncGenerator for PyAsyncGen {
    type Yield = Py<PyAny>;
    type Sent = Option<Py<PyAny>>;
    type Error = PyErr;
    type Return = Py<PyAny>;

    fn poll_step(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        action: Option<Action<Option<Py<PyAny>>, PyErr>>,
    ) -> Poll<Outcome<Py<PyAny>, Py<PyAny>, Option<Py<PyAny>>, PyErr>> {
        let this = &mut *self;
        if let Some(action) = action {
            if this.step.is_some() {
                return Poll::Ready(Outcome::Rejected(action, Status::Running));
            }
            if this.finished {
                return Poll::Ready(match action {
                    Action::Throw(e) => Outcome::Raised(e),
                    Action::Close => Outcome::Closed,
                    other => Outcome::Rejected(other, Status::Finished),
                });
            }
            match (&action, this.started) {
                (Action::Start, true) => {
                    return Poll::Ready(Outcome::Rejected(action, Status::Suspended));
                }
                (Action::Send(_), false) => {
                    return Poll::Ready(Outcome::Rejected(action, Status::Created));
                }
                _ => {}
            }
            this.started = true;
            let closing = matches!(action, Action::Close);
            let generator = &this.generator;
            let awaitable = Python::attach(|py| -> PyResult<PyFuture> {
                let g = generator.bind(py);
                let awaitable = match action {
                    Action::Start => g.call_method1("asend", (py.None(),))?,
                    Action::Send(v) => {
                        g.call_method1("asend", (v.unwrap_or_else(|| py.None()),))?
                    }
                    Action::Throw(e) => g.call_method1("athrow", (e.into_value(py),))?,
                    Action::Close => g.call_method0("aclose")?,
                };
                Ok(Box::pin(pyo3_async_runtimes::tokio::into_future(
                    awaitable,
                )?))
            });
            match awaitable {
                Ok(future) => this.step = Some((future, closing)),
                Err(e) => {
                    this.finished = true;
                    return Poll::Ready(Outcome::Raised(e));
                }
            }
        }
        let Some((future, closing)) = this.step.as_mut() else {
            panic!("cogen_py: a PyAsyncGen step was polled again after it completed")
        };
        let closing = *closing;
        let result = ready!(future.as_mut().poll(cx));
        this.step = None;
        Poll::Ready(match result {
            Ok(_) if closing => {
                this.finished = true;
                Outcome::Closed
            }
            Ok(value) => Outcome::Yielded(value),
            Err(e) => {
                this.finished = true;
                let ended = Python::attach(|py| e.is_instance_of::<PyStopAsyncIteration>(py));
                if ended {
                    Outcome::Returned(Python::attach(|py| py.None()))
                } else {
                    Outcome::Raised(e)
                }
            }
        })
    }
}
