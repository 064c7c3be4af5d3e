import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { computePodStatus } from '../../../../src/kubelet/status/pod-status.js';
import type { KubeletPodFacts } from '../../../../src/kubelet/status/facts.js';
import type { PodRuntimeState } from '../../../../src/runtime/runtime.js';
import { c, factsOf, instance, NOW, podOf, runtimeOf, sidecar } from './fixtures.js';

interface PhaseCase {
  name: string;
  pod: Pod;
  runtime: PodRuntimeState;
  facts?: KubeletPodFacts;
  previous?: PodStatus;
  phase: string;
}

const crashLoop = factsOf({
  waiting: new Map([['i', { reason: 'CrashLoopBackOff', message: 'back-off 10s' }]]),
});

const cases: PhaseCase[] = [
  {
    name: 'a pod the runtime knows nothing of is Pending',
    pod: podOf([c('a')]),
    runtime: runtimeOf([], []),
    phase: 'Pending',
  },
  {
    name: 'a pod whose containers all run is Running',
    pod: podOf([c('a'), c('b')]),
    runtime: runtimeOf([instance('a', 'running', 1), instance('b', 'running', 1)]),
    phase: 'Running',
  },
  {
    name: 'a pod with one container not created yet is Pending',
    pod: podOf([c('a'), c('b')]),
    runtime: runtimeOf([instance('a', 'running', 1)]),
    phase: 'Pending',
  },
  {
    name: 'a running init container keeps the pod Pending',
    pod: podOf([c('a')], { initContainers: [c('i')] }),
    runtime: runtimeOf([instance('i', 'running', 1, { kind: 'init' })]),
    phase: 'Pending',
  },
  {
    name: 'a failed init container with restartPolicy Never fails the pod',
    pod: podOf([c('a')], { initContainers: [c('i')], restartPolicy: 'Never' }),
    runtime: runtimeOf([instance('i', 'exited', 1, { kind: 'init', exitCode: 1 })]),
    phase: 'Failed',
  },
  {
    name: 'a failed init container in back-off with restartPolicy OnFailure keeps the pod Pending',
    pod: podOf([c('a')], { initContainers: [c('i')], restartPolicy: 'OnFailure' }),
    runtime: runtimeOf([instance('i', 'exited', 1, { kind: 'init', exitCode: 1 })]),
    facts: crashLoop,
    phase: 'Pending',
  },
  {
    name: 'a failed init container with restartPolicy Always keeps the pod Pending',
    pod: podOf([c('a')], { initContainers: [c('i')] }),
    runtime: runtimeOf([instance('i', 'exited', 1, { kind: 'init', exitCode: 2 })]),
    phase: 'Pending',
  },
  {
    name: 'a container that exited 0 with restartPolicy Never makes the pod Succeeded',
    pod: podOf([c('a')], { restartPolicy: 'Never' }),
    runtime: runtimeOf([instance('a', 'exited', 1)]),
    phase: 'Succeeded',
  },
  {
    name: 'a container that exited 1 with restartPolicy Never makes the pod Failed',
    pod: podOf([c('a')], { restartPolicy: 'Never' }),
    runtime: runtimeOf([instance('a', 'exited', 1, { exitCode: 1 })]),
    phase: 'Failed',
  },
  {
    name: 'a container that exited 1 with restartPolicy OnFailure leaves the pod Running',
    pod: podOf([c('a')], { restartPolicy: 'OnFailure' }),
    runtime: runtimeOf([instance('a', 'exited', 1, { exitCode: 1 })]),
    phase: 'Running',
  },
  {
    name: 'a container that exited 0 with restartPolicy OnFailure makes the pod Succeeded',
    pod: podOf([c('a')], { restartPolicy: 'OnFailure' }),
    runtime: runtimeOf([instance('a', 'exited', 1)]),
    phase: 'Succeeded',
  },
  {
    name: 'a container that exited 0 with restartPolicy Always leaves the pod Running',
    pod: podOf([c('a')]),
    runtime: runtimeOf([instance('a', 'exited', 1)]),
    phase: 'Running',
  },
  {
    name: 'a container in CrashLoopBackOff with restartPolicy Always leaves the pod Running',
    pod: podOf([c('a')]),
    runtime: runtimeOf([instance('a', 'exited', 1, { exitCode: 1 })]),
    facts: factsOf({ waiting: new Map([['a', { reason: 'CrashLoopBackOff' }]]) }),
    phase: 'Running',
  },
  {
    name: 'one finished and one running container leave the pod Running',
    pod: podOf([c('a'), c('b')], { restartPolicy: 'Never' }),
    runtime: runtimeOf([instance('a', 'exited', 1), instance('b', 'running', 1)]),
    phase: 'Running',
  },
  {
    name: 'a sidecar still running after the regular container succeeded keeps the pod Running until it is stopped',
    pod: podOf([c('a')], { initContainers: [sidecar('s')], restartPolicy: 'Never' }),
    runtime: runtimeOf([instance('s', 'running', 1, { kind: 'sidecar' }), instance('a', 'exited', 2)]),
    phase: 'Running',
  },
  {
    name: 'a sidecar stopped with 143 after the regular container succeeded leaves the pod Succeeded',
    pod: podOf([c('a')], { initContainers: [sidecar('s')], restartPolicy: 'Never' }),
    runtime: runtimeOf([
      instance('s', 'exited', 5, { kind: 'sidecar', exitCode: 143 }),
      instance('a', 'exited', 2),
    ]),
    phase: 'Succeeded',
  },
  {
    name: 'a sidecar whose startup probe has not passed keeps the pod Pending',
    pod: podOf([c('a')], {
      initContainers: [sidecar('s', { startupProbe: { exec: { command: ['true'] } } })],
    }),
    runtime: runtimeOf([instance('s', 'running', 1, { kind: 'sidecar' })]),
    phase: 'Pending',
  },
  {
    name: 'a restarting sidecar does not send an initialized pod back to Pending',
    pod: podOf([c('a')], { initContainers: [sidecar('s')] }),
    runtime: runtimeOf([
      instance('s', 'exited', 1, { kind: 'sidecar', exitCode: 1 }),
      instance('a', 'running', 2),
    ]),
    facts: factsOf({ waiting: new Map([['s', { reason: 'CrashLoopBackOff' }]]) }),
    phase: 'Running',
  },
  {
    name: 'a deleted Always pod whose containers exited 143 is Failed',
    pod: podOf([c('a'), c('b')]),
    runtime: runtimeOf([instance('a', 'exited', 1, { exitCode: 143 }), instance('b', 'exited', 1)]),
    facts: factsOf({ terminating: true }),
    phase: 'Failed',
  },
  {
    name: 'a deleted Always pod whose containers exited 0 is Succeeded',
    pod: podOf([c('a')]),
    runtime: runtimeOf([instance('a', 'exited', 1)]),
    facts: factsOf({ terminating: true }),
    phase: 'Succeeded',
  },
  {
    name: 'a deleted static pod is not given a terminal phase',
    pod: {
      ...podOf([c('a')]),
      metadata: { name: 'p', uid: 'u', annotations: { 'kubernetes.io/config.source': 'file' } },
    },
    runtime: runtimeOf([instance('a', 'exited', 1)]),
    facts: factsOf({ terminating: true }),
    phase: 'Running',
  },
  {
    name: 'a terminal phase in the previous status sticks',
    pod: podOf([c('a')]),
    runtime: runtimeOf([], []),
    previous: { phase: 'Succeeded' },
    phase: 'Succeeded',
  },
];

describe('pod phase', () => {
  for (const t of cases) {
    test(t.name, () => {
      const status = computePodStatus(t.pod, t.runtime, t.facts ?? factsOf(), t.previous, NOW);
      assert.equal(status.phase, t.phase);
    });
  }

  test('keeps the reason and message of an unchanged phase and drops them when the phase changes', () => {
    const pod = podOf([c('a')]);
    const previous: PodStatus = { phase: 'Running', reason: 'R', message: 'M' };
    const same = computePodStatus(pod, runtimeOf([instance('a', 'running', 1)]), factsOf(), previous, NOW);
    assert.equal(same.reason, 'R');
    assert.equal(same.message, 'M');
    const changed = computePodStatus(pod, runtimeOf([]), factsOf(), previous, NOW);
    assert.equal(changed.phase, 'Pending');
    assert.equal(changed.reason, undefined);
  });
});
