// The eviction manager's local-storage half (pkg/kubelet/eviction/eviction_manager.go synchronize ->
// localStorageEviction): every 10 s it measures each active pod's emptyDirs and containers and evicts a pod over a
// limit. Node-level pressure (memory.available, nodefs) is not watched yet.
import { dirname } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime } from '../../runtime/runtime.js';
import type { Logger } from '../../util/log.js';
import { emptyDirPath } from '../../volume/empty-dir.js';
import type { PodFailure } from '../status/facts.js';
import { diskUsage } from '../../util/disk-usage.js';
import { localStorageViolation, type PodStorageUsage } from './local-storage.js';

/** evictionMonitoringPeriod */
export const EVICTION_INTERVAL_MS = 10_000;

export interface EvictionDeps {
  runtime: ContainerRuntime;
  /** The pods admitted and not finished: only they can be evicted. */
  activePods(): Pod[];
  evict(pod: Pod, failure: PodFailure): void;
  logger: Logger;
}

export class EvictionManager {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly deps: EvictionDeps) {}

  start(intervalMs = EVICTION_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.synchronize(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async synchronize(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const pod of this.deps.activePods()) {
        const violation = localStorageViolation(pod, await this.usage(pod));
        if (violation) this.deps.evict(pod, violation);
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'eviction check failed');
    } finally {
      this.running = false;
    }
  }

  private async usage(pod: Pod): Promise<PodStorageUsage> {
    const uid = pod.metadata?.uid ?? '';
    const podDir = this.deps.runtime.paths.pod(uid);
    const volumes = new Map<string, number>();
    for (const v of pod.spec?.volumes ?? []) {
      if (v.emptyDir) volumes.set(v.name, await diskUsage(emptyDirPath(podDir, v.name)));
    }
    const containers = new Map<string, number>();
    const state = await this.deps.runtime.podState(uid);
    for (const c of state.containers) {
      // The writable layer and the logs of every instance still kept.
      const bytes =
        (await diskUsage(`${this.deps.runtime.paths.container(c.record.id)}/upper`)) +
        (await diskUsage(dirname(c.record.logPath)));
      containers.set(c.record.name, Math.max(containers.get(c.record.name) ?? 0, bytes));
    }
    return { volumes, containers };
  }
}
