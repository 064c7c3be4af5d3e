import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodStatus } from 'kubernetes-types/core/v1.js';
import {
  computePodStatus,
  isPodTerminal,
  podStatusEqual,
} from '../../../../src/kubelet/status/pod-status.js';
import { terminatedPodStatus } from '../../../../src/kubelet/status/terminated-pod-status.js';
import { c, factsOf, instance, NOW, podOf, runtimeOf, sandbox, sidecar } from './fixtures.js';

describe('pod status', () => {
  test('carries the QoS class, host and pod addresses', () => {
    const pod = podOf([c('a', { resources: { limits: { cpu: '1', memory: '1Gi' } } })]);
    const status = computePodStatus(pod, runtimeOf([instance('a', 'running', 1)]), factsOf(), undefined, NOW);
    assert.equal(status.qosClass, 'Guaranteed');
    assert.equal(status.hostIP, '192.168.1.10');
    assert.deepEqual(status.hostIPs, [{ ip: '192.168.1.10' }]);
    assert.equal(status.podIP, '10.88.0.5');
    assert.deepEqual(status.podIPs, [{ ip: '10.88.0.5' }]);
  });

  test('gives a hostNetwork pod the node address and keeps a finished pod its old IP', () => {
    const host = podOf([c('a')]);
    host.spec = { ...host.spec, containers: [c('a')], hostNetwork: true };
    const hostStatus = computePodStatus(host, runtimeOf([]), factsOf({ podIPs: [] }), undefined, NOW);
    assert.equal(hostStatus.podIP, '192.168.1.10');
    const previous: PodStatus = { podIP: '10.88.0.9', podIPs: [{ ip: '10.88.0.9' }] };
    const gone = computePodStatus(podOf([c('a')]), runtimeOf([], []), factsOf({ podIPs: [] }), previous, NOW);
    assert.deepEqual(gone.podIPs, [{ ip: '10.88.0.9' }]);
  });

  test('takes startTime from the previous status, else the first sandbox, else now', () => {
    const pod = podOf([c('a')]);
    const kept = computePodStatus(pod, runtimeOf([]), factsOf(), { startTime: '2024-12-31T00:00:00Z' }, NOW);
    assert.equal(kept.startTime, '2024-12-31T00:00:00Z');
    const sandboxes = [
      sandbox('new', 'ready', '2025-01-01T09:30:00Z'),
      sandbox('old', 'notready', '2025-01-01T09:10:00Z'),
    ];
    const fromSandbox = computePodStatus(pod, runtimeOf([], sandboxes), factsOf(), undefined, NOW);
    assert.equal(fromSandbox.startTime, '2025-01-01T09:10:00Z');
    const fresh = computePodStatus(pod, runtimeOf([], []), factsOf(), undefined, NOW);
    assert.equal(fresh.startTime, '2025-01-01T10:00:00Z');
  });

  test('is stable: recomputing from its own result at a later time changes nothing', () => {
    const pod = podOf([c('a')], { initContainers: [c('i'), sidecar('s')] });
    const runtime = runtimeOf([
      instance('i', 'exited', 1, { kind: 'init' }),
      instance('s', 'running', 2, { kind: 'sidecar' }),
      instance('a', 'exited', 3, { exitCode: 1 }),
      instance('a', 'running', 5, { attempt: 1 }),
    ]);
    const first = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    const second = computePodStatus(pod, runtime, factsOf(), first, new Date('2025-01-01T11:00:00Z'));
    assert.ok(podStatusEqual(first, second));
  });

  test('podStatusEqual ignores key order and undefined members but sees any other change', () => {
    const a: PodStatus = {
      phase: 'Running',
      podIP: '10.0.0.1',
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    // A status built with spreads can hold undefined members, which do not serialise.
    const b = {
      conditions: [{ status: 'True', type: 'Ready' }],
      podIP: '10.0.0.1',
      phase: 'Running',
      reason: undefined,
    } as unknown as PodStatus;
    assert.ok(podStatusEqual(a, b));
    assert.ok(!podStatusEqual(a, { ...a, conditions: [{ type: 'Ready', status: 'False' }] }));
    assert.ok(!podStatusEqual(a, { ...a, conditions: [] }));
    assert.ok(!podStatusEqual(a, undefined));
  });

  test('isPodTerminal is true only for Succeeded and Failed', () => {
    assert.deepEqual(
      ['Pending', 'Running', 'Succeeded', 'Failed', undefined].map((phase) =>
        isPodTerminal(phase ? { phase } : undefined),
      ),
      [false, false, true, true, false],
    );
  });
});

describe('terminated pod status', () => {
  test('marks containers without a terminated state as ContainerStatusUnknown and fails a Running pod', () => {
    const pod = podOf([c('a'), c('b')]);
    const status = computePodStatus(
      pod,
      runtimeOf([instance('a', 'running', 1), instance('b', 'exited', 1)]),
      factsOf(),
      undefined,
      NOW,
    );
    const final = terminatedPodStatus(pod, status);
    assert.equal(final.phase, 'Failed');
    assert.deepEqual(final.containerStatuses?.find((s) => s.name === 'a')?.state, {
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        message: 'The container could not be located when the pod was terminated',
      },
    });
    assert.equal(
      final.containerStatuses?.find((s) => s.name === 'b')?.state?.terminated?.reason,
      'Completed',
    );
    assert.equal(status.phase, 'Running', 'the input is not changed');
  });

  test('keeps a terminal phase and leaves containers of an uninitialized pod waiting', () => {
    const pod = podOf([c('a')], { initContainers: [c('i1'), c('i2')], restartPolicy: 'Never' });
    const runtime = runtimeOf([instance('i1', 'exited', 1, { kind: 'init', exitCode: 1 })]);
    const status = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    const final = terminatedPodStatus(pod, status);
    assert.equal(final.phase, 'Failed');
    assert.deepEqual(final.containerStatuses?.[0]?.state, { waiting: { reason: 'PodInitializing' } });
    assert.deepEqual(final.initContainerStatuses?.[1]?.state, { waiting: { reason: 'PodInitializing' } });
    assert.equal(final.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Error');
  });
});
