// Which pod goes first under node pressure, and what its eviction message says (pkg/kubelet/eviction/helpers.go
// rankMemoryPressure, rankDiskPressureFunc, rankPIDPressure, evictionMessage). Pure: usage is measured by the caller.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatQuantity, parseQuantityValue, quantityToBytes } from '../../api/quantity.js';
import { podRequests } from '../../api/resources.js';
import {
  formatAmount,
  formatThreshold,
  resourceOf,
  type Observations,
  type Threshold,
} from './thresholds.js';

/** One pod's usage, as the summary API's pod stats give it; a value the runtime could not read is absent. */
export interface PodUsage {
  /** The pod cgroup's working set. */
  memoryBytes?: number;
  /** Writable layers, logs and disk-backed local volumes (one filesystem holds them all). */
  diskBytes: number;
  /** Tasks in the pod cgroup. */
  processes?: number;
  /** Per running container: its cgroup's working set. */
  containerMemory: ReadonlyMap<string, number>;
  /** Per container: its writable layer and logs. */
  containerDisk: ReadonlyMap<string, number>;
}

export type UsageOf = (pod: Pod) => PodUsage | undefined;

type Compare = (a: Pod, b: Pod) => number;

const NANOS_PER_UNIT = 1_000_000_000n;

/** The pods in the order the kubelet evicts them for the threshold's signal; the input is not changed. */
export function rankForEviction(threshold: Threshold, pods: readonly Pod[], usage: UsageOf): Pod[] {
  const resource = resourceOf(threshold.signal);
  const order: Compare[] =
    resource === 'memory'
      ? [
          exceedsRequests(usage, 'memory', (u) => u.memoryBytes),
          byPriority,
          aboveRequest(usage, 'memory', (u) => u.memoryBytes),
        ]
      : resource === 'pids'
        ? [byPriority, byProcesses(usage)]
        : [
            exceedsRequests(usage, 'ephemeral-storage', (u) => u.diskBytes),
            byPriority,
            aboveRequest(usage, 'ephemeral-storage', (u) => u.diskBytes),
          ];
  return [...pods].sort((a, b) => {
    for (const compare of order) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  });
}

/**
 * evictionMessage: `The node was low on resource: memory. Threshold quantity: 100Mi, available: 1234Ki. ` and, for
 * memory and ephemeral-storage, one sentence per container using more than it requested.
 */
export function evictionMessage(
  threshold: Threshold,
  pod: Pod,
  usage: PodUsage | undefined,
  observations: Observations,
): string {
  const resource = resourceOf(threshold.signal);
  let message = `The node was low on resource: ${resource}. `;
  const observed = observations.get(threshold.signal);
  if (observed) {
    const quantity = formatThreshold(threshold, observed.capacity);
    message += `Threshold quantity: ${quantity}, available: ${formatAmount(threshold.signal, observed.available)}. `;
  }
  if (!usage || (resource !== 'memory' && resource !== 'ephemeral-storage')) return message;
  const byName = resource === 'memory' ? usage.containerMemory : usage.containerDisk;
  for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const used = byName.get(container.name);
    if (used === undefined) continue;
    const request = { ...container.resources?.limits, ...container.resources?.requests }[resource];
    const requested = request === undefined ? undefined : parseQuantityValue(request);
    const requestBytes = requested ? Number(quantityToBytes(requested)) : 0;
    if (used > requestBytes) {
      const usedText = formatQuantity({ unscaled: BigInt(used), exponent: 0, format: 'BinarySI' });
      message += `Container ${container.name} was using ${usedText}, request is ${requested ? formatQuantity(requested) : '0'}, has larger consumption of ${resource}. `;
    }
  }
  return message;
}

function requestOf(pod: Pod, resource: string): number {
  return Number((podRequests(pod).get(resource) ?? 0n) / NANOS_PER_UNIT);
}

/** cmpBool: true before false. */
function trueFirst(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? -1 : 1;
}

type Pick = (u: PodUsage) => number | undefined;

/** Both pods' usage, or the comparison that puts a pod with no stats first (cmpBool(!p1Found, !p2Found)). */
function both(usage: UsageOf, pick: Pick, a: Pod, b: Pod): [number, number] | number {
  const ua = usage(a);
  const ub = usage(b);
  const va = ua && pick(ua);
  const vb = ub && pick(ub);
  if (va === undefined || vb === undefined) return trueFirst(va === undefined, vb === undefined);
  return [va, vb];
}

/** exceedMemoryRequests, exceedDiskRequests: a pod using more than it asked for first. */
function exceedsRequests(usage: UsageOf, resource: string, pick: Pick): Compare {
  return (a, b) => {
    const values = both(usage, pick, a, b);
    if (typeof values === 'number') return values;
    return trueFirst(values[0] > requestOf(a, resource), values[1] > requestOf(b, resource));
  };
}

/** Lower priority first (a pod without one has priority 0). */
function byPriority(a: Pod, b: Pod): number {
  return (a.spec?.priority ?? 0) - (b.spec?.priority ?? 0);
}

/** memory, disk: the larger usage above the request first. */
function aboveRequest(usage: UsageOf, resource: string, pick: Pick): Compare {
  return (a, b) => {
    const values = both(usage, pick, a, b);
    if (typeof values === 'number') return values;
    return values[1] - requestOf(b, resource) - (values[0] - requestOf(a, resource));
  };
}

/** The pod with more tasks first (process). */
function byProcesses(usage: UsageOf): Compare {
  return (a, b) => {
    const values = both(usage, (u) => u.processes ?? 0, a, b);
    return typeof values === 'number' ? values : values[1] - values[0];
  };
}
