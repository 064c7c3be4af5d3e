// What both endpoint controllers read from a pod (pkg/api/v1/pod/util.go FindPort, IsPodReady;
// staging/src/k8s.io/endpointslice/util ShouldPodBeInEndpoints; pkg/controller/util/endpoint ShouldSetHostname).
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/**
 * The pods a Service selects: same namespace, every selector label equal. A Service without a selector (or with
 * an empty one, which storage keeps as none) selects nothing: its endpoints are the user's.
 */
export function selectedPods(service: Service, pods: readonly Pod[]): Pod[] {
  const selector = Object.entries(service.spec?.selector ?? {});
  if (selector.length === 0) return [];
  return pods.filter(
    (p) =>
      p.metadata?.namespace === service.metadata?.namespace &&
      selector.every(([key, value]) => p.metadata?.labels?.[key] === value),
  );
}

export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminating(pod: Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}

/** A pod with an IP that has not finished; a terminating one only when asked to include it. */
export function shouldBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  return includeTerminating || !isTerminating(pod);
}

/** The pod's IPv4 address, the only family podlet's pods have. */
export function podIP(pod: Pod): string {
  return pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? '';
}

/**
 * The container port a Service port reaches on a pod: a number as it is, a name looked up among the containers'
 * (then the sidecars') ports of the same protocol; undefined when no container declares it.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    const port = (container.ports ?? []).find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol);
    if (port !== undefined) return port.containerPort;
  }
  return undefined;
}

/** A pod with spec.hostname whose spec.subdomain names the Service gets a hostname in its endpoints. */
export function endpointHostname(pod: Pod, service: Service): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== service.metadata?.name) return undefined;
  return pod.metadata?.namespace === service.metadata?.namespace ? hostname : undefined;
}

export function podReference(pod: Pod): { kind: 'Pod'; namespace: string; name: string; uid: string } {
  return {
    kind: 'Pod',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
  };
}
