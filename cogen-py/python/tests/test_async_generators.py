"""The Rust-backed async generators of ``cogen_py`` against CPython's own,
under ``asyncio.run``: ``async for``, ``asend``, ``athrow``, ``aclose`` with
awaited cleanup, and cancellation (where Rust and Python differ, on purpose
and documented: nothing is lost)."""
import asyncio

import pytest

import cogen_py


async def acount_up(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


async def acatcher(log):
    n = 0
    while True:
        try:
            yield n
            n += 1
        except ValueError as e:
            log.append(f"caught {e}")
            n = -1
        except GeneratorExit:
            await asyncio.sleep(0.01)
            log.append("closed")
            return


async def adrive(gen, ops):
    trace = []
    for op in ops:
        try:
            if op[0] == "next":
                trace.append(("yield", await gen.__anext__()))
            elif op[0] == "send":
                trace.append(("yield", await gen.asend(op[1])))
            elif op[0] == "throw":
                trace.append(("yield", await gen.athrow(op[1])))
            elif op[0] == "close":
                trace.append(("closed", await gen.aclose()))
        except StopAsyncIteration:
            trace.append(("stop",))
        except Exception as e:  # noqa: BLE001
            trace.append(("raise", type(e).__name__, str(e)))
    return trace


def both(python, rust, ops):
    p = asyncio.run(adrive(python, ops))
    r = asyncio.run(adrive(rust, ops))
    assert r == p
    return r


NEXT, CLOSE = ("next",), ("close",)


def test_async_for_yields_every_item_then_stops():
    async def collect(g):
        return [x async for x in g]

    assert asyncio.run(collect(cogen_py.acount_up(4))) == asyncio.run(collect(acount_up(4))) == [0, 1, 2, 3]
    assert both(acount_up(1), cogen_py.acount_up(1), [NEXT, NEXT, NEXT]) == [("yield", 0), ("stop",), ("stop",)]


def test_asend_athrow_and_aclose_with_awaited_cleanup_match_python():
    py_log, rust_log = [], []
    ops = [("send", 1), NEXT, ("send", None), ("throw", ValueError("bad")), NEXT, CLOSE, NEXT]
    trace = both(acatcher(py_log), cogen_py.acatcher(rust_log), ops)
    assert trace[0][0:2] == ("raise", "TypeError")
    assert rust_log == py_log == ["caught bad", "closed"]


def test_an_exception_the_async_body_does_not_handle_propagates_as_itself():
    py_log, rust_log = [], []
    trace = both(acatcher(py_log), cogen_py.acatcher(rust_log), [NEXT, ("throw", KeyError("k")), NEXT])
    assert trace[1] == ("raise", "KeyError", "'k'")
    assert trace[2] == ("stop",)


def test_a_cancelled_anext_loses_no_item_the_next_anext_delivers_it():
    async def scenario():
        g = cogen_py.aslow(50)
        task = asyncio.ensure_future(g.__anext__())
        await asyncio.sleep(0.01)  # the Rust body is awaiting its 50 ms timer
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The step stayed in flight; it delivers its item now.
        return [await g.__anext__(), await g.__anext__(), await g.__anext__()]

    assert asyncio.run(scenario()) == [0, 1, 2]


def test_overlapping_anexts_take_turns_and_lose_nothing():
    # Python raises RuntimeError here; the Rust side waits its turn instead
    # (documented on cogen_py.AsyncGenerator).
    async def scenario():
        g = cogen_py.aslow(30)
        first = asyncio.ensure_future(g.__anext__())
        await asyncio.sleep(0.005)
        second = await g.__anext__()
        return [await first, second]

    assert asyncio.run(scenario()) == [0, 1]


async def matching_lines(path, needle):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if needle in line:
                yield number, line.rstrip("\n")


def test_the_rust_line_reader_stage_yields_what_the_python_one_does(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("".join(f"{i} {'ERROR disk full' if i % 7 == 0 else 'INFO ok'}\n" for i in range(1000)))

    async def collect(g):
        return [x async for x in g]

    python = asyncio.run(collect(matching_lines(str(path), "ERROR")))
    rust = asyncio.run(collect(cogen_py.matching_lines(str(path), "ERROR")))
    assert [tuple(x) for x in rust] == python
    assert len(rust) == 143


def test_a_missing_file_is_an_os_error_from_the_rust_stage(tmp_path):
    async def first(g):
        return await g.__anext__()

    with pytest.raises(FileNotFoundError, match="(?i)no such file"):
        asyncio.run(first(cogen_py.matching_lines(str(tmp_path / "missing.log"), "x")))


# ---- a Rust async generator delegating to a Python one (PyAsyncGen) ------------------------

def test_a_rust_async_generator_delegates_to_a_python_one_and_gets_none_at_its_end():
    async def collect(g):
        return [x async for x in g]

    assert asyncio.run(collect(cogen_py.adelegate_to(acount_up(2)))) == ["begin", 0, 1, None]


async def echo(log):
    got = None
    try:
        while True:
            try:
                got = yield got
            except ValueError as e:
                got = f"handled {e}"
    finally:
        await asyncio.sleep(0)
        log.append("finally")


def test_asend_athrow_and_aclose_are_forwarded_to_the_python_async_generator():
    log = []

    async def scenario():
        g = cogen_py.adelegate_to(echo(log))
        return [
            await g.__anext__(),
            await g.__anext__(),
            await g.asend("x"),
            await g.athrow(ValueError("v")),
            await g.aclose(),
        ]

    assert asyncio.run(scenario()) == ["begin", None, "x", "handled v", None]
    assert log == ["finally"]


def test_an_exception_the_python_async_generator_raises_reaches_python_as_itself():
    async def failing():
        yield 1
        raise KeyError("k")

    async def scenario():
        g = cogen_py.adelegate_to(failing())
        got = [await g.__anext__(), await g.__anext__()]
        with pytest.raises(KeyError):
            await g.__anext__()
        return got

    assert asyncio.run(scenario()) == ["begin", 1]
