import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { podContainer } from '../api/pod-containers.js';
import { burstableQosCpuShares } from '../api/resources.js';
import type { PodRuntimeState } from '../runtime/runtime.js';
import type { SandboxStatus } from '../runtime/types.js';
import type { Logger } from '../util/log.js';
import { DEFAULT_BUCKETS, Histogram, type MetricsRegistry } from '../util/prometheus.js';
import { pastActiveDeadline } from './active-deadline.js';
import { appArmorBlock } from './apparmor-admission.js';
import type { PodEvent } from './events.js';
import { EvictionManager, type NodePressureConfig } from './eviction/eviction-manager.js';
import type { PressureCondition } from './eviction/thresholds.js';
import { admitPod } from './pod-admission.js';
import { gracePeriod, PodWorker, type PodWorkerDeps } from './pod-worker.js';
import type { PodFailure } from './status/facts.js';
import { isSidecar } from './status/container-statuses.js';
import { computePodStatus, isPodTerminal } from './status/pod-status.js';
import { rejectedPodStatus } from './status/rejected-pod-status.js';
import { ProbeManager, type ProbeTarget } from './prober/probe-manager.js';
import { TerminationMessages } from './termination-messages.js';

/** Where pod status goes: the API server's store (through the mirror pod for a static pod). */
export interface PodStatusSink {
  /** The status stored for the pod, the base of the first status this kubelet process computes for it. */
  stored(pod: Pod): PodStatus | undefined;
  /** Writes the status when it differs from the stored one. */
  write(pod: Pod, status: PodStatus): Promise<void>;
  /** A pod marked for deletion has been stopped and torn down: it may go for good. */
  terminated(pod: Pod): Promise<void>;
}

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

/** How often pods still starting, restarting or backing off are synced (the kubelet's PLEG relist is 1 s). */
export const RELIST_INTERVAL_MS = 1000;

/**
 * How often the whole runtime is observed. A container's exit wakes its pod's worker at once (conmon's exit file,
 * seen through inotify) and pause processes are looked at every second, so like the kubelet's Evented PLEG the full
 * relist only catches what no event reports: a monitor that died, a runtime pod nobody asked for (decision 0043).
 */
export const FULL_RELIST_INTERVAL_MS = 10_000;

/** eviction_manager.go immediateEvictionGracePeriodSeconds */
const IMMEDIATE_EVICTION_GRACE_SECONDS = 1;

/**
 * The grace period of a runtime pod no source knows (found after a restart): kubelet_pods.go HandlePodCleanups kills
 * those with PodTerminationGracePeriodSecondsOverride 1.
 */
const ORPHAN_GRACE_SECONDS = 1;

/** How often a settled pod is synced anyway (the kubelet's --sync-frequency). */
export const RESYNC_INTERVAL_MS = 60_000;

interface PodSlot {
  pod: Pod | undefined;
  running: Promise<void> | undefined;
  dirty: boolean;
  lastError: string | undefined;
  /**
   * What the runtime showed after the last sync, when that sync left the pod settled (every container running, or
   * the pod finished): the relist wakes the worker only when the runtime shows something else.
   */
  settled: { fingerprint: string; sandboxes: string; at: number } | undefined;
}

