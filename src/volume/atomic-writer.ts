// Writes a volume's files so that a reader never sees a half update (pkg/volume/util/atomic_writer.go): the data
// lives in a timestamped directory `..<ts>`, `..data` points at it and is swapped with a rename, and each
// user-visible top-level name is a symlink `name -> ..data/name`.
import { randomBytes } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
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
  const oldTsDir = await readlink(join(targetDir, DATA_DIR)).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  let stale = new Set<string>();
  if (oldTsDir !== undefined) {
    const oldTsPath = join(targetDir, oldTsDir);
    stale = await pathsToRemove(clean, oldTsPath);
    if (stale.size === 0 && !(await payloadDiffers(clean, oldTsPath))) return false;
  }
  const tsDir = await newTimestampDir(targetDir);
  await writePayload(clean, join(targetDir, tsDir));
  await createUserVisibleFiles(clean, targetDir);
  const newData = join(targetDir, NEW_DATA_DIR);
  await rm(newData, { force: true });
  await symlink(tsDir, newData);
  await rename(newData, join(targetDir, DATA_DIR));
  // Only top-level names are links of their own; deeper ones vanished with the old data directory.
  for (const p of stale) if (!p.includes(sep)) await rm(join(targetDir, p), { force: true });
  if (oldTsDir !== undefined) await rm(join(targetDir, oldTsDir), { recursive: true, force: true });
  return true;
}

/** Whether the directory was ever written (its `..data` link exists). */
export async function hasData(targetDir: string): Promise<boolean> {
  return lstat(join(targetDir, DATA_DIR)).then(
    () => true,
    () => false,
  );
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

async function payloadDiffers(payload: Payload, oldTsPath: string): Promise<boolean> {
  for (const [path, file] of payload) {
    const onDisk = await readFile(join(oldTsPath, path)).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!onDisk || !onDisk.equals(file.data)) return true;
  }
  return false;
}

/** Paths of the old data directory that the new payload no longer has (parents of new files are kept). */
async function pathsToRemove(payload: Payload, oldTsPath: string): Promise<Set<string>> {
  const old = await readdir(oldTsPath, { recursive: true }).catch((err: unknown) => {
    if (isNotFound(err)) return [] as string[];
    throw err;
  });
  const keep = new Set<string>();
  for (const path of payload.keys()) {
    for (let p = path; p !== '.' && p !== ''; p = dirname(p)) keep.add(p);
  }
  return new Set(old.filter((p) => !keep.has(p)));
}

/** `..2006_01_02_15_04_05.<random>`, 0755 so that group and other can traverse it whatever the umask. */
async function newTimestampDir(targetDir: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-T:]/g, '_').slice(0, 19);
  const name = `..${stamp}.${randomBytes(5).readUInt32BE(0)}`;
  await mkdir(join(targetDir, name), { mode: 0o755 });
  await chmod(join(targetDir, name), 0o755);
  return name;
}

async function writePayload(payload: Payload, dir: string): Promise<void> {
  for (const [path, file] of payload) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true, mode: 0o777 });
    await writeFile(full, file.data, { mode: file.mode });
    await chmod(full, file.mode);
  }
}

async function createUserVisibleFiles(payload: Payload, targetDir: string): Promise<void> {
  for (const path of payload.keys()) {
    const top = path.split('/')[0] ?? path;
    const visible = join(targetDir, top);
    const present = await readlink(visible).then(
      () => true,
      (err: unknown) => !isNotFound(err),
    );
    if (!present) await symlink(join(DATA_DIR, top), visible);
  }
}
