// Columns of priorityclasses, as printPriorityClass in pkg/printers/internalversion/printers.go.
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import { ageSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './types.js';

export const priorityClassPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Value', 'value represents the integer value of this priority class.', { type: 'integer' }),
    column(
      'Global-Default',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
      { type: 'boolean' },
    ),
    AGE_COLUMN,
    column('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells(object, now) {
    const pc = object as unknown as PriorityClass;
    return [
      pc.metadata?.name ?? '',
      pc.value,
      pc.globalDefault ?? false,
      ageSince(pc.metadata?.creationTimestamp, now),
      pc.preemptionPolicy ?? '',
    ];
  },
};
