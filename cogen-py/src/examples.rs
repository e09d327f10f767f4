//! The generators the `cogen_py` module exposes: each is the Rust version of
//! a small Python generator (its Python twin is in `python/tests`), so the
//! tests can check the two behave alike.

use cogen::catching::Catching;
use cogen::{Co, Interrupt};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::{PyAsyncGen, PyAsyncGenerator, PyGen, PyGenerator};

/// What Python sends: anything (`next` sends `None`).
type Sent = Option<Py<PyAny>>;

/// `yield 0 .. n-1`, then `return n`.
#[pyfunction]
fn count_up(n: u64) -> PyGenerator {
    PyGenerator::new(cogen::coroutine(
        async move |mut co: Co<'_, u64, Sent, PyErr>| {
            for i in 0..n {
                co.yield_(i).await;
            }
            n
        },
    ))
}

/// The running average of what it is sent (`yield average`, starting at `None`).
#[pyfunction]
fn averager() -> PyGenerator {
    PyGenerator::new(cogen::coroutine(
        async |mut co: Co<'_, Option<f64>, f64, PyErr>| -> () {
            let (mut total, mut count) = (0.0, 0.0);
            let mut average = None;
            loop {
                let term = co.yield_(average).await;
                total += term;
                count += 1.0;
                average = Some(total / count);
            }
        },
    ))
}

/// Whether `error` is a `ValueError`; if so, logs "caught <message>".
fn log_value_error(log: &Py<PyList>, error: &PyErr) -> bool {
    Python::attach(|py| {
        let caught = error.is_instance_of::<PyValueError>(py);
        if caught {
            let line = format!("caught {}", error.value(py));
            log.bind(py).append(line).expect("a list takes a str");
        }
        caught
    })
}

/// Counts up; a thrown `ValueError` is caught (logged, and the count
/// restarts at -1); any other exception propagates; a close is logged and
/// returns the count.
#[pyfunction]
fn catcher(log: Py<PyList>) -> PyGenerator {
    PyGenerator::new(cogen::catching::coroutine(
        async move |mut co: Co<'_, i64, Sent, PyErr, Catching>| {
            let mut n = 0;
            loop {
                match co.yield_(n).catching().await {
                    Ok(_) => n += 1,
                    Err(Interrupt::Throw(e)) => {
                        let handled = log_value_error(&log, &e);
                        if !handled {
                            co.raise::<()>(e).await;
                        }
                        n = -1;
                    }
                    Err(Interrupt::Close) => {
                        Python::attach(|py| {
                            log.bind(py).append("closed").expect("a list takes a str")
                        });
                        return n;
                    }
                }
            }
        },
    ))
}

/// Yields 1; asked to close, yields 2 instead (Python: "generator ignored
/// GeneratorExit").
#[pyfunction]
fn stubborn() -> PyGenerator {
    PyGenerator::new(cogen::catching::coroutine(
        async |mut co: Co<'_, i64, Sent, PyErr, Catching>| -> () {
            loop {
                if let Err(Interrupt::Close) = co.yield_(1).catching().await {
                    co.yield_(2).await;
                }
            }
        },
    ))
}

/// Yields `0 .. n-1`, then raises `ValueError(message)`.
#[pyfunction]
fn raises_after(n: u64, message: String) -> PyGenerator {
    PyGenerator::new(cogen::coroutine(
        async move |mut co: Co<'_, u64, Sent, PyErr>| {
            for i in 0..n {
                co.yield_(i).await;
            }
            co.raise::<()>(PyValueError::new_err(message)).await;
        },
    ))
}

/// `yield "begin"; r = yield from g; yield r; return r`, with `g` a Python
/// generator: Rust delegating to Python, driven from Python.
#[pyfunction]
fn delegate_to(g: Py<PyAny>) -> PyGenerator {
    PyGenerator::new(cogen::coroutine(
        async move |mut co: Co<'_, Py<PyAny>, Sent, PyErr>| {
            let begin = Python::attach(|py| "begin".into_py_any(py).expect("a str converts"));
            co.yield_(begin).await;
            let r = co.yield_from(PyGen::new(g)).await;
            let again = Python::attach(|py| r.clone_ref(py));
            co.yield_(again).await;
            r
        },
    ))
}

/// Sleeps `ms` milliseconds in Rust (the GIL released), then yields 1; twice.
#[pyfunction]
fn sleepy(ms: u64) -> PyGenerator {
    PyGenerator::new(cogen::coroutine(
        async move |mut co: Co<'_, u64, Sent, PyErr>| {
            for _ in 0..2 {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                co.yield_(1).await;
            }
        },
    ))
}

/// A plain generator (`cogen::generator`: it receives `()` and cannot be
/// thrown into): yields `i*i`; its cleanup (on close, on a throw, or at the
/// end) is logged once, like a `finally:` block.
#[pyfunction]
fn plain_squares(n: u64, log: Py<PyList>) -> PyGenerator {
    PyGenerator::plain(cogen::catching::generator(async move |mut co| {
        for i in 0..n {
            if co.yield_(i * i).catching().await.is_err() {
                break;
            }
        }
        Python::attach(|py| log.bind(py).append("cleanup").expect("a list takes a str"));
    }))
}

/// `async for`: awaits (a timer of 0), then yields `0 .. n-1`.
#[pyfunction]
fn acount_up(n: u64) -> PyAsyncGenerator {
    PyAsyncGenerator::plain(cogen::async_generator(async move |mut co| {
        for i in 0..n {
            tokio::time::sleep(std::time::Duration::ZERO).await;
            co.yield_(i).await;
        }
    }))
}

