import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TerminationMessages } from '../../../src/kubelet/termination-messages.js';
import { RuntimePaths } from '../../../src/runtime/paths.js';
import type { ContainerRecord, ContainerStatus } from '../../../src/runtime/types.js';

const dir = await mkdtemp(join(tmpdir(), 'podlet-tm-'));
after(() => rm(dir, { recursive: true, force: true }));
const paths = new RuntimePaths(dir);

async function exited(
  id: string,
  opts: { file?: string; log?: string; exitCode: number },
): Promise<ContainerStatus> {
  await mkdir(paths.container(id), { recursive: true });
  if (opts.file !== undefined) await writeFile(paths.terminationLog(id), opts.file);
  const logPath = join(dir, `${id}.log`);
  await writeFile(logPath, opts.log ?? '');
  const record = { id, podUid: 'u', name: id, logPath } as ContainerRecord;
  return { record, state: 'exited', exitCode: opts.exitCode, oomKilled: false };
}

const pod = (policy: 'File' | 'FallbackToLogsOnError'): Pod => ({
  spec: { containers: ['a', 'b', 'c', 'd'].map((name) => ({ name, terminationMessagePolicy: policy })) },
});

const line = (text: string, tag = 'F') => `2025-01-01T00:00:00.000000000+00:00 stdout ${tag} ${text}\n`;

describe('termination messages', () => {
  test('the file wins; only its last 4 KiB are kept', async () => {
    const c = await exited('a', { file: `${'x'.repeat(5000)}END`, exitCode: 1 });
    const message = (await new TerminationMessages(paths).of(pod('FallbackToLogsOnError'), [c])).get('a');
    assert.equal(message?.length, 4096);
    assert.ok(message?.endsWith('END'));
  });

  test('FallbackToLogsOnError takes the end of the log, partial lines joined, when the file is empty and the exit non-zero', async () => {
    const c = await exited('b', {
      file: '',
      log: line('first') + line('second ', 'P') + line('half'),
      exitCode: 2,
    });
    const messages = await new TerminationMessages(paths).of(pod('FallbackToLogsOnError'), [c]);
    assert.equal(messages.get('b'), 'first\nsecond half\n');
  });

  test('no message from the log after a zero exit, nor under the File policy', async () => {
    const ok = await exited('c', { file: '', log: line('output'), exitCode: 0 });
    const failed = await exited('d', { file: '', log: line('output'), exitCode: 1 });
    assert.equal((await new TerminationMessages(paths).of(pod('FallbackToLogsOnError'), [ok])).size, 0);
    assert.equal((await new TerminationMessages(paths).of(pod('File'), [failed])).size, 0);
  });
});
