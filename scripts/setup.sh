#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root) for podlet: Debian packages, npm packages, the build, the test images.
# Idempotent: a second run only checks. Downloads only from Debian's archive and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  runc conmon catatonit containernetworking-plugins iproute2 iptables nftables util-linux mount
  busybox-static umoci skopeo docker-registry apache2-utils podman attr zstd
  gcc g++ make python3 libc6-dev chromium
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's docker-registry package starts a registry service on :5000; podlet's tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # `npm install` rather than `npm ci`: node-unix-socket declares prebuilt optional packages for platforms the
  # registry never got, which `npm ci` counts as a lockfile out of sync; install follows the lockfile all the same.
  npm install --no-audit --no-fund --loglevel=error
fi
echo "setup: building"
npm run --silent build
bash scripts/build-test-images.sh
echo "setup: done"
