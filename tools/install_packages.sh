#!/usr/bin/env bash
# Installs, with apt-get (as root or through sudo), the Debian 12 packages spiceloop needs and any
# given as arguments, only those missing. Used by setup.sh and by sanitized_build.sh (clang, lld).
set -euo pipefail

packages=(build-essential cmake pkg-config git
  libngspice0-dev ngspice libeigen3-dev nlohmann-json3-dev catch2 libcli11-dev libfmt-dev
  libboost-dev libboost-system-dev libopenmpi-dev openmpi-bin
  python3 python3-pyvisa python3-pyvisa-py python3-matplotlib
  python3-dev python3-numpy pybind11-dev python3-pybind11
  chromium chromium-driver python3-selenium "$@")

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
