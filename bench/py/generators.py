"""CPython's side of the generator benchmarks (see bench/callgrind.sh).

usage: python3 generators.py {generator|send} N
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
    else:
        raise SystemExit(f"unknown case {case!r}")
    print(total)


if __name__ == "__main__":
    main()
