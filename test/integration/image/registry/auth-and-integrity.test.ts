// The registry client against a real docker-registry behind htpasswd basic auth, and against a registry whose
// stored blob was corrupted on disk: the two ways a pull fails that a user must be told about clearly.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../../../src/image/registry/client.js';
import { pullImage } from '../../../../src/image/registry/pull.js';
import { ImageStore } from '../../../../src/image/store.js';
import { removeTree } from '../../../../src/util/fs.js';
import { tempDir } from '../../../unit/image/tar-fixtures.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

const compiled = import.meta.url.endsWith('.js');
const repo = resolve(
  import.meta.dirname,
  ...(compiled ? ['..', '..', '..', '..', '..'] : ['..', '..', '..', '..']),
);
const LAYOUT = join(repo, 'test', 'fixtures', 'images', 'out', 'busybox.layout');
const USER = { username: 'puller', password: 'open-sesame' };

describe('registry auth and blob integrity', () => {
  let dir: string;
  const registries: TestRegistry[] = [];

  before(async () => {
    dir = await tempDir('registry-auth-it');
  });
  after(async () => {
    for (const r of registries) await r.stop();
    if (dir !== undefined) await removeTree(dir);
  });

  test('a registry behind htpasswd refuses an anonymous pull with a 401 message and serves one with credentials', async () => {
    const registry = await startRegistry(join(dir, 'htpasswd-registry'), USER);
    registries.push(registry);
    await registry.push(`${LAYOUT}:latest`, 'private/busybox:1');
    const ref = `${registry.host}/private/busybox:1`;
    const store = await ImageStore.open(join(dir, 'images-auth'));
    const anonymous = new RegistryClient({ insecureRegistries: [registry.host] });
    await assert.rejects(pullImage(store, anonymous, ref), (err: Error) => {
      assert.match(err.message, /401|unauthorized|credentials/i);
      assert.match(err.message, new RegExp(registry.host.replace(/\./g, '\\.')));
      return true;
    });
    assert.equal(await store.get(ref), undefined);
    const wrong = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: new Map([[registry.host, { username: USER.username, password: 'wrong' }]]),
    });
    await assert.rejects(pullImage(store, wrong, ref), /401|unauthorized|credentials/i);
    const withCredentials = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: new Map([[registry.host, USER]]),
    });
    const image = await pullImage(store, withCredentials, ref);
    assert.deepEqual(image.names, [ref]);
  });

  test('a blob whose bytes do not match its digest fails the pull and nothing is stored under that digest', async () => {
    const registry = await startRegistry(join(dir, 'corrupt-registry'));
    registries.push(registry);
    await registry.push(`${LAYOUT}:latest`, 'corrupt/busybox:1');
    const index = JSON.parse(await readFile(join(LAYOUT, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const manifestDigest = index.manifests[0]?.digest.replace('sha256:', '') ?? '';
    const manifest = JSON.parse(await readFile(join(LAYOUT, 'blobs', 'sha256', manifestDigest), 'utf8')) as {
      layers: { digest: string }[];
    };
    const layer = manifest.layers.at(-1)?.digest ?? '';
    const hex = layer.replace('sha256:', '');
    const blobFile = join(
      dir,
      'corrupt-registry',
      'registry-data',
      'docker',
      'registry',
      'v2',
      'blobs',
      'sha256',
      hex.slice(0, 2),
      hex,
      'data',
    );
    const bytes = await readFile(blobFile);
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff; // same size, different content
    await writeFile(blobFile, bytes);
    const store = await ImageStore.open(join(dir, 'images-corrupt'));
    const client = new RegistryClient({ insecureRegistries: [registry.host] });
    await assert.rejects(pullImage(store, client, `${registry.host}/corrupt/busybox:1`), (err: Error) => {
      assert.match(err.message, new RegExp(hex.slice(0, 12)));
      assert.match(err.message, /digest|mismatch|verif/i);
      return true;
    });
    assert.equal(
      await store.content.stat(layer),
      undefined,
      'the corrupt blob is not stored under its digest',
    );
    const left = await readdir(join(dir, 'images-corrupt')).catch(() => []);
    assert.ok(left.length > 0);
    assert.equal(await store.get(`${registry.host}/corrupt/busybox:1`), undefined);
  });
});
