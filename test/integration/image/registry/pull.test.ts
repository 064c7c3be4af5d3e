// Pulls from the real Debian docker-registry (distribution v2) on 127.0.0.1: the test image is pushed with skopeo,
// then pulled by tag and by digest through the library and the `podlet image pull` CLI.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
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

  test('a multi-platform index pulls the host platform by default and another one when configured', async () => {
    const multi = await multiPlatformLayout(join(dir, 'multi'));
    await run(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--all',
        '--dest-tls-verify=false',
        `oci:${multi}:multi`,
        `docker://${host}/${REPOSITORY}:multi`,
      ],
      {
        timeoutMs: 120_000,
      },
    );
    const ref = `${host}/${REPOSITORY}:multi`;
    const amd = await pullImage(await ImageStore.open(join(dir, 'amd64')), client, ref);
    assert.equal(amd.architecture, 'amd64');
    const armClient = new RegistryClient({
      insecureRegistries: [host],
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const arm = await pullImage(await ImageStore.open(join(dir, 'arm64')), armClient, ref);
    assert.equal(arm.architecture, 'arm64');
    assert.notEqual(arm.id, amd.id);
    assert.equal(arm.manifestDigest, amd.manifestDigest, 'both name the index');
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

/**
 * The test image as a two-platform index: its own manifest (amd64) and a copy whose config says arm64 (same layers:
 * the pull only reads the config's platform). skopeo copy --all pushes it as an index.
 */
async function multiPlatformLayout(target: string): Promise<string> {
  await run('cp', ['-a', LAYOUT, target]);
  const blob = (digest: string) => join(target, 'blobs', 'sha256', digest.replace('sha256:', ''));
  const put = async (text: string) => {
    const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    await writeFile(blob(digest), text);
    return { digest, size: Buffer.byteLength(text) };
  };
  const index = JSON.parse(await readFile(join(target, 'index.json'), 'utf8')) as {
    manifests: { digest: string; size: number }[];
  };
  const amdDescriptor = index.manifests[0]!;
  const manifest = JSON.parse(await readFile(blob(amdDescriptor.digest), 'utf8')) as {
    config: { digest: string; size: number };
  };
  const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as { architecture: string };
  const armConfig = await put(JSON.stringify({ ...config, architecture: 'arm64' }));
  const armManifest = await put(
    JSON.stringify({ ...manifest, config: { ...manifest.config, ...armConfig } }),
  );
  const manifestType = 'application/vnd.oci.image.manifest.v1+json';
  const multiIndex = await put(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: manifestType,
          ...{ digest: amdDescriptor.digest, size: amdDescriptor.size },
          platform: { os: 'linux', architecture: config.architecture },
        },
        { mediaType: manifestType, ...armManifest, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    }),
  );
  await writeFile(
    join(target, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          ...multiIndex,
          annotations: { 'org.opencontainers.image.ref.name': 'multi' },
        },
      ],
    }),
  );
  return target;
}
