"""CPython's side of the generator benchmarks (see bench/callgrind.sh).

usage: python3 generators.py {generator|send|yield_from_depth1|yield_from_depth4} N
"""
import sys


def numbers(n):
    for i in range(n):
        yield i


def numbers_send(n):
    acc = 0
    for i in range(n):
        acc += yield i
    return acc


def wrap(sub):
    return (yield from sub)


def main():
    case, n = sys.argv[1], int(sys.argv[2])
    total = 0
    if case == "generator":
        for x in numbers(n):
            total += x
    elif case == "send":
        g = numbers_send(n)
        try:
            x = next(g)
            while True:
                total += x
                x = g.send(x)
        except StopIteration:
            pass
    elif case.startswith("yield_from_depth"):
        g = numbers(n)
        for _ in range(int(case[len("yield_from_depth"):])):
            g = wrap(g)
        for x in g:
            total += x
    else:
        raise SystemExit(f"unknown case {case!r}")
    print(total)


if __name__ == "__main__":
    main()
