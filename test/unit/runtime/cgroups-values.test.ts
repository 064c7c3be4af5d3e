import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  containerCgroupPath,
  parentCgroupPath,
  podCgroupChain,
  podCgroupPath,
  podUidOf,
} from '../../../src/runtime/cgroups/layout.js';
import {
  parseCpuMax,
  parseKeyedValues,
  parseLimit,
  parseV1MemoryLimit,
  workingSetBytes,
} from '../../../src/runtime/cgroups/readings.js';
import { cpuWeightFromShares, v1PodFiles, v2PodFiles } from '../../../src/runtime/cgroups/values.js';
import { containerCgroupValues } from '../../../src/api/resources.js';

const UID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

describe('cgroup layout', () => {
  test('pod cgroups follow the kubelet cgroupfs layout under the parent', () => {
    assert.equal(podCgroupPath('podlet', UID, 'Guaranteed'), `/podlet/pod${UID}`);
    assert.equal(podCgroupPath('podlet', UID, 'Burstable'), `/podlet/burstable/pod${UID}`);
    assert.equal(podCgroupPath('/a/b/', UID, 'BestEffort'), `/a/b/besteffort/pod${UID}`);
  });

  test('the chain runs from the parent to the pod', () => {
    assert.deepEqual(podCgroupChain('podlet', UID, 'Guaranteed'), ['/podlet', `/podlet/pod${UID}`]);
    assert.deepEqual(podCgroupChain('podlet', UID, 'BestEffort'), [
      '/podlet',
      '/podlet/besteffort',
      `/podlet/besteffort/pod${UID}`,
    ]);
  });

  test('a container cgroup is the container ID below the pod cgroup', () => {
    assert.equal(containerCgroupPath(`/podlet/pod${UID}`, 'abc123'), `/podlet/pod${UID}/abc123`);
  });

  test('names that would leave their place in the hierarchy are refused', () => {
    assert.throws(() => podCgroupPath('podlet', '../x', 'Guaranteed'), { name: 'CgroupError' });
    assert.throws(() => podCgroupPath('podlet', '', 'Guaranteed'), { name: 'CgroupError' });
    assert.throws(() => containerCgroupPath('/podlet/podx', 'a/b'), { name: 'CgroupError' });
    assert.throws(() => parentCgroupPath('a/../b'), { name: 'CgroupError' });
    assert.throws(() => parentCgroupPath('/'), { name: 'CgroupError' });
  });

  test('pod directory names give back the pod UID', () => {
    assert.equal(podUidOf(`pod${UID}`), UID);
    assert.equal(podUidOf('burstable'), undefined);
    assert.equal(podUidOf('pod'), undefined);
  });
});

describe('cgroup values', () => {
  test('cpu.weight follows the kubelet formula: 2 -> 1, 1024 -> 39, 262144 -> 10000', () => {
    assert.equal(cpuWeightFromShares(2), 1);
    assert.equal(cpuWeightFromShares(102), 4);
    assert.equal(cpuWeightFromShares(1024), 39);
    assert.equal(cpuWeightFromShares(262143), 9999);
    assert.equal(cpuWeightFromShares(262144), 10000);
  });

  test('a container with a 1-CPU request gets cpu.weight 39 from runc 1.1.5, the same formula', () => {
    // runc < 1.3.2 ConvertCPUSharesToCgroupV2Value: 1 + ((shares - 2) * 9999) / 262142.
    const shares = containerCgroupValues({ name: 'a', resources: { requests: { cpu: '1' } } }).cpuShares;
    const runc115 = 1 + Math.floor(((shares - 2) * 9999) / 262142);
    assert.equal(shares, 1024);
    assert.equal(runc115, 39);
    assert.equal(cpuWeightFromShares(shares), runc115);
  });

  const limited = {
    cpuShares: 1024,
    cpuQuota: 50000,
    cpuPeriod: 100000,
    memoryLimit: 67108864,
    pidsLimit: 100,
  };
  const unlimited = { cpuShares: 2, cpuQuota: -1, cpuPeriod: 100000, memoryLimit: -1, pidsLimit: -1 };

  test('v1 files carry the values as they are, "max" for no pids limit', () => {
    assert.deepEqual(v1PodFiles(limited), [
      { controller: 'cpu', file: 'cpu.shares', value: '1024' },
      { controller: 'cpu', file: 'cpu.cfs_period_us', value: '100000' },
      { controller: 'cpu', file: 'cpu.cfs_quota_us', value: '50000' },
      { controller: 'memory', file: 'memory.limit_in_bytes', value: '67108864' },
      { controller: 'pids', file: 'pids.max', value: '100' },
    ]);
    assert.deepEqual(
      v1PodFiles(unlimited).map((f) => f.value),
      ['2', '100000', '-1', '-1', 'max'],
    );
  });

  test('v2 files carry the same values converted: weight, "quota period", "max"', () => {
    assert.deepEqual(v2PodFiles(limited), [
      { file: 'cpu.weight', value: '39' },
      { file: 'cpu.max', value: '50000 100000' },
      { file: 'memory.max', value: '67108864' },
      { file: 'pids.max', value: '100' },
    ]);
    assert.deepEqual(
      v2PodFiles(unlimited).map((f) => f.value),
      ['1', 'max 100000', 'max', 'max'],
    );
  });
});

describe('cgroup readings', () => {
  test('keyed files give their integer values', () => {
    const stat = parseKeyedValues('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    assert.equal(stat.get('oom_kill'), 3n);
    assert.equal(stat.get('missing'), undefined);
  });

  test('"no limit" reads as -1 in both versions', () => {
    assert.equal(parseV1MemoryLimit('9223372036854771712\n'), -1);
    assert.equal(parseV1MemoryLimit('67108864\n'), 67108864);
    assert.equal(parseLimit('max\n'), -1);
    assert.equal(parseLimit('42\n'), 42);
    assert.deepEqual(parseCpuMax('max 100000\n'), { quota: -1, period: 100000 });
    assert.deepEqual(parseCpuMax('25000 100000\n'), { quota: 25000, period: 100000 });
  });

  test('the working set is usage minus inactive file pages, never negative', () => {
    assert.equal(workingSetBytes(1000n, 300n), 700);
    assert.equal(workingSetBytes(100n, 300n), 0);
  });

  test('a garbled value is an error, not a NaN', () => {
    assert.throws(() => parseLimit('12abc'), SyntaxError);
  });
});
