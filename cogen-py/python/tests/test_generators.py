"""The Rust-backed generators of ``cogen_py`` against CPython's own.

Each Rust generator in ``cogen_py`` has a Python twin here; every test drives
both with the same operations and compares what comes out: yielded values,
return values (``StopIteration.value``), exceptions (type and message), and
the order of cleanup.
"""
import sys

import pytest

import cogen_py


# ---- the Python twins -----------------------------------------------------

def count_up(n):
    for i in range(n):
        yield i
    return n


def averager():
    total, count, average = 0.0, 0, None
    while True:
        term = yield average
        total += term
        count += 1
        average = total / count


def catcher(log):
    n = 0
    while True:
        try:
            yield n
            n += 1
        except ValueError as e:
            log.append(f"caught {e}")
            n = -1
        except GeneratorExit:
            log.append("closed")
            return n


def stubborn():
    while True:
        try:
            yield 1
        except GeneratorExit:
            yield 2


def raises_after(n, message):
    for i in range(n):
        yield i
    raise ValueError(message)


def delegate_to(g):
    yield "begin"
    r = yield from g
    yield r
    return r


# ---- driving both alike -----------------------------------------------------

CLOSE_RETURNS_VALUE = sys.version_info >= (3, 13)


def drive(gen, ops):
    """Applies ``ops`` to ``gen`` and returns what each one did."""
    trace = []
    for op in ops:
        try:
            if op[0] == "next":
                trace.append(("yield", next(gen)))
            elif op[0] == "send":
                trace.append(("yield", gen.send(op[1])))
            elif op[0] == "throw":
                trace.append(("yield", gen.throw(op[1])))
            elif op[0] == "close":
                value = gen.close()
                trace.append(("closed", value if CLOSE_RETURNS_VALUE else None))
        except StopIteration as stop:
            trace.append(("stop", stop.value))
        except Exception as e:  # noqa: BLE001 - the exception is the outcome
            trace.append(("raise", type(e).__name__, str(e)))
    return trace


def both(name, *args, ops):
    python = drive(globals()[name](*args), ops)
    rust = drive(getattr(cogen_py, name)(*args), ops)
    assert rust == python
    return rust


NEXT = ("next",)
CLOSE = ("close",)


# ---- next, the return value, exhaustion ---------------------------------------

def test_iterating_yields_every_value_then_stop_iteration_carries_the_return_value():
    trace = both("count_up", 3, ops=[NEXT] * 5)
    assert trace == [("yield", 0), ("yield", 1), ("yield", 2), ("stop", 3), ("stop", None)]


def test_a_for_loop_and_list_consume_it_like_a_python_generator():
    assert list(cogen_py.count_up(4)) == list(count_up(4)) == [0, 1, 2, 3]
    assert sum(x for x in cogen_py.count_up(10)) == 45


def test_iter_returns_the_generator_itself():
    g = cogen_py.count_up(1)
    assert iter(g) is g


# ---- send ------------------------------------------------------------------------

def test_send_delivers_values_and_a_first_non_none_send_is_a_type_error():
    ops = [("send", 1.0), NEXT, ("send", 10.0), ("send", 20.0), ("send", 3)]
    trace = both("averager", ops=ops)
    assert trace[0] == ("raise", "TypeError", "can't send non-None value to a just-started generator")
    assert trace[2:] == [("yield", 10.0), ("yield", 15.0), ("yield", 11.0)]


def test_next_on_a_started_coroutine_sends_none_and_fails_alike():
    python = drive(averager(), [NEXT, NEXT])
    rust = drive(cogen_py.averager(), [NEXT, NEXT])
    assert rust[0] == python[0] == ("yield", None)
    # Both reject None as a number (the messages differ: Python's `+=`,
    # Rust's conversion).
    assert rust[1][:2] == python[1][:2] == ("raise", "TypeError")


# ---- throw --------------------------------------------------------------------------

def test_a_thrown_exception_the_body_handles_lets_it_go_on():
    py_log, rust_log = [], []
    ops = [NEXT, NEXT, ("throw", ValueError("bad")), NEXT, CLOSE]
    python = drive(catcher(py_log), ops)
    rust = drive(cogen_py.catcher(rust_log), ops)
    assert rust == python
    assert rust_log == py_log == ["caught bad", "closed"]


def test_a_thrown_exception_the_body_does_not_handle_propagates_as_itself():
    ops = [NEXT, ("throw", KeyError("k")), NEXT]
    python = drive(catcher([]), ops)
    rust = drive(cogen_py.catcher([]), ops)
    assert rust == python
    assert rust[1] == ("raise", "KeyError", "'k'")
    assert rust[2] == ("stop", None)


def test_the_same_exception_object_comes_back_out():
    g = cogen_py.count_up(3)
    next(g)
    error = RuntimeError("the very one")
    with pytest.raises(RuntimeError) as raised:
        g.throw(error)
    assert raised.value is error


def test_throw_into_a_fresh_or_finished_generator_raises_it():
    for ops in ([("throw", ValueError("fresh"))], [NEXT] * 3 + [("throw", ValueError("late"))]):
        both("count_up", 2, ops=ops)


def test_throw_takes_the_old_three_argument_form():
    g = cogen_py.catcher([])
    next(g)
    assert g.throw(ValueError, ValueError("x"), None) == -1


def test_throwing_a_non_exception_is_a_type_error():
    g = cogen_py.count_up(2)
    next(g)
    with pytest.raises(TypeError):
        g.throw(42)


# ---- close ---------------------------------------------------------------------------

