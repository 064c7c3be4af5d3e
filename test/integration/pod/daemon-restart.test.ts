import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  destroyInstance, execIn, containerId, importTestImage, newInstance, PodletDaemon, ps, TEST_IMAGE, waitFor,
  waitRunning, writeManifest, type Instance,
} from '../support/podlet-process.js'; // prettier-ignore

const POD = `
apiVersion: v1
kind: Pod
metadata: { name: survivor }
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - { name: a, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
    # Exits on SIGTERM, so a stop sent by mistake during re-adoption would show as a restart.
    - { name: b, image: ${TEST_IMAGE}, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] }
`;

describe('the daemon can die without its pods noticing', () => {
  let instance: Instance;
  let daemon: PodletDaemon;

  before(async () => {
    instance = await newInstance();
    await importTestImage(instance);
    daemon = new PodletDaemon(instance);
    daemon.start();
  });

  after(async () => {
    const left = await destroyInstance(instance, daemon);
    assert.deepEqual(left, { mounts: [], links: [], netns: [], cgroups: [], ipam: [] });
  });

  test('after SIGKILL and restart every container is re-adopted, none restarted', async () => {
    await writeManifest(instance, 'survivor.yaml', POD);
    const before = await waitRunning(instance, 'survivor', ['a', 'b']);
    await daemon.stop('SIGKILL');
    // Containers keep running with no daemon at all.
    const orphaned = await execIn(instance, containerId(before, 'a'), ['true']);
    assert.equal(orphaned.exitCode, 0);
    daemon = new PodletDaemon(instance);
    daemon.start();
    await waitFor('the restarted daemon to sync', async () => daemon.log.includes('podlet serving'));
    await new Promise((r) => setTimeout(r, 3000)); // several relists: any restart would happen now
    const afterRestart = await waitRunning(instance, 'survivor', ['a', 'b']);
    const summary = (p: typeof before) => ({
      sandbox: [p.sandbox.id, p.sandbox.pid],
      containers: p.containers.map((c) => [c.name, c.id, c.pid, c.attempt, c.state]),
    });
    assert.deepEqual(summary(afterRestart), summary(before));
    assert.equal((await ps(instance)).length, 1);
  });
});
