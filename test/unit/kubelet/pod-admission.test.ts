import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { pastActiveDeadline } from '../../../src/kubelet/active-deadline.js';
import { admitPod } from '../../../src/kubelet/pod-admission.js';
import { rejectedPodStatus } from '../../../src/kubelet/status/rejected-pod-status.js';

const node = { milliCpu: 2000n, memoryBytes: 1024n * 1024n * 1024n, pods: 3 };

function requesting(requests: Record<string, string>): Pod {
  return { spec: { containers: [{ name: 'c', image: 'i', resources: { requests } }] } };
}

function binding(hostPort: number, more: { hostIP?: string; protocol?: string } = {}): Pod {
  return {
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort, ...more }] }] },
  };
}

describe('kubelet admission', () => {
  test('a pod that fits beside the admitted ones is admitted', () => {
    assert.equal(admitPod(requesting({ cpu: '1' }), [requesting({ cpu: '500m' })], node), undefined);
  });

  test('cpu is checked in millicores against what the admitted pods request', () => {
    assert.deepEqual(admitPod(requesting({ cpu: '1600m' }), [requesting({ cpu: '500m' })], node), {
      reason: 'OutOfcpu',
      message: "Node didn't have enough resource: cpu, requested: 1600, used: 500, capacity: 2000",
    });
  });

  test('memory is checked in bytes', () => {
    assert.deepEqual(admitPod(requesting({ memory: '2Gi' }), [], node), {
      reason: 'OutOfmemory',
      message: `Node didn't have enough resource: memory, requested: ${2 * 1024 ** 3}, used: 0, capacity: ${1024 ** 3}`,
    });
  });

  test('the pod count comes first, and a pod without requests is refused only for it', () => {
    const full = [requesting({}), requesting({}), requesting({})];
    assert.equal(admitPod(requesting({ cpu: '100' }), full, node)?.reason, 'OutOfpods');
    assert.equal(admitPod(requesting({}), full.slice(1), node), undefined);
  });

  test('a pod wanting a host port an admitted pod holds is refused with NodePorts, in the kubelet words', () => {
    assert.deepEqual(admitPod(binding(8080), [binding(8080)], node), {
      reason: 'NodePorts',
      message: "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports",
    });
  });

  test('host ports clash only on the same port and protocol with overlapping host IPs', () => {
    assert.equal(admitPod(binding(8080), [binding(8081)], node), undefined);
    assert.equal(admitPod(binding(8080, { protocol: 'UDP' }), [binding(8080)], node), undefined);
    const onA = binding(8080, { hostIP: '10.0.0.1' });
    assert.equal(admitPod(onA, [binding(8080, { hostIP: '10.0.0.2' })], node), undefined);
    assert.equal(admitPod(onA, [binding(8080)], node)?.reason, 'NodePorts');
  });

  test('a resource shortage is reported before a host port clash, as AdmissionCheck orders them', () => {
    const full = [binding(8080), requesting({}), requesting({})];
    assert.equal(admitPod(binding(8080), full, node)?.reason, 'OutOfpods');
  });

  test('a rejected pod is Failed with the reason, keeps PodScheduled and has no container statuses', () => {
    const status = rejectedPodStatus(
      requesting({ cpu: '100' }),
      { reason: 'OutOfcpu', message: 'Pod was rejected: x' },
      {
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
      },
      new Date('2025-01-01T00:00:00Z'),
    );
    assert.deepEqual(status, {
      phase: 'Failed',
      reason: 'OutOfcpu',
      message: 'Pod was rejected: x',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
      qosClass: 'Burstable',
      startTime: '2025-01-01T00:00:00Z',
    });
  });
});

describe('activeDeadlineSeconds', () => {
  const pod: Pod = { spec: { activeDeadlineSeconds: 30, containers: [] } };
  const start = '2025-01-01T00:00:00Z';

  test('is not past before the deadline, nor without a startTime', () => {
    assert.equal(pastActiveDeadline(pod, start, new Date('2025-01-01T00:00:29Z')), undefined);
    assert.equal(pastActiveDeadline(pod, undefined, new Date('2025-01-01T01:00:00Z')), undefined);
  });

  test('is past once the pod has been active that long', () => {
    assert.deepEqual(pastActiveDeadline(pod, start, new Date('2025-01-01T00:00:30Z')), {
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
  });
});
