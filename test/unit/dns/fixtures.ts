// Cluster objects for the DNS tests: Services and EndpointSlices as the API server and the EndpointSlice controller
// store them.
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ClusterView } from '../../../src/dns/cluster-view.js';
import type { ResolverContext } from '../../../src/dns/resolver.js';

export const ZONE = 'cluster.local';

export function service(name: string, spec: NonNullable<Service['spec']>, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

export function clusterIpService(
  name: string,
  ip: string,
  ports: ServicePort[],
  namespace = 'default',
): Service {
  return service(name, { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports }, namespace);
}

export function slice(
  serviceName: string,
  endpoints: Endpoint[],
  ports: EndpointPort[],
  namespace = 'default',
  suffix = 'abcde',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${serviceName}-${suffix}`,
      namespace,
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

export function endpoint(ip: string, extra: Partial<Endpoint> = {}): Endpoint {
  return { addresses: [ip], conditions: { ready: true }, ...extra };
}

export function context(services: Service[], slices: EndpointSlice[] = []): ResolverContext {
  return {
    zone: ZONE,
    view: new ClusterView({
      namespaces: ['default', 'kube-system', 'other'],
      services,
      endpointSlices: slices,
    }),
    nameserverIps: ['10.85.0.1'],
    serial: 1700000000,
  };
}
