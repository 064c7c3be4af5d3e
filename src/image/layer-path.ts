import { chmodSync, lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Stats } from 'node:fs';
import { isNotFound } from '../util/fs.js';
import { LayerEntryError } from './errors.js';

export interface EntryPath {
  /** Absolute path of the directory the entry goes in, every component a real directory inside the layer. */
  parent: string;
  /** Last path component; empty for the layer root itself. */
  base: string;
  /** parent + base. */
  path: string;
}

/** Linux's limit on symlinks followed while resolving one path (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;
const IMPLIED_DIR_MODE = 0o755;

/**
 * An entry name as tar reads it: a leading `/` and `.` components dropped, `..` resolved lexically. A name that climbs
 * above the layer root is refused rather than clamped, so a malicious layer fails loudly.
 */
function entryComponents(name: string): string[] {
  const components: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (components.pop() === undefined) throw new LayerEntryError(name, 'path escapes the layer root');
      continue;
    }
    components.push(part);
  }
  return components;
}

/**
 * Resolves where an entry goes inside root without ever leaving it. Parent directories are checked one component at a
 * time with lstat; a symlink among them is followed only when its target stays inside the layer (a relative target
 * that does not climb above the root); an absolute or escaping target is refused. Missing parents are created (as
 * tar does) when createParents is set, else they are an error (a hard link's target must already exist).
 */
export async function resolveEntryPath(
  root: string,
  name: string,
  createParents: boolean,
): Promise<EntryPath> {
  const components = entryComponents(name);
  const base = components.pop() ?? '';
  const parent = join(root, ...(await resolveDirectory(root, components, name, createParents)));
  return { parent, base, path: base === '' ? parent : join(parent, base) };
}

async function resolveDirectory(
  root: string,
  components: readonly string[],
  entry: string,
  create: boolean,
): Promise<string[]> {
  const resolved: string[] = [];
  const pending = [...components];
  let symlinksFollowed = 0;
  let lastSymlink = '';
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.pop() === undefined) throw escapesThrough(entry, lastSymlink);
      continue;
    }
    const path = join(root, ...resolved, part);
    const stats = await lstatIfExists(path);
    if (stats === undefined) {
      if (!create) throw new LayerEntryError(entry, `${join(...resolved, part)} does not exist in the layer`);
      mkdirSync(path, IMPLIED_DIR_MODE);
      chmodSync(path, IMPLIED_DIR_MODE);
    } else if (stats.isSymbolicLink()) {
      lastSymlink = join(...resolved, part);
      if (++symlinksFollowed > MAX_SYMLINKS)
        throw new LayerEntryError(entry, 'too many levels of symbolic links');
      const target = readlinkSync(path);
      if (isAbsolute(target)) throw escapesThrough(entry, lastSymlink);
      pending.unshift(...target.split('/'));
      continue;
    } else if (!stats.isDirectory()) {
      throw new LayerEntryError(entry, `${join(...resolved, part)} is not a directory`);
    }
    resolved.push(part);
  }
  return resolved;
}

function escapesThrough(entry: string, symlink: string): LayerEntryError {
  return new LayerEntryError(entry, `path resolves outside the layer through symlink "${symlink}"`);
}

// Unpacking makes thousands of tiny metadata calls: synchronous ones cost microseconds where a thread-pool round
// trip costs a hundred or more, and the event loop still runs between tar entries (bench: image pull).
export async function lstatIfExists(path: string): Promise<Stats | undefined> {
  try {
    return lstatSync(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
