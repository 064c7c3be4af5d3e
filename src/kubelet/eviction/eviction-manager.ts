// The eviction manager (pkg/kubelet/eviction/eviction_manager.go synchronize): every 10 s it observes the node's
// signals and updates the pressure conditions, evicts every pod over a local-storage limit (checked first, as
// upstream), and otherwise, while a threshold is met, reclaims what the node can (dead containers) and then evicts at
// most one pod, ranked as the kubelet ranks them.
import { dirname } from 'node:path';
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { computeQosClass, isCriticalPod } from '../../api/qos.js';
import { kubeTime } from '../../api/time.js';
import type { ContainerRuntime } from '../../runtime/runtime.js';
import type { Logger } from '../../util/log.js';
import { emptyDirPath } from '../../volume/empty-dir.js';
import type { PodEvent } from '../events.js';
import type { PodFailure } from '../status/facts.js';
import { diskUsage } from '../../util/disk-usage.js';
import { hasLocalStorageLimit, localStorageViolation, type PodStorageUsage } from './local-storage.js';
import { PressureConditions } from './pressure.js';
import { evictionMessage, rankForEviction, type PodUsage } from './ranking.js';
import { observeSignals, type SignalSources } from './signals.js';
import {
  resourceOf,
  thresholdsMet,
  type Observations,
  type PressureCondition,
  type Threshold,
} from './thresholds.js';

/** evictionMonitoringPeriod */
export const EVICTION_INTERVAL_MS = 10_000;

/** Node-pressure eviction: the hard thresholds, the transition period and where the signals come from. */
export interface NodePressureConfig {
  thresholds: readonly Threshold[];
  pressureTransitionPeriodMs: number;
  signals: SignalSources;
}

export interface EvictionDeps {
  runtime: ContainerRuntime;
  /** The pods admitted and not finished: only they can be evicted. */
  activePods(): Pod[];
  evict(pod: Pod, failure: PodFailure): void;
  logger: Logger;
  pressure?: NodePressureConfig;
  /** An event about the Node (EvictionThresholdMet). */
  nodeEvent?(event: PodEvent): void;
  /** The set of pressure conditions changed. */
  conditionsChanged?(conditions: readonly PressureCondition[]): void;
  /** Removes the dead containers of finished pods (containerGC.DeleteAllUnusedContainers). */
  reclaimDisk?(): Promise<void>;
}

interface PodMeasures {
  storage: PodStorageUsage;
  usage: PodUsage;
}

export class EvictionManager {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly conditions: PressureConditions;
  private published = '';

  constructor(private readonly deps: EvictionDeps) {
    this.conditions = new PressureConditions(deps.pressure?.pressureTransitionPeriodMs ?? 0);
  }

