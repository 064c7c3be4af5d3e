// Writes a volume's files so that a reader never sees a half update (pkg/volume/util/atomic_writer.go): the data
// lives in a timestamped directory `..<ts>`, `..data` points at it and is swapped with a rename, and each
// user-visible top-level name is a symlink `name -> ..data/name`. The files are small and local: written
// synchronously (decision 0047).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { isNotFound } from '../util/fs.js';
import { VolumeSetUpError } from './errors.js';

export interface FileProjection {
  data: Buffer;
  /** Permission bits, applied regardless of the umask. */
  mode: number;
}

/** Relative path inside the volume -> content. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const NEW_DATA_DIR = '..data_tmp';
const MAX_PATH_LENGTH = 4096;
const MAX_FILE_NAME_LENGTH = 255;

/**
 * Makes `targetDir` show exactly `payload`; returns false when it already did (nothing is touched then, so a
 * process holding a file open keeps seeing the same inode).
 */
export async function writeAtomically(targetDir: string, payload: Payload): Promise<boolean> {
  const clean = validatePayload(payload);
  const oldTsDir = ifExists(() => readlinkSync(join(targetDir, DATA_DIR)));
  let stale = new Set<string>();
  if (oldTsDir !== undefined) {
    const oldTsPath = join(targetDir, oldTsDir);
    stale = pathsToRemove(clean, oldTsPath);
    if (stale.size === 0 && !payloadDiffers(clean, oldTsPath)) return false;
  }
  const tsDir = newTimestampDir(targetDir);
  writePayload(clean, join(targetDir, tsDir));
  createUserVisibleFiles(clean, targetDir);
  const newData = join(targetDir, NEW_DATA_DIR);
  rmSync(newData, { force: true });
  symlinkSync(tsDir, newData);
  renameSync(newData, join(targetDir, DATA_DIR));
  // Only top-level names are links of their own; deeper ones vanished with the old data directory.
  for (const p of stale) if (!p.includes(sep)) rmSync(join(targetDir, p), { force: true });
  if (oldTsDir !== undefined) rmSync(join(targetDir, oldTsDir), { recursive: true, force: true });
  return true;
}

/** Whether the directory was ever written (its `..data` link exists). */
export async function hasData(targetDir: string): Promise<boolean> {
  try {
    lstatSync(join(targetDir, DATA_DIR));
    return true;
  } catch {
    return false;
  }
}

/** validatePath: relative, no `..` element, not starting with `..`, within the length limits. */
export function validatePayloadPath(path: string): string | undefined {
  if (path === '') return `invalid path: must not be empty: "${path}"`;
  if (path.startsWith('/')) return `invalid path: must be relative path: ${path}`;
  if (path.length > MAX_PATH_LENGTH)
    return `invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`;
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${path}`;
    if (item.length > MAX_FILE_NAME_LENGTH)
      return `invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`;
  }
  if ((items[0] ?? '').startsWith('..') && (items[0] ?? '').length > 2)
    return `invalid path: must not start with '..': ${path}`;
  return undefined;
}

function validatePayload(payload: Payload): Payload {
  const clean: Payload = new Map();
  for (const [path, file] of payload) {
    const problem = validatePayloadPath(path);
    if (problem) throw new VolumeSetUpError(problem);
    clean.set(normalize(path).replace(/\/$/, ''), file);
  }
  return clean;
}

function payloadDiffers(payload: Payload, oldTsPath: string): boolean {
  for (const [path, file] of payload) {
    const onDisk = ifExists(() => readFileSync(join(oldTsPath, path)));
    if (!onDisk || !onDisk.equals(file.data)) return true;
  }
  return false;
}

/** Paths of the old data directory that the new payload no longer has (parents of new files are kept). */
function pathsToRemove(payload: Payload, oldTsPath: string): Set<string> {
  const old = ifExists(() => readdirSync(oldTsPath, { recursive: true, encoding: 'utf8' })) ?? [];
  const keep = new Set<string>();
  for (const path of payload.keys()) {
    for (let p = path; p !== '.' && p !== ''; p = dirname(p)) keep.add(p);
  }
  return new Set(old.filter((p) => !keep.has(p)));
}

/** `..2006_01_02_15_04_05.<random>`, 0755 so that group and other can traverse it whatever the umask. */
function newTimestampDir(targetDir: string): string {
  const stamp = new Date().toISOString().replace(/[-T:]/g, '_').slice(0, 19);
  const name = `..${stamp}.${randomBytes(5).readUInt32BE(0)}`;
  mkdirSync(join(targetDir, name), { mode: 0o755 });
  chmodSync(join(targetDir, name), 0o755);
  return name;
}

function writePayload(payload: Payload, dir: string): void {
  for (const [path, file] of payload) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true, mode: 0o777 });
    writeFileSync(full, file.data, { mode: file.mode });
    chmodSync(full, file.mode);
  }
}

function createUserVisibleFiles(payload: Payload, targetDir: string): void {
  for (const path of payload.keys()) {
    const top = path.split('/')[0] ?? path;
    const visible = join(targetDir, top);
    // Anything there already (a link, or what readlink refuses) is left alone.
    if (lstatOrUndefined(visible) === undefined) symlinkSync(join(DATA_DIR, top), visible);
  }
}

function lstatOrUndefined(path: string) {
  return ifExists(() => lstatSync(path));
}

/** The call's result, or undefined when what it reads does not exist. */
function ifExists<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
