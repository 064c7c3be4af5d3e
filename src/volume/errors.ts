/**
 * A volume that cannot be set up. The message is the plugin's own (e.g. `configmap "x" not found`); the kubelet
 * prefixes it with `MountVolume.SetUp failed for volume "name" : ` for the FailedMount event.
 */
export class VolumeSetUpError extends Error {
  override readonly name = 'VolumeSetUpError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** utilerrors.NewAggregate: one error reads as itself, several as `[a, b]`. */
export function aggregateMessages(messages: readonly string[]): string {
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}
