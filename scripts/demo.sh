#!/usr/bin/env bash
# Sets everything up, starts `podlet serve` and runs the two-container example pod (examples/two-containers.yaml),
# shows what the containers share, then keeps serving until Ctrl-C and cleans up. `--no-wait` ends after the tour.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

data=${PODLET_DATA_DIR:-/var/lib/podlet}
manifests="$data/demo-manifests"
podlet=(node bin/podlet)
mkdir -p "$manifests"
"${podlet[@]}" doctor
"${podlet[@]}" image import --data-dir "$data" test/fixtures/images/out/busybox.oci.tar

"${podlet[@]}" serve --data-dir "$data" --manifests "$manifests" >"$data/serve.log" 2>&1 &
daemon=$!
cleanup() {
  echo; echo "demo: stopping the pod and podlet"
  rm -f "$manifests/two-containers.yaml"
  for _ in $(seq 1 150); do
    [ "$("${podlet[@]}" ps --json --data-dir "$data")" = "[]" ] && break
    sleep 0.2
  done
  kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
}
trap cleanup EXIT

cp examples/two-containers.yaml "$manifests/"
echo "demo: waiting for the pod to run"
for _ in $(seq 1 150); do
  "${podlet[@]}" ps --json --data-dir "$data" | grep -q '"name": "client"' && break
  sleep 0.2
done
sleep 3
"${podlet[@]}" ps --data-dir "$data"

id() { "${podlet[@]}" ps --json --data-dir "$data" | node -e '
  const e = JSON.parse(require("fs").readFileSync(0, "utf8"))[0];
  process.stdout.write(e.containers.filter(c => c.name === process.argv[1] && c.state === "running").pop().id)' "$1"; }
inside() { runc --root "$data/runc" exec "$(id "$1")" "${@:2}"; }

echo; echo "demo: the client fetched this from the server over localhost (they share one network namespace):"
inside client cat /data/last-response
echo "demo: hostnames (shared UTS namespace): server=$(inside server hostname) client=$(inside client hostname)"
echo "demo: PID 1 in each container is its own process (private PID namespaces):"
echo "  server: $(inside server cat /proc/1/cmdline | tr '\0' ' ')"
echo "  client: $(inside client cat /proc/1/cmdline | tr '\0' ' ')"
echo
echo "The Kubernetes API (kubectl) arrives in a later milestone; until then use \`podlet ps\` and runc exec as above."
[ "${1:-}" = "--no-wait" ] && exit 0
echo "podlet is serving (log: $data/serve.log). Press Ctrl-C to stop the pod and podlet."
wait "$daemon"
