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
exec node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec \
  'dist/test/unit/**/*.test.js' 'dist/test/integration/**/*.test.js'
