import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, isNotFound } from '../util/fs.js';
import { isProcessAlive } from './temp-names.js';

const POLL_MS = 100;
const DEFAULT_WAIT_MS = 10 * 60_000;
/** A lock file without a pid yet is being written; one still empty after this long belongs to a writer that died. */
const EMPTY_LOCK_GRACE_MS = 5_000;

export class StoreLockedError extends Error {
  constructor(
    readonly path: string,
    readonly holder: number,
  ) {
    super(`image store is locked by process ${holder} (${path})`);
    this.name = 'StoreLockedError';
  }
}

/**
 * Serialises the operations that change the store (import, remove, prune) within this process (a promise queue) and
 * across processes (a lock file holding the owner's pid), so `podlet image import` run beside the daemon cannot have
 * its fresh layers pruned before they are named. Readers take no lock: names are replaced atomically and blobs never
 * change. A lock whose owner has died is taken over.
 */
export class StoreLock {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly waitMs = DEFAULT_WAIT_MS,
  ) {}

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => this.holdingFile(operation));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  private async holdingFile<T>(operation: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await operation();
    } finally {
      await rm(this.path, { force: true });
    }
  }

  private async acquire(): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      try {
        const handle = await open(this.path, 'wx', 0o644);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return;
      } catch (e) {
        if (errnoCode(e) !== 'EEXIST') throw e;
      }
      const holder = await this.holder();
      if (holder === undefined) continue;
      if (holder === 'abandoned') {
        await rm(this.path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new StoreLockedError(this.path, holder);
      await sleep(POLL_MS);
    }
  }

  /** The live pid holding the lock, 'abandoned' when it died, undefined when the lock is gone already. */
  private async holder(): Promise<number | 'abandoned' | undefined> {
    try {
      const text = await readFile(this.path, 'utf8');
      if (text === '') {
        const age = Date.now() - (await stat(this.path)).mtimeMs;
        return age > EMPTY_LOCK_GRACE_MS ? 'abandoned' : 0;
      }
      const pid = Number.parseInt(text, 10);
      return isProcessAlive(pid) ? pid : 'abandoned';
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
