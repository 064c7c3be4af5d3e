// Pod QoS class (pkg/apis/core/v1/helper/qos/qos.go GetPodQOS) and container oom_score_adj
// (pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust, pkg/kubelet/types/pod_update.go IsNodeCriticalPod).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantityValue, quantityToBytes, quantityToNanos } from './quantity.js';
import { CONFIG_MIRROR_ANNOTATION, CONFIG_SOURCE_ANNOTATION } from './pod-annotations.js';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** oom_score_adj of Guaranteed and node-critical containers; the Burstable floor is 1000 + this. */
export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BEST_EFFORT_OOM_SCORE_ADJ = 1000;
/** scheduling.SystemCriticalPriority: a pod at or above it is critical. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
const SYSTEM_NODE_CRITICAL = 'system-node-critical';
const QOS_RESOURCES = ['cpu', 'memory'] as const;

/**
 * GetPodQOS over regular and init containers (sidecars included). Only positive cpu/memory amounts count, and the
 * comparison is between the pod's summed requests and summed limits, as kube does it.
 */
export function computeQosClass(pod: Pod): QosClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    let limitsFound = 0;
    for (const name of QOS_RESOURCES) {
      const request = positiveNanos(effectiveRequest(container, name));
      if (request !== undefined) requests.set(name, (requests.get(name) ?? 0n) + request);
      const limit = positiveNanos(container.resources?.limits?.[name]);
      if (limit === undefined) continue;
      limits.set(name, (limits.get(name) ?? 0n) + limit);
      limitsFound += 1;
    }
    if (limitsFound < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  const matching = [...requests].every(([name, request]) => limits.get(name) === request);
  return guaranteed && matching && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * The oom_score_adj the kubelet gives a container: -997 for Guaranteed and node-critical pods, 1000 for BestEffort,
 * else `1000 - 1000 × memoryRequest / nodeMemoryCapacity` (integer division), where a sidecar takes the lower of its
 * own score and that of the smallest regular-container request, clamped to [3, 999].
 */
export function oomScoreAdj(
  pod: Pod,
  container: Container,
  nodeMemoryCapacityBytes: number,
  isSidecar: boolean,
): number {
  if (isNodeCriticalPod(pod)) return GUARANTEED_OOM_SCORE_ADJ;
  const qos = computeQosClass(pod);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BEST_EFFORT_OOM_SCORE_ADJ;
  if (!(nodeMemoryCapacityBytes > 0)) {
    throw new RangeError(`node memory capacity must be positive: ${nodeMemoryCapacityBytes}`);
  }
  const capacity = BigInt(Math.trunc(nodeMemoryCapacityBytes));
  const score = (request: bigint): bigint => 1000n - (1000n * request) / capacity;
  let adj = score(memoryRequestBytes(container));
  if (isSidecar) {
    const regular = (pod.spec?.containers ?? []).map(memoryRequestBytes);
    const smallest = regular.reduce((min, r) => (r < min ? r : min), regular[0] ?? 0n);
    const regularAdj = score(smallest);
    if (adj > regularAdj) adj = regularAdj;
  }
  const floor = BigInt(1000 + GUARANTEED_OOM_SCORE_ADJ);
  if (adj < floor) return Number(floor);
  return adj === BigInt(BEST_EFFORT_OOM_SCORE_ADJ) ? BEST_EFFORT_OOM_SCORE_ADJ - 1 : Number(adj);
}

/** IsCriticalPod: a static pod (config source other than "api"), a mirror pod, or priority >= 2000000000. */
export function isCriticalPod(pod: Pod): boolean {
  const annotations = pod.metadata?.annotations ?? {};
  const source = annotations[CONFIG_SOURCE_ANNOTATION];
  if (source !== undefined && source !== 'api') return true;
  if (annotations[CONFIG_MIRROR_ANNOTATION] !== undefined) return true;
  return (pod.spec?.priority ?? Number.NEGATIVE_INFINITY) >= SYSTEM_CRITICAL_PRIORITY;
}

/** IsNodeCriticalPod: critical and in priority class system-node-critical (system-cluster-critical is not enough). */
export function isNodeCriticalPod(pod: Pod): boolean {
  return isCriticalPod(pod) && pod.spec?.priorityClassName === SYSTEM_NODE_CRITICAL;
}

// API defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Pod) gives a container its limit as request when the
// request is missing; applying it here keeps an undefaulted pod (a static manifest) right too.
function effectiveRequest(container: Container, name: string): string | number | undefined {
  return container.resources?.requests?.[name] ?? container.resources?.limits?.[name];
}

function positiveNanos(value: string | number | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const nanos = quantityToNanos(parseQuantityValue(value));
  return nanos > 0n ? nanos : undefined;
}

function memoryRequestBytes(container: Container): bigint {
  const request = effectiveRequest(container, 'memory');
  return request === undefined ? 0n : quantityToBytes(parseQuantityValue(request));
}
