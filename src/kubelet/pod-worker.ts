import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatGoDuration } from '../api/go-duration.js';
import type { PodRuntimeState } from '../runtime/runtime.js';
import type { ContainerKind, ContainerStatus, StartingSandbox } from '../runtime/types.js';
import { removeTree } from '../util/fs.js';
import { allOrFirstError } from '../util/settle.js';
import { CrashBackoff } from './backoff.js';
import { containerSpecHash } from './container-config.js';
import { ContainerLifecycleHooks, gracePeriod } from './container-lifecycle-hooks.js';
import { ContainerStarter, type ContainerStarterDeps } from './container-start.js';
import { containerFieldPath } from './events.js';
import { PodSandboxes, type PodSandboxDeps } from './pod-sandbox.js';
import type { ContainerWaitingInfo } from './status/facts.js';
import {
  latestInstances,
  regularContainersDone,
  shouldRestart,
  specContainers,
  type SpecContainer,
} from './spec-containers.js';
import type { TokenSource } from './token-manager.js';
import { setUpPodVolumes, tearDownPodVolumes } from './volumes.js';
import { WaitingReasons } from './waiting-reasons.js';

export interface PodWorkerDeps extends ContainerStarterDeps, PodSandboxDeps {
  /** Service account tokens for projected volumes (absent without an API server). */
  tokens?: TokenSource;
}

/**
 * One pod's reconcile step (kubelet SyncPod): compare the spec with what the runtime reports and act on the
 * difference. It keeps no state of its own beyond back-offs and waiting reasons, so it can run after any daemon
 * restart. Keeping the sandbox (pod-sandbox.ts), starting one container (container-start.ts) and the hooks around a
 * start and a kill (container-lifecycle-hooks.ts) are its helpers.
 */
export class PodWorker {
  private readonly backoff = new CrashBackoff();
  private readonly waiting = new WaitingReasons();
  private readonly hooks: ContainerLifecycleHooks;
  private readonly starter: ContainerStarter;
  private readonly sandboxes: PodSandboxes;

  constructor(private readonly deps: PodWorkerDeps) {
    this.hooks = new ContainerLifecycleHooks(deps, this.waiting);
    this.starter = new ContainerStarter(deps, this.waiting, this.hooks);
    this.sandboxes = new PodSandboxes(deps);
  }

  /** The waiting reasons of a pod's containers that the runtime cannot tell (image pulls, back-off). */
  waitingReasons(podUid: string): ReadonlyMap<string, ContainerWaitingInfo> {
    return this.waiting.of(podUid);
  }

  /** Returns the pod's runtime state after the step. */
  async sync(pod: Pod): Promise<PodRuntimeState> {
    const uid = pod.metadata?.uid ?? '';
    const state = await this.deps.runtime.podState(uid);
    // Taken before a dead sandbox is replaced: restart counts carry over to the new sandbox, as on the kubelet.
    const everLatest = latestInstances(state.containers);
    // Volumes come before the sandbox (kubelet SyncPod: WaitForAttachAndMount); until every volume is there the
    // pod's containers wait in ContainerCreating and nothing else is done for the pod.
    const volumes = await setUpPodVolumes({
      pod,
      podDir: this.deps.runtime.paths.pod(uid),
      objects: this.deps.objects,
      allocatable: this.deps.allocatable,
      tokens: this.deps.tokens,
    });
    for (const message of volumes.failures)
      this.deps.events.record(pod, { type: 'Warning', reason: 'FailedMount', message });
    if (!volumes.ready) return state;
    const sandbox = await this.sandboxes.ensureSandbox(pod, state);
    let latest: Map<string, ContainerStatus>;
    try {
      latest = await this.syncContainers(pod, sandbox, state, everLatest, volumes.paths);
    } finally {
      // The pod's containers were created while its pause started (decision 0048): the step ends with the sandbox
      // running, or dead and replaced at the next step, with what was created in it.
      await sandbox.running;
    }
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const after = await this.deps.runtime.podState(uid);
    if (!regularContainersDone(pod, latest, policy)) return after;
    // computePodActions KillPod: with every regular container finished for good, sidecars must not keep the pod
    // running; they are stopped (in reverse order) and the pod goes terminal.
    await this.stopContainers(after, gracePeriod(pod), pod);
    return this.deps.runtime.podState(uid);
  }

