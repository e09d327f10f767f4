"""CPython's side of the async-generator benchmarks (see bench/callgrind.sh).

usage: python3 async_generators.py {async_generator|async_asend} N
"""
import asyncio
import sys


async def numbers(n):
    for i in range(n):
        yield i


async def numbers_send(n):
    acc = 0
    for i in range(n):
        acc += yield i


async def main(case, n):
    total = 0
    if case == "async_generator":
        async for x in numbers(n):
            total += x
    elif case == "async_asend":
        g = numbers_send(n)
        try:
            x = await g.asend(None)
            while True:
                total += x
                x = await g.asend(x)
        except StopAsyncIteration:
            pass
    else:
        raise SystemExit(f"unknown case {case!r}")
    return total


if __name__ == "__main__":
    print(asyncio.run(main(sys.argv[1], int(sys.argv[2]))))
