// One storage, two shapes: events are stored as core/v1 Events and served as events.k8s.io/v1 too, converted on
// the way in and out, as kube-apiserver converts through its internal version. Every other kind has one version.
import type { KubeObject, StoredObject } from '../api/object.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './event-conversion.js';
import { withTypeMeta } from './object-meta.js';
import { apiVersionOf, type ResourceDefinition } from './resources.js';

type CoreEvent = Parameters<typeof coreEventToEventsV1>[0];
type EventsEvent = Parameters<typeof eventsV1ToCoreEvent>[0];

const convertsEvents = (def: ResourceDefinition) =>
  def.group === 'events.k8s.io' && def.storageKey === 'events';

/** The stored object as the request's group-version serves it, with kind and apiVersion set. */
export function toVersion(def: ResourceDefinition, object: StoredObject): StoredObject {
  if (convertsEvents(def))
    return coreEventToEventsV1(object as unknown as CoreEvent) as unknown as StoredObject;
  return withTypeMeta(object, apiVersionOf(def), def.kind);
}

/** A request body of the request's group-version in the shape the store keeps. */
export function toStorage(def: ResourceDefinition, object: KubeObject): KubeObject {
  if (convertsEvents(def))
    return eventsV1ToCoreEvent(object as unknown as EventsEvent) as unknown as KubeObject;
  return object;
}
