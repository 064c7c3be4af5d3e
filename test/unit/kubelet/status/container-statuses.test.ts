import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, PodStatus } from 'kubernetes-types/core/v1.js';
import { computePodStatus } from '../../../../src/kubelet/status/pod-status.js';
import { c, factsOf, instance, NOW, podOf, runtimeOf, sidecar } from './fixtures.js';

function byName(statuses: ContainerStatus[] | undefined, name: string): ContainerStatus {
  const s = statuses?.find((x) => x.name === name);
  assert.ok(s, `no status for ${name}`);
  return s;
}

describe('container states', () => {
  test('a container not created yet waits with ContainerCreating in a pod without init containers', () => {
    const status = computePodStatus(podOf([c('a')]), runtimeOf([]), factsOf(), undefined, NOW);
    assert.deepEqual(byName(status.containerStatuses, 'a'), {
      name: 'a',
      image: 'busybox',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    });
  });

  test('init and regular containers not created yet wait with PodInitializing in a pod with init containers', () => {
    const pod = podOf([c('a')], { initContainers: [c('i')] });
    const status = computePodStatus(pod, runtimeOf([]), factsOf(), undefined, NOW);
    assert.deepEqual(byName(status.initContainerStatuses, 'i').state, {
      waiting: { reason: 'PodInitializing' },
    });
    assert.deepEqual(byName(status.containerStatuses, 'a').state, { waiting: { reason: 'PodInitializing' } });
  });

  test('a failed image pull shows as ErrImagePull with its message', () => {
    const facts = factsOf({ waiting: new Map([['a', { reason: 'ErrImagePull', message: 'not found' }]]) });
    const status = computePodStatus(podOf([c('a')]), runtimeOf([]), facts, undefined, NOW);
    assert.deepEqual(byName(status.containerStatuses, 'a').state, {
      waiting: { reason: 'ErrImagePull', message: 'not found' },
    });
  });

  test('a container created but not started waits with no reason', () => {
    const status = computePodStatus(
      podOf([c('a')]),
      runtimeOf([instance('a', 'created', 1)]),
      factsOf(),
      undefined,
      NOW,
    );
    assert.deepEqual(byName(status.containerStatuses, 'a').state, { waiting: {} });
  });

  test('a running container carries its start time, runc:// container ID and image ID', () => {
    const status = computePodStatus(
      podOf([c('a')]),
      runtimeOf([instance('a', 'running', 3)]),
      factsOf(),
      undefined,
      NOW,
    );
    const a = byName(status.containerStatuses, 'a');
    assert.deepEqual(a.state, { running: { startedAt: '2025-01-01T09:03:00Z' } });
    assert.equal(a.containerID, 'runc://a-0');
    assert.equal(a.imageID, 'sha256:abc');
    assert.equal(a.image, 'busybox');
    assert.equal(a.ready, true);
    assert.equal(a.started, true);
  });

  test('the image store names replace the spec image and the image ID when known', () => {
    const images = new Map([
      [
        'sha256:abc',
        { repoTag: 'docker.io/library/busybox:latest', repoDigest: 'docker.io/library/busybox@sha256:def' },
      ],
    ]);
    const runtime = runtimeOf([instance('a', 'running', 3)]);
    const a = byName(
      computePodStatus(podOf([c('a')]), runtime, factsOf({ images }), undefined, NOW).containerStatuses,
      'a',
    );
    assert.equal(a.image, 'docker.io/library/busybox:latest');
    assert.equal(a.imageID, 'docker.io/library/busybox@sha256:def');
  });

  for (const [exitCode, oomKilled, reason] of [
    [0, false, 'Completed'],
    [1, false, 'Error'],
    [137, true, 'OOMKilled'],
  ] as const) {
    test(`a container that exited ${exitCode}${oomKilled ? ' after an OOM kill' : ''} is terminated with ${reason}`, () => {
      const pod = podOf([c('a')], { restartPolicy: 'Never' });
      const runtime = runtimeOf([instance('a', 'exited', 3, { exitCode, oomKilled })]);
      const facts = factsOf({ terminationMessages: new Map([['a-0', 'bye']]) });
      const a = byName(computePodStatus(pod, runtime, facts, undefined, NOW).containerStatuses, 'a');
      assert.deepEqual(a.state, {
        terminated: {
          exitCode,
          reason,
          message: 'bye',
          startedAt: '2025-01-01T09:03:00Z',
          finishedAt: '2025-01-01T09:04:00Z',
          containerID: 'runc://a-0',
        },
      });
      assert.equal(a.ready, false);
    });
  }

  test('a container in back-off waits with CrashLoopBackOff and shows its last exit in lastState', () => {
    const runtime = runtimeOf([
      instance('a', 'exited', 1, { exitCode: 1, attempt: 0 }),
      instance('a', 'exited', 3, { exitCode: 2, attempt: 1 }),
    ]);
    const message = 'back-off 10s restarting failed container=a pod=p_default(uid-1)';
    const facts = factsOf({ waiting: new Map([['a', { reason: 'CrashLoopBackOff', message }]]) });
    const a = byName(
      computePodStatus(podOf([c('a')]), runtime, facts, undefined, NOW).containerStatuses,
      'a',
    );
    assert.deepEqual(a.state, { waiting: { reason: 'CrashLoopBackOff', message } });
    assert.equal(a.lastState?.terminated?.exitCode, 2);
    assert.equal(a.lastState?.terminated?.containerID, 'runc://a-1');
    assert.equal(a.restartCount, 1);
  });

  test('a restarted container counts its restarts and shows the previous instance in lastState', () => {
    const runtime = runtimeOf([
      instance('a', 'exited', 1, { exitCode: 1, attempt: 1 }),
      instance('a', 'running', 3, { attempt: 2 }),
    ]);
    const a = byName(
      computePodStatus(podOf([c('a')]), runtime, factsOf(), undefined, NOW).containerStatuses,
      'a',
    );
    assert.equal(a.restartCount, 2);
    assert.ok(a.state?.running);
    assert.equal(a.lastState?.terminated?.reason, 'Error');
    assert.equal(a.lastState?.terminated?.finishedAt, '2025-01-01T09:02:00Z');
  });

  test('a stale waiting reason does not hide a running container', () => {
    const facts = factsOf({ waiting: new Map([['a', { reason: 'CrashLoopBackOff' }]]) });
    const runtime = runtimeOf([instance('a', 'running', 3)]);
    const a = byName(
      computePodStatus(podOf([c('a')]), runtime, facts, undefined, NOW).containerStatuses,
      'a',
    );
    assert.ok(a.state?.running);
  });

  test('a container that will not restart keeps its terminated state over a waiting reason', () => {
    const facts = factsOf({ waiting: new Map([['a', { reason: 'CrashLoopBackOff' }]]) });
    const pod = podOf([c('a')], { restartPolicy: 'Never' });
    const runtime = runtimeOf([instance('a', 'exited', 3, { exitCode: 1 })]);
    const a = byName(computePodStatus(pod, runtime, facts, undefined, NOW).containerStatuses, 'a');
    assert.equal(a.state?.terminated?.reason, 'Error');
  });

  test('a container that was running and vanished shows ContainerStatusUnknown in lastState and one more restart', () => {
    const previous: PodStatus = {
      containerStatuses: [
        {
          name: 'a',
          image: 'busybox',
          imageID: 'sha256:abc',
          ready: true,
          restartCount: 3,
          state: { running: { startedAt: '2025-01-01T09:00:00Z' } },
        },
      ],
    };
    const a = byName(
      computePodStatus(podOf([c('a')]), runtimeOf([]), factsOf(), previous, NOW).containerStatuses,
      'a',
    );
    assert.deepEqual(a.state, { waiting: { reason: 'ContainerCreating' } });
    assert.deepEqual(a.lastState, {
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        message:
          'The container could not be located when the pod was deleted.  The container used to be Running',
      },
    });
    assert.equal(a.restartCount, 4);
  });

  test('a running container whose runtime state became unknown is reported lost, with one more restart', () => {
    const previous: PodStatus = {
      containerStatuses: [
        {
          name: 'a',
          image: 'busybox',
          imageID: 'sha256:abc',
          ready: true,
          restartCount: 1,
          state: { running: { startedAt: '2025-01-01T09:00:00Z' } },
        },
      ],
    };
    const runtime = runtimeOf([instance('a', 'unknown', 1, { attempt: 1 })]);
    const a = byName(
      computePodStatus(podOf([c('a')]), runtime, factsOf(), previous, NOW).containerStatuses,
      'a',
    );
    assert.deepEqual(a.state, {
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        message: 'The container could not be located when the pod was terminated',
      },
    });
    assert.equal(a.restartCount, 2);
  });

  test('a terminated container the runtime no longer has keeps its previous status', () => {
    const terminated: ContainerStatus = {
      name: 'a',
      image: 'busybox',
      imageID: 'sha256:abc',
      containerID: 'runc://gone',
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', containerID: 'runc://gone' } },
      lastState: {},
    };
    const pod = podOf([c('a')], { restartPolicy: 'Never' });
    const status = computePodStatus(
      pod,
      runtimeOf([], []),
      factsOf(),
      { containerStatuses: [terminated] },
      NOW,
    );
    assert.deepEqual(byName(status.containerStatuses, 'a'), { ...terminated, started: false });
    assert.equal(status.phase, 'Succeeded');
  });

  test('an init container the runtime lost once regular containers exist is reported Completed', () => {
    const pod = podOf([c('a')], { initContainers: [c('i')] });
    const status = computePodStatus(pod, runtimeOf([instance('a', 'running', 3)]), factsOf(), undefined, NOW);
    const i = byName(status.initContainerStatuses, 'i');
    assert.equal(i.state?.terminated?.reason, 'Completed');
    assert.equal(i.state?.terminated?.exitCode, 0);
    assert.equal(i.ready, true);
  });

  test('regular statuses are sorted by name and init statuses keep spec order', () => {
    const pod = podOf([c('zeta'), c('alpha'), c('mid')], { initContainers: [c('second'), c('first')] });
    const status = computePodStatus(pod, runtimeOf([]), factsOf(), undefined, NOW);
    assert.deepEqual(
      status.containerStatuses?.map((s) => s.name),
      ['alpha', 'mid', 'zeta'],
    );
    assert.deepEqual(
      status.initContainerStatuses?.map((s) => s.name),
      ['second', 'first'],
    );
  });

  test('a completed init container is ready but not started; a running sidecar is both', () => {
    const pod = podOf([c('a')], { initContainers: [c('i'), sidecar('s')] });
    const runtime = runtimeOf([
      instance('i', 'exited', 1, { kind: 'init' }),
      instance('s', 'running', 3, { kind: 'sidecar' }),
    ]);
    const status = computePodStatus(pod, runtime, factsOf(), undefined, NOW);
    const i = byName(status.initContainerStatuses, 'i');
    const s = byName(status.initContainerStatuses, 's');
    assert.deepEqual([i.ready, i.started], [true, false]);
    assert.deepEqual([s.ready, s.started], [true, true]);
  });

  test('ephemeral containers get statuses without started', () => {
    const pod = podOf([c('a')]);
    pod.spec!.ephemeralContainers = [{ name: 'debug', image: 'busybox' }];
    const status = computePodStatus(pod, runtimeOf([]), factsOf(), undefined, NOW);
    const d = byName(status.ephemeralContainerStatuses, 'debug');
    assert.deepEqual(d.state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(d.started, undefined);
  });
});
