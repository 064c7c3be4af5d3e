import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { computePodStatus } from '../../../../src/kubelet/status/pod-status.js';
import { c, factsOf, instance, NOW, podOf, runtimeOf, sandbox, sidecar } from './fixtures.js';

const EARLIER = '2025-01-01T08:00:00Z';
const NOW_TEXT = '2025-01-01T10:00:00Z';

function condition(status: PodStatus, type: string): PodCondition {
  const found = status.conditions?.find((x) => x.type === type);
  assert.ok(found, `no ${type} condition`);
  return found;
}

const probe = { exec: { command: ['true'] } };

describe('pod conditions', () => {
  test('come in the order a kubelet writes them', () => {
    const status = computePodStatus(
      podOf([c('a')]),
      runtimeOf([instance('a', 'running', 1)]),
      factsOf(),
      undefined,
      NOW,
    );
    assert.deepEqual(
      status.conditions?.map((x) => x.type),
      ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'],
    );
  });

  test('are all True for a running pod without probes', () => {
    const status = computePodStatus(
      podOf([c('a')]),
      runtimeOf([instance('a', 'running', 1)]),
      factsOf(),
      undefined,
      NOW,
    );
    for (const x of status.conditions ?? []) {
      assert.deepEqual(x, { type: x.type, status: 'True', lastTransitionTime: NOW_TEXT });
    }
  });

  test('PodReadyToStartContainers is False without a ready sandbox', () => {
    const none = computePodStatus(podOf([c('a')]), runtimeOf([], []), factsOf(), undefined, NOW);
    assert.equal(condition(none, 'PodReadyToStartContainers').status, 'False');
    const dead = computePodStatus(
      podOf([c('a')]),
      runtimeOf([], [sandbox('sb1', 'notready')]),
      factsOf(),
      undefined,
      NOW,
    );
    assert.equal(condition(dead, 'PodReadyToStartContainers').status, 'False');
  });

  test('ContainersReady and Ready name the unready containers as upstream does', () => {
    const pod = podOf([c('b'), c('a'), c('ok')]);
    const status = computePodStatus(
      pod,
      runtimeOf([instance('ok', 'running', 1)]),
      factsOf(),
      undefined,
      NOW,
    );
    const expected = {
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [b a]',
      lastTransitionTime: NOW_TEXT,
    };
    assert.deepEqual(condition(status, 'ContainersReady'), { type: 'ContainersReady', ...expected });
    assert.deepEqual(condition(status, 'Ready'), { type: 'Ready', ...expected });
  });

  test('a container with a readiness probe is not ready until the probe passes', () => {
    const pod = podOf([c('a', { readinessProbe: probe })]);
    const runtime = runtimeOf([instance('a', 'running', 1)]);
    const before = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    assert.equal(condition(before, 'Ready').status, 'False');
    assert.equal(before.containerStatuses?.[0]?.ready, false);
    const after = computePodStatus(
      pod,
      runtime,
      factsOf({ readiness: new Map([['a', true]]) }),
      undefined,
      NOW,
    );
    assert.equal(condition(after, 'Ready').status, 'True');
    const failing = computePodStatus(
      pod,
      runtime,
      factsOf({ readiness: new Map([['a', false]]) }),
      undefined,
      NOW,
    );
    assert.equal(condition(failing, 'Ready').status, 'False');
  });

  test('a container with a startup probe is neither started nor ready until it passes', () => {
    const pod = podOf([c('a', { startupProbe: probe })]);
    const runtime = runtimeOf([instance('a', 'running', 1)]);
    const before = computePodStatus(pod, runtime, factsOf(), undefined, NOW).containerStatuses?.[0];
    assert.deepEqual([before?.started, before?.ready], [false, false]);
    const facts = factsOf({ started: new Map([['a', true]]) });
    const after = computePodStatus(pod, runtime, facts, undefined, NOW).containerStatuses?.[0];
    assert.deepEqual([after?.started, after?.ready], [true, true]);
  });

  test('an unready sidecar keeps ContainersReady False', () => {
    const pod = podOf([c('a')], { initContainers: [sidecar('s', { readinessProbe: probe })] });
    const runtime = runtimeOf([
      instance('s', 'running', 1, { kind: 'sidecar' }),
      instance('a', 'running', 2),
    ]);
    const status = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    assert.equal(condition(status, 'ContainersReady').message, 'containers with unready status: [s]');
    assert.equal(condition(status, 'Initialized').status, 'True');
  });

  test('Initialized is False with the incomplete init containers while one runs', () => {
    const pod = podOf([c('a')], { initContainers: [c('i1'), c('i2')] });
    const runtime = runtimeOf([instance('i1', 'running', 1, { kind: 'init' })]);
    const status = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    assert.deepEqual(condition(status, 'Initialized'), {
      type: 'Initialized',
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [i1 i2]',
      lastTransitionTime: NOW_TEXT,
    });
  });

  test('a Succeeded pod reports PodCompleted', () => {
    const pod = podOf([c('a')], { initContainers: [c('i')], restartPolicy: 'Never' });
    const runtime = runtimeOf([instance('i', 'exited', 1, { kind: 'init' }), instance('a', 'exited', 3)]);
    const status = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    assert.equal(status.phase, 'Succeeded');
    assert.deepEqual(
      ['Initialized', 'Ready', 'ContainersReady'].map((t) => [
        condition(status, t).status,
        condition(status, t).reason,
      ]),
      [
        ['True', 'PodCompleted'],
        ['False', 'PodCompleted'],
        ['False', 'PodCompleted'],
      ],
    );
  });

  test('a Failed pod reports PodFailed on Ready and ContainersReady', () => {
    const pod = podOf([c('a')], { restartPolicy: 'Never' });
    const status = computePodStatus(
      pod,
      runtimeOf([instance('a', 'exited', 1, { exitCode: 3 })]),
      factsOf(),
      undefined,
      NOW,
    );
    assert.equal(condition(status, 'Ready').reason, 'PodFailed');
    assert.equal(condition(status, 'ContainersReady').reason, 'PodFailed');
  });

  test('keep their transition time while the status stays and take the new time when it flips', () => {
    const previous: PodStatus = {
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: EARLIER },
        { type: 'Ready', status: 'True', lastTransitionTime: EARLIER },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: EARLIER },
      ],
    };
    const status = computePodStatus(podOf([c('a')]), runtimeOf([]), factsOf(), previous, NOW);
    assert.equal(condition(status, 'Initialized').lastTransitionTime, EARLIER);
    assert.equal(condition(status, 'PodScheduled').lastTransitionTime, EARLIER);
    assert.equal(condition(status, 'Ready').status, 'False');
    assert.equal(condition(status, 'Ready').lastTransitionTime, NOW_TEXT);
  });

  test('PodScheduled and conditions set by others are kept as they were', () => {
    const gated: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'SchedulingGated',
      lastTransitionTime: EARLIER,
    };
    const disruption: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'TerminationByKubelet',
    };
    const status = computePodStatus(
      podOf([c('a')]),
      runtimeOf([]),
      factsOf(),
      { conditions: [disruption, gated] },
      NOW,
    );
    assert.deepEqual(status.conditions?.slice(4), [gated, disruption]);
  });

  test('Ready waits for the readiness gates', () => {
    const pod = podOf([c('a')]);
    pod.spec = {
      ...pod.spec,
      containers: [c('a')],
      readinessGates: [{ conditionType: 'x/one' }, { conditionType: 'x/two' }],
    };
    const previous: PodStatus = { conditions: [{ type: 'x/two', status: 'False' }] };
    const status = computePodStatus(pod, runtimeOf([instance('a', 'running', 1)]), factsOf(), previous, NOW);
    assert.equal(condition(status, 'ContainersReady').status, 'True');
    assert.deepEqual(condition(status, 'Ready'), {
      type: 'Ready',
      status: 'False',
      reason: 'ReadinessGatesNotReady',
      message:
        'corresponding condition of pod readiness gate "x/one" does not exist., the status of pod readiness gate "x/two" is not "True", but False',
      lastTransitionTime: NOW_TEXT,
    });
  });
});
