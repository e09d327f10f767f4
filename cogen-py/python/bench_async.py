"""The tutorials' "large file, line by line" stage: ``async for`` over the
lines of a file that contain "ERROR", as a Python async generator and as a
Rust one (``cogen_py.matching_lines``: cogen's line reader on tokio, the GIL
released). Wall time, best of 3 (a shared machine: read the ratios).

    target/py-venv/bin/python cogen-py/python/bench_async.py
"""
import asyncio
import os
import tempfile
import time

import cogen_py

LINES = 200_000


async def matching_lines(path, needle):
    """The Python stage (plain file reads, as the tutorial's sync fallback)."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if needle in line:
                yield number, line.rstrip("\n")


async def consume(gen):
    count = 0
    async for _ in gen:
        count += 1
    return count


def best(make):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        count = asyncio.run(consume(make()))
        times.append(time.perf_counter() - start)
    return min(times), count


def main():
    fd, path = tempfile.mkstemp(suffix=".log")
    with os.fdopen(fd, "w") as f:
        for i in range(LINES):
            f.write(f"{i} {'ERROR disk full' if i % 7 == 0 else 'INFO ok'}\n")
    try:
        for needle, label in [("ERROR", "1 line in 7 matches"), (" ", "every line matches")]:
            py_t, py_n = best(lambda: matching_lines(path, needle))
            rs_t, rs_n = best(lambda: cogen_py.matching_lines(path, needle))
            assert py_n == rs_n, (py_n, rs_n)
            print(f"{label}: {py_n} items of {LINES} lines")
            print(f"  Python async generator: {py_t * 1e3:8.1f} ms  {py_n / py_t:12,.0f} items/s")
            print(f"  Rust (cogen_py):        {rs_t * 1e3:8.1f} ms  {rs_n / rs_t:12,.0f} items/s"
                  f"  ({(rs_t - py_t) / py_n * 1e6:+.2f} us per item vs Python)")
    finally:
        os.remove(path)


if __name__ == "__main__":
    main()
