// What a pod's spec asks of its containers, read against their instances in the runtime: the containers in start
// order with their kind, the newest instance of each, and whether an exited one restarts under the pod's
// restartPolicy. Pure functions shared by the pod worker and the container starter.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerKind, ContainerStatus } from '../runtime/types.js';

export interface SpecContainer {
  container: Container;
  kind: ContainerKind;
}

export function specContainers(pod: Pod): SpecContainer[] {
  const init = (pod.spec?.initContainers ?? []).map((c) => ({
    container: c,
    kind: (c.restartPolicy === 'Always' ? 'sidecar' : 'init') as ContainerKind,
  }));
  const regular = (pod.spec?.containers ?? []).map((c) => ({
    container: c,
    kind: 'regular' as ContainerKind,
  }));
  return [...init, ...regular];
}

export function latestInstances(containers: ContainerStatus[]): Map<string, ContainerStatus> {
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const seen = latest.get(c.record.name);
    if (!seen || c.record.attempt > seen.record.attempt) latest.set(c.record.name, c);
  }
  return latest;
}

/** Every regular container has run and exited, and none will restart under the pod's policy. */
export function regularContainersDone(
  pod: Pod,
  latest: Map<string, ContainerStatus>,
  policy: string,
): boolean {
  return (pod.spec?.containers ?? []).every((c) => {
    const instance = latest.get(c.name);
    return instance?.state === 'exited' && !shouldRestart('regular', policy, instance.exitCode ?? 1);
  });
}

/** Sidecars always restart; a failed init container restarts unless the pod's policy is Never (spec §1). */
export function shouldRestart(kind: ContainerKind, policy: string, exitCode: number): boolean {
  if (kind === 'sidecar') return true;
  if (kind === 'init') return policy !== 'Never';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}
