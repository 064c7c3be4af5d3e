// The status the kubelet writes for a pod (pkg/kubelet/kubelet_pods.go generateAPIPodStatus and
// convertStatusToAPIStatus, with the status manager's transition times and startTime; kubelet v1.33).
import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { computeQosClass } from '../../api/qos.js';
import { kubeTime } from '../../api/time.js';
import type { PodRuntimeState } from '../../runtime/runtime.js';
import type { SandboxStatus } from '../../runtime/types.js';
import { computePodConditions } from './conditions.js';
import { convertContainerStatuses } from './container-statuses.js';
import type { KubeletPodFacts, PodFailure } from './facts.js';
import { computePodPhase, type PodPhase } from './phase.js';
import { applyProbeResults } from './probe-results.js';

/**
 * The pod's status from its spec, what the runtime holds and what the kubelet knows. `previous` is the last status
 * written (the API object's when absent): it keeps terminal phases, reasons, restart counts of vanished containers,
 * condition transition times, PodScheduled and startTime. Pure: `now` is the only clock.
 */
export function computePodStatus(
  pod: Pod,
  runtime: PodRuntimeState,
  facts: KubeletPodFacts,
  previous: PodStatus | undefined,
  now: Date,
): PodStatus {
  const old = previous ?? pod.status ?? {};
  const statuses = (group: 'init' | 'regular' | 'ephemeral', prev: ContainerStatus[] | undefined) =>
    convertContainerStatuses({ pod, group, instances: runtime.containers, previous: prev, facts });
  const init = statuses('init', old.initContainerStatuses);
  const regular = statuses('regular', old.containerStatuses);
  const ephemeral = pod.spec?.ephemeralContainers?.length
    ? statuses('ephemeral', old.ephemeralContainerStatuses)
    : undefined;
  applyProbeResults('init', pod.spec?.initContainers ?? [], init, facts);
  applyProbeResults('regular', pod.spec?.containers ?? [], regular, facts);
  const phase = facts.failure
    ? 'Failed'
    : mergePhase(
        pod,
        old,
        computePodPhase({
          pod,
          statuses: [...regular, ...init],
          podIsTerminal: facts.terminating,
          podHasInitialized: hasActiveRegularContainer(pod, runtime),
        }),
      );
  const status: PodStatus = {
    phase,
    ...(facts.failure
      ? { reason: facts.failure.reason, message: facts.failure.message }
      : phaseReason(old, pod.status, phase)),
    conditions: computePodConditions({
      pod,
      phase,
      init,
      regular,
      sandboxReady: sandboxReady(pod, runtime.sandboxes),
      previous: withFailureCondition(old.conditions ?? [], facts.failure),
      now,
    }),
    ...addresses(pod, facts, old),
    startTime: old.startTime ?? kubeTime(firstSandboxTime(runtime.sandboxes) ?? now),
    ...(init.length > 0 ? { initContainerStatuses: init } : {}),
    containerStatuses: regular,
    ...(ephemeral ? { ephemeralContainerStatuses: ephemeral } : {}),
    qosClass: computeQosClass(pod),
  };
  return facts.blocked ? blockedStatus(status, facts.blocked) : status;
}

/** kubelet SyncPod when canRunPod refuses: Pending unless already terminal, and nothing is being created. */
function blockedStatus(status: PodStatus, block: PodFailure): PodStatus {
  const blocked = (list: ContainerStatus[] | undefined) =>
    list?.map((cs) =>
      cs.state?.waiting ? { ...cs, state: { waiting: { ...cs.state.waiting, reason: 'Blocked' } } } : cs,
    );
  const init = blocked(status.initContainerStatuses);
  return {
    ...status,
    phase: isPodTerminal(status) ? (status.phase as PodPhase) : 'Pending',
    reason: block.reason,
    message: block.message,
    ...(init ? { initContainerStatuses: init } : {}),
    containerStatuses: blocked(status.containerStatuses) ?? [],
  };
}

