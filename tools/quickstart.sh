#!/usr/bin/env bash
# Sets up, builds, and runs the main job: training on the bundled default experiment with ngspice
# embedded (no server). Results land in out/default/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh"
exec "$root/build/spiceloop" train --out "$root/out/default" "$@"
