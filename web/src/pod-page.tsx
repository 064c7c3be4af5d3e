import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { collectionPath, listAndWatch } from './api.js';
import { ConditionsTable } from './conditions-table.js';
import { LogTail } from './log-tail.js';
import { PodEvents } from './pod-events.js';
import { probeText, stateText } from './pod-text.js';
import { SharingPicture } from './sharing-picture.js';
import { UsageSparklines } from './usage-sparklines.js';
import { useLive } from './use-live.js';

interface PodProps {
  namespace: string;
  name: string;
}

/** One pod: its containers, conditions, events, resource use, sharing picture and a live log. */
export function PodPage(props: PodProps) {
  const { namespace, name } = props;
  const { value: pods, error } = useLive<Pod[]>(
    (signal, set) =>
      listAndWatch<Pod>(collectionPath(namespace, 'pods', `metadata.name=${name}`), signal, set),
    [namespace, name],
  );
  const pod = pods?.[0];
  return (
    <section>
      <h1>
        <span class="muted">{namespace} /</span> {name}
      </h1>
      {error && <p class="error">{error.message}</p>}
      {pods !== undefined && pod === undefined && <p class="muted">This pod does not exist (any more).</p>}
      {pod && <PodDetails pod={pod} />}
    </section>
  );
}

function PodDetails(props: { pod: Pod }) {
  const { pod } = props;
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const running = pod.status?.containerStatuses?.some((s) => s.state?.running) ?? false;
  return (
    <>
      <p class="summary">
        <span class="status" data-testid="phase">
          {pod.status?.phase ?? 'Pending'}
        </span>{' '}
        IP {pod.status?.podIP ?? '-'} · QoS {pod.status?.qosClass ?? '-'} · node {pod.spec?.nodeName ?? '-'}
      </p>
      <h2>Containers</h2>
      <ContainerTable pod={pod} containers={containers} />
      <h2>Conditions</h2>
      <ConditionsTable conditions={pod.status?.conditions} healthy={(c) => c.status === 'True'} />
      <h2>Resource use</h2>
      <UsageSparklines namespace={namespace} name={name} />
      <h2>Sharing</h2>
      {running ? (
        <SharingPicture namespace={namespace} name={name} version={pod.metadata?.resourceVersion ?? ''} />
      ) : (
        <p class="muted">The picture appears once a container runs.</p>
      )}
      <h2>Log</h2>
      <LogTail
        namespace={namespace}
        name={name}
        containers={containers.map((c) => c.name)}
        defaultContainer={defaultContainer(pod)}
        running={running}
      />
      <h2>Events</h2>
      <PodEvents namespace={namespace} name={name} />
    </>
  );
}

/** kubectl logs' choice: the annotation kubectl.kubernetes.io/default-container, else the first container. */
function defaultContainer(pod: Pod): string {
  return (
    pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ??
    pod.spec?.containers[0]?.name ??
    ''
  );
}

function ContainerTable(props: { pod: Pod; containers: Container[] }) {
  const statuses = new Map<string, ContainerStatus>(
    [...(props.pod.status?.initContainerStatuses ?? []), ...(props.pod.status?.containerStatuses ?? [])].map(
      (s) => [s.name, s],
    ),
  );
  return (
    <table class="grid" data-testid="containers">
      <thead>
        <tr>
          <th>Name</th>
          <th>Image</th>
          <th>State</th>
          <th>Ready</th>
          <th>Restarts</th>
          <th>Probes</th>
        </tr>
      </thead>
      <tbody>
        {props.containers.map((c) => {
          const s = statuses.get(c.name);
          return (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td class="mono">{c.image}</td>
              <td>{stateText(s?.state)}</td>
              <td>{s?.ready ? 'yes' : 'no'}</td>
              <td>{s?.restartCount ?? 0}</td>
              <td class="mono small">
                {(
                  [
                    ['startup', c.startupProbe],
                    ['liveness', c.livenessProbe],
                    ['readiness', c.readinessProbe],
                  ] as const
                )
                  .filter(([, p]) => p !== undefined)
                  .map(([kind, p]) => (
                    <div key={kind}>
                      {kind}: {p && probeText(p)}
                    </div>
                  ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
