// Effective container and pod requests/limits (k8s.io/component-helpers/resource/helpers.go PodRequests, PodLimits)
// and the cgroup values the kubelet derives from them (pkg/kubelet/cm/helpers_linux.go ResourceConfigForPod,
// MilliCPUToShares, MilliCPUToQuota; pkg/kubelet/kuberuntime/kuberuntime_container_linux.go calculateLinuxResources).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { hugePageLimits, type HugePageLimits } from './hugepages.js';
import { computeQosClass } from './qos.js';
import { nanosToMilli, nanosToUnits, parseQuantityValue, quantityToNanos } from './quantity.js';

/** Amounts per resource name in nano-units: exact, since every parsed quantity is a whole number of them. */
export type ResourceAmounts = Map<string, bigint>;

/** cgroup v1 terms; -1 means no limit. */
export interface CgroupValues {
  cpuShares: number;
  cpuQuota: number;
  cpuPeriod: number;
  memoryLimit: number;
  /** Bytes of huge pages per page size; present only when something asks for huge pages. */
  hugePageLimits?: HugePageLimits;
}
export type ContainerCgroupValues = CgroupValues;
export type PodCgroupValues = CgroupValues;

// The kernel's bounds for cpu.shares (kernel/sched/sched.h) and for cpu.cfs_quota_us (1ms).
export const MIN_CPU_SHARES = 2;
export const MAX_CPU_SHARES = 262144;
/** cpuCFSQuotaPeriod: 100ms. */
export const CPU_PERIOD_US = 100_000;
const MIN_CPU_QUOTA_US = 1000;

type ResourceList = Record<string, string | number> | undefined;

/** The container's requests after API defaulting (a missing request takes the limit). */
export function containerRequests(container: Container): ResourceAmounts {
  return toAmounts({ ...container.resources?.limits, ...container.resources?.requests });
}

export function containerLimits(container: Container): ResourceAmounts {
  return toAmounts(container.resources?.limits);
}

/** PodRequests: max(sum(regular + sidecars), max over init of (init + sidecars before it)), plus pod overhead. */
export function podRequests(pod: Pod): ResourceAmounts {
  const requests = aggregate(pod, containerRequests);
  for (const [name, amount] of toAmounts(pod.spec?.overhead))
    requests.set(name, (requests.get(name) ?? 0n) + amount);
  return requests;
}

/** PodLimits: aggregated like requests; overhead is added only to limits that are set and non-zero. */
export function podLimits(pod: Pod, onEachContainer?: (limits: ResourceAmounts) => void): ResourceAmounts {
  const limits = aggregate(pod, containerLimits, onEachContainer);
  for (const [name, amount] of toAmounts(pod.spec?.overhead)) {
    const limit = limits.get(name);
    if (limit !== undefined && limit !== 0n) limits.set(name, limit + amount);
  }
  return limits;
}

/** MilliCPUToShares: 0 -> 2, else milli × 1024 / 1000 clamped to [2, 262144]. */
export function milliCpuToShares(milliCpu: bigint): number {
  if (milliCpu === 0n) return MIN_CPU_SHARES;
  const shares = (milliCpu * 1024n) / 1000n;
  if (shares < BigInt(MIN_CPU_SHARES)) return MIN_CPU_SHARES;
  return shares > BigInt(MAX_CPU_SHARES) ? MAX_CPU_SHARES : Number(shares);
}

/** MilliCPUToQuota: milli × period / 1000, at least 1000µs; no limit (0) is -1 here rather than kube's unset 0. */
export function milliCpuToQuota(milliCpu: bigint, periodUs = CPU_PERIOD_US): number {
  if (milliCpu === 0n) return -1;
  const quota = (milliCpu * BigInt(periodUs)) / 1000n;
  return quota < BigInt(MIN_CPU_QUOTA_US) ? MIN_CPU_QUOTA_US : Number(quota);
}

/** The CRI LinuxContainerResources the kubelet asks for: shares from the request, quota and memory from limits. */
export function containerCgroupValues(container: Container): ContainerCgroupValues {
  const request = containerRequests(container).get('cpu');
  const limits = containerLimits(container);
  return {
    cpuShares: milliCpuToShares(request === undefined ? 0n : nanosToMilli(request)),
    cpuQuota: milliCpuToQuota(nanosToMilli(limits.get('cpu') ?? 0n)),
    cpuPeriod: CPU_PERIOD_US,
    memoryLimit: bytesOrUnlimited(limits.get('memory')),
    ...withHugePages(hugePageLimits(limits)),
  };
}

