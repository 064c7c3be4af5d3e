import { readAppArmorHost, type AppArmorHost } from './oci/apparmor.js';
import { readHostCapabilities } from './oci/host-capabilities.js';
import { readHostRlimits } from './oci/host-rlimits.js';
import { readOomScoreAdjFloor } from './oci/host-oom-score.js';
import type { Rlimit } from './oci/types.js';

/** What this host lets podlet give containers: read once at start, used for every OCI config. */
export interface HostFacts {
  rlimits: Rlimit[];
  /** The daemon's effective capabilities: what "all capabilities" can mean here. */
  capabilities: string[];
  /** Set when podlet may not lower oom_score_adj below its own (no CAP_SYS_RESOURCE). */
  oomScoreAdjFloor: number | undefined;
  appArmor: AppArmorHost;
}

export async function readHostFacts(): Promise<HostFacts> {
  const [rlimits, capabilities, oomScoreAdjFloor, appArmor] = await Promise.all([
    readHostRlimits(),
    readHostCapabilities(),
    readOomScoreAdjFloor(),
    readAppArmorHost(),
  ]);
  return { rlimits, capabilities, oomScoreAdjFloor, appArmor };
}
