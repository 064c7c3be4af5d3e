import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTree } from '../util/fs.js';

// Temporary ingest files and half-unpacked layers carry the pid of the process writing them, so a later prune can tell
// an abandoned one (its writer died mid-way) from one another live process is still writing.

export function tempName(): string {
  return `${process.pid}-${randomBytes(8).toString('hex')}`;
}

function writerIsGone(name: string): boolean {
  return !isProcessAlive(Number.parseInt(name.split('-', 1)[0] ?? '', 10));
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists but is not ours. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes the temporaries in dir whose writer has exited; returns how many. */
export async function removeAbandonedTemps(dir: string): Promise<number> {
  const names = await readdir(dir);
  const abandoned = names.filter(writerIsGone);
  for (const name of abandoned) await removeTree(join(dir, name));
  return abandoned.length;
}
