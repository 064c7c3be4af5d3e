import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { containerMounts, ContainerMountError } from '../../../src/kubelet/container-config.js';
import { setUpHostPath } from '../../../src/volume/host-path.js';
import { claimedHostPath } from '../../../src/volume/persistent-claim.js';
import { prepareSubPath, SubPathError } from '../../../src/volume/sub-path.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podlet-volume-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostPath type checks', () => {
  let server: Server | undefined;
  after(() => server?.close());

  test('DirectoryOrCreate creates the directory with mode 0755 and FileOrCreate the file with 0644', async () => {
    const d = join(dir, 'made/deep');
    assert.equal(await setUpHostPath({ path: d, type: 'DirectoryOrCreate' }), d);
    assert.equal((await stat(d)).mode & 0o7777, 0o755);
    const f = join(dir, 'made/file');
    await setUpHostPath({ path: f, type: 'FileOrCreate' });
    assert.equal((await stat(f)).mode & 0o7777, 0o644);
    assert.ok((await stat(f)).isFile());
  });

  test('a path of the wrong type fails with the kubelet message', async () => {
    const f = join(dir, 'plain');
    await writeFile(f, '');
    await assert.rejects(setUpHostPath({ path: f, type: 'Directory' }), {
      message: `hostPath type check failed: ${f} is not a directory`,
    });
    await assert.rejects(setUpHostPath({ path: f, type: 'DirectoryOrCreate' }), {
      message: `hostPath type check failed: ${f} is not a directory`,
    });
    await assert.rejects(setUpHostPath({ path: dir, type: 'File' }), {
      message: `hostPath type check failed: ${dir} is not a file`,
    });
    await assert.rejects(setUpHostPath({ path: f, type: 'Socket' }), {
      message: `hostPath type check failed: ${f} is not a socket file`,
    });
    await assert.rejects(setUpHostPath({ path: f, type: 'CharDevice' }), {
      message: `hostPath type check failed: ${f} is not a character device`,
    });
    await assert.rejects(setUpHostPath({ path: '/dev/null', type: 'BlockDevice' }), {
      message: 'hostPath type check failed: /dev/null is not a block device',
    });
    await assert.rejects(
      setUpHostPath({ path: join(dir, 'absent'), type: 'Directory' }),
      /is not a directory/,
    );
  });

  test('sockets, character devices and an unset type pass', async () => {
    const sock = join(dir, 's.sock');
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(sock, resolve));
    assert.equal(await setUpHostPath({ path: sock, type: 'Socket' }), sock);
    assert.equal(await setUpHostPath({ path: '/dev/null', type: 'CharDevice' }), '/dev/null');
    assert.equal(await setUpHostPath({ path: join(dir, 'whatever') }), join(dir, 'whatever'));
  });
});

describe('subPath', () => {
  test('creates a missing subPath inside the volume and returns its resolved path', async () => {
    const vol = await mkdtemp(join(dir, 'vol-'));
    const req = { volumePath: vol, subPath: 'a/b', mountName: 'm', containerName: 'c' };
    assert.equal(await prepareSubPath(req), join(vol, 'a/b'));
    assert.ok((await stat(join(vol, 'a/b'))).isDirectory());
  });

  test('follows links that stay inside the volume (configMap keys are links into ..data)', async () => {
    const vol = await mkdtemp(join(dir, 'vol-'));
    await mkdir(join(vol, '..ts'));
    await writeFile(join(vol, '..ts/key'), 'v');
    await symlink('..ts', join(vol, '..data'));
    await symlink('..data/key', join(vol, 'key'));
    const req = { volumePath: vol, subPath: 'key', mountName: 'm', containerName: 'c' };
    assert.equal(await prepareSubPath(req), join(vol, '..ts/key'));
  });

  test('refuses a subPath that resolves through a symlink outside the volume', async () => {
    const vol = await mkdtemp(join(dir, 'vol-'));
    await symlink('/etc', join(vol, 'escape'));
    const req = { volumePath: vol, subPath: 'escape', mountName: 'm', containerName: 'c' };
    await assert.rejects(prepareSubPath(req), {
      name: 'SubPathError',
      message: 'failed to prepare subPath for volumeMount "m" of container "c"',
    });
    await assert.rejects(prepareSubPath({ ...req, subPath: 'escape/new-dir' }), {
      message: 'failed to create subPath directory for volumeMount "m" of container "c"',
    });
    await assert.rejects(prepareSubPath({ ...req, subPath: '../x' }), SubPathError);
    await assert.rejects(prepareSubPath({ ...req, subPath: '/x' }), SubPathError);
  });
});

