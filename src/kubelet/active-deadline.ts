// spec.activeDeadlineSeconds (pkg/kubelet/active_deadline.go): a pod active on the node longer than its deadline is
// failed and its containers killed.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodFailure } from './status/facts.js';

const DEADLINE_EXCEEDED: PodFailure = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
};

/** The failure once `now - startTime >= activeDeadlineSeconds`; nothing before the pod has a startTime. */
export function pastActiveDeadline(
  pod: Pod,
  startTime: string | undefined,
  now: Date,
): PodFailure | undefined {
  const deadline = pod.spec?.activeDeadlineSeconds;
  if (deadline === undefined || startTime === undefined) return undefined;
  const started = Date.parse(startTime);
  if (Number.isNaN(started)) return undefined;
  return now.getTime() - started >= deadline * 1000 ? DEADLINE_EXCEEDED : undefined;
}
