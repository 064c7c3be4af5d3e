import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../../../src/image/registry/client.js';
import { RegistryError } from '../../../../src/image/registry/errors.js';
import { pullImage, type PullProgress } from '../../../../src/image/registry/pull.js';
import { ImageStore } from '../../../../src/image/store.js';
import { removeTree } from '../../../../src/util/fs.js';
import { tempDir } from '../tar-fixtures.js';
import { publishImage, publishIndex } from './test-images.js';
import { TestRegistry } from './test-registry.js';

describe('pullImage', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let dir: string;
  let store: ImageStore;

  before(async () => {
    registry = await TestRegistry.start();
    client = new RegistryClient({ insecureRegistries: [registry.host] });
    dir = await tempDir('registry-pull');
    store = await ImageStore.open(dir);
  });
  after(async () => {
    await registry.stop();
    await removeTree(dir);
  });

  const blobGets = (): string[] => registry.requests.filter((r) => r.includes('/blobs/'));

  test('downloads config and layers, unpacks them and names the image, reporting progress to the end', async () => {
    const image = await publishImage(registry, 'team/app', 'v1', { 'one.txt': 'one', 'two.txt': 'two' });
    const updates: PullProgress[] = [];
    const record = await pullImage(store, client, `${registry.host}/team/app:v1`, {
      onProgress: (p) => updates.push(p),
    });
    assert.equal(record.id, image.configDigest);
    assert.deepEqual(record.names, [`${registry.host}/team/app:v1`]);
    assert.equal(record.manifestDigest, image.manifestDigest);
    const [bottom, top] = record.layers;
    assert.equal(await readFile(join(bottom?.dir ?? '', 'one.txt'), 'utf8'), 'one');
    assert.equal(await readFile(join(top?.dir ?? '', 'two.txt'), 'utf8'), 'two');
    assert.deepEqual(
      updates.map((u) => u.phase).filter((phase, i, all) => phase !== all[i - 1]),
      ['resolving', 'downloading', 'unpacking', 'done'],
    );
    const last = updates.at(-1);
    assert.deepEqual(
      last?.blobs.map((b) => [b.kind, b.status]),
      [
        ['config', 'done'],
        ['layer', 'done'],
        ['layer', 'done'],
      ],
    );
    assert.equal(last?.doneBytes, last?.totalBytes);
    assert.equal(blobGets().length, 3);
  });

  test('skips blobs already in the content store when a second tag shares them', async () => {
    const before = blobGets().length;
    const image = await publishImage(registry, 'team/app', 'v2', { 'one.txt': 'one', 'three.txt': 'three' });
    const updates: PullProgress[] = [];
    await pullImage(store, client, `${registry.host}/team/app:v2`, { onProgress: (p) => updates.push(p) });
    const fetched = blobGets().slice(before);
    assert.deepEqual(
      // Downloads run in parallel, so their requests arrive in any order.
      fetched.map((r) => r.slice(r.lastIndexOf('/') + 1)).sort(),
      [image.configDigest, image.layerDigests[1]].sort(),
    );
    assert.equal(updates.at(-1)?.blobs[1]?.status, 'exists');
  });

  test('shares one pull between concurrent callers of the same reference, each seeing progress', async () => {
    await publishImage(registry, 'team/shared', 'latest', { 'shared.txt': 'shared' });
    const requestsBefore = registry.requests.length;
    const seen = { first: 0, second: 0 };
    const ref = `${registry.host}/team/shared`;
    const [a, b] = await Promise.all([
      pullImage(store, client, ref, { onProgress: () => seen.first++ }),
      pullImage(store, client, `${ref}:latest`, { onProgress: () => seen.second++ }),
    ]);
    assert.equal(a.id, b.id);
    const manifestGets = registry.requests.slice(requestsBefore).filter((r) => r.includes('/manifests/'));
    assert.equal(manifestGets.length, 1);
    assert.ok(seen.first > 0 && seen.second > 0);
  });

  test('downloads at most three blobs at a time', async () => {
    const files = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((f) => [`${f}.txt`, f]));
    await publishImage(registry, 'team/wide', 'latest', files);
    registry.holdBlobs = true;
    registry.maxOpenBlobs = 0;
    try {
      const pull = pullImage(store, client, `${registry.host}/team/wide`);
      for (let remaining = 6; remaining > 0; remaining--) {
        await waitFor(() => registry.held.length >= Math.min(3, remaining));
        registry.held.shift()?.();
      }
      await pull;
      assert.equal(registry.maxOpenBlobs, 3);
    } finally {
      registry.holdBlobs = false;
      registry.held.splice(0).forEach((release) => release());
    }
  });

  test('pulls an index by digest, storing it as the target and naming the image by digest', async () => {
    const { indexDigest, amd64 } = await publishIndex(registry, 'team/multi', 'v1');
    const ref = `${registry.host}/team/multi@${indexDigest}`;
    const record = await pullImage(store, client, ref);
    assert.equal(record.id, amd64.configDigest);
    assert.equal(record.manifestDigest, indexDigest);
    assert.deepEqual(record.names, [ref]);
    assert.equal(await readFile(join(record.layers[0]?.dir ?? '', 'arch.txt'), 'utf8'), 'amd64');
  });

  test('fails without naming anything when a layer is missing, and a retry after a fix succeeds', async () => {
    const image = await publishImage(registry, 'team/broken', 'latest', { 'b.txt': 'broken' });
    const layer = image.layerDigests[0] ?? '';
    const data = registry.blobs.get(layer) ?? Buffer.alloc(0);
    registry.blobs.delete(layer);
    const ref = `${registry.host}/team/broken`;
    await assert.rejects(
      pullImage(store, client, ref),
      (e: unknown) => e instanceof RegistryError && e.status === 404,
    );
    assert.equal(await store.get(ref), undefined);
    registry.addBlob(data);
    assert.equal((await pullImage(store, client, ref)).id, image.configDigest);
  });

  test('speaks HTTPS to a registry that is not listed as insecure', async () => {
    const secure = new RegistryClient();
    await assert.rejects(
      pullImage(store, secure, `${registry.host}/team/app:v1`),
      (e: unknown) => e instanceof RegistryError && e.url.startsWith(`https://${registry.host}/v2/`),
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
