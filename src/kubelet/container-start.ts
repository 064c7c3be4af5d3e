// Creating and starting one container instance (kuberuntime_container.go startContainer): its image, env and
// mounts, the runtime's create, the Created and Started events, then postStart. What blocks it (a missing image,
// ConfigMap or key, a refused subPath, a failed create) leaves a waiting reason and an event, and is tried again at the
// next sync.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError } from '../runtime/oci/errors.js';
import type { EnvVar } from '../runtime/oci/process.js';
import type { Mount } from '../runtime/oci/types.js';
import type { ContainerRecord, StartingSandbox } from '../runtime/types.js';
import { containerConfig, containerMounts, ContainerMountError } from './container-config.js';
import { containerEnv, ContainerEnvError, readsPodIps, type ObjectSource } from './container-env.js';
import type { ContainerLifecycleHooks, LifecycleHookDeps } from './container-lifecycle-hooks.js';
import { containerFieldPath } from './events.js';
import type { ImageManager } from './image-manager.js';
import type { NodeAllocatable } from './node-object.js';
import type { SpecContainer } from './spec-containers.js';
import type { WaitingReasons } from './waiting-reasons.js';

export interface ContainerStarterDeps extends LifecycleHookDeps {
  allocatable: NodeAllocatable;
  /** ConfigMaps and Secrets for env (absent without an API server). */
  objects?: ObjectSource;
  images: ImageManager;
}

export class ContainerStarter {
  constructor(
    private readonly deps: ContainerStarterDeps,
    private readonly waiting: WaitingReasons,
    private readonly hooks: ContainerLifecycleHooks,
  ) {}

  /** Returns false when the container could not be created yet (its image is not there). */
  async startContainer(
    pod: Pod,
    sandbox: StartingSandbox,
    { container, kind }: SpecContainer,
    attempt: number,
    volumePaths: Map<string, string>,
    options: { pidNamespace?: string | undefined; launchAfter?: Promise<void> | undefined } = {},
  ): Promise<boolean> {
    const { pidNamespace, launchAfter } = options;
    const fieldPath = containerFieldPath(pod, container.name);
    const ensured = await this.deps.images.ensureImage(pod, container);
    if ('failure' in ensured) {
      this.waiting.set(pod, container.name, ensured.failure);
      const message = `Error: ${ensured.failure.reason}`;
      this.deps.events.record(pod, { type: 'Warning', reason: 'Failed', message, fieldPath });
      return false;
    }
    // A new pod's containers are made while its network is set up (decision 0051), unless they need its IPs.
    if (readsPodIps(container)) await sandbox.running;
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
      record = await this.deps.runtime.createContainer(sandbox, config);
    } catch (err) {
      // What the runtime refuses or fails to create (no command, an unknown image user, a full disk) waits as
      // CreateContainerError and is tried again at the next sync (kuberuntime startContainer).
      const reason = err instanceof ContainerConfigError ? err.reason : 'CreateContainerError';
      const message = err instanceof Error ? err.message : String(err);
      this.waiting.set(pod, container.name, { reason, message });
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
    await sandbox.running;
    await this.deps.runtime.containers.start(record.id);
    this.waiting.set(pod, container.name, undefined);
    const started = `Started container ${container.name}`;
    this.deps.events.record(pod, { type: 'Normal', reason: 'Started', message: started, fieldPath });
    const postStart = container.lifecycle?.postStart;
    if (postStart && !(await this.hooks.runPostStart(pod, sandbox, container, record, postStart)))
      return false;
    this.deps.logger.info(
      { pod: pod.metadata?.name, container: container.name, attempt },
      'started container',
    );
    return true;
  }

  /**
   * The container's env, or undefined when a ConfigMap, Secret or key it needs is missing: it then waits as
   * CreateContainerConfigError and is tried again at the next sync (kuberuntime generateContainerConfig).
   */
  private environment(pod: Pod, container: Container, sandbox: StartingSandbox): EnvVar[] | undefined {
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
      this.waiting.set(pod, container.name, { reason: 'CreateContainerConfigError', message: err.message });
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
      this.waiting.set(pod, container.name, { reason: 'CreateContainerConfigError', message: err.message });
      const fieldPath = containerFieldPath(pod, container.name);
      const message = `Error: ${err.message}`;
      this.deps.events.record(pod, { type: 'Warning', reason: 'Failed', message, fieldPath });
      return undefined;
    }
  }
}
