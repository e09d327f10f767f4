//! A Python generator driven from Rust: `PyGen` is a cogen `Generator`, so a
//! cogen body delegates to it with `yield_from`, forwarding send, throw and
//! close, and receives its return value.
use cogen::catching::Catching;
use cogen::error::SendError;
use cogen::{Co, GeneratorState, Interrupt};
use cogen_py::PyGen;
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;

const SOURCE: &std::ffi::CStr = c"
def numbers(n):
    got = []
    for i in range(n):
        got.append((yield i))
    return got

def handler(log):
    try:
        while True:
            try:
                yield 'ready'
            except ValueError as e:
                log.append('handled ' + str(e))
    finally:
        log.append('finally')
";

fn python_generator<'py, A>(py: Python<'py>, name: &str, args: A) -> Py<PyAny>
where
    A: pyo3::call::PyCallArgs<'py>,
{
    let module = PyModule::from_code(py, SOURCE, c"gens.py", c"gens").unwrap();
    module.getattr(name).unwrap().call1(args).unwrap().unbind()
}

#[test]
fn a_cogen_body_delegates_to_a_python_generator_forwarding_sends_and_getting_its_return_value() {
    Python::attach(|py| {
        let numbers = python_generator(py, "numbers", (2,));
        let mut outer = cogen::coroutine(
            async move |mut co: Co<'_, Py<PyAny>, Option<Py<PyAny>>, PyErr>| {
                let got = co.yield_from(PyGen::new(numbers)).await;
                Python::attach(|py| got.extract::<Vec<String>>(py).unwrap())
            },
        );
        let first = outer.start().unwrap().yielded().unwrap();
        assert_eq!(first.extract::<i64>(py).unwrap(), 0);
        let a = "a".into_pyobject(py).unwrap().into_any().unbind();
        let second = outer.send(Some(a)).unwrap().yielded().unwrap();
        assert_eq!(second.extract::<i64>(py).unwrap(), 1);
        let b = "b".into_pyobject(py).unwrap().into_any().unbind();
        match outer.send(Some(b)) {
            Ok(GeneratorState::Complete(got)) => assert_eq!(got, ["a", "b"]),
            _ => panic!("expected the Python generator's return value"),
        }
    });
}

#[test]
fn a_throw_is_forwarded_to_the_python_generator_which_handles_it() {
    Python::attach(|py| {
        let log = PyList::empty(py).unbind();
        let handler = python_generator(py, "handler", (log.clone_ref(py),));
        let mut outer = cogen::coroutine(
            async move |mut co: Co<'_, Py<PyAny>, Option<Py<PyAny>>, PyErr>| {
                co.yield_from(PyGen::new(handler)).await;
            },
        );
        outer.start().unwrap();
        let state = outer.throw(PyValueError::new_err("boom")).unwrap();
        assert_eq!(
            state.yielded().unwrap().extract::<String>(py).unwrap(),
            "ready"
        );
        assert_eq!(
            log.bind(py).extract::<Vec<String>>().unwrap(),
            ["handled boom"]
        );
    });
}

#[test]
fn an_unhandled_throw_comes_back_out_as_the_same_python_exception() {
    Python::attach(|py| {
        let log = PyList::empty(py).unbind();
        let handler = python_generator(py, "handler", (log.clone_ref(py),));
        let mut outer = cogen::coroutine(
            async move |mut co: Co<'_, Py<PyAny>, Option<Py<PyAny>>, PyErr>| {
                co.yield_from(PyGen::new(handler)).await;
            },
        );
        outer.start().unwrap();
        let err = outer.throw(PyKeyError::new_err("missing")).unwrap_err();
        assert!(err.is_instance_of::<PyKeyError>(py));
        assert_eq!(err.value(py).to_string(), "'missing'");
        // The Python generator's `finally` ran as the exception left it.
        assert_eq!(log.bind(py).extract::<Vec<String>>().unwrap(), ["finally"]);
        assert!(matches!(outer.send(None), Err(SendError::Finished(None))));
    });
}

#[test]
fn closing_the_delegating_generator_closes_the_python_one_and_runs_its_finally() {
    Python::attach(|py| {
        let log = PyList::empty(py).unbind();
        let handler = python_generator(py, "handler", (log.clone_ref(py),));
        let mut outer = cogen::catching::coroutine(
            async move |mut co: Co<'_, Py<PyAny>, Option<Py<PyAny>>, PyErr, Catching>| {
                if let Err(Interrupt::Close) = co.yield_from(PyGen::new(handler)).catching().await {
                    return "closed while delegating";
                }
                "done"
            },
        );
        outer.start().unwrap();
        assert!(matches!(outer.close(), Ok(Some("closed while delegating"))));
        assert_eq!(log.bind(py).extract::<Vec<String>>().unwrap(), ["finally"]);
    });
}

#[test]
fn an_exception_raised_by_the_python_generator_reaches_rust_with_its_message() {
    Python::attach(|py| {
        let g = py
            .eval(c"(1 // 0 for _ in [0])", None, None)
            .unwrap()
            .unbind();
        let mut outer = cogen::coroutine(
            async move |mut co: Co<'_, Py<PyAny>, Option<Py<PyAny>>, PyErr>| {
                co.yield_from(PyGen::new(g)).await;
            },
        );
        let err = match outer.start() {
            Err(cogen::error::StartError::Raised(e)) => e,
            other => panic!("expected the ZeroDivisionError, got {other:?}"),
        };
        assert!(err.is_instance_of::<pyo3::exceptions::PyZeroDivisionError>(py));
        assert!(err.value(py).to_string().contains("division"));
    });
}
