// The kubelet's image manager (pkg/kubelet/images/image_manager.go EnsureImageExists): apply the pull policy, pull
// with back-off per pod and image, and report the outcome as events and waiting reasons.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatGoDuration } from '../api/go-duration.js';
import { InvalidImageNameError } from '../image/errors.js';
import { parseImageReference } from '../image/reference.js';
import type { ImageRecord } from '../image/types.js';
import { ImagePullBackoff } from './backoff.js';
import { containerFieldPath, type EventRecorder, type PodEvent } from './events.js';

/** Pulls one image; `pod` lets the caller pick the credentials (imagePullSecrets). */
export type ImagePuller = (reference: string, pod: Pod) => Promise<ImageRecord>;

export interface ImageManagerDeps {
  /** The stored image a reference names, if any. */
  lookup: (reference: string) => Promise<ImageRecord | undefined>;
  pull: ImagePuller;
  events: EventRecorder;
  now?: () => number;
}

/** Why a container cannot be created yet: its waiting reason and message (kubelet.md §3). */
export interface ImageFailure {
  reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';
  message: string;
}

export type EnsureImageResult = { image: ImageRecord } | { failure: ImageFailure };

export class ImageManager {
  private readonly backoff: ImagePullBackoff;
  /** The last pull error per back-off key: ImagePullBackOff's message repeats it (kubelet 1.32+). */
  private readonly lastErrors = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly deps: ImageManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.backoff = new ImagePullBackoff(this.now);
  }

  async ensureImage(pod: Pod, container: Container): Promise<EnsureImageResult> {
    const image = container.image ?? '';
    const record = (event: PodEvent) =>
      this.deps.events.record(pod, { ...event, fieldPath: containerFieldPath(pod, container.name) });
    try {
      parseImageReference(image);
    } catch (err) {
      if (!(err instanceof InvalidImageNameError)) throw err;
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${err.message}`;
      record({ type: 'Warning', reason: 'InspectFailed', message });
      return { failure: { reason: 'InvalidImageName', message } };
    }
    const present = await this.deps.lookup(image);
    const policy = container.imagePullPolicy ?? 'IfNotPresent';
    if (present && policy !== 'Always') {
      record({
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image "${image}" already present on machine`,
      });
      return { image: present };
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      record({ type: 'Warning', reason: 'ErrImageNeverPull', message });
      return { failure: { reason: 'ErrImageNeverPull', message } };
    }
    const key = `${pod.metadata?.uid ?? ''}_${image}`;
    if (this.backoff.inBackoff(key)) {
      record({ type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"` });
      const last = this.lastErrors.get(key);
      const message = `Back-off pulling image "${image}"${last === undefined ? '' : `: ErrImagePull: ${last}`}`;
      return { failure: { reason: 'ImagePullBackOff', message } };
    }
    return this.pull(pod, image, key, record);
  }

  forgetPod(podUid: string): void {
    this.backoff.forgetPod(podUid);
    for (const key of this.lastErrors.keys()) if (key.startsWith(`${podUid}_`)) this.lastErrors.delete(key);
  }

  private async pull(
    pod: Pod,
    image: string,
    key: string,
    record: (event: PodEvent) => void,
  ): Promise<EnsureImageResult> {
    record({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` });
    const started = this.now();
    try {
      const pulled = await this.deps.pull(image, pod);
      const took = formatGoDuration(this.now() - started);
      record({
        type: 'Normal',
        reason: 'Pulled',
        message: `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${pulled.size} bytes.`,
      });
      this.lastErrors.delete(key);
      return { image: pulled };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      record({ type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${message}` });
      this.backoff.failed(key);
      this.lastErrors.set(key, message);
      return { failure: { reason: 'ErrImagePull', message } };
    }
  }
}
