import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validatePayloadPath, writeAtomically, type Payload } from '../../../src/volume/atomic-writer.js';
import { VolumeSetUpError } from '../../../src/volume/errors.js';

function payload(files: Record<string, string>, mode = 0o644): Payload {
  return new Map(Object.entries(files).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));
}

describe('atomic writer', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-atomic-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes files behind a ..data link to a timestamped directory, each name a link into ..data', async () => {
    const target = await mkdtemp(join(dir, 't-'));
    assert.equal(await writeAtomically(target, payload({ a: '1', 'sub/b': '2' }, 0o600)), true);
    const data = await readlink(join(target, '..data'));
    assert.match(data, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
    assert.equal(await readlink(join(target, 'a')), '..data/a');
    assert.equal(await readlink(join(target, 'sub')), '..data/sub');
    assert.equal(await readFile(join(target, 'sub/b'), 'utf8'), '2');
    assert.equal((await stat(join(target, 'a'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(target, data))).mode & 0o777, 0o755);
  });

  test('leaves the directory untouched when the content is the same', async () => {
    const target = await mkdtemp(join(dir, 't-'));
    await writeAtomically(target, payload({ a: '1' }));
    const before = await readlink(join(target, '..data'));
    assert.equal(await writeAtomically(target, payload({ a: '1' })), false);
    assert.equal(await readlink(join(target, '..data')), before);
  });

  test('swaps to new content and drops names that are gone, with the old data directory', async () => {
    const target = await mkdtemp(join(dir, 't-'));
    await writeAtomically(target, payload({ a: '1', gone: 'x' }));
    const old = await readlink(join(target, '..data'));
    assert.equal(await writeAtomically(target, payload({ a: '2' })), true);
    assert.equal(await readFile(join(target, 'a'), 'utf8'), '2');
    await assert.rejects(lstat(join(target, 'gone')), { code: 'ENOENT' });
    await assert.rejects(lstat(join(target, old)), { code: 'ENOENT' });
    const entries = (await readdir(target)).sort();
    assert.deepEqual(
      entries.filter((e) => !e.startsWith('..2')),
      ['..data', 'a'],
    );
  });

  test('refuses paths that would leave the volume', async () => {
    const target = await mkdtemp(join(dir, 't-'));
    await assert.rejects(writeAtomically(target, payload({ '../x': '1' })), VolumeSetUpError);
    assert.equal(validatePayloadPath('/abs'), 'invalid path: must be relative path: /abs');
    assert.equal(validatePayloadPath('a/../b'), "invalid path: must not contain '..': a/../b");
    assert.equal(validatePayloadPath('..data'), "invalid path: must not start with '..': ..data");
    assert.equal(validatePayloadPath('ok/file'), undefined);
  });
});
