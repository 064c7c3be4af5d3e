// Pod cgroups for the kubelet side of podlet: the kubelet's cgroupfs layout under a parent cgroup, created with the
// pod's values, read back for status and stats, and removed with the pod (pkg/kubelet/cm).
import type { QosClass } from '../../api/qos.js';
import { MIN_CPU_SHARES } from '../../api/resources.js';
import {
  containerCgroupPath,
  parentCgroupPath,
  podCgroupChain,
  podCgroupPath,
  podUidOf,
  QOS_CLASSES,
  qosCgroupPath,
} from './layout.js';
import type { CgroupDriver, CgroupLimits, CgroupMode, CgroupUsage, PodCgroupSettings } from './types.js';
import { hugetlbLimits } from '../hugepages.js';
import { V1Cgroups } from './v1.js';
import { V2Cgroups } from './v2.js';

export interface CgroupManagerOptions {
  mode: CgroupMode;
  /** Where the hierarchies are mounted (default /sys/fs/cgroup); any directory laid out the same way works. */
  root?: string;
  /** The cgroup every pod cgroup goes under, the kubelet's "kubepods": e.g. 'podlet'. */
  parent: string;
  /** Huge page sizes the hugetlb controller limits (HostFacts.hugetlbPageSizes); none: no hugetlb files written. */
  hugetlbPageSizes?: readonly bigint[];
}

export interface PodCgroupEntry {
  podUid: string;
  qos: QosClass;
  path: string;
}

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

export class CgroupManager {
  readonly mode: CgroupMode;
  private readonly parent: string;
  private readonly driver: CgroupDriver;
  private readonly hugetlbPageSizes: readonly bigint[];

  constructor(opts: CgroupManagerOptions) {
    const root = opts.root ?? DEFAULT_CGROUP_ROOT;
    this.mode = opts.mode;
    this.parent = parentCgroupPath(opts.parent);
    this.driver = opts.mode === 'v1' ? new V1Cgroups(root) : new V2Cgroups(root);
    this.hugetlbPageSizes = opts.hugetlbPageSizes ?? [];
  }

  /** '/podlet/pod<uid>' (Guaranteed), '/podlet/burstable/pod<uid>', '/podlet/besteffort/pod<uid>'. */
  podCgroupPath(podUid: string, qos: QosClass): string {
    return podCgroupPath(this.parent, podUid, qos);
  }

  /** The container's linux.cgroupsPath for runc (cgroupfs driver). */
  containerCgroupPath(podPath: string, containerId: string): string {
    return containerCgroupPath(podPath, containerId);
  }

  /** Creates the parent, QoS and pod cgroups that are missing and writes the pod's values; returns the pod path. */
  async ensurePod(podUid: string, qos: QosClass, values: PodCgroupSettings): Promise<string> {
    const chain = podCgroupChain(this.parent, podUid, qos);
    await this.driver.create(chain);
    // The kubelet pins the besteffort QoS cgroup at the minimum shares (qos_container_manager_linux.go).
    if (qos === 'BestEffort')
      await this.driver.writeCpuShares(qosCgroupPath(this.parent, qos), MIN_CPU_SHARES);
    const path = this.podCgroupPath(podUid, qos);
    await this.driver.writePodValues(path, {
      ...values,
      hugetlb: hugetlbLimits(this.hugetlbPageSizes, values.hugePageLimits),
    });
    return path;
  }

  /**
   * The burstable QoS cgroup's shares (api/resources.ts burstableQosCpuShares): the kubelet recomputes them from the
   * Burstable pods whenever pods come and go.
   */
  async setBurstableCpuShares(shares: number): Promise<void> {
    const path = qosCgroupPath(this.parent, 'Burstable');
    await this.driver.create([this.parent, path]);
    await this.driver.writeCpuShares(path, shares);
  }

  /** Removes the pod cgroup, and anything left below it, everywhere it exists; idempotent. */
  async removePod(podUid: string, qos: QosClass): Promise<void> {
    await this.driver.remove(this.podCgroupPath(podUid, qos));
  }

  /** Removes the QoS cgroups and the parent when nothing is left in them. */
  async removeParentIfEmpty(): Promise<void> {
    for (const qos of ['Burstable', 'BestEffort'] as const) {
      await this.driver.removeIfEmpty(qosCgroupPath(this.parent, qos));
    }
    await this.driver.removeIfEmpty(this.parent);
  }

  readOomKillCount(cgroupPath: string): Promise<number> {
    return this.driver.readOomKillCount(cgroupPath);
  }

  readCpuAndMemory(cgroupPath: string): Promise<CgroupUsage> {
    return this.driver.readCpuAndMemory(cgroupPath);
  }

  readLimits(cgroupPath: string): Promise<CgroupLimits> {
    return this.driver.readLimits(cgroupPath);
  }

  readPidsCurrent(cgroupPath: string): Promise<number> {
    return this.driver.readPidsCurrent(cgroupPath);
  }

  /** Every pod cgroup under the parent, found in any hierarchy: what is left to clean up after a crash. */
  async listPodCgroups(): Promise<PodCgroupEntry[]> {
    const entries: PodCgroupEntry[] = [];
    for (const qos of QOS_CLASSES) {
      for (const name of await this.driver.children(qosCgroupPath(this.parent, qos))) {
        const podUid = podUidOf(name);
        if (podUid !== undefined) entries.push({ podUid, qos, path: this.podCgroupPath(podUid, qos) });
      }
    }
    return entries;
  }
}
