// The node-level eviction signals as the kubelet's summary provider and cAdvisor measure them
// (pkg/kubelet/eviction/helpers.go makeSignalObservations, helpers_others.go, pkg/kubelet/stats/pidlimit):
// memory.available = capacity - working set of the root cgroup, allocatableMemory.available = the pods' cgroup
// limit - its working set, nodefs/imagefs from statfs of the data dir, pid.available from the kernel's task limits.
import { readFile, statfs } from 'node:fs/promises';
import type { CgroupMode } from '../../runtime/cgroups/types.js';
import { parseKeyedValues, workingSetBytes } from '../../runtime/cgroups/readings.js';
import type { Observation, Signal } from './thresholds.js';

export interface SignalSources {
  cgroupMode: CgroupMode;
  /** Where the cgroup hierarchies are mounted. */
  cgroupRoot: string;
  /** The machine's memory (MemTotal). */
  memoryCapacityBytes: bigint;
  /** What the pods' cgroup may use: capacity less kube and system reservations (the kubepods limit). */
  podsMemoryLimitBytes: bigint;
  /** The working set of the cgroup every pod lives under. */
  podsWorkingSet(): Promise<number>;
  /** The directory whose filesystem holds pods, containers and images: nodefs and imagefs alike. */
  dataDir: string;
  /** /proc, for tests. */
  procRoot?: string;
}

export async function observeSignals(s: SignalSources): Promise<Map<Signal, Observation>> {
  const observations = new Map<Signal, Observation>();
  const nodeWorkingSet = await nodeMemoryWorkingSet(s);
  observations.set('memory.available', {
    available: s.memoryCapacityBytes - nodeWorkingSet,
    capacity: s.memoryCapacityBytes,
  });
  observations.set('allocatableMemory.available', {
    available: s.podsMemoryLimitBytes - BigInt(await s.podsWorkingSet()),
    capacity: s.podsMemoryLimitBytes,
  });
  const fs = await statfs(s.dataDir, { bigint: true });
  const bytes = { available: fs.bavail * fs.bsize, capacity: fs.blocks * fs.bsize };
  const inodes = { available: fs.ffree, capacity: fs.files };
  // Images live under the data dir: with no dedicated image filesystem cAdvisor reports the same filesystem for
  // both, so imagefs thresholds are judged against nodefs's numbers (helpers.go buildSignalToRankFunc).
  observations.set('nodefs.available', bytes);
  observations.set('imagefs.available', bytes);
  // tmpfs and some filesystems report no inode limit (0): no observation, as cAdvisor gives none.
  if (fs.files > 0n) {
    observations.set('nodefs.inodesFree', inodes);
    observations.set('imagefs.inodesFree', inodes);
  }
  const pids = await pidObservation(s.procRoot ?? '/proc');
  if (pids) observations.set('pid.available', pids);
  return observations;
}

/**
 * The root cgroup's working set: on v1 the memory hierarchy root's usage less total_inactive_file; on v2 the root
 * has no memory.current, so usage is MemTotal - MemFree from /proc/meminfo (runc's rootStatsFromMeminfo), less
 * inactive_file from the root memory.stat.
 */
async function nodeMemoryWorkingSet(s: SignalSources): Promise<bigint> {
  const procRoot = s.procRoot ?? '/proc';
  if (s.cgroupMode === 'v1') {
    const dir = `${s.cgroupRoot}/memory`;
    const usage = BigInt((await readFile(`${dir}/memory.usage_in_bytes`, 'utf8')).trim());
    const stat = parseKeyedValues(await readFile(`${dir}/memory.stat`, 'utf8'));
    return BigInt(workingSetBytes(usage, stat.get('total_inactive_file') ?? 0n));
  }
  const meminfo = parseMeminfo(await readFile(`${procRoot}/meminfo`, 'utf8'));
  const usage = (meminfo.get('MemTotal') ?? 0n) - (meminfo.get('MemFree') ?? 0n);
  const stat = await readFile(`${s.cgroupRoot}/memory.stat`, 'utf8').catch(() => undefined);
  const inactive = stat
    ? (parseKeyedValues(stat).get('inactive_file') ?? 0n)
    : (meminfo.get('Inactive(file)') ?? 0n);
  return BigInt(workingSetBytes(usage, inactive));
}

/** `MemTotal:  24684384 kB` lines, in bytes. */
export function parseMeminfo(text: string): Map<string, bigint> {
  const values = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (match?.[1] && match[2]) values.set(match[1], BigInt(match[2]) * (line.includes('kB') ? 1024n : 1n));
  }
  return values;
}

/**
 * pidlimit.Stats: the task limit is min(kernel.pid_max, kernel.threads-max), the tasks running the total of
 * /proc/loadavg's "running/total" field (sysinfo's count truncates past 65535).
 */
async function pidObservation(procRoot: string): Promise<Observation | undefined> {
  const read = (file: string) => readFile(`${procRoot}/${file}`, 'utf8').catch(() => undefined);
  const limits = [await read('sys/kernel/pid_max'), await read('sys/kernel/threads-max')]
    .filter((v): v is string => v !== undefined)
    .map((v) => BigInt(v.trim()));
  const total = /\d+\/(\d+)/.exec((await read('loadavg')) ?? '')?.[1];
  if (limits.length === 0 || total === undefined) return undefined;
  const capacity = limits.reduce((a, b) => (a < b ? a : b));
  return { available: capacity - BigInt(total), capacity };
}
