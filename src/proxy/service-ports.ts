// What the node's data plane needs of Services and EndpointSlices: one entry per IPv4 service port with the
// endpoints traffic may go to, as kube-proxy's ServicePortName / endpointsMap see them.
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export type ProxyProtocol = 'tcp' | 'udp' | 'sctp';

/** Where one endpoint of a service port receives traffic. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
}

/** One port of one Service, with the endpoints that take its traffic. */
export interface ProxiedServicePort {
  /** `namespace/name/protocol/portName`, kube-proxy's ServicePortName (portName may be empty). */
  name: string;
  clusterIP: string;
  protocol: ProxyProtocol;
  port: number;
  /** Set for NodePort (and LoadBalancer) Services that allocated one. */
  nodePort?: number;
  /** sessionAffinity ClientIP: how long a client sticks to its endpoint. */
  affinitySeconds?: number;
  /** Sorted by address then port; empty when no endpoint may take traffic (the port then rejects). */
  endpoints: ProxyEndpoint[];
}

/** The label that ties an EndpointSlice to its Service (discovery.k8s.io/v1 LabelServiceName). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
// pkg/apis/core/v1/defaults.go: DefaultClientIPServiceAffinitySeconds.
const DEFAULT_AFFINITY_SECONDS = 10800;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The service ports to proxy: ClusterIP Services with an IPv4 cluster IP (headless and ExternalName Services have
 * none to proxy), each with the endpoints of the EndpointSlices labelled with the Service's name.
 */
export function proxiedServicePorts(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
): ProxiedServicePort[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (service === undefined || slice.addressType !== 'IPv4') continue;
    const key = `${slice.metadata?.namespace ?? ''}/${service}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  const result: ProxiedServicePort[] = [];
  for (const service of services) {
    const clusterIP = serviceClusterIPv4(service);
    if (clusterIP === undefined) continue;
    const key = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
    for (const port of service.spec?.ports ?? []) {
      result.push(servicePort(key, clusterIP, service, port, slicesByService.get(key) ?? []));
    }
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function servicePort(
  key: string,
  clusterIP: string,
  service: Service,
  port: ServicePort,
  slices: readonly EndpointSlice[],
): ProxiedServicePort {
  const protocol = (port.protocol ?? 'TCP').toLowerCase() as ProxyProtocol;
  const portName = port.name ?? '';
  const entry: ProxiedServicePort = {
    name: `${key}/${protocol}/${portName}`,
    clusterIP,
    protocol,
    port: port.port,
    endpoints: clusterEndpoints(slices, portName, protocol),
  };
  const type = service.spec?.type ?? 'ClusterIP';
  if ((type === 'NodePort' || type === 'LoadBalancer') && port.nodePort) entry.nodePort = port.nodePort;
  if (service.spec?.sessionAffinity === 'ClientIP') {
    entry.affinitySeconds =
      service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
  }
  return entry;
}

/** The Service's IPv4 cluster IP; undefined for headless (`None`), ExternalName or not yet allocated. */
function serviceClusterIPv4(service: Service): string | undefined {
  if (service.spec?.type === 'ExternalName') return undefined;
  const ips = service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : []);
  return ips.find((ip) => IPV4.test(ip));
}

/**
 * The endpoints of one service port that cluster traffic goes to (pkg/proxy/topology.go CategorizeEndpoints):
 * the ready ones; when none is ready, the ones still serving while terminating, so a rolling update drains.
 */
function clusterEndpoints(
  slices: readonly EndpointSlice[],
  portName: string,
  protocol: ProxyProtocol,
): ProxyEndpoint[] {
  const ready: ProxyEndpoint[] = [];
  const terminating: ProxyEndpoint[] = [];
  for (const slice of slices) {
    const port = slicePort(slice.ports ?? [], portName, protocol);
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints) {
      const ip = endpoint.addresses[0];
      if (ip === undefined || !IPV4.test(ip)) continue;
      const { isReady, isServing, isTerminating } = endpointConditions(endpoint);
      if (isReady) ready.push({ ip, port });
      else if (isServing && isTerminating) terminating.push({ ip, port });
    }
  }
  return uniqueSorted(ready.length > 0 ? ready : terminating);
}

function slicePort(
  ports: readonly EndpointPort[],
  name: string,
  protocol: ProxyProtocol,
): number | undefined {
  const port = ports.find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP').toLowerCase() === protocol);
  return port?.port;
}

/** An unknown (nil) `ready` or `serving` counts as true, an unknown `terminating` as false (pkg/proxy/endpointslicecache.go). */
function endpointConditions(endpoint: Endpoint): {
  isReady: boolean;
  isServing: boolean;
  isTerminating: boolean;
} {
  const c = endpoint.conditions ?? {};
  return { isReady: c.ready ?? true, isServing: c.serving ?? true, isTerminating: c.terminating ?? false };
}

function uniqueSorted(endpoints: ProxyEndpoint[]): ProxyEndpoint[] {
  const byKey = new Map(endpoints.map((e) => [`${ipSortKey(e.ip)}:${String(e.port).padStart(5, '0')}`, e]));
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
}

function ipSortKey(ip: string): string {
  return ip
    .split('.')
    .map((o) => o.padStart(3, '0'))
    .join('.');
}
