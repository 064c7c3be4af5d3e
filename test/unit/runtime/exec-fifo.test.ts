import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { releaseExecFifo } from '../../../src/runtime/exec-fifo.js';

describe('releaseExecFifo', async () => {
  const root = await mkdtemp(join(tmpdir(), 'podlet-fifo-'));
  after(() => rm(root, { recursive: true, force: true }));

  function stateDir(name: string): string {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [join(dir, 'exec.fifo')]);
    return dir;
  }

  test('reads what the waiting writer writes, lets it go on, and removes the fifo', async () => {
    const dir = stateDir('created');
    // Like `runc init`: blocks opening the fifo for writing, writes one byte, then goes on (here: says so).
    const init = spawn('sh', ['-c', 'printf 0 > exec.fifo && echo released'], { cwd: dir });
    let out = '';
    init.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise((resolve) => init.on('exit', resolve));
    assert.equal(await releaseExecFifo(dir, () => true, 5000), true);
    assert.equal(await exited, 0);
    assert.equal(out, 'released\n');
    assert.equal(existsSync(join(dir, 'exec.fifo')), false);
  });

  test('waits for a writer that comes late', async () => {
    const dir = stateDir('late');
    const init = spawn('sh', ['-c', 'sleep 0.2; printf 0 > exec.fifo'], { cwd: dir });
    const exited = new Promise((resolve) => init.on('exit', resolve));
    assert.equal(await releaseExecFifo(dir, () => true, 5000), true);
    assert.equal(await exited, 0);
  });

  test('is false without a fifo, so that runc gives its verdict', async () => {
    assert.equal(await releaseExecFifo(join(root, 'none'), () => true, 5000), false);
  });

  test('fails when the init process died without writing, and keeps the fifo', async () => {
    const dir = stateDir('dead');
    await assert.rejects(
      releaseExecFifo(dir, () => false, 5000),
      /container process is already dead/,
    );
    assert.equal(existsSync(join(dir, 'exec.fifo')), true);
  });

  test('gives up after its time-out when nothing is written', async () => {
    const dir = stateDir('silent');
    await assert.rejects(
      releaseExecFifo(dir, () => true, 50),
      /wrote nothing within 50 ms/,
    );
  });
});
