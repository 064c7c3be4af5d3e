// Words for a pod's parts the way `kubectl describe pod` writes them (k8s.io/kubectl/pkg/describe/describe.go).
import type { ContainerState, Probe } from 'kubernetes-types/core/v1';

/** `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3` */
export function probeText(probe: Probe): string {
  const timing =
    `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s ` +
    `period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
  return `${probeAction(probe)} ${timing}`;
}

function probeAction(probe: Probe): string {
  if (probe.exec) return `exec [${(probe.exec.command ?? []).join(' ')}]`;
  if (probe.httpGet) {
    const g = probe.httpGet;
    return `http-get ${(g.scheme ?? 'HTTP').toLowerCase()}://${g.host ?? ''}:${g.port}${g.path ?? ''}`;
  }
  if (probe.tcpSocket) return `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port}`;
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''}`.trimEnd();
  return 'unknown';
}

/** `Running`, `Waiting (ContainerCreating)`, `Terminated (Completed, exit 0)`. */
export function stateText(state: ContainerState | undefined): string {
  if (state?.running) return 'Running';
  if (state?.terminated) {
    const t = state.terminated;
    return `Terminated (${t.reason ?? 'Unknown'}, exit ${t.exitCode})`;
  }
  if (state?.waiting) return `Waiting (${state.waiting.reason ?? ''})`;
  return 'Unknown';
}
