#!/usr/bin/env bash
# Sets up, builds everything (the command, the worker and every test executable), and runs the
# whole test suite through ctest. Extra arguments go to ctest (e.g. -L ngspice, -R solver). Tests
# tagged [.slow] are hidden; run them with ./build/test_spice "[.slow]".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
cd "$root/build"
exec ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
