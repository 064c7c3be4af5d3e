import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  execIn,
  containerId,
  PodletDaemon,
  ps,
  TEST_IMAGE,
  waitFor,
  waitRunning,
  writeManifest,
  usePodlet,
} from '../support/podlet-process.js';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodNetwork } from '../../../src/network/cni.js';
import { createNetns } from '../../../src/network/netns.js';
import { RuntimePaths } from '../../../src/runtime/paths.js';
import { listMounts, mount } from '../../../src/util/mount.js';

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
  const fx = usePodlet();

  test('after SIGKILL and restart every container is re-adopted, none restarted', async () => {
    await writeManifest(fx.instance, 'survivor.yaml', POD);
    const before = await waitRunning(fx.instance, 'survivor', ['a', 'b']);
    await fx.daemon.stop('SIGKILL');
    // Containers keep running with no fx.daemon at all.
    const orphaned = await execIn(fx.instance, containerId(before, 'a'), ['true']);
    assert.equal(orphaned.exitCode, 0);
    fx.daemon = new PodletDaemon(fx.instance);
    fx.daemon.start();
    await waitFor('the restarted fx.daemon to sync', async () => fx.daemon.log.includes('podlet serving'));
    await new Promise((r) => setTimeout(r, 3000)); // several relists: any restart would happen now
    const afterRestart = await waitRunning(fx.instance, 'survivor', ['a', 'b']);
    const summary = (p: typeof before) => ({
      sandbox: [p.sandbox.id, p.sandbox.pid],
      containers: p.containers.map((c) => [c.name, c.id, c.pid, c.attempt, c.state]),
    });
    assert.deepEqual(summary(afterRestart), summary(before));
    assert.equal((await ps(fx.instance)).length, 1);
    // The runtime's volatile state, on the tmpfs the first start mounted, is what the second one found.
    const runDir = new RuntimePaths(fx.instance.dataDir).runDir;
    const runMounts = (await listMounts()).filter((m) => m.target === runDir);
    assert.deepEqual(
      runMounts.map((m) => m.fstype),
      ['tmpfs'],
    );
  });

  test('a sandbox and a container half-created when the fx.daemon died leave nothing after the next start', async () => {
    await fx.daemon.stop('SIGKILL');
    const id = randomBytes(16).toString('hex');
    const paths = new RuntimePaths(fx.instance.dataDir);
    const dir = paths.sandbox(id);
    const netnsName = `podlet-${id.slice(0, 12)}`;
    await mkdir(dir, { recursive: true });
    await mkdir(join(paths.bundle(id), 'shm'), { recursive: true });
    await mount('shm', join(paths.bundle(id), 'shm'), 'tmpfs', ['size=1m']);
    const netnsPath = await createNetns(netnsName);
    const request = {
      id,
      netnsPath,
      podName: 'crashed',
      podNamespace: 'default',
      podUid: 'uid-crashed',
      portMappings: [],
    };
    const network = new PodNetwork({
      bridge: fx.instance.bridge,
      podCidr: fx.instance.podCidr,
      dataDir: join(fx.instance.dataDir, 'network'),
    });
    const added = await network.add(request);
    const record = {
      ...request,
      phase: 'creating',
      createdAt: new Date().toISOString(),
      netnsName,
      cgroupPath: `/${fx.instance.cgroupParent}/poduid-crashed/${id}`,
      sharePid: false,
      hostname: 'crashed',
      ips: added.ips,
      cniResult: added.result,
    };
    await writeFile(join(dir, 'sandbox.json'), JSON.stringify(record));
    const cid = randomBytes(16).toString('hex');
    const cdir = paths.container(cid);
    await mkdir(cdir, { recursive: true });
    await mkdir(join(paths.bundle(cid), 'rootfs'), { recursive: true });
    await mount('tmpfs', join(paths.bundle(cid), 'rootfs'), 'tmpfs', ['size=1m']);
    await writeFile(
      join(cdir, 'container.json'),
      JSON.stringify({
        id: cid,
        sandboxId: id,
        podUid: 'uid-crashed',
        podName: 'crashed',
        podNamespace: 'default',
        name: 'c',
        kind: 'regular',
        attempt: 0,
        phase: 'creating',
        cgroupPath: '',
        stopSignal: 'SIGTERM',
        sharedPid: false,
      }),
    );

    fx.daemon = new PodletDaemon(fx.instance);
    fx.daemon.start();
    await waitFor('the half-created sandbox and container to be removed', async () => {
      const sandboxes = await readdir(paths.sandboxesDir);
      const containers = await readdir(paths.containersDir);
      const bundles = await readdir(paths.bundlesDir);
      return ![...sandboxes, ...bundles].includes(id) && ![...containers, ...bundles].includes(cid);
    });
    assert.deepEqual(await readdir('/run/netns').then((n) => n.filter((x) => x === netnsName)), []);
    assert.ok(!(await network.allocatedIds()).includes(id), 'the IP went back to the pool');
    await waitRunning(fx.instance, 'survivor', ['a', 'b']);
  });

  test('a dead pause process gets a new sandbox and the containers restart with their count incremented', async () => {
    const before = await waitRunning(fx.instance, 'survivor', ['a', 'b']);
    process.kill(before.sandbox.pid!, 'SIGKILL');
    const after = await waitFor('a new sandbox with both containers running', async () => {
      const p = await waitRunning(fx.instance, 'survivor', ['a', 'b']);
      return p.sandbox.id !== before.sandbox.id ? p : undefined;
    });
    const attempts = (p: typeof before) =>
      Object.fromEntries(p.containers.filter((c) => c.state === 'running').map((c) => [c.name, c.attempt]));
    const was = attempts(before);
    assert.deepEqual(attempts(after), { a: was.a! + 1, b: was.b! + 1 });
    assert.equal((await ps(fx.instance)).length, 1, 'the old sandbox is gone');
  });
});
