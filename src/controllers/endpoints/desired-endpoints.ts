// The legacy core/v1 Endpoints of a Service, as the endpoints controller computes them
// (pkg/controller/endpoint/endpoints_controller.go syncService, addEndpointSubset; pkg/api/v1/endpoints
// RepackSubsets): one subset per group of addresses offering the same ports, unready pods in notReadyAddresses.
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  Service,
} from 'kubernetes-types/core/v1.js';
import { isHeadless } from '../../api/service-defaults.js';
import { compareText } from './desired-slices.js';
import {
  endpointHostname,
  findPort,
  HEADLESS_LABEL,
  isPodReady,
  podIP,
  podReference,
  selectedPods,
  shouldBeInEndpoints,
} from './pod-endpoints.js';

export interface EndpointsContent {
  labels: Record<string, string>;
  subsets: EndpointSubset[];
}

interface Entry {
  address: EndpointAddress;
  ready: boolean;
  /** undefined: a headless Service without ports, whose addresses carry no port. */
  port: EndpointPort | undefined;
}

export function desiredEndpoints(service: Service, pods: readonly Pod[]): EndpointsContent {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of selectedPods(service, pods)) {
    if (!shouldBeInEndpoints(pod, tolerateUnready)) continue;
    const address = podAddress(pod, service);
    const ready = tolerateUnready || isPodReady(pod);
    const ports = service.spec?.ports ?? [];
    if (ports.length === 0) {
      if (isHeadless(service.spec)) entries.push({ address, ready, port: undefined });
      continue;
    }
    for (const servicePort of ports) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      const endpointPort: EndpointPort = {
        name: servicePort.name ?? '',
        port,
        protocol: servicePort.protocol ?? 'TCP',
      };
      if (servicePort.appProtocol !== undefined) endpointPort.appProtocol = servicePort.appProtocol;
      entries.push({ address, ready, port: endpointPort });
    }
  }
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (isHeadless(service.spec)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return { labels, subsets: repack(entries) };
}

function podAddress(pod: Pod, service: Service): EndpointAddress {
  const hostname = endpointHostname(pod, service);
  const nodeName = pod.spec?.nodeName;
  return {
    ip: podIP(pod),
    ...(hostname !== undefined ? { hostname } : {}),
    ...(nodeName ? { nodeName } : {}),
    targetRef: podReference(pod),
  };
}

/**
 * RepackSubsets: the ports each address offers (ready if any entry says so), then one subset per identical
 * address set, sorted so that equal content always serializes the same.
 */
function repack(entries: readonly Entry[]): EndpointSubset[] {
  const byPort = new Map<string, { port: EndpointPort | undefined; addresses: Map<string, Entry> }>();
  for (const entry of entries) {
    const portKey = JSON.stringify(entry.port ?? null);
    const group = byPort.get(portKey) ?? { port: entry.port, addresses: new Map<string, Entry>() };
    const addressKey = `${entry.address.ip}/${entry.address.targetRef?.uid ?? ''}`;
    const seen = group.addresses.get(addressKey);
    if (seen === undefined || !seen.ready) group.addresses.set(addressKey, entry);
    byPort.set(portKey, group);
  }
  const subsets = new Map<string, { entries: Entry[]; ports: EndpointPort[] }>();
  for (const { port, addresses } of byPort.values()) {
    const sorted = [...addresses.values()].sort((a, b) => compareText(a.address.ip, b.address.ip));
    const key = JSON.stringify(sorted.map((e) => [e.address.ip, e.address.targetRef?.uid, e.ready]));
    const subset = subsets.get(key) ?? { entries: sorted, ports: [] };
    if (port !== undefined) subset.ports.push(port);
    subsets.set(key, subset);
  }
  return [...subsets.values()]
    .map(({ entries: members, ports }) => toSubset(members, ports))
    .sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
}

function toSubset(members: readonly Entry[], ports: EndpointPort[]): EndpointSubset {
  const ready = members.filter((e) => e.ready).map((e) => e.address);
  const notReady = members.filter((e) => !e.ready).map((e) => e.address);
  return {
    ...(ready.length > 0 ? { addresses: ready } : {}),
    ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
    ...(ports.length > 0 ? { ports: ports.sort((a, b) => compareText(a.name ?? '', b.name ?? '')) } : {}),
  };
}
