#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in build-san/ (tools/sanitized_build.sh: clang, the
# whole tree instrumented with AddressSanitizer and UndefinedBehaviorSanitizer, UB fatal) and runs
# each for a bounded time, one after the other, starting from its committed seed corpus
# (tests/fuzz/corpus/<target>, never written to; new inputs go to build-san/fuzz-corpus/<target>).
# Fork mode: a crash, leak, timeout or out-of-memory input is kept (build-san/findings/<target>/)
# and fuzzing goes on, so one run reports every finding.
# Prints, per target, the executions, the corpus size and the findings with the distinct first
# error line of each, and exits 1 if any target found anything.
#
#   bash tools/fuzz.sh                         every target, 20 s each
#   bash tools/fuzz.sh --seconds 600 checkpoint scpi_session
#   bash tools/fuzz.sh --list                  the target names
#   bash tools/fuzz.sh --no-build ...          run what build-san/ holds (another build runs there)
# Reproduce a finding: build-san/fuzz/fuzz_<target> build-san/findings/<target>/crash-...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-san"
seconds=20
list=0
build_first=1
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --seconds=*) seconds="${1#*=}"; shift ;;
    --list) list=1; shift ;;
    --no-build) build_first=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && ((seconds > 0)) || { echo "fuzz.sh: --seconds wants a whole number above 0, not '$seconds'" >&2; exit 2; }

all=()
for f in "$root"/tests/fuzz/*_fuzz.cpp; do
  n=$(basename "$f" _fuzz.cpp)
  all+=("$n")
done
if ((list)); then printf '%s\n' "${all[@]}"; exit 0; fi
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target '$t' (targets: ${all[*]})" >&2; exit 2; }
done

build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
((build_first == 0)) || bash "$root/tools/sanitized_build.sh" "${build_targets[@]}"

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
failed=0
summary=()
for t in "${targets[@]}"; do
  work="$build/fuzz-corpus/$t"
  findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  seeds="$root/tests/fuzz/corpus/$t"
  dict=()
  [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
  log="$build/findings/$t.log"
  echo "fuzz.sh: $t for ${seconds} s (log: $log)" >&2
  set +e +o pipefail  # a target that finds something exits non-zero: that is a result, not an error
  "$build/fuzz/fuzz_$t" "$work" "$seeds" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1
  rc=$?
  # Fork mode's progress lines: "#<execs>: cov: ... corp: <inputs> ...".
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
  execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
  corpus=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  artifacts=$(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  found=0
  kinds=""
  if [ -n "$artifacts" ]; then
    found=$(wc -l <<<"$artifacts")
    failed=1
    # Each finding run again alone: its first error line and the first frame in spiceloop's code,
    # without addresses and long numbers, so that one line stands for one bug.
    kinds=$(while read -r a; do
      out=$(timeout 60 "$build/fuzz/fuzz_$t" -runs=1 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 "$a" 2>&1)
      what=$(grep -m1 -E 'runtime error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|FINDING' <<<"$out" |
        sed -E 's/.*(runtime error|ERROR|FINDING)/\1/')
      where=$(grep -m1 -E '#[0-9]+ .* in .*/(emulator|drivers)/' <<<"$out" | sed -E 's/.* in //; s|.*/(emulator\|drivers)/|\1/|')
      echo "${what:-no error reproduced} @ ${where:-?}" | sed -E 's/0x[0-9a-f]+//g; s/[0-9]{7,}/N/g'
    done <<<"$artifacts" | sort | uniq -c)
  fi
  ((rc == 0)) || failed=1
  set -e -o pipefail
  summary+=("$(printf '%-16s %6s s %12s execs %7s inputs %4s findings' "$t" "$seconds" "${execs:-?}" "${corpus:-?}" "$found")")
  [ -z "$kinds" ] || summary+=("$(sed 's/^/    /' <<<"$kinds")")
done
printf '%s\n' "${summary[@]}"
((failed == 0)) || echo "fuzz.sh: findings in $build/findings/ (reproduce: $build/fuzz/fuzz_<target> <file>)" >&2
exit "$failed"
