"""CPython's side of the toolkit benchmarks (see bench/callgrind.sh): an
asyncio.Queue between a producer task and a consumer, as the Rust
cogen_queue_* and tokio_mpsc_* cases.

usage: python3 toolkit.py {queue_16|queue_128} N
"""
import asyncio
import sys


async def main(case, n):
    sizes = {"queue_16": 16, "queue_128": 128}
    if case not in sizes:
        raise SystemExit(f"unknown case {case!r}")
    q = asyncio.Queue(sizes[case])
    done = object()

    async def produce():
        for i in range(n):
            await q.put(i)
        await q.put(done)

    task = asyncio.create_task(produce())
    total = 0
    while (x := await q.get()) is not done:
        total += x
    await task
    return total


if __name__ == "__main__":
    print(asyncio.run(main(sys.argv[1], int(sys.argv[2]))))
