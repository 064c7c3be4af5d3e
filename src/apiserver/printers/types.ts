// The meta.k8s.io/v1 Table shapes (k8s.io/apimachinery/pkg/apis/meta/v1 types.go) and the contract every
// per-resource printer fulfils.
import type { KubeObject } from '../../api/object.js';

/** `?includeObject=`: what each row carries besides its cells. The apiserver's default is Metadata. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  /** 0 prints by default; higher only with `kubectl get -o wide`. */
  priority: number;
}

export interface TableRowCondition {
  type: 'Completed';
  status: 'True';
  reason: string;
  message: string;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: TableListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** The cells of one object, in column order, for every column (the server always prints wide; kubectl hides). */
export interface ResourcePrinter {
  columns: TableColumnDefinition[];
  cells(object: KubeObject, now: Date): unknown[];
  conditions?(object: KubeObject): TableRowCondition[] | undefined;
}

/** Column shorthand: most columns are priority-0 strings with no format. */
export function column(
  name: string,
  description: string,
  extra: Partial<TableColumnDefinition> = {},
): TableColumnDefinition {
  return { name, type: 'string', format: '', description, priority: 0, ...extra };
}

export const NAME_COLUMN = column('Name', 'Name must be unique within a namespace.', { format: 'name' });
export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
