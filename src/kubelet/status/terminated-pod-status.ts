// The last status of a pod whose containers are all stopped and whose sandbox is going away
// (pkg/kubelet/status/status_manager.go TerminatePod, hasPodInitialized, initializedContainers; kubelet v1.33).
import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isSidecar, lostContainer } from './container-statuses.js';
import { isStaticPod } from './phase.js';
import { isPodTerminal } from './pod-status.js';

/**
 * Marks every container that has no terminated state as ContainerStatusUnknown (exit 137): all regular ones once
 * the pod had initialized, and the init containers up to the last one that tried to start. A pod still Pending or
 * Running ends Failed (static pods excepted, as upstream).
 */
export function terminatedPodStatus(pod: Pod, status: PodStatus): PodStatus {
  const result = structuredClone(status);
  if (hasPodInitialized(pod, result)) {
    for (const s of result.containerStatuses ?? []) markUnknown(s);
  }
  for (const s of initializedContainers(result.initContainerStatuses ?? [])) markUnknown(s);
  if (!isStaticPod(pod) && !isPodTerminal(result)) result.phase = 'Failed';
  return result;
}

function markUnknown(s: ContainerStatus): void {
  if (s.state?.terminated) return;
  s.state = { terminated: lostContainer() };
}

/** A pod without init containers, or whose containers ever left waiting, or whose last init container is done. */
function hasPodInitialized(pod: Pod, status: PodStatus): boolean {
  const init = pod.spec?.initContainers ?? [];
  if (init.length === 0) return true;
  if ((status.containerStatuses ?? []).some((s) => s.lastState?.terminated || !s.state?.waiting)) return true;
  const statuses = status.initContainerStatuses ?? [];
  const last = statuses[statuses.length - 1];
  const spec = init.find((c) => c.name === last?.name);
  if (!last || !spec) return false;
  if (isSidecar(spec)) return last.state?.running !== undefined && last.started === true;
  return last.lastState?.terminated?.exitCode === 0 || last.state?.terminated?.exitCode === 0;
}

/** The init containers up to the last one that has tried to start; at least the first. */
function initializedContainers(statuses: ContainerStatus[]): ContainerStatus[] {
  for (let i = statuses.length - 1; i >= 0; i--) {
    const s = statuses[i];
    if (s && (!s.state?.waiting || s.lastState?.terminated)) return statuses.slice(0, i + 1);
  }
  return statuses.slice(0, 1);
}
