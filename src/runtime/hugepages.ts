// The host's huge page pools (/sys/kernel/mm/hugepages/hugepages-<N>kB, as cAdvisor reads them for the Node's
// capacity) and the hugetlb cgroup limits that hold containers and pods to their share (libcontainer HugePageSizes and
// its "2MB"/"1GB" page size names; kubelet cgroup_manager_linux.go sets every size nobody asked for to 0).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HugePageLimits } from '../api/hugepages.js';
import { isNotFound } from '../util/fs.js';
import type { CgroupMode } from './cgroups/types.js';

export interface HugePagePool {
  pageSizeBytes: bigint;
  /** nr_hugepages: pages reserved for huge page users. */
  pages: bigint;
}

/** One limit of the OCI config's linux.resources.hugepageLimits and of a pod cgroup's hugetlb files. */
export interface HugetlbLimit {
  /** libcontainer's name of the page size: '2MB', '1GB', '64KB'. */
  pageSize: string;
  limit: number;
}

export const HUGEPAGES_SYSFS = '/sys/kernel/mm/hugepages';

/** Every page size the kernel offers, with its pool; none on a kernel without huge pages. */
export async function readHugePagePools(dir = HUGEPAGES_SYSFS): Promise<HugePagePool[]> {
  const names = await readdir(dir).catch((e: unknown) => {
    if (isNotFound(e)) return [];
    throw e;
  });
  const pools: HugePagePool[] = [];
  for (const name of names) {
    const kb = /^hugepages-(\d+)kB$/.exec(name)?.[1];
    if (kb === undefined) continue;
    const pages = (await readFile(join(dir, name, 'nr_hugepages'), 'utf8')).trim();
    pools.push({ pageSizeBytes: BigInt(kb) * 1024n, pages: BigInt(pages) });
  }
  return pools.sort((a, b) => (a.pageSizeBytes < b.pageSizeBytes ? -1 : 1));
}

/** Whether the hugetlb controller is there to hold limits: a v1 hierarchy of its own, or listed in cgroup.controllers. */
export async function hugetlbControllerAvailable(mode: CgroupMode, root: string): Promise<boolean> {
  if (mode === 'v2') {
    const controllers = await readFile(join(root, 'cgroup.controllers'), 'utf8').catch(() => '');
    return controllers.split(/\s+/).includes('hugetlb');
  }
  const hierarchies = await readdir(root).catch(() => [] as string[]);
  return hierarchies.some((h) => h.split(',').includes('hugetlb'));
}

/** 2 MiB -> '2MB', 1 GiB -> '1GB', 64 KiB -> '64KB' (mm/hugetlb_cgroup.c names its files so). */
export function hugetlbPageSizeName(pageSizeBytes: bigint): string {
  const kb = pageSizeBytes / 1024n;
  if (kb >= 1n << 20n) return `${kb >> 20n}GB`;
  if (kb >= 1n << 10n) return `${kb >> 10n}MB`;
  return `${kb}KB`;
}

/** A limit for every page size the host offers: what was asked for, else 0, so nobody uses pages not theirs. */
export function hugetlbLimits(
  pageSizes: readonly bigint[],
  limits: HugePageLimits | undefined,
): HugetlbLimit[] {
  return pageSizes.map((size) => ({
    pageSize: hugetlbPageSizeName(size),
    limit: Number(limits?.get(size) ?? 0n),
  }));
}
