// What metrics-server would report for this node (`kubectl top`): per container CPU (the rate of the cgroup's CPU
// time over the last window) and memory working set, and the node's CPU and memory from /proc.
import { readFile } from 'node:fs/promises';
import { kubeTime } from '../api/time.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { Logger } from '../util/log.js';

/** metrics-server's default resolution. */
export const METRICS_WINDOW_MS = 15_000;

export interface ContainerUsage {
  podNamespace: string;
  podName: string;
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface MetricsSnapshot {
  timestamp: string;
  windowSeconds: number;
  containers: ContainerUsage[];
  node: { cpuNanoCores: number; memoryBytes: number };
}

interface Sample {
  at: number;
  cpuNanos: bigint;
}

export class MetricsCollector {
  private readonly previous = new Map<string, Sample>();
  private previousNode: Sample | undefined;
  private snapshot: MetricsSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly logger: Logger,
  ) {}

  /** Samples now and then every window; the first figures exist after the second sample. */
  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), METRICS_WINDOW_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  latest(): MetricsSnapshot | undefined {
    return this.snapshot;
  }

  private async sample(): Promise<void> {
    try {
      const at = Date.now();
      const containers: ContainerUsage[] = [];
      const seen = new Set<string>();
      for (const pod of await this.runtime.listPods()) {
        for (const c of pod.containers.filter((x) => x.state === 'running')) {
          const usage = await this.runtime.cgroups.readCpuAndMemory(c.record.cgroupPath);
          const before = this.previous.get(c.record.id);
          this.previous.set(c.record.id, { at, cpuNanos: usage.cpuUsageNanos });
          seen.add(c.record.id);
          if (before === undefined) continue;
          containers.push({
            podNamespace: c.record.podNamespace,
            podName: c.record.podName,
            name: c.record.name,
            cpuNanoCores: rate(before, at, usage.cpuUsageNanos),
            memoryBytes: usage.workingSetBytes,
          });
        }
      }
      for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
      const node = await nodeUsage();
      const nodeBefore = this.previousNode;
      this.previousNode = { at, cpuNanos: node.cpuNanos };
      if (nodeBefore === undefined) return;
      this.snapshot = {
        timestamp: kubeTime(new Date(at)),
        windowSeconds: Math.round((at - nodeBefore.at) / 1000),
        containers,
        node: { cpuNanoCores: rate(nodeBefore, at, node.cpuNanos), memoryBytes: node.memoryBytes },
      };
    } catch (err) {
      this.logger.warn({ err }, 'metrics sample failed');
    }
  }
}

function rate(before: Sample, at: number, cpuNanos: bigint): number {
  const elapsedNs = (at - before.at) * 1e6;
  return elapsedNs > 0 ? Math.max(0, Number(cpuNanos - before.cpuNanos) / (elapsedNs / 1e9)) : 0;
}

/** CPU time of every CPU from /proc/stat (user..steal, in USER_HZ ticks), memory in use from /proc/meminfo. */
async function nodeUsage(): Promise<{ cpuNanos: bigint; memoryBytes: number }> {
  const stat = await readFile('/proc/stat', 'utf8');
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait. USER_HZ is 100 on Linux.
  const busyTicks = fields.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + (v || 0)), 0);
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0);
  return {
    cpuNanos: BigInt(busyTicks) * 10_000_000n,
    memoryBytes: (kib('MemTotal') - kib('MemAvailable')) * 1024,
  };
}
