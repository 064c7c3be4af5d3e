// Which containers the probe workers watch, taken from the runtime state after each sync: the running ones of the
// pod's live sandbox, with what a probe needs of each (the pod IP, when the container started).
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodRuntimeState } from '../../runtime/runtime.js';
import type { ProbeTarget } from './probe-manager.js';

/** The running containers of the pod's live sandbox, for the probe workers. */
export function probeTargets(pod: Pod, state: PodRuntimeState): ProbeTarget[] {
  const sandbox = state.sandboxes.find((s) => s.state === 'ready');
  if (!sandbox) return [];
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return state.containers.flatMap((c) => {
    const container = specs.find((s) => s.name === c.record.name);
    if (c.state !== 'running' || c.record.sandboxId !== sandbox.record.id || !container) return [];
    const startedAt = new Date(c.record.startedAt ?? c.record.createdAt);
    const podIP = sandbox.record.ips[0] ?? '';
    return [{ podUid: c.record.podUid, pod, container, containerId: c.record.id, startedAt, podIP }];
  });
}
