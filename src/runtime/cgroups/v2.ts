// cgroup v2: one unified hierarchy at the root; a controller is usable in a cgroup once its parent lists it in
// cgroup.subtree_control.
import { join } from 'node:path';
import {
  childCgroups,
  makeCgroup,
  readCgroupFile,
  readCgroupFileIfExists,
  removeCgroupIfEmpty,
  removeCgroupTree,
  writeCgroupFile,
} from './cgroupfs.js';
import {
  parseCounter,
  parseCpuMax,
  parseInteger,
  parseKeyedValues,
  parseLimit,
  workingSetBytes,
} from './readings.js';
import type { CgroupDriver, CgroupLimits, CgroupUsage, PodCgroupSettings } from './types.js';
import { v2CpuSharesFiles, v2PodFiles, type V2FileValue } from './values.js';

/** The controllers whose files podlet writes; the others are enabled when possible, as runc does. */
const REQUIRED_CONTROLLERS = new Set(['cpu', 'memory', 'pids']);

export class V2Cgroups implements CgroupDriver {
  constructor(private readonly root: string) {}

  /**
   * Like libcontainer's CreateCgroupPath: every controller the root offers is enabled from the root down to the
   * cgroup above the last one, so the pod cgroup (and, through runc, its containers) can use them.
   */
  async create(chain: readonly string[]): Promise<void> {
    const controllers = words(await readCgroupFile(join(this.root, 'cgroup.controllers')));
    await this.enableControllers('/', controllers);
    for (const [i, path] of chain.entries()) {
      await makeCgroup(join(this.root, path));
      if (i < chain.length - 1) await this.enableControllers(path, controllers);
    }
  }

  async writePodValues(path: string, settings: PodCgroupSettings): Promise<void> {
    await this.writeFiles(path, v2PodFiles(settings));
  }

  async writeCpuShares(path: string, shares: number): Promise<void> {
    await this.writeFiles(path, v2CpuSharesFiles(shares));
  }

  async remove(path: string): Promise<void> {
    await removeCgroupTree(join(this.root, path));
  }

  async removeIfEmpty(path: string): Promise<void> {
    await removeCgroupIfEmpty(join(this.root, path));
  }

  async children(path: string): Promise<string[]> {
    return childCgroups(join(this.root, path));
  }

  /** memory.events counts OOM kills in the cgroup and below it. */
  async readOomKillCount(path: string): Promise<number> {
    const content = await readCgroupFile(join(this.root, path, 'memory.events'));
    return Number(parseKeyedValues(content).get('oom_kill') ?? 0n);
  }

  async readCpuAndMemory(path: string): Promise<CgroupUsage> {
    const dir = join(this.root, path);
    const [cpuStat, current, stat] = await Promise.all([
      readCgroupFile(join(dir, 'cpu.stat')),
      readCgroupFile(join(dir, 'memory.current')),
      readCgroupFile(join(dir, 'memory.stat')),
    ]);
    const usage = parseCounter(current);
    return {
      cpuUsageNanos: (parseKeyedValues(cpuStat).get('usage_usec') ?? 0n) * 1000n,
      memoryUsageBytes: Number(usage),
      workingSetBytes: workingSetBytes(usage, parseKeyedValues(stat).get('inactive_file') ?? 0n),
    };
  }

  async readLimits(path: string): Promise<CgroupLimits> {
    const dir = join(this.root, path);
    const [weight, cpuMax, memoryMax, pidsMax] = await Promise.all(
      ['cpu.weight', 'cpu.max', 'memory.max', 'pids.max'].map((file) => readCgroupFile(join(dir, file))),
    );
    const { quota, period } = parseCpuMax(cpuMax ?? '');
    return {
      cpuWeight: parseInteger(weight ?? ''),
      cpuQuota: quota,
      cpuPeriod: period,
      memoryLimit: parseLimit(memoryMax ?? ''),
      pidsLimit: parseLimit(pidsMax ?? ''),
    };
  }

  async readPidsCurrent(path: string): Promise<number> {
    return parseInteger((await readCgroupFile(join(this.root, path, 'pids.current'))) ?? '');
  }

  private async writeFiles(path: string, files: V2FileValue[]): Promise<void> {
    for (const { file, value } of files) await writeCgroupFile(join(this.root, path, file), value);
  }

  // Writes only what is missing, so a delegated or systemd-managed tree that already enables them is left alone.
  private async enableControllers(path: string, controllers: readonly string[]): Promise<void> {
    const file = join(this.root, path, 'cgroup.subtree_control');
    const enabled = new Set(words((await readCgroupFileIfExists(file)) ?? ''));
    const missing = controllers.filter((c) => !enabled.has(c));
    if (missing.length === 0) return;
    const all = writeCgroupFile(file, missing.map((c) => `+${c}`).join(' ')).then(
      () => true,
      () => false,
    );
    if (await all) return;
    // One at a time, as runc falls back to: some controllers cannot be enabled in a container or a delegated tree.
    for (const controller of missing) {
      try {
        await writeCgroupFile(file, `+${controller}`);
      } catch (e) {
        if (REQUIRED_CONTROLLERS.has(controller)) throw e;
      }
    }
  }
}

function words(content: string): string[] {
  return content.split(/\s+/).filter((w) => w !== '');
}
