import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ps, TEST_IMAGE, waitFor, waitRunning, writeManifest, usePodlet } from '../support/podlet-process.js';

const POD = `
apiVersion: v1
kind: Pod
metadata: { name: leaky }
spec:
  terminationGracePeriodSeconds: 2
  restartPolicy: Never
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ['sleep', '3600']
      resources: { limits: { memory: 64Mi } }
    - name: leaker
      image: ${TEST_IMAGE}
      command: ['podlet-testhelper', 'memhog', '200']
      resources: { limits: { memory: 32Mi } }
`;

describe('memory limits are per container', () => {
  const fx = usePodlet();

  test('a container over its memory limit is OOMKilled alone while its neighbour keeps running', async () => {
    await writeManifest(fx.instance, 'leaky.yaml', POD);
    const before = await waitRunning(fx.instance, 'leaky', ['main']);
    const mainBefore = before.containers.find((c) => c.name === 'main')!;
    const leaker = await waitFor('leaker to exit', async () => {
      const pod = (await ps(fx.instance)).find((e) => e.sandbox.podName.startsWith('leaky-'));
      return pod?.containers.find((c) => c.name === 'leaker' && c.state === 'exited');
    });
    assert.equal(leaker.reason, 'OOMKilled');
    assert.equal(leaker.exitCode, 137);
    const after = (await ps(fx.instance)).find((e) => e.sandbox.podName.startsWith('leaky-'))!;
    const mainAfter = after.containers.filter((c) => c.name === 'main');
    assert.equal(mainAfter.length, 1, 'main was never restarted');
    assert.equal(mainAfter[0]?.state, 'running');
    assert.equal(mainAfter[0]?.pid, mainBefore.pid);
    assert.equal(mainAfter[0]?.attempt, 0);
  });
});
