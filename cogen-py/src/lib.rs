//! cogen from Python: Rust generators that are real Python generators, and
//! Python generators a cogen body can delegate to.
//!
//! - [`PyGenerator`] wraps any cogen [`Generator`] whose error type is
//!   [`PyErr`] as a Python object that follows the generator protocol:
//!   `__iter__`/`__next__`, `send` (a first non-`None` send is a
//!   `TypeError`, as in Python), `throw` (the body receives the exception as
//!   a `PyErr` it can inspect, handle and go on, or let out), `close` (the
//!   Rust cleanup runs; an ignored close is a `RuntimeError`), the return
//!   value as `StopIteration.value`, and `gi_running`. Python's `yield from`
//!   over it forwards `send`, `throw` and `close`. The GIL is released while
//!   the Rust body runs.
//! - [`PyGen`] wraps a Python generator as a cogen [`Generator`], so a cogen
//!   body can `yield_from` it (forwarding send, throw and close) and receive
//!   its return value.
//!
//! Values cross through PyO3's conversions (`IntoPyObject` out,
//! `FromPyObject` in); exceptions are `PyErr`s both ways, so their type and
//! message are kept. Not supported: pickling, `gi_frame`, `gi_code`,
//! `gi_yieldfrom`.
//!
//! # Examples
//!
//! ```
//! use cogen::catching::Catching;
//! use cogen::{Co, Interrupt};
//! use cogen_py::PyGenerator;
//! use pyo3::prelude::*;
//!
//! /// `countdown(n)`: yields n..1 and returns "liftoff".
//! #[pyfunction]
//! fn countdown(n: u32) -> PyGenerator {
//!     PyGenerator::new(cogen::catching::coroutine(async move |mut co: Co<'_, u32, Option<u32>, PyErr, Catching>| {
//!         for i in (1..=n).rev() {
//!             if let Err(Interrupt::Close) = co.yield_(i).catching().await {
//!                 break; // the cleanup Python's `close()` runs
//!             }
//!         }
//!         "liftoff"
//!     }))
//! }
//!
//! Python::attach(|py| {
//!     let f = wrap_pyfunction!(countdown, py).unwrap();
//!     let items: Vec<u32> = f.call1((3,)).unwrap().try_iter().unwrap()
//!         .map(|x| x.unwrap().extract().unwrap()).collect();
//!     assert_eq!(items, [3, 2, 1]);
//! });
//! ```

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use cogen::error::{CloseError, SendError, StartError};
use cogen::{Generator, GeneratorState};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyRuntimeError, PyStopIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

mod async_gen;
mod examples;
mod py_async_gen;
mod py_gen;

pub use async_gen::PyAsyncGenerator;

pub use py_async_gen::PyAsyncGen;
pub use py_gen::PyGen;

/// What one step of a generator produced, as Python objects.
pub(crate) enum Step {
    Yielded(Py<PyAny>),
    Returned(Py<PyAny>),
}

