// What the kubelet reports about a pod as Kubernetes events (reasons and messages: pkg/kubelet/events/event.go and
// the call sites noted in ../shared/spec/kubelet.md §8).
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../util/log.js';

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{name}` for an event about one container. */
  fieldPath?: string;
}

export interface EventRecorder {
  record(pod: Pod, event: PodEvent): void;
}

/** One structured log line per event, for post-mortems without the API (first occurrence only). */
export function logEvent(logger: Logger, pod: Pod, event: PodEvent): void {
  const fields = { pod: pod.metadata?.name, namespace: pod.metadata?.namespace, ...event };
  if (event.type === 'Warning') logger.warn(fields, event.message);
  else logger.info(fields, event.message);
}

/** `spec.containers{app}`, `spec.initContainers{setup}`: how kubelet events point at a container. */
export function containerFieldPath(pod: Pod, containerName: string): string {
  if (pod.spec?.initContainers?.some((c) => c.name === containerName))
    return `spec.initContainers{${containerName}}`;
  if (pod.spec?.ephemeralContainers?.some((c) => c.name === containerName))
    return `spec.ephemeralContainers{${containerName}}`;
  return `spec.containers{${containerName}}`;
}
