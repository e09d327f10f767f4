#!/usr/bin/env bash
# HTTP fan-out against the loopback test server (see bench/src/bin/http_fanout.rs).
#
# 1. Wall time: requests per second, round-robin over the cases (cogen
#    fetch_all, the bare reqwest loops, CPython aiohttp if installed).
# 2. Client instructions per request: each Rust case under callgrind at two
#    sizes against a cogen-testserver in another process, so only the client
#    is counted; the slope excludes start-up.
#
# usage: bench/http.sh            (env: REQUESTS, ROUNDS, CONCURRENCY, N1, N2)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-2000}
ROUNDS=${ROUNDS:-7}
CONCURRENCY=${CONCURRENCY:-16,64}
N1=${N1:-500}
N2=${N2:-1500}

if ! python3 -c 'import aiohttp' 2>/dev/null; then
  python3 -m pip install --quiet aiohttp || echo "(aiohttp did not install: its row is left out)"
fi
cargo build --quiet --release -p cogen-bench --bin http_fanout
cargo build --quiet --release -p cogen-testserver
./target/release/http_fanout --requests "$REQUESTS" --rounds "$ROUNDS" --concurrency "$CONCURRENCY"

out=$(mktemp -d)
./target/release/cogen-testserver >"$out/server" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 50); do [ -s "$out/server" ] && break; sleep 0.1; done
base=$(head -1 "$out/server")

total() { grep -E '^(summary|totals):' "$1" | head -1 | awk '{print $2}'; }
echo
printf '%-18s %4s %14s\n' case C insns/request
for c in ${CONCURRENCY//,/ }; do
  for case in bare_buffered bare_tasks cogen_fetch_all; do
    for n in "$N1" "$N2"; do
      valgrind --tool=callgrind --callgrind-out-file="$out/$n" ./target/release/http_fanout \
        --server "$base" --case "$case" --requests "$n" --concurrency "$c" >/dev/null 2>&1
    done
    awk -v l="$case" -v c="$c" -v a="$(total "$out/$N1")" -v b="$(total "$out/$N2")" \
      -v n1="$N1" -v n2="$N2" 'BEGIN { printf "%-18s %4s %14.0f\n", l, c, (b - a) / (n2 - n1) }'
  done
done
