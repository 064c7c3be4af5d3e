// Writes a Service's EndpointSlices and Endpoints into the store: existing slices are reused (matched by their
// ports, as the reconciler keeps a slice per port set), new ones are named `<service>-<5 random>`, leftovers are
// deleted; an object whose content already matches is not written, so a sync without change makes no event.
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import { fillCreateMeta } from '../../apiserver/object-meta.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { EndpointsContent } from './desired-endpoints.js';
import type { SliceContent } from './desired-slices.js';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './pod-endpoints.js';

const SLICES = 'endpointslices.discovery.k8s.io';

export class SliceWriter {
  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date,
  ) {}

  writeSlices(service: StoredObject & Service, desired: readonly SliceContent[]): void {
    const namespace = service.metadata.namespace ?? '';
    const existing = this.managedSlices(namespace, service.metadata.name);
    const unmatched = [...existing];
    for (const content of desired) {
      const i = unmatched.findIndex(
        (s) => JSON.stringify(s.ports ?? []) === JSON.stringify(content.ports ?? []),
      );
      const current = i >= 0 ? unmatched.splice(i, 1)[0] : unmatched.shift();
      if (current === undefined) this.createSlice(service, content);
      else if (!sameSlice(current, service, content)) this.updateSlice(current, service, content);
    }
    for (const stale of unmatched) this.store.delete(SLICES, namespace, stale.metadata.name);
  }

  writeEndpoints(service: StoredObject & Service, desired: EndpointsContent): void {
    const namespace = service.metadata.namespace ?? '';
    const name = service.metadata.name;
    const current = this.store.get('endpoints', namespace, name) as (StoredObject & Endpoints) | undefined;
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...current?.metadata, name, namespace, labels: desired.labels },
      ...(desired.subsets.length > 0 ? { subsets: desired.subsets } : {}),
    };
    if (current === undefined) {
      fillCreateMeta(object, this.now());
      this.store.create('endpoints', object);
    } else if (
      JSON.stringify(current.subsets ?? []) !== JSON.stringify(desired.subsets) ||
      JSON.stringify(current.metadata.labels ?? {}) !== JSON.stringify(desired.labels)
    ) {
      this.store.update('endpoints', object, { resourceVersion: current.metadata.resourceVersion });
    }
  }

  removeSlices(namespace: string, service: string): void {
    for (const slice of this.managedSlices(namespace, service))
      this.store.delete(SLICES, namespace, slice.metadata.name);
  }

  removeEndpoints(namespace: string, service: string): void {
    if (this.store.get('endpoints', namespace, service)) this.store.delete('endpoints', namespace, service);
  }

  private managedSlices(namespace: string, service: string): (StoredObject & EndpointSlice)[] {
    return this.store
      .list(SLICES, namespace)
      .items.filter(
        (s) =>
          s.metadata.labels?.[SERVICE_NAME_LABEL] === service &&
          s.metadata.labels[MANAGED_BY_LABEL] === MANAGED_BY,
      ) as unknown as (StoredObject & EndpointSlice)[];
  }

  private createSlice(service: StoredObject & Service, content: SliceContent): void {
    const object: KubeObject = {
      ...sliceBody(content),
      metadata: {
        generateName: `${service.metadata.name}-`,
        namespace: service.metadata.namespace ?? '',
        labels: content.labels,
        ownerReferences: [ownerReference(service)],
      },
    };
    fillCreateMeta(object, this.now());
    this.store.create(SLICES, object);
  }

  private updateSlice(
    current: StoredObject & EndpointSlice,
    service: StoredObject & Service,
    content: SliceContent,
  ): void {
    const object: KubeObject = {
      ...sliceBody(content),
      metadata: {
        ...current.metadata,
        labels: content.labels,
        ownerReferences: [ownerReference(service)],
        generation: (current.metadata.generation ?? 1) + 1,
      },
    };
    this.store.update(SLICES, object, { resourceVersion: current.metadata.resourceVersion });
  }
}

function sliceBody(content: SliceContent): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    addressType: content.addressType,
    endpoints: content.endpoints,
    ...(content.ports !== undefined ? { ports: content.ports } : {}),
  };
}

function sameSlice(
  current: StoredObject & EndpointSlice,
  service: StoredObject & Service,
  content: SliceContent,
): boolean {
  const owner = current.metadata.ownerReferences?.[0];
  return (
    owner?.uid === service.metadata.uid &&
    current.addressType === content.addressType &&
    JSON.stringify(current.endpoints ?? []) === JSON.stringify(content.endpoints) &&
    JSON.stringify(current.ports ?? []) === JSON.stringify(content.ports ?? []) &&
    JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(content.labels)
  );
}

function ownerReference(service: StoredObject & Service) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: service.metadata.name,
    uid: service.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
