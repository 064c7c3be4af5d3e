// The kubelet's pod conditions (pkg/kubelet/status/generate.go, kubelet v1.33; kubelet.md §2) and their transition
// times (pkg/kubelet/status/status_manager.go updateLastTransitionTime).
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { kubeTime } from '../../api/time.js';
import { isSidecar } from './container-statuses.js';
import type { PodPhase } from './phase.js';

export interface ConditionsInput {
  pod: Pod;
  phase: PodPhase;
  init: readonly ContainerStatus[];
  regular: readonly ContainerStatus[];
  /** A sandbox with networking exists, so no new one is needed (runtimeutil.PodSandboxChanged is false). */
  sandboxReady: boolean;
  /** The previous status's conditions: kept times, PodScheduled, readiness gates and conditions set by others. */
  previous: readonly PodCondition[];
  now: Date;
}

/** Conditions the kubelet computes on every sync (kubetypes.PodConditionByKubelet). */
export const KUBELET_OWNED: ReadonlySet<string> = new Set([
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
]);

/**
 * The kubelet's conditions in the order a real kubelet writes them, then PodScheduled (set at admission, kept as
 * is), then any other condition the previous status held (readiness gates, DisruptionTarget). A condition's
 * lastTransitionTime is the previous one while its status stays the same.
 */
export function computePodConditions(input: ConditionsInput): PodCondition[] {
  const { pod, phase, previous } = input;
  const all = [...input.init, ...input.regular];
  const containersReady = containersReadyCondition(pod, all, phase);
  const generated: PodCondition[] = [
    { type: 'PodReadyToStartContainers', status: input.sandboxReady ? 'True' : 'False' },
    initializedCondition(pod, all, phase),
    readyCondition(pod, containersReady, previous),
    containersReady,
  ];
  const time = kubeTime(input.now);
  const withTimes = generated.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: old?.status === c.status ? (old.lastTransitionTime ?? time) : time };
  });
  const scheduled = previous.find((c) => c.type === 'PodScheduled') ?? {
    type: 'PodScheduled',
    status: 'True',
    lastTransitionTime: time,
  };
  const others = previous.filter((c) => !KUBELET_OWNED.has(c.type) && c.type !== 'PodScheduled');
  return [...withTimes, scheduled, ...others];
}

/** GenerateContainersReadyCondition: every regular container and every sidecar is ready. */
function containersReadyCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[],
  phase: PodPhase,
): PodCondition {
  const sidecars = (pod.spec?.initContainers ?? []).filter(isSidecar);
  const { unknown, failing } = splitContainers(
    [...sidecars, ...(pod.spec?.containers ?? [])],
    statuses,
    (s) => s.ready,
  );
  if (phase === 'Failed' || (phase === 'Succeeded' && unknown.length === 0)) {
    return {
      type: 'ContainersReady',
      status: 'False',
      reason: phase === 'Failed' ? 'PodFailed' : 'PodCompleted',
    };
  }
  const message = joinMessages(unknown, 'unknown', failing, 'unready');
  if (message) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message };
  return { type: 'ContainersReady', status: 'True' };
}

/** GeneratePodReadyCondition: ContainersReady, and every readiness gate's condition True. */
function readyCondition(
  pod: Pod,
  containersReady: PodCondition,
  conditions: readonly PodCondition[],
): PodCondition {
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((p) => p.type === gate.conditionType);
    if (!c)
      unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') {
      unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
  }
  if (unready.length > 0) {
    return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
  }
  return { type: 'Ready', status: 'True' };
}

/**
 * GeneratePodInitializedCondition: every regular init container exited 0 (its status is ready) and every sidecar
 * has started; or any regular container has run, so a restarting sidecar does not undo it.
 */
function initializedCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const init = pod.spec?.initContainers ?? [];
  const done = (s: ContainerStatus, c: Container) => (isSidecar(c) ? s.started === true : s.ready);
  const { unknown, failing } = splitContainers(init, statuses, done);
  if (phase === 'Succeeded' && unknown.length === 0) {
    return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  }
  if (hasAnyRegularContainerStarted(pod, statuses)) return { type: 'Initialized', status: 'True' };
  const message = joinMessages(unknown, 'unknown', failing, 'incomplete');
  if (message) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message };
  return { type: 'Initialized', status: 'True' };
}

/** kubecontainer.HasAnyRegularContainerStarted: a regular container is running or has terminated. */
function hasAnyRegularContainerStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (s.state?.running || s.state?.terminated));
}

function splitContainers(
  containers: readonly Container[],
  statuses: readonly ContainerStatus[],
  ok: (s: ContainerStatus, c: Container) => boolean,
): { unknown: string[]; failing: string[] } {
  const unknown: string[] = [];
  const failing: string[] = [];
  for (const c of containers) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!ok(s, c)) failing.push(c.name);
  }
  return { unknown, failing };
}

/** `containers with unknown status: [a b], containers with unready status: [c]` (Go's %s of a []string). */
function joinMessages(
  unknown: string[],
  unknownWord: string,
  failing: string[],
  failingWord: string,
): string {
  const parts: string[] = [];
  if (unknown.length > 0) parts.push(`containers with ${unknownWord} status: [${unknown.join(' ')}]`);
  if (failing.length > 0) parts.push(`containers with ${failingWord} status: [${failing.join(' ')}]`);
  return parts.join(', ');
}