def test_close_runs_the_bodys_cleanup_once():
    py_log, rust_log = [], []
    ops = [NEXT, CLOSE, CLOSE, NEXT]
    assert drive(cogen_py.catcher(rust_log), ops) == drive(catcher(py_log), ops)
    assert rust_log == py_log == ["closed"]


def test_closing_a_fresh_generator_runs_nothing():
    py_log, rust_log = [], []
    assert drive(cogen_py.catcher(rust_log), [CLOSE, NEXT]) == drive(catcher(py_log), [CLOSE, NEXT])
    assert rust_log == py_log == []


def test_a_generator_that_ignores_close_is_a_runtime_error():
    trace = both("stubborn", ops=[NEXT, CLOSE])
    assert trace[1] == ("raise", "RuntimeError", "generator ignored GeneratorExit")


# ---- errors from the body --------------------------------------------------------------

def test_an_exception_raised_by_the_body_keeps_its_type_and_message_then_it_is_finished():
    trace = both("raises_after", 2, "rate limited", ops=[NEXT] * 4)
    assert trace[2] == ("raise", "ValueError", "rate limited")
    assert trace[3] == ("stop", None)


# ---- yield from, both ways ---------------------------------------------------------------

def outer(inner):
    r = yield from inner
    yield ("returned", r)


def test_pythons_yield_from_over_a_rust_generator_forwards_send_throw_and_close():
    py_log, rust_log = [], []
    ops = [NEXT, ("send", None), ("throw", ValueError("via outer")), NEXT, CLOSE]
    python = drive(outer(catcher(py_log)), ops)
    rust = drive(outer(cogen_py.catcher(rust_log)), ops)
    assert rust == python
    assert rust_log == py_log == ["caught via outer", "closed"]


def test_pythons_yield_from_over_a_rust_generator_receives_its_return_value():
    assert list(outer(cogen_py.count_up(2))) == list(outer(count_up(2))) == [0, 1, ("returned", 2)]


def test_a_rust_generator_delegating_to_a_python_one_forwards_and_returns_alike():
    ops = [NEXT, NEXT, ("send", None), NEXT, NEXT, NEXT]
    python = drive(delegate_to(count_up(2)), ops)
    rust = drive(cogen_py.delegate_to(count_up(2)), ops)
    assert rust == python
    assert rust == [("yield", "begin"), ("yield", 0), ("yield", 1), ("yield", 2), ("stop", 2), ("stop", None)]


def test_a_rust_generator_delegating_to_python_forwards_throw_and_close_to_it():
    py_log, rust_log = [], []
    ops = [NEXT, NEXT, ("throw", ValueError("deep")), NEXT, CLOSE]
    python = drive(delegate_to(catcher(py_log)), ops)
    rust = drive(cogen_py.delegate_to(catcher(rust_log)), ops)
    assert rust == python
    assert rust_log == py_log == ["caught deep", "closed"]


def test_a_python_exception_inside_the_delegation_reaches_python_as_itself():
    ops = [NEXT, NEXT, NEXT, NEXT]
    python = drive(delegate_to(raises_after(1, "from python")), ops)
    rust = drive(cogen_py.delegate_to(raises_after(1, "from python")), ops)
    assert rust == python
    assert rust[2] == ("raise", "ValueError", "from python")


# ---- state ---------------------------------------------------------------------------------

def test_gi_running_is_false_between_steps():
    g = cogen_py.count_up(2)
    assert g.gi_running is False
    next(g)
    assert g.gi_running is False


def test_the_gil_is_released_while_the_rust_body_runs_and_reentry_is_refused():
    import threading
    import time

    g = cogen_py.sleepy(300)
    seen = {}

    def watch():
        time.sleep(0.1)  # the main thread is inside next(g), in Rust
        seen["running"] = g.gi_running
        try:
            next(g)
        except ValueError as e:
            seen["reentry"] = str(e)

    t = threading.Thread(target=watch)
    t.start()
    assert next(g) == 1  # this thread held no GIL while the body slept
    t.join()
    assert seen == {"running": True, "reentry": "generator already executing"}
    assert g.gi_running is False


# ---- a plain generator (it receives nothing and cannot be thrown into) --------------------

def plain_squares(n, log):
    try:
        for i in range(n):
            yield i * i
    finally:
        log.append("cleanup")


@pytest.mark.parametrize("ops", [
    [NEXT] * 4,
    [NEXT, ("send", None), ("send", 5)],
    [NEXT, ("throw", ValueError("no catch")), NEXT],
    [NEXT, CLOSE, NEXT],
    [("throw", KeyError("fresh"))],
])
def test_a_plain_rust_generator_behaves_like_one_with_a_finally_block(ops):
    py_log, rust_log = [], []
    python = drive(plain_squares(3, py_log), ops)
    rust = drive(cogen_py.plain_squares(3, rust_log), ops)
    if ops[-1] == ("send", 5):
        # Python's generator ignores what it is sent; a plain Rust one says
        # it receives nothing.
        assert python[-1] == ("yield", 4)
        assert rust[-1] == ("raise", "TypeError", "this generator receives nothing: only None can be sent to it")
        return
    assert rust == python
    assert rust_log == py_log


def test_a_body_raising_stop_iteration_is_a_runtime_error_as_pep_479_says():
    trace = both("count_up", 3, ops=[NEXT, ("throw", StopIteration("x")), NEXT])
    assert trace[1] == ("raise", "RuntimeError", "generator raised StopIteration")


def test_a_body_that_returns_nothing_ends_with_a_bare_stop_iteration():
    for make in (plain_squares, cogen_py.plain_squares):
        g = make(0, [])
        with pytest.raises(StopIteration) as stop:
            next(g)
        assert stop.value.args == ()