describe('container mounts', () => {
  const pod: Pod = {
    metadata: { name: 'p' },
    spec: {
      containers: [],
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'x' } },
        { name: 'claim', persistentVolumeClaim: { claimName: 'c', readOnly: true } },
      ],
    },
  };

  test('expands subPathExpr with the env and mounts API data and readOnly claims read-only', async () => {
    const vol = await mkdtemp(join(dir, 'vol-'));
    const paths = new Map([
      ['data', vol],
      ['cfg', vol],
      ['claim', vol],
    ]);
    const container = {
      name: 'c',
      volumeMounts: [
        { name: 'data', mountPath: '/d', subPathExpr: 'logs/$(POD)' },
        { name: 'data', mountPath: '/ro', readOnly: true },
        { name: 'cfg', mountPath: '/cfg' },
        { name: 'claim', mountPath: '/claim' },
      ],
    };
    const mounts = await containerMounts(pod, container, paths, [{ name: 'POD', value: 'p1' }]);
    assert.deepEqual(
      mounts.map((m) => [m.destination, m.source, m.options?.at(-1)]),
      [
        ['/d', join(vol, 'logs/p1'), 'rw'],
        ['/ro', vol, 'ro'],
        ['/cfg', vol, 'ro'],
        ['/claim', vol, 'ro'],
      ],
    );
  });

  test('binds of the tmpfs-backed volumes name nosuid and nodev, which a user namespace locks', async () => {
    const volumes: Pod['spec'] = {
      containers: [],
      volumes: [
        { name: 'secret', secret: { secretName: 's' } },
        { name: 'projected', projected: { sources: [] } },
        { name: 'downward', downwardAPI: { items: [] } },
        { name: 'memory', emptyDir: { medium: 'Memory' } },
        { name: 'disk', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'c' } },
      ],
    };
    const names = (volumes.volumes ?? []).map((v) => v.name);
    const mounts = await containerMounts(
      { spec: volumes },
      { name: 'c', volumeMounts: names.map((name) => ({ name, mountPath: `/${name}` })) },
      new Map(names.map((name) => [name, dir])),
      [],
    );
    assert.deepEqual(
      mounts.map((m) => [m.destination, m.options?.includes('nosuid') && m.options.includes('nodev')]),
      names.map((name) => [`/${name}`, !['disk', 'cfg'].includes(name)]),
    );
  });

  test('a subPathExpr naming an unset variable is a config error', async () => {
    const container = {
      name: 'c',
      volumeMounts: [{ name: 'data', mountPath: '/d', subPathExpr: '$(NOPE)/$(B)' }],
    };
    await assert.rejects(
      containerMounts(pod, container, new Map([['data', dir]]), [{ name: 'B', value: '' }]),
      {
        name: 'ContainerMountError',
        message: 'missing value for B, NOPE',
      },
    );
    await assert.rejects(
      containerMounts(pod, { name: 'c', volumeMounts: [{ name: 'x', mountPath: '/x' }] }, new Map(), []),
      ContainerMountError,
    );
  });
});

describe('persistentVolumeClaim', () => {
  const ref = { namespace: 'ns', claimName: 'data' };
  const claim = {
    metadata: { name: 'data', uid: 'u1' },
    spec: { volumeName: 'pv1' },
    status: { phase: 'Bound' },
  };
  const pv = { metadata: { name: 'pv1' }, spec: { claimRef: { uid: 'u1' }, hostPath: { path: '/srv/pv1' } } };

  test('resolves a bound claim to its volume path', () => {
    assert.deepEqual(
      claimedHostPath(ref, claim, () => pv),
      { path: '/srv/pv1' },
    );
  });

  test('reports missing, unbound and mismatched claims with the populator messages', () => {
    assert.throws(() => claimedHostPath(ref, undefined, () => pv), {
      message:
        'error processing PVC ns/data: failed to fetch PVC from API server: persistentvolumeclaims "data" not found',
    });
    assert.throws(() => claimedHostPath(ref, { ...claim, status: { phase: 'Pending' } }, () => pv), {
      message: 'error processing PVC ns/data: PVC is not bound',
    });
    const other = { ...pv, spec: { ...pv.spec, claimRef: { uid: 'u2' } } };
    assert.throws(() => claimedHostPath(ref, claim, () => other), /does not point to claim.UID \(u1\)/);
  });
});