/**
 * Drives every pod toward its spec: one serialized worker per pod UID, woken by changes to the desired set, by
 * container exits and by the periodic relist; pods that are no longer desired are stopped and removed. It also
 * holds what the kubelet's status manager and admission hold: the last status of each pod and which pods were
 * admitted or rejected.
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
  private leftoversScannedAt = 0;
  private fullRelistAt = 0;
  private readonly bySource = new Map<string, Pod[]>();
  private readonly statuses = new Map<string, PodStatus>();
  /** Pods admitted by this process, and the rejected ones with why; a pod is admitted once, when first seen. */
  private readonly admitted = new Set<string>();
  private readonly rejected = new Map<string, PodFailure>();
  /** Pods failed as a whole (past activeDeadlineSeconds, evicted), with the grace their kill gets when not the pod's. */
  private readonly failed = new Map<string, { failure: PodFailure; graceSeconds?: number }>();
  private readonly eviction: EvictionManager;
  private readonly syncDuration: Histogram | undefined;
  private readonly messages: TerminationMessages;
  private readonly probes: ProbeManager;

  constructor(private readonly deps: KubeletDeps) {
    this.worker = new PodWorker(deps);
    this.logger = deps.logger;
    this.messages = new TerminationMessages(deps.runtime.paths);
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
        if (slot) this.schedule(uid, slot, slot.pod);
      },
    });
  }

  /** Replaces one source's pods; the desired set is the union of every source's. */
  setPods(source: string, pods: Pod[]): void {
    this.bySource.set(source, pods);
    const wasReady = this.sourcesReady;
    this.sourcesReady = this.deps.sources.every((s) => this.bySource.has(s));
    // Runtime pods no source knows are looked for at the next relist, not up to a full relist period later.
    if (this.sourcesReady && !wasReady) this.fullRelistAt = 0;
    this.setDesiredPods([...this.bySource.values()].flat());
  }

  /** Wakes the worker of one source's pod by name (a static pod whose mirror pod was deleted). */
  resync(source: string, namespace: string, name: string): void {
    const pod = this.bySource
      .get(source)
      ?.find((p) => p.metadata?.namespace === namespace && p.metadata.name === name);
    const uid = pod?.metadata?.uid ?? '';
    const slot = this.slots.get(uid);
    if (slot) this.schedule(uid, slot, slot.pod);
  }

  private setDesiredPods(pods: Pod[]): void {
    const wanted = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
    for (const [uid, slot] of this.slots) if (!wanted.has(uid)) this.schedule(uid, slot, undefined);
    // HandlePodAdditions admits new pods oldest first, each against those admitted before it.
    for (const pod of [...wanted.values()].sort(byCreation)) this.admit(pod);
    for (const [uid, pod] of wanted) this.schedule(uid, this.slot(uid), pod);
    // The burstable QoS cgroup's shares are the sum of its pods' requests (kubelet qos_container_manager_linux.go).
    this.deps.runtime.cgroups
      .setBurstableCpuShares(burstableQosCpuShares(pods))
      .catch((err: unknown) => this.logger.error({ err }, 'updating the burstable QoS cgroup failed'));
  }

  /** kubelet canAdmitPod + rejectPod: a pod that does not fit fails at once with the reason as a Warning event. */
  private admit(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.admitted.has(uid) || this.rejected.has(uid)) return;
    if (pod.metadata?.deletionTimestamp || isPodTerminal(this.lastStatus(pod))) return;
    const active = [...this.slots.entries()]
      .filter(([id, s]) => this.admitted.has(id) && s.pod && !isPodTerminal(this.lastStatus(s.pod)))
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
    this.timer = setInterval(() => void this.relist(), RELIST_INTERVAL_MS);
    this.eviction.start();
    await this.relist();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.eviction.stop();
    this.probes.close();
    this.deps.runtime.close();
    await Promise.all([...this.slots.values()].map((s) => s.running));
  }

  /** Resolves when every pod worker is idle; for tests and orderly shutdown. */
  async idle(): Promise<void> {
    while ([...this.slots.values()].some((s) => s.running)) {
      await Promise.all([...this.slots.values()].map((s) => s.running));
    }
  }

  /**
   * The PLEG: wakes the workers of pods that are not settled and, at a full relist, of pods whose containers
   * changed and of runtime pods nobody asked for (left by a removed manifest while podlet was down).
   */
  private async relist(): Promise<void> {
    try {
      const now = Date.now();
      const full = now - this.fullRelistAt >= FULL_RELIST_INTERVAL_MS;
      if (full) this.fullRelistAt = now;
      const observed = full
        ? new Map((await this.deps.runtime.listPods()).map((p) => [p.podUid, p]))
        : undefined;
      // Between full relists only the pause processes are looked at: they have no conmon to report their end.
      const sandboxes = observed ? undefined : sandboxesByPod(await this.deps.runtime.sandboxes.list());
      if (observed && this.sourcesReady) {
        const held = await this.leftoverPodUids();
        for (const uid of new Set([...observed.keys(), ...held])) {
          if (!this.slots.has(uid)) this.schedule(uid, this.slot(uid), undefined);
        }
      }
      for (const [uid, slot] of this.slots) {
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
        this.schedule(uid, slot, slot.pod);
      }
    } catch (err) {
      this.logger.error({ err }, 'relist failed');
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
        (slot = {
          pod: undefined,
          running: undefined,
          dirty: false,
          lastError: undefined,
          settled: undefined,
        }),
      );
    return slot;
  }

  private schedule(uid: string, slot: PodSlot, pod: Pod | undefined): void {
    const previous = slot.pod;
    slot.pod = pod;
    slot.settled = undefined;
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
      const status = await this.updateStatus(pod, state, { terminating: true });
      await this.deps.status?.terminated(pod);
      return { state, status };
    }
    const rejection = this.rejected.get(uid);
    if (rejection) {
      const status = rejectedPodStatus(pod, rejection, this.lastStatus(pod), new Date());
      await this.writeStatus(pod, status);
      return { state: await this.deps.runtime.podState(uid), status };
    }
    this.deadlineFailure(pod);
    const failed = this.failed.get(uid);
    const failure = failed?.failure;
    if (failure || isPodTerminal(this.lastStatus(pod))) {
      this.probes.removePod(uid);
      await this.worker.stopPod(uid, failed?.graceSeconds ?? gracePeriod(pod), pod);
      const state = await this.deps.runtime.podState(uid);
      return { state, status: await this.updateStatus(pod, state, { terminating: true, failure }) };
    }
    // Soft admission (canRunPod): a pod the host cannot run as asked is held Pending, with nothing running.
    // Checked while the pod is Pending only (lifecycle appArmorAdmitHandler).
    const pending = (this.lastStatus(pod)?.phase ?? 'Pending') === 'Pending';
    const blocked = pending ? appArmorBlock(pod, this.deps.runtime.host.appArmor) : undefined;
    if (blocked) {
      this.probes.removePod(uid);
      await this.worker.stopPod(uid, gracePeriod(pod), pod);
      const state = await this.deps.runtime.podState(uid);
      return { state, status: await this.updateStatus(pod, state, { blocked }) };
    }
    await this.killUnhealthy(pod);
    const state = await this.worker.sync(pod);
    this.probes.update(uid, probeTargets(pod, state));
    const status = await this.updateStatus(pod, state, {});
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
    const failure = pastActiveDeadline(pod, this.lastStatus(pod)?.startTime, new Date());
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
    if (slot) this.schedule(uid, slot, slot.pod);
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
      if (!pod || slot.running || !(this.failed.has(uid) || isPodTerminal(this.lastStatus(pod)))) continue;
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
      return isPodTerminal(this.lastStatus(pod)) ? [] : [pod];
    });
  }

  private lastStatus(pod: Pod): PodStatus | undefined {
    return this.statuses.get(pod.metadata?.uid ?? '') ?? this.deps.status?.stored(pod) ?? pod.status;
  }

  /** The status manager's step: compute from the runtime and the kubelet's facts, remember, write. */
  private async updateStatus(
    pod: Pod,
    state: PodRuntimeState,
    verdict: { terminating?: boolean; failure?: PodFailure | undefined; blocked?: PodFailure },
  ): Promise<PodStatus> {
    const uid = pod.metadata?.uid ?? '';
    const sandbox = state.sandboxes.find((s) => s.state === 'ready');
    const status = computePodStatus(
      pod,
      state,
      {
        waiting: this.worker.waitingReasons(uid),
        terminationMessages: await this.messages.of(pod, state.containers),
        readiness: this.probes.readiness(uid),
        started: this.probes.started(uid),
        hostIP: this.deps.nodeIP,
        podIPs: sandbox?.record.ips ?? [],
        terminating: verdict.terminating === true,
        ...(verdict.failure ? { failure: verdict.failure } : {}),
        ...(verdict.blocked ? { blocked: verdict.blocked } : {}),
      },
      this.lastStatus(pod),
      new Date(),
    );
    await this.writeStatus(pod, status);
    return status;
  }

  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    this.statuses.set(pod.metadata?.uid ?? '', status);
    await this.deps.status?.write(pod, status);
  }

  private forget(uid: string): void {
    this.slots.delete(uid);
    this.statuses.delete(uid);
    this.admitted.delete(uid);
    this.rejected.delete(uid);
    this.failed.delete(uid);
    this.messages.forgetPod(uid);
    this.probes.removePod(uid);
  }
}

