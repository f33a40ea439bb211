#!/usr/bin/env bash
# A sweep killed (SIGKILL) at a random moment, again and again, resumes to the same results.csv
# as one uninterrupted run: the chunked point store (emulator/study/point_store.hpp) under real
# kills, including kills during a flush. Not run by CI (timing-based); run it by hand:
#   bash tools/sweep_kill_test.sh [ROUNDS] [SWEEP.json] [extra sweep arguments...]
# e.g. bash tools/sweep_kill_test.sh 20 netlists/sweeps/scaling.json
#      bash tools/sweep_kill_test.sh 5 netlists/sweeps/scaling.json --backend ngspice
#      MPIRUN="mpirun --allow-run-as-root --oversubscribe -n 2" bash tools/sweep_kill_test.sh 10
# KILL_MS: the latest kill, ms after the start (default 300, 2500 under MPIRUN).
# Prints one line per round (kills before completion, chunks) and exits 1 on any difference.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${SPICELOOP:-$root/build/spiceloop}
rounds=${1:-20}
sweep=${2:-$root/netlists/sweeps/scaling.json}
shift $(($# > 2 ? 2 : $#))
extra=("$@")
launcher=(${MPIRUN:-})
# Kills land 20 ms .. KILL_MS ms after the start (default 300; mpirun takes ~1 s to start ranks).
max_ms=${KILL_MS:-$([[ -n ${MPIRUN:-} ]] && echo 2500 || echo 300)}
work=$(mktemp -d /tmp/spiceloop_kill.XXXXXX)
trap 'rm -rf "$work"' EXIT

"${launcher[@]}" "$bin" sweep "$sweep" --out "$work/ref" --no-plot --no-progress "${extra[@]}" > /dev/null || exit 1
failures=0
for ((round = 1; round <= rounds; round++)); do
  out="$work/run$round"
  kills=0
  while :; do
    # Flush every 10 ms, so that kills land between chunks, during them, and mid-point.
    # A session of its own, so that the kill reaches every process of the run (a rank that
    # outlived its launcher would wait forever in a collective).
    setsid "${launcher[@]}" "$bin" sweep "$sweep" --out "$out" --no-plot --no-progress --flush-seconds 0.01 \
      "${extra[@]}" > /dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms=$((RANDOM % max_ms + 20)) 'BEGIN { print ms / 1000 }')"
    if kill -0 "$pid" 2> /dev/null; then
      # The ranks first (mpirun's children; Open MPI puts them in sessions of their own), then the
      # launcher or the single process.
      kill -9 $(ps -o pid= --ppid "$pid") 2> /dev/null
      kill -9 -- "-$pid" 2> /dev/null
      wait "$pid" 2> /dev/null
      kills=$((kills + 1))
      continue
    fi
    wait "$pid" && break
    echo "round $round: the sweep failed on its own (not killed)"
    exit 1
  done
  chunks=$(ls "$out/points" | grep -c '^chunk-.*\.csv$')
  if cmp -s "$work/ref/results.csv" "$out/results.csv"; then
    echo "round $round: identical after $kills kill(s), $chunks chunk(s)"
  else
    echo "round $round: results.csv DIFFERS after $kills kill(s)"
    failures=$((failures + 1))
  fi
done
echo "$rounds rounds, $failures failure(s)"
((failures == 0))
