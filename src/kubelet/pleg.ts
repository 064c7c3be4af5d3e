// The pod lifecycle event generator (pkg/kubelet/pleg/generic.go relist): every second it wakes the workers of pods
// that are not settled, and at a full relist it observes the whole runtime, waking the workers of pods whose
// containers changed and of runtime pods nobody asked for (left by a removed manifest while podlet was down).
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { Logger } from '../util/log.js';
import { fingerprint, sandboxesByPod } from './pod-settled.js';
import type { PodSlots } from './pod-slots.js';

export interface PlegDeps {
  runtime: ContainerRuntime;
  slots: PodSlots;
  /**
   * Runtime pods nobody asked for are removed only once the pod sources have reported: right after a restart
   * every running pod would otherwise look orphaned (kubelet sourcesReady).
   */
  sourcesReady(): boolean;
  logger: Logger;
}

/** How often pods still starting, restarting or backing off are synced (the kubelet's PLEG relist is 1 s). */
export const RELIST_INTERVAL_MS = 1000;

/**
 * How often the whole runtime is observed. A container's exit wakes its pod's worker at once (conmon's exit file,
 * seen through inotify) and pause processes are looked at every second, so like the kubelet's Evented PLEG the full
 * relist only catches what no event reports: a monitor that died, a runtime pod nobody asked for (decision 0043).
 */
export const FULL_RELIST_INTERVAL_MS = 10_000;

/** How often a settled pod is synced anyway (the kubelet's --sync-frequency). */
export const RESYNC_INTERVAL_MS = 60_000;

export class Pleg {
  private timer: NodeJS.Timeout | undefined;
  private leftoversScannedAt = 0;
  private fullRelistAt = 0;

  constructor(private readonly deps: PlegDeps) {}

  /** Starts the periodic relist; the first one is the caller's. */
  start(): void {
    this.timer = setInterval(() => void this.relist(), RELIST_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The next relist observes the whole runtime, not up to a full relist period later. */
  fullRelistNext(): void {
    this.fullRelistAt = 0;
  }

  /**
   * One relist: wakes the workers of pods that are not settled and, at a full relist, of pods whose containers
   * changed and of runtime pods nobody asked for.
   */
  async relist(): Promise<void> {
    try {
      const now = Date.now();
      const full = now - this.fullRelistAt >= FULL_RELIST_INTERVAL_MS;
      if (full) this.fullRelistAt = now;
      const observed = full
        ? new Map((await this.deps.runtime.listPods()).map((p) => [p.podUid, p]))
        : undefined;
      // Between full relists only the pause processes are looked at: they have no conmon to report their end.
      const sandboxes = observed ? undefined : sandboxesByPod(await this.deps.runtime.sandboxes.list());
      if (observed && this.deps.sourcesReady()) {
        const held = await this.leftoverPodUids();
        for (const uid of new Set([...observed.keys(), ...held])) {
          if (!this.deps.slots.has(uid)) this.deps.slots.schedule(uid, this.deps.slots.slot(uid), undefined);
        }
      }
      for (const [uid, slot] of this.deps.slots) {
        const settled = slot.settled;
        const state = observed?.get(uid) ?? {
          podUid: uid,
          sandboxes: sandboxes?.get(uid) ?? [],
          containers: [],
        };
        const unchanged = observed
          ? settled?.fingerprint === fingerprint(state)
          : settled?.sandboxes === fingerprint({ ...state, containers: [] });
        if (settled && unchanged && now - settled.at < RESYNC_INTERVAL_MS) continue;
        this.deps.slots.schedule(uid, slot, slot.pod);
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'relist failed');
    }
  }

  /**
   * A crash may leave a pod's directory or cgroup before any record names it (kubelet_pods.go
   * cleanupOrphanedPodDirs, cleanupOrphanedPodCgroups). Only a daemon crash leaves them, so they are looked for at
   * the first relist after the sources are ready and then once a resync period, not every second.
   */
  private async leftoverPodUids(): Promise<Set<string>> {
    const now = Date.now();
    if (now - this.leftoversScannedAt < RESYNC_INTERVAL_MS) return new Set();
    this.leftoversScannedAt = now;
    return this.deps.runtime.podUids();
  }
}
