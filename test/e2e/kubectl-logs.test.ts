// kubectl logs: the CRI log of the current and the previous instance, tail/since/timestamps/limit, -f, and the
// kubelet's refusals for a container that has no log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster } from './support/cluster.js';

const counter = `
apiVersion: v1
kind: Pod
metadata: { name: counter }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; echo oops >&2; i=4; while true; do echo line $i; i=$((i+1)); sleep 1; done']
`;

const crasher = `
apiVersion: v1
kind: Pod
metadata: { name: crasher }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sh', '-c', 'echo run $(cat /proc/sys/kernel/random/uuid); exit 3'] }
`;

describe('kubectl logs', () => {
  const k = useCluster();

  test('logs, --tail, --timestamps, --limit-bytes and -f read the container log', async () => {
    await k.ok(['apply', '-f', '-'], { input: counter });
    await k.ok(['wait', '--for=condition=Ready', 'pod/counter', '--timeout=60s']);
    await waitFor('five lines', async () => (await k.ok(['logs', 'counter'])).includes('line 5'));
    const all = await k.ok(['logs', 'counter']);
    // stdout and stderr reach conmon through separate pipes, so only each stream's own order is fixed.
    assert.match(all, /^line 1\nline 2\nline 3\n/);
    assert.match(all, /^oops$/m);
    assert.equal(await k.ok(['logs', 'counter', '--tail=1', '--limit-bytes=4']), 'line');
    const stamped = (await k.ok(['logs', 'counter', '--tail=2', '--timestamps'])).trimEnd().split('\n');
    assert.equal(stamped.length, 2);
    for (const line of stamped)
      assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (line \d+|oops)$/);
    const follower = spawn(kubectlPath(), ['logs', '-f', 'counter', '--tail=1'], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
    });
    let out = '';
    follower.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitFor('two new lines while following', async () => (out.match(/line \d+/g) ?? []).length >= 3);
    } finally {
      follower.kill();
    }
    await k.ok(['delete', 'pod', 'counter']);
  });

  test('--previous reads the instance before the restart; a pod without it is refused as the kubelet refuses', async () => {
    await k.ok(['apply', '-f', '-'], { input: crasher });
    await waitFor(
      'a restart',
      async () =>
        Number(
          await k.ok(['get', 'pod', 'crasher', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']),
        ) >= 1,
      60_000,
    );
    assert.match(await k.ok(['logs', 'crasher', '--previous']), /^run [0-9a-f-]{36}\n$/);
    await k.ok(['delete', 'pod', 'crasher']);
    await k.ok(['apply', '-f', '-'], { input: counter });
    await k.ok(['wait', '--for=condition=Ready', 'pod/counter', '--timeout=60s']);
    const none = await k.kubectl(['logs', 'counter', '--previous']);
    assert.match(none.stderr, /previous terminated container "c" in pod "counter" not found/);
    await k.ok(['delete', 'pod', 'counter']);
  });
});
