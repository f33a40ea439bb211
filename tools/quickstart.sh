#!/usr/bin/env bash
# Sets up, builds what the main job needs (the spiceloop command and the ngspice worker, no
# tests), and runs it: training on the bundled default experiment with ngspice embedded (no
# server). Results land in out/default/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/setup.sh" spiceloop spiceloop-ngspice-worker
# Each quickstart replaces the last one's results, unless asked to continue them (--resume).
replace=(--overwrite)
for a in "$@"; do [ "$a" = --resume ] && replace=(); done
exec "$root/build/spiceloop" train --out "$root/out/default" "${replace[@]}" "$@"
