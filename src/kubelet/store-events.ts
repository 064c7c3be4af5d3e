// Events into the API store, as client-go's recorder and EventCorrelator write them for the kubelet: one
// Event per distinct (object, reason, message), repeats counted on it, a repeat written at most every
// REPEAT_WRITE_MS so that a pod in back-off does not write on every sync, and many different messages of one
// reason folded into one combined event.
import { randomBytes } from 'node:crypto';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { kubeTime } from '../api/time.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { logEvent, type EventRecorder, type PodEvent } from './events.js';

const REPEAT_WRITE_MS = 10_000;
/** client-go EventAggregator: this many distinct messages for one (object, type, reason) within the interval... */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
/** ...and further ones become a single event with this prefix. */
const COMBINED_PREFIX = '(combined from similar events): ';

interface Similar {
  messages: Set<string>;
  lastAt: number;
}

interface Seen {
  namespace: string;
  name: string;
  /** The latest message: a combined event shows the last of the messages it stands for. */
  message: string;
  count: number;
  written: number;
  lastWriteAt: number;
}

export class StoreEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly similar = new Map<string, Similar>();

  constructor(
    private readonly store: ObjectStore,
    private readonly nodeName: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(pod: Pod, original: PodEvent): void {
    const uid = pod.metadata?.uid ?? '';
    const now = this.now();
    const { event, key } = this.aggregate(uid, original, now.getTime());
    try {
      const seen = this.seen.get(key);
      if (seen && this.store.get('events', seen.namespace, seen.name)) {
        seen.count += 1;
        seen.message = event.message;
        if (now.getTime() - seen.lastWriteAt < REPEAT_WRITE_MS) return;
        this.writeRepeat(seen, now);
        return;
      }
      logEvent(this.logger, pod, event);
      this.seen.set(key, this.create(pod, event, now));
    } catch (err) {
      this.logger.warn({ err, reason: event.reason }, 'event not recorded');
    }
  }

  /** Drops what the recorder remembers of a pod that is gone. */
  forgetPod(podUid: string): void {
    for (const map of [this.seen, this.similar]) {
      for (const key of map.keys()) if (key.startsWith(`${podUid}\u0000`)) map.delete(key);
    }
  }

  /**
   * EventAggregator.EventAggregate: an event whose (object, type, reason) has had 10 distinct messages within 10
   * minutes is folded into one "(combined from similar events)" event, counted under the aggregate key.
   */
  private aggregate(uid: string, event: PodEvent, now: number): { event: PodEvent; key: string } {
    const aggregateKey = [uid, event.type, event.reason].join('\u0000');
    const key = [uid, event.fieldPath ?? '', event.type, event.reason, event.message].join('\u0000');
    let similar = this.similar.get(aggregateKey);
    if (!similar || now - similar.lastAt > AGGREGATE_INTERVAL_MS) {
      this.similar.set(aggregateKey, (similar = { messages: new Set(), lastAt: now }));
    }
    similar.lastAt = now;
    similar.messages.add(event.message);
    if (similar.messages.size < AGGREGATE_MAX_EVENTS) return { event, key };
    // The set never grows past the limit: one message leaves, so the next new one combines again.
    const first = similar.messages.values().next().value;
    if (first !== undefined) similar.messages.delete(first);
    return {
      event: { ...event, message: COMBINED_PREFIX + event.message },
      key: `${aggregateKey}\u0000combined`,
    };
  }

  private create(pod: Pod, e: PodEvent, now: Date): Seen {
    const namespace = pod.metadata?.namespace ?? 'default';
    // client-go names events <object>.<hex of the time in nanoseconds>.
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(randomBytes(2).readUInt16BE() % 1_000_000);
    const name = `${pod.metadata?.name ?? 'pod'}.${nanos.toString(16)}`;
    const time = kubeTime(now);
    const object: Event & KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: crypto.randomUUID(), creationTimestamp: time },
      involvedObject: {
        kind: 'Pod',
        namespace,
        name: pod.metadata?.name ?? '',
        uid: pod.metadata?.uid ?? '',
        apiVersion: 'v1',
        ...(pod.metadata?.resourceVersion ? { resourceVersion: pod.metadata.resourceVersion } : {}),
        ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
      },
      reason: e.reason,
      message: e.message,
      source: { component: 'kubelet', host: this.nodeName },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type: e.type,
      eventTime: null as unknown as string,
      reportingComponent: 'kubelet',
      reportingInstance: this.nodeName,
    };
    this.store.create('events', object);
    return { namespace, name, message: e.message, count: 1, written: 1, lastWriteAt: now.getTime() };
  }

  private writeRepeat(seen: Seen, now: Date): void {
    this.store.guaranteedUpdate('events', seen.namespace, seen.name, (current) => ({
      ...current,
      count: seen.count,
      message: seen.message,
      lastTimestamp: kubeTime(now),
    }));
    seen.written = seen.count;
    seen.lastWriteAt = now.getTime();
  }
}
