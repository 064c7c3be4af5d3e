import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { podContainer } from '../api/pod-containers.js';
import { burstableQosCpuShares } from '../api/resources.js';
import type { PodRuntimeState } from '../runtime/runtime.js';
import type { Logger } from '../util/log.js';
import { DEFAULT_BUCKETS, Histogram, type MetricsRegistry } from '../util/prometheus.js';
import { pastActiveDeadline } from './active-deadline.js';
import { appArmorBlock } from './apparmor-admission.js';
import { gracePeriod } from './container-lifecycle-hooks.js';
import type { PodEvent } from './events.js';
import { EvictionManager, type NodePressureConfig } from './eviction/eviction-manager.js';
import type { PressureCondition } from './eviction/thresholds.js';
import { Pleg } from './pleg.js';
import { admitPod, byCreation } from './pod-admission.js';
import { fingerprint, isSettled } from './pod-settled.js';
import { PodSlots, type PodSlot } from './pod-slots.js';
import { PodStatusManager, type PodStatusSink } from './pod-status-manager.js';
import { PodWorker, type PodWorkerDeps } from './pod-worker.js';
import type { PodFailure } from './status/facts.js';
import { isPodTerminal } from './status/pod-status.js';
import { rejectedPodStatus } from './status/rejected-pod-status.js';
import { ProbeManager } from './prober/probe-manager.js';
import { probeTargets } from './prober/probe-targets.js';

export interface KubeletDeps extends PodWorkerDeps {
  /** The pod sources (`file`, `api`); orphans are removed only once each has reported (kubelet sourcesReady). */
  sources: readonly string[];
  status?: PodStatusSink;
  /** Where the pod workers' sync latency is recorded (`/metrics`). */
  metrics?: MetricsRegistry;
  /** Node-pressure eviction; without it only local-storage limits are enforced. */
  nodePressure?: NodePressureConfig;
  /** Records an event about the Node (EvictionThresholdMet). */
  nodeEvent?(event: PodEvent): void;
  /** The node's pressure conditions changed: the Node status should show them. */
  pressureChanged?(conditions: readonly PressureCondition[]): void;
}

/** eviction_manager.go immediateEvictionGracePeriodSeconds */
const IMMEDIATE_EVICTION_GRACE_SECONDS = 1;

/**
 * The grace period of a runtime pod no source knows (found after a restart): kubelet_pods.go HandlePodCleanups kills
 * those with PodTerminationGracePeriodSecondsOverride 1.
 */
const ORPHAN_GRACE_SECONDS = 1;

/**
 * Drives every pod toward its spec: one serialized worker per pod UID, woken by changes to the desired set, by
 * container exits and by the periodic relist (pleg.ts); pods that are no longer desired are stopped and removed. It
 * also holds what the kubelet's admission holds: which pods were admitted or rejected, and which failed as a whole.
 * The last status of each pod is the status manager's (pod-status-manager.ts).
 */
export class Kubelet {
  private readonly slots = new PodSlots((uid, slot, previous) => this.work(uid, slot, previous));
  private readonly worker: PodWorker;
  private readonly logger: Logger;
  /** Whether every pod source has reported (see PlegDeps.sourcesReady). */
  private sourcesReady = false;
  private readonly pleg: Pleg;
  private readonly bySource = new Map<string, Pod[]>();
  private readonly statuses: PodStatusManager;
  /** Pods admitted by this process, and the rejected ones with why; a pod is admitted once, when first seen. */
  private readonly admitted = new Set<string>();
  private readonly rejected = new Map<string, PodFailure>();
  /** Pods failed as a whole (past activeDeadlineSeconds, evicted), with the grace their kill gets when not the pod's. */
  private readonly failed = new Map<string, { failure: PodFailure; graceSeconds?: number }>();
  private readonly eviction: EvictionManager;
  private readonly syncDuration: Histogram | undefined;
  private readonly probes: ProbeManager;

