// What cluster DNS knows of the cluster: namespaces, Services and their EndpointSlices, indexed the way the
// lookups need them (CoreDNS plugin/kubernetes/controller.go SvcIndex, EpIndex, SvcIndexReverse, EpIndexReverse).
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { canonicalIp, dashedIp } from './addresses.js';

export interface ClusterObjects {
  namespaces: readonly string[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
}

/** One port of an EndpointSlice; port -1 stands for a slice without ports (CoreDNS's sentinel). */
export interface EndpointPortView {
  name: string;
  protocol: string;
  port: number;
}

/** One ready address of a Service's endpoints. */
export interface EndpointAddressView {
  ip: string;
  /** The endpoint's hostname, else its address with '-' for '.' or ':' (CoreDNS endpointHostname). */
  hostname: string;
  ports: readonly EndpointPortView[];
}

export interface ServiceView {
  namespace: string;
  name: string;
  service: Service;
  headless: boolean;
  externalName?: string;
  clusterIPs: readonly string[];
  endpoints: readonly EndpointAddressView[];
}

/** The label the EndpointSlice controller puts on each slice (discovery.k8s.io/v1 LabelServiceName). */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** An immutable snapshot of the objects, indexed for lookups by name and by address. */
export class ClusterView {
  private readonly namespaces: ReadonlySet<string>;
  private readonly byName = new Map<string, ServiceView>();
  private readonly byClusterIp = new Map<string, ServiceView[]>();
  private readonly byEndpointIp = new Map<string, { service: ServiceView; hostname: string }[]>();

  constructor(objects: ClusterObjects) {
    this.namespaces = new Set(objects.namespaces);
    const slices = groupSlices(objects.endpointSlices);
    for (const service of objects.services) {
      const view = serviceView(service, slices.get(key(namespaceOf(service), service.metadata?.name)) ?? []);
      this.byName.set(key(view.namespace, view.name), view);
      for (const ip of view.clusterIPs) push(this.byClusterIp, ip, view);
      for (const e of view.endpoints) push(this.byEndpointIp, e.ip, { service: view, hostname: e.hostname });
    }
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  service(namespace: string, name: string): ServiceView | undefined {
    return this.byName.get(key(namespace, name));
  }

  servicesWithClusterIp(ip: string): readonly ServiceView[] {
    return this.byClusterIp.get(ip) ?? [];
  }

  endpointsWithIp(ip: string): readonly { service: ServiceView; hostname: string }[] {
    return this.byEndpointIp.get(ip) ?? [];
  }
}

function serviceView(service: Service, slices: readonly EndpointSlice[]): ServiceView {
  const spec = service.spec ?? {};
  const clusterIPs = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []))
    .filter((ip) => ip !== '' && ip !== 'None')
    .map(canonicalIp);
  const view: ServiceView = {
    namespace: namespaceOf(service),
    name: service.metadata?.name ?? '',
    service,
    headless: spec.clusterIP === 'None',
    clusterIPs,
    endpoints: slices.flatMap((s) => sliceAddresses(s, spec.publishNotReadyAddresses === true)),
  };
  if (spec.type === 'ExternalName' && spec.externalName) view.externalName = spec.externalName;
  return view;
}

/**
 * The ready addresses of a slice (CoreDNS object.EndpointSliceToEndpoints): an unset `ready` counts as ready, as
 * the API documents. The EndpointSlice controller already marks every endpoint ready under
 * publishNotReadyAddresses (endpointslice/utils.go podToEndpoint); honouring the flag here too keeps the answer
 * right while a slice written before the flag was set is still being replaced.
 */
function sliceAddresses(slice: EndpointSlice, publishNotReady: boolean): EndpointAddressView[] {
  const ports: EndpointPortView[] =
    slice.ports && slice.ports.length > 0
      ? slice.ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? '', port: p.port ?? -1 }))
      : [{ name: '', protocol: '', port: -1 }];
  const out: EndpointAddressView[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    if (!publishNotReady && endpoint.conditions?.ready === false) continue;
    for (const address of endpoint.addresses ?? []) {
      const ip = canonicalIp(address);
      out.push({ ip, hostname: endpoint.hostname || dashedIp(ip), ports });
    }
  }
  return out;
}

function groupSlices(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (service) push(out, key(slice.metadata?.namespace ?? 'default', service), slice);
  }
  return out;
}

function namespaceOf(service: Service): string {
  return service.metadata?.namespace ?? 'default';
}

function key(namespace: string, name: string | undefined): string {
  return `${namespace}/${name ?? ''}`;
}

function push<T>(map: Map<string, T[]>, k: string, value: T): void {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}
