// The scheduler's diagnosis text (pkg/scheduler/framework/types.go FitError.Error, v1.33): `0/N nodes are
// available:` then a histogram of the filter reasons, "count reason" sorted as strings and joined by ", ", ending
// in "."; then the PostFilter (preemption) message, which carries its own final period.

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

// The preemption texts (pkg/scheduler/framework/preemption/preemption.go and defaultpreemption).
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** FitError.Error(): `nodeReasons` holds each node's reasons (one list per node that failed). */
export function fitErrorMessage(
  numAllNodes: number,
  nodeReasons: readonly (readonly string[])[],
  postFilterMessage = '',
): string {
  const counts = new Map<string, number>();
  for (const reasons of nodeReasons) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(goStringCompare);
  let message = `0/${numAllNodes} nodes are available:`;
  if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  if (postFilterMessage !== '') message += ` ${postFilterMessage}`;
  return message;
}

/** DefaultPreemption.PostFilter prefixes whatever the evaluator said. */
export function preemptionMessage(message: string): string {
  return `preemption: ${message}`;
}

/** Go's sort.Strings: bytewise, not locale order. */
function goStringCompare(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}
