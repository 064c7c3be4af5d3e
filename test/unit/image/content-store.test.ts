import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ContentStore } from '../../../src/image/content-store.js';
import { ContentVerificationError } from '../../../src/image/errors.js';
import { removeTree } from '../../../src/util/fs.js';
import { chunksOf, hex, sha256, tempDir } from './tar-fixtures.js';

describe('ContentStore', () => {
  let root: string;
  let store: ContentStore;

  before(async () => {
    root = await tempDir('content');
    store = await ContentStore.open(root);
  });
  after(async () => {
    await removeTree(root);
  });

  test('stores a blob under blobs/sha256/<hex> once its digest and size check out', async () => {
    const data = Buffer.from('hello blob');
    const info = await store.ingest(chunksOf(data), 'test blob', { digest: sha256(data), size: data.length });
    assert.deepEqual(info, { digest: sha256(data), size: data.length });
    assert.deepEqual(await readFile(join(root, 'blobs/sha256', hex(sha256(data)))), data);
    assert.deepEqual(await store.stat(sha256(data)), info);
  });

  test('refuses content whose digest is not the expected one and stores nothing under either digest', async () => {
    const data = Buffer.from('tampered');
    const claimed = sha256('original');
    await assert.rejects(
      store.ingest(chunksOf(data), 'layer x', { digest: claimed }),
      (e: unknown) =>
        e instanceof ContentVerificationError && e.expected === claimed && e.actual === sha256(data),
    );
    assert.equal(await store.stat(claimed), undefined);
    assert.equal(await store.stat(sha256(data)), undefined);
    assert.deepEqual(await readdir(join(root, 'ingest')), []);
  });

  test('refuses content of the wrong size', async () => {
    const data = Buffer.from('sized');
    await assert.rejects(store.ingest(chunksOf(data), 'blob', { size: 99 }), ContentVerificationError);
    assert.equal(await store.stat(sha256(data)), undefined);
  });

  test('does not rewrite a blob it already has', async () => {
    const data = Buffer.from('stored twice');
    await store.ingest(chunksOf(data), 'blob');
    const before = await stat(store.blobPath(sha256(data)));
    await store.ingest(chunksOf(data), 'blob');
    const after = await stat(store.blobPath(sha256(data)));
    assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs]);
    assert.deepEqual(await readdir(join(root, 'ingest')), []);
  });

  test('an ingestion resumed with a second append hashes the whole content', async () => {
    const ingestion = await store.begin();
    await ingestion.append(chunksOf(Buffer.from('first half, ')));
    assert.equal(ingestion.size, 12);
    await ingestion.append(chunksOf(Buffer.from('second half')));
    const info = await store.commit(ingestion, 'resumed', { digest: sha256('first half, second half') });
    assert.equal(info.size, 23);
  });

  test('lists and deletes blobs, reporting the bytes freed', async () => {
    const data = Buffer.from('to delete');
    await store.ingest(chunksOf(data), 'blob');
    assert.ok((await store.list()).some((b) => b.digest === sha256(data)));
    assert.equal(await store.delete(sha256(data)), data.length);
    assert.equal(await store.delete(sha256(data)), 0);
    assert.equal(await store.stat(sha256(data)), undefined);
  });

  test('removes ingestions abandoned by a dead writer and keeps those of a live one', async () => {
    const dead = join(root, 'ingest', '2147483646-deadbeef');
    await writeFile(dead, 'half');
    const live = await store.begin();
    assert.equal(await store.removeAbandonedIngestions(), 1);
    assert.deepEqual(await readdir(join(root, 'ingest')), [live.path.split('/').at(-1)]);
    await live.abort();
  });
});
