import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execProbe } from '../../../../src/kubelet/prober/exec-handler.js';
import type { ExecInContainer } from '../../../../src/kubelet/prober/types.js';
import { container, target } from './fixtures.js';

function fakeExec(result: Awaited<ReturnType<ExecInContainer>>, seen: string[][] = []): ExecInContainer {
  return (_id, command) => {
    seen.push(command);
    return Promise.resolve(result);
  };
}

test('exit 0 is a success and a non-zero exit a failure with the output', async () => {
  const ok = fakeExec({ exitCode: 0, output: 'fine', timedOut: false });
  assert.deepEqual(await execProbe(ok, target(), ['true'], 1000), { result: 'success', output: 'fine' });
  const bad = fakeExec({ exitCode: 1, output: 'cat: /tmp/healthy: No such file', timedOut: false });
  assert.deepEqual(await execProbe(bad, target(), ['cat', '/tmp/healthy'], 1000), {
    result: 'failure',
    output: 'cat: /tmp/healthy: No such file',
  });
});

test('a timeout is a failure with kubelet message', async () => {
  const slow = fakeExec({ exitCode: -1, output: '', timedOut: true });
  assert.deepEqual(await execProbe(slow, target(), ['sh', '-c', 'sleep 10'], 1000), {
    result: 'failure',
    output: 'command "sh -c sleep 10" timed out',
  });
});

test('a command that cannot be run is an error', async () => {
  const broken: ExecInContainer = () => Promise.reject(new Error('container not running'));
  assert.deepEqual(await execProbe(broken, target(), ['true'], 1000), {
    result: 'unknown',
    output: 'container not running',
  });
});

test('$(VAR) expands from the literal env only, and output is cut to 10 KiB', async () => {
  const seen: string[][] = [];
  const exec = fakeExec({ exitCode: 0, output: 'y'.repeat(20_000), timedOut: false }, seen);
  const c = container({
    env: [
      { name: 'FILE', value: '/ready' },
      { name: 'FROM', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
  });
  const out = await execProbe(
    exec,
    target({ container: c }),
    ['test', '-f', '$(FILE)', '$(FROM)', '$(NONE)'],
    1000,
  );
  assert.deepEqual(seen[0], ['test', '-f', '/ready', '', '$(NONE)']);
  assert.equal(out.output.length, 10 * 1024);
});
