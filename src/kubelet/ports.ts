import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PortMapping } from '../network/cni.js';

/** hostPort mappings for the portmap CNI plugin, from every container's ports (kubelet: kuberuntime_sandbox.go). */
export function podPortMappings(pod: Pod): PortMapping[] {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => p.hostPort !== undefined && p.hostPort > 0)
      .map((p) => ({
        hostPort: p.hostPort!,
        containerPort: p.containerPort,
        protocol: (p.protocol ?? 'TCP').toLowerCase() as PortMapping['protocol'],
        ...(p.hostIP ? { hostIP: p.hostIP } : {}),
      })),
  );
}