interface SyncResult {
  state: PodRuntimeState;
  status: PodStatus;
}

/**
 * Nothing for the worker to do until something changes: the pod finished, or every container runs and no deadline
 * is pending. Pods still starting, restarting or backing off are synced at every relist.
 */
function isSettled(pod: Pod, status: PodStatus): boolean {
  if (isPodTerminal(status)) return true;
  if (pod.spec?.activeDeadlineSeconds !== undefined) return false;
  const running = (s: ContainerStatus) => s.state?.running !== undefined;
  const sidecar = (s: ContainerStatus) =>
    pod.spec?.initContainers?.some((c) => c.name === s.name && isSidecar(c));
  // Sidecars run like regular containers; a regular init container is done once it exited 0.
  const initDone = (status.initContainerStatuses ?? []).every((s) =>
    sidecar(s) ? running(s) : s.state?.terminated?.exitCode === 0,
  );
  return initDone && (status.containerStatuses ?? []).every(running);
}

/** The runtime's view of a pod that the relist compares: which instances exist and in which state. */
function fingerprint(state: PodRuntimeState): string {
  const parts = [
    ...state.sandboxes.map((s) => `${s.record.id}:${s.state}`),
    ...state.containers.map((c) => `${c.record.id}:${c.state}`),
  ];
  return parts.sort().join(',');
}

function sandboxesByPod(sandboxes: readonly SandboxStatus[]): Map<string, SandboxStatus[]> {
  const byPod = new Map<string, SandboxStatus[]>();
  for (const s of sandboxes) byPod.set(s.record.podUid, [...(byPod.get(s.record.podUid) ?? []), s]);
  return byPod;
}

/** The running containers of the pod's live sandbox, for the probe workers. */
function probeTargets(pod: Pod, state: PodRuntimeState): ProbeTarget[] {
  const sandbox = state.sandboxes.find((s) => s.state === 'ready');
  if (!sandbox) return [];
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return state.containers.flatMap((c) => {
    const container = specs.find((s) => s.name === c.record.name);
    if (c.state !== 'running' || c.record.sandboxId !== sandbox.record.id || !container) return [];
    const startedAt = new Date(c.record.startedAt ?? c.record.createdAt);
    const podIP = sandbox.record.ips[0] ?? '';
    return [{ podUid: c.record.podUid, pod, container, containerId: c.record.id, startedAt, podIP }];
  });
}

function byCreation(a: Pod, b: Pod): number {
  return Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? '');
}
