// One serialized worker per pod UID (pkg/kubelet/pod_workers.go UpdatePod, managePodLoop): a pod's next sync never
// overlaps the running one; an update that arrives meanwhile marks the slot dirty and runs once the current sync ends,
// with the newest desired pod.
import type { Pod } from 'kubernetes-types/core/v1.js';

export interface PodSlot {
  pod: Pod | undefined;
  running: Promise<void> | undefined;
  dirty: boolean;
  lastError: string | undefined;
  /**
   * What the runtime showed after the last sync, when that sync left the pod settled (every container running, or
   * the pod finished): the relist wakes the worker only when the runtime shows something else.
   */
  settled: { fingerprint: string; sandboxes: string; at: number } | undefined;
}

/** Runs one sync of a pod; `previous` is the desired pod before this update (undefined for a pod no source knows). */
export type PodWork = (uid: string, slot: PodSlot, previous: Pod | undefined) => Promise<void>;

export class PodSlots {
  private readonly slots = new Map<string, PodSlot>();

  constructor(private readonly work: PodWork) {}

  get(uid: string): PodSlot | undefined {
    return this.slots.get(uid);
  }

  has(uid: string): boolean {
    return this.slots.has(uid);
  }

  delete(uid: string): void {
    this.slots.delete(uid);
  }

  entries(): IterableIterator<[string, PodSlot]> {
    return this.slots.entries();
  }

  values(): IterableIterator<PodSlot> {
    return this.slots.values();
  }

  [Symbol.iterator](): IterableIterator<[string, PodSlot]> {
    return this.slots.entries();
  }

  /** Resolves when every pod worker is idle; for tests and orderly shutdown. */
  async idle(): Promise<void> {
    while ([...this.slots.values()].some((s) => s.running)) {
      await Promise.all([...this.slots.values()].map((s) => s.running));
    }
  }

  /** The pod's slot, made empty when it has none. */
  slot(uid: string): PodSlot {
    let slot = this.slots.get(uid);
    if (!slot)
      this.slots.set(
        uid,
        (slot = {
          pod: undefined,
          running: undefined,
          dirty: false,
          lastError: undefined,
          settled: undefined,
        }),
      );
    return slot;
  }

  /** Sets the desired pod and runs a sync now, or once the running one ends. */
  schedule(uid: string, slot: PodSlot, pod: Pod | undefined): void {
    const previous = slot.pod;
    slot.pod = pod;
    slot.settled = undefined;
    if (slot.running) {
      slot.dirty = true;
      return;
    }
    slot.running = this.work(uid, slot, previous).finally(() => {
      slot.running = undefined;
      if (slot.dirty) {
        slot.dirty = false;
        this.schedule(uid, slot, slot.pod);
      }
    });
  }
}
