import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerState, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { summarizePod, type PodSummary } from '../../../../src/apiserver/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

interface PodShape {
  containers?: string[];
  init?: string[];
  sidecars?: string[];
  phase?: string;
  reason?: string;
  conditions?: PodCondition[];
  statuses?: ContainerStatus[];
  initStatuses?: ContainerStatus[];
  deleting?: boolean;
}

// Sidecars are restartable init containers, listed after the plain init containers.
function pod(shape: PodShape): Pod {
  return {
    metadata: {
      name: 'p',
      creationTimestamp: ago(600),
      ...(shape.deleting ? { deletionTimestamp: ago(0) } : {}),
    },
    spec: {
      containers: (shape.containers ?? ['app']).map((name) => ({ name, image: 'busybox' })),
      initContainers: [
        ...(shape.init ?? []).map((name) => ({ name, image: 'busybox' })),
        ...(shape.sidecars ?? []).map((name) => ({ name, image: 'busybox', restartPolicy: 'Always' })),
      ],
    },
    status: {
      phase: shape.phase ?? 'Running',
      ...(shape.reason ? { reason: shape.reason } : {}),
      conditions: shape.conditions ?? [],
      containerStatuses: shape.statuses ?? [],
      initContainerStatuses: shape.initStatuses ?? [],
    },
  };
}

interface StatusShape {
  ready?: boolean;
  started?: boolean;
  restarts?: number;
  lastFinished?: number;
}

function status(name: string, state: ContainerState, s: StatusShape = {}): ContainerStatus {
  return {
    name,
    image: 'busybox',
    imageID: '',
    ready: s.ready ?? false,
    restartCount: s.restarts ?? 0,
    state,
    ...(s.started !== undefined ? { started: s.started } : {}),
    ...(s.lastFinished !== undefined
      ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(s.lastFinished) } } }
      : {}),
  };
}

const running = (): ContainerState => ({ running: { startedAt: ago(60) } });
const waiting = (reason?: string): ContainerState => ({ waiting: reason ? { reason } : {} });
const exited = (exitCode: number, reason?: string, signal?: number): ContainerState => ({
  terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}) },
});
const condition = (type: string, value: boolean, reason?: string): PodCondition => ({
  type,
  status: value ? 'True' : 'False',
  ...(reason ? { reason } : {}),
});
const readyPod = [condition('Initialized', true), condition('Ready', true)];