/** The failure's own condition (DisruptionTarget) joins the conditions kept from before, once. */
function withFailureCondition(previous: PodCondition[], failure: PodFailure | undefined): PodCondition[] {
  const condition = failure?.condition;
  if (!condition || previous.some((c) => c.type === condition.type && c.status === condition.status))
    return previous;
  return [...previous.filter((c) => c.type !== condition.type), condition];
}

export function isPodTerminal(status: PodStatus | undefined): boolean {
  return status?.phase === 'Succeeded' || status?.phase === 'Failed';
}

/** Deep equality of two statuses as they serialise (key order and undefined members do not count). */
export function podStatusEqual(a: PodStatus | undefined, b: PodStatus | undefined): boolean {
  return deepEqual(a, b);
}

/** A terminal phase never goes back: the previous one, or the API's, wins over a computed non-terminal one. */
function mergePhase(pod: Pod, old: PodStatus, computed: PodPhase): PodPhase {
  if (computed === 'Failed' || computed === 'Succeeded') {
    return isPodTerminal(pod.status) ? (pod.status?.phase as PodPhase) : computed;
  }
  if (isPodTerminal(old)) return old.phase as PodPhase;
  if (isPodTerminal(pod.status)) return pod.status?.phase as PodPhase;
  return computed;
}

/** The reason and message belong to a phase (an eviction's `Evicted`): kept while the phase stays the same. */
function phaseReason(
  old: PodStatus,
  api: PodStatus | undefined,
  phase: PodPhase,
): Pick<PodStatus, 'reason' | 'message'> {
  if (old.phase !== phase) return {};
  const reason = old.reason || api?.reason;
  const message = old.message || api?.message;
  return { ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/**
 * hostIP and podIPs. A hostNetwork pod has the node's address; a pod whose sandbox is gone (finished) keeps the IP
 * it had, as it does on a real node until the object goes away.
 */
function addresses(pod: Pod, facts: KubeletPodFacts, old: PodStatus): PodStatus {
  const host = facts.hostIP ? { hostIP: facts.hostIP, hostIPs: [{ ip: facts.hostIP }] } : {};
  let ips = facts.podIPs;
  if (ips.length === 0 && pod.spec?.hostNetwork && facts.hostIP) ips = [facts.hostIP];
  if (ips.length === 0) ips = (old.podIPs ?? []).map((p) => p.ip ?? '').filter((ip) => ip !== '');
  const [first] = ips;
  return { ...host, ...(first ? { podIP: first, podIPs: ips.map((ip) => ({ ip })) } : {}) };
}

/** runtimeutil.PodSandboxChanged is false: exactly one ready sandbox, the newest, with an IP unless hostNetwork. */
function sandboxReady(pod: Pod, sandboxes: readonly SandboxStatus[]): boolean {
  const ready = sandboxes.filter((s) => s.state === 'ready');
  const newest = newestSandbox(sandboxes);
  if (ready.length !== 1 || newest?.state !== 'ready') return false;
  return pod.spec?.hostNetwork === true || newest.record.ips.length > 0;
}

/** kubecontainer.HasAnyActiveRegularContainerStarted: a regular container exists in the current sandbox. */
function hasActiveRegularContainer(pod: Pod, runtime: PodRuntimeState): boolean {
  const sandbox = newestSandbox(runtime.sandboxes);
  if (!sandbox) return false;
  const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  return runtime.containers.some((c) => c.record.sandboxId === sandbox.record.id && names.has(c.record.name));
}

function newestSandbox(sandboxes: readonly SandboxStatus[]): SandboxStatus | undefined {
  return [...sandboxes].sort((a, b) => Date.parse(b.record.createdAt) - Date.parse(a.record.createdAt))[0];
}

function firstSandboxTime(sandboxes: readonly SandboxStatus[]): Date | undefined {
  const times = sandboxes.map((s) => Date.parse(s.record.createdAt)).filter((t) => !Number.isNaN(t));
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].every((k) => deepEqual(ra[k], rb[k]));
}
