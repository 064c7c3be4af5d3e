// Finding a container of a pod by name: names are unique across its init, regular and ephemeral containers.
import type { Container, EphemeralContainer, Pod } from 'kubernetes-types/core/v1.js';

export function podContainer(pod: Pod, name: string): Container | EphemeralContainer | undefined {
  const spec = pod.spec;
  return [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ].find((c) => c.name === name);
}
