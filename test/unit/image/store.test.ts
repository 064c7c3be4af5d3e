import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { chainIds } from '../../../src/image/digest.js';
import {
  ContentVerificationError,
  ImageArchiveError,
  ImageNotFoundError,
  LayerUnpackError,
} from '../../../src/image/errors.js';
import { hostPlatform } from '../../../src/image/oci.js';
import { ImageStore } from '../../../src/image/store.js';
import { removeTree } from '../../../src/util/fs.js';
import {
  buildTar,
  chunksOf,
  dockerArchive,
  hex,
  ociArchive,
  sha256,
  tempDir,
  testImage,
  type TestImage,
} from './tar-fixtures.js';

describe('ImageStore', () => {
  let dir: string;
  let base: Buffer;
  let app: TestImage;
  let tool: TestImage;
  let archiveCount = 0;

  before(async () => {
    dir = await tempDir('image-store');
    base = await buildTar([
      { name: 'bin/', type: 'directory' },
      { name: 'bin/sh', content: '#!shell', mode: 0o755 },
    ]);
    app = testImage([base, await buildTar([{ name: 'app/main', content: 'app' }])], {
      Cmd: ['/app/main'],
      Env: ['A=1'],
      User: '1000',
      Labels: { tier: 'web' },
      Unknown: true,
    });
    tool = testImage([base, await buildTar([{ name: 'usr/bin/tool', content: 'tool' }])]);
  });
  after(async () => {
    await removeTree(dir);
  });

  async function newStore(): Promise<{ store: ImageStore; root: string }> {
    const root = await tempDir('image-store-root');
    return { store: await ImageStore.open(root), root };
  }

  async function archiveFile(content: Buffer): Promise<string> {
    const file = join(dir, `archive-${archiveCount++}.tar`);
    await writeFile(file, content);
    return file;
  }

  test('imports an OCI archive: normalised names, config, and layers unpacked bottom first', async () => {
    const { store, root } = await newStore();
    try {
      const { tar, manifestDigest } = await ociArchive(app, { names: ['example.com/app:1'] });
      const [record] = await store.importArchive(await archiveFile(tar));
      assert.equal(record?.id, app.configDigest);
      assert.deepEqual(record?.names, ['example.com/app:1']);
      assert.equal(record?.manifestDigest, manifestDigest);
      assert.deepEqual(record?.repoDigests, [`example.com/app@${manifestDigest}`]);
      assert.deepEqual(record?.config, {
        Cmd: ['/app/main'],
        Env: ['A=1'],
        User: '1000',
        Labels: { tier: 'web' },
      });
      assert.deepEqual(
        [record?.os, record?.architecture, record?.created],
        ['linux', 'amd64', '2024-01-02T03:04:05Z'],
      );
      assert.deepEqual(
        record?.layers.map((l) => [l.diffId, l.chainId, l.dir]),
        chainIds(app.diffIds).map((chainId, i) => [
          app.diffIds[i],
          chainId,
          join(root, 'layers/sha256', hex(chainId), 'diff'),
        ]),
      );
      assert.equal(await readFile(join(record?.layers[1]?.dir ?? '', 'app/main'), 'utf8'), 'app');
      assert.deepEqual(await store.get('example.com/app:1'), record);
      assert.deepEqual(await readdir(join(root, 'ingest')), []);
    } finally {
      await removeTree(root);
    }
  });

  test('imports the host platform of a multi-platform image, named by its index digest', async () => {
    const { store, root } = await newStore();
    try {
      const { tar, target, manifestDigest } = await ociArchive(app, {
        names: ['example.com/multi:1'],
        platform: hostPlatform(),
      });
      const [record] = await store.importArchive(await archiveFile(tar));
      assert.equal(record?.manifestDigest, target);
      assert.notEqual(target, manifestDigest);
      assert.equal(record?.id, app.configDigest);
      assert.equal(record?.layers.length, 2);
      assert.ok((await readdir(join(root, 'blobs/sha256'))).includes(hex(manifestDigest)));
    } finally {
      await removeTree(root);
    }
  });

  test('names an image whose blobs were streamed into the content store, as a registry pull does', async () => {
    const { store, root } = await newStore();
    try {
      const layers = app.layers.map((layer) => gzipSync(layer));
      const blob = (data: Buffer, mediaType: string) => ({
        mediaType,
        digest: sha256(data),
        size: data.length,
      });
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          config: blob(app.config, 'application/vnd.oci.image.config.v1+json'),
          layers: layers.map((l) => blob(l, 'application/vnd.oci.image.layer.v1.tar+gzip')),
        }),
      );
      for (const data of [...layers, app.config, manifest]) {
        await store.content.ingest(chunksOf(data), 'download', { digest: sha256(data), size: data.length });
      }
      const record = await store.storeImage(['example.com/pulled'], sha256(manifest));
      assert.deepEqual(record.names, ['example.com/pulled:latest']);
      assert.equal(record.id, app.configDigest);
      assert.equal(await readFile(join(record.layers[1]?.dir ?? '', 'app/main'), 'utf8'), 'app');
      assert.equal((await store.get('example.com/pulled'))?.id, app.configDigest);
    } finally {
      await removeTree(root);
    }
  });

  test('imports a docker archive of several images, sharing their common layer', async () => {
    const { store, root } = await newStore();
    try {
      const file = await archiveFile(
        await dockerArchive([
          { image: app, repoTags: ['app:1', 'app:latest'] },
          { image: tool, repoTags: ['registry.local:5000/tool:2'] },
        ]),
      );
      const records = await store.importArchive(file);
      assert.deepEqual(
        records.map((r) => r.names),
        [['docker.io/library/app:1', 'docker.io/library/app:latest'], ['registry.local:5000/tool:2']],
      );
      const [appRecord, toolRecord] = records;
      assert.equal(appRecord?.layers[0]?.dir, toolRecord?.layers[0]?.dir, 'the base layer is unpacked once');
      assert.equal((await readdir(join(root, 'layers/sha256'))).length, 3);
      assert.equal(appRecord?.layers[0]?.digest, sha256(base), 'docker archive layers are uncompressed');
      assert.equal((await store.get('app'))?.id, app.configDigest);
    } finally {
      await removeTree(root);
    }
  });

  test('imports the same archive again without rewriting anything', async () => {
    const { store, root } = await newStore();
    try {
      const file = await archiveFile((await ociArchive(app, { names: ['example.com/app:1'] })).tar);
      const [first] = await store.importArchive(file);
      const layerDir = first?.layers[0]?.dir ?? '';
      const before = await stat(layerDir);
      const [second] = await store.importArchive(file);
      assert.deepEqual(second, first);
      assert.equal((await stat(layerDir)).ino, before.ino);
      assert.equal((await store.list()).length, 1);
    } finally {
      await removeTree(root);
    }
  });

  test('refuses a blob whose content does not match its digest, and stores nothing under that digest', async () => {
    const { store, root } = await newStore();
    try {
      const corrupted = sha256(gzipSync(app.layers[1] ?? Buffer.alloc(0)));
      const { tar } = await ociArchive(app, {
        names: ['example.com/app:1'],
        corrupt: (digest, content) => (digest === corrupted ? flipLastByte(content) : content),
      });
      await assert.rejects(
        store.importArchive(await archiveFile(tar)),
        (e: unknown) => e instanceof ContentVerificationError && e.expected === corrupted,
      );
      assert.ok(!(await readdir(join(root, 'blobs/sha256'))).includes(hex(corrupted)));
      assert.deepEqual(await store.list(), []);
      assert.deepEqual(await readdir(join(root, 'ingest')), []);
    } finally {
      await removeTree(root);
    }
  });

  test('refuses an image whose layer does not match the diffID in its config, and stores no layer for it', async () => {
    const { store, root } = await newStore();
    try {
      const lying = testImage(app.layers, {}, [app.diffIds[0] ?? '', sha256('not the layer')]);
      const file = await archiveFile((await ociArchive(lying, { names: ['example.com/liar:1'] })).tar);
      await assert.rejects(store.importArchive(file), LayerUnpackError);
      const [, lyingChain] = chainIds(lying.diffIds);
      assert.ok(!(await readdir(join(root, 'layers/sha256'))).includes(hex(lyingChain ?? '')));
      assert.equal(await store.get('example.com/liar:1'), undefined);
    } finally {
      await removeTree(root);
    }
  });

  test('refuses an archive that names no image, and a file that is no image archive', async () => {
    const { store, root } = await newStore();
    try {
      const unnamed = await archiveFile((await ociArchive(app, { names: [] })).tar);
      await assert.rejects(store.importArchive(unnamed), ImageArchiveError);
      const junk = await archiveFile(await buildTar([{ name: 'readme', content: 'hi' }]));
      await assert.rejects(store.importArchive(junk), /neither an OCI layout/);
    } finally {
      await removeTree(root);
    }
  });

  test('remove drops a name; prune then frees what no image needs and keeps images in use', async () => {
    const { store, root } = await newStore();
    try {
      await store.importArchive(
        await archiveFile(
          await dockerArchive([
            { image: app, repoTags: ['app:1'] },
            { image: tool, repoTags: ['tool:1'] },
          ]),
        ),
      );
      await store.remove('tool:1');
      await assert.rejects(store.remove('tool:1'), ImageNotFoundError);
      assert.deepEqual(
        (await store.list()).map((r) => r.id),
        [app.configDigest],
      );
      const kept = await store.prune(new Set([app.configDigest]));
      assert.equal(kept.removedImages, 0);
      assert.equal(kept.removedLayers, 1, "tool's top layer; the base layer is still app's");
      assert.ok(kept.freedBytes > 0);
      assert.equal((await readdir(join(root, 'layers/sha256'))).length, 2);

      const all = await store.prune(new Set());
      assert.deepEqual([all.removedImages, all.removedLayers], [1, 2]);
      assert.deepEqual(await readdir(join(root, 'layers/sha256')), []);
      assert.deepEqual(await readdir(join(root, 'blobs/sha256')), []);
    } finally {
      await removeTree(root);
    }
  });
});

function flipLastByte(content: Buffer): Buffer {
  const copy = Buffer.from(content);
  copy[copy.length - 1] = (copy.at(-1) ?? 0) ^ 0xff;
  return copy;
}
