// `started` and `ready` of each container status, from the probe results the kubelet holds
// (pkg/kubelet/prober/prober_manager.go UpdatePodStatus, isContainerStarted).
import type { Container, ContainerStatus } from 'kubernetes-types/core/v1.js';
import { isSidecar, type ContainerGroup } from './container-statuses.js';
import type { KubeletPodFacts } from './facts.js';

/**
 * Sets `started` and `ready` in place. A running container is started once its startup probe passed (at once
 * without one) and ready once started and its readiness probe passed (at once without one). A regular init
 * container is ready once it exited 0. Ephemeral containers get neither (the prober skips them).
 */
export function applyProbeResults(
  group: Exclude<ContainerGroup, 'ephemeral'>,
  specs: readonly Container[],
  statuses: ContainerStatus[],
  facts: KubeletPodFacts,
): void {
  for (const status of statuses) {
    const spec = specs.find((c) => c.name === status.name);
    if (!spec) continue;
    const running = status.state?.running !== undefined;
    status.started = running && probePassed(spec.startupProbe !== undefined, facts.started.get(spec.name));
    if (group === 'init' && !isSidecar(spec)) {
      if (status.state?.terminated?.exitCode === 0) status.ready = true;
      continue;
    }
    status.ready =
      status.started && probePassed(spec.readinessProbe !== undefined, facts.readiness.get(spec.name));
  }
}

/** A probe that has not reported yet counts as failed; without a probe in the spec, the fact (if any) decides. */
function probePassed(hasProbe: boolean, result: boolean | undefined): boolean {
  return hasProbe ? result === true : (result ?? true);
}
