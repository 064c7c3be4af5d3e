// The host ports a pod binds and when two of them clash, as the scheduler's NodePorts plugin and the kubelet's
// admission both judge it (pkg/scheduler/framework/types.go HostPortInfo, plugins/nodeports/node_ports.go).
import type { ContainerPort, Pod } from 'kubernetes-types/core/v1.js';

interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** nodeports.ErrReason: the scheduler says it, and the kubelet repeats it when it refuses a pod. */
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** The host ports of the pod's containers and its restartable (sidecar) init containers. */
function hostPorts(pod: Pod): HostPort[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...(pod.spec?.containers ?? []), ...sidecars]
    .flatMap((c): ContainerPort[] => c.ports ?? [])
    .filter((p) => (p.hostPort ?? 0) > 0)
    .map((p) => ({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort ?? 0 }));
}

/** HostPortInfo.CheckConflict: the same protocol and port, and either IP the wildcard or both equal. */
function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  return a.ip === '0.0.0.0' || b.ip === '0.0.0.0' || a.ip === b.ip;
}

/** Whether `pod` wants a host port one of `others` already holds (nodeports.Fits). */
export function hostPortTaken(pod: Pod, others: readonly Pod[]): boolean {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return false;
  const used = others.flatMap(hostPorts);
  return wanted.some((w) => used.some((u) => portsConflict(w, u)));
}
