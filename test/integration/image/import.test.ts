// Builds a real image with umoci from Debian's static busybox, converts it with skopeo to an oci-archive and a
// docker-archive, and imports both: the store must agree with what the real tools wrote.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImageStore } from '../../../src/image/store.js';
import type { ImageRecord } from '../../../src/image/types.js';
import { run } from '../../../src/util/exec.js';
import { removeTree } from '../../../src/util/fs.js';
import { tempDir } from '../../unit/image/tar-fixtures.js';

const TOOL_TIMEOUT_MS = 120_000;

interface BuiltImage {
  ociArchive: string;
  dockerArchive: string;
  ociName: string;
  dockerName: string;
  configDigest: string;
}

/** Two layers: busybox with symlinks and a file, then the file deleted (so umoci writes a whiteout). */
async function buildImage(dir: string): Promise<BuiltImage> {
  const layout = join(dir, 'layout');
  const bundle = join(dir, 'bundle');
  const image = `${layout}:v1`;
  const umoci = (...args: string[]): Promise<unknown> => run('umoci', args, { timeoutMs: TOOL_TIMEOUT_MS });
  await umoci('init', '--layout', layout);
  await umoci('new', '--image', image);
  await umoci('unpack', '--image', image, bundle);
  const rootfs = join(bundle, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'etc'));
  await copyFile('/usr/bin/busybox', join(rootfs, 'bin/busybox'));
  await symlink('busybox', join(rootfs, 'bin/sh'));
  await symlink('/bin/busybox', join(rootfs, 'bin/ls'));
  await writeFile(join(rootfs, 'etc/motd'), 'hello\n');
  await umoci('repack', '--refresh-bundle', '--image', image, bundle);
  await rm(join(rootfs, 'etc/motd'));
  await umoci('repack', '--image', image, bundle);
  await umoci('config', '--image', image, '--config.cmd', '/bin/sh', '--config.env', 'PATH=/bin');

  const suffix = randomBytes(4).toString('hex');
  const built = {
    ociArchive: join(dir, 'image.oci.tar'),
    dockerArchive: join(dir, 'image.docker.tar'),
    ociName: `localhost/podlet-it/busybox-oci-${suffix}:v1`,
    dockerName: `localhost/podlet-it/busybox-docker-${suffix}:v1`,
  };
  const skopeo = (...args: string[]): Promise<unknown> => run('skopeo', args, { timeoutMs: TOOL_TIMEOUT_MS });
  await skopeo('copy', '-q', `oci:${image}`, `oci-archive:${built.ociArchive}:${built.ociName}`);
  await skopeo('copy', '-q', `oci:${image}`, `docker-archive:${built.dockerArchive}:${built.dockerName}`);
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifestDigest = index.manifests[0]?.digest.slice('sha256:'.length) ?? '';
  const manifest = JSON.parse(await readFile(join(layout, 'blobs/sha256', manifestDigest), 'utf8')) as {
    config: { digest: string };
  };
  return { ...built, configDigest: manifest.config.digest };
}

describe('importing images built by umoci and converted by skopeo', () => {
  let dir: string;
  let built: BuiltImage;
  let root: string;
  let store: ImageStore;

  before(async () => {
    dir = await tempDir('image-it');
    built = await buildImage(join(dir, 'build'));
    root = join(dir, 'store');
    store = await ImageStore.open(root);
  });
  after(async () => {
    await removeTree(dir);
  });

  test('imports the oci-archive with its name, config and unpacked layers', async () => {
    const [record] = await store.importArchive(built.ociArchive);
    assert.ok(record !== undefined);
    assert.equal(record.id, built.configDigest);
    assert.deepEqual(record.names, [built.ociName]);
    assert.deepEqual(record.config.Cmd, ['/bin/sh']);
    assert.deepEqual(record.config.Env, ['PATH=/bin']);
    assert.equal(record.layers.length, 2);
    await assertLayersUnpacked(record);
  });

  test('imports the docker-archive of the same image as a second name of the same image ID', async () => {
    const [record] = await store.importArchive(built.dockerArchive);
    assert.ok(record !== undefined);
    assert.equal(record.id, built.configDigest);
    assert.deepEqual(record.names, [built.dockerName, built.ociName].sort());
    assert.equal(record.repoDigests.length, 2, 'the two archives give different manifests');
    await assertLayersUnpacked(record);
    assert.equal((await readdir(join(root, 'layers/sha256'))).length, 2, 'both imports share the layers');
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      [built.configDigest],
    );
  });

  test('importing both archives again changes nothing on disk', async () => {
    const snapshot = async (): Promise<unknown> => ({
      blobs: (await readdir(join(root, 'blobs/sha256'))).sort(),
      layers: await Promise.all(
        (await readdir(join(root, 'layers/sha256'))).sort().map(async (l) => {
          const s = await stat(join(root, 'layers/sha256', l, 'diff'));
          return [l, s.ino, s.mtimeMs];
        }),
      ),
      records: (await store.list()).map(({ id, names, layers }) => ({ id, names, layers })),
    });
    const before = await snapshot();
    await store.importArchive(built.ociArchive);
    await store.importArchive(built.dockerArchive);
    assert.deepEqual(await snapshot(), before);
    assert.deepEqual(await readdir(join(root, 'ingest')), []);
    assert.deepEqual(await readdir(join(root, 'layers/tmp')), []);
  });

  test('finds the image by name, ID and ID prefix, and prune removes it all', async () => {
    assert.equal((await store.get(built.ociName))?.id, built.configDigest);
    assert.equal((await store.get(built.configDigest))?.id, built.configDigest);
    assert.equal((await store.get(built.configDigest.slice(7, 19)))?.id, built.configDigest);
    await store.remove(built.ociName);
    assert.deepEqual((await store.get(built.dockerName))?.names, [built.dockerName]);
    const result = await store.prune(new Set());
    assert.deepEqual([result.removedImages, result.removedLayers], [1, 2]);
    assert.deepEqual(await store.list(), []);
    assert.deepEqual(await readdir(join(root, 'blobs/sha256')), []);
  });
});

async function assertLayersUnpacked(record: ImageRecord): Promise<void> {
  const [bottom, top] = record.layers;
  assert.ok(bottom !== undefined && top !== undefined);
  assert.deepEqual(await readFile(join(bottom.dir, 'bin/busybox')), await readFile('/usr/bin/busybox'));
  assert.equal((await stat(join(bottom.dir, 'bin/busybox'))).mode & 0o111, 0o111);
  assert.equal(await readlink(join(bottom.dir, 'bin/sh')), 'busybox');
  assert.equal(await readlink(join(bottom.dir, 'bin/ls')), '/bin/busybox');
  assert.equal(await readFile(join(bottom.dir, 'etc/motd'), 'utf8'), 'hello\n');
  const whiteout = await lstat(join(top.dir, 'etc/motd'));
  assert.ok(whiteout.isCharacterDevice() && whiteout.rdev === 0, 'the deletion is an overlayfs whiteout');
  const { stdout } = await run(join(bottom.dir, 'bin/busybox'), ['echo', 'unpacked']);
  assert.equal(stdout, 'unpacked\n');
}
