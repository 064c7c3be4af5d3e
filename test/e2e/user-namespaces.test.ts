// `hostUsers: false` through kubectl: root in the container is an unprivileged user on the host, the image's
// root-owned files are the pod's own (idmapped layers), volumes work, and two pods never share a range.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { runUnchecked } from '../../src/util/exec.js';
import { TEST_IMAGE } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const marker = 3_000_000 + randomInt(1_000_000);

function pod(name: string, seconds: number): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  hostUsers: false
  terminationGracePeriodSeconds: 1
  volumes: [{ name: scratch, emptyDir: {} }]
  initContainers:
    - name: init
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'echo from-init > /scratch/f && touch /etc/from-init']
      volumeMounts: [{ name: scratch, mountPath: /scratch }]
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sleep', '${seconds}']
      volumeMounts: [{ name: scratch, mountPath: /scratch }]
`;
}

/** The first host ID of a pod's user namespace, from its uid_map (`0 HOST SIZE`). */
function mappedRange(uidMap: string): { hostId: number; size: number } {
  const [inside, hostId, size] = uidMap.trim().split(/\s+/).map(Number);
  assert.equal(inside, 0);
  return { hostId: hostId ?? NaN, size: size ?? NaN };
}

describe('user namespaces', () => {
  const k = useCluster();

  test('root inside is an unprivileged host user, and owns the image files and its volumes', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod('own-users', marker) });
    await k.ok(['wait', '--for=condition=Ready', 'pod/own-users', '--timeout=60s']);
    const exec = (script: string) => k.ok(['exec', 'own-users', '--', 'sh', '-c', script]);
    assert.equal((await exec('id -u; id -g')).trim(), '0\n0');
    const range = mappedRange(await exec('cat /proc/self/uid_map'));
    assert.ok(range.hostId >= 65536, `host range starts at ${range.hostId}`);
    assert.equal(range.size, 65536);
    // The init container wrote the shared volume; each container writes its own copy of the image's root-owned /etc.
    assert.equal(
      await exec('cat /scratch/f; touch /etc/new && stat -c %u:%g /etc/new /bin'),
      'from-init\n0:0\n0:0\n',
    );
    const pids = (
      await runUnchecked('pgrep', ['-x', '-f', `sleep ${marker}`], { timeoutMs: 10_000 })
    ).stdout.trim();
    assert.notEqual(pids, '', 'the container process is visible on the host');
    for (const pid of pids.split('\n')) {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      assert.match(status, new RegExp(`^Uid:\\t${range.hostId}\\t${range.hostId}\\t`, 'm'));
    }
  });

  test('two pods get ranges that do not overlap', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod('other-users', marker + 1) });
    await k.ok(['wait', '--for=condition=Ready', 'pod/other-users', '--timeout=60s']);
    const ranges = await Promise.all(
      ['own-users', 'other-users'].map(async (name) =>
        mappedRange(await k.ok(['exec', name, '--', 'cat', '/proc/self/uid_map'])),
      ),
    );
    const [a, b] = ranges.sort((x, y) => x.hostId - y.hostId);
    assert.ok(a && b && a.hostId + a.size <= b.hostId, JSON.stringify(ranges));
  });

  test('procMount Unmasked, allowed with a user namespace, leaves /proc unmasked', async () => {
    const masked = ['/proc/kcore', '/proc/keys', '/proc/timer_list'].find((p) => existsSync(p));
    const manifest = (name: string, procMount: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  hostUsers: false
  restartPolicy: Never
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['stat', '-c', '%F', '${masked}']
      securityContext: { procMount: ${procMount} }
`;
    for (const [name, procMount, seen] of [
      ['unmasked', 'Unmasked', 'regular empty file'],
      ['masked', 'Default', 'character special file'],
    ] as const) {
      await k.ok(['apply', '-f', '-'], { input: manifest(name, procMount) });
      await k.ok(['wait', '--for=jsonpath={.status.phase}=Succeeded', `pod/${name}`, '--timeout=60s']);
      assert.equal((await k.ok(['logs', name])).trim(), seen, name);
    }
  });
});
