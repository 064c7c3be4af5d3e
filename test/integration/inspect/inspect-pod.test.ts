// `podlet inspect pod` on the README's two-container example and on a pod sharing its process namespace: what it
// says each member shares must be what /proc/PID/ns says, read here independently.
import assert from 'node:assert/strict';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { SharingReport } from '../../../src/inspect/types.js';
import {
  NODE_NAME,
  podlet,
  REPO,
  TEST_IMAGE,
  usePodlet,
  waitRunning,
  writeManifest,
} from '../support/podlet-process.js';

const SHARING_PID = `
apiVersion: v1
kind: Pod
metadata: { name: one-pid-ns }
spec:
  terminationGracePeriodSeconds: 1
  shareProcessNamespace: true
  containers:
    - { name: a, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
    - { name: b, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

async function inode(pid: number, type: string): Promise<number> {
  return Number(/\[(\d+)\]/.exec(await readlink(`/proc/${pid}/ns/${type}`))?.[1]);
}

describe('podlet inspect pod', () => {
  const fx = usePodlet();
  const inspect = async (name: string) =>
    JSON.parse(
      await podlet(['inspect', 'pod', `${name}-${NODE_NAME}`, '--data-dir', fx.instance.dataDir, '--json']),
    ) as SharingReport;

  before(async () => {
    await writeManifest(
      fx.instance,
      'web.yaml',
      await readFile(join(REPO, 'examples', 'two-containers.yaml'), 'utf8'),
    );
    await writeManifest(fx.instance, 'one-pid-ns.yaml', SHARING_PID);
    await waitRunning(fx.instance, 'web', ['server', 'client']);
    await waitRunning(fx.instance, 'one-pid-ns', ['a', 'b']);
  });

  test('the example pod: net, ipc and uts shared with the pause process, pid and mnt private, as /proc says', async () => {
    const report = await inspect('web');
    assert.deepEqual(
      report.members.map((m) => m.name),
      ['(pause)', 'client', 'server'],
    );
    for (const m of report.members) {
      assert.ok(m.pid && m.namespaces, `${m.name} runs`);
      for (const type of ['net', 'ipc', 'uts'] as const) {
        assert.equal(m.namespaces[type].sharing, 'shared', `${m.name} ${type}`);
        assert.equal(m.namespaces[type].inode, await inode(m.pid, type));
      }
      for (const type of ['pid', 'mnt'] as const) {
        assert.equal(m.namespaces[type].sharing, 'private', `${m.name} ${type}`);
        assert.equal(m.namespaces[type].inode, await inode(m.pid, type));
      }
    }
    const pause = report.members[0]!;
    for (const m of report.members.slice(1)) {
      assert.equal(await inode(m.pid!, 'net'), await inode(pause.pid!, 'net'));
      assert.notEqual(await inode(m.pid!, 'pid'), await inode(pause.pid!, 'pid'));
    }
    // The example's limits (64Mi, 250m), read back from the server container's own cgroup.
    const server = report.members.find((m) => m.name === 'server');
    assert.equal(server?.cgroup?.memory.limitBytes, 64 * 1024 * 1024);
    assert.equal(server?.cgroup?.cpu.quotaMicros, 25_000);
    const shared = report.volumes.find((v) => v.volume === 'shared');
    assert.deepEqual(shared?.mountedBy.map((b) => [b.container, b.destination]).sort(), [
      ['client', '/data'],
      ['server', '/www'],
    ]);
    assert.deepEqual(
      report.listening.map((l) => `${l.address}:${l.port}`),
      ['127.0.0.1:8080'],
    );
  });

  test('shareProcessNamespace: the pid namespace is shared too, and the table says so', async () => {
    const report = await inspect('one-pid-ns');
    for (const m of report.members) {
      assert.equal(m.namespaces?.pid.sharing, 'shared', m.name);
      assert.equal(m.namespaces?.pid.inode, await inode(m.pid!, 'pid'));
      assert.equal(m.namespaces?.mnt.sharing, 'private', m.name);
    }
    const text = await podlet([
      'inspect',
      'pod',
      `one-pid-ns-${NODE_NAME}`,
      '--data-dir',
      fx.instance.dataDir,
    ]);
    assert.match(text, /Shared by every running member \(the walls of the apartment\): net ipc uts pid\n/);
    assert.match(text, /^a\s+regular\s+running\s+\d+\s+shared\s+shared\s+shared\s+shared\s+private\s/m);
  });

  test('a pod the node does not run is a one-line error', async () => {
    await assert.rejects(
      podlet(['inspect', 'pod', 'nope', '--data-dir', fx.instance.dataDir]),
      /podlet: pod default\/nope has no sandbox on this node/,
    );
  });
});
