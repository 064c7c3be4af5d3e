// DefaultPreemption on one node (pkg/scheduler/framework/preemption/preemption.go and
// plugins/defaultpreemption/default_preemption.go): whether the pod may preempt at all, then the fewest
// lower-priority pods whose removal lets it fit — every lower-priority pod is removed, and then pods are added
// back most important first while the pod still fits (SelectVictimsOnNode). No PodDisruptionBudgets here.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { runFilters, type FilterFailure } from './filters.js';
import {
  fitErrorMessage,
  NO_PREEMPTION_VICTIMS,
  NOT_ELIGIBLE_NEVER,
  NOT_ELIGIBLE_TERMINATING,
  PREEMPTION_NOT_HELPFUL,
  preemptionMessage,
} from './messages.js';
import { podPriority, type NodeInfo } from './node-info.js';

export type PreemptionOutcome =
  | { preempted: true; victims: Pod[] }
  /**
   * `message` is the whole PostFilter message (`preemption: ...`); `clearNomination` when no node could be made
   * to fit (NewPostFilterResultWithNominatedNode("")), not when the pod was not eligible to preempt.
   */
  | { preempted: false; message: string; clearNomination: boolean };

/** The DisruptionTarget reason on a victim, and what marks a pod as already terminating for a preemptor. */
export const PREEMPTION_REASON = 'PreemptionByScheduler';

/**
 * Evaluator.Preempt for the one node: `failure` is how the filters failed the pod there, `info` holds the node's
 * pods plus the nominated pods that weigh on the preemptor.
 */
export function preempt(pod: Pod, info: NodeInfo, failure: FilterFailure): PreemptionOutcome {
  const notEligible = ineligibility(pod, info, failure);
  if (notEligible)
    return { preempted: false, message: preemptionMessage(notEligible), clearNomination: false };
  // nodesWherePreemptionMightHelp: removing pods cannot cure an unresolvable failure.
  if (failure.code === 'UnschedulableAndUnresolvable') return noCandidate([PREEMPTION_NOT_HELPFUL]);
  const result = selectVictims(pod, info);
  if ('reasons' in result) return noCandidate(result.reasons);
  return { preempted: true, victims: result.victims };
}

/** PodEligibleToPreemptOthers. */
function ineligibility(pod: Pod, info: NodeInfo, failure: FilterFailure): string | undefined {
  if (pod.spec?.preemptionPolicy === 'Never') return NOT_ELIGIBLE_NEVER;
  const nominated = pod.status?.nominatedNodeName;
  if (!nominated || nominated !== info.node.metadata?.name) return undefined;
  // A nominated node that became unresolvable is looked at afresh.
  if (failure.code === 'UnschedulableAndUnresolvable') return undefined;
  const priority = podPriority(pod);
  const terminating = info.pods.some((p) => podPriority(p) < priority && terminatingByPreemption(p));
  return terminating ? NOT_ELIGIBLE_TERMINATING : undefined;
}

/** A pod being deleted because a preemptor needed its room (podTerminatingByPreemption). */
export function terminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some(
    (c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === PREEMPTION_REASON,
  );
}

/** SelectVictimsOnNode: the victims, or the node's reasons when no set of victims makes room. */
function selectVictims(pod: Pod, info: NodeInfo): { victims: Pod[] } | { reasons: string[] } {
  const priority = podPriority(pod);
  const lower = info.pods.filter((p) => podPriority(p) < priority);
  if (lower.length === 0) return { reasons: [NO_PREEMPTION_VICTIMS] };
  const kept = info.pods.filter((p) => !lower.includes(p));
  const withoutAll = runFilters(pod, { ...info, pods: kept });
  if (withoutAll) return { reasons: withoutAll.reasons };
  const victims: Pod[] = [];
  for (const candidate of [...lower].sort(moreImportantFirst)) {
    if (runFilters(pod, { ...info, pods: [...kept, candidate] })) victims.push(candidate);
    else kept.push(candidate);
  }
  return { victims };
}

/** util.MoreImportantPod: higher priority first, then the one that started earlier. */
function moreImportantFirst(a: Pod, b: Pod): number {
  const byPriority = podPriority(b) - podPriority(a);
  if (byPriority !== 0) return byPriority;
  return startMillis(a) - startMillis(b);
}

function startMillis(pod: Pod): number {
  const start = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return start ? Date.parse(start) : Number.MAX_SAFE_INTEGER;
}

function noCandidate(reasons: string[]): PreemptionOutcome {
  return {
    preempted: false,
    message: preemptionMessage(fitErrorMessage(1, [reasons])),
    clearNomination: true,
  };
}
