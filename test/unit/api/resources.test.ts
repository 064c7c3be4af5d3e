import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import {
  burstableQosCpuShares,
  containerCgroupValues,
  milliCpuToQuota,
  milliCpuToShares,
  podCgroupValues,
  podLimits,
  podRequests,
  type ResourceAmounts,
} from '../../../src/api/resources.js';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

function container(name: string, resources: Resources = {}, restartPolicy?: string): Container {
  return { name, image: 'busybox', resources, ...(restartPolicy ? { restartPolicy } : {}) };
}

function pod(
  containers: Container[],
  initContainers: Container[] = [],
  overhead?: Record<string, string>,
): Pod {
  return { metadata: { name: 'p' }, spec: { containers, initContainers, ...(overhead ? { overhead } : {}) } };
}

const Mi = 2 ** 20;
const nanos = (units: number): bigint => BigInt(units) * 10n ** 9n;
const milli = (m: number): bigint => BigInt(m) * 10n ** 6n;

function amounts(a: ResourceAmounts): Record<string, bigint> {
  return Object.fromEntries(a);
}

describe('cpu conversions', () => {
  test('shares are milli × 1024 / 1000, 2 for no request, clamped to [2, 262144]', () => {
    assert.equal(milliCpuToShares(0n), 2);
    assert.equal(milliCpuToShares(1n), 2);
    assert.equal(milliCpuToShares(100n), 102);
    assert.equal(milliCpuToShares(1000n), 1024);
    assert.equal(milliCpuToShares(256_000n), 262144);
    assert.equal(milliCpuToShares(1_000_000n), 262144);
  });

  test('quota is milli × period / 1000, at least 1ms, -1 without a limit', () => {
    assert.equal(milliCpuToQuota(0n), -1);
    assert.equal(milliCpuToQuota(1n), 1000);
    assert.equal(milliCpuToQuota(250n), 25000);
    assert.equal(milliCpuToQuota(1500n), 150000);
  });
});

describe('pod requests and limits', () => {
  test('regular containers add up', () => {
    const p = pod([
      container('a', { requests: { cpu: '100m' } }),
      container('b', { requests: { cpu: '200m' } }),
    ]);
    assert.deepEqual(amounts(podRequests(p)), { cpu: milli(300) });
  });

  test('an init container larger than the steady state sets the pod request', () => {
    const p = pod(
      [container('a', { requests: { cpu: '100m' } })],
      [container('i', { requests: { cpu: '1' } })],
    );
    assert.deepEqual(amounts(podRequests(p)), { cpu: milli(1000) });
  });

  test('sidecars add to the steady state and to every init container after them', () => {
    const p = pod(
      [container('a', { requests: { cpu: '100m', memory: '10Mi' } })],
      [
        container('i1', { requests: { cpu: '300m' } }),
        container('s1', { requests: { cpu: '200m', memory: '20Mi' } }, 'Always'),
        container('i2', { requests: { cpu: '250m', memory: '5Mi' } }),
      ],
    );
    // steady: 100m + 200m = 300m, 30Mi; i1: 300m; i2 with s1 running: 450m, 25Mi.
    assert.deepEqual(amounts(podRequests(p)), { cpu: milli(450), memory: nanos(30 * Mi) });
  });

  test('a limit stands in for a missing request', () => {
    const p = pod([container('a', { limits: { cpu: '1', memory: '1Gi' } })]);
    assert.deepEqual(amounts(podRequests(p)), { cpu: milli(1000), memory: nanos(1024 * Mi) });
  });

  test('overhead adds to every request but only to the limits that are set', () => {
    const p = pod([container('a', { requests: { cpu: '100m' }, limits: { memory: '64Mi' } })], [], {
      cpu: '50m',
      memory: '16Mi',
    });
    assert.deepEqual(amounts(podRequests(p)), { cpu: milli(150), memory: nanos(80 * Mi) });
    assert.deepEqual(amounts(podLimits(p)), { memory: nanos(80 * Mi) });
  });
});

describe('containerCgroupValues', () => {
  test('takes shares from the request and quota and memory from the limits', () => {
    const c = container('a', {
      requests: { cpu: '250m', memory: '32Mi' },
      limits: { cpu: '500m', memory: '64Mi' },
    });
    assert.deepEqual(containerCgroupValues(c), {
      cpuShares: 256,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      memoryLimit: 64 * Mi,
    });
  });

  test('without requests or limits: 2 shares and no limits', () => {
    assert.deepEqual(containerCgroupValues(container('a')), {
      cpuShares: 2,
      cpuQuota: -1,
      cpuPeriod: 100000,
      memoryLimit: -1,
    });
  });

  test('a cpu limit alone also sets the shares, since the request defaults to it', () => {
    assert.equal(containerCgroupValues(container('a', { limits: { cpu: '2' } })).cpuShares, 2048);
  });

  test('an explicit zero request gives 2 shares, a zero memory limit no limit', () => {
    const c = container('a', { requests: { cpu: '0' }, limits: { memory: '0' } });
    assert.deepEqual(containerCgroupValues(c), {
      cpuShares: 2,
      cpuQuota: -1,
      cpuPeriod: 100000,
      memoryLimit: -1,
    });
  });

  test('memory rounds up to whole bytes', () => {
    assert.equal(containerCgroupValues(container('a', { limits: { memory: '1500m' } })).memoryLimit, 2);
  });
});

describe('podCgroupValues', () => {
  test('a BestEffort pod gets 2 shares and no limits', () => {
    assert.deepEqual(podCgroupValues(pod([container('a')])), {
      cpuShares: 2,
      cpuQuota: -1,
      cpuPeriod: 100000,
      memoryLimit: -1,
    });
  });

  test('a Guaranteed pod gets the sums of its containers', () => {
    const c = { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } };
    assert.deepEqual(podCgroupValues(pod([container('a', c), container('b', c)])), {
      cpuShares: 1024,
      cpuQuota: 100000,
      cpuPeriod: 100000,
      memoryLimit: 128 * Mi,
    });
  });

  test('a Burstable pod gets a quota and a memory limit only when every container has one', () => {
    const limited = container('a', { requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '64Mi' } });
    const cpuOnly = container('b', { limits: { cpu: '300m' } });
    assert.deepEqual(podCgroupValues(pod([limited, cpuOnly])), {
      cpuShares: 409,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      memoryLimit: -1,
    });
  });

  test('an init container without limits leaves the pod unlimited', () => {
    const limited = container('a', { requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '64Mi' } });
    const values = podCgroupValues(pod([limited], [container('init')]));
    assert.equal(values.cpuQuota, -1);
    assert.equal(values.memoryLimit, -1);
  });

  test('an init container counts with the limits of the sidecars started before it', () => {
    const limited = { requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '64Mi' } };
    const p = pod([container('a', limited)], [container('side', limited, 'Always'), container('init')]);
    assert.deepEqual(podCgroupValues(p), {
      cpuShares: 204,
      cpuQuota: 40000,
      cpuPeriod: 100000,
      memoryLimit: 128 * Mi,
    });
  });
});

describe('burstableQosCpuShares', () => {
  test('sums the cpu requests of the Burstable pods only', () => {
    const burstable = pod([container('a', { requests: { cpu: '300m' } })]);
    const guaranteed = pod([container('a', { limits: { cpu: '1', memory: '1Gi' } })]);
    const bestEffort = pod([container('a')]);
    assert.equal(burstableQosCpuShares([burstable, burstable, guaranteed, bestEffort]), 614);
    assert.equal(burstableQosCpuShares([]), 2);
  });
});
