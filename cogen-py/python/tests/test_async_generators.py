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


# ---- the review's cases: order, cancellation, PEP 479, cleanup -------------------------------

def test_a_result_whose_awaiter_was_cancelled_before_it_arrived_goes_to_the_next_anext():
    # Deterministic: the awaitable is cancelled at once, while its Rust step
    # (a 20 ms timer) runs on; the step's item is kept, not dropped.
    async def scenario():
        g = cogen_py.aslow(20)
        first = g.__anext__()
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        return [x async for x in g]

    assert asyncio.run(scenario()) == [0, 1, 2]


def test_other_operations_are_refused_while_a_cancelled_result_waits():
    async def scenario():
        g = cogen_py.aslow(5)
        first = g.__anext__()
        first.cancel()
        await asyncio.sleep(0.05)  # the step has finished and its item is kept
        with pytest.raises(RuntimeError, match="waiting"):
            await g.asend(None)
        return await g.__anext__()

    assert asyncio.run(scenario()) == 0


def test_operations_called_together_take_turns_in_order():
    async def scenario():
        g = cogen_py.aslow(2)
        return await asyncio.gather(g.__anext__(), g.__anext__(), g.__anext__())

    for _ in range(20):
        assert asyncio.run(scenario()) == [0, 1, 2]


async def aplain_cleanup(log):
    try:
        yield 1
    finally:
        await asyncio.sleep(0.01)
        log.append("cleanup")


def test_athrow_into_a_plain_async_generator_awaits_its_cleanup_then_raises():
    for make in (aplain_cleanup, cogen_py.aplain_cleanup):
        log = []

        async def scenario():
            g = make(log)
            assert await g.__anext__() == 1
            with pytest.raises(ValueError, match="thrown"):
                await g.athrow(ValueError("thrown"))

        asyncio.run(scenario())
        assert log == ["cleanup"], make


async def astubborn():
    try:
        yield 1
    except GeneratorExit:
        await asyncio.sleep(0.01)
        yield 2


def test_an_async_generator_that_yields_after_an_awaited_close_is_a_runtime_error():
    for make in (astubborn, cogen_py.astubborn):
        async def scenario():
            g = make()
            await g.__anext__()
            with pytest.raises(RuntimeError, match="ignored GeneratorExit"):
                await g.aclose()

        asyncio.run(scenario())


def test_a_body_raising_stop_iteration_is_a_runtime_error_as_pep_479_says():
    async def scenario(make):
        g = make([])
        await g.__anext__()
        with pytest.raises(RuntimeError, match="async generator raised StopIteration"):
            await g.athrow(StopIteration("x"))

    asyncio.run(scenario(acatcher))
    asyncio.run(scenario(cogen_py.acatcher))


def test_a_suspended_async_generator_dropped_unfinished_still_gets_its_cleanup():
    log = []

    async def scenario():
        g = cogen_py.acatcher(log)
        await g.__anext__()
        del g  # closed on tokio, its awaited cleanup run there
        for _ in range(100):
            if log:
                break
            await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert log == ["closed"]
