//! [`PyGen`]: a Python generator as a cogen [`Generator`].

use cogen::error::{CloseError, SendError, StartError};
use cogen::{Generator, GeneratorState};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

/// A Python generator (any object with `send`, `throw` and `close`) as a
/// cogen [`Generator`]: a cogen body can `yield_from` it, forwarding sends,
/// throws and closes, and receives its return value (`StopIteration.value`).
/// Sending `None` is Python's `next`. Each operation attaches to the
/// interpreter for the call.
///
/// # Examples
///
/// ```
/// use cogen::{Co, GeneratorState};
/// use cogen_py::PyGen;
/// use pyo3::prelude::*;
/// use pyo3::types::PyAnyMethods;
///
/// Python::attach(|py| {
///     let module = PyModule::from_code(
///         py,
///         c"def numbers():\n    yield 1\n    yield 2\n    return 'py done'\n",
///         c"numbers.py",
///         c"numbers",
///     ).unwrap();
///     let numbers = module.getattr("numbers").unwrap().call0().unwrap().unbind();
///     let mut outer = cogen::coroutine(
///         async move |mut co: Co<'_, Py<PyAny>, Option<Py<PyAny>>, PyErr>| {
///             co.yield_from(PyGen::new(numbers)).await
///         },
///     );
///     let got = py.detach(|| {
///         let mut got = Vec::new();
///         loop {
///             match outer.resume() {
///                 Ok(GeneratorState::Yielded(v)) => {
///                     got.push(Python::attach(|py| v.extract::<i64>(py).unwrap()))
///                 }
///                 Ok(GeneratorState::Complete(r)) => {
///                     break (got, Python::attach(|py| r.extract::<String>(py).unwrap()))
///                 }
///                 Err(e) => panic!("{e:?}"),
///             }
///         }
///     });
///     assert_eq!(got, (vec![1, 2], "py done".to_string()));
/// });
/// ```
#[derive(Debug)]
pub struct PyGen {
    generator: Py<PyAny>,
    started: bool,
    finished: bool,
}

impl PyGen {
    /// Wraps a Python generator object.
    ///
    /// # Examples
    ///
    /// ```
    /// use pyo3::prelude::*;
    ///
    /// Python::attach(|py| {
    ///     let g = py.eval(c"(x for x in [1])", None, None).unwrap().unbind();
    ///     let _rust_side = cogen_py::PyGen::new(g);
    /// });
    /// ```
    pub fn new(generator: Py<PyAny>) -> Self {
        PyGen {
            generator,
            started: false,
            finished: false,
        }
    }

    /// Calls one of the generator's methods; `StopIteration` is completion.
    fn call(
        &mut self,
        method: &str,
        arg: impl FnOnce(Python<'_>) -> Option<Py<PyAny>>,
    ) -> Result<GeneratorState<Py<PyAny>, Py<PyAny>>, PyErr> {
        self.started = true;
        Python::attach(|py| {
            let generator = self.generator.bind(py);
            let result = match arg(py) {
                Some(a) => generator.call_method1(method, (a,)),
                None => generator.call_method0(method),
            };
            match result {
                Ok(value) => Ok(GeneratorState::Yielded(value.unbind())),
                Err(e) if e.is_instance_of::<PyStopIteration>(py) => {
                    self.finished = true;
                    Ok(GeneratorState::Complete(
                        e.value(py).getattr("value")?.unbind(),
                    ))
                }
                Err(e) => {
                    self.finished = true;
                    Err(e)
                }
            }
        })
    }
}

impl Generator for PyGen {
    type Yield = Py<PyAny>;
    type Sent = Option<Py<PyAny>>;
    type Error = PyErr;
    type Return = Py<PyAny>;

    fn start(&mut self) -> Result<GeneratorState<Py<PyAny>, Py<PyAny>>, StartError<PyErr>> {
        if self.finished {
            return Err(StartError::Finished);
        }
        if self.started {
            return Err(StartError::AlreadyStarted);
        }
        self.call("send", |py| Some(py.None()))
            .map_err(StartError::Raised)
    }

    fn send(
        &mut self,
        value: Option<Py<PyAny>>,
    ) -> Result<GeneratorState<Py<PyAny>, Py<PyAny>>, SendError<Option<Py<PyAny>>, PyErr>> {
        if self.finished {
            return Err(SendError::Finished(value));
        }
        if !self.started {
            return Err(SendError::NotStarted(value));
        }
        self.call("send", |py| Some(value.unwrap_or_else(|| py.None())))
            .map_err(SendError::Raised)
    }

    fn throw(&mut self, error: PyErr) -> Result<GeneratorState<Py<PyAny>, Py<PyAny>>, PyErr> {
        if self.finished {
            return Err(error);
        }
        self.call("throw", |py| Some(error.into_value(py).into_any()))
    }

    fn close(&mut self) -> Result<Option<Py<PyAny>>, CloseError<Py<PyAny>, PyErr>> {
        if self.finished {
            return Ok(None);
        }
        self.finished = true;
        Python::attach(|py| match self.generator.bind(py).call_method0("close") {
            Ok(value) if value.is_none() => Ok(None),
            Ok(value) => Ok(Some(value.unbind())),
            Err(e) => Err(CloseError::Raised(e)),
        })
    }
}
