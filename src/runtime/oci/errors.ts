/**
 * Where the kubelet would have refused the container: `CreateContainerConfigError` for what it checks itself before
 * asking the runtime (runAsNonRoot, kuberuntime_container.go generateContainerConfig), `CreateContainerError` for
 * what containerd refuses.
 */
export type ContainerConfigReason = 'CreateContainerError' | 'CreateContainerConfigError';

/**
 * A container spec that cannot be turned into a runtime config (no command, an unknown user...). The message is the
 * one the kubelet or containerd gives, which the kubelet shows after `Error: ` in the container's waiting state and
 * `Failed` event; `reason` is the waiting reason.
 */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
  readonly reason: ContainerConfigReason;

  constructor(message: string, options?: { cause?: unknown; reason?: ContainerConfigReason }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options?.reason ?? 'CreateContainerError';
  }
}
