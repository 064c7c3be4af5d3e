// A container's lifecycle hooks (kuberuntime_container.go): postStart right after the start, which the next container
// waits for, and preStop inside the kill, which takes its time out of the grace period the stop signal gets. The kill
// lives here because preStop is its first step; the pod worker and the kubelet's probe handling both kill through it.
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import { podContainer } from '../api/pod-containers.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { ContainerRecord, ContainerStatus, StartingSandbox } from '../runtime/types.js';
import type { Logger } from '../util/log.js';
import { containerFieldPath, type EventRecorder } from './events.js';
import { runLifecycleHandler } from './prober/hook-runner.js';
import type { ExecInContainer } from './prober/types.js';
import type { WaitingReasons } from './waiting-reasons.js';

export interface LifecycleHookDeps {
  runtime: ContainerRuntime;
  /** Runs a command in a running container to its end (exec probes and hooks). */
  exec: ExecInContainer;
  /** The node's address: a hostNetwork pod's IP, and each pod's hostIP. */
  nodeIP: string;
  events: EventRecorder;
  logger: Logger;
}

/** kuberuntime minimumGracePeriodInSeconds: what a stop signal always gets after preStop. */
const MINIMUM_GRACE_SECONDS = 2;

export class ContainerLifecycleHooks {
  constructor(
    private readonly deps: LifecycleHookDeps,
    private readonly waiting: WaitingReasons,
  ) {}

  /**
   * postStart (kuberuntime startContainer): the next container waits for it; on failure the container is killed
   * and waits as PostStartHookError until its restart.
   */
  async runPostStart(
    pod: Pod,
    sandbox: StartingSandbox,
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
    this.waiting.set(pod, container.name, { reason: 'PostStartHookError', message: result.message });
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
}

/** The grace period a pod's containers get when killed: the deletion's, else the spec's, else 30 s. */
export function gracePeriod(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}
