// Events a control-plane controller writes about the objects it manages, as client-go's recorder does for
// kube-controller-manager: one Event per distinct (object, type, reason, message), a repeat counted on it.
// Events about cluster-scoped objects (PersistentVolumes) go to the `default` namespace, as upstream.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Event } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import { kubeTime } from '../../api/time.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Logger } from '../../util/log.js';

export type EventType = 'Normal' | 'Warning';

interface Seen {
  namespace: string;
  name: string;
  count: number;
}

export class ControllerEventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly store: ObjectStore,
    /** The `source.component` of the events: `persistentvolume-controller`. */
    private readonly component: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(object: StoredObject, type: EventType, reason: string, message: string): void {
    const key = [object.metadata.uid ?? '', type, reason, message].join('\u0000');
    const now = this.now();
    try {
      const seen = this.seen.get(key);
      if (seen && this.store.get('events', seen.namespace, seen.name)) {
        seen.count += 1;
        this.store.guaranteedUpdate('events', seen.namespace, seen.name, (current) => ({
          ...current,
          count: seen.count,
          lastTimestamp: kubeTime(now),
        }));
        return;
      }
      this.seen.set(key, this.create(object, type, reason, message, now));
      this.logger.info({ object: object.metadata.name, kind: object.kind, type, reason }, message);
    } catch (err) {
      this.logger.warn({ err, reason }, 'event not recorded');
    }
  }

  /** Drops what the recorder remembers of an object that is gone. */
  forget(uid: string): void {
    for (const key of this.seen.keys()) if (key.startsWith(`${uid}\u0000`)) this.seen.delete(key);
  }

  private create(object: StoredObject, type: EventType, reason: string, message: string, now: Date): Seen {
    const namespace = object.metadata.namespace || 'default';
    // client-go names events <object>.<hex of the time in nanoseconds>.
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(randomBytes(2).readUInt16BE());
    const name = `${object.metadata.name}.${nanos.toString(16)}`;
    const time = kubeTime(now);
    const event: Event & KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: randomUUID(), creationTimestamp: time },
      involvedObject: {
        kind: object.kind ?? '',
        name: object.metadata.name,
        uid: object.metadata.uid ?? '',
        apiVersion: object.apiVersion ?? 'v1',
        resourceVersion: object.metadata.resourceVersion,
        ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
      },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type,
      eventTime: null as unknown as string,
      reportingComponent: this.component,
      reportingInstance: '',
    };
    this.store.create('events', event);
    return { namespace, name, count: 1 };
  }
}
