// QoS through kubectl: the class the API reports and the oom_score_adj the node gives each class; and the pod pids
// limit holding a fork bomb inside its pod while the node goes on serving.
import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
import { describe, test } from 'node:test';
import { readOomScoreAdjFloor, restrictOomScoreAdj } from '../../src/runtime/oci/host-oom-score.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const PIDS_LIMIT = 64;

const pod = (name: string, resources: string, command = "['sleep', '3600']") => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ${command}
      resources: ${resources}
`;

describe('QoS classes and the pod pids limit through kubectl', () => {
  const k = useCluster({ serveArgs: async () => ['--pod-pids-limit', String(PIDS_LIMIT)] });

  test('each QoS class gets its oom_score_adj (Burstable by its memory request)', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: [
        pod('guaranteed', '{ limits: { cpu: 100m, memory: 64Mi } }'),
        pod('burstable', '{ requests: { memory: 256Mi } }'),
        pod('besteffort', '{}'),
      ].join('---\n'),
    });
    await k.ok([
      'wait',
      '--for=condition=Ready',
      'pod/guaranteed',
      'pod/burstable',
      'pod/besteffort',
      '--timeout=60s',
    ]);
    const burstable = Math.max(2, Math.min(999, 1000 - Math.floor((1000 * 256 * 2 ** 20) / totalmem())));
    // Without CAP_SYS_RESOURCE (this machine) nothing can go below the daemon's own score: Guaranteed is clamped.
    const floor = await readOomScoreAdjFloor();
    for (const [name, qos, adj] of [
      ['guaranteed', 'Guaranteed', restrictOomScoreAdj(-997, floor)],
      ['burstable', 'Burstable', burstable],
      ['besteffort', 'BestEffort', 1000],
    ] as const) {
      assert.equal(await k.ok(['get', 'pod', name, '-o', 'jsonpath={.status.qosClass}']), qos);
      assert.equal(
        (await k.ok(['exec', name, '--', 'cat', '/proc/1/oom_score_adj'])).trim(),
        String(adj),
        name,
      );
    }
    await k.ok(['delete', 'pod', 'guaranteed', 'burstable', 'besteffort']);
  });

  test('a fork bomb stays within the pod pids limit and the node keeps serving', async () => {
    // Each loop forks a sleeping child until fork fails; the shell survives its failed forks.
    const bomb = "['sh', '-c', 'while true; do sleep 3600 & done']";
    await k.ok(['apply', '-f', '-'], { input: pod('bomb', '{}', bomb) });
    await waitFor('the pod to hit its pids limit', async () => {
      const out = await k.kubectl(['exec', 'bomb', '--', 'sh', '-c', 'ls /proc | grep -c "^[0-9]"']);
      return out.exitCode !== 0 || Number(out.stdout.trim()) >= PIDS_LIMIT - 8;
    });
    await k.ok(['apply', '-f', '-'], { input: pod('bystander', '{}') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/bystander', '--timeout=60s']);
    assert.equal(await k.ok(['exec', 'bystander', '--', 'echo', 'fine']), 'fine\n');
    await k.ok(['delete', 'pod', 'bomb', 'bystander']);
  });
});
