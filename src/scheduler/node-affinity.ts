// Matching a pod's node constraints against a Node (k8s.io/component-helpers/scheduling/corev1/nodeaffinity):
// spec.nodeSelector (every label equal) AND requiredDuringSchedulingIgnoredDuringExecution (any term, each term
// all of its matchExpressions on labels and matchFields on metadata.name). A term with neither matches nothing.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';

/** GetRequiredNodeAffinity(pod).Match(node); parse errors (a bad Gt value) make a term not match, as upstream. */
export function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((term) => matchesTerm(term, node));
}

function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  const nodeFields: Record<string, string> = { 'metadata.name': node.metadata?.name ?? '' };
  return (
    expressions.every((r) => matchesRequirement(r, labels)) &&
    fields.every((r) => r.key === 'metadata.name' && matchesRequirement(r, nodeFields))
  );
}

/** NodeSelectorRequirementsAsSelector: In, NotIn, Exists, DoesNotExist, Gt, Lt (integers). */
export function matchesRequirement(
  r: NodeSelectorRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key] ?? '';
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? integer(values[0] ?? '') : undefined;
      const actual = integer(value);
      if (!has || bound === undefined || actual === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

function integer(text: string): bigint | undefined {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}
