// The API objects of every resource: SQLite for durability, an in-memory map for reads, a global
// resourceVersion, optimistic concurrency, and watches (replayed from the watch cache, then live).
// A write goes to SQLite first (durable when the call returns), then to memory, then to the watchers.
import type { KubeObject, StoredObject } from '../api/object.js';
import { silentLogger, type Logger } from '../util/log.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { StoreDatabase, type ObjectRow } from './database.js';
import { storedDataTransformer, type StoredDataTransformer } from './encryption.js';
import {
  AlreadyExistsError,
  ConflictError,
  ExpiredContinueError,
  InvalidContinueError,
  InvalidResourceVersionError,
  NotFoundError,
  ObjectTooLargeError,
  StorageError,
  StoreError,
  type ObjectKey,
} from './errors.js';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  StoreEvent,
  StoreEventType,
  StoreListener,
  StoreOptions,
  UpdateOptions,
  WatchOptions,
} from './types.js';
import { DEFAULT_WATCH_CACHE_CAPACITY, WatchCache } from './watch-cache.js';
import { WatchFanout } from './watch-fanout.js';

export type { StoreEvent, StoreListener } from './types.js';

/** The objects of one resource, by key (`name` or `namespace/name`, etcd's key order). */
interface ResourceTable {
  readonly byKey: Map<string, StoredObject>;
  /** Keys in order, rebuilt on the first list after a create or delete. */
  sortedKeys: string[] | undefined;
}

// k8s.io/apiserver/pkg/registry/generic/registry/store.go OptimisticLockErrorMsg.
const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';
/** etcd's default --max-request-bytes (1.5 MiB): no stored object is larger, as no etcd value is on a cluster. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** guaranteedUpdate retries when its mutate function itself changed the object; more means a loop. */
const MAX_UPDATE_ATTEMPTS = 16;

export class ObjectStore {
  private readonly tables = new Map<string, ResourceTable>();
  private readonly cache: WatchCache;
  private readonly fanout: WatchFanout;

  private constructor(
    private readonly db: StoreDatabase,
    private current: number,
    log: Logger,
    capacity: number,
    private readonly transformer: StoredDataTransformer,
  ) {
    this.cache = new WatchCache(capacity, current);
    this.fanout = new WatchFanout(log);
  }

