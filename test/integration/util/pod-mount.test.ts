// native/pod-mount through util/mount.ts: mount(8)'s option names become flags, the rest filesystem data; pinned
// namespaces are new ones, held by their files, and a pin that fails leaves nothing behind.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listNetns, removeNetns } from '../../../src/network/netns.js';
import { listMounts, mount, pinNewNamespaces, unmount } from '../../../src/util/mount.js';

const isRoot = process.getuid?.() === 0;

describe('pod-mount', { skip: !isRoot && 'needs root' }, () => {
  let dir = '';
  const netns = `podlet-test-${randomBytes(4).toString('hex')}`;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-pod-mount-'));
  });
  after(async () => {
    for (const m of (await listMounts()).filter((m) => m.target.startsWith(`${dir}/`)).reverse())
      await unmount(m.target);
    await removeNetns(netns);
    await rm(dir, { recursive: true, force: true });
  });

  test('mounts with flags from the generic options and the rest as data', async () => {
    const target = join(dir, 'shm');
    await mkdir(target);
    await mount('shm', target, 'tmpfs', ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=65536']);
    const entry = (await listMounts()).find((m) => m.target === target);
    assert.equal(entry?.fstype, 'tmpfs');
    const options = entry?.options.split(',') ?? [];
    for (const o of ['rw', 'nosuid', 'nodev', 'noexec', 'size=64k']) assert.ok(options.includes(o), o);
    await unmount(target);
    assert.equal(
      (await listMounts()).find((m) => m.target === target),
      undefined,
    );
  });

  test('a mount that fails says what and where', async () => {
    await assert.rejects(
      mount('x', join(dir, 'missing'), 'tmpfs', []),
      /pod-mount: mount tmpfs x on .*missing: No such file or directory/,
    );
  });

  test('pins new network, IPC and UTS namespaces on their files', async () => {
    const pins = { net: `/run/netns/${netns}`, ipc: join(dir, 'ipc'), uts: join(dir, 'uts') };
    await pinNewNamespaces(pins);
    assert.ok((await listNetns('podlet-test-')).includes(netns));
    for (const [kind, file] of Object.entries(pins)) {
      assert.notEqual(statSync(file).ino, statSync(`/proc/self/ns/${kind}`).ino, kind);
      assert.equal((await listMounts()).find((m) => m.target === file)?.fstype, 'nsfs', kind);
    }
  });

  test('a pin that fails leaves no file and no mount', async () => {
    // As `ip netns add`, an existing network namespace file is refused.
    await assert.rejects(
      pinNewNamespaces({ net: `/run/netns/${netns}` }),
      /pod-mount: create \/run\/netns\/.*: File exists/,
    );
    // The UTS file cannot be made: the network and IPC files made before it go again.
    const pins = { net: `/run/netns/${netns}-x`, ipc: join(dir, 'ipc2'), uts: join(dir, 'missing', 'uts2') };
    await assert.rejects(pinNewNamespaces(pins), /pod-mount: create .*uts2: No such file or directory/);
    for (const file of Object.values(pins)) assert.equal(existsSync(file), false, file);
  });
});
