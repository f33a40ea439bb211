#!/usr/bin/env bash
# Sets up, builds what the main job needs (the spiceloop command and the ngspice worker, no
# tests), and runs it: training on the bundled default experiment with ngspice embedded (no
# server). Results land in out/default/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh" spiceloop spiceloop-ngspice-worker
exec "$root/build/spiceloop" train --out "$root/out/default" "$@"
