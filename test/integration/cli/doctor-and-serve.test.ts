import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runUnchecked } from '../../../src/util/exec.js';
import { PODLET } from '../support/podlet-process.js';

test('podlet doctor finds this host ready and says so in JSON for scripts', async () => {
  const r = await runUnchecked(PODLET, [
    'doctor',
    '--json',
    '--pod-cidr',
    '10.198.3.0/24',
    '--bridge',
    'pltdoc0',
  ]);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { cgroupMode: string; problems: unknown[] };
  assert.deepEqual(report.problems, []);
  assert.match(report.cgroupMode, /^v[12]$/);
});

test('podlet serve with a bad flag exits non-zero with a one-line cause', async () => {
  const r = await runUnchecked(PODLET, [
    'serve',
    '--data-dir',
    '/tmp/podlet-never-created',
    '--pod-cidr',
    'nonsense',
  ]);
  assert.equal(r.exitCode, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^podlet: .*pod CIDR|^podlet: .*nonsense/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
