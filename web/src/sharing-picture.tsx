import type { SharingReport } from '../../src/inspect/types.js';
import { getJson } from './api.js';
import { layoutFloorPlan, WALL, type FloorPlan } from './sharing-layout.js';
import { useLive } from './use-live.js';

interface PictureProps {
  namespace: string;
  name: string;
  /** The pod's resourceVersion: a restart moves processes, so a change redraws the picture. */
  version: string;
}

/** podlet's sharing report (`podlet inspect pod`) drawn as a floor plan, with the report's facts beside it. */
export function SharingPicture(props: PictureProps) {
  const path = `/api/v1/namespaces/${encodeURIComponent(props.namespace)}/pods/${encodeURIComponent(props.name)}/inspect`;
  const { value: report, error } = useLive<SharingReport>(
    async (signal, set) => set(await getJson<SharingReport>(path, signal)),
    [path, props.version],
  );
  if (error) return <p class="error">{error.message}</p>;
  if (report === undefined) return <p class="muted">Reading the pod's namespaces…</p>;
  const plan = layoutFloorPlan(report);
  return (
    <figure class="sharing" data-testid="sharing">
      <FloorPlanSvg plan={plan} />
      <figcaption>
        <p>
          Outer walls: the namespaces every process of the pod shares
          {plan.walls.length > 0 ? ` (${plan.walls.map((w) => w.namespace).join(', ')})` : ' (none)'}. Rooms:
          the pod's processes. Corridors: volumes, with a door into each container that mounts them (dashed:
          read-only).
        </p>
        {plan.hostShared.length > 0 && <p>Shared with the node itself: {plan.hostShared.join(', ')}.</p>}
        {plan.podFiles.length > 0 && (
          <p>Files every container gets from the pod: {plan.podFiles.join(', ')}.</p>
        )}
      </figcaption>
    </figure>
  );
}

function FloorPlanSvg(props: { plan: FloorPlan }) {
  const { plan } = props;
  return (
    <svg
      width={plan.width}
      height={plan.height}
      viewBox={`0 0 ${plan.width} ${plan.height}`}
      role="img"
      aria-label="floor plan of the pod's sharing"
    >
      {plan.walls.map((w) => (
        <g key={w.namespace} class={`wall wall-${w.namespace}${w.host ? ' host' : ''}`}>
          <rect x={w.x} y={w.y} width={w.width} height={w.height} />
          <text x={w.x + 6} y={w.y + WALL - 3}>
            {w.host ? `${w.namespace} (host)` : w.namespace}
          </text>
        </g>
      ))}
      <rect
        class="floor"
        x={plan.floor.x}
        y={plan.floor.y}
        width={plan.floor.width}
        height={plan.floor.height}
      />
      {plan.corridors.map((c) => (
        <g key={c.volume} class="corridor" data-volume={c.volume}>
          <line x1={c.x1} y1={c.y} x2={c.x2} y2={c.y} />
          <text x={c.x1 + 4} y={c.y - 4}>
            {c.volume}
          </text>
          {c.doors.map((d) => (
            <line key={d.room} class={d.readOnly ? 'door ro' : 'door'} x1={d.x} y1={c.y} x2={d.x} y2={d.y}>
              <title>{`${d.room}: ${d.destination}${d.readOnly ? ' (read-only)' : ''}`}</title>
            </line>
          ))}
        </g>
      ))}
      {plan.rooms.map((r) => (
        <g key={r.name} class={`room room-${r.kind}`} data-room={r.name}>
          <rect x={r.x} y={r.y} width={r.width} height={r.height} rx={4} />
          <text class="room-name" x={r.x + 8} y={r.y + 18}>
            {r.name}
          </text>
          <text class="room-kind" x={r.x + 8} y={r.y + 34}>
            {`${r.kind} · ${r.state}`}
          </text>
          {r.notes.map((n, i) => (
            <text key={n} class="room-note" x={r.x + 8} y={r.y + 54 + i * 14}>
              {n}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}
