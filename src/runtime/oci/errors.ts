/**
 * A container spec that cannot be turned into a runtime config (no command, an unknown user...). The message is the
 * one containerd gives, which the kubelet shows after `Error: ` in the container's waiting state and `Failed` event.
 */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
