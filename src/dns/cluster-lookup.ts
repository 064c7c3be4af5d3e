// What a cluster name stands for: the addresses and ports behind a Service, its endpoints or a pod name, as
// CoreDNS finds them (plugin/kubernetes/kubernetes.go findServices, findPods; reverse.go serviceRecordForIP).
import { canonicalIp, ipFamily } from './addresses.js';
import type { ClusterView, ServiceView } from './cluster-view.js';
import type { ClusterName } from './query-name.js';

/** One thing a name points at: an address (or an ExternalName's host) and a port, known under `name`. */
export interface LookupTarget {
  /** An IP address, or for an ExternalName Service the external host name. */
  host: string;
  /** -1 when the endpoints declare no ports. */
  port: number;
  /** The name the target is known by in SRV answers: `svc.ns.svc.zone` or `host.svc.ns.svc.zone`. */
  name: string;
}

/** `undefined` means the name does not exist (NXDOMAIN); an empty list that it exists without records. */
export type LookupResult = LookupTarget[] | undefined;

/** The targets a parsed in-zone name stands for. */
export function lookupClusterName(view: ClusterView, request: ClusterName, zone: string): LookupResult {
  if (request.kind === '') return [];
  if (!view.namespaceExists(request.namespace)) return undefined;
  if (request.kind === 'pod') return lookupPod(request, zone);
  if (request.service === '') return [];
  const service = view.service(request.namespace, request.service);
  if (!service) return undefined;
  const serviceName = `${service.name}.${service.namespace}.svc.${zone}`;
  if (service.externalName !== undefined) {
    // An ExternalName has no endpoints and no ports: such sub-names do not exist. An address is not a CNAME.
    if (request.endpoint || request.port || request.protocol || ipFamily(service.externalName) !== 0)
      return undefined;
    return [{ host: service.externalName, port: 0, name: serviceName }];
  }
  if (service.headless || request.endpoint !== '') return endpointTargets(service, request, serviceName);
  return clusterIpTargets(service, request, serviceName);
}

function endpointTargets(service: ServiceView, request: ClusterName, serviceName: string): LookupResult {
  const out: LookupTarget[] = [];
  for (const endpoint of service.endpoints) {
    if (request.endpoint !== '' && endpoint.hostname.toLowerCase() !== request.endpoint) continue;
    for (const port of endpoint.ports) {
      if (!portMatches(request, port.name, port.protocol)) continue;
      out.push({ host: endpoint.ip, port: port.port, name: `${endpoint.hostname}.${serviceName}` });
    }
  }
  // A headless Service without a matching ready endpoint answers NXDOMAIN, as CoreDNS does.
  return out.length > 0 ? out : undefined;
}

function clusterIpTargets(service: ServiceView, request: ClusterName, serviceName: string): LookupResult {
  const ports = (service.service.spec?.ports ?? []).filter((p) =>
    portMatches(request, p.name ?? '', p.protocol ?? 'TCP'),
  );
  if (ports.length === 0) return undefined;
  return ports.flatMap((p) =>
    service.clusterIPs.map((ip) => ({ host: ip, port: p.port, name: serviceName })),
  );
}

/** An empty part of the query matches anything; names compare case-insensitively (matchPortAndProtocol). */
function portMatches(request: ClusterName, name: string, protocol: string): boolean {
  return (
    (request.port === '' || request.port === name.toLowerCase()) &&
    (request.protocol === '' || request.protocol === protocol.toLowerCase())
  );
}

/**
 * `1-2-3-4.ns.pod.zone` answers the address its label spells, for any existing namespace: the `pods insecure`
 * mode of the default Corefile, kept for compatibility with kube-dns.
 */
function lookupPod(request: ClusterName, zone: string): LookupResult {
  const label = request.service;
  if (label === '') return [];
  const ip =
    label.split('-').length === 4 && !label.includes('--')
      ? label.replaceAll('-', '.')
      : label.replaceAll('-', ':');
  if (ipFamily(ip) === 0) return undefined;
  return [{ host: canonicalIp(ip), port: 0, name: `${label}.${request.namespace}.pod.${zone}` }];
}

/**
 * The names an address has: a Service whose cluster IP it is, else every ready endpoint holding it
 * (`host.svc.ns.svc.zone`). Empty when the cluster does not know the address.
 */
export function namesForAddress(view: ClusterView, ip: string, zone: string): string[] {
  const service = view.servicesWithClusterIp(ip)[0];
  if (service) return [`${service.name}.${service.namespace}.svc.${zone}`];
  return view
    .endpointsWithIp(ip)
    .map((e) => `${e.hostname}.${e.service.name}.${e.service.namespace}.svc.${zone}`);
}