const cases: [string, PodShape, PodSummary][] = [
  ['a pending pod without statuses shows its phase', { phase: 'Pending' }, s('0/1', 'Pending', '0')],
  [
    'a container being created shows ContainerCreating',
    { phase: 'Pending', statuses: [status('app', waiting('ContainerCreating'))] },
    s('0/1', 'ContainerCreating', '0'),
  ],
  [
    'a failed pull shows ErrImagePull',
    { phase: 'Pending', statuses: [status('app', waiting('ErrImagePull'))] },
    s('0/1', 'ErrImagePull', '0'),
  ],
  [
    'a pull in back-off shows ImagePullBackOff',
    { phase: 'Pending', statuses: [status('app', waiting('ImagePullBackOff'))] },
    s('0/1', 'ImagePullBackOff', '0'),
  ],
  [
    'the first of two pending init containers shows Init:0/2',
    {
      phase: 'Pending',
      init: ['i1', 'i2'],
      initStatuses: [status('i1', waiting('PodInitializing')), status('i2', waiting('PodInitializing'))],
      statuses: [status('app', waiting('PodInitializing'))],
    },
    s('0/1', 'Init:0/2', '0'),
  ],
  [
    'a running second init container shows Init:1/2',
    {
      phase: 'Pending',
      init: ['i1', 'i2'],
      initStatuses: [status('i1', exited(0, 'Completed')), status('i2', running())],
    },
    s('0/1', 'Init:1/2', '0'),
  ],
  [
    'a failed init container shows Init:Error',
    {
      phase: 'Pending',
      init: ['i1'],
      initStatuses: [status('i1', exited(1, 'Error'))],
      statuses: [status('app', waiting('PodInitializing'))],
    },
    s('0/1', 'Init:Error', '0'),
  ],
  [
    'an init container without a termination reason shows its exit code',
    { phase: 'Pending', init: ['i1'], initStatuses: [status('i1', exited(3))] },
    s('0/1', 'Init:ExitCode:3', '0'),
  ],
  [
    'an init container killed by a signal shows the signal',
    { phase: 'Pending', init: ['i1'], initStatuses: [status('i1', exited(137, undefined, 9))] },
    s('0/1', 'Init:Signal:9', '0'),
  ],
  [
    'a crash-looping init container shows Init:CrashLoopBackOff and its restarts',
    {
      phase: 'Pending',
      init: ['i1'],
      initStatuses: [status('i1', waiting('CrashLoopBackOff'), { restarts: 3, lastFinished: 30 })],
      statuses: [status('app', waiting('PodInitializing'))],
    },
    s('0/1', 'Init:CrashLoopBackOff', '3 (30s ago)'),
  ],
  [
    'containers waiting after the init containers show PodInitializing',
    {
      phase: 'Pending',
      init: ['i1'],
      conditions: [condition('Initialized', true)],
      initStatuses: [status('i1', exited(0, 'Completed'))],
      statuses: [status('app', waiting('PodInitializing'))],
    },
    s('0/1', 'PodInitializing', '0'),
  ],
  [
    'a ready running pod shows Running',
    { conditions: readyPod, statuses: [status('app', running(), { ready: true })] },
    s('1/1', 'Running', '0'),
  ],
  [
    'a running container that is not ready counts as not ready',
    { statuses: [status('app', running())] },
    s('0/1', 'Running', '0'),
  ],
  [
    'a started sidecar counts in READY and RESTARTS, finished init restarts do not',
    {
      init: ['setup'],
      sidecars: ['proxy'],
      conditions: readyPod,
      initStatuses: [
        status('setup', exited(0, 'Completed'), { restarts: 4, lastFinished: 10 }),
        status('proxy', running(), { ready: true, started: true, restarts: 2, lastFinished: 300 }),
      ],
      statuses: [status('app', running(), { ready: true, restarts: 1, lastFinished: 3600 })],
    },
    s('2/2', 'Running', '3 (5m ago)'),
  ],
  [
    'a sidecar that has not started yet holds the pod in Init',
    {
      phase: 'Pending',
      sidecars: ['proxy'],
      initStatuses: [status('proxy', running(), { started: false })],
      statuses: [status('app', waiting('PodInitializing'))],
    },
    s('0/2', 'Init:0/1', '0'),
  ],
  [
    'plain init containers do not count in READY',
    {
      init: ['setup'],
      conditions: readyPod,
      initStatuses: [status('setup', exited(0, 'Completed'))],
      statuses: [status('app', running(), { ready: true })],
    },
    s('1/1', 'Running', '0'),
  ],
  [
    'a pod whose containers exited 0 shows Completed',
    { phase: 'Succeeded', statuses: [status('app', exited(0, 'Completed'))] },
    s('0/1', 'Completed', '0'),
  ],
  [
    'a container that exited non-zero shows Error',
    { phase: 'Failed', statuses: [status('app', exited(1, 'Error'))] },
    s('0/1', 'Error', '0'),
  ],
  [
    'a container killed for memory shows OOMKilled',
    { phase: 'Failed', statuses: [status('app', exited(137, 'OOMKilled'))] },
    s('0/1', 'OOMKilled', '0'),
  ],
  [
    'a container terminated without a reason shows ExitCode:N',
    { phase: 'Failed', statuses: [status('app', exited(2))] },
    s('0/1', 'ExitCode:2', '0'),
  ],
  [
    'a container terminated by a signal without a reason shows Signal:N',
    { phase: 'Failed', statuses: [status('app', exited(143, undefined, 15))] },
    s('0/1', 'Signal:15', '0'),
  ],
  [
    'a completed container beside a running one in a ready pod shows Running',
    {
      conditions: readyPod,
      containers: ['a', 'b'],
      statuses: [status('a', exited(0, 'Completed')), status('b', running(), { ready: true })],
    },
    s('1/2', 'Running', '0'),
  ],
  [
    'a completed container beside a running one in a pod that is not ready shows NotReady',
    {
      containers: ['a', 'b'],
      statuses: [status('a', exited(0, 'Completed')), status('b', running(), { ready: true })],
    },
    s('1/2', 'NotReady', '0'),
  ],
  [
    'a failed container wins over a completed one that sorts first',
    {
      phase: 'Failed',
      containers: ['a', 'b'],
      statuses: [status('a', exited(0, 'Completed')), status('b', exited(1, 'Error'))],
    },
    s('0/2', 'Error', '0'),
  ],
  [
    'the alphabetically first container with a reason names the status',
    {
      containers: ['a', 'b'],
      statuses: [status('a', waiting('CrashLoopBackOff')), status('b', waiting('ImagePullBackOff'))],
    },
    s('0/2', 'CrashLoopBackOff', '0'),
  ],
  [
    'a crash-looping container shows CrashLoopBackOff and when it last restarted',
    { statuses: [status('app', waiting('CrashLoopBackOff'), { restarts: 5, lastFinished: 123 })] },
    s('0/1', 'CrashLoopBackOff', '5 (2m3s ago)'),
  ],
  [
    'restarts without a last termination time show the count alone',
    { conditions: readyPod, statuses: [status('app', running(), { ready: true, restarts: 2 })] },
    s('1/1', 'Running', '2'),
  ],
  [
    'restarts add up over containers and show the newest termination',
    {
      conditions: readyPod,
      containers: ['a', 'b'],
      statuses: [
        status('a', running(), { ready: true, restarts: 1, lastFinished: 7200 }),
        status('b', running(), { ready: true, restarts: 2, lastFinished: 45 }),
      ],
    },
    s('2/2', 'Running', '3 (45s ago)'),
  ],
  [
    'a pod being deleted shows Terminating',
    { deleting: true, conditions: readyPod, statuses: [status('app', running(), { ready: true })] },
    s('1/1', 'Terminating', '0'),
  ],
  [
    'a finished pod being deleted keeps its final status',
    { deleting: true, phase: 'Succeeded', statuses: [status('app', exited(0, 'Completed'))] },
    s('0/1', 'Completed', '0'),
  ],
  [
    'a pod on a lost node being deleted shows Unknown',
    { deleting: true, reason: 'NodeLost', statuses: [status('app', running(), { ready: true })] },
    s('1/1', 'Unknown', '0'),
  ],
  [
    'an evicted pod without container reasons shows Evicted',
    { phase: 'Failed', reason: 'Evicted' },
    s('0/1', 'Evicted', '0'),
  ],
  [
    'an evicted pod shows the container reason once there is one',
    {
      phase: 'Failed',
      reason: 'Evicted',
      statuses: [status('app', exited(137, 'ContainerStatusUnknown'))],
    },
    s('0/1', 'ContainerStatusUnknown', '0'),
  ],
  [
    'a pod with scheduling gates shows SchedulingGated',
    { phase: 'Pending', conditions: [condition('PodScheduled', false, 'SchedulingGated')] },
    s('0/1', 'SchedulingGated', '0'),
  ],
];

function s(ready: string, statusText: string, restarts: string): PodSummary {
  return { ready, status: statusText, restarts };
}

describe('summarizePod (READY / STATUS / RESTARTS)', () => {
  for (const [name, shape, expected] of cases) {
    test(name, () => {
      assert.deepEqual(summarizePod(pod(shape), NOW), expected);
    });
  }

  test('a pod without spec or status still prints', () => {
    assert.deepEqual(summarizePod({ metadata: { name: 'bare' } }, NOW), s('0/0', '', '0'));
  });
});
