import type { Pod } from 'kubernetes-types/core/v1.js';
import { burstableQosCpuShares } from '../api/resources.js';
import type { Logger } from '../util/log.js';
import { gracePeriod, PodWorker, type PodWorkerDeps } from './pod-worker.js';
import type { ContainerWaitingInfo } from './status/facts.js';
import type { PodRuntimeState } from '../runtime/runtime.js';

/** Where pod status goes: the API server's store (through the mirror pod for a static pod), or nowhere. */
export interface PodStatusSink {
  /** After every sync: what the runtime shows now, and why containers are waiting. */
  report(pod: Pod, state: PodRuntimeState, waiting: ReadonlyMap<string, ContainerWaitingInfo>): Promise<void>;
  /** A pod marked for deletion has been stopped and torn down: it may go for good. */
  terminated(pod: Pod): Promise<void>;
}

export interface KubeletDeps extends PodWorkerDeps {
  /** The pod sources (`file`, `api`); orphans are removed only once each has reported (kubelet sourcesReady). */
  sources: readonly string[];
  status?: PodStatusSink;
}

/** How often the runtime is relisted to catch what no event reported (the kubelet's PLEG relist is 1 s). */
export const RELIST_INTERVAL_MS = 1000;

interface PodSlot {
  pod: Pod | undefined;
  running: Promise<void> | undefined;
  dirty: boolean;
  lastError: string | undefined;
}

/**
 * Drives every pod toward its spec: one serialized worker per pod UID, woken by changes to the desired set, by
 * container exits and by the periodic relist; pods that are no longer desired are stopped and removed.
 */
export class Kubelet {
  private readonly slots = new Map<string, PodSlot>();
  private readonly worker: PodWorker;
  private timer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;
  /**
   * Runtime pods nobody asked for are removed only once the pod sources have reported: right after a restart
   * every running pod would otherwise look orphaned (kubelet sourcesReady).
   */
  private sourcesReady = false;
  private readonly bySource = new Map<string, Pod[]>();

  constructor(private readonly deps: KubeletDeps) {
    this.worker = new PodWorker(deps);
    this.logger = deps.logger;
  }

  /** Replaces one source's pods; the desired set is the union of every source's. */
  setPods(source: string, pods: Pod[]): void {
    this.bySource.set(source, pods);
    this.sourcesReady = this.deps.sources.every((s) => this.bySource.has(s));
    this.setDesiredPods([...this.bySource.values()].flat());
  }

  private setDesiredPods(pods: Pod[]): void {
    const wanted = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
    for (const [uid, slot] of this.slots) if (!wanted.has(uid)) this.schedule(uid, slot, undefined);
    for (const [uid, pod] of wanted) this.schedule(uid, this.slot(uid), pod);
    // The burstable QoS cgroup's shares are the sum of its pods' requests (kubelet qos_container_manager_linux.go).
    this.deps.runtime.cgroups
      .setBurstableCpuShares(burstableQosCpuShares(pods))
      .catch((err: unknown) => this.logger.error({ err }, 'updating the burstable QoS cgroup failed'));
  }

  async start(): Promise<void> {
    await this.deps.runtime.cleanUpIncomplete();
    this.deps.runtime.watchExits((id) => void this.onContainerExit(id));
    this.timer = setInterval(() => void this.relist(), RELIST_INTERVAL_MS);
    await this.relist();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.deps.runtime.close();
    await Promise.all([...this.slots.values()].map((s) => s.running));
  }

  /** Resolves when every pod worker is idle; for tests and orderly shutdown. */
  async idle(): Promise<void> {
    while ([...this.slots.values()].some((s) => s.running)) {
      await Promise.all([...this.slots.values()].map((s) => s.running));
    }
  }

  /** Includes runtime pods nobody asked for (left by a removed manifest while podlet was down). */
  private async relist(): Promise<void> {
    try {
      if (this.sourcesReady) {
        for (const uid of await this.deps.runtime.podUids()) {
          if (!this.slots.has(uid)) this.schedule(uid, this.slot(uid), undefined);
        }
      }
      for (const [uid, slot] of this.slots) this.schedule(uid, slot, slot.pod);
    } catch (err) {
      this.logger.error({ err }, 'relist failed');
    }
  }

  private async onContainerExit(containerId: string): Promise<void> {
    const record = await this.deps.runtime.containers.load(containerId).catch(() => undefined);
    const slot = record && this.slots.get(record.podUid);
    if (record && slot) this.schedule(record.podUid, slot, slot.pod);
  }

  private slot(uid: string): PodSlot {
    let slot = this.slots.get(uid);
    if (!slot)
      this.slots.set(
        uid,
        (slot = { pod: undefined, running: undefined, dirty: false, lastError: undefined }),
      );
    return slot;
  }

  private schedule(uid: string, slot: PodSlot, pod: Pod | undefined): void {
    const previous = slot.pod;
    slot.pod = pod;
    if (slot.running) {
      slot.dirty = true;
      return;
    }
    slot.running = this.work(uid, slot, previous).finally(() => {
      slot.running = undefined;
      if (slot.dirty) {
        slot.dirty = false;
        this.schedule(uid, slot, slot.pod);
      }
    });
  }

  private async work(uid: string, slot: PodSlot, previous: Pod | undefined): Promise<void> {
    const pod = slot.pod;
    try {
      if (pod?.metadata?.deletionTimestamp) {
        // kubectl delete: stop within the pod's grace period, tear down, then let the API object go.
        await this.worker.kill(uid, gracePeriod(pod));
        await this.deps.status?.terminated(pod);
      } else if (pod) {
        await this.worker.sync(pod);
        if (this.deps.status) {
          const state = await this.deps.runtime.podState(uid);
          await this.deps.status.report(pod, state, this.worker.waitingReasons(uid));
        }
      } else {
        await this.worker.kill(uid, previous ? gracePeriod(previous) : 30);
        if (!slot.pod) this.slots.delete(uid);
      }
      slot.lastError = undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Logged once per distinct failure: the relist retries every second.
      if (message !== slot.lastError)
        this.logger.error({ pod: pod?.metadata?.name, uid, err }, 'pod sync failed');
      slot.lastError = message;
    }
  }
}
