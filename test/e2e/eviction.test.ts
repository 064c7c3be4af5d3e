// The node's limits on a pod, through kubectl: local storage over a limit evicts the pod (Failed, Evicted, the
// kubelet's message and event), and a sidecar over its memory limit is OOM-killed alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from './support/cluster.js';

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

describe('eviction and per-container limits through kubectl', { concurrency: true }, () => {
  const k = useCluster();

  test('an emptyDir filled past its sizeLimit gets the pod evicted', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: filler }
spec:
  terminationGracePeriodSeconds: 30
  volumes: [{ name: data, emptyDir: { sizeLimit: 1Mi } }]
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'dd if=/dev/zero of=/data/fill bs=1M count=3; exec sleep 3600']
      volumeMounts: [{ name: data, mountPath: /data }]
`,
    });
    await waitFor('the eviction', async () => (await getPod(k, 'filler')).status?.phase === 'Failed', 60_000);
    const status = (await getPod(k, 'filler')).status;
    assert.equal(status?.reason, 'Evicted');
    assert.equal(status?.message, 'Usage of EmptyDir volume "data" exceeds the limit "1Mi". ');
    await waitFor(
      'the container stopped (in the 1 s eviction grace, not the 30 s of the pod)',
      async () => (await getPod(k, 'filler')).status?.containerStatuses?.[0]?.state?.terminated !== undefined,
      15_000,
    );
    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=filler']);
    assert.match(
      events,
      /Warning\s+Evicted\s+pod\/filler\s+Usage of EmptyDir volume "data" exceeds the limit "1Mi"/,
    );
    await k.ok(['delete', 'pod', 'filler']);
  });

  test('a container writing past its ephemeral-storage limit gets the pod evicted', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: writer }
spec:
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'dd if=/dev/zero of=/tmp/fill bs=1M count=4; exec sleep 3600']
      resources: { limits: { ephemeral-storage: 2Mi } }
`,
    });
    await waitFor('the eviction', async () => (await getPod(k, 'writer')).status?.phase === 'Failed', 60_000);
    assert.equal(
      (await getPod(k, 'writer')).status?.message,
      'Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. ',
    );
    await k.ok(['delete', 'pod', 'writer']);
  });

  test('a sidecar leaking memory past its limit is OOMKilled alone; the main container keeps running', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: leaky }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - name: sidecar
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: ['sh', '-c', 'sleep 2; tail /dev/zero']
      resources: { limits: { memory: 16Mi } }
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ['sleep', '3600']
`,
    });
    await waitFor(
      'the sidecar OOM-killed',
      async () => {
        const s = (await getPod(k, 'leaky')).status?.initContainerStatuses?.[0];
        return (
          s?.lastState?.terminated?.reason === 'OOMKilled' || s?.state?.terminated?.reason === 'OOMKilled'
        );
      },
      60_000,
    );
    const main = (await getPod(k, 'leaky')).status?.containerStatuses?.[0];
    assert.equal(main?.restartCount, 0);
    assert.ok(main?.state?.running, 'the main container runs on');
    await k.ok(['delete', 'pod', 'leaky']);
  });
});
