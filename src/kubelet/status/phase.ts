// The pod phase from the container statuses (pkg/kubelet/kubelet_pods.go getPhase, kubelet v1.33; kubelet.md §1).
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { isSidecar } from './container-statuses.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PhaseInput {
  pod: Pod;
  /** Init and regular container statuses together; looked up by name. */
  statuses: readonly ContainerStatus[];
  /** The pod is being deleted, evicted or has finished: its containers will not be restarted. */
  podIsTerminal: boolean;
  /** A regular container exists in the current sandbox, so the init containers have run. */
  podHasInitialized: boolean;
}

interface Counts {
  pendingInit: number;
  failedInit: number;
  pendingSidecar: number;
  unknown: number;
  running: number;
  waiting: number;
  stopped: number;
  succeeded: number;
}

export function computePodPhase(input: PhaseInput): PodPhase {
  const { pod, podIsTerminal, podHasInitialized } = input;
  const c = countContainers(input);
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (c.failedInit > 0 && policy === 'Never') return 'Failed';
  if (c.pendingInit > 0 || (c.pendingSidecar > 0 && !podHasInitialized)) return 'Pending';
  if (c.waiting > 0) return 'Pending';
  if (c.running > 0 && c.unknown === 0) return 'Running';
  if (c.running === 0 && c.stopped > 0 && c.unknown === 0) {
    // A terminal pod's containers will not restart whatever the policy; upstream leaves static pods out (#116484).
    if (podIsTerminal && !isStaticPod(pod)) return c.stopped === c.succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (c.stopped === c.succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

/** kubetypes.IsStaticPod: the pod came from a source other than the API server. */
export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.['kubernetes.io/config.source'];
  return source !== undefined && source !== 'api';
}

function countContainers({ pod, statuses }: PhaseInput): Counts {
  const c: Counts = {
    pendingInit: 0,
    failedInit: 0,
    pendingSidecar: 0,
    unknown: 0,
    running: 0,
    waiting: 0,
    stopped: 0,
    succeeded: 0,
  };
  const byName = new Map(statuses.map((s) => [s.name, s]));
  for (const container of pod.spec?.initContainers ?? []) {
    const s = byName.get(container.name);
    if (isSidecar(container)) countSidecar(c, s);
    else countInit(c, s);
  }
  for (const container of pod.spec?.containers ?? []) countRegular(c, byName.get(container.name));
  return c;
}

function countInit(c: Counts, s: ContainerStatus | undefined): void {
  const lastExit = s?.lastState?.terminated?.exitCode;
  if (s?.state?.running) c.pendingInit++;
  else if (s?.state?.terminated) {
    if (s.state.terminated.exitCode !== 0) c.failedInit++;
  } else if (s?.state?.waiting && lastExit !== undefined) {
    if (lastExit !== 0) c.failedInit++;
  } else c.pendingInit++;
}

function countSidecar(c: Counts, s: ContainerStatus | undefined): void {
  if (!s) {
    c.unknown++;
    return;
  }
  if (s.state?.running) {
    c.running++;
    if (s.started !== true) c.pendingSidecar++;
  } else if (s.state?.terminated) {
    // A stopped sidecar never decides the phase.
  } else if (s.state?.waiting) {
    if (!s.lastState?.terminated) {
      c.pendingSidecar++;
      c.waiting++;
    }
  } else {
    c.pendingSidecar++;
    c.unknown++;
  }
}

function countRegular(c: Counts, s: ContainerStatus | undefined): void {
  if (s?.state?.running) c.running++;
  else if (s?.state?.terminated) {
    c.stopped++;
    if (s.state.terminated.exitCode === 0) c.succeeded++;
  } else if (s?.state?.waiting) {
    if (s.lastState?.terminated) c.stopped++;
    else c.waiting++;
  } else c.unknown++;
}
