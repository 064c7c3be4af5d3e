interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * A pod's or node's conditions. `healthy` says which status is good for a type: True for a pod's, but False for
 * a node's pressure conditions.
 */
export function ConditionsTable(props: {
  conditions: Condition[] | undefined;
  healthy: (c: Condition) => boolean;
}) {
  return (
    <table class="grid">
      <tbody>
        {(props.conditions ?? []).map((c) => (
          <tr key={c.type}>
            <td>{c.type}</td>
            <td class={props.healthy(c) ? 'ok' : 'bad'}>{c.status}</td>
            <td class="muted">{c.message ?? c.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
