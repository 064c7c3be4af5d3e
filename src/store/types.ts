// What the object store takes and hands out. Objects handed out are deeply frozen and shared with the store's
// memory: callers structuredClone before changing one.
import type { StoredObject } from '../api/object.js';
import type { Logger } from '../util/log.js';
import type { StoredDataTransformer } from './encryption.js';

export interface StoreOptions {
  /** Events the watch cache keeps per resource for watches from a resourceVersion (default 10000). */
  watchCacheCapacity?: number;
  log?: Logger;
  /** What rows look like in SQLite (Secrets encrypted at rest); by default the objects' JSON as it is. */
  transformer?: StoredDataTransformer;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  /** The new state; for DELETED the last state, carrying the deletion's resourceVersion. */
  object: StoredObject;
  /** The state before this change (absent for ADDED), for watchers whose selector an object may leave. */
  previous?: StoredObject;
  /** The event's resourceVersion; for the synthetic ADDED of a watch's initial state, the object's. */
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ListOptions {
  /** Page size; 0 or absent = everything. */
  limit?: number;
  /** Token from a previous page's `continue`. */
  continue?: string;
  /** Objects to keep (the API server's label and field selectors); applied before `limit`, as upstream. */
  filter?: (object: StoredObject) => boolean;
}

export interface ListResult {
  items: StoredObject[];
  /** The list's resourceVersion: the store's at the time of the list, or the first page's for a continued list. */
  resourceVersion: string;
  continue?: string;
  /** Objects left after this page; omitted when a filter was given (upstream cannot count them either). */
  remainingItemCount?: number;
}

export interface UpdateOptions {
  /** Precondition: the stored object's current resourceVersion; absent = unconditional. */
  resourceVersion?: string;
}

export interface DeleteOptions {
  resourceVersion?: string;
  uid?: string;
}

export interface WatchOptions {
  resource: string;
  /** Only objects of this namespace; absent = all. */
  namespace?: string;
  /** Absent or "0": the current objects first (synthetic ADDED), then changes. "N": the changes after N. */
  resourceVersion?: string;
  signal: AbortSignal;
}
