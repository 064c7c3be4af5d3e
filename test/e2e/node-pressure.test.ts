// Node-pressure eviction through kubectl: a podlet whose data dir is a small tmpfs runs out of disk, and one whose
// allocatable memory is small runs out of memory; the kubelet's conditions, taints, ranking, messages and admission.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { run, runUnchecked } from '../../src/util/exec.js';
import { NODE_NAME, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from './support/cluster.js';

const MI = 1024 * 1024;

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

async function getNode(k: Cluster): Promise<Node> {
  return JSON.parse(await k.ok(['get', 'node', NODE_NAME, '-o', 'json'])) as Node;
}

async function condition(k: Cluster, type: string): Promise<string> {
  return k.ok(['get', 'node', NODE_NAME, '-o', `jsonpath={.status.conditions[?(@.type=="${type}")].status}`]);
}

function podYaml(name: string, command: string, extra = ''): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 30
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', '${command}']
${extra}`;
}

const GUARANTEED = `      resources: { limits: { cpu: 100m, memory: 64Mi } }\n`;

describe('disk pressure on a small data dir', () => {
  let mountPoint = '';
  const savedTmpdir = process.env.TMPDIR;
  // The instance's data dir is made under TMPDIR: a 300Mi tmpfs makes nodefs small and its use deterministic.
  before(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), `podlet-np-${randomBytes(3).toString('hex')}-`));
    await run('mount', ['-t', 'tmpfs', '-o', 'size=300m', 'tmpfs', mountPoint]);
    process.env.TMPDIR = mountPoint;
  });
  const k = useCluster({
    serveArgs: async () => [
      '--eviction-hard',
      'nodefs.available<200Mi',
      '--eviction-pressure-transition-period',
      '20s',
    ],
  });
  before(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
  });
  after(async () => {
    if (!mountPoint) return;
    await runUnchecked('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  test('a BestEffort writer is evicted, new pods are refused, a quiet Guaranteed pod runs on', async () => {
    await k.ok(['apply', '-f', '-'], { input: podYaml('quiet', 'exec sleep 3600', GUARANTEED) });
    await waitFor('quiet running', async () => (await getPod(k, 'quiet')).status?.phase === 'Running');
    assert.equal(await condition(k, 'DiskPressure'), 'False');
    await k.ok(['apply', '-f', '-'], {
      input: podYaml('writer', 'dd if=/dev/zero of=/fill bs=1M count=150; exec sleep 3600'),
    });
    await waitFor('DiskPressure', async () => (await condition(k, 'DiskPressure')) === 'True', 60_000);
    const node = await getNode(k);
    const pressure = node.status?.conditions?.find((c) => c.type === 'DiskPressure');
    assert.equal(pressure?.reason, 'KubeletHasDiskPressure');
    assert.equal(pressure?.message, 'kubelet has disk pressure');
    assert.deepEqual(node.spec?.taints, [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]);

    await waitFor('the eviction', async () => (await getPod(k, 'writer')).status?.phase === 'Failed', 60_000);
    const status = (await getPod(k, 'writer')).status;
    assert.equal(status?.reason, 'Evicted');
    assert.match(
      status?.message ?? '',
      /^The node was low on resource: ephemeral-storage\. Threshold quantity: 200Mi, available: \d+(Ki|Mi)?\. Container c was using \d+(Ki|Mi)?, request is 0, has larger consumption of ephemeral-storage\. $/,
    );
    const disruption = status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.equal(disruption?.status, 'True');
    assert.equal(disruption?.reason, 'TerminationByKubelet');
    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=writer']);
    assert.match(events, /Warning\s+Evicted\s+pod\/writer\s+The node was low on resource: ephemeral-storage/);
    const nodeEvents = await k.ok(['get', 'events', '--field-selector', `involvedObject.kind=Node`]);
    assert.match(
      nodeEvents,
      /EvictionThresholdMet\s+node\/test-node\s+Attempting to reclaim ephemeral-storage/,
    );

    // Bound past the scheduler (which keeps new pods off a node with the disk-pressure taint): the kubelet's
    // admission refuses it.
    await k.ok(['apply', '-f', '-'], {
      input: podYaml('latecomer', 'exec sleep 3600', `${GUARANTEED}  nodeName: ${NODE_NAME}\n`),
    });
    await waitFor('the refusal', async () => (await getPod(k, 'latecomer')).status?.phase === 'Failed');
    const refused = (await getPod(k, 'latecomer')).status;
    assert.equal(refused?.reason, 'Evicted');
    assert.equal(refused?.message, 'Pod was rejected: The node had condition: [DiskPressure]. ');

    // The writer's dead container is reclaimed; the condition clears once the transition period has passed.
    await waitFor(
      'DiskPressure cleared',
      async () => (await condition(k, 'DiskPressure')) === 'False',
      90_000,
    );
    assert.equal((await getNode(k)).spec?.taints, undefined);
    assert.equal((await getPod(k, 'quiet')).status?.phase, 'Running');
    await k.ok(['delete', 'pod', 'quiet', 'writer', 'latecomer', '--grace-period=1']);
  });
});

describe('memory pressure on a small allocatable', () => {
  // Pods may use 400Mi: allocatable is that less the 100Mi threshold, whatever the host's memory.
  const reserved = Math.floor((totalmem() - 400 * MI) / 1024);
  const k = useCluster({
    serveArgs: async () => [
      '--eviction-hard',
      'memory.available<100Mi',
      '--system-reserved',
      `memory=${reserved}Ki`,
      '--eviction-pressure-transition-period',
      '15s',
    ],
  });

  test('allocatable is capacity less the reservation and the threshold', async () => {
    const allocatable = (await getNode(k)).status?.allocatable?.memory;
    assert.equal(allocatable, '300Mi');
  });

  test('a BestEffort pod filling a memory emptyDir is evicted first; a Burstable pod within its requests stays', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: podYaml('steady', 'exec sleep 3600', '      resources: { requests: { memory: 32Mi } }\n'),
    });
    await waitFor('steady running', async () => (await getPod(k, 'steady')).status?.phase === 'Running');
    await k.ok(['apply', '-f', '-'], {
      input:
        podYaml(
          'hog',
          'dd if=/dev/zero of=/mem/fill bs=1M count=350; exec sleep 3600',
          '      volumeMounts: [{ name: mem, mountPath: /mem }]\n',
        ) + '  volumes: [{ name: mem, emptyDir: { medium: Memory } }]\n',
    });
    await waitFor('MemoryPressure', async () => (await condition(k, 'MemoryPressure')) === 'True', 60_000);
    await waitFor('the eviction', async () => (await getPod(k, 'hog')).status?.phase === 'Failed', 60_000);
    const status = (await getPod(k, 'hog')).status;
    assert.equal(status?.reason, 'Evicted');
    assert.match(
      status?.message ?? '',
      /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: -?\d+(Ki|Mi)?\. Container c was using \d+(Ki|Mi)?, request is 0, has larger consumption of memory\. $/,
    );
    // The tmpfs is charged to the pod until its volumes go with the pod.
    await k.ok(['delete', 'pod', 'hog', '--grace-period=1']);
    const node = await getNode(k);
    const pressure = node.status?.conditions?.find((c) => c.type === 'MemoryPressure');
    assert.equal(pressure?.reason, 'KubeletHasInsufficientMemory');
    assert.equal(pressure?.message, 'kubelet has insufficient memory available');
    await waitFor(
      'MemoryPressure cleared',
      async () => (await condition(k, 'MemoryPressure')) === 'False',
      90_000,
    );
    assert.equal((await getPod(k, 'steady')).status?.phase, 'Running');
    await k.ok(['delete', 'pod', 'steady', '--grace-period=1']);
  });
});
