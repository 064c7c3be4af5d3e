// Shared types of the cgroup layer: what the manager takes and returns, and the driver seam between the pure
// layout/value computation and the v1 (one hierarchy per controller) or v2 (one unified hierarchy) file writes.
import type { PodCgroupValues } from '../../api/resources.js';
import type { HugetlbLimit } from '../hugepages.js';

export type CgroupMode = 'v1' | 'v2';

/**
 * The pod cgroup's values: the kubelet's ResourceConfigForPod plus its podPidsLimit (-1 = none) and, where the hugetlb
 * controller is, a limit for each huge page size.
 */
export type PodCgroupSettings = PodCgroupValues & { pidsLimit: number; hugetlb?: HugetlbLimit[] };

export interface CgroupUsage {
  cpuUsageNanos: bigint;
  memoryUsageBytes: number;
  /** Usage minus inactive file pages, as cAdvisor and the kubelet's eviction manager count it. */
  workingSetBytes: number;
}

/** What a cgroup enforces, read back from its files; -1 means no limit. */
export interface CgroupLimits {
  cpuShares?: number;
  cpuWeight?: number;
  cpuQuota: number;
  cpuPeriod: number;
  memoryLimit: number;
  pidsLimit: number;
}

/** Paths below are cgroup paths relative to the hierarchy root, with a leading '/': '/podlet/burstable/pod<uid>'. */
export interface CgroupDriver {
  /** Creates each cgroup of `chain` (outermost first) that is missing, ready to hold the next one. */
  create(chain: readonly string[]): Promise<void>;
  writePodValues(path: string, settings: PodCgroupSettings): Promise<void>;
  writeCpuShares(path: string, shares: number): Promise<void>;
  /** Removes the cgroup and every cgroup below it, children first; a missing one is not an error. */
  remove(path: string): Promise<void>;
  /** Removes the cgroup unless it still has children or processes. */
  removeIfEmpty(path: string): Promise<void>;
  /** Names of the cgroups directly below `path`, in any hierarchy. */
  children(path: string): Promise<string[]>;
  readOomKillCount(path: string): Promise<number>;
  readCpuAndMemory(path: string): Promise<CgroupUsage>;
  readLimits(path: string): Promise<CgroupLimits>;
  /** Tasks in the cgroup and below it (pids.current). */
  readPidsCurrent(path: string): Promise<number>;
}

/** A cgroup operation that failed, with the cgroup file or directory it was about. */
export class CgroupError extends Error {
  override name = 'CgroupError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`${message}: ${path}${cause}`, options);
  }
}
