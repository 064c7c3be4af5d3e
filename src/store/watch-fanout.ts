// Delivers store events to watchers: synchronously, in resourceVersion order, each event once per watcher.
// A listener that writes to the store (or opens a watch) from inside a delivery must not see events out of
// order, so events are queued and the outermost delivery drains the queue.
import type { Logger } from '../util/log.js';
import type { StoreEvent, StoreListener } from './types.js';

interface Subscription {
  readonly namespace: string | undefined;
  readonly listener: StoreListener;
  /** Events up to this resourceVersion are already delivered (or in `pending`): later ones only. */
  seen: number;
  /** Events waiting behind the initial replay, which starts once watch() has returned. */
  pending: StoreEvent[] | undefined;
  closed: boolean;
}

export class WatchFanout {
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private readonly queue: { resource: string; event: StoreEvent }[] = [];
  private draining = false;

  constructor(private readonly log: Logger) {}

  /**
   * Adds a watcher that first gets `initial` (its replay), then every event after `seen`. The replay is
   * delivered in a microtask, so that the caller can finish setting up (an HTTP handler writes its headers)
   * before the first event; events published meanwhile queue behind it.
   */
  subscribe(
    resource: string,
    namespace: string | undefined,
    initial: StoreEvent[],
    seen: number,
    listener: StoreListener,
    signal: AbortSignal,
  ): void {
    if (signal.aborted) return;
    const subscription: Subscription = { namespace, listener, seen, pending: initial, closed: false };
    let set = this.subscriptions.get(resource);
    if (set === undefined) {
      set = new Set();
      this.subscriptions.set(resource, set);
    }
    const owner = set;
    owner.add(subscription);
    signal.addEventListener(
      'abort',
      () => {
        subscription.closed = true;
        owner.delete(subscription);
        if (owner.size === 0 && this.subscriptions.get(resource) === owner)
          this.subscriptions.delete(resource);
      },
      { once: true },
    );
    queueMicrotask(() => this.flushPending(subscription));
  }

  publish(resource: string, event: StoreEvent): void {
    this.queue.push({ resource, event });
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const set = this.subscriptions.get(next.resource);
        if (set === undefined) continue;
        for (const subscription of [...set]) this.offer(subscription, next.event);
      }
    } finally {
      this.draining = false;
    }
  }

  private offer(subscription: Subscription, event: StoreEvent): void {
    if (subscription.closed || event.resourceVersion <= subscription.seen) return;
    if (
      subscription.namespace !== undefined &&
      (event.object.metadata.namespace ?? '') !== subscription.namespace
    )
      return;
    subscription.seen = event.resourceVersion;
    if (subscription.pending) subscription.pending.push(event);
    else this.deliver(subscription, event);
  }

  private flushPending(subscription: Subscription): void {
    const pending = subscription.pending ?? [];
    // Events published by a listener during this loop are appended to `pending` and delivered by it too.
    for (let i = 0; i < pending.length; i++) {
      const event = pending[i];
      if (event) this.deliver(subscription, event);
    }
    subscription.pending = undefined;
  }

  private deliver(subscription: Subscription, event: StoreEvent): void {
    if (subscription.closed) return;
    try {
      subscription.listener(event);
    } catch (e) {
      // The write is durable already; one faulty watcher must not stop the others.
      this.log.error(
        { err: e, resourceVersion: event.resourceVersion, name: event.object.metadata.name },
        'store watch listener failed',
      );
    }
  }
}
