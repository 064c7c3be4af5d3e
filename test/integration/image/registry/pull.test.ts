// Pulls from the real Debian docker-registry (distribution v2) on 127.0.0.1: the test image is pushed with skopeo,
// then pulled by tag and by digest through the library and the `podlet image pull` CLI.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../../../src/image/registry/client.js';
import { pullImage } from '../../../../src/image/registry/pull.js';
import { ImageStore } from '../../../../src/image/store.js';
import type { ImageRecord } from '../../../../src/image/types.js';
import { run, runUnchecked } from '../../../../src/util/exec.js';
import { exists, removeTree } from '../../../../src/util/fs.js';
import { tempDir } from '../../../unit/image/tar-fixtures.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

const compiled = import.meta.url.endsWith('.js');
const repo = resolve(
  import.meta.dirname,
  ...(compiled ? ['..', '..', '..', '..', '..'] : ['..', '..', '..', '..']),
);
const cli = compiled
  ? { file: join(repo, 'bin', 'podlet'), args: [] }
  : { file: process.execPath, args: ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts')] };
const LAYOUT = join(repo, 'test', 'fixtures', 'images', 'out', 'busybox.layout');
const REPOSITORY = 'podlet-test/busybox';

describe('pulling from docker-registry', () => {
  let dir: string;
  let registry: TestRegistry | undefined;
  let host: string;
  let store: ImageStore;
  let client: RegistryClient;

  before(async () => {
    if (!(await exists(join(LAYOUT, 'index.json')))) {
      await run('bash', [join(repo, 'scripts', 'build-test-images.sh')], { timeoutMs: 300_000 });
    }
    dir = await tempDir('registry-it');
    registry = await startRegistry(join(dir, 'registry'));
    host = registry.host;
    await registry.push(`${LAYOUT}:latest`, `${REPOSITORY}:latest`);
    store = await ImageStore.open(join(dir, 'images'));
    client = new RegistryClient({ insecureRegistries: [host] });
  });
  after(async () => {
    if (registry !== undefined) await registry.stop();
    if (dir !== undefined) await removeTree(dir);
  });

  let byTag: ImageRecord;

  test('pulls by tag: names the image and unpacks its layers', async () => {
    byTag = await pullImage(store, client, `${host}/${REPOSITORY}:latest`);
    assert.deepEqual(byTag.names, [`${host}/${REPOSITORY}:latest`]);
    assert.match(byTag.manifestDigest, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(byTag.repoDigests, [`${host}/${REPOSITORY}@${byTag.manifestDigest}`]);
    assert.ok(byTag.layers.length > 0);
    const top = byTag.layers.at(-1)?.dir ?? '';
    const bottom = byTag.layers[0]?.dir ?? '';
    assert.ok(
      (await exists(join(top, 'bin', 'busybox'))) || (await exists(join(bottom, 'bin', 'busybox'))),
      'busybox is in the unpacked layers',
    );
    assert.equal((await store.get(`${host}/${REPOSITORY}`))?.id, byTag.id);
  });

  test('pulls the same image by digest without downloading its blobs again', async () => {
    const ref = `${host}/${REPOSITORY}@${byTag.manifestDigest}`;
    const statuses: string[] = [];
    const record = await pullImage(store, client, ref, {
      onProgress: (p) => statuses.push(...p.blobs.map((b) => b.status)),
    });
    assert.equal(record.id, byTag.id);
    assert.ok(record.names.includes(ref));
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 'exists' || s === 'waiting'));
  });

  test('podlet image pull prints progress lines on stderr and the record with --json', async () => {
    const dataDir = join(dir, 'cli');
    const result = await runUnchecked(
      cli.file,
      [
        ...cli.args,
        'image',
        'pull',
        `${host}/${REPOSITORY}`,
        '--insecure-registry',
        host,
        '--data-dir',
        dataDir,
        '--json',
      ],
      { cwd: repo, timeoutMs: 120_000 },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const record = JSON.parse(result.stdout) as ImageRecord;
    assert.equal(record.id, byTag.id);
    assert.match(result.stderr, /^layer [a-f0-9]{12}: downloaded /m);
    assert.ok((await stat(join(dataDir, 'images', 'images.json'))).isFile());
  });

  test('podlet image pull without --insecure-registry speaks HTTPS and fails with one podlet: line', async () => {
    const result = await runUnchecked(
      cli.file,
      [...cli.args, 'image', 'pull', `${host}/${REPOSITORY}`, '--data-dir', join(dir, 'cli-tls')],
      { cwd: repo, timeoutMs: 60_000 },
    );
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(`^podlet: https://${host.replace(/\./g, '\\.')}/v2/.*request failed`, 'm'),
    );
  });
});