function withHugePages(limits: HugePageLimits): { hugePageLimits?: HugePageLimits } {
  return limits.size > 0 ? { hugePageLimits: limits } : {};
}

/**
 * ResourceConfigForPod: BestEffort pods get 2 shares and nothing else; a Burstable pod gets a quota (memory limit)
 * only when every container, init containers counted with the sidecars started before them, has a cpu (memory) limit.
 */
export function podCgroupValues(pod: Pod): PodCgroupValues {
  let cpuLimitsDeclared = true;
  let memoryLimitsDeclared = true;
  const limits = podLimits(pod, (containerLimits) => {
    if ((containerLimits.get('cpu') ?? 0n) === 0n) cpuLimitsDeclared = false;
    if ((containerLimits.get('memory') ?? 0n) === 0n) memoryLimitsDeclared = false;
  });
  const qos = computeQosClass(pod);
  const values: PodCgroupValues = {
    cpuShares: MIN_CPU_SHARES,
    cpuQuota: -1,
    cpuPeriod: CPU_PERIOD_US,
    memoryLimit: -1,
    // Every QoS class gets its huge page limits (ResourceConfigForPod, from the pod's requests, equal to its limits).
    ...withHugePages(hugePageLimits(podRequests(pod))),
  };
  if (qos === 'BestEffort') return values;
  values.cpuShares = milliCpuToShares(nanosToMilli(podRequests(pod).get('cpu') ?? 0n));
  if (qos === 'Guaranteed' || cpuLimitsDeclared)
    values.cpuQuota = milliCpuToQuota(nanosToMilli(limits.get('cpu') ?? 0n));
  if (qos === 'Guaranteed' || memoryLimitsDeclared)
    values.memoryLimit = bytesOrUnlimited(limits.get('memory'));
  return values;
}

/**
 * cpu.shares of the burstable QoS cgroup (cm/qos_container_manager_linux.go setCPUCgroupConfig): the shares of the
 * summed cpu requests of every Burstable pod. The besteffort QoS cgroup always gets 2.
 */
export function burstableQosCpuShares(pods: readonly Pod[]): number {
  let milliCpu = 0n;
  for (const pod of pods) {
    if (computeQosClass(pod) !== 'Burstable') continue;
    milliCpu += nanosToMilli(podRequests(pod).get('cpu') ?? 0n);
  }
  return milliCpuToShares(milliCpu);
}

// AggregateContainerRequests/Limits (KEP 753): sidecars run alongside everything after them, so an init container
// needs its own amount plus the sidecars before it, and the pod needs the larger of that and the steady state.
function aggregate(
  pod: Pod,
  amountsOf: (c: Container) => ResourceAmounts,
  onEachContainer?: (amounts: ResourceAmounts) => void,
): ResourceAmounts {
  const total: ResourceAmounts = new Map();
  for (const container of pod.spec?.containers ?? []) {
    const amounts = amountsOf(container);
    onEachContainer?.(amounts);
    addInto(total, amounts);
  }
  const sidecars: ResourceAmounts = new Map();
  const initPeak: ResourceAmounts = new Map();
  for (const container of pod.spec?.initContainers ?? []) {
    let amounts = amountsOf(container);
    if (container.restartPolicy === 'Always') {
      addInto(total, amounts);
      addInto(sidecars, amounts);
      amounts = sidecars;
    } else {
      amounts = new Map(amounts);
      addInto(amounts, sidecars);
    }
    onEachContainer?.(amounts);
    maxInto(initPeak, amounts);
  }
  maxInto(total, initPeak);
  return total;
}

function addInto(target: ResourceAmounts, amounts: ResourceAmounts): void {
  for (const [name, amount] of amounts) target.set(name, (target.get(name) ?? 0n) + amount);
}

function maxInto(target: ResourceAmounts, amounts: ResourceAmounts): void {
  for (const [name, amount] of amounts) {
    const current = target.get(name);
    if (current === undefined || amount > current) target.set(name, amount);
  }
}

function toAmounts(list: ResourceList): ResourceAmounts {
  const amounts: ResourceAmounts = new Map();
  for (const [name, value] of Object.entries(list ?? {}))
    amounts.set(name, quantityToNanos(parseQuantityValue(value)));
  return amounts;
}

// libcontainer treats a memory limit of 0 as "not set".
function bytesOrUnlimited(nanos: bigint | undefined): number {
  const bytes = nanos === undefined ? 0n : nanosToUnits(nanos);
  return bytes === 0n ? -1 : Number(bytes);
}