  start(intervalMs = EVICTION_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.synchronize(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The pressure conditions now True on the node (admission and the Node status read them). */
  nodeConditions(): PressureCondition[] {
    return this.conditions.current();
  }

  private async synchronize(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const pressure = this.deps.pressure;
      const observations = pressure ? await observeSignals(pressure.signals) : new Map();
      const met = pressure ? thresholdsMet(pressure.thresholds, observations) : [];
      this.updateConditions(met);
      const pods = this.deps.activePods();
      // Walking writable layers and reading cgroups is the costly part: only pods with a local storage limit need
      // it at every pass, every pod only when a threshold asks for a ranking.
      const measures = new Map<string, PodMeasures>();
      for (const pod of pods) {
        if (met.length > 0 || hasLocalStorageLimit(pod))
          measures.set(pod.metadata?.uid ?? '', await this.measure(pod));
      }
      let evicted = false;
      for (const pod of pods) {
        const measured = measures.get(pod.metadata?.uid ?? '');
        const violation = measured && localStorageViolation(pod, measured.storage);
        if (violation) this.deps.evict(pod, violation);
        evicted ||= violation !== undefined;
      }
      if (!evicted && met.length > 0) await this.relieve(met, observations, pods, measures);
    } catch (err) {
      this.deps.logger.error({ err }, 'eviction check failed');
    } finally {
      this.running = false;
    }
  }

  private updateConditions(met: readonly Threshold[]): void {
    const current = this.conditions.update(met, Date.now());
    const key = current.join(',');
    if (key === this.published) return;
    this.published = key;
    this.deps.logger.info({ conditions: current }, 'node pressure conditions changed');
    this.deps.conditionsChanged?.(current);
  }

  /**
   * Memory thresholds first (byEvictionPriority); the event, node-level reclaim for disk, then the first pod in
   * the ranking that is not critical gets evicted with the immediate grace period and DisruptionTarget.
   */
  private async relieve(
    met: readonly Threshold[],
    observations: Observations,
    pods: readonly Pod[],
    measures: ReadonlyMap<string, PodMeasures>,
  ): Promise<void> {
    const threshold = met.find((t) => resourceOf(t.signal) === 'memory') ?? met[0]!;
    const resource = resourceOf(threshold.signal);
    this.deps.nodeEvent?.({
      type: 'Warning',
      reason: 'EvictionThresholdMet',
      message: `Attempting to reclaim ${resource}`,
    });
    const pressure = this.deps.pressure!;
    if ((resource === 'ephemeral-storage' || resource === 'inodes') && this.deps.reclaimDisk) {
      await this.deps.reclaimDisk();
      const after = thresholdsMet(pressure.thresholds, await observeSignals(pressure.signals));
      if (after.length === 0) {
        this.deps.logger.info({ resource }, 'reclaimed node-level resources without evicting pods');
        return;
      }
    }
    const usageOf = (pod: Pod) => measures.get(pod.metadata?.uid ?? '')?.usage;
    for (const pod of rankForEviction(threshold, pods, usageOf)) {
      if (isCriticalPod(pod)) {
        this.deps.logger.warn({ pod: pod.metadata?.name }, 'cannot evict a critical pod');
        continue;
      }
      const message = evictionMessage(threshold, pod, usageOf(pod), observations);
      const condition: PodCondition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'TerminationByKubelet',
        message,
        lastTransitionTime: kubeTime(new Date()),
      };
      this.deps.evict(pod, { reason: 'Evicted', message, condition });
      return;
    }
    this.deps.logger.warn({ resource }, 'eviction thresholds met, but no pod could be evicted');
  }

  /** What the summary API's pod stats hold: volumes, writable layers and logs, memory and tasks of the cgroups. */
  private async measure(pod: Pod): Promise<PodMeasures> {
    const uid = pod.metadata?.uid ?? '';
    const { runtime } = this.deps;
    const podDir = runtime.paths.pod(uid);
    const volumes = new Map<string, number>();
    let localVolumes = 0;
    for (const v of pod.spec?.volumes ?? []) {
      if (!v.emptyDir) continue;
      const bytes = await diskUsage(emptyDirPath(podDir, v.name));
      volumes.set(v.name, bytes);
      // IsLocalEphemeralVolume: a memory-backed emptyDir is no disk.
      if (v.emptyDir.medium !== 'Memory') localVolumes += bytes;
    }
    const containers = new Map<string, number>();
    const containerMemory = new Map<string, number>();
    const state = await runtime.podState(uid);
    for (const c of state.containers) {
      // The writable layer and the logs of every instance still kept.
      const bytes =
        (await diskUsage(`${runtime.paths.container(c.record.id)}/upper`)) +
        (await diskUsage(dirname(c.record.logPath)));
      containers.set(c.record.name, Math.max(containers.get(c.record.name) ?? 0, bytes));
      if (c.state === 'running') {
        const memory = await this.readCgroup((p) => runtime.cgroups.readCpuAndMemory(p), c.record.cgroupPath);
        if (memory) containerMemory.set(c.record.name, memory.workingSetBytes);
      }
    }
    const podCgroup = runtime.cgroups.podCgroupPath(uid, computeQosClass(pod));
    const memory = await this.readCgroup((p) => runtime.cgroups.readCpuAndMemory(p), podCgroup);
    const processes = await this.readCgroup((p) => runtime.cgroups.readPidsCurrent(p), podCgroup);
    const diskBytes = [...containers.values()].reduce((a, b) => a + b, 0) + localVolumes;
    return {
      storage: { volumes, containers },
      usage: {
        ...(memory ? { memoryBytes: memory.workingSetBytes } : {}),
        ...(processes !== undefined ? { processes } : {}),
        diskBytes,
        containerMemory,
        containerDisk: containers,
      },
    };
  }

  /** A cgroup gone or not made yet has no stats: the pod ranks as one without stats. */
  private async readCgroup<T>(read: (path: string) => Promise<T>, path: string): Promise<T | undefined> {
    return read(path).catch((err: unknown) => {
      this.deps.logger.debug({ err, path }, 'cgroup stats not readable');
      return undefined;
    });
  }
}