  /** Init containers, sidecars, regular and ephemeral containers, in kubelet order; returns the latest instances. */
  private async syncContainers(
    pod: Pod,
    sandbox: StartingSandbox,
    state: PodRuntimeState,
    everLatest: Map<string, ContainerStatus>,
    volumePaths: Map<string, string>,
  ): Promise<Map<string, ContainerStatus>> {
    const latest = latestInstances(state.containers.filter((c) => c.record.sandboxId === sandbox.record.id));
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const observed = (step: SpecContainer) => ({
      current: latest.get(step.container.name),
      previousAttempt: everLatest.get(step.container.name)?.record.attempt,
      policy,
      volumePaths,
    });
    const steps = specContainers(pod);
    let initialized = true;
    for (const step of steps.filter((s) => s.kind !== 'regular')) {
      // Init containers and sidecars run one at a time, in order.
      initialized = await this.syncContainer(pod, sandbox, step, observed(step));
      if (!initialized) break;
    }
    if (initialized) {
      // Regular containers are created side by side (the slow part: rootfs, conmon, runc create) but started in
      // spec order, each after the previous one's postStart, as the kubelet starts them (two containers binding one
      // port: the second is the one that fails). Every one is awaited, even after a failure: nothing is still being
      // made when the next step looks.
      let previous = Promise.resolve();
      await allOrFirstError(
        steps
          .filter((s) => s.kind === 'regular')
          .map((step) => {
            const launchAfter = previous;
            let release = () => {};
            previous = new Promise((r) => (release = r));
            return this.syncContainer(pod, sandbox, step, { ...observed(step), launchAfter }).finally(
              release,
            );
          }),
      );
    }
    await this.startEphemeralContainers(pod, sandbox, latest, volumePaths);
    await this.removeDeadInstances(state, latest);
    return latest;
  }

  /** Returns whether the next container in start order may go ahead. */
  private async syncContainer(
    pod: Pod,
    sandbox: StartingSandbox,
    step: SpecContainer,
    observed: {
      current: ContainerStatus | undefined;
      previousAttempt: number | undefined;
      policy: string;
      volumePaths: Map<string, string>;
      /** The container may be created at once but started only after this. */
      launchAfter?: Promise<void>;
    },
  ): Promise<boolean> {
    const { current, previousAttempt, policy, volumePaths, launchAfter } = observed;
    const { container, kind } = step;
    const log = this.deps.logger.child({ pod: pod.metadata?.name, container: container.name });
    if (current && (current.state === 'running' || current.state === 'created')) {
      if (current.record.specHash !== containerSpecHash(container)) {
        log.info('container definition changed, will be restarted');
        const message = `Container ${container.name} definition changed, will be restarted`;
        await this.killContainer(pod, current, gracePeriod(pod), message);
        return false;
      }
      if (current.state === 'created') await this.deps.runtime.containers.start(current.record.id);
      return kind !== 'init';
    }
    if (current?.state === 'exited') {
      if (kind === 'init' && current.exitCode === 0) return true;
      if (!shouldRestart(kind, policy, current.exitCode ?? 1)) return kind === 'regular';
      const key = `${pod.metadata?.uid}_${container.name}_${current.record.specHash}`;
      const finishedAt = Date.parse(current.finishedAt ?? '');
      if (!this.backoff.ready(key, finishedAt)) {
        this.crashLoopBackOff(pod, container.name, this.backoff.remainingMs(key, finishedAt));
        return kind === 'regular';
      }
    }
    const attempt = previousAttempt === undefined ? 0 : previousAttempt + 1;
    const started = await this.starter.startContainer(pod, sandbox, step, attempt, volumePaths, {
      launchAfter,
    });
    return started && kind !== 'init';
  }

