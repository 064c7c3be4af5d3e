import { readFile } from 'node:fs/promises';
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import { formatGoDuration } from '../api/go-duration.js';
import { podContainer } from '../api/pod-containers.js';
import { computeQosClass } from '../api/qos.js';
import { podCgroupValues } from '../api/resources.js';
import { podFqdn, podHostname, podKernelHostname, renderResolvConf } from '../network/dns-files.js';
import { ContainerConfigError } from '../runtime/oci/errors.js';
import type { EnvVar } from '../runtime/oci/process.js';
import type { Mount } from '../runtime/oci/types.js';
import type { ContainerRuntime, PodRuntimeState } from '../runtime/runtime.js';
import type { SandboxConfig } from '../runtime/sandbox.js';
import type { ContainerKind, ContainerRecord, ContainerStatus, SandboxStatus } from '../runtime/types.js';
import { removeTree } from '../util/fs.js';
import type { Logger } from '../util/log.js';
import { CrashBackoff } from './backoff.js';
import {
  containerConfig,
  containerMounts,
  ContainerMountError,
  containerSpecHash,
} from './container-config.js';
import { containerEnv, ContainerEnvError, type ObjectSource } from './container-env.js';
import type { NodeAllocatable } from './node-object.js';
import { containerFieldPath, type EventRecorder } from './events.js';
import type { ImageManager } from './image-manager.js';
import { runLifecycleHandler } from './prober/hook-runner.js';
import type { ExecInContainer } from './prober/types.js';
import type { ContainerWaitingInfo } from './status/facts.js';
import { podPortMappings } from './ports.js';
import type { TokenSource } from './token-manager.js';
import { setUpPodVolumes, tearDownPodVolumes } from './volumes.js';

export interface PodWorkerDeps {
  runtime: ContainerRuntime;
  /** Runs a command in a running container to its end (exec probes and hooks). */
  exec: ExecInContainer;
  /** The node's address: a hostNetwork pod's IP, and each pod's hostIP. */
  nodeIP: string;
  allocatable: NodeAllocatable;
  /** ConfigMaps and Secrets for env (absent without an API server). */
  objects?: ObjectSource;
  /** Service account tokens for projected volumes (absent without an API server). */
  tokens?: TokenSource;
  images: ImageManager;
  events: EventRecorder;
  logger: Logger;
  clusterDomain: string;
  /** The kubelet's clusterDNS: the nameservers of ClusterFirst pods (absent: they fall back to Default). */
  clusterDns?: string[];
  hostResolvConfPath: string;
  podPidsLimit: number;
  shmSizeBytes: number;
}

interface SpecContainer {
  container: Container;
  kind: ContainerKind;
}

/**
 * One pod's reconcile step (kubelet SyncPod): compare the spec with what the runtime reports and act on the
 * difference. It keeps no state of its own beyond back-offs and waiting reasons, so it can run after any daemon
 * restart.
 */
export class PodWorker {
  private readonly backoff = new CrashBackoff();
  /** Per pod UID, per container name: why it is waiting (the kubelet's reasonCache). */
  private readonly waiting = new Map<string, Map<string, ContainerWaitingInfo>>();

  constructor(private readonly deps: PodWorkerDeps) {}

