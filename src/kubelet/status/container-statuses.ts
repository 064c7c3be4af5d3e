// The API's container statuses from the runtime's instances, the kubelet's waiting reasons and the previous status
// (pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses, kubelet v1.33).
import type { Container, ContainerState, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { kubeTime } from '../../api/time.js';
import type { ContainerStatus as RuntimeContainer } from '../../runtime/types.js';
import type { KubeletPodFacts } from './facts.js';

export type ContainerGroup = 'init' | 'regular' | 'ephemeral';

export interface ContainerStatusesInput {
  pod: Pod;
  group: ContainerGroup;
  /** Every instance the runtime holds for the pod, of any container, in any sandbox. */
  instances: readonly RuntimeContainer[];
  /** The same group's statuses from the previous pod status. */
  previous: readonly ContainerStatus[] | undefined;
  facts: KubeletPodFacts;
}

const LOST_WHEN_TERMINATED = 'The container could not be located when the pod was terminated';
// Two spaces, as upstream writes it.
const LOST_WHILE_RUNNING =
  'The container could not be located when the pod was deleted.  The container used to be Running';
const LOST_INIT_COMPLETED =
  'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally';

/**
 * `containerID` is `<runtime>://<id>` (kubecontainer.ContainerID). podlet's runtime is runc driven directly, and the
 * node reports `containerRuntimeVersion: runc://<version>`, so the IDs use the same scheme.
 */
export function apiContainerId(id: string): string {
  return `runc://${id}`;
}

/** The statuses of one group of spec containers: init ones in spec order, the others sorted by name. */
export function convertContainerStatuses(input: ContainerStatusesInput): ContainerStatus[] {
  const { pod, group, facts } = input;
  const deleting = pod.metadata?.deletionTimestamp !== undefined || facts.terminating;
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const previous = new Map((input.previous ?? []).map((s) => [s.name, s]));
  const byName = instancesNewestFirst(input.instances);
  const anyRegularCreated = (pod.spec?.containers ?? []).some((c) => byName.has(c.name));
  const statuses = groupSpecs(pod, group).map((spec) => {
    const instances = byName.get(spec.name) ?? [];
    const old = previous.get(spec.name);
    const status =
      instances.length > 0
        ? fromInstances(instances, old, facts)
        : withoutInstance(spec, old, hasInit, deleting);
    if (
      group === 'init' &&
      !instances.length &&
      anyRegularCreated &&
      !isSidecar(spec) &&
      status.state?.waiting
    ) {
      // The runtime lost an init container of a pod whose regular containers exist: it must have succeeded.
      status.state = { terminated: { exitCode: 0, reason: 'Completed', message: LOST_INIT_COMPLETED } };
      return status;
    }
    const latest = instances[0];
    if (group === 'init' && latest?.state === 'exited' && latest.exitCode === 0) return status;
    const info = facts.waiting.get(spec.name);
    if (info && shouldRestart(pod, spec, group, latest, deleting)) {
      if (status.state?.terminated) status.lastState = status.state;
      status.state = { waiting: { reason: info.reason, ...(info.message ? { message: info.message } : {}) } };
    }
    return status;
  });
  return group === 'init'
    ? statuses
    : statuses.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The state of a container the runtime cannot account for: ContainerStatusUnknown, exit 137 (as if killed), so that
 * a lost container counts as failed and never as succeeded.
 */
export function lostContainer(message = LOST_WHEN_TERMINATED): NonNullable<ContainerState['terminated']> {
  return { exitCode: 137, reason: 'ContainerStatusUnknown', message };
}

export function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

function groupSpecs(pod: Pod, group: ContainerGroup): Container[] {
  if (group === 'init') return pod.spec?.initContainers ?? [];
  if (group === 'regular') return pod.spec?.containers ?? [];
  return (pod.spec?.ephemeralContainers ?? []) as Container[];
}

/** The newest instance first (kubelet: sorted by creation time); the restart count breaks ties. */
function instancesNewestFirst(instances: readonly RuntimeContainer[]): Map<string, RuntimeContainer[]> {
  const byName = new Map<string, RuntimeContainer[]>();
  for (const c of instances) {
    const list = byName.get(c.record.name) ?? [];
    list.push(c);
    byName.set(c.record.name, list);
  }
  for (const list of byName.values()) {
    list.sort(
      (a, b) =>
        Date.parse(b.record.createdAt) - Date.parse(a.record.createdAt) ||
        b.record.attempt - a.record.attempt,
    );
  }
  return byName;
}

/** The newest instance gives the status; the one before it, if the runtime still has it, the lastState. */
function fromInstances(
  instances: RuntimeContainer[],
  old: ContainerStatus | undefined,
  facts: KubeletPodFacts,
): ContainerStatus {
  const [latest, before] = instances as [RuntimeContainer, ...RuntimeContainer[]];
  const status = fromInstance(latest, old, facts);
  if (before) status.lastState = fromInstance(before, old, facts).state ?? {};
  return status;
}

function fromInstance(
  c: RuntimeContainer,
  old: ContainerStatus | undefined,
  facts: KubeletPodFacts,
): ContainerStatus {
  const { record } = c;
  const names = facts.images?.get(record.imageId);
  const containerID = apiContainerId(record.id);
  const status: ContainerStatus = {
    name: record.name,
    image: names?.repoTag ?? record.image,
    imageID: names?.repoDigest ?? record.imageId,
    containerID,
    ready: false,
    restartCount: record.attempt,
    state: {},
    lastState: {},
  };
  if (c.state === 'running') {
    status.state = { running: { startedAt: kubeTime(new Date(record.startedAt ?? record.createdAt)) } };
  } else if (c.state === 'exited') {
    status.state = { terminated: terminatedState(c, facts.terminationMessages.get(record.id), containerID) };
  } else if (c.state === 'unknown' && old?.state?.running) {
    // It was running and is gone: report it dead rather than waiting, so a run-once pod is not run twice.
    status.state = { terminated: lostContainer() };
    status.restartCount = old.restartCount + 1;
  } else {
    // Created but not started, or unknown: waiting with no reason unless the kubelet has one.
    status.state = { waiting: {} };
  }
  return status;
}

/** containerd's CRI reasons: OOMKilled after a memory cgroup OOM kill, else Completed for exit 0, else Error. */
function terminatedState(
  c: RuntimeContainer,
  message: string | undefined,
  containerID: string,
): NonNullable<ContainerState['terminated']> {
  const exitCode = c.exitCode ?? 0;
  const reason = c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  return {
    exitCode,
    reason,
    ...(message ? { message } : {}),
    ...(c.record.startedAt ? { startedAt: kubeTime(new Date(c.record.startedAt)) } : {}),
    ...(c.finishedAt ? { finishedAt: kubeTime(new Date(c.finishedAt)) } : {}),
    containerID,
  };
}

/** No instance in the runtime: the default waiting state, carrying over what the previous status knew. */
function withoutInstance(
  spec: Container,
  old: ContainerStatus | undefined,
  hasInit: boolean,
  deleting: boolean,
): ContainerStatus {
  if (old?.state?.terminated) return structuredClone(old);
  const status: ContainerStatus = {
    name: spec.name,
    image: spec.image ?? '',
    imageID: '',
    ready: false,
    restartCount: old?.restartCount ?? 0,
    state: { waiting: { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' } },
    lastState: structuredClone(old?.lastState ?? {}),
  };
  if (old?.state?.running && !status.lastState?.terminated) {
    // It ran and vanished: a termination keeps the pod from going back to Pending.
    status.lastState = {
      terminated: lostContainer(LOST_WHILE_RUNNING),
    };
    if (!deleting) status.restartCount += 1;
  }
  return status;
}

/**
 * kubecontainer.ShouldContainerBeRestarted: a waiting reason shows only for a container the kubelet will start
 * again. Sidecars always restart (kubelet.md §4).
 */
function shouldRestart(
  pod: Pod,
  spec: Container,
  group: ContainerGroup,
  latest: RuntimeContainer | undefined,
  deleting: boolean,
): boolean {
  if (deleting) return false;
  if (!latest || latest.state === 'created' || latest.state === 'unknown') return true;
  if (latest.state === 'running') return false;
  if (group === 'ephemeral') return false;
  if (isSidecar(spec)) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  return policy !== 'OnFailure' || (latest.exitCode ?? 0) !== 0;
}
