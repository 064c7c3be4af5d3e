// The shape every stored API object shares. Kind-specific types come from kubernetes-types; the store,
// the API server's generic handlers and the printers only need what every object has.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A KubeObject as the store hands it out: metadata, name and resourceVersion always present. */
export interface StoredObject extends KubeObject {
  metadata: ObjectMeta & { name: string; resourceVersion: string };
}

/** ObjectMeta with the server-set fields writable: the API server is the one that sets them. */
export type WritableMeta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };
