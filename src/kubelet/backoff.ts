/** Crash-loop back-off as the kubelet keeps it (client-go flowcontrol.Backoff via kuberuntime doBackOff). */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;
/** An entry untouched this long is forgotten, so a container that ran 10 minutes restarts at once (HasExpiredFunc). */
const EXPIRY_MS = 600_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Whether a container that exited at `finishedAt` may start again now. When it may, the next delay doubles.
   * The first restart after the first exit is immediate (no entry yet), then 10 s, 20 s, ... up to 300 s.
   */
  ready(key: string, finishedAt: number): boolean {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.lastUpdate > EXPIRY_MS) this.entries.delete(key);
    const current = this.entries.get(key);
    if (current && finishedAt + current.backoffMs > now) return false;
    this.entries.set(key, {
      backoffMs: current ? Math.min(current.backoffMs * 2, MAX_BACKOFF_MS) : INITIAL_BACKOFF_MS,
      lastUpdate: now,
    });
    return true;
  }

  /** The remaining wait, for messages; 0 when the container may start. */
  remainingMs(key: string, finishedAt: number): number {
    const current = this.entries.get(key);
    return current ? Math.max(0, finishedAt + current.backoffMs - this.now()) : 0;
  }

  forgetPod(podUid: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${podUid}_`)) this.entries.delete(key);
  }
}
