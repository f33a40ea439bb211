#!/usr/bin/env bash
# Installs the Debian 12 packages spiceloop needs (only those missing), then configures and builds
# (Release, all cores) into build/. Run by quickstart.sh and test.sh; safe to run again.
# Usage: setup.sh [TARGET ...]   the CMake targets to build (default: all, tests included).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(build-essential cmake pkg-config git
  libngspice0-dev ngspice libeigen3-dev nlohmann-json3-dev catch2 libcli11-dev libfmt-dev
  libboost-dev libboost-system-dev libopenmpi-dev openmpi-bin
  python3 python3-pyvisa python3-pyvisa-py python3-matplotlib
  python3-dev python3-numpy pybind11-dev python3-pybind11
  chromium chromium-driver python3-selenium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} (apt-get, quiet; a few minutes on a fresh machine)" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

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