  constructor(private readonly deps: KubeletDeps) {
    this.worker = new PodWorker(deps);
    this.logger = deps.logger;
    this.syncDuration = deps.metrics?.register(
      new Histogram(
        'kubelet_pod_worker_duration_seconds',
        'Duration in seconds to sync a single pod, by operation.',
        DEFAULT_BUCKETS,
      ),
    );
    this.eviction = new EvictionManager({
      runtime: deps.runtime,
      activePods: () => this.activePods(),
      evict: (pod, failure) => this.evict(pod, failure),
      logger: deps.logger,
      reclaimDisk: () => this.removeDeadContainers(),
      ...(deps.nodePressure ? { pressure: deps.nodePressure } : {}),
      ...(deps.nodeEvent ? { nodeEvent: deps.nodeEvent } : {}),
      ...(deps.pressureChanged ? { conditionsChanged: deps.pressureChanged } : {}),
    });
    this.probes = new ProbeManager({
      exec: deps.exec,
      events: deps.events,
      onChange: (uid) => {
        const slot = this.slots.get(uid);
        if (slot) this.slots.schedule(uid, slot, slot.pod);
      },
    });
    this.statuses = new PodStatusManager({
      sink: deps.status,
      paths: deps.runtime.paths,
      nodeIP: deps.nodeIP,
      waitingReasons: (uid) => this.worker.waitingReasons(uid),
      probes: this.probes,
    });
    this.pleg = new Pleg({
      runtime: deps.runtime,
      slots: this.slots,
      sourcesReady: () => this.sourcesReady,
      logger: deps.logger,
    });
  }

  /** Replaces one source's pods; the desired set is the union of every source's. */
  setPods(source: string, pods: Pod[]): void {
    this.bySource.set(source, pods);
    const wasReady = this.sourcesReady;
    this.sourcesReady = this.deps.sources.every((s) => this.bySource.has(s));
    // Runtime pods no source knows are looked for at the next relist, not up to a full relist period later.
    if (this.sourcesReady && !wasReady) this.pleg.fullRelistNext();
    this.setDesiredPods([...this.bySource.values()].flat());
  }

  /** Wakes the worker of one source's pod by name (a static pod whose mirror pod was deleted). */
  resync(source: string, namespace: string, name: string): void {
    const pod = this.bySource
      .get(source)
      ?.find((p) => p.metadata?.namespace === namespace && p.metadata.name === name);
    const uid = pod?.metadata?.uid ?? '';
    const slot = this.slots.get(uid);
    if (slot) this.slots.schedule(uid, slot, slot.pod);
  }

  private setDesiredPods(pods: Pod[]): void {
    const wanted = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
    for (const [uid, slot] of this.slots) if (!wanted.has(uid)) this.slots.schedule(uid, slot, undefined);
    // HandlePodAdditions admits new pods oldest first, each against those admitted before it.
    for (const pod of [...wanted.values()].sort(byCreation)) this.admit(pod);
    // Only the pods that changed: a source hands over all of its pods at every change of one (the kubelet's
    // HandlePodUpdates dispatches the changed ones), and syncing them all made a burst of N pods cost N² syncs.
    for (const [uid, pod] of wanted) {
      const slot = this.slots.slot(uid);
      if (slot.pod !== pod) this.slots.schedule(uid, slot, pod);
    }
    // The burstable QoS cgroup's shares are the sum of its pods' requests (kubelet qos_container_manager_linux.go).
    this.deps.runtime.cgroups
      .setBurstableCpuShares(burstableQosCpuShares(pods))
      .catch((err: unknown) => this.logger.error({ err }, 'updating the burstable QoS cgroup failed'));
  }

