#!/usr/bin/env bash
# Builds podlet's native helpers (native/*.c, native/spawner/*.c) into dist/native/; part of `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/native
cc -O2 -Wall -Wextra -o dist/native/idmap-mount native/idmap-mount.c
cc -O2 -Wall -Wextra -Werror -o dist/native/pod-mount native/pod-mount.c
cc -O2 -Wall -Wextra -Werror -o dist/native/spawner native/spawner/*.c
