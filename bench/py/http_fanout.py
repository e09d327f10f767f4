"""HTTP fan-out with aiohttp, for bench/src/bin/http_fanout.rs.

usage: http_fanout.py BASE PATH N C  -> prints the seconds N GETs took at
concurrency C (a semaphore, as the seed's gather with a limit would use).
"""
import asyncio
import sys
import time

import aiohttp


async def main(base, path, n, c):
    url = base + path
    limit = asyncio.Semaphore(c)
    connector = aiohttp.TCPConnector(limit=c)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def fetch():
            async with limit:
                async with session.get(url) as response:
                    body = await response.read()
                    return response.status == 200 and len(body) >= 0

        # Warm the pool, as the Rust cases are.
        await asyncio.gather(*(fetch() for _ in range(c * 4)))
        start = time.perf_counter()
        results = await asyncio.gather(*(fetch() for _ in range(n)))
        elapsed = time.perf_counter() - start
    assert all(results), "every request succeeds"
    print(f"{elapsed:.6f}")


if __name__ == "__main__":
    base, path, n, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    asyncio.run(main(base, path, n, c))
