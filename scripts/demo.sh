#!/usr/bin/env bash
# Sets everything up, starts `podlet serve` and drives it with the real kubectl: the two-container example pod
# (examples/two-containers.yaml), what its containers share, then keeps serving until Ctrl-C and cleans up.
# `--no-wait` ends after the tour. The API listens on $PODLET_LISTEN (default 127.0.0.1:6443).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

data=${PODLET_DATA_DIR:-/var/lib/podlet}
listen=${PODLET_LISTEN:-127.0.0.1:6443}
podlet=(node bin/podlet)
mkdir -p "$data"
"${podlet[@]}" doctor
"${podlet[@]}" image import --data-dir "$data" test/fixtures/images/out/busybox.oci.tar

"${podlet[@]}" serve --data-dir "$data" --listen "$listen" >"$data/serve.log" 2>&1 &
daemon=$!
export KUBECONFIG="$data/kubeconfig"
cleanup() {
  echo; echo "demo: deleting the pod and stopping podlet"
  kubectl delete -f examples/two-containers.yaml --ignore-not-found --timeout=60s || true
  kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 100); do [ -s "$data/api/address" ] && break; sleep 0.1; done
"${podlet[@]}" kubeconfig --data-dir "$data" >"$KUBECONFIG"
echo "demo: kubeconfig written to $KUBECONFIG (or merge it: podlet kubeconfig --merge)"
for _ in $(seq 1 100); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done

echo; echo "\$ kubectl get nodes -o wide"; kubectl get nodes -o wide
echo; echo "\$ kubectl apply -f examples/two-containers.yaml"; kubectl apply -f examples/two-containers.yaml
echo; echo "\$ kubectl wait --for=condition=Ready pod/web"; kubectl wait --for=condition=Ready pod/web --timeout=60s
echo; echo "\$ kubectl get pods -o wide"; kubectl get pods -o wide
sleep 3

inside() { kubectl exec web -c "$1" -- "${@:2}"; }

echo; echo "demo: the client fetched this from the server over localhost (they share one network namespace):"
inside client cat /data/last-response
echo "demo: hostnames (shared UTS namespace): server=$(inside server hostname) client=$(inside client hostname)"
echo "demo: PID 1 in each container is its own process (private PID namespaces):"
echo "  server: $(inside server cat /proc/1/cmdline | tr '\0' ' ')"
echo "  client: $(inside client cat /proc/1/cmdline | tr '\0' ' ')"
echo; echo "\$ kubectl describe pod web | tail"; kubectl describe pod web | tail -n 12
[ "${1:-}" = "--no-wait" ] && exit 0
echo; echo "podlet is serving (log: $data/serve.log, KUBECONFIG=$KUBECONFIG). Press Ctrl-C to stop the pod and podlet."
wait "$daemon"
