// cgroup v1: one hierarchy per controller, or per co-mounted group ("cpu,cpuacct"), each a directory under the root.
import { dirname, join } from 'node:path';
import { readdir } from 'node:fs/promises';
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
  parseInteger,
  parseKeyedValues,
  parseLimit,
  parseV1MemoryLimit,
  workingSetBytes,
} from './readings.js';
import {
  CgroupError,
  type CgroupDriver,
  type CgroupLimits,
  type CgroupUsage,
  type PodCgroupSettings,
} from './types.js';
import { v1CpuSharesFiles, v1PodFiles, type V1FileValue } from './values.js';

const CPUSET_FILES = ['cpuset.cpus', 'cpuset.mems'];

/**
 * Pod cgroups go into every hierarchy under the root, as the kubelet's libcontainer manager creates them: runc's
 * cgroupfs driver puts each container into all the hierarchies it knows (runc 1.1.5: cpuset, devices, memory, cpu,
 * cpuacct, pids, blkio, hugetlb, net_cls, net_prio, perf_event, freezer, rdma, name=systemd, and the unified v2
 * hierarchy in hybrid mode), and the pod's directories must exist, with sane values, and go away in each of them.
 */
export class V1Cgroups implements CgroupDriver {
  private hierarchies: Promise<string[]> | undefined;

  constructor(private readonly root: string) {}

  async create(chain: readonly string[]): Promise<void> {
    const hierarchies = await this.listHierarchies();
    await Promise.all(hierarchies.map((h) => this.createIn(h, chain)));
  }

  async writePodValues(path: string, settings: PodCgroupSettings): Promise<void> {
    await this.writeFiles(path, v1PodFiles(settings));
  }

  async writeCpuShares(path: string, shares: number): Promise<void> {
    await this.writeFiles(path, v1CpuSharesFiles(shares));
  }

  async remove(path: string): Promise<void> {
    const hierarchies = await this.listHierarchies();
    await Promise.all(hierarchies.map((h) => removeCgroupTree(join(this.root, h, path))));
  }

  async removeIfEmpty(path: string): Promise<void> {
    const hierarchies = await this.listHierarchies();
    await Promise.all(hierarchies.map((h) => removeCgroupIfEmpty(join(this.root, h, path))));
  }

  async children(path: string): Promise<string[]> {
    const hierarchies = await this.listHierarchies();
    const names = await Promise.all(hierarchies.map((h) => childCgroups(join(this.root, h, path))));
    return [...new Set(names.flat())];
  }

  /** memory.oom_control's oom_kill counter (kernels before 4.13 have none: 0). */
  async readOomKillCount(path: string): Promise<number> {
    const content = await readCgroupFile(
      join(await this.controllerDir('memory'), path, 'memory.oom_control'),
    );
    return Number(parseKeyedValues(content).get('oom_kill') ?? 0n);
  }

  async readCpuAndMemory(path: string): Promise<CgroupUsage> {
    const memory = join(await this.controllerDir('memory'), path);
    const [cpuUsage, usage, stat] = await Promise.all([
      readCgroupFile(join(await this.controllerDir('cpuacct'), path, 'cpuacct.usage')),
      readCgroupFile(join(memory, 'memory.usage_in_bytes')),
      readCgroupFile(join(memory, 'memory.stat')),
    ]);
    const usageBytes = parseCounter(usage);
    return {
      cpuUsageNanos: parseCounter(cpuUsage),
      memoryUsageBytes: Number(usageBytes),
      workingSetBytes: workingSetBytes(usageBytes, parseKeyedValues(stat).get('total_inactive_file') ?? 0n),
    };
  }

  async readLimits(path: string): Promise<CgroupLimits> {
    const cpu = join(await this.controllerDir('cpu'), path);
    const [shares, quota, period, memory, pids] = await Promise.all([
      readCgroupFile(join(cpu, 'cpu.shares')),
      readCgroupFile(join(cpu, 'cpu.cfs_quota_us')),
      readCgroupFile(join(cpu, 'cpu.cfs_period_us')),
      readCgroupFile(join(await this.controllerDir('memory'), path, 'memory.limit_in_bytes')),
      readCgroupFile(join(await this.controllerDir('pids'), path, 'pids.max')),
    ]);
    return {
      cpuShares: parseInteger(shares),
      cpuQuota: parseInteger(quota),
      cpuPeriod: parseInteger(period),
      memoryLimit: parseV1MemoryLimit(memory),
      pidsLimit: parseLimit(pids),
    };
  }

  async readPidsCurrent(path: string): Promise<number> {
    return parseInteger(await readCgroupFile(join(await this.controllerDir('pids'), path, 'pids.current')));
  }

  private async createIn(hierarchy: string, chain: readonly string[]): Promise<void> {
    for (const path of chain) {
      const dir = join(this.root, hierarchy, path);
      await makeCgroup(dir);
      if (controllersOf(hierarchy).includes('cpuset')) await inheritCpuset(dir);
    }
  }

  private async writeFiles(path: string, files: V1FileValue[]): Promise<void> {
    for (const { controller, file, value } of files) {
      await writeCgroupFile(join(await this.controllerDir(controller), path, file), value);
    }
  }

  private async controllerDir(controller: string): Promise<string> {
    const hierarchy = (await this.listHierarchies()).find((h) => controllersOf(h).includes(controller));
    if (hierarchy === undefined)
      throw new CgroupError(`no cgroup v1 hierarchy for the ${controller} controller`, this.root);
    return join(this.root, hierarchy);
  }

  // The mount points themselves; the "cpu" -> "cpu,cpuacct" style symlinks next to them are skipped.
  private listHierarchies(): Promise<string[]> {
    this.hierarchies ??= readdir(this.root, { withFileTypes: true }).then(
      (entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name),
      (e: unknown) => {
        this.hierarchies = undefined;
        throw new CgroupError('cannot list cgroup v1 hierarchies', this.root, { cause: e });
      },
    );
    return this.hierarchies;
  }
}

// A new cpuset cgroup starts with no CPUs and no memory nodes, and no task can join it until both are set.
async function inheritCpuset(dir: string): Promise<void> {
  for (const file of CPUSET_FILES) {
    const current = await readCgroupFileIfExists(join(dir, file));
    if (current !== undefined && current.trim() !== '') continue;
    const inherited = (await readCgroupFile(join(dirname(dir), file))).trim();
    await writeCgroupFile(join(dir, file), inherited);
  }
}

// "cpu,cpuacct" holds cpu and cpuacct; "systemd" is the name=systemd hierarchy.
function controllersOf(hierarchy: string): string[] {
  return hierarchy.split(',');
}
