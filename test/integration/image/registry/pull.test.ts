// Pulls from the real Debian docker-registry (distribution v2) on 127.0.0.1: the test image is pushed with skopeo,
// then pulled by tag and by digest through the library and the `podlet image pull` CLI.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../../../src/image/registry/client.js';
import { pullImage } from '../../../../src/image/registry/pull.js';
import { ImageStore } from '../../../../src/image/store.js';
import type { ImageRecord } from '../../../../src/image/types.js';
import { run, runUnchecked } from '../../../../src/util/exec.js';
import { exists, removeTree } from '../../../../src/util/fs.js';
import { tempDir } from '../../../unit/image/tar-fixtures.js';

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
const START_DEADLINE_MS = 15_000;

describe('pulling from docker-registry', () => {
  let dir: string;
  let registry: ChildProcess | undefined;
  let host: string;
  let store: ImageStore;
  let client: RegistryClient;

  before(async () => {
    if (!(await exists(join(LAYOUT, 'index.json')))) {
      await run('bash', [join(repo, 'scripts', 'build-test-images.sh')], { timeoutMs: 300_000 });
    }
    dir = await tempDir('registry-it');
    host = `127.0.0.1:${await freePort()}`;
    registry = await startRegistry(dir, host);
    await run(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `oci:${LAYOUT}:latest`,
        `docker://${host}/${REPOSITORY}:latest`,
      ],
      { timeoutMs: 120_000 },
    );
    store = await ImageStore.open(join(dir, 'images'));
    client = new RegistryClient({ insecureRegistries: [host] });
  });
  after(async () => {
    if (registry !== undefined) await stopProcess(registry);
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

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function startRegistry(dir: string, host: string): Promise<ChildProcess> {
  const config = join(dir, 'registry.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'registry-data')}`,
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`docker-registry did not answer on ${host} within ${START_DEADLINE_MS}ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
