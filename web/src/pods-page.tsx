import type { Pod } from 'kubernetes-types/core/v1';
import { listAndWatchTable } from './api.js';
import { Link } from './link.js';
import { podPath } from './router.js';
import { cell, type Table } from './table.js';
import { useLive } from './use-live.js';

const COLUMNS = ['Ready', 'Status', 'Restarts', 'Age', 'IP'];

/** Every pod, as `kubectl get pods -A -o wide` prints it, kept current by a watch. */
export function PodsPage() {
  const { value: table, error } = useLive<Table<Pod>>(
    (signal, set) => listAndWatchTable<Pod>('/api/v1/pods', signal, set),
    [],
  );
  return (
    <section>
      <h1>Pods</h1>
      {error && <p class="error">{error.message}</p>}
      {table === undefined ? (
        <p class="muted">Loading…</p>
      ) : table.rows.length === 0 ? (
        <p class="muted">No pods yet. Try `kubectl run hello --image=busybox -- sleep 3600`.</p>
      ) : (
        <table class="grid" data-testid="pods">
          <thead>
            <tr>
              <th>Namespace</th>
              <th>Name</th>
              {COLUMNS.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sortRows(table).map((row) => {
              const { namespace = '', name = '' } = row.object.metadata ?? {};
              const status = cell(table, row, 'Status');
              return (
                <tr key={`${namespace}/${name}`} data-pod={name}>
                  <td>{namespace}</td>
                  <td>
                    <Link href={podPath(namespace, name)}>{name}</Link>
                  </td>
                  <td>{cell(table, row, 'Ready')}</td>
                  <td>
                    <span class={`status ${statusClass(status)}`} data-testid="status">
                      {status}
                    </span>
                  </td>
                  <td>{cell(table, row, 'Restarts')}</td>
                  <td>{cell(table, row, 'Age')}</td>
                  <td>{cell(table, row, 'IP')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function sortRows(table: Table<Pod>) {
  const key = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
  return [...table.rows].sort((a, b) => key(a.object).localeCompare(key(b.object)));
}

/** A colour for kubectl's STATUS word. */
export function statusClass(status: string): string {
  if (status === 'Running' || status === 'Completed' || status === 'Succeeded') return 'ok';
  if (/Err|BackOff|Failed|Error|OOM|Evicted|Unknown/.test(status)) return 'bad';
  return 'pending';
}
