import { readAppArmorHost, type AppArmorHost } from './oci/apparmor.js';
import { readHostCapabilities } from './oci/host-capabilities.js';
import { readHostRlimits } from './oci/host-rlimits.js';
import { readOomScoreAdjFloor } from './oci/host-oom-score.js';
import type { Rlimit } from './oci/types.js';
import type { CgroupMode } from './cgroups/types.js';
import { hugetlbControllerAvailable, readHugePagePools } from './hugepages.js';

/** What this host lets podlet give containers: read once at start, used for every OCI config. */
export interface HostFacts {
  rlimits: Rlimit[];
  /** The daemon's effective capabilities: what "all capabilities" can mean here. */
  capabilities: string[];
  /** Set when podlet may not lower oom_score_adj below its own (no CAP_SYS_RESOURCE). */
  oomScoreAdjFloor: number | undefined;
  appArmor: AppArmorHost;
  /** Huge page sizes the hugetlb controller can limit here: none when the controller is missing. */
  hugetlbPageSizes: bigint[];
}

export async function readHostFacts(cgroups: { mode: CgroupMode; root: string }): Promise<HostFacts> {
  const [rlimits, capabilities, oomScoreAdjFloor, appArmor, hugetlbPageSizes] = await Promise.all([
    readHostRlimits(),
    readHostCapabilities(),
    readOomScoreAdjFloor(),
    readAppArmorHost(),
    readHugetlbPageSizes(cgroups.mode, cgroups.root),
  ]);
  return { rlimits, capabilities, oomScoreAdjFloor, appArmor, hugetlbPageSizes };
}

// runc fails a container whose config limits huge pages when the controller is not mounted: limit only if it is.
async function readHugetlbPageSizes(mode: CgroupMode, root: string): Promise<bigint[]> {
  if (!(await hugetlbControllerAvailable(mode, root))) return [];
  return (await readHugePagePools()).map((p) => p.pageSizeBytes);
}
