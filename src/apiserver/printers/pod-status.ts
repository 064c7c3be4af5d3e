// The READY / STATUS / RESTARTS summary of `kubectl get pods`, as printPod in
// kubernetes/kubernetes pkg/printers/internalversion/printers.go (v1.33+, with the v1.35 errorReason step).
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { humanDuration, parseTimestamp } from './duration.js';

export interface PodSummary {
  /** `ready/total`, restartable init containers (sidecars) counted in both. */
  ready: string;
  status: string;
  /** `N`, or `N (<age> ago)` when a last termination time is known. */
  restarts: string;
}

interface RestartTally {
  count: number;
  /** Newest lastState.terminated.finishedAt in ms, 0 when none is known. */
  last: number;
}

interface InitWalk {
  reason: string | undefined;
  ready: number;
  all: RestartTally;
  sidecars: RestartTally;
}

export function summarizePod(pod: Pod, now: Date): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let reason = status.reason || status.phase || '';
  if (hasCondition(status.conditions, (c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }
  const initContainers = spec?.initContainers ?? [];
  const sidecarNames = new Set(initContainers.filter(isRestartable).map((c) => c.name));
  const total = (spec?.containers.length ?? 0) + sidecarNames.size;

  const init = walkInitContainers(status.initContainerStatuses ?? [], sidecarNames, initContainers.length);
  let ready = init.ready;
  let restarts = init.all;
  if (init.reason !== undefined) reason = init.reason;
  const initialized = hasCondition(status.conditions, (c) => c.type === 'Initialized' && c.status === 'True');
  if (init.reason === undefined || initialized) {
    // Once initialised, init-container restarts no longer count, except those of sidecars that keep running.
    const main = walkContainers(status.containerStatuses ?? [], { ...init.sidecars });
    ready += main.ready;
    restarts = main.restarts;
    if (main.reason !== undefined) reason = main.reason;
    reason = settleCompleted(reason, main, status.conditions);
  }
  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  }
  return { ready: `${ready}/${total}`, status: reason, restarts: formatRestarts(restarts, now) };
}

// Init containers run in order: the first one that has not exited 0 (and is not a started sidecar) names the status.
function walkInitContainers(statuses: ContainerStatus[], sidecars: Set<string>, specCount: number): InitWalk {
  const walk: InitWalk = {
    reason: undefined,
    ready: 0,
    all: { count: 0, last: 0 },
    sidecars: { count: 0, last: 0 },
  };
  for (const [i, cs] of statuses.entries()) {
    const sidecar = sidecars.has(cs.name);
    tally(walk.all, cs);
    if (sidecar) tally(walk.sidecars, cs);
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) walk.ready++;
      continue;
    }
    if (terminated) walk.reason = `Init:${terminatedReason(terminated)}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') walk.reason = `Init:${waiting.reason}`;
    else walk.reason = `Init:${i}/${specCount}`;
    break;
  }
  return walk;
}

interface ContainerWalk {
  reason: string | undefined;
  errorReason: string | undefined;
  hasRunning: boolean;
  ready: number;
  restarts: RestartTally;
}

// Walked last to first over the name-sorted statuses, so the alphabetically first container with a reason wins.
function walkContainers(statuses: ContainerStatus[], restarts: RestartTally): ContainerWalk {
  const walk: ContainerWalk = {
    reason: undefined,
    errorReason: undefined,
    hasRunning: false,
    ready: 0,
    restarts,
  };
  for (const cs of [...statuses].reverse()) {
    tally(walk.restarts, cs);
    const { waiting, terminated, running } = cs.state ?? {};
    if (waiting?.reason) {
      walk.reason = waiting.reason;
    } else if (terminated) {
      walk.reason = terminatedReason(terminated);
      if (terminated.exitCode !== 0) walk.errorReason = walk.reason;
    } else if (cs.ready && running) {
      walk.hasRunning = true;
      walk.ready++;
    }
  }
  return walk;
}

// A `Completed` container beside a running one means the pod still runs; beside a failed one (v1.35,
// kubernetes/kubernetes#124766) the failure is what the user needs to see.
function settleCompleted(
  reason: string,
  walk: ContainerWalk,
  conditions: PodCondition[] | undefined,
): string {
  if (reason !== 'Completed') return reason;
  if (walk.hasRunning) {
    return hasCondition(conditions, (c) => c.type === 'Ready' && c.status === 'True')
      ? 'Running'
      : 'NotReady';
  }
  return walk.errorReason ?? reason;
}

function terminatedReason(t: { reason?: string; signal?: number; exitCode: number }): string {
  if (t.reason) return t.reason;
  return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
}

function tally(into: RestartTally, cs: ContainerStatus): void {
  into.count += cs.restartCount ?? 0;
  const finished = parseTimestamp(cs.lastState?.terminated?.finishedAt);
  if (finished !== undefined && finished > into.last) into.last = finished;
}

function formatRestarts(r: RestartTally, now: Date): string {
  if (r.count === 0 || r.last === 0) return String(r.count);
  return `${r.count} (${humanDuration(now.getTime() - r.last)} ago)`;
}

function isRestartable(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

function hasCondition(conditions: PodCondition[] | undefined, match: (c: PodCondition) => boolean): boolean {
  return (conditions ?? []).some(match);
}
