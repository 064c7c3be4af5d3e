import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHost } from '../../../src/cli/doctor.js';

test('a missing host binary is reported with the Debian package that provides it', async () => {
  const problems = await checkHost({
    podCidr: '10.199.77.0/24',
    bridge: 'pltdoctor',
    binaries: [
      { path: '/nonexistent/podlet-test/runc', pkg: 'runc' },
      { path: '/bin/sh', pkg: 'dash' },
    ],
  });
  const binary = problems.filter((p) => p.check === 'binary');
  assert.deepEqual(binary, [
    {
      check: 'binary',
      problem: '/nonexistent/podlet-test/runc is missing',
      fix: 'apt-get install -y runc',
      fatal: true,
    },
  ]);
});

test('an invalid pod CIDR is a problem with a fix, not an exception', async () => {
  const problems = await checkHost({ podCidr: '10.0.0.0/33', bridge: 'pltdoctor', binaries: [] });
  const cidr = problems.find((p) => p.check === 'pod CIDR');
  assert.ok(cidr, JSON.stringify(problems));
  assert.equal(cidr.fix, 'choose another range with --pod-cidr');
});
