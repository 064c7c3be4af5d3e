// File and directory operations on a cgroup filesystem, each failure turned into a CgroupError naming the path.
// The root may also be a plain directory laid out like a cgroup mount (the unit tests use one), so removal copes with
// ordinary files where cgroupfs would have control files that vanish with the directory.
import { mkdirSync, readFileSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { errnoCode, isNotFound } from '../../util/fs.js';
import { CgroupError } from './types.js';

/** How long rmdir keeps retrying a cgroup whose last processes are still exiting (EBUSY). */
const REMOVE_BUSY_TIMEOUT_MS = 2000;

// Every operation is synchronous: cgroupfs answers from kernel memory, like /proc, and an asynchronous read costs four
// trips through the thread pool (open, stat, read, close) for the few bytes of each of the many files metrics sample;
// a pod's cgroups are a few dozen mkdirs and writes across the v1 hierarchies (decision 0047).
export async function readCgroupFile(path: string): Promise<string> {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CgroupError('cannot read cgroup file', path, { cause: e });
  }
}

/** The file's content, or undefined when the file does not exist. */
export async function readCgroupFileIfExists(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new CgroupError('cannot read cgroup file', path, { cause: e });
  }
}

export async function writeCgroupFile(path: string, value: string): Promise<void> {
  try {
    writeFileSync(path, value);
  } catch (e) {
    throw new CgroupError(`cannot write ${JSON.stringify(value)} to cgroup file`, path, { cause: e });
  }
}

/** mkdir of one cgroup; true when this call created it. */
export async function makeCgroup(path: string): Promise<boolean> {
  try {
    mkdirSync(path, { mode: 0o755 });
    return true;
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    throw new CgroupError('cannot create cgroup', path, { cause: e });
  }
}

/** Names of the cgroups directly below `path` (none when it does not exist). */
export async function childCgroups(path: string): Promise<string[]> {
  try {
    const entries = readdirSync(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw new CgroupError('cannot list cgroup', path, { cause: e });
  }
}

/** rmdir of the cgroup and all below it, children first; retries while the kernel still reports it busy. */
export async function removeCgroupTree(path: string): Promise<void> {
  for (const child of await childCgroups(path)) await removeCgroupTree(join(path, child));
  const deadline = Date.now() + REMOVE_BUSY_TIMEOUT_MS;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const code = await tryRemoveCgroup(path);
    if (code === undefined) return;
    if (code !== 'EBUSY' || Date.now() >= deadline) {
      throw new CgroupError(`cannot remove cgroup (${code})`, path);
    }
    await delay(wait);
  }
}

/** rmdir unless the cgroup still has children or processes. */
export async function removeCgroupIfEmpty(path: string): Promise<void> {
  const code = await tryRemoveCgroup(path);
  if (code !== undefined && code !== 'EBUSY' && code !== 'ENOTEMPTY') {
    throw new CgroupError(`cannot remove cgroup (${code})`, path);
  }
}

// The errno of a failed rmdir, or undefined when the cgroup is gone (removed now or before).
async function tryRemoveCgroup(path: string): Promise<string | undefined> {
  const code = await rmdirErrno(path);
  if (code !== 'ENOTEMPTY' || (await childCgroups(path)).length > 0) return code;
  // Not cgroupfs: a plain directory whose remaining entries are ordinary files standing in for control files.
  try {
    const files = readdirSync(path, { withFileTypes: true });
    for (const f of files.filter((f) => f.isFile())) unlinkSync(join(path, f.name));
  } catch (e) {
    throw new CgroupError('cannot empty cgroup directory', path, { cause: e });
  }
  return rmdirErrno(path);
}

async function rmdirErrno(path: string): Promise<string | undefined> {
  try {
    rmdirSync(path);
    return undefined;
  } catch (e) {
    const code = errnoCode(e) ?? 'EUNKNOWN';
    return code === 'ENOENT' ? undefined : code;
  }
}
