import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { KubeObject } from '../../../src/api/object.js';
import {
  DecryptionError,
  EncryptionKeyError,
  encryptionKey,
  readEncryptionKeyFile,
  storedDataTransformer,
} from '../../../src/store/encryption.js';
import { configMap, openTempStore, type TempStore } from './temp-store.js';

const VALUE = 'correct-horse-battery-staple';

function secret(name: string, value = VALUE): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    data: { password: Buffer.from(value).toString('base64') },
  };
}

function withStore(options: Parameters<typeof openTempStore>[0] = {}): TempStore {
  const temp = openTempStore(options);
  after(() => temp.dispose());
  return temp;
}

/** The `data` column as SQLite holds it; the store is closed first, since it holds the file exclusively. */
function rawRow(temp: TempStore, resource: string, name: string): string {
  temp.store.close();
  const db = new Database(temp.file, { readonly: true });
  try {
    const row = db.prepare('SELECT data FROM objects WHERE resource = ? AND name = ?').get(resource, name) as
      { data: string } | undefined;
    return row?.data ?? '';
  } finally {
    db.close();
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podlet-key-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('Secrets encrypted at rest', () => {
  test('a Secret round-trips through an encrypted row that does not contain its value', () => {
    const key = encryptionKey(randomBytes(32));
    const temp = withStore({ transformer: storedDataTransformer(key) });
    temp.store.create('secrets', secret('db'));
    temp.store.create('configmaps', configMap('default', 'plain', { greeting: 'hello' }));
    const raw = rawRow(temp, 'secrets', 'db');
    assert.ok(raw.startsWith(`k8s:enc:aesgcm:v1:${key.name}:`), raw.slice(0, 40));
    assert.ok(!raw.includes(Buffer.from(VALUE).toString('base64')));
    assert.ok(!readFileSync(temp.file).includes(Buffer.from(VALUE).toString('base64')));
    assert.match(rawRow(temp, 'configmaps', 'plain'), /^\{"apiVersion"/);
    const reopened = temp.reopen();
    assert.deepEqual(reopened.get('secrets', 'default', 'db')?.data, secret('db').data);
  });

  test('a store opened with another key fails with a message naming both keys', () => {
    const key = encryptionKey(randomBytes(32));
    const other = encryptionKey(randomBytes(32));
    const temp = withStore({ transformer: storedDataTransformer(key) });
    temp.store.create('secrets', secret('db'));
    assert.throws(
      () => temp.reopen({ transformer: storedDataTransformer(other) }),
      (e: Error) =>
        e instanceof DecryptionError &&
        e.message ===
          `stored secrets default/db was encrypted with ${key.name}, but --encryption-key-file holds ${other.name}`,
    );
    temp.reopen({ transformer: storedDataTransformer(key) });
  });

  test('an encrypted row without a key is refused, not read as garbage', () => {
    const temp = withStore({ transformer: storedDataTransformer(encryptionKey(randomBytes(32))) });
    temp.store.create('secrets', secret('db'));
    assert.throws(
      () => temp.reopen({}),
      /is encrypted \(key-[0-9a-f]{8}\): start podlet with its --encryption-key-file/,
    );
    temp.reopen();
  });

  test('a row moved onto another Secret does not decrypt', () => {
    const transformer = storedDataTransformer(encryptionKey(randomBytes(32)));
    const stored = transformer.toStorage({ resource: 'secrets', namespace: 'a', name: 'x' }, '{}');
    assert.equal(transformer.fromStorage({ resource: 'secrets', namespace: 'a', name: 'x' }, stored), '{}');
    assert.throws(
      () => transformer.fromStorage({ resource: 'secrets', namespace: 'b', name: 'x' }, stored),
      /stored secrets b\/x does not decrypt with key-[0-9a-f]{8}: altered or moved/,
    );
  });

  test('plain rows still read once encryption is on, and are encrypted at their next write', () => {
    const temp = withStore();
    temp.store.create('secrets', secret('old', 'before'));
    assert.match(rawRow(temp, 'secrets', 'old'), /^\{/);
    const key = encryptionKey(randomBytes(32));
    const store = temp.reopen({ transformer: storedDataTransformer(key) });
    const old = store.get('secrets', 'default', 'old');
    assert.deepEqual(old?.data, secret('old', 'before').data);
    store.update('secrets', { ...structuredClone(old), data: secret('old', 'after').data } as KubeObject);
    assert.ok(rawRow(temp, 'secrets', 'old').startsWith('k8s:enc:aesgcm:v1:'));
  });

  test('the database file and its WAL are readable by their owner only', () => {
    const temp = withStore();
    temp.store.create('configmaps', configMap('default', 'a'));
    for (const file of [temp.file, `${temp.file}-wal`]) {
      assert.equal(statSync(file).mode & 0o777, 0o600, file);
    }
  });
});

describe('--encryption-key-file', () => {
  test('reads the base64 of 32 bytes from an owner-only file', async () => {
    const dir = tempDir();
    const bytes = randomBytes(32);
    writeFileSync(join(dir, 'key'), `${bytes.toString('base64')}\n`, { mode: 0o600 });
    const key = await readEncryptionKeyFile(join(dir, 'key'));
    assert.deepEqual(key.bytes, bytes);
    assert.match(key.name, /^key-[0-9a-f]{8}$/);
  });

  test('refuses a key file that group or others can read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'key'), randomBytes(32).toString('base64'), { mode: 0o640 });
    await assert.rejects(
      readEncryptionKeyFile(join(dir, 'key')),
      new EncryptionKeyError(
        `--encryption-key-file ${join(dir, 'key')}: mode 0640 lets group or others read the key; chmod 600 it`,
      ),
    );
  });

  test('refuses a key of the wrong size or not in base64', async () => {
    const dir = tempDir();
    for (const [name, text, found] of [
      ['short', randomBytes(16).toString('base64'), 16],
      ['text', 'not a key at all', Buffer.from('not a key at all', 'base64').length],
    ] as const) {
      writeFileSync(join(dir, name), text, { mode: 0o600 });
      await assert.rejects(
        readEncryptionKeyFile(join(dir, name)),
        (e: Error) =>
          e instanceof EncryptionKeyError &&
          e.message.endsWith(
            `expected the base64 of 32 bytes (head -c 32 /dev/urandom | base64), found ${found} bytes`,
          ),
      );
    }
  });

  test('names a missing key file', async () => {
    await assert.rejects(
      readEncryptionKeyFile('/nonexistent/key'),
      /^EncryptionKeyError: --encryption-key-file \/nonexistent\/key: ENOENT/,
    );
  });
});
