#!/usr/bin/env bash
# The whole ctest suite under AddressSanitizer and UndefinedBehaviorSanitizer, in build-san/
# (tools/sanitized_build.sh: clang, -O1, undefined behaviour fatal, LeakSanitizer on), the PyVISA
# and socket tests included; the Python module's tests are not built there (label python).
# Extra arguments go to ctest (e.g. -R server). Exits non-zero on any finding.
# Leaks inside libraries we do not own (ngspice, Open MPI) are suppressed by
# tools/lsan_suppressions.txt; ours are not. Reproduce one test: run its executable in build-san/
# with the ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS below.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/sanitized_build.sh"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/tools/lsan_suppressions.txt:print_suppressions=0:${LSAN_OPTIONS:-}"
cd "$root/build-san"
# Open MPI unloads its plugins before LeakSanitizer reports, so their leaks show as "<unknown
# module>" with two-frame stacks that no suppression matches. The slow unwinder records the whole
# stack at allocation time (through libopen-pal, which is suppressed); it is 8x slower, so only the
# tests that start mpirun use it.
mpi='^study:mpi: [0-9]'
if (($# > 0)); then
  exec ctest --output-on-failure -j"$(nproc)" --timeout 1200 "$@"
fi
status=0
ctest --output-on-failure -j"$(nproc)" --timeout 1200 -E "$mpi" || status=1
ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" ctest --output-on-failure --timeout 1200 -R "$mpi" || status=1
exit $status
