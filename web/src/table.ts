// meta.k8s.io/v1 Table, as the API prints a collection for kubectl (and for this app, so both show the same STATUS).

export interface TableColumn {
  name: string;
  type: string;
  priority: number;
  description?: string;
}

export interface TableRow<T> {
  cells: (string | number | boolean)[];
  object: T;
}

export interface Table<T> {
  kind: 'Table';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumn[];
  rows: TableRow<T>[];
}

/** The cell under the column named `name` (kubectl's column names: NAME, READY, STATUS, ...). */
export function cell<T>(table: Table<T>, row: TableRow<T>, name: string): string {
  const at = table.columnDefinitions.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  const value = at === -1 ? undefined : row.cells[at];
  return value === undefined ? '' : String(value);
}
