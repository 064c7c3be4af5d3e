import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// The small local files of a pod's way to Running (records, bundles, volume payloads) are read and written
// synchronously: an asynchronous call costs a trip through libuv's thread pool and a turn of the event loop, about
// seven times the CPU and ten times the latency of the system call itself (decision 0047). Whole trees are still
// removed asynchronously: their size is unbounded.

/** Writes a file so that readers see either the old or the new content, never half (temp file, fsync, rename). */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  replaceFile(path, data, mode, true);
}

export async function writeJsonAtomic(path: string, value: unknown, mode = 0o644): Promise<void> {
  replaceFile(path, jsonText(value), mode, true);
}

/**
 * Like writeFileAtomic without the fsync: for files made again whenever they are needed (an OCI bundle's config, a
 * pod's resolv.conf), which no restart reads after a power cut. The fsync cost about 1.3 ms each here (decision 0052).
 */
export function writeFileReplacing(path: string, data: string | Buffer, mode = 0o644): void {
  replaceFile(path, data, mode, false);
}

export function writeJsonReplacing(path: string, value: unknown, mode = 0o644): void {
  replaceFile(path, jsonText(value), mode, false);
}

function replaceFile(path: string, data: string | Buffer, mode: number, durable: boolean): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Reads JSON, or returns undefined when the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** A small file's text, or `fallback` when it cannot be read. */
export function readTextOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    statSync(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

export async function ensureDir(path: string, mode = 0o755): Promise<void> {
  mkdirSync(path, { recursive: true, mode });
}

export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}
