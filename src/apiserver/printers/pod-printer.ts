// `kubectl get pods` columns, as podColumnDefinitions / printPod in pkg/printers/internalversion/printers.go.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ageSince } from './duration.js';
import { summarizePod } from './pod-status.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter, type TableRowCondition } from './types.js';

const wide = { priority: 1 };

export const podPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column('IP', 'The IP address allocated to the pod.', wide),
    column('Node', 'The node the pod is scheduled onto.', wide),
    column(
      'Nominated Node',
      'The node the scheduler nominated while preempting other pods for this one.',
      wide,
    ),
    column('Readiness Gates', 'How many of the pod readiness gates are True.', wide),
  ],
  cells(object, now) {
    const pod = object as Pod;
    const summary = summarizePod(pod, now);
    return [
      pod.metadata?.name ?? '',
      summary.ready,
      summary.status,
      summary.restarts,
      ageSince(pod.metadata?.creationTimestamp, now),
      podIP(pod) || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(object) {
    const phase = (object as Pod).status?.phase;
    if (phase === 'Succeeded') return [completed('Succeeded', 'The pod has completed successfully.')];
    if (phase === 'Failed') return [completed('Failed', 'The pod failed.')];
    return undefined;
  },
};

// The internal type only has podIPs; v1 -> internal conversion fills it from podIP when podIPs is empty.
function podIP(pod: Pod): string | undefined {
  return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const trueCount = gates.filter(
    (gate) => conditions.find((c) => c.type === gate.conditionType)?.status === 'True',
  ).length;
  return `${trueCount}/${gates.length}`;
}

function completed(reason: string, message: string): TableRowCondition {
  return { type: 'Completed', status: 'True', reason, message };
}
