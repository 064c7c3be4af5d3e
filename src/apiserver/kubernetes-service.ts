// The `default/kubernetes` Service kube-apiserver keeps (pkg/controlplane/controller/kubernetesservice,
// pkg/controlplane/reconcilers): the first address of the service range, port 443 `https` to the API's own port,
// and the Endpoints and EndpointSlice naming the API's address. Reconciled at every start, since the API port
// (`--listen ...:0`) and address may change between runs.
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject, StoredObject } from '../api/object.js';
import { defaultService } from '../api/service-defaults.js';
import { ServiceIPRange } from '../api/service-ip-range.js';
import type { ObjectStore } from '../store/object-store.js';
import { fillCreateMeta } from './object-meta.js';

export interface KubernetesServiceOptions {
  serviceCidr: string;
  /** The address pods reach the API at (the advertise address). */
  address: string;
  port: number;
  now?: Date;
}

const NAME = 'kubernetes';
const NAMESPACE = 'default';

export function ensureKubernetesService(store: ObjectStore, options: KubernetesServiceOptions): void {
  const ip = ServiceIPRange.parse(options.serviceCidr).first();
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      clusterIPs: [ip],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: options.port }],
      sessionAffinity: 'None',
    },
  };
  defaultService(service);
  const ports = [{ name: 'https', port: options.port, protocol: 'TCP' }];
  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: options.address }], ports }],
  };
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': NAME } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [options.address], conditions: { ready: true } }],
    ports,
  };
  const now = options.now ?? new Date();
  put(store, 'services', { ...service, status: { loadBalancer: {} } }, now, ['spec']);
  put(store, 'endpoints', endpoints as KubeObject, now, ['subsets']);
  put(store, 'endpointslices.discovery.k8s.io', slice as unknown as KubeObject, now, ['endpoints', 'ports']);
}

/** Creates the object, or brings the named fields of the stored one back to what they should be. */
function put(store: ObjectStore, resource: string, object: KubeObject, now: Date, fields: string[]): void {
  const current = store.get(resource, NAMESPACE, NAME);
  if (current === undefined) {
    fillCreateMeta(object, now);
    store.create(resource, object);
    return;
  }
  const next: StoredObject = structuredClone(current);
  for (const field of fields) next[field] = object[field];
  store.update(resource, next);
}
