// `podlet image ...` as a person runs it: the real CLI in a child process, against the test image archive.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImageRecord } from '../../../src/image/types.js';
import { runUnchecked, type RunResult } from '../../../src/util/exec.js';
import { removeTree } from '../../../src/util/fs.js';
import { tempDir } from '../../unit/image/tar-fixtures.js';

// Compiled, this file runs from dist/test/...: run bin/podlet. Under tsx, run the TypeScript entry point.
const compiled = import.meta.url.endsWith('.js');
const repo = resolve(import.meta.dirname, ...(compiled ? ['..', '..', '..', '..'] : ['..', '..', '..']));
const cli = compiled
  ? { file: join(repo, 'bin', 'podlet'), args: [] }
  : { file: process.execPath, args: ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts')] };
const ARCHIVE = join(repo, 'test', 'fixtures', 'images', 'out', 'busybox.oci.tar');
const NAME = 'localhost/podlet-test/busybox:1.0';

describe('podlet image', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await tempDir('image-cli');
  });
  after(async () => {
    await removeTree(dataDir);
  });

  function podlet(...args: string[]): Promise<RunResult> {
    return runUnchecked(cli.file, [...cli.args, 'image', ...args, '--data-dir', dataDir], {
      cwd: repo,
      timeoutMs: 60_000,
    });
  }

  test('import loads the archive into <data-dir>/images and says what it loaded', async () => {
    const result = await podlet('import', ARCHIVE);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `Loaded image: ${NAME}\n`);
    assert.ok((await readdir(join(dataDir, 'images'))).includes('images.json'));
  });

  test('ls prints a table for people and the records with --json', async () => {
    const table = await podlet('ls');
    assert.equal(table.exitCode, 0, table.stderr);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^REFERENCE\s+DIGEST\s+SIZE\s+CREATED$/);
    assert.match(row ?? '', new RegExp(`^${NAME}\\s+sha256:[a-f0-9]{64}\\s+\\d[\\d.]*[kMG]?B\\s+\\S+$`));
    assert.deepEqual(rest, []);

    const json = await podlet('ls', '--json');
    const records = JSON.parse(json.stdout) as ImageRecord[];
    assert.deepEqual(
      records.map((r) => r.names),
      [[NAME]],
    );
  });

  test('rm removes the name, and a second rm fails with one podlet: line and exit code 1', async () => {
    const removed = await podlet('rm', NAME);
    assert.equal(removed.exitCode, 0, removed.stderr);
    const again = await podlet('rm', NAME);
    assert.equal(again.exitCode, 1);
    assert.equal(again.stderr, `podlet: image "${NAME}" not found\n`);
  });

  test('an invalid reference is reported with the reference parser message', async () => {
    const result = await podlet('rm', 'repo:tag:extra');
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, 'podlet: invalid reference format\n');
  });

  test('prune --json reports what it freed', async () => {
    const result = await podlet('prune', '--json');
    assert.equal(result.exitCode, 0, result.stderr);
    const pruned = JSON.parse(result.stdout) as {
      removedImages: number;
      removedLayers: number;
      freedBytes: number;
    };
    assert.deepEqual([pruned.removedImages, pruned.removedLayers], [0, 1]);
    assert.ok(pruned.freedBytes > 0);
  });
});