  static open(file: string, options: StoreOptions = {}): ObjectStore {
    const log = (options.log ?? silentLogger).child({ component: 'store' });
    const db = StoreDatabase.open(file);
    try {
      const store = new ObjectStore(
        db,
        db.resourceVersion(),
        log,
        options.watchCacheCapacity ?? DEFAULT_WATCH_CACHE_CAPACITY,
        options.transformer ?? storedDataTransformer(undefined),
      );
      const count = store.load();
      log.info({ file, objects: count, resourceVersion: store.current }, 'object store opened');
      return store;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  /** The global resourceVersion: that of the latest write. */
  resourceVersion(): number {
    return this.current;
  }

  get(resource: string, namespace: string, name: string): StoredObject | undefined {
    return this.tables.get(resource)?.byKey.get(storageKey(namespace, name));
  }

  /** Objects in namespace-then-name order; `namespace` undefined lists all namespaces. */
  list(resource: string, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const table = this.tables.get(resource);
    const keys = table ? sortedKeys(table) : [];
    const prefix = namespace ? `${namespace}/` : '';
    let listVersion = this.current;
    let from = lowerBound(keys, prefix);
    if (options.continue) {
      const point = decodeContinue(options.continue);
      if (point.resourceVersion > this.current)
        throw new InvalidContinueError(
          'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
        );
      if (point.resourceVersion !== -1) {
        if (point.resourceVersion < this.cache.oldestServable(resource))
          throw new ExpiredContinueError(resource, encodeContinue({ ...point, resourceVersion: -1 }));
        listVersion = point.resourceVersion;
      }
      from = Math.max(from, lowerBound(keys, prefix + point.start));
    }
    const wanted = (key: string): StoredObject | undefined => {
      const object = table?.byKey.get(key);
      if (
        object === undefined ||
        (namespace !== undefined && (object.metadata.namespace ?? '') !== namespace)
      )
        return undefined;
      return options.filter === undefined || options.filter(object) ? object : undefined;
    };
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
    const items: StoredObject[] = [];
    let i = from;
    for (; i < keys.length && items.length < limit && (keys[i] ?? '').startsWith(prefix); i++) {
      const object = wanted(keys[i] ?? '');
      if (object) items.push(object);
    }
    const result: ListResult = { items, resourceVersion: String(listVersion) };
    const last = items.at(-1);
    if (items.length < limit || last === undefined) return result;
    let remaining = 0;
    for (; i < keys.length && (keys[i] ?? '').startsWith(prefix); i++) {
      if (wanted(keys[i] ?? '') === undefined) continue;
      remaining++;
      if (options.filter) break;
    }
    if (remaining === 0) return result;
    const start = `${storageKey(last.metadata.namespace ?? '', last.metadata.name).slice(prefix.length)}\0`;
    result.continue = encodeContinue({ start, resourceVersion: listVersion });
    if (options.filter === undefined) result.remainingItemCount = remaining;
    return result;
  }

  create(resource: string, object: KubeObject): StoredObject {
    const key = keyOf(resource, object);
    if (this.get(resource, key.namespace, key.name)) throw new AlreadyExistsError(key);
    return this.put(key, object, 'ADDED', undefined);
  }

  /** Replaces an object; an unchanged object is not written again (upstream's GuaranteedUpdate does the same). */
  update(resource: string, object: KubeObject, options: UpdateOptions = {}): StoredObject {
    const key = keyOf(resource, object);
    const current = this.get(resource, key.namespace, key.name);
    if (current === undefined) throw new NotFoundError(key);
    if (options.resourceVersion !== undefined && options.resourceVersion !== current.metadata.resourceVersion)
      throw new ConflictError(key, OPTIMISTIC_LOCK_MESSAGE);
    const unchanged = serialize(object, current.metadata.resourceVersion) === JSON.stringify(current);
    return unchanged ? current : this.put(key, object, 'MODIFIED', current);
  }

  /** Removes an object; returns its last state carrying the deletion's resourceVersion. */
  delete(resource: string, namespace: string, name: string, options: DeleteOptions = {}): StoredObject {
    const key: ObjectKey = { resource, namespace, name };
    const current = this.get(resource, namespace, name);
    if (current === undefined) throw new NotFoundError(key);
    // Texts of k8s.io/apiserver/pkg/storage/interfaces.go Preconditions.Check.
    if (options.uid !== undefined && options.uid !== current.metadata.uid)
      throw new ConflictError(
        key,
        `Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    if (options.resourceVersion !== undefined && options.resourceVersion !== current.metadata.resourceVersion)
      throw new ConflictError(
        key,
        `Precondition failed: ResourceVersion in precondition: ${options.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    const version = this.current + 1;
    const last = deepFreeze(JSON.parse(serialize(current, String(version))) as StoredObject);
    this.db.write(version, { kind: 'delete', ...key });
    this.commit(key, version, 'DELETED', last, current);
    return last;
  }

  /**
   * Read-modify-write of the latest state: mutate gets the current (frozen) object and returns the new one, or
   * undefined to leave it as it is. Retried if mutate's own writes changed the object meanwhile.
   */
  guaranteedUpdate(
    resource: string,
    namespace: string,
    name: string,
    mutate: (current: StoredObject) => KubeObject | undefined,
  ): StoredObject {
    const key: ObjectKey = { resource, namespace, name };
    for (let attempt = 1; ; attempt++) {
      const current = this.get(resource, namespace, name);
      if (current === undefined) throw new NotFoundError(key);
      const next = mutate(current);
      if (next === undefined) return current;
      const target = keyOf(resource, next);
      if (target.namespace !== namespace || target.name !== name)
        throw new StoreError(
          `guaranteedUpdate of ${namespace}/${name} returned ${target.namespace}/${target.name}`,
        );
      try {
        return this.update(resource, next, { resourceVersion: current.metadata.resourceVersion });
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * Calls listener for each change of a resource, in resourceVersion order, until signal aborts. Throws
   * TooOldResourceVersionError at once when the watch cache no longer holds the events after resourceVersion.
   * The initial events (current objects, or the replay) start in a microtask, after watch() has returned.
   */
  watch(options: WatchOptions, listener: StoreListener): void {
    const { resource, namespace, signal } = options;
    const text = options.resourceVersion;
    let initial: StoreEvent[];
    let seen = this.current;
    if (text === undefined || text === '' || text === '0') {
      initial = this.list(resource, namespace).items.map((object) => ({
        type: 'ADDED',
        object,
        resourceVersion: Number(object.metadata.resourceVersion),
      }));
    } else {
      const from = parseResourceVersion(text);
      initial = this.cache
        .since(resource, from)
        .filter((e) => namespace === undefined || (e.object.metadata.namespace ?? '') === namespace);
      seen = Math.max(seen, from);
    }
    this.fanout.subscribe(resource, namespace, initial, seen, listener, signal);
  }

  private put(
    key: ObjectKey,
    object: KubeObject,
    type: StoreEventType,
    previous: StoredObject | undefined,
  ): StoredObject {
    const version = this.current + 1;
    const data = serialize(object, String(version));
    const bytes = Buffer.byteLength(data);
    if (bytes > MAX_OBJECT_BYTES) throw new ObjectTooLargeError(key, bytes, MAX_OBJECT_BYTES);
    const stored = deepFreeze(JSON.parse(data) as StoredObject);
    this.db.write(version, { kind: 'put', row: { ...key, data: this.transformer.toStorage(key, data) } });
    this.commit(key, version, type, stored, previous);
    return stored;
  }

  private commit(
    key: ObjectKey,
    version: number,
    type: StoreEventType,
    object: StoredObject,
    previous: StoredObject | undefined,
  ): void {
    this.current = version;
    const table = this.table(key.resource);
    const k = storageKey(key.namespace, key.name);
    if (type === 'DELETED') table.byKey.delete(k);
    else table.byKey.set(k, object);
    if (type !== 'MODIFIED') table.sortedKeys = undefined;
    const event: StoreEvent = { type, object, resourceVersion: version, ...(previous ? { previous } : {}) };
    this.cache.record(key.resource, event);
    this.fanout.publish(key.resource, event);
  }

  private load(): number {
    let count = 0;
    for (const row of this.db.rows()) {
      const data = this.transformer.fromStorage(row, row.data);
      this.table(row.resource).byKey.set(storageKey(row.namespace, row.name), parseRow({ ...row, data }));
      count++;
    }
    return count;
  }

  private table(resource: string): ResourceTable {
    let table = this.tables.get(resource);
    if (table === undefined) {
      table = { byKey: new Map(), sortedKeys: undefined };
      this.tables.set(resource, table);
    }
    return table;
  }
}

/** etcd's key order: `/registry/<resource>/<namespace>/<name>`, so by namespace, then name. */
function storageKey(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

function keyOf(resource: string, object: KubeObject): ObjectKey {
  const name = object.metadata?.name;
  if (!name) throw new StoreError(`cannot store a ${resource} object without metadata.name`);
  return { resource, namespace: object.metadata?.namespace ?? '', name };
}

function sortedKeys(table: ResourceTable): string[] {
  table.sortedKeys ??= [...table.byKey.keys()].sort();
  return table.sortedKeys;
}

/** The index of the first key >= key. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? '') < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// What SQLite holds and what memory holds are the same JSON, so a restart changes nothing a client can see.
function serialize(object: KubeObject, resourceVersion: string): string {
  return JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion } });
}

function parseRow(row: ObjectRow): StoredObject {
  try {
    return deepFreeze(JSON.parse(row.data) as StoredObject);
  } catch (e) {
    throw new StorageError(`stored ${row.resource} ${row.namespace}/${row.name} is not valid JSON`, {
      cause: e,
    });
  }
}

function parseResourceVersion(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new InvalidResourceVersionError(text);
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
