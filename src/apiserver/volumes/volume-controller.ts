// The persistentvolume-binder loop, in-process: claims and volumes are queued on every change of a claim, a
// volume, a class or a pod that names a claim, and synced one at a time (upstream runs one worker per queue
// because syncClaim is not reentrant), plus a full resync every 15 s (--pvclaimbinder-sync-period) that retries
// whatever failed.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { claimNamesOfPod } from '../../api/volume-binding.js';
import type { ObjectStore, StoreEvent } from '../../store/object-store.js';
import type { Logger } from '../../util/log.js';
import { CLAIMS, CLASSES, PersistentVolumeBinder, VOLUMES } from './binder.js';
import { ControllerEventRecorder } from './controller-events.js';
import { LocalProvisioner } from './local-provisioner.js';

export interface VolumeControllerOptions {
  store: ObjectStore;
  logger: Logger;
  nodeName: string;
  /** Absolute directory of the local provisioner's volumes (`<data-dir>/volumes`). */
  volumesDir: string;
  resyncMs?: number;
}

const DEFAULT_RESYNC_MS = 15_000;

export class VolumeController {
  private readonly abort = new AbortController();
  private readonly queue = new Set<string>();
  private readonly binder: PersistentVolumeBinder;
  private readonly logger: Logger;
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: VolumeControllerOptions) {
    this.logger = options.logger.child({ component: 'persistentvolume-controller' });
    this.binder = new PersistentVolumeBinder({
      store: options.store,
      events: new ControllerEventRecorder(options.store, 'persistentvolume-controller', this.logger),
      provisioner: new LocalProvisioner({ volumesDir: options.volumesDir, nodeName: options.nodeName }),
      logger: this.logger,
      requeueClaim: (namespace, name) => this.enqueue(claimKey(namespace, name)),
    });
  }

  start(): void {
    const { store } = this.options;
    const signal = this.abort.signal;
    const now = String(store.resourceVersion());
    store.watch({ resource: CLAIMS, signal }, (e) => this.onClaim(e));
    store.watch({ resource: VOLUMES, signal }, (e) => this.onVolume(e));
    store.watch({ resource: CLASSES, resourceVersion: now, signal }, () => this.enqueueUnboundClaims());
    store.watch({ resource: 'pods', resourceVersion: now, signal }, (e) => this.onPod(e));
    this.timer = setInterval(() => this.resync(), this.options.resyncMs ?? DEFAULT_RESYNC_MS);
    this.timer.unref();
  }

  /** Stops watching and waits for the sync under way, so nothing writes to a closed store. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.timer);
    this.queue.clear();
    await this.draining;
  }

  private onClaim(event: StoreEvent): void {
    const claim = event.object as PersistentVolumeClaim;
    const key = claimKey(claim.metadata?.namespace ?? '', claim.metadata?.name ?? '');
    if (event.type !== 'DELETED') return this.enqueue(key);
    // The volumes bound to it are released (syncVolume finds the claim gone).
    for (const pv of this.options.store.list(VOLUMES, undefined).items as PersistentVolume[]) {
      const ref = pv.spec?.claimRef;
      if (ref?.uid === claim.metadata?.uid) this.enqueue(volumeKey(pv.metadata?.name ?? ''));
    }
  }

  private onVolume(event: StoreEvent): void {
    const volume = event.object as PersistentVolume;
    // A volume that becomes Available may serve a waiting claim now rather than at the next resync.
    const available = (v: PersistentVolume | undefined) => v?.status?.phase === 'Available';
    if (available(volume) && !available(event.previous as PersistentVolume | undefined))
      this.enqueueUnboundClaims();
    if (event.type !== 'DELETED') return this.enqueue(volumeKey(volume.metadata?.name ?? ''));
    const ref = volume.spec?.claimRef;
    if (ref?.name) this.enqueue(claimKey(ref.namespace ?? '', ref.name));
  }

  /** A new consumer, or one that got its node: the WaitForFirstConsumer claims it names may go ahead. */
  private onPod(event: StoreEvent): void {
    if (event.type === 'DELETED') return;
    const pod = event.object as Pod;
    const previous = event.previous as Pod | undefined;
    if (previous && previous.spec?.nodeName === pod.spec?.nodeName) return;
    for (const name of claimNamesOfPod(pod)) this.enqueue(claimKey(pod.metadata?.namespace ?? '', name));
  }

  private enqueueUnboundClaims(): void {
    for (const claim of this.options.store.list(CLAIMS, undefined).items as PersistentVolumeClaim[]) {
      if (claim.status?.phase !== 'Bound')
        this.enqueue(claimKey(claim.metadata?.namespace ?? '', claim.metadata?.name ?? ''));
    }
  }

  private resync(): void {
    const { store } = this.options;
    for (const claim of store.list(CLAIMS, undefined).items)
      this.enqueue(claimKey(claim.metadata.namespace ?? '', claim.metadata.name));
    for (const volume of store.list(VOLUMES, undefined).items) this.enqueue(volumeKey(volume.metadata.name));
  }

  private enqueue(key: string): void {
    if (this.abort.signal.aborted) return;
    this.queue.add(key);
    this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    // Store listeners must not write synchronously: the sync starts after the current delivery.
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        if (this.queue.size > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    for (let key = first(this.queue); key !== undefined; key = first(this.queue)) {
      this.queue.delete(key);
      try {
        if (key.startsWith('claim/')) {
          const [namespace = '', name = ''] = key.slice('claim/'.length).split('/');
          await this.binder.syncClaim(namespace, name);
        } else await this.binder.syncVolume(key.slice('volume/'.length));
      } catch (err) {
        // Left for the next change or resync, as upstream requeues a failed sync.
        this.logger.warn({ err, key }, 'volume sync failed');
      }
    }
  }
}

function claimKey(namespace: string, name: string): string {
  return `claim/${namespace}/${name}`;
}

function volumeKey(name: string): string {
  return `volume/${name}`;
}

function first(set: Set<string>): string | undefined {
  return set.values().next().value;
}
