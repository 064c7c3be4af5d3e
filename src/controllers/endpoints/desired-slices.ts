// The EndpointSlices a Service should have, as the EndpointSlice controller's reconciler computes them
// (staging/src/k8s.io/endpointslice/reconciler.go, utils.go podToEndpoint, getEndpointPorts): one slice per
// distinct set of resolved ports, so a pod that lacks a named port sits in a slice without that port; a
// placeholder slice with no endpoints when nothing is selected.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { isHeadless } from '../../api/service-defaults.js';
import {
  endpointHostname,
  findPort,
  HEADLESS_LABEL,
  isPodReady,
  isTerminating,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  podIP,
  podReference,
  selectedPods,
  SERVICE_NAME_LABEL,
  shouldBeInEndpoints,
} from './pod-endpoints.js';

/** The content of one slice: what the controller compares and writes (metadata besides labels is its own). */
export interface SliceContent {
  labels: Record<string, string>;
  addressType: 'IPv4';
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

export function desiredSlices(service: Service, pods: readonly Pod[]): SliceContent[] {
  const labels = sliceLabels(service);
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
  for (const pod of selectedPods(service, pods)) {
    // The slice controller keeps terminating pods (conditions say so); only finished or IP-less pods go.
    if (!shouldBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(service, pod);
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    group.endpoints.push(podToEndpoint(pod, service));
    groups.set(key, group);
  }
  if (groups.size === 0) return [{ labels, addressType: 'IPv4', endpoints: [] }];
  return [...groups.values()].map(({ ports, endpoints }) => ({
    labels,
    addressType: 'IPv4',
    endpoints: endpoints.sort((a, b) => compareText(a.targetRef?.name ?? '', b.targetRef?.name ?? '')),
    ...(ports.length > 0 ? { ports } : {}),
  }));
}

/** The Service's own labels, plus the controller's: which Service, who manages the slice, headless or not. */
export function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  delete labels[SERVICE_NAME_LABEL];
  delete labels[MANAGED_BY_LABEL];
  delete labels[HEADLESS_LABEL];
  if (isHeadless(service.spec)) labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = service.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = MANAGED_BY;
  return labels;
}

function podToEndpoint(pod: Pod, service: Service): Endpoint {
  const serving = isPodReady(pod);
  const terminating = isTerminating(pod);
  // "ready" is never true for a terminating pod, unless the Service publishes unready addresses.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const hostname = endpointHostname(pod, service);
  const nodeName = pod.spec?.nodeName;
  return {
    addresses: [podIP(pod)],
    conditions: { ready, serving, terminating },
    ...(hostname !== undefined ? { hostname } : {}),
    targetRef: podReference(pod),
    ...(nodeName ? { nodeName } : {}),
  };
}

/** Each Service port the pod can serve, its target resolved on this pod; ports it cannot serve are left out. */
function endpointPorts(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    ports.push({
      name: servicePort.name ?? '',
      port,
      protocol: servicePort.protocol ?? 'TCP',
      ...(servicePort.appProtocol !== undefined ? { appProtocol: servicePort.appProtocol } : {}),
    });
  }
  return ports;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
