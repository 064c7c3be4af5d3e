import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  conmonAlive,
  LOST_MONITOR_EXIT_CODE,
  lostMonitorExit,
} from '../../../src/runtime/conmon-liveness.js';

const ID = 'c0ffee0123456789abcdef0123456789';

describe('conmon liveness', async () => {
  const bundle = await mkdtemp(join(tmpdir(), 'podlet-conmon-liveness-'));
  // A stand-in for conmon: a live process whose command line names the container.
  const monitor = spawn('sh', ['-c', 'sleep 60', 'conmon', '-c', ID], { stdio: 'ignore' });
  after(async () => {
    monitor.kill('SIGKILL');
    await rm(bundle, { recursive: true, force: true });
  });

  test('a bundle without a PID file is given the benefit of the doubt', () => {
    assert.equal(conmonAlive(bundle, ID), true);
  });

  test('a live process naming the container is its conmon', async () => {
    await writeFile(join(bundle, 'conmon.pid'), `${monitor.pid}\n`);
    assert.equal(conmonAlive(bundle, ID), true);
  });

  test('a recycled PID (a live process naming another container) is not', async () => {
    await writeFile(join(bundle, 'conmon.pid'), `${monitor.pid}\n`);
    assert.equal(conmonAlive(bundle, 'another-container'), false);
  });

  test('a dead conmon leaves the container exited with the dead-shim status', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await writeFile(join(bundle, 'conmon.pid'), `${gone.pid}\n`);
    assert.equal(conmonAlive(bundle, ID), false);
    assert.equal(lostMonitorExit().exitCode, LOST_MONITOR_EXIT_CODE);
  });
});
