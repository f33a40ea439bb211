#!/usr/bin/env bash
# Runs the front panel's socket and process tests and its browser test N times (default 20) and
# counts the failures: the repeat check every socket/browser test gets before it lands (not CI).
#   bash tools/repeat_panel_tests.sh [N]      (after a build into build/)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
socket_failed=0 browser_failed=0 browser_skipped=0
for i in $(seq 1 "$n"); do
  "$root/build/test_panel" "[socket],[cli]" >"/tmp/panel_repeat_socket_$$.log" 2>&1 || {
    socket_failed=$((socket_failed + 1)); cp "/tmp/panel_repeat_socket_$$.log" "/tmp/panel_repeat_socket_fail_$i.log"; }
  /usr/bin/python3 "$root/tests/panel/browser_test.py" --spiceloop "$root/build/spiceloop" \
    --screenshot "$root/build/panel_screenshot.png" >"/tmp/panel_repeat_browser_$$.log" 2>&1
  rc=$?
  if [ $rc -eq 77 ]; then browser_skipped=$((browser_skipped + 1))
  elif [ $rc -ne 0 ]; then browser_failed=$((browser_failed + 1)); cp "/tmp/panel_repeat_browser_$$.log" "/tmp/panel_repeat_browser_fail_$i.log"; fi
  echo "run $i: socket+cli failures so far $socket_failed, browser failures so far $browser_failed"
done
rm -f "/tmp/panel_repeat_socket_$$.log" "/tmp/panel_repeat_browser_$$.log"
echo "socket+cli tests: $n runs, $socket_failed failed; browser test: $n runs, $browser_failed failed, $browser_skipped skipped"
[ $socket_failed -eq 0 ] && [ $browser_failed -eq 0 ]
