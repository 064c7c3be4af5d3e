#!/usr/bin/env bash
# Sets everything up, then runs lint and every test (unit and, as root, integration) in one runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== lint"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; exit 1; }
echo "== tests"
# One run, one summary. Integration tests share the host's kernel, so files run one at a time.
# Node 20's runner takes files, not globs: unit tests, then integration, then kubectl end-to-end, then the
# chaos scenarios at their fast size, then the dashboard in chromium, each sorted.
mapfile -t files < <(find dist/test/unit -name "*.test.js" | sort; find dist/test/integration -name "*.test.js" | sort; find dist/test/e2e -name "*.test.js" | sort; find dist/test/chaos -name "*.test.js" | sort; find dist/test/browser -name "*.test.js" | sort)
exec node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${files[@]}"