/// A Rust generator with its conversions, behind one object-safe face.
trait DynGen: Send {
    /// `value` is `None` for `next()` (Python sends `None`).
    fn send(&mut self, py: Python<'_>, value: Option<Bound<'_, PyAny>>) -> PyResult<Step>;
    fn throw(&mut self, py: Python<'_>, error: PyErr) -> PyResult<Step>;
    fn close(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

struct Typed<G, C> {
    generator: G,
    fresh: bool,
    _incoming: std::marker::PhantomData<fn() -> C>,
}

/// How a value Python sends becomes the generator's send type `S`.
pub(crate) trait Incoming<S> {
    /// `value` is what Python sent (`None` for `next`).
    fn convert(value: &Bound<'_, PyAny>) -> PyResult<S>;
}

/// Any `S` PyO3 can extract.
pub(crate) enum Extract {}

impl<S: for<'a, 'py> FromPyObject<'a, 'py>> Incoming<S> for Extract {
    fn convert(value: &Bound<'_, PyAny>) -> PyResult<S> {
        value.extract().map_err(Into::into)
    }
}

/// The error type of a generator Python can throw into: `PyErr` receives
/// the exception; `Infallible` (a plain generator) cannot, so it is closed
/// (its cleanup runs) and the exception propagates, as an exception the body
/// does not catch does in Python.
///
/// # Examples
///
/// ```
/// use cogen_py::PyThrowable;
/// use pyo3::exceptions::PyValueError;
///
/// // A plain generator's error type hands the exception back.
/// let back = <std::convert::Infallible as PyThrowable>::from_thrown(PyValueError::new_err("x"));
/// assert!(back.is_err());
/// // A `PyErr` generator takes it.
/// assert!(<pyo3::PyErr as PyThrowable>::from_thrown(PyValueError::new_err("x")).is_ok());
/// ```
pub trait PyThrowable: Sized + Send {
    /// The exception as the generator's error, or back if it cannot take it.
    fn from_thrown(error: PyErr) -> Result<Self, PyErr>;
    /// An error the generator raised, as the Python exception.
    fn into_exception(self) -> PyErr;
}

impl PyThrowable for PyErr {
    fn from_thrown(error: PyErr) -> Result<Self, PyErr> {
        Ok(error)
    }

    fn into_exception(self) -> PyErr {
        self
    }
}

impl PyThrowable for std::convert::Infallible {
    fn from_thrown(error: PyErr) -> Result<Self, PyErr> {
        Err(error)
    }

    fn into_exception(self) -> PyErr {
        match self {}
    }
}

/// A plain generator's `()`: only `None` may be sent.
pub(crate) enum NoneOnly {}

impl Incoming<()> for NoneOnly {
    fn convert(value: &Bound<'_, PyAny>) -> PyResult<()> {
        if value.is_none() {
            Ok(())
        } else {
            Err(PyTypeError::new_err(
                "this generator receives nothing: only None can be sent to it",
            ))
        }
    }
}

fn step<Y, R>(py: Python<'_>, state: GeneratorState<Y, R>) -> PyResult<Step>
where
    Y: for<'py> IntoPyObject<'py>,
    R: for<'py> IntoPyObject<'py>,
{
    Ok(match state {
        GeneratorState::Yielded(y) => Step::Yielded(y.into_py_any(py)?),
        GeneratorState::Complete(r) => Step::Returned(return_value(py, r)?),
    })
}

/// A body's return value in Python: `()` (a body that returns nothing) is
/// `None`, as a Python function without `return` gives, not `()`.
pub(crate) fn return_value<R: for<'py> IntoPyObject<'py>>(
    py: Python<'_>,
    value: R,
) -> PyResult<Py<PyAny>> {
    let object = value.into_py_any(py)?;
    let unit = std::mem::size_of::<R>() == 0
        && object
            .bind(py)
            .cast::<PyTuple>()
            .is_ok_and(|t| t.is_empty());
    Ok(if unit { py.None() } else { object })
}

/// Python's `StopIteration` for a generator that has finished.
fn exhausted() -> PyErr {
    PyStopIteration::new_err(())
}

impl<G, C> DynGen for Typed<G, C>
where
    G: Generator + Send,
    G::Error: PyThrowable,
    G::Yield: for<'py> IntoPyObject<'py> + Send,
    G::Return: for<'py> IntoPyObject<'py> + Send,
    G::Sent: Send,
    C: Incoming<G::Sent>,
{
    fn send(&mut self, py: Python<'_>, value: Option<Bound<'_, PyAny>>) -> PyResult<Step> {
        let generator = &mut self.generator;
        let state = if self.fresh {
            if value.as_ref().is_some_and(|v| !v.is_none()) {
                return Err(PyTypeError::new_err(
                    "can't send non-None value to a just-started generator",
                ));
            }
            self.fresh = false;
            py.detach(|| generator.start()).map_err(|e| match e {
                StartError::Raised(e) => async_gen::pep479(py, e.into_exception(), "generator"),
                StartError::AlreadyStarted | StartError::Finished => exhausted(),
            })?
        } else {
            let value = value.unwrap_or_else(|| py.None().into_bound(py));
            let sent = C::convert(&value)?;
            py.detach(|| generator.send(sent)).map_err(|e| match e {
                SendError::Raised(e) => async_gen::pep479(py, e.into_exception(), "generator"),
                SendError::Running(_) => PyValueError::new_err("generator already executing"),
                SendError::NotStarted(_) | SendError::Finished(_) => exhausted(),
            })?
        };
        step(py, state)
    }

    fn throw(&mut self, py: Python<'_>, error: PyErr) -> PyResult<Step> {
        self.fresh = false;
        let generator = &mut self.generator;
        match G::Error::from_thrown(error) {
            Ok(error) => {
                let state = py
                    .detach(|| generator.throw(error))
                    .map_err(|e| async_gen::pep479(py, e.into_exception(), "generator"))?;
                step(py, state)
            }
            // It cannot receive it: close it (its cleanup runs), then the
            // exception goes on, as one the body does not catch.
            Err(error) => {
                if let Err(CloseError::Raised(e)) = py.detach(|| generator.close()) {
                    return Err(async_gen::pep479(py, e.into_exception(), "generator"));
                }
                Err(async_gen::pep479(py, error, "generator"))
            }
        }
    }

    fn close(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.fresh = false;
        let generator = &mut self.generator;
        match py.detach(|| generator.close()) {
            Ok(None) => Ok(py.None()),
            Ok(Some(value)) => return_value(py, value),
            Err(CloseError::Ignored(_)) => {
                Err(PyRuntimeError::new_err("generator ignored GeneratorExit"))
            }
            Err(CloseError::Raised(e)) => Err(e.into_exception()),
        }
    }
}

/// A cogen generator as a Python generator.
///
/// Make one with [`PyGenerator::new`] (or [`PyGenerator::plain`]) from a
/// cogen [`Generator`] whose error type is [`PyErr`] (or `Infallible`) (its yield and return types convert to Python,
/// its send type from Python) and return it from a `#[pyfunction]`. Python
/// then drives it exactly as one of its own generators; see the crate docs
/// for what maps to what.
///
/// # Examples
///
/// ```
/// use cogen_py::PyGenerator;
/// use pyo3::prelude::*;
///
/// Python::attach(|py| {
///     let g = Py::new(py, PyGenerator::new(cogen::coroutine(
///         async |mut co: cogen::Co<'_, &'static str, Option<String>, PyErr>| {
///             co.yield_("hello").await;
///             7
///         },
///     )))
///     .unwrap();
///     let g = g.bind(py);
///     assert_eq!(g.call_method0("__next__").unwrap().extract::<String>().unwrap(), "hello");
///     let stop = g.call_method0("__next__").unwrap_err();
///     assert!(stop.is_instance_of::<pyo3::exceptions::PyStopIteration>(py));
///     assert_eq!(stop.value(py).getattr("value").unwrap().extract::<i32>().unwrap(), 7);
/// });
/// ```
#[pyclass(name = "Generator", module = "cogen_py")]
pub struct PyGenerator {
    inner: Mutex<Box<dyn DynGen>>,
    running: AtomicBool,
}

impl PyGenerator {
    /// Wraps a cogen generator for Python.
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen_py::PyGenerator::new(cogen::coroutine(
    ///     async |mut co: cogen::Co<'_, u8, Option<u8>, pyo3::PyErr>| co.yield_(1).await,
    /// ));
    /// # drop(g);
    /// ```
    pub fn new<G>(generator: G) -> Self
    where
        G: Generator + Send + 'static,
        G::Error: PyThrowable,
        G::Yield: for<'py> IntoPyObject<'py> + Send,
        G::Return: for<'py> IntoPyObject<'py> + Send,
        G::Sent: for<'a, 'py> FromPyObject<'a, 'py> + Send,
    {
        Self::wrap::<G, Extract>(generator)
    }

    /// Wraps a plain cogen generator (one that receives `()`, as
    /// [`cogen::generator`] makes): Python's `next()` and `send(None)` resume
    /// it; any other sent value is a `TypeError`. Its error type is
    /// `Infallible` or `PyErr` ([`PyThrowable`] says what a throw does).
    /// (A try-generator's `Result` items are not converted yet: raise with
    /// `co.raise` in a generator whose error type is `PyErr` instead.)
    ///
    /// # Examples
    ///
    /// ```
    /// let g = cogen_py::PyGenerator::plain(cogen::generator(async |mut co| {
    ///     co.yield_(1u8).await;
    /// }));
    /// # drop(g);
    /// ```
    pub fn plain<G>(generator: G) -> Self
    where
        G: Generator<Sent = ()> + Send + 'static,
        G::Error: PyThrowable,
        G::Yield: for<'py> IntoPyObject<'py> + Send,
        G::Return: for<'py> IntoPyObject<'py> + Send,
    {
        Self::wrap::<G, NoneOnly>(generator)
    }

    fn wrap<G, C>(generator: G) -> Self
    where
        G: Generator + Send + 'static,
        G::Error: PyThrowable,
        G::Yield: for<'py> IntoPyObject<'py> + Send,
        G::Return: for<'py> IntoPyObject<'py> + Send,
        G::Sent: Send,
        C: Incoming<G::Sent> + 'static,
    {
        PyGenerator {
            inner: Mutex::new(Box::new(Typed::<G, C> {
                generator,
                fresh: true,
                _incoming: std::marker::PhantomData,
            })),
            running: AtomicBool::new(false),
        }
    }

    /// Runs one operation, refusing a second one at the same time (another
    /// Python thread while this one runs the body with the GIL released), as
    /// Python refuses to re-enter a running generator.
    fn run<T>(&self, f: impl FnOnce(&mut dyn DynGen) -> PyResult<T>) -> PyResult<T> {
        if self.running.swap(true, Ordering::Acquire) {
            return Err(PyValueError::new_err("generator already executing"));
        }
        struct Done<'a>(&'a AtomicBool);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _done = Done(&self.running);
        // A panic in the body (a `PanicException` in Python) finished the
        // generator; the lock it poisoned guards nothing else.
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut **inner)
    }
}

impl std::fmt::Debug for PyGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyGenerator")
            .field("running", &self.running.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn yielded_or_stop(step: Step) -> PyResult<Py<PyAny>> {
    match step {
        Step::Yielded(value) => Ok(value),
        // `StopIteration(value)`: its `.value` is the return value (and a
        // body that returns nothing gives a bare `StopIteration`, as Python).
        Step::Returned(value) => Err(Python::attach(|py| {
            if value.bind(py).is_none() {
                PyStopIteration::new_err(())
            } else {
                PyStopIteration::new_err((value,))
            }
        })),
    }
}

#[pymethods]
impl PyGenerator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        yielded_or_stop(self.run(|g| g.send(py, None))?)
    }

    /// Python's `generator.send(value)`.
    fn send(&self, py: Python<'_>, value: Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        yielded_or_stop(self.run(|g| g.send(py, Some(value)))?)
    }

    /// Python's `generator.throw(exc)` (or the older `throw(type, value,
    /// traceback)` form).
    #[pyo3(signature = (typ, val = None, tb = None))]
    fn throw(
        &self,
        py: Python<'_>,
        typ: Bound<'_, PyAny>,
        val: Option<Bound<'_, PyAny>>,
        tb: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let error = exception(py, typ, val, tb)?;
        yielded_or_stop(self.run(|g| g.throw(py, error))?)
    }

    /// Python's `generator.close()`: runs the Rust cleanup; returns the
    /// body's return value if it returned one while closing (Python 3.13),
    /// else `None`.
    fn close(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(|g| g.close(py))
    }

    /// Whether the body is running now (on another Python thread).
    #[getter]
    fn gi_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    fn __repr__(&self) -> String {
        format!("<cogen_py.Generator object at {:p}>", self as *const Self)
    }
}

/// The exception `throw` raises at the yield point, from Python's accepted
/// forms: an instance, or a class with an optional value.
pub(crate) fn exception(
    py: Python<'_>,
    typ: Bound<'_, PyAny>,
    val: Option<Bound<'_, PyAny>>,
    tb: Option<Bound<'_, PyAny>>,
) -> PyResult<PyErr> {
    let instance = if let Ok(class) = typ.cast::<PyType>() {
        if !class.is_subclass_of::<pyo3::exceptions::PyBaseException>()? {
            return Err(PyTypeError::new_err(
                "exceptions must be classes or instances deriving from BaseException",
            ));
        }
        match val {
            Some(v) if v.is_instance(class)? => v,
            Some(v) if v.is_none() => class.call0()?,
            Some(v) => match v.cast::<PyTuple>() {
                Ok(args) => class.call1(args)?,
                Err(_) => class.call1((v,))?,
            },
            None => class.call0()?,
        }
    } else {
        if val.as_ref().is_some_and(|v| !v.is_none()) {
            return Err(PyTypeError::new_err(
                "instance exception may not have a separate value",
            ));
        }
        typ
    };
    if !instance.is_instance_of::<pyo3::exceptions::PyBaseException>() {
        return Err(PyTypeError::new_err(
            "exceptions must be classes or instances deriving from BaseException",
        ));
    }
    if let Some(tb) = tb.filter(|tb| !tb.is_none()) {
        instance.setattr("__traceback__", tb)?;
    }
    let _ = py;
    Ok(PyErr::from_value(instance))
}

/// The `cogen_py` extension module: the example generators its tests and
/// README use.
#[pymodule]
fn cogen_py(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGenerator>()?;
    m.add_class::<PyAsyncGenerator>()?;
    examples::register(m)
}