  /** kuberuntime doBackOff: the waiting reason and the BackOff event of a container held back after a crash. */
  private crashLoopBackOff(pod: Pod, name: string, remainingMs: number): void {
    const podText = `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
    this.waiting.set(pod, name, {
      reason: 'CrashLoopBackOff',
      message: `back-off ${formatGoDuration(roundToSeconds(remainingMs))} restarting failed container=${name} pod=${podText}`,
    });
    this.deps.events.record(pod, {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${name} in pod ${podText}`,
      fieldPath: containerFieldPath(pod, name),
    });
  }

  /**
   * Ephemeral containers run once, never restart, and join their target container's PID namespace when they name
   * one (kubectl debug --target); one whose target is not running yet waits for it.
   */
  private async startEphemeralContainers(
    pod: Pod,
    sandbox: StartingSandbox,
    latest: Map<string, ContainerStatus>,
    volumePaths: Map<string, string>,
  ): Promise<void> {
    for (const ephemeral of pod.spec?.ephemeralContainers ?? []) {
      if (latest.has(ephemeral.name)) continue;
      const { targetContainerName, ...container } = ephemeral;
      let pidNamespace: string | undefined;
      if (targetContainerName) {
        const target = latest.get(targetContainerName);
        if (target?.state !== 'running' || target.pid === undefined) continue;
        pidNamespace = `/proc/${target.pid}/ns/pid`;
      }
      const step: SpecContainer = { container, kind: 'ephemeral' };
      await this.starter.startContainer(pod, sandbox, step, 0, volumePaths, { pidNamespace });
    }
  }

  /** kuberuntime killContainer: preStop, then the stop signal (see ContainerLifecycleHooks.killContainer). */
  killContainer(
    pod: Pod | undefined,
    c: ContainerStatus,
    graceSeconds: number,
    message?: string,
  ): Promise<void> {
    return this.hooks.killContainer(pod, c, graceSeconds, message);
  }

  /** The kubelet keeps the last dead instance of each container (for lastState and --previous logs). */
  private async removeDeadInstances(
    state: PodRuntimeState,
    latest: Map<string, ContainerStatus>,
  ): Promise<void> {
    // Besides the newest instance, the newest dead one before it stays: it is the lastState, also when the newest has
    // exited too (a pod completed after a restart). The kubelet's container GC keeps MaxPerPodContainer = 1 dead
    // container per container (kuberuntime_gc.go).
    const newest = new Set([...latest.values()].map((c) => c.record.id));
    const dead = latestInstances(
      state.containers.filter((c) => c.state === 'exited' && !newest.has(c.record.id)),
    );
    const keep = new Set([...newest, ...[...dead.values()].map((c) => c.record.id)]);
    for (const c of state.containers) {
      if (!keep.has(c.record.id) && c.state === 'exited')
        await this.deps.runtime.containers.remove(c.record.id);
    }
  }

  /**
   * A finished pod (kubelet syncTerminatingPod): stops what still runs (sidecars, or everything when the pod failed
   * as a whole) and its sandbox, and keeps the containers for their status and logs.
   */
  async stopPod(podUid: string, graceSeconds: number, pod: Pod): Promise<void> {
    const state = await this.deps.runtime.podState(podUid);
    await this.stopContainers(state, graceSeconds, pod);
    for (const s of state.sandboxes.filter((s) => s.state === 'ready'))
      await this.deps.runtime.sandboxes.stop(s.record.id);
  }

  /** Stops every container and tears the pod down: the pod was deleted or is no longer wanted. */
  async kill(podUid: string, graceSeconds: number, pod: Pod | undefined): Promise<void> {
    const state = await this.deps.runtime.podState(podUid);
    await this.stopContainers(state, graceSeconds, pod);
    for (const s of state.sandboxes) await this.sandboxes.removeSandbox(s.record.id, state, 0);
    const podDir = this.deps.runtime.paths.pod(podUid);
    await tearDownPodVolumes(podDir);
    await removeTree(podDir);
    for (const dir of await this.deps.runtime.podLogDirs(podUid)) await removeTree(dir);
    for (const qos of ['Guaranteed', 'Burstable', 'BestEffort'] as const) {
      await this.deps.runtime.cgroups.removePod(podUid, qos);
    }
    this.backoff.forgetPod(podUid);
    this.deps.images.forgetPod(podUid);
    this.waiting.forgetPod(podUid);
  }

  /** Regular containers in parallel, then sidecars in reverse spec order (kuberuntime_termination_order.go). */
  private async stopContainers(state: PodRuntimeState, graceSeconds: number, pod: Pod | undefined) {
    const running = (kinds: ContainerKind[]) =>
      state.containers.filter(
        (c) => kinds.includes(c.record.kind) && (c.state === 'running' || c.state === 'created'),
      );
    const stop = (c: ContainerStatus) => this.killContainer(pod, c, graceSeconds);
    await Promise.all(running(['regular', 'init', 'ephemeral']).map(stop));
    for (const c of running(['sidecar']).reverse()) await stop(c);
  }
}

/** Back-off messages print whole seconds (kuberuntime: `back-off 20s restarting ...`). */
function roundToSeconds(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}
