#!/usr/bin/env bash
# Instructions per item, as ../shared/BENCHMARKING.md describes: run each case
# under callgrind at two sizes and take the slope, (I(N2) - I(N1)) / (N2 - N1),
# which excludes start-up. Deterministic: same binary, same counts.
#
# usage: bench/callgrind.sh [case ...]     (default: every case, then CPython)
# The spawn-scaling cases (*_beside_*) use SPAWN_N1 / SPAWN_N2 instead.
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-100000}
N2=${N2:-1100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The real interpreter: `python3` on PATH may be a shim script (pyenv).
PY=$(python3 -c 'import sys; print(sys.executable)')
cargo build --quiet --profile bench -p cogen-bench --bin insns
bin=target/release/insns
[ -x target/bench/insns ] && bin=target/bench/insns

total() { # file -> total instructions
  grep -E '^(summary|totals):' "$1" | head -1 | awk '{print $2}'
}
slope() { # label, command prefix...
  local label=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$out/a" "$@" "$N1" >/dev/null 2>&1
  valgrind --tool=callgrind --callgrind-out-file="$out/b" "$@" "$N2" >/dev/null 2>&1
  local a b
  a=$(total "$out/a"); b=$(total "$out/b")
  awk -v l="$label" -v a="$a" -v b="$b" -v n1="$N1" -v n2="$N2" \
    'BEGIN { printf "%-28s %8.1f\n", l, (b - a) / (n2 - n1) }'
}

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  mapfile -t cases < <("$bin" 2>&1 | sed -n 's/^  //p')
  cases+=(python_generator python_send python_yield_from_depth1 python_yield_from_depth4 python_async_generator python_async_asend python_queue_16 python_queue_128)
fi
printf '%-28s %8s\n' case insns/item
for c in "${cases[@]}"; do
  case "$c" in
    python_queue_*) slope "$c" "$PY" bench/py/toolkit.py "${c#python_}" ;;
    python_async_*) slope "$c" "$PY" bench/py/async_generators.py "${c#python_}" ;;
    python_*) slope "$c" "$PY" bench/py/generators.py "${c#python_}" ;;
    # Spawn scaling: each spawned group task's outcome is held until a join,
    # so these run at smaller sizes (SPAWN_N1, SPAWN_N2).
    *_beside_*) (N1=${SPAWN_N1:-10000}; N2=${SPAWN_N2:-60000}; slope "$c" "$bin" "$c") ;;
    *) slope "$c" "$bin" "$c" ;;
  esac
done
