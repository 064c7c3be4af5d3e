// Server-side Table printing (kubectl's `Accept: ...;as=Table`): the public surface of this folder.
export { printTable, hasPrinter, tableRowObject, type PrintOptions } from './table.js';
export { humanDuration, shortHumanDuration, ageSince } from './duration.js';
export { summarizePod, type PodSummary } from './pod-status.js';
export type {
  IncludeObject,
  Table,
  TableColumnDefinition,
  TableListMeta,
  TableRow,
  TableRowCondition,
} from './types.js';
