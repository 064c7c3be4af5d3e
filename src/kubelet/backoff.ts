// The kubelet's two back-offs, both client-go flowcontrol.Backoff with 10 s doubling to 300 s: crash-loop back-off
// per container (kuberuntime doBackOff) and image-pull back-off per pod and image (images/image_manager.go).
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;
/** An entry untouched this long is forgotten, so a container that ran 10 minutes restarts at once (HasExpiredFunc). */
const EXPIRY_MS = 600_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

/** Delays by key; keys start with `<podUid>_` so that a removed pod's entries can be dropped. */
class BackoffTable {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly now: () => number) {}

  current(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.lastUpdate > EXPIRY_MS) this.entries.delete(key);
    return this.entries.get(key);
  }

  /** Records one more failure: the first delay is 10 s, each next one doubles up to 300 s. */
  step(key: string): void {
    const current = this.current(key);
    this.entries.set(key, {
      backoffMs: current ? Math.min(current.backoffMs * 2, MAX_BACKOFF_MS) : INITIAL_BACKOFF_MS,
      lastUpdate: this.now(),
    });
  }

  forgetPod(podUid: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${podUid}_`)) this.entries.delete(key);
  }
}

export class CrashBackoff {
  private readonly table: BackoffTable;

  constructor(now: () => number = Date.now) {
    this.table = new BackoffTable(now);
  }

  /**
   * Whether a container that exited at `finishedAt` may start again now. When it may, the next delay doubles.
   * The first restart after the first exit is immediate (no entry yet), then 10 s, 20 s, ... up to 300 s.
   */
  ready(key: string, finishedAt: number): boolean {
    if (this.remainingMs(key, finishedAt) > 0) return false;
    this.table.step(key);
    return true;
  }

  /** The remaining wait, for messages; 0 when the container may start. */
  remainingMs(key: string, finishedAt: number): number {
    const current = this.table.current(key);
    return current ? Math.max(0, finishedAt + current.backoffMs - this.table.now()) : 0;
  }

  forgetPod(podUid: string): void {
    this.table.forgetPod(podUid);
  }
}

/** Pull failures per `<podUid>_<image>`: after a failure no pull is tried until the delay since it has passed. */
export class ImagePullBackoff {
  private readonly table: BackoffTable;

  constructor(now: () => number = Date.now) {
    this.table = new BackoffTable(now);
  }

  /** IsInBackOffSinceUpdate: the last failure is more recent than the current delay. */
  inBackoff(key: string): boolean {
    const current = this.table.current(key);
    return current !== undefined && this.table.now() - current.lastUpdate < current.backoffMs;
  }

  failed(key: string): void {
    this.table.step(key);
  }

  forgetPod(podUid: string): void {
    this.table.forgetPod(podUid);
  }
}
