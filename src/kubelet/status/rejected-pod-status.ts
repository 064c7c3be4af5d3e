// The status of a pod the kubelet refused at admission (pkg/kubelet/kubelet.go rejectPod with the status manager's
// merge): Failed with the reason and message, the QoS class and a startTime; no container ever existed, so there
// are no container statuses, and only the conditions the kubelet does not own (PodScheduled) are kept.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { computeQosClass } from '../../api/qos.js';
import { kubeTime } from '../../api/time.js';
import type { PodFailure } from './facts.js';

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export function rejectedPodStatus(
  pod: Pod,
  rejection: PodFailure,
  previous: PodStatus | undefined,
  now: Date,
): PodStatus {
  const conditions = (previous?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  return {
    phase: 'Failed',
    reason: rejection.reason,
    message: rejection.message,
    ...(conditions.length > 0 ? { conditions } : {}),
    qosClass: computeQosClass(pod),
    startTime: previous?.startTime ?? kubeTime(now),
  };
}
