// The kubelet's own admission of a pod bound to it (pkg/kubelet/lifecycle/predicate.go generalFilter with the
// scheduler's noderesources Fits): a pod that does not fit beside the pods already admitted is rejected, not queued.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podRequests } from '../api/resources.js';
import type { NodeAllocatable } from './node-object.js';
import type { PodFailure } from './status/facts.js';
import { admitSysctls } from './sysctl-admission.js';

const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_UNIT = 1_000_000_000n;

interface Shortage {
  resource: 'pods' | 'cpu' | 'memory';
  requested: bigint;
  used: bigint;
  capacity: bigint;
}

/**
 * Undefined when the pod fits; else the reason and the message of the rejection event (`OutOfpods`, `OutOfcpu`, `OutOfmemory`) for the first resource
 * short, in the scheduler's order: pod count, then cpu, then memory. `admitted` are the node's other active pods.
 * The sysctl allowlist is asked first, as the kubelet registers it before the resource predicate (kubelet.go).
 */
export function admitPod(pod: Pod, admitted: readonly Pod[], node: NodeAllocatable): PodFailure | undefined {
  const forbidden = admitSysctls(pod);
  if (forbidden) return forbidden;
  const shortage = firstShortage(pod, admitted, node);
  if (!shortage) return undefined;
  const { resource, requested, used, capacity } = shortage;
  return {
    reason: `OutOf${resource}`,
    message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
  };
}

function firstShortage(pod: Pod, admitted: readonly Pod[], node: NodeAllocatable): Shortage | undefined {
  const capacityPods = BigInt(node.pods);
  if (admitted.length + 1 > node.pods) {
    return { resource: 'pods', requested: 1n, used: BigInt(admitted.length), capacity: capacityPods };
  }
  const want = amounts(pod);
  const used = { milliCpu: 0n, memoryBytes: 0n };
  for (const other of admitted) {
    const a = amounts(other);
    used.milliCpu += a.milliCpu;
    used.memoryBytes += a.memoryBytes;
  }
  if (want.milliCpu > 0n && used.milliCpu + want.milliCpu > node.milliCpu) {
    return { resource: 'cpu', requested: want.milliCpu, used: used.milliCpu, capacity: node.milliCpu };
  }
  if (want.memoryBytes > 0n && used.memoryBytes + want.memoryBytes > node.memoryBytes) {
    return {
      resource: 'memory',
      requested: want.memoryBytes,
      used: used.memoryBytes,
      capacity: node.memoryBytes,
    };
  }
  return undefined;
}

function amounts(pod: Pod): { milliCpu: bigint; memoryBytes: bigint } {
  const requests = podRequests(pod);
  return {
    milliCpu: (requests.get('cpu') ?? 0n) / NANOS_PER_MILLI,
    memoryBytes: (requests.get('memory') ?? 0n) / NANOS_PER_UNIT,
  };
}
