import type { Node } from 'kubernetes-types/core/v1';
import { listAndWatch } from './api.js';
import { ConditionsTable } from './conditions-table.js';
import { formatBytes, parseQuantity } from './quantity.js';
import { useLive } from './use-live.js';

/** Memory-like resources read better in binary units; the rest as the API writes them. */
function resourceText(name: string, quantity: string | undefined): string {
  if (quantity === undefined) return '-';
  const bytes = /memory|storage/.test(name) ? parseQuantity(quantity) : Number.NaN;
  return Number.isNaN(bytes) ? quantity : `${formatBytes(bytes)} (${quantity})`;
}

/** The node: capacity and allocatable side by side, its conditions and what it runs. */
export function NodePage() {
  const { value: nodes, error } = useLive<Node[]>(
    (signal, set) => listAndWatch<Node>('/api/v1/nodes', signal, set),
    [],
  );
  return (
    <section>
      <h1>Node</h1>
      {error && <p class="error">{error.message}</p>}
      {nodes?.map((n) => (
        <NodeDetails key={n.metadata?.name} node={n} />
      ))}
    </section>
  );
}

function NodeDetails(props: { node: Node }) {
  const { node } = props;
  const capacity = node.status?.capacity ?? {};
  const allocatable = node.status?.allocatable ?? {};
  const names = [...new Set([...Object.keys(capacity), ...Object.keys(allocatable)])].sort();
  const info = node.status?.nodeInfo;
  return (
    <>
      <h2>{node.metadata?.name}</h2>
      <p class="summary">
        {info
          ? `${info.osImage} · kernel ${info.kernelVersion} · ${info.containerRuntimeVersion} · kubelet ${info.kubeletVersion}`
          : ''}
      </p>
      <table class="grid" data-testid="capacity">
        <thead>
          <tr>
            <th>Resource</th>
            <th>Capacity</th>
            <th>Allocatable</th>
          </tr>
        </thead>
        <tbody>
          {names.map((r) => (
            <tr key={r}>
              <td>{r}</td>
              <td>{resourceText(r, capacity[r])}</td>
              <td>{resourceText(r, allocatable[r])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Conditions</h2>
      <ConditionsTable
        conditions={node.status?.conditions}
        healthy={(c) => (c.type === 'Ready') === (c.status === 'True')}
      />
    </>
  );
}
