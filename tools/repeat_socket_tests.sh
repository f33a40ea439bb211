#!/usr/bin/env bash
# Runs every socket test (the Catch tag [socket] of each test executable that has one) and the
# PyVISA tests (the stand-ins; the lab board on its pty) N times (default 50), counting failures
# per executable: flaky tests are defects, and this is the repeat check a socket test gets before
# it lands (a script, not CI).
#   bash tools/repeat_socket_tests.sh [N] [EXECUTABLE ...]   (after a build into build/;
#                                                            default: every test_* with [socket])
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
b="$root/build"
n=${1:-50}
shift $(($# > 0 ? 1 : 0))
exes=("$@")
if ((${#exes[@]} == 0)); then
  for e in "$b"/test_*; do
    [ -x "$e" ] && "$e" "[socket]" --list-test-names-only 2>/dev/null | grep -q . && exes+=("$(basename "$e")")
  done
fi
declare -A fails seconds
for e in "${exes[@]}" pyvisa; do fails[$e]=0; seconds[$e]=0; done
log="/tmp/repeat_socket_tests_$$.log"
for ((i = 1; i <= n; i++)); do
  for e in "${exes[@]}" pyvisa; do
    start=$SECONDS
    if [ "$e" = pyvisa ]; then
      /usr/bin/python3 "$root/tests/pyvisa/standins_test.py" --spiceloop "$b/spiceloop" >"$log" 2>&1 &&
        /usr/bin/python3 "$root/tests/pyvisa/board_pty_test.py" --spiceloop "$b/spiceloop" >>"$log" 2>&1
    else
      "$b/$e" "[socket]" >"$log" 2>&1
    fi || { fails[$e]=$((fails[$e] + 1)); cp "$log" "/tmp/repeat_socket_fail_${e}_$i.log"; }
    seconds[$e]=$((seconds[$e] + SECONDS - start))
  done
  total=0
  for e in "${exes[@]}" pyvisa; do total=$((total + fails[$e])); done
  echo "run $i of $n: $total failures so far"
done
rm -f "$log"
status=0
for e in "${exes[@]}" pyvisa; do
  printf '%-14s %3d runs %3d failures (%d s in all)\n' "$e" "$n" "${fails[$e]}" "${seconds[$e]}"
  ((fails[$e] == 0)) || status=1
done
((status == 0)) || echo "repeat_socket_tests.sh: logs of the failed runs in /tmp/repeat_socket_fail_*.log" >&2
exit $status
