// The endpoints and EndpointSlice controllers of kube-controller-manager, in-process: every change of a Service,
// a pod, or an object they manage queues the Services concerned; a sync a moment later brings each one's
// EndpointSlices and Endpoints to what its selected pods say, writing only what differs.
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../api/object.js';
import type { ObjectStore, StoreEvent } from '../../store/object-store.js';
import type { Logger } from '../../util/log.js';
import { desiredEndpoints } from './desired-endpoints.js';
import { desiredSlices } from './desired-slices.js';
import { hasSelector, MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './pod-endpoints.js';
import { SliceWriter } from './slice-writer.js';

export const ENDPOINT_SLICES = 'endpointslices.discovery.k8s.io';

export interface EndpointsControllerOptions {
  store: ObjectStore;
  logger: Logger;
  now?: () => Date;
}

export class EndpointsController {
  private readonly abort = new AbortController();
  /** `namespace/name` of the Services to sync. */
  private readonly queue = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private readonly writer: SliceWriter;
  private readonly logger: Logger;

  constructor(private readonly options: EndpointsControllerOptions) {
    this.logger = options.logger.child({ component: 'endpoints-controller' });
    this.writer = new SliceWriter(options.store, options.now ?? (() => new Date()));
  }

  start(): void {
    const { store } = this.options;
    const signal = this.abort.signal;
    const now = String(store.resourceVersion());
    store.watch({ resource: 'services', signal }, (e) => this.enqueueObject(e.object));
    store.watch({ resource: 'pods', resourceVersion: now, signal }, (e) => this.onPod(e));
    // Slices whose Service is gone (deleted while podlet was down) are found through the initial list.
    store.watch({ resource: ENDPOINT_SLICES, signal }, (e) => this.onSlice(e));
    store.watch({ resource: 'endpoints', resourceVersion: now, signal }, (e) => this.enqueueObject(e.object));
  }

  stop(): void {
    this.abort.abort();
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.queue.clear();
  }

  /** Syncs every queued Service now (tests; the watch path defers to the next turn of the event loop). */
  flush(): void {
    this.scheduled = undefined;
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      const [namespace = '', name = ''] = key.split('/');
      try {
        this.sync(namespace, name);
      } catch (err) {
        // A conflict with a concurrent writer, or a store error: the next event or a retry syncs again.
        this.logger.error({ err, service: key }, 'endpoints sync failed');
        this.enqueue(key, 1000);
      }
    }
  }

  private sync(namespace: string, name: string): void {
    const { store } = this.options;
    const service = store.get('services', namespace, name) as (StoredObject & Service) | undefined;
    const usable = service !== undefined && !service.metadata.deletionTimestamp;
    if (!usable || service.spec?.type === 'ExternalName' || !hasSelector(service)) {
      this.writer.removeSlices(namespace, name);
      // Endpoints of a selectorless Service are the user's; those of a deleted one go with it.
      if (!usable) this.writer.removeEndpoints(namespace, name);
      return;
    }
    const pods = store.list('pods', namespace).items as unknown as Pod[];
    this.writer.writeSlices(service, desiredSlices(service, pods));
    this.writer.writeEndpoints(service, desiredEndpoints(service, pods));
  }

  private onPod(event: StoreEvent): void {
    // Any Service of the namespace may select the pod (before or after a label change): sync them all.
    const namespace = event.object.metadata.namespace ?? '';
    for (const svc of this.options.store.list('services', namespace).items) this.enqueueObject(svc);
  }

  private onSlice(event: StoreEvent): void {
    const labels = event.object.metadata.labels ?? {};
    const service = labels[SERVICE_NAME_LABEL];
    if (labels[MANAGED_BY_LABEL] !== MANAGED_BY || service === undefined) return;
    this.enqueue(`${event.object.metadata.namespace ?? ''}/${service}`);
  }

  private enqueueObject(object: StoredObject | Endpoints): void {
    this.enqueue(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`);
  }

  private enqueue(key: string, delayMs = 0): void {
    if (this.abort.signal.aborted) return;
    if (delayMs > 0) {
      setTimeout(() => this.enqueue(key), delayMs).unref();
      return;
    }
    this.queue.add(key);
    // Store listeners must not write synchronously; a burst of events is one sync.
    this.scheduled ??= setImmediate(() => this.flush());
  }
}
