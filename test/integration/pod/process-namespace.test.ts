import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  containerId,
  execIn,
  TEST_IMAGE,
  waitFor,
  waitRunning,
  writeManifest,
  usePodlet,
} from '../support/podlet-process.js';

const pod = (name: string, share: boolean) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 2
  shareProcessNamespace: ${share}
  containers:
    - { name: main, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
    - { name: helper, image: ${TEST_IMAGE}, command: ['sh', '-c', 'exec sleep 7200'] }
`;

/** Zombies in the container's view of /proc: state Z in /proc/<pid>/stat. */
const ZOMBIES =
  'for s in /proc/[0-9]*/stat; do read -r line < $s 2>/dev/null && set -- $line && [ "$3" = Z ] && echo $1; done; true';

describe('PID namespaces', () => {
  const fx = usePodlet();

  before(async () => {
    await writeManifest(fx.instance, 'shared.yaml', pod('shared', true));
    await writeManifest(fx.instance, 'private.yaml', pod('private', false));
  });

  test('with shareProcessNamespace the pause process is PID 1 and processes are visible across containers', async () => {
    const p = await waitRunning(fx.instance, 'shared', ['main', 'helper']);
    const main = containerId(p, 'main');
    assert.match((await execIn(fx.instance, main, ['cat', '/proc/1/cmdline'])).stdout, /catatonit/);
    assert.match((await execIn(fx.instance, main, ['ps', '-o', 'args'])).stdout, /sleep 7200/);
  });

  test('with shareProcessNamespace orphaned zombies are reaped by the pause process', async () => {
    const p = await waitRunning(fx.instance, 'shared', ['main', 'helper']);
    const main = containerId(p, 'main');
    const r = await execIn(fx.instance, main, ['podlet-testhelper', 'orphans', '5']);
    assert.equal(r.exitCode, 0, r.stderr);
    await waitFor(
      'orphans reaped',
      async () => (await execIn(fx.instance, main, ['sh', '-c', ZOMBIES])).stdout.trim() === '',
      10_000,
    );
  });

  test('without it each container has its own PID 1, and a non-reaping PID 1 keeps zombies', async () => {
    const p = await waitRunning(fx.instance, 'private', ['main', 'helper']);
    const main = containerId(p, 'main');
    assert.match((await execIn(fx.instance, main, ['cat', '/proc/1/cmdline'])).stdout, /^sleep/);
    assert.doesNotMatch((await execIn(fx.instance, main, ['ps', '-o', 'args'])).stdout, /sleep 7200/);
    await execIn(fx.instance, main, ['podlet-testhelper', 'orphans', '3']);
    // `sleep` as PID 1 never waits: the orphans stay zombies, which shows the reaping check above can fail.
    const zombies = await waitFor(
      'zombies under sleep',
      async () => {
        const z = (await execIn(fx.instance, main, ['sh', '-c', ZOMBIES])).stdout
          .trim()
          .split('\n')
          .filter(Boolean);
        return z.length >= 3 ? z : undefined;
      },
      10_000,
    );
    assert.ok(zombies.length >= 3);
  });
});
