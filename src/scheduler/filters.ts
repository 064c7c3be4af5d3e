// The default scheduler's Filter plugins that apply to one node, in the order the default profile runs them
// (pkg/scheduler/apis/config/v1/default_plugins.go): NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
// NodePorts, NodeResourcesFit. The first plugin that fails decides the node's status, as RunFilterPlugins stops there.
import { toleratesTaint } from '../api/tolerations.js';
import type { Pod, Taint } from 'kubernetes-types/core/v1.js';
import { hostPortTaken, REASON_NODE_PORTS } from '../api/host-ports.js';
import { matchesNodeSelector } from './node-affinity.js';
import { nodeAllocatable, podResourceRequest, requestedOn, type NodeInfo } from './node-info.js';

/**
 * framework.Status for a failed filter. `UnschedulableAndUnresolvable` means preemption cannot help
 * (interface.go); `Unschedulable` means removing pods might.
 */
export interface FilterFailure {
  code: 'Unschedulable' | 'UnschedulableAndUnresolvable';
  plugin: string;
  reasons: string[];
}

// The reasons, word for word from each plugin's source.
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_TOO_MANY_PODS = 'Too many pods';

const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

type Filter = (pod: Pod, info: NodeInfo) => FilterFailure | undefined;

const FILTERS: readonly Filter[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];

/** Undefined when the pod may run on the node beside `info.pods`; else the first plugin's failure. */
export function runFilters(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  for (const filter of FILTERS) {
    const failure = filter(pod, info);
    if (failure) return failure;
  }
  return undefined;
}

/** nodeunschedulable: a cordoned node takes only pods that tolerate its unschedulable taint. */
function nodeUnschedulable(pod: Pod, { node }: NodeInfo): FilterFailure | undefined {
  if (!node.spec?.unschedulable) return undefined;
  const taint: Taint = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' };
  if ((pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, taint))) return undefined;
  return unresolvable('NodeUnschedulable', REASON_UNSCHEDULABLE);
}

/** nodename: a pod naming a node fits only that node. */
function nodeName(pod: Pod, { node }: NodeInfo): FilterFailure | undefined {
  const wanted = pod.spec?.nodeName;
  if (!wanted || wanted === node.metadata?.name) return undefined;
  return unresolvable('NodeName', REASON_NODE_NAME);
}

/** tainttoleration: the first NoSchedule or NoExecute taint no toleration matches (FindMatchingUntoleratedTaint). */
function taintToleration(pod: Pod, { node }: NodeInfo): FilterFailure | undefined {
  const tolerations = pod.spec?.tolerations ?? [];
  const taint = (node.spec?.taints ?? []).find(
    (t) =>
      (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
      !tolerations.some((toleration) => toleratesTaint(toleration, t)),
  );
  if (!taint) return undefined;
  return unresolvable(
    'TaintToleration',
    `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`,
  );
}

/** nodeaffinity: spec.nodeSelector and the required node affinity both match (preferred terms only score). */
function nodeAffinity(pod: Pod, { node }: NodeInfo): FilterFailure | undefined {
  if (matchesNodeSelector(pod, node)) return undefined;
  return unresolvable('NodeAffinity', REASON_NODE_AFFINITY);
}

/** nodeports: a wanted host port (protocol, port) already taken on an overlapping host IP. */
function nodePorts(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  return hostPortTaken(pod, info.pods)
    ? { code: 'Unschedulable', plugin: 'NodePorts', reasons: [REASON_NODE_PORTS] }
    : undefined;
}

/**
 * noderesources Fit (fit.go fitsRequest): the pod count, then every requested resource against allocatable less
 * what the node's pods request; every shortage is a reason (`Insufficient cpu`, `Insufficient example.com/dongle`).
 */
function nodeResourcesFit(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  const allocatable = nodeAllocatable(info.node);
  const reasons: string[] = [];
  if (info.pods.length + 1 > allocatable.pods) reasons.push(REASON_TOO_MANY_PODS);
  const want = podResourceRequest(pod);
  const used = requestedOn(info);
  const short = (name: string, wanted: bigint, total: bigint, taken: bigint) => {
    if (wanted > 0n && wanted > total - taken) reasons.push(`Insufficient ${name}`);
  };
  short('cpu', want.milliCpu, allocatable.milliCpu, used.milliCpu);
  short('memory', want.memory, allocatable.memory, used.memory);
  short('ephemeral-storage', want.ephemeralStorage, allocatable.ephemeralStorage, used.ephemeralStorage);
  for (const [name, amount] of want.scalar)
    short(name, amount, allocatable.scalar.get(name) ?? 0n, used.scalar.get(name) ?? 0n);
  return reasons.length > 0 ? { code: 'Unschedulable', plugin: 'NodeResourcesFit', reasons } : undefined;
}

function unresolvable(plugin: string, reason: string): FilterFailure {
  return { code: 'UnschedulableAndUnresolvable', plugin, reasons: [reason] };
}