/// The async `catcher`: a thrown `ValueError` is logged and the count
/// restarts at -1; a close awaits a cleanup (10 ms), then is logged.
#[pyfunction]
fn acatcher(log: Py<PyList>) -> PyAsyncGenerator {
    PyAsyncGenerator::new(cogen::catching::async_coroutine(
        async move |mut co: Co<'_, i64, Sent, PyErr, Catching>| {
            let mut n = 0;
            loop {
                match co.yield_(n).catching().await {
                    Ok(_) => n += 1,
                    Err(Interrupt::Throw(e)) => {
                        let handled = log_value_error(&log, &e);
                        if !handled {
                            co.raise::<()>(e).await;
                        }
                        n = -1;
                    }
                    Err(Interrupt::Close) => {
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        Python::attach(|py| {
                            log.bind(py).append("closed").expect("a list takes a str")
                        });
                        return;
                    }
                }
            }
        },
    ))
}

/// Three items, each after `ms` milliseconds of awaiting in Rust.
#[pyfunction]
fn aslow(ms: u64) -> PyAsyncGenerator {
    PyAsyncGenerator::plain(cogen::async_generator(async move |mut co| {
        for i in 0..3u64 {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            co.yield_(i).await;
        }
    }))
}

/// The tutorials' "large file, line by line" stage in Rust: reads `path`
/// with `cogen::io::lines` (tokio, no GIL) and yields `(line_number, line)`
/// for each line that contains `needle`. A read error is raised as
/// `OSError` (`FileNotFoundError`, `PermissionError`), after the lines
/// before it.
#[pyfunction]
fn matching_lines(path: String, needle: String) -> PyAsyncGenerator {
    PyAsyncGenerator::new(cogen::async_coroutine(
        async move |mut co: Co<'_, (u64, String), Sent, PyErr>| {
            use futures_util::StreamExt;
            let mut lines = cogen::io::lines(&path);
            let mut number = 0;
            while let Some(line) = lines.next().await {
                number += 1;
                match line {
                    Ok(line) if line.contains(needle.as_str()) => {
                        co.yield_((number, line)).await;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError};
                        let error = match e.kind() {
                            std::io::ErrorKind::NotFound => {
                                PyFileNotFoundError::new_err(e.to_string())
                            }
                            std::io::ErrorKind::PermissionDenied => {
                                PyPermissionError::new_err(e.to_string())
                            }
                            _ => PyOSError::new_err(e.to_string()),
                        };
                        co.raise::<()>(error).await
                    }
                }
            }
        },
    ))
}

/// `yield "begin"; <delegate to the Python async generator g>; yield None`:
/// Rust delegating to a Python async generator, forwarding `asend`, `athrow`
/// and `aclose`.
#[pyfunction]
fn adelegate_to(g: Py<PyAny>) -> PyAsyncGenerator {
    PyAsyncGenerator::new(cogen::async_coroutine(
        async move |mut co: Co<'_, Py<PyAny>, Sent, PyErr>| {
            let begin = Python::attach(|py| "begin".into_py_any(py).expect("a str converts"));
            co.yield_(begin).await;
            let end = co.yield_from(PyAsyncGen::new(g)).await;
            co.yield_(end).await;
        },
    ))
}

/// A plain async generator (it cannot be thrown into) whose cleanup awaits:
/// yields 1; closed or thrown into, it awaits 10 ms, then logs "cleanup".
#[pyfunction]
fn aplain_cleanup(log: Py<PyList>) -> PyAsyncGenerator {
    PyAsyncGenerator::plain(cogen::catching::async_generator(async move |mut co| {
        if co.yield_(1u8).catching().await.is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            Python::attach(|py| log.bind(py).append("cleanup").expect("a list takes a str"));
        }
    }))
}

/// Yields 1; asked to close, awaits 10 ms and yields 2 (Python: "async
/// generator ignored GeneratorExit").
#[pyfunction]
fn astubborn() -> PyAsyncGenerator {
    PyAsyncGenerator::plain(cogen::catching::async_generator(async |mut co| {
        if co.yield_(1u8).catching().await.is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            co.yield_(2).await;
        }
    }))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(count_up, m)?)?;
    m.add_function(wrap_pyfunction!(averager, m)?)?;
    m.add_function(wrap_pyfunction!(catcher, m)?)?;
    m.add_function(wrap_pyfunction!(stubborn, m)?)?;
    m.add_function(wrap_pyfunction!(raises_after, m)?)?;
    m.add_function(wrap_pyfunction!(delegate_to, m)?)?;
    m.add_function(wrap_pyfunction!(sleepy, m)?)?;
    m.add_function(wrap_pyfunction!(plain_squares, m)?)?;
    m.add_function(wrap_pyfunction!(acount_up, m)?)?;
    m.add_function(wrap_pyfunction!(acatcher, m)?)?;
    m.add_function(wrap_pyfunction!(aslow, m)?)?;
    m.add_function(wrap_pyfunction!(matching_lines, m)?)?;
    m.add_function(wrap_pyfunction!(adelegate_to, m)?)?;
    m.add_function(wrap_pyfunction!(aplain_cleanup, m)?)?;
    m.add_function(wrap_pyfunction!(astubborn, m)?)?;
    Ok(())
}
