// Lowering oom_score_adj needs CAP_SYS_RESOURCE (the kernel refuses a value below the process's oom_score_adj_min
// with EACCES, and runc then fails the container). Without it podlet does what containerd's restrict_oom_score_adj
// does (internal/cri/opts/spec_linux_opts.go restrictOOMScoreAdj): ask for no less than its own current value.
import { readFile } from 'node:fs/promises';
import { parseEffectiveCapabilities } from './host-capabilities.js';

/**
 * The lowest oom_score_adj this process can give its children: its own value when it lacks CAP_SYS_RESOURCE,
 * undefined (no floor) when it has it.
 */
export async function readOomScoreAdjFloor(procSelf = '/proc/self'): Promise<number | undefined> {
  const caps = parseEffectiveCapabilities(await readFile(`${procSelf}/status`, 'utf8'));
  if (caps.includes('CAP_SYS_RESOURCE')) return undefined;
  return Number((await readFile(`${procSelf}/oom_score_adj`, 'utf8')).trim());
}

export function restrictOomScoreAdj(preferred: number, floor: number | undefined): number {
  return floor !== undefined && preferred < floor ? floor : preferred;
}
