#!/usr/bin/env bash
# Installs the Debian 12 packages spiceloop needs (only those missing), then configures and builds
# (Release, all cores) into build/. Run by quickstart.sh and test.sh; safe to run again.
# Usage: setup.sh [TARGET ...]   the CMake targets to build (default: all, tests included).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bash "$root/tools/install_packages.sh"

# ccache, where the machine has it, makes a rebuild after a small change take seconds.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DSPICELOOP_WERROR="${SPICELOOP_WERROR:-OFF}" \
  "${launcher[@]}" >/dev/null

targets=()
(($#)) && targets=(--target "$@")
echo "setup: building ${*:-everything} in build/ on $(nproc) cores (a first build takes 3-9 minutes; progress below)" >&2
started=$SECONDS
cmake --build "$root/build" -j"$(nproc)" "${targets[@]}"
echo "setup: build done in $((SECONDS - started)) s" >&2
