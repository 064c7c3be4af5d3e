import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StoreLock, StoreLockedError } from '../../../src/image/store-lock.js';
import { exists, removeTree } from '../../../src/util/fs.js';
import { tempDir } from './tar-fixtures.js';

describe('StoreLock', () => {
  let dir: string;

  before(async () => {
    dir = await tempDir('store-lock');
  });
  after(async () => {
    await removeTree(dir);
  });

  test('runs one operation at a time and holds the lock file with its pid meanwhile', async () => {
    const path = join(dir, 'serial.lock');
    const lock = new StoreLock(path);
    const events: string[] = [];
    const operation = (name: string) => async (): Promise<void> => {
      events.push(`${name} start`);
      assert.equal(await readFile(path, 'utf8'), String(process.pid));
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`${name} end`);
    };
    await Promise.all([lock.run(operation('a')), lock.run(operation('b'))]);
    assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end']);
    assert.equal(await exists(path), false);
  });

  test('a failed operation releases the lock for the next one', async () => {
    const lock = new StoreLock(join(dir, 'failing.lock'));
    await assert.rejects(
      lock.run(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await lock.run(() => Promise.resolve('next')), 'next');
  });

  test('takes over a lock whose holder has exited', async () => {
    const path = join(dir, 'abandoned.lock');
    await writeFile(path, '2147483646');
    assert.equal(await new StoreLock(path).run(() => Promise.resolve('ran')), 'ran');
  });

  test('gives up waiting for a live holder with an error naming it', async () => {
    const path = join(dir, 'held.lock');
    await writeFile(path, '1'); // init is always alive
    await assert.rejects(
      new StoreLock(path, 300).run(() => Promise.resolve()),
      (e: unknown) => e instanceof StoreLockedError && e.holder === 1,
    );
    assert.equal(await readFile(path, 'utf8'), '1', "another process's lock is left alone");
  });
});
