// What the scheduler knows of its node (pkg/scheduler/framework/types.go NodeInfo and Resource): the Node, the
// pods bound to it, and their summed requests next to the node's allocatable, in the units the filters compare.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { nanosToMilli, nanosToUnits, parseQuantityValue, quantityToNanos } from '../api/quantity.js';
import { podRequests } from '../api/resources.js';

/** framework.Resource: cpu in millicores, the rest in whole units (bytes, devices). */
export interface ResourceTotals {
  milliCpu: bigint;
  memory: bigint;
  ephemeralStorage: bigint;
  /** Extended resources, hugepages and attachable volumes (ScalarResources), by resource name. */
  scalar: Map<string, bigint>;
}

export interface NodeInfo {
  node: Node;
  /** Pods bound to the node that have not finished, terminating ones included (they still hold resources). */
  pods: Pod[];
}

const PRIMARY = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);

/** Whether a resource name is one the scheduler sums as a scalar (v1helper.IsScalarResourceName). */
export function isScalarResource(name: string): boolean {
  if (PRIMARY.has(name)) return false;
  return (
    name.startsWith('hugepages-') ||
    name.startsWith('attachable-volumes-') ||
    (name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.'))
  );
}

export function emptyTotals(): ResourceTotals {
  return { milliCpu: 0n, memory: 0n, ephemeralStorage: 0n, scalar: new Map() };
}

/** A pod's requests as the scheduler counts them: PodRequests, with overhead and sidecars (computePodResourceRequest). */
export function podResourceRequest(pod: Pod): ResourceTotals {
  const totals = emptyTotals();
  for (const [name, nanos] of podRequests(pod)) addAmount(totals, name, nanos);
  return totals;
}

/** The node's status.allocatable; a node without one has nothing to give. */
export function nodeAllocatable(node: Node): ResourceTotals & { pods: number } {
  const totals = emptyTotals();
  const allocatable = node.status?.allocatable ?? {};
  for (const [name, value] of Object.entries(allocatable)) {
    if (name === 'pods') continue;
    addAmount(totals, name, quantityToNanos(parseQuantityValue(value)));
  }
  const pods =
    allocatable.pods === undefined
      ? 0
      : Number(nanosToUnits(quantityToNanos(parseQuantityValue(allocatable.pods))));
  return { ...totals, pods };
}

/** The summed requests of the node's pods (NodeInfo.Requested). */
export function requestedOn(info: NodeInfo): ResourceTotals {
  const total = emptyTotals();
  for (const pod of info.pods) addTotals(total, podResourceRequest(pod));
  return total;
}

export function addTotals(into: ResourceTotals, more: ResourceTotals): void {
  into.milliCpu += more.milliCpu;
  into.memory += more.memory;
  into.ephemeralStorage += more.ephemeralStorage;
  for (const [name, amount] of more.scalar) into.scalar.set(name, (into.scalar.get(name) ?? 0n) + amount);
}

function addAmount(totals: ResourceTotals, name: string, nanos: bigint): void {
  if (name === 'cpu') totals.milliCpu += nanosToMilli(nanos);
  else if (name === 'memory') totals.memory += nanosToUnits(nanos);
  else if (name === 'ephemeral-storage') totals.ephemeralStorage += nanosToUnits(nanos);
  else if (isScalarResource(name))
    totals.scalar.set(name, (totals.scalar.get(name) ?? 0n) + nanosToUnits(nanos));
}

/** A pod that still occupies its node: bound here and not Succeeded or Failed (the scheduler's informer filter). */
export function occupiesNode(pod: Pod, nodeName: string): boolean {
  const phase = pod.status?.phase;
  return pod.spec?.nodeName === nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

/** corev1helpers.PodPriority: a pod without spec.priority counts as 0. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}
