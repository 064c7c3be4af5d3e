// The watch cache's history (k8s.io/apiserver/pkg/storage/cacher/watch_cache_history.go): per resource, a ring
// of the latest events, so a watch from resourceVersion N replays what happened after N. One ring per resource,
// as upstream has one cacher per resource: a flood of Events does not push Pods out of the history.
import { TooOldResourceVersionError } from './errors.js';
import type { StoreEvent } from './types.js';

export const DEFAULT_WATCH_CACHE_CAPACITY = 10_000;

class EventRing {
  private readonly events: (StoreEvent | undefined)[];
  private start = 0;
  private size = 0;
  private evicted = false;

  constructor(
    private readonly capacity: number,
    /** The resourceVersion the history starts at (the store's when it was opened). */
    private readonly openedAt: number,
  ) {
    this.events = new Array<StoreEvent | undefined>(capacity);
  }

  push(event: StoreEvent): void {
    if (this.size === this.capacity) {
      this.start = (this.start + 1) % this.capacity;
      this.size--;
      this.evicted = true;
    }
    this.events[(this.start + this.size) % this.capacity] = event;
    this.size++;
  }

  /** The oldest resourceVersion a watch may start from: every event after it is still here. */
  oldestServable(): number {
    if (!this.evicted) return this.openedAt;
    return (this.at(0)?.resourceVersion ?? this.openedAt + 1) - 1;
  }

  /** The events after resourceVersion, oldest first. */
  since(resourceVersion: number): StoreEvent[] {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid)?.resourceVersion ?? 0) > resourceVersion) hi = mid;
      else lo = mid + 1;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < this.size; i++) {
      const event = this.at(i);
      if (event) out.push(event);
    }
    return out;
  }

  private at(i: number): StoreEvent | undefined {
    return this.events[(this.start + i) % this.capacity];
  }
}

export class WatchCache {
  private readonly rings = new Map<string, EventRing>();

  constructor(
    private readonly capacity: number,
    private readonly openedAt: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`watch cache capacity must be a positive integer, not ${capacity}`);
  }

  record(resource: string, event: StoreEvent): void {
    let ring = this.rings.get(resource);
    if (ring === undefined) {
      ring = new EventRing(this.capacity, this.openedAt);
      this.rings.set(resource, ring);
    }
    ring.push(event);
  }

  oldestServable(resource: string): number {
    return this.rings.get(resource)?.oldestServable() ?? this.openedAt;
  }

  /** The events of a resource after resourceVersion; TooOldResourceVersionError when some are gone. */
  since(resource: string, resourceVersion: number): StoreEvent[] {
    const oldest = this.oldestServable(resource);
    if (resourceVersion < oldest) throw new TooOldResourceVersionError(resource, resourceVersion, oldest);
    return this.rings.get(resource)?.since(resourceVersion) ?? [];
  }
}