  /** kubelet canAdmitPod + rejectPod: a pod that does not fit fails at once with the reason as a Warning event. */
  private admit(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.admitted.has(uid) || this.rejected.has(uid)) return;
    if (pod.metadata?.deletionTimestamp || isPodTerminal(this.statuses.last(pod))) return;
    const active = [...this.slots.entries()]
      .filter(([id, s]) => this.admitted.has(id) && s.pod && !isPodTerminal(this.statuses.last(s.pod)))
      .map(([, s]) => s.pod as Pod);
    const rejection = admitPod(pod, active, this.deps.allocatable, this.eviction.nodeConditions());
    if (!rejection) {
      this.admitted.add(uid);
      return;
    }
    this.deps.events.record(pod, { type: 'Warning', ...rejection });
    this.rejected.set(uid, { reason: rejection.reason, message: `Pod was rejected: ${rejection.message}` });
  }

  async start(): Promise<void> {
    await this.deps.runtime.cleanUpIncomplete();
    this.deps.runtime.watchExits((id) => void this.onContainerExit(id));
    this.pleg.start();
    this.eviction.start();
    await this.pleg.relist();
  }

  async stop(): Promise<void> {
    this.pleg.stop();
    this.eviction.stop();
    this.probes.close();
    this.deps.runtime.close();
    await Promise.all([...this.slots.values()].map((s) => s.running));
  }

  /** Resolves when every pod worker is idle; for tests and orderly shutdown. */
  idle(): Promise<void> {
    return this.slots.idle();
  }

  private async onContainerExit(containerId: string): Promise<void> {
    const record = await this.deps.runtime.containers.load(containerId).catch(() => undefined);
    const slot = record && this.slots.get(record.podUid);
    if (record && slot) this.slots.schedule(record.podUid, slot, slot.pod);
  }

  private async work(uid: string, slot: PodSlot, previous: Pod | undefined): Promise<void> {
    const pod = slot.pod;
    const started = performance.now();
    try {
      if (pod) {
        const { state, status } = await this.syncPod(uid, pod);
        if (!slot.dirty && isSettled(pod, status))
          slot.settled = {
            fingerprint: fingerprint(state),
            sandboxes: fingerprint({ ...state, containers: [] }),
            at: Date.now(),
          };
      } else {
        await this.worker.kill(uid, previous ? gracePeriod(previous) : ORPHAN_GRACE_SECONDS, previous);
        if (!slot.pod) this.forget(uid);
      }
      slot.lastError = undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Logged once per distinct failure: the relist retries every second.
      if (message !== slot.lastError)
        this.logger.error({ pod: pod?.metadata?.name, uid, err }, 'pod sync failed');
      slot.lastError = message;
    } finally {
      const operation = !pod ? 'kill' : pod.metadata?.deletionTimestamp ? 'terminate' : 'sync';
      this.syncDuration?.observe({ operation }, (performance.now() - started) / 1000);
    }
  }

  /**
   * The pod worker's three states: deleted (stop, write the last status, let the object go), terminal (finished,
   * rejected or past its deadline: stop what still runs, keep the containers for their logs) and running.
   */
  private async syncPod(uid: string, pod: Pod): Promise<SyncResult> {
    if (pod.metadata?.deletionTimestamp) {
      this.probes.removePod(uid);
      // kubectl delete: stop within the pod's grace period, write the last status and let the API object go; the
      // pod's removal from the desired set then tears it down.
      await this.worker.stopPod(uid, gracePeriod(pod), pod);
      const state = await this.deps.runtime.podState(uid);
      const status = await this.statuses.update(pod, state, { terminating: true });
      await this.deps.status?.terminated(pod);
      return { state, status };
    }
    const rejection = this.rejected.get(uid);
    if (rejection) {
      const status = rejectedPodStatus(pod, rejection, this.statuses.last(pod), new Date());
      await this.statuses.write(pod, status);
      return { state: await this.deps.runtime.podState(uid), status };
    }
    this.deadlineFailure(pod);
    const failed = this.failed.get(uid);
    const failure = failed?.failure;
    if (failure || isPodTerminal(this.statuses.last(pod))) {
      this.probes.removePod(uid);
      await this.worker.stopPod(uid, failed?.graceSeconds ?? gracePeriod(pod), pod);
      const state = await this.deps.runtime.podState(uid);
      return { state, status: await this.statuses.update(pod, state, { terminating: true, failure }) };
    }
    // Soft admission (canRunPod): a pod the host cannot run as asked is held Pending, with nothing running.
    // Checked while the pod is Pending only (lifecycle appArmorAdmitHandler).
    const pending = (this.statuses.last(pod)?.phase ?? 'Pending') === 'Pending';
    const blocked = pending ? appArmorBlock(pod, this.deps.runtime.host.appArmor) : undefined;
    if (blocked) {
      this.probes.removePod(uid);
      await this.worker.stopPod(uid, gracePeriod(pod), pod);
      const state = await this.deps.runtime.podState(uid);
      return { state, status: await this.statuses.update(pod, state, { blocked }) };
    }
    await this.killUnhealthy(pod);
    const state = await this.worker.sync(pod);
    this.probes.update(uid, probeTargets(pod, state));
    const status = await this.statuses.update(pod, state, {});
    return isPodTerminal(status) ? this.syncPod(uid, pod) : { state, status };
  }

  /**
   * Containers whose liveness or startup probe failed are killed with the probe's grace period when it sets one;
   * the sync that follows restarts them under the pod's restartPolicy.
   */
  private async killUnhealthy(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const failures = this.probes.takeFailures(uid);
    if (failures.length === 0) return;
    const state = await this.deps.runtime.podState(uid);
    for (const failure of failures) {
      const container = state.containers.find((c) => c.record.id === failure.containerId);
      if (container?.state !== 'running') continue;
      const spec = podContainer(pod, failure.containerName);
      const probe = failure.kind === 'liveness' ? spec?.livenessProbe : spec?.startupProbe;
      const restarts =
        container.record.kind === 'sidecar' || (pod.spec?.restartPolicy ?? 'Always') !== 'Never';
      const message = `Container ${failure.containerName} failed ${failure.kind} probe${restarts ? ', will be restarted' : ''}`;
      const grace = probe?.terminationGracePeriodSeconds ?? gracePeriod(pod);
      await this.worker.killContainer(pod, container, grace, message);
    }
  }

  /** activeDeadlineSeconds, counted from the status' startTime (pkg/kubelet/active_deadline.go). */
  private deadlineFailure(pod: Pod): void {
    if (this.failed.has(pod.metadata?.uid ?? '')) return;
    const failure = pastActiveDeadline(pod, this.statuses.last(pod)?.startTime, new Date());
    if (failure) {
      this.failed.set(pod.metadata?.uid ?? '', { failure });
      this.deps.events.record(pod, { type: 'Normal', ...failure });
    }
  }

  /**
   * The eviction manager's verdict: the pod fails with reason Evicted and its containers get the immediate
   * eviction grace period (1 s), with a Warning Evicted event (eviction_manager.go evictPod).
   */
  private evict(pod: Pod, failure: PodFailure): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.failed.has(uid)) return;
    this.logger.info({ pod: pod.metadata?.name, reason: failure.message }, 'evicting pod');
    this.failed.set(uid, { failure, graceSeconds: IMMEDIATE_EVICTION_GRACE_SECONDS });
    this.deps.events.record(pod, { type: 'Warning', reason: 'Evicted', message: failure.message });
    const slot = this.slots.get(uid);
    if (slot) this.slots.schedule(uid, slot, slot.pod);
  }

  /** The node pressure conditions now True (MemoryPressure, DiskPressure, PIDPressure). */
  pressureConditions(): PressureCondition[] {
    return this.eviction.nodeConditions();
  }

  /**
   * containerGC.DeleteAllUnusedContainers under disk pressure: the exited containers of pods that are finished (and
   * whose worker is idle) go, writable layers and logs with them; their last status is kept.
   */
  private async removeDeadContainers(): Promise<void> {
    for (const [uid, slot] of this.slots) {
      const pod = slot.pod;
      if (!pod || slot.running || !(this.failed.has(uid) || isPodTerminal(this.statuses.last(pod)))) continue;
      const state = await this.deps.runtime.podState(uid);
      if (state.containers.some((c) => c.state === 'running')) continue;
      for (const c of state.containers) await this.deps.runtime.containers.remove(c.record.id);
    }
  }

  /** Admitted pods that are neither finished, failed nor being deleted: what eviction may act on. */
  private activePods(): Pod[] {
    return [...this.slots.entries()].flatMap(([uid, slot]) => {
      const pod = slot.pod;
      if (!pod || !this.admitted.has(uid) || this.failed.has(uid) || pod.metadata?.deletionTimestamp)
        return [];
      return isPodTerminal(this.statuses.last(pod)) ? [] : [pod];
    });
  }

  private forget(uid: string): void {
    this.slots.delete(uid);
    this.statuses.forgetPod(uid);
    this.admitted.delete(uid);
    this.rejected.delete(uid);
    this.failed.delete(uid);
    this.probes.removePod(uid);
  }
}

interface SyncResult {
  state: PodRuntimeState;
  status: PodStatus;
}
