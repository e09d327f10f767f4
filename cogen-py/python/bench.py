"""Items per second through a Python ``for`` loop over a Rust generator
(``cogen_py.count_up``) against the same generator written in Python, and
the per-item cost of crossing the boundary. Wall time, best of 5 runs of
N items each (these machines are shared: read the ratio, not the digits).

    target/py-venv/bin/python cogen-py/python/bench.py
"""
import time

import cogen_py

N = 1_000_000


def count_up(n):
    for i in range(n):
        yield i
    return n


def best(make):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for x in make(N):
            total += x
        times.append(time.perf_counter() - start)
        assert total == N * (N - 1) // 2
    return min(times)


def main():
    py = best(count_up)
    rust = best(cogen_py.count_up)
    loop = best(range)
    print(f"{'case':<34}{'items/s':>14}{'ns/item':>10}")
    for name, t in [("Python generator", py), ("Rust generator (cogen_py)", rust), ("range() (the loop alone)", loop)]:
        print(f"{name:<34}{N / t:>14,.0f}{t / N * 1e9:>10.1f}")
    print(f"crossing the boundary, per item: {(rust - loop) / N * 1e9:.1f} ns "
          f"(Rust generator minus the bare loop); Rust/Python time ratio {rust / py:.2f}")


if __name__ == "__main__":
    main()
