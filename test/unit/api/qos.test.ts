import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { computeQosClass, isCriticalPod, isNodeCriticalPod, oomScoreAdj } from '../../../src/api/qos.js';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

function container(name: string, resources: Resources = {}, restartPolicy?: string): Container {
  return { name, image: 'busybox', resources, ...(restartPolicy ? { restartPolicy } : {}) };
}

function pod(containers: Container[], initContainers: Container[] = [], extra: Partial<Pod> = {}): Pod {
  return { metadata: { name: 'p', ...extra.metadata }, spec: { containers, initContainers, ...extra.spec } };
}

const exact = { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } };
const GiB = 2 ** 30;

describe('computeQosClass', () => {
  test('a pod without any cpu or memory request or limit is BestEffort', () => {
    assert.equal(
      computeQosClass(pod([container('a'), container('b', { limits: { 'example.com/gpu': '1' } })])),
      'BestEffort',
    );
  });

  test('zero amounts do not count', () => {
    assert.equal(
      computeQosClass(pod([container('a', { requests: { cpu: '0', memory: '0' } })])),
      'BestEffort',
    );
  });

  test('equal cpu and memory requests and limits in every container make it Guaranteed', () => {
    assert.equal(computeQosClass(pod([container('a', exact), container('b', exact)])), 'Guaranteed');
  });

  test('limits alone make it Guaranteed, because the request defaults to the limit', () => {
    assert.equal(
      computeQosClass(pod([container('a', { limits: { cpu: '1', memory: '1Gi' } })])),
      'Guaranteed',
    );
  });

  test('requests and limits are compared by value, not by how they are written', () => {
    const a = container('a', {
      requests: { cpu: '0.5', memory: '64Mi' },
      limits: { cpu: '500m', memory: '65536Ki' },
    });
    assert.equal(computeQosClass(pod([a])), 'Guaranteed');
  });

  test('a container with only a memory limit makes it Burstable', () => {
    assert.equal(
      computeQosClass(pod([container('a', exact), container('b', { limits: { memory: '1Gi' } })])),
      'Burstable',
    );
  });

  test('a request below its limit makes it Burstable', () => {
    const a = container('a', {
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '64Mi' },
    });
    assert.equal(computeQosClass(pod([a])), 'Burstable');
  });

  test('init containers and sidecars count like the others', () => {
    assert.equal(computeQosClass(pod([container('a', exact)], [container('init')])), 'Burstable');
    assert.equal(
      computeQosClass(pod([container('a', exact)], [container('side', {}, 'Always')])),
      'Burstable',
    );
    assert.equal(computeQosClass(pod([container('a', exact)], [container('init', exact)])), 'Guaranteed');
    assert.equal(
      computeQosClass(pod([container('a')], [container('init', { requests: { memory: '1Mi' } })])),
      'Burstable',
    );
  });

  test('extended resources do not change a Guaranteed class', () => {
    const a = container('a', { ...exact, limits: { ...exact.limits, 'example.com/gpu': '1' } });
    assert.equal(computeQosClass(pod([a])), 'Guaranteed');
  });
});

describe('oomScoreAdj', () => {
  const burstable = (memory: string): Container => container('a', { requests: { memory } });

  test('Guaranteed containers get -997 and BestEffort ones 1000', () => {
    const guaranteed = pod([container('a', exact)]);
    assert.equal(oomScoreAdj(guaranteed, guaranteed.spec!.containers[0]!, GiB, false), -997);
    const bestEffort = pod([container('a')]);
    assert.equal(oomScoreAdj(bestEffort, bestEffort.spec!.containers[0]!, GiB, false), 1000);
  });

  test('Burstable containers get 1000 - 1000 × request / capacity, with integer division', () => {
    const c = burstable('100Mi');
    // 1000 × 104857600 / 1073741824 = 97.65625 -> 97
    assert.equal(oomScoreAdj(pod([c]), c, GiB, false), 903);
  });

  test('a Burstable score never goes below 3 nor reaches 1000', () => {
    const big = burstable('2Gi');
    assert.equal(oomScoreAdj(pod([big]), big, GiB, false), 3);
    const tiny = burstable('1');
    assert.equal(oomScoreAdj(pod([tiny]), tiny, GiB, false), 999);
    const cpuOnly = container('a', { requests: { cpu: '100m' } });
    assert.equal(oomScoreAdj(pod([cpuOnly]), cpuOnly, GiB, false), 999);
  });

  test('the request defaults to the limit', () => {
    const c = container('a', { limits: { memory: '512Mi' } });
    assert.equal(oomScoreAdj(pod([c, container('b')]), c, GiB, false), 500);
  });

  test('a sidecar scores no higher than the regular container with the smallest request', () => {
    const sidecar = container('side', { requests: { memory: '10Mi' } }, 'Always');
    const p = pod([burstable('512Mi'), container('b', { requests: { memory: '256Mi' } })], [sidecar]);
    assert.equal(oomScoreAdj(p, sidecar, GiB, true), 750);
    const bigSidecar = container('side', { requests: { memory: '900Mi' } }, 'Always');
    const q = pod([burstable('256Mi')], [bigSidecar]);
    assert.equal(oomScoreAdj(q, bigSidecar, GiB, true), 122);
  });

  test('node-critical pods get -997 whatever their class; cluster-critical Burstable pods do not', () => {
    const c = burstable('100Mi');
    const priority = { priority: 2_000_001_000, containers: [c] };
    const node = pod([c], [], { spec: { ...priority, priorityClassName: 'system-node-critical' } });
    assert.equal(oomScoreAdj(node, c, GiB, false), -997);
    const cluster = pod([c], [], { spec: { ...priority, priorityClassName: 'system-cluster-critical' } });
    assert.equal(oomScoreAdj(cluster, c, GiB, false), 903);
  });
});

describe('critical pods', () => {
  test('static and mirror pods are critical, pods from the API are not unless their priority says so', () => {
    const annotated = (annotations: Record<string, string>): Pod =>
      pod([container('a')], [], { metadata: { annotations } });
    assert.equal(isCriticalPod(annotated({ 'kubernetes.io/config.source': 'file' })), true);
    assert.equal(isCriticalPod(annotated({ 'kubernetes.io/config.source': 'api' })), false);
    assert.equal(isCriticalPod(annotated({ 'kubernetes.io/config.mirror': 'abc' })), true);
    assert.equal(
      isCriticalPod(pod([container('a')], [], { spec: { containers: [], priority: 1_999_999_999 } })),
      false,
    );
    assert.equal(
      isCriticalPod(pod([container('a')], [], { spec: { containers: [], priority: 2_000_000_000 } })),
      true,
    );
  });

  test('node-critical needs both a critical pod and the system-node-critical class', () => {
    const classOnly = pod([container('a')], [], {
      spec: { containers: [], priorityClassName: 'system-node-critical' },
    });
    assert.equal(isNodeCriticalPod(classOnly), false);
    const staticPod = pod([container('a')], [], {
      metadata: { annotations: { 'kubernetes.io/config.source': 'file' } },
      spec: { containers: [], priorityClassName: 'system-node-critical' },
    });
    assert.equal(isNodeCriticalPod(staticPod), true);
  });
});
