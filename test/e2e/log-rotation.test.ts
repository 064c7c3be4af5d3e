// Container log rotation (--container-log-max-size / --container-log-max-files) with `kubectl logs -f` reading
// across it: no line lost, no line twice, and no more files kept than allowed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster } from './support/cluster.js';

const MAX_FILES = 3;

describe('container log rotation', () => {
  const k = useCluster({
    serveArgs: async () => [
      '--container-log-max-size',
      '8Ki',
      '--container-log-max-files',
      String(MAX_FILES),
    ],
  });

  test('logs -f follows the container across rotations and old logs are pruned and compressed', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: chatty }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "line $i padded to make the log grow quickly"; sleep 0.02; done']
`,
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/chatty', '--timeout=60s']);
    const follower = spawn(kubectlPath(), ['logs', '-f', 'chatty'], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
    });
    let out = '';
    follower.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const uid = await k.ok(['get', 'pod', 'chatty', '-o', 'jsonpath={.metadata.uid}']);
    const logDir = join(k.instance.dataDir, 'logs', `default_chatty_${uid}`, 'c');
    try {
      await waitFor(
        'two rotations',
        async () => (await readdir(logDir)).filter((f) => f.startsWith('0.log.')).length >= MAX_FILES - 1,
        60_000,
        500,
      );
      const seen = out.split('\n').filter((l) => l.startsWith('line '));
      await waitFor('the follower past the rotation', async () => out.split('\n').length > seen.length + 50);
    } finally {
      follower.kill();
    }
    const numbers = out
      .split('\n')
      .filter((l) => l.startsWith('line '))
      .map((l) => Number(l.split(' ')[1]));
    assert.ok(numbers.length > 300, `only ${numbers.length} lines followed`);
    numbers.forEach((n, i) => assert.equal(n, numbers[0]! + i, `line ${i} of the followed output`));
    const files = await readdir(logDir);
    const rotated = files.filter((f) => f.startsWith('0.log.'));
    assert.ok(rotated.length <= MAX_FILES - 1, `kept ${files.join(', ')}`);
    assert.ok(
      rotated.slice(0, -1).every((f) => f.endsWith('.gz')),
      `older rotated logs compressed: ${files.join(', ')}`,
    );
    await k.ok(['delete', 'pod', 'chatty']);
  });
});
