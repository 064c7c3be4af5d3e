// What we may still send before the peer credits us (SPDY/3.1 section 2.6.8): one window per stream and one for
// the session. Go's spdystream, which kubectl uses, never sends WINDOW_UPDATE nor SETTINGS and ignores windows
// altogether (kubelet's SPDY server does not hold back either), so the windows are only enforced once the peer has
// shown it does flow control, by SETTINGS INITIAL_WINDOW_SIZE or a WINDOW_UPDATE. They are counted from the start,
// so enforcement then begins from the true balance.

export class StreamGoneError extends Error {
  constructor(streamId: number) {
    super(`SPDY stream ${streamId} is closed`);
    this.name = 'StreamGoneError';
  }
}

export class SendWindows {
  private enforced = false;
  private session: number;
  private readonly streams = new Map<number, number>();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private initial: number) {
    this.session = initial;
  }

  open(streamId: number): void {
    this.streams.set(streamId, this.initial);
  }

  remove(streamId: number): void {
    if (this.streams.delete(streamId)) this.wake();
  }

  /** SETTINGS INITIAL_WINDOW_SIZE: open streams move by the difference (section 2.6.8). */
  setInitial(size: number): void {
    const delta = size - this.initial;
    this.initial = size;
    for (const [id, window] of this.streams) this.streams.set(id, window + delta);
    this.enforced = true;
    this.wake();
  }

  /** WINDOW_UPDATE: stream id 0 credits the session. */
  grow(streamId: number, delta: number): void {
    if (streamId === 0) this.session += delta;
    else {
      const window = this.streams.get(streamId);
      if (window === undefined) return;
      this.streams.set(streamId, window + delta);
    }
    this.enforced = true;
    this.wake();
  }

  closeAll(): void {
    this.closed = true;
    this.streams.clear();
    this.wake();
  }

  /** Waits until some of `wanted` bytes may go, takes them from both windows and says how many. */
  async reserve(streamId: number, wanted: number): Promise<number> {
    for (;;) {
      const window = this.streams.get(streamId);
      if (this.closed || window === undefined) throw new StreamGoneError(streamId);
      if (wanted === 0) return 0;
      // A window can be below zero after SETTINGS shrank it (section 2.6.8): nothing goes until credit lifts it.
      const allowed = this.enforced ? Math.min(wanted, window, this.session) : wanted;
      if (allowed > 0) {
        this.streams.set(streamId, window - allowed);
        this.session -= allowed;
        return allowed;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
