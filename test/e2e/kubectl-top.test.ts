// kubectl top: metrics.k8s.io from the containers' cgroups and the node's /proc, as metrics-server reports them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const busy = `
apiVersion: v1
kind: Pod
metadata: { name: busy }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: spin, image: ${TEST_IMAGE}, command: ['sh', '-c', 'while true; do :; done'], resources: { limits: { cpu: 200m } } }
    - { name: idle, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

describe('kubectl top', () => {
  const k = useCluster();

  test("top pod shows each container's CPU and memory; a spinning container near its CPU limit", async () => {
    await k.ok(['apply', '-f', '-'], { input: busy });
    await k.ok(['wait', '--for=condition=Ready', 'pod/busy', '--timeout=60s']);
    const row = await waitFor(
      'metrics for the pod',
      async () => (await k.ok(['top', 'pod', 'busy', '--containers', '--no-headers'])).trim() || undefined,
      60_000,
      1000,
    ).catch(async () => (await k.kubectl(['top', 'pod', 'busy', '--containers'])).stderr);
    const lines = String(row)
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const spin = lines.find((l) => l[1] === 'spin');
    assert.ok(spin, `a row for the spinning container in: ${row}`);
    const millicores = Number(spin[2]?.replace('m', ''));
    assert.ok(millicores > 100 && millicores <= 260, `spin uses about its 200m limit, got ${spin[2]}`);
    assert.match(spin[3] ?? '', /^\d+Mi$/);
    const node = await k.ok(['top', 'node', '--no-headers']);
    assert.match(node, /^test-node\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    await k.ok(['delete', 'pod', 'busy']);
  });

  test("/metrics has podlet's own figures: pods by phase, restarts, sync and request latency", async () => {
    await k.ok(['run', 'counted', `--image=${TEST_IMAGE}`, '--restart=Never', '--', 'sleep', '3600']);
    await k.ok(['wait', '--for=condition=Ready', 'pod/counted', '--timeout=60s']);
    await k.ok(['get', 'pods']);
    const text = await k.ok(['get', '--raw', '/metrics']);
    assert.match(text, /^# TYPE podlet_pods gauge$/m);
    assert.match(text, /^podlet_pods\{phase="Running"\} [1-9]\d*$/m);
    assert.match(
      text,
      /^kube_pod_container_status_restarts_total\{namespace="default",pod="counted",container="counted"\} 0$/m,
    );
    assert.match(text, /^kubelet_pod_worker_duration_seconds_count\{operation="sync"\} [1-9]\d*$/m);
    assert.match(
      text,
      /^apiserver_request_duration_seconds_bucket\{verb="LIST",resource="pods",code="200",le="\+Inf"\} [1-9]\d*$/m,
    );
    await k.ok(['delete', 'pod', 'counted', '--grace-period=1']);
  });
});
