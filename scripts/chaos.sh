#!/usr/bin/env bash
# `npm run test:chaos`: sets everything up, runs every chaos scenario at full size, and rewrites the table of
# docs/reliability.md from the figures they recorded. CI runs the same files at their fast size (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
figures=$(mktemp /tmp/podlet-chaos.XXXXXX.jsonl)
trap 'rm -f "$figures"' EXIT
mapfile -t files < <(find dist/test/chaos -name "*.test.js" | sort)
PODLET_CHAOS=full PODLET_CHAOS_REPORT="$figures" \
  node --test --test-concurrency=1 --test-timeout=1800000 --test-reporter=spec "${files[@]}"
node dist/scripts/render-reliability.js "$figures" docs/reliability.md
npx prettier --log-level warn --write docs/reliability.md
