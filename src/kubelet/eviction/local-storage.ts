// Local ephemeral storage limits (pkg/kubelet/eviction/eviction_manager.go localStorageEviction, helpers.go
// messages): an emptyDir over its sizeLimit, a pod over the sum of its containers' ephemeral-storage limits, or a
// container over its own limit gets the pod evicted. Pure: the usage is measured by the caller.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatQuantity, parseQuantityValue, quantityToBytes } from '../../api/quantity.js';
import { podLimits } from '../../api/resources.js';
import type { PodFailure } from '../status/facts.js';

export interface PodStorageUsage {
  /** Bytes used per emptyDir volume name. */
  volumes: ReadonlyMap<string, number>;
  /** Bytes per container name: its writable layer and its logs. */
  containers: ReadonlyMap<string, number>;
}

const EVICTED = 'Evicted';

/** Whether any limit of localStorageViolation applies to the pod: an emptyDir sizeLimit or an ephemeral-storage limit. */
export function hasLocalStorageLimit(pod: Pod): boolean {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return (
    (pod.spec?.volumes ?? []).some((v) => v.emptyDir?.sizeLimit !== undefined) ||
    containers.some((c) => c.resources?.limits?.['ephemeral-storage'] !== undefined)
  );
}

/** The first limit the pod is over, in the eviction manager's order; undefined when it is within all of them. */
export function localStorageViolation(pod: Pod, usage: PodStorageUsage): PodFailure | undefined {
  for (const volume of pod.spec?.volumes ?? []) {
    const limit = volume.emptyDir?.sizeLimit;
    const used = usage.volumes.get(volume.name);
    if (limit === undefined || used === undefined) continue;
    const bytes = Number(quantityToBytes(parseQuantityValue(limit)));
    if (bytes > 0 && used > bytes) {
      return {
        reason: EVICTED,
        message: `Usage of EmptyDir volume "${volume.name}" exceeds the limit "${limit}". `,
      };
    }
  }
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const limitOf = (c: (typeof containers)[number]) => c.resources?.limits?.['ephemeral-storage'];
  const limited = containers.filter((c) => limitOf(c) !== undefined);
  const podLimitNanos = podLimits(pod).get('ephemeral-storage');
  if (podLimitNanos !== undefined) {
    const used = sumOf(usage.containers) + sumOf(usage.volumes);
    const limitBytes = podLimitNanos / 1_000_000_000n;
    if (used > Number(limitBytes)) {
      const { text: _text, ...sum } = parseQuantityValue(String(limitBytes));
      return {
        reason: EVICTED,
        message: `Pod ephemeral local storage usage exceeds the total limit of containers ${formatQuantity({ ...sum, format: 'BinarySI' })}. `,
      };
    }
  }
  for (const c of limited) {
    const limit = limitOf(c)!;
    const used = usage.containers.get(c.name) ?? 0;
    if (used > Number(quantityToBytes(parseQuantityValue(limit)))) {
      return {
        reason: EVICTED,
        message: `Container ${c.name} exceeded its local ephemeral storage limit "${limit}". `,
      };
    }
  }
  return undefined;
}

function sumOf(values: ReadonlyMap<string, number>): number {
  return [...values.values()].reduce((a, b) => a + b, 0);
}
