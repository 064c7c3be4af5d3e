import type { Event } from 'kubernetes-types/core/v1';
import { collectionPath, listAndWatch } from './api.js';
import { useLive } from './use-live.js';

function lastSeen(e: Event): string {
  return e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '';
}

/** The pod's events, newest last, as `kubectl describe pod` lists them. */
export function PodEvents(props: { namespace: string; name: string }) {
  const { namespace, name } = props;
  const { value: events, error } = useLive<Event[]>(
    (signal, set) =>
      listAndWatch<Event>(collectionPath(namespace, 'events', `involvedObject.name=${name}`), signal, set),
    [namespace, name],
  );
  if (error) return <p class="error">{error.message}</p>;
  if (events === undefined || events.length === 0) return <p class="muted">No events.</p>;
  const sorted = [...events].sort((a, b) => lastSeen(a).localeCompare(lastSeen(b)));
  return (
    <table class="grid" data-testid="events">
      <thead>
        <tr>
          <th>Type</th>
          <th>Reason</th>
          <th>Count</th>
          <th>Last seen</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((e) => (
          <tr key={e.metadata?.uid ?? e.metadata?.name}>
            <td class={e.type === 'Warning' ? 'bad' : ''}>{e.type}</td>
            <td>{e.reason}</td>
            <td>{e.count ?? 1}</td>
            <td class="muted">{new Date(lastSeen(e)).toLocaleTimeString()}</td>
            <td>{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
