#!/usr/bin/env bash
# The one instrumented build, in build-san/, that tools/fuzz.sh and tools/sanitize.sh share: clang,
# Debug at -O1, AddressSanitizer + UndefinedBehaviorSanitizer (-fno-sanitize-recover=all: undefined
# behaviour fails), and libFuzzer's coverage (-fsanitize=fuzzer-no-link) on every library, so that
# the fuzz targets (linked with -fsanitize=fuzzer, tests/fuzz/CMakeLists.txt) and the test
# executables come out of one compile of the tree. lld links. The Python module is left out (a
# module built with ASan cannot load into a plain python3). Installs clang, libclang-rt and lld
# with apt-get when missing.
#   bash tools/sanitized_build.sh [TARGET ...]   (default: everything, fuzz targets included)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-san"
bash "$root/tools/install_packages.sh" clang libclang-rt-14-dev lld
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all"
CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSPICELOOP_FUZZ=ON -DSPICELOOP_PYTHON=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld -fsanitize=address,undefined" \
  "${launcher[@]}" >/dev/null
targets=()
(($#)) && targets=(--target "$@")
echo "sanitized_build.sh: building ${*:-everything} in build-san/ on $(nproc) cores" >&2
started=$SECONDS
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
echo "sanitized_build.sh: build done in $((SECONDS - started)) s" >&2
