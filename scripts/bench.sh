#!/usr/bin/env bash
# `npm run bench`: sets everything up (podman included), then runs the benchmark. Figures are ratios against a peer
# measured in the same run; timing never fails the command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node dist/bench/main.js "$@"
