import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainIds } from '../../../src/image/digest.js';
import { ContentVerificationError, LayerUnpackError } from '../../../src/image/errors.js';
import { LayerStore } from '../../../src/image/layer-store.js';
import { removeTree } from '../../../src/util/fs.js';
import { buildTar, chunksOf, hex, sha256, tempDir } from './tar-fixtures.js';

describe('LayerStore', () => {
  let root: string;
  let store: LayerStore;

  before(async () => {
    root = await tempDir('layers');
    store = await LayerStore.open(root);
  });
  after(async () => {
    await removeTree(root);
  });

  test('unpacks a layer under its chain ID with its metadata, once', async () => {
    const base = await buildTar([{ name: 'base', content: 'b' }]);
    const top = await buildTar([{ name: 'top', content: 't' }]);
    const [baseChain = '', topChain = ''] = chainIds([sha256(base), sha256(top)]);
    const blobDigest = sha256('blob');
    assert.equal(
      await store.ensure({ chainId: baseChain, diffId: sha256(base), blobDigest }, () => chunksOf(base)),
      true,
    );
    const layer = { chainId: topChain, diffId: sha256(top), parent: baseChain, blobDigest };
    assert.equal(await store.ensure(layer, () => chunksOf(top)), true);
    assert.equal(await store.ensure(layer, () => chunksOf(top)), false, 'already present');
    assert.equal(store.diffDir(topChain), join(root, 'layers/sha256', hex(topChain), 'diff'));
    assert.equal(await readFile(join(store.diffDir(topChain), 'top'), 'utf8'), 't');
    const metadata = await store.get(topChain);
    assert.equal(metadata?.parent, baseChain);
    assert.equal(metadata?.size, top.length);
    assert.ok((metadata?.diskUsage ?? 0) > 0);
    assert.deepEqual((await store.list()).map((l) => l.chainId).sort(), [baseChain, topChain].sort());
  });

  test('a layer whose diffID is not the config one is not stored, and leaves no temporary behind', async () => {
    const tar = await buildTar([{ name: 'f', content: 'x' }]);
    const claimed = sha256('some other layer');
    await assert.rejects(
      store.ensure({ chainId: claimed, diffId: claimed, blobDigest: sha256('blob') }, () => chunksOf(tar)),
      (e: unknown) => e instanceof LayerUnpackError && e.cause instanceof ContentVerificationError,
    );
    assert.equal(await store.get(claimed), undefined);
    assert.ok(!(await readdir(join(root, 'layers/sha256'))).includes(hex(claimed)));
    assert.deepEqual(await readdir(join(root, 'layers/tmp')), []);
  });

  test('a layer that fails to unpack leaves nothing behind', async () => {
    const tar = await buildTar([{ name: '../escape', content: 'x' }]);
    await assert.rejects(
      store.ensure({ chainId: sha256(tar), diffId: sha256(tar), blobDigest: sha256('blob') }, () =>
        chunksOf(tar),
      ),
      /escape/,
    );
    assert.equal(await store.get(sha256(tar)), undefined);
    assert.deepEqual(await readdir(join(root, 'layers/tmp')), []);
  });

  test('removing a layer frees its disk usage and forgets it', async () => {
    const tar = await buildTar([{ name: 'doomed', content: 'x'.repeat(10_000) }]);
    const chainId = sha256(tar);
    await store.ensure({ chainId, diffId: chainId, blobDigest: chainId }, () => chunksOf(tar));
    const usage = (await store.get(chainId))?.diskUsage;
    assert.ok(usage !== undefined && usage >= 10_000);
    assert.equal(await store.remove(chainId), usage);
    assert.equal(await store.get(chainId), undefined);
    assert.equal(await store.remove(chainId), 0);
  });
});
