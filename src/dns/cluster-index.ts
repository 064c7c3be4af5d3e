// Keeps cluster DNS's snapshot of the cluster current from store watches of Namespaces, Services and
// EndpointSlices, as CoreDNS's informers do (plugin/kubernetes/controller.go).
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { StoredObject } from '../api/object.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { ClusterView } from './cluster-view.js';

/** The store's keys for the kinds cluster DNS reads (core kinds by resource, others `resource.group`). */
const NAMESPACES = 'namespaces';
const SERVICES = 'services';
const ENDPOINT_SLICES = 'endpointslices.discovery.k8s.io';

export class ClusterIndex {
  private readonly objects = {
    namespaces: new Map<string, StoredObject>(),
    services: new Map<string, StoredObject>(),
    slices: new Map<string, StoredObject>(),
  };
  private snapshot: ClusterView | undefined;
  private modified = unixSeconds();
  private readonly abort = new AbortController();

  constructor(private readonly store: ObjectStore) {}

  /** Starts the watches; their current objects arrive in a microtask, before any query can be read off a socket. */
  start(): void {
    const signal = this.abort.signal;
    this.store.watch({ resource: NAMESPACES, signal }, (e) => this.apply(this.objects.namespaces, e));
    this.store.watch({ resource: SERVICES, signal }, (e) => this.apply(this.objects.services, e));
    this.store.watch({ resource: ENDPOINT_SLICES, signal }, (e) => this.apply(this.objects.slices, e));
  }

  stop(): void {
    this.abort.abort();
  }

  /** The objects as of now, rebuilt only after a change. */
  view(): ClusterView {
    this.snapshot ??= new ClusterView({
      namespaces: [...this.objects.namespaces.values()].map((n) => n.metadata.name),
      services: [...this.objects.services.values()] as Service[],
      endpointSlices: [...this.objects.slices.values()] as unknown as EndpointSlice[],
    });
    return this.snapshot;
  }

  /** When the objects last changed, in Unix seconds: the zone's SOA serial. */
  serial(): number {
    return this.modified;
  }

  private apply(map: Map<string, StoredObject>, event: StoreEvent): void {
    const key = `${event.object.metadata.namespace ?? ''}/${event.object.metadata.name}`;
    if (event.type === 'DELETED') map.delete(key);
    else map.set(key, event.object);
    this.snapshot = undefined;
    this.modified = unixSeconds();
  }
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
