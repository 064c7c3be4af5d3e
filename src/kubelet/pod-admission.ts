// The kubelet's own admission of a pod bound to it (pkg/kubelet/lifecycle/predicate.go generalFilter with the
// scheduler's noderesources Fits): a pod that does not fit beside the pods already admitted is rejected, not queued.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { hostPortTaken, REASON_NODE_PORTS } from '../api/host-ports.js';
import { computeQosClass, isCriticalPod } from '../api/qos.js';
import { podRequests } from '../api/resources.js';
import { toleratesTaint } from '../api/tolerations.js';
import type { PressureCondition } from './eviction/thresholds.js';
import { PRESSURE_TAINTS, type NodeAllocatable } from './node-object.js';
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
 * Undefined when the pod fits; else the reason and the message of the rejection event: `OutOfpods`, `OutOfcpu`,
 * `OutOfmemory` for the first resource short (pod count, then cpu, then memory), then `NodePorts` for a host port
 * another pod holds, in scheduler.AdmissionCheck's order. `admitted` are the node's other active pods.
 * The eviction manager is asked first, then the sysctl allowlist, in the order the kubelet registers its admit
 * handlers (kubelet.go).
 */
export function admitPod(
  pod: Pod,
  admitted: readonly Pod[],
  node: NodeAllocatable,
  pressure: readonly PressureCondition[] = [],
): PodFailure | undefined {
  const underPressure = admitUnderPressure(pod, pressure);
  if (underPressure) return underPressure;
  const forbidden = admitSysctls(pod);
  if (forbidden) return forbidden;
  const shortage = firstShortage(pod, admitted, node);
  if (!shortage) return admitHostPorts(pod, admitted);
  const { resource, requested, used, capacity } = shortage;
  return {
    reason: `OutOf${resource}`,
    message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
  };
}

/** A PredicateFailureError (lifecycle/predicate.go): the plugin's name is the reason, `Predicate <name> failed: ...`. */
function admitHostPorts(pod: Pod, admitted: readonly Pod[]): PodFailure | undefined {
  if (!hostPortTaken(pod, admitted)) return undefined;
  return { reason: 'NodePorts', message: `Predicate NodePorts failed: ${REASON_NODE_PORTS}` };
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

/**
 * The eviction manager's Admit (eviction_manager.go): critical pods always pass; MemoryPressure alone rejects only
 * BestEffort pods that do not tolerate the memory-pressure taint; any other condition rejects every other pod.
 */
export function admitUnderPressure(pod: Pod, pressure: readonly PressureCondition[]): PodFailure | undefined {
  if (pressure.length === 0 || isCriticalPod(pod)) return undefined;
  if (pressure.length === 1 && pressure[0] === 'MemoryPressure') {
    if (computeQosClass(pod) !== 'BestEffort') return undefined;
    const taint = { key: PRESSURE_TAINTS.MemoryPressure, effect: 'NoSchedule' };
    if ((pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, taint))) return undefined;
  }
  // nodeConditionMessageFmt with a Go slice: `[DiskPressure PIDPressure]`.
  return { reason: 'Evicted', message: `The node had condition: [${pressure.join(' ')}]. ` };
}

/** HandlePodAdditions admits new pods oldest first, each against those admitted before it. */
export function byCreation(a: Pod, b: Pod): number {
  return Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? '');
}
