"""A file read in chunks of n bytes with f.read(n), Python's default
buffering (io.DEFAULT_BUFFER_SIZE). Prints the seconds of each round.

usage: python3 file_chunks.py PATH N ROUNDS   (run by bench/src/bin/file_chunks.rs)
"""
import sys
import time


def read_all(path, n):
    total = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(n)
            if not chunk:
                return total
            total += len(chunk)


def main():
    path, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        read_all(path, n)
        times.append(time.perf_counter() - start)
    print(" ".join(f"{t:.6f}" for t in times))


if __name__ == "__main__":
    main()
