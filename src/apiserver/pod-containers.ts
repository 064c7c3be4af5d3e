// Which container of a pod a log or exec request means, checked as the pod REST storage checks it
// (pkg/registry/core/pod/strategy.go: one container needs no name, a named one must exist).
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { badRequest } from './status.js';

/** The pod's only container when none is named; otherwise the named one must exist. */
export function containerName(pod: Pod, asked: string | null): string {
  const names = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.ephemeralContainers ?? []),
  ].map((c) => c.name);
  const name = pod.metadata?.name ?? '';
  if (asked === null || asked === '') {
    const regular = (pod.spec?.containers ?? []).map((c) => c.name);
    if (regular.length === 1) return regular[0] ?? '';
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  }
  if (!names.includes(asked)) throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return asked;
}

export function containerStatus(pod: Pod, container: string): ContainerStatus | undefined {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ].find((s) => s.name === container);
}
