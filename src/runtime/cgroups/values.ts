// What to write into a pod or QoS cgroup, per cgroup version, computed from the same inputs. v1 takes the kubelet's
// values as they are; v2 converts them the way libcontainer does for the kubelet (cm/cgroup_manager_linux.go).
import { MAX_CPU_SHARES, MIN_CPU_SHARES } from '../../api/resources.js';
import type { PodCgroupSettings } from './types.js';

export type V1Controller = 'cpu' | 'memory' | 'pids' | 'hugetlb';

export interface V1FileValue {
  controller: V1Controller;
  file: string;
  value: string;
}

export interface V2FileValue {
  file: string;
  value: string;
}

const MAX_CPU_WEIGHT = 10000;

/**
 * cpu.shares -> cpu.weight: `1 + ((shares - 2) × 9999) / 262142`, 10000 from 262144 shares (1024 -> 39). The kubelet
 * uses it for pod and QoS cgroups. Container cgroups get CRI CpuShares and runc converts them: runc 1.1.5 (and every
 * runc before 1.3.2) with this same formula, so a container with 1024 shares also gets 39; runc >= 1.3.2 and
 * crun >= 1.23 use `ceil(10^((L² + 125L)/612 − 7/34))` with L = log2(shares) instead, which maps 1024 to 100.
 */
export function cpuWeightFromShares(shares: number): number {
  if (shares >= MAX_CPU_SHARES) return MAX_CPU_WEIGHT;
  if (shares <= MIN_CPU_SHARES) return 1;
  return 1 + Math.floor(((shares - MIN_CPU_SHARES) * 9999) / 262142);
}

/** Period before quota, as libcontainer writes them (cgroups/fs/cpu.go Set). */
export function v1PodFiles(s: PodCgroupSettings): V1FileValue[] {
  return [
    { controller: 'cpu', file: 'cpu.shares', value: String(s.cpuShares) },
    { controller: 'cpu', file: 'cpu.cfs_period_us', value: String(s.cpuPeriod) },
    { controller: 'cpu', file: 'cpu.cfs_quota_us', value: String(s.cpuQuota) },
    { controller: 'memory', file: 'memory.limit_in_bytes', value: String(s.memoryLimit) },
    { controller: 'pids', file: 'pids.max', value: limitOrMax(s.pidsLimit) },
    ...(s.hugetlb ?? []).map(({ pageSize, limit }) => ({
      controller: 'hugetlb' as const,
      file: `hugetlb.${pageSize}.limit_in_bytes`,
      value: String(limit),
    })),
  ];
}

export function v2PodFiles(s: PodCgroupSettings): V2FileValue[] {
  return [
    { file: 'cpu.weight', value: String(cpuWeightFromShares(s.cpuShares)) },
    { file: 'cpu.max', value: `${limitOrMax(s.cpuQuota)} ${s.cpuPeriod}` },
    { file: 'memory.max', value: limitOrMax(s.memoryLimit) },
    { file: 'pids.max', value: limitOrMax(s.pidsLimit) },
    ...(s.hugetlb ?? []).map(({ pageSize, limit }) => ({
      file: `hugetlb.${pageSize}.max`,
      value: String(limit),
    })),
  ];
}

/** A QoS cgroup's only setting: its cpu shares (2 for besteffort, the burstable pods' sum for burstable). */
export function v1CpuSharesFiles(shares: number): V1FileValue[] {
  return [{ controller: 'cpu', file: 'cpu.shares', value: String(shares) }];
}

export function v2CpuSharesFiles(shares: number): V2FileValue[] {
  return [{ file: 'cpu.weight', value: String(cpuWeightFromShares(shares)) }];
}

function limitOrMax(value: number): string {
  return value < 0 ? 'max' : String(value);
}
