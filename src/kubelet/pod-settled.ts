// Whether a pod's worker has nothing to do until the runtime shows something new: a settled pod, and a fingerprint of
// its runtime state taken when it settled. The relist (pleg.ts) wakes a settled pod's worker only when the
// fingerprint changes or a resync is due, as the kubelet's PLEG compares one relist with the one before.
import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { PodRuntimeState } from '../runtime/runtime.js';
import type { SandboxStatus } from '../runtime/types.js';
import { isSidecar } from './status/container-statuses.js';
import { isPodTerminal } from './status/pod-status.js';

/**
 * Nothing for the worker to do until something changes: the pod finished, or every container runs and no deadline
 * is pending. Pods still starting, restarting or backing off are synced at every relist.
 */
export function isSettled(pod: Pod, status: PodStatus): boolean {
  if (isPodTerminal(status)) return true;
  if (pod.spec?.activeDeadlineSeconds !== undefined) return false;
  const running = (s: ContainerStatus) => s.state?.running !== undefined;
  const sidecar = (s: ContainerStatus) =>
    pod.spec?.initContainers?.some((c) => c.name === s.name && isSidecar(c));
  // Sidecars run like regular containers; a regular init container is done once it exited 0.
  const initDone = (status.initContainerStatuses ?? []).every((s) =>
    sidecar(s) ? running(s) : s.state?.terminated?.exitCode === 0,
  );
  return initDone && (status.containerStatuses ?? []).every(running);
}

/** The runtime's view of a pod that the relist compares: which instances exist and in which state. */
export function fingerprint(state: PodRuntimeState): string {
  const parts = [
    ...state.sandboxes.map((s) => `${s.record.id}:${s.state}`),
    ...state.containers.map((c) => `${c.record.id}:${c.state}`),
  ];
  return parts.sort().join(',');
}

/** The pause processes by pod UID: what the relist looks at between full relists. */
export function sandboxesByPod(sandboxes: readonly SandboxStatus[]): Map<string, SandboxStatus[]> {
  const byPod = new Map<string, SandboxStatus[]>();
  for (const s of sandboxes) byPod.set(s.record.podUid, [...(byPod.get(s.record.podUid) ?? []), s]);
  return byPod;
}
