// The API survives its process: what a 2xx answer promised is there after kill -9, and API pods keep running
// through a daemon restart, re-adopted with the same container and status.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { podlet, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const pod = `
apiVersion: v1
kind: Pod
metadata: { name: survivor }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

describe('a podlet restart', () => {
  const k = useCluster();

  test('kill -9 right after writes loses none of them, and running pods are re-adopted untouched', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod });
    await k.ok(['wait', '--for=condition=Ready', 'pod/survivor', '--timeout=60s']);
    const before = JSON.parse(await k.ok(['get', 'pod', 'survivor', '-o', 'json']));
    const heartbeat = () =>
      k.ok([
        'get',
        'node',
        'test-node',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}',
      ]);
    const beatBefore = await heartbeat();
    for (const i of [1, 2, 3]) await k.ok(['create', 'configmap', `durable-${i}`, `--from-literal=i=${i}`]);
    await k.daemon.stop('SIGKILL');
    const addressFile = join(k.instance.dataDir, 'api', 'address');
    await writeFile(addressFile, '');
    k.daemon.start();
    await waitFor(
      'the API address',
      async () => (await readFile(addressFile, 'utf8').catch(() => '')).trim() !== '',
    );
    await writeFile(k.kubeconfig, await podlet(['kubeconfig', '--data-dir', k.instance.dataDir]));
    await waitFor(
      'the API answering',
      async () => (await k.kubectl(['get', 'ns', 'default'])).exitCode === 0,
    );
    for (const i of [1, 2, 3])
      assert.equal(await k.ok(['get', 'cm', `durable-${i}`, '-o', 'jsonpath={.data.i}']), String(i));
    // The restarted kubelet has reported (a new heartbeat) and the pod is still the same: same container, no restart.
    await waitFor('a heartbeat after the restart', async () => (await heartbeat()) > beatBefore);
    const after = JSON.parse(await k.ok(['get', 'pod', 'survivor', '-o', 'json']));
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.status.phase, 'Running');
    assert.equal(
      after.status.containerStatuses[0].containerID,
      before.status.containerStatuses[0].containerID,
    );
    assert.equal(after.status.containerStatuses[0].restartCount, 0);
  });
});