  /** The waiting reasons of a pod's containers that the runtime cannot tell (image pulls, back-off). */
  waitingReasons(podUid: string): ReadonlyMap<string, ContainerWaitingInfo> {
    return this.waiting.get(podUid) ?? new Map();
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
    const volumePaths = volumes.paths;
    const sandbox = await this.ensureSandbox(pod, state);
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
      // spec order, each after the previous one's postStart, as the kubelet starts them.
      let previous = Promise.resolve();
      await Promise.all(
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
    const after = await this.deps.runtime.podState(uid);
    if (!regularContainersDone(pod, latest, policy)) return after;
    // computePodActions KillPod: with every regular container finished for good, sidecars must not keep the pod
    // running; they are stopped (in reverse order) and the pod goes terminal.
    await this.stopContainers(after, gracePeriod(pod), pod);
    return this.deps.runtime.podState(uid);
  }

  /** Returns whether the next container in start order may go ahead. */
  private async syncContainer(
    pod: Pod,
    sandbox: SandboxStatus,
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
    const started = await this.startContainer(pod, sandbox, step, attempt, volumePaths, { launchAfter });
    return started && kind !== 'init';
  }

  /** kuberuntime doBackOff: the waiting reason and the BackOff event of a container held back after a crash. */
  private crashLoopBackOff(pod: Pod, name: string, remainingMs: number): void {
    const podText = `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
    this.setWaiting(pod, name, {
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

  private setWaiting(pod: Pod, name: string, info: ContainerWaitingInfo | undefined): void {
    const uid = pod.metadata?.uid ?? '';
    let reasons = this.waiting.get(uid);
    if (!reasons) this.waiting.set(uid, (reasons = new Map()));
    if (info) reasons.set(name, info);
    else reasons.delete(name);
  }

  /** Returns false when the container could not be created yet (its image is not there). */
  private async startContainer(
    pod: Pod,
    sandbox: SandboxStatus,
    { container, kind }: SpecContainer,
    attempt: number,
    volumePaths: Map<string, string>,
    options: { pidNamespace?: string | undefined; launchAfter?: Promise<void> | undefined } = {},
  ): Promise<boolean> {
    const { pidNamespace, launchAfter } = options;
    const fieldPath = containerFieldPath(pod, container.name);
    const ensured = await this.deps.images.ensureImage(pod, container);
    if ('failure' in ensured) {
      this.setWaiting(pod, container.name, ensured.failure);
      const message = `Error: ${ensured.failure.reason}`;
      this.deps.events.record(pod, { type: 'Warning', reason: 'Failed', message, fieldPath });
      return false;
    }
    if (sandbox.pid === undefined) throw new Error('sandbox is not running');
    const env = this.environment(pod, container, sandbox);
    if (!env) return false;
    const mounts = await this.mounts(pod, container, volumePaths, env);
    if (!mounts) return false;
    const config = {
      ...containerConfig(pod, container, kind, attempt, ensured.image, mounts, env),
      ...(pidNamespace ? { pidNamespace } : {}),
    };
    let record: ContainerRecord;
    try {
      record = await this.deps.runtime.createContainer(sandbox.record, sandbox.pid, config);
    } catch (err) {
      // What the runtime refuses or fails to create (no command, an unknown image user, a full disk) waits as
      // CreateContainerError and is tried again at the next sync (kuberuntime startContainer).
      const reason = err instanceof ContainerConfigError ? err.reason : 'CreateContainerError';
      const message = err instanceof Error ? err.message : String(err);
      this.setWaiting(pod, container.name, { reason, message });
      this.deps.events.record(pod, {
        type: 'Warning',
        reason: 'Failed',
        message: `Error: ${message}`,
        fieldPath,
      });
      return false;
    }
    const created = `Created container: ${container.name}`;
    this.deps.events.record(pod, { type: 'Normal', reason: 'Created', message: created, fieldPath });
    await launchAfter;
    await this.deps.runtime.containers.start(record.id);
    this.setWaiting(pod, container.name, undefined);
    const started = `Started container ${container.name}`;
    this.deps.events.record(pod, { type: 'Normal', reason: 'Started', message: started, fieldPath });
    const postStart = container.lifecycle?.postStart;
    if (postStart && !(await this.runPostStart(pod, sandbox, container, record, postStart))) return false;
    this.deps.logger.info(
      { pod: pod.metadata?.name, container: container.name, attempt },
      'started container',
    );
    return true;
  }

  /**
   * Ephemeral containers run once, never restart, and join their target container's PID namespace when they name
   * one (kubectl debug --target); one whose target is not running yet waits for it.
   */
  private async startEphemeralContainers(
    pod: Pod,
    sandbox: SandboxStatus,
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
      await this.startContainer(pod, sandbox, step, 0, volumePaths, { pidNamespace });
    }
  }

  /**
   * The container's env, or undefined when a ConfigMap, Secret or key it needs is missing: it then waits as
   * CreateContainerConfigError and is tried again at the next sync (kuberuntime generateContainerConfig).
   */
  private environment(pod: Pod, container: Container, sandbox: SandboxStatus): EnvVar[] | undefined {
    const fieldPath = containerFieldPath(pod, container.name);
    try {
      const { env, warnings } = containerEnv({
        pod,
        container,
        podIPs: sandbox.record.ips,
        hostIP: this.deps.nodeIP,
        allocatable: this.deps.allocatable,
        objects: this.deps.objects,
      });
      for (const message of warnings) {
        this.deps.events.record(pod, { type: 'Warning', reason: 'InvalidEnvironmentVariableNames', message });
      }
      return env;
    } catch (err) {
      if (!(err instanceof ContainerEnvError)) throw err;
      this.setWaiting(pod, container.name, { reason: 'CreateContainerConfigError', message: err.message });
      this.deps.events.record(pod, {
        type: 'Warning',
        reason: 'Failed',
        message: `Error: ${err.message}`,
        fieldPath,
      });
      return undefined;
    }
  }

  /** The container's mounts, or undefined when a subPath is refused: it waits as CreateContainerConfigError. */
  private async mounts(
    pod: Pod,
    container: Container,
    volumePaths: Map<string, string>,
    env: EnvVar[],
  ): Promise<Mount[] | undefined> {
    try {
      return await containerMounts(pod, container, volumePaths, env);
    } catch (err) {
      if (!(err instanceof ContainerMountError)) throw err;
      this.setWaiting(pod, container.name, { reason: 'CreateContainerConfigError', message: err.message });
      const fieldPath = containerFieldPath(pod, container.name);
      const message = `Error: ${err.message}`;
      this.deps.events.record(pod, { type: 'Warning', reason: 'Failed', message, fieldPath });
      return undefined;
    }
  }

  /**
   * postStart (kuberuntime startContainer): the next container waits for it; on failure the container is killed
   * and waits as PostStartHookError until its restart.
   */
  private async runPostStart(
    pod: Pod,
    sandbox: SandboxStatus,
    container: Container,
    record: ContainerRecord,
    handler: LifecycleHandler,
  ): Promise<boolean> {
    const ctx = this.hookContext(pod, sandbox.record.ips, container, record.id);
    const result = await runLifecycleHandler(handler, ctx);
    if (result.ok) return true;
    const fieldPath = containerFieldPath(pod, container.name);
    this.deps.logger.warn({ pod: pod.metadata?.name, container: container.name }, result.message);
    this.deps.events.record(pod, {
      type: 'Warning',
      reason: 'FailedPostStartHook',
      message: 'PostStartHook failed',
      fieldPath,
    });
    const status = await this.deps.runtime.containers.status(record);
    await this.killContainer(pod, status, gracePeriod(pod), 'FailedPostStartHook');
    this.setWaiting(pod, container.name, { reason: 'PostStartHookError', message: result.message });
    return false;
  }

  private hookContext(pod: Pod, podIPs: readonly string[], container: Container, containerId: string) {
    const podIP = pod.spec?.hostNetwork ? this.deps.nodeIP : (podIPs[0] ?? '');
    return { pod, container, containerId, podIP, exec: this.deps.exec, events: this.deps.events };
  }

  /**
   * kuberuntime killContainer: the Killing event, preStop within the grace period, then the stop signal with what
   * is left of it (at least 2 s), then SIGKILL.
   */
  async killContainer(
    pod: Pod | undefined,
    c: ContainerStatus,
    graceSeconds: number,
    message = `Stopping container ${c.record.name}`,
  ): Promise<void> {
    const spec = pod && podContainer(pod, c.record.name);
    let grace = graceSeconds;
    if (pod && spec) {
      const fieldPath = containerFieldPath(pod, c.record.name);
      this.deps.events.record(pod, { type: 'Normal', reason: 'Killing', message, fieldPath });
      const preStop = spec.lifecycle?.preStop;
      if (preStop && c.state === 'running') {
        const started = Date.now();
        const sandbox = await this.deps.runtime.sandboxes.load(c.record.sandboxId);
        const ctx = this.hookContext(pod, sandbox?.ips ?? [], spec, c.record.id);
        const result = await runLifecycleHandler(preStop, ctx, AbortSignal.timeout(graceSeconds * 1000));
        if (!result.ok) {
          this.deps.logger.warn({ pod: pod.metadata?.name, container: c.record.name }, result.message);
          const failed = 'PreStopHook failed';
          this.deps.events.record(pod, {
            type: 'Warning',
            reason: 'FailedPreStopHook',
            message: failed,
            fieldPath,
          });
        }
        grace = Math.max(graceSeconds - Math.floor((Date.now() - started) / 1000), MINIMUM_GRACE_SECONDS);
      }
    }
    await this.deps.runtime.containers.stop(c.record.id, grace);
  }

  /** Keeps a ready sandbox; replaces a dead one (kubelet: "Pod sandbox changed, it will be killed and re-created"). */
  private async ensureSandbox(pod: Pod, state: PodRuntimeState): Promise<SandboxStatus> {
    const ready = state.sandboxes.find((s) => s.state === 'ready');
    for (const s of state.sandboxes.filter((s) => s !== ready))
      await this.removeSandbox(s.record.id, state, 0);
    if (ready) return ready;
    // kuberuntime_manager.go SyncPod: a pod that had a sandbox gets this event when it is replaced; a new pod none.
    if (state.sandboxes.length > 0) {
      const message = 'Pod sandbox changed, it will be killed and re-created.';
      this.deps.events.record(pod, { type: 'Normal', reason: 'SandboxChanged', message });
    }
    const uid = pod.metadata?.uid ?? '';
    const qos = computeQosClass(pod);
    const podCgroupPath = await this.deps.runtime.cgroups.ensurePod(uid, qos, {
      ...podCgroupValues(pod),
      pidsLimit: this.deps.podPidsLimit,
    });
    const hostResolvConf = await readFile(this.deps.hostResolvConfPath, 'utf8').catch(() => '');
    const resolv = renderResolvConf({
      dnsPolicy: pod.spec?.dnsPolicy ?? 'ClusterFirst',
      hostNetwork: pod.spec?.hostNetwork === true,
      hostResolvConf,
      clusterDomain: this.deps.clusterDomain,
      ...(this.deps.clusterDns ? { clusterDns: this.deps.clusterDns } : {}),
      namespace: pod.metadata?.namespace ?? 'default',
      podName: pod.metadata?.name ?? '',
      podUid: pod.metadata?.uid ?? '',
      ...(pod.spec?.dnsConfig ? { dnsConfig: pod.spec.dnsConfig } : {}),
    });
    for (const e of resolv.events) this.deps.events.record(pod, { type: 'Warning', ...e });
    const fqdn = podFqdn(pod, this.deps.clusterDomain);
    return this.runSandbox(pod, {
      pod,
      hostname: podKernelHostname(pod, this.deps.clusterDomain),
      hostsName: podHostname(pod),
      ...(fqdn ? { fqdn } : {}),
      resolvConf: resolv.content,
      sharePid: pod.spec?.shareProcessNamespace === true,
      portMappings: podPortMappings(pod),
      podCgroupPath,
      shmSizeBytes: this.deps.shmSizeBytes,
    });
  }

  /** kuberuntime_manager.go SyncPod: a sandbox that cannot be made is reported, and tried again at the next sync. */
  private async runSandbox(pod: Pod, config: SandboxConfig): Promise<SandboxStatus> {
    try {
      return await this.deps.runtime.runSandbox(config);
    } catch (err) {
      const message = `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`;
      this.deps.events.record(pod, { type: 'Warning', reason: 'FailedCreatePodSandBox', message });
      throw err;
    }
  }

  private async removeSandbox(id: string, state: PodRuntimeState, grace: number): Promise<void> {
    const inSandbox = state.containers.filter((c) => c.record.sandboxId === id);
    await Promise.all(inSandbox.map((c) => this.deps.runtime.containers.stop(c.record.id, grace)));
    await Promise.all(inSandbox.map((c) => this.deps.runtime.containers.remove(c.record.id)));
    await this.deps.runtime.sandboxes.remove(id);
  }

  /** The kubelet keeps the last dead instance of each container (for lastState and --previous logs). */
  private async removeDeadInstances(
    state: PodRuntimeState,
    latest: Map<string, ContainerStatus>,
  ): Promise<void> {
    // Besides the newest instance, the newest dead one stays: it is the lastState (the kubelet's container GC keeps
    // MaxPerPodContainer = 1 dead container per container, kuberuntime_gc.go).
    const dead = latestInstances(state.containers.filter((c) => c.state === 'exited'));
    const keep = new Set([...latest.values(), ...dead.values()].map((c) => c.record.id));
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
    for (const s of state.sandboxes) await this.removeSandbox(s.record.id, state, 0);
    const podDir = this.deps.runtime.paths.pod(podUid);
    await tearDownPodVolumes(podDir);
    await removeTree(podDir);
    for (const dir of await this.deps.runtime.podLogDirs(podUid)) await removeTree(dir);
    for (const qos of ['Guaranteed', 'Burstable', 'BestEffort'] as const) {
      await this.deps.runtime.cgroups.removePod(podUid, qos);
    }
    this.backoff.forgetPod(podUid);
    this.deps.images.forgetPod(podUid);
    this.waiting.delete(podUid);
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

/** kuberuntime minimumGracePeriodInSeconds: what a stop signal always gets after preStop. */
const MINIMUM_GRACE_SECONDS = 2;

function specContainers(pod: Pod): SpecContainer[] {
  const init = (pod.spec?.initContainers ?? []).map((c) => ({
    container: c,
    kind: (c.restartPolicy === 'Always' ? 'sidecar' : 'init') as ContainerKind,
  }));
  const regular = (pod.spec?.containers ?? []).map((c) => ({
    container: c,
    kind: 'regular' as ContainerKind,
  }));
  return [...init, ...regular];
}

/** Back-off messages print whole seconds (kuberuntime: `back-off 20s restarting ...`). */
function roundToSeconds(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

function latestInstances(containers: ContainerStatus[]): Map<string, ContainerStatus> {
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const seen = latest.get(c.record.name);
    if (!seen || c.record.attempt > seen.record.attempt) latest.set(c.record.name, c);
  }
  return latest;
}

/** Every regular container has run and exited, and none will restart under the pod's policy. */
function regularContainersDone(pod: Pod, latest: Map<string, ContainerStatus>, policy: string): boolean {
  return (pod.spec?.containers ?? []).every((c) => {
    const instance = latest.get(c.name);
    return instance?.state === 'exited' && !shouldRestart('regular', policy, instance.exitCode ?? 1);
  });
}

/** Sidecars always restart; a failed init container restarts unless the pod's policy is Never (spec §1). */
function shouldRestart(kind: ContainerKind, policy: string, exitCode: number): boolean {
  if (kind === 'sidecar') return true;
  if (kind === 'init') return policy !== 'Never';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

export function gracePeriod(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}
