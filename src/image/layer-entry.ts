import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { LayerEntryError, messageOf } from './errors.js';
import { lstatIfExists, resolveEntryPath, type EntryPath } from './layer-path.js';
import { makeNode } from './mknod.js';
import { setXattr } from './setfattr.js';
import type { TarEntry, TarHeader } from './tar-entries.js';

/** Directories whose times are set once the whole layer is written (writing their children changes them). */
export interface PendingDirectoryTimes {
  path: string;
  mtime: Date;
}

// Overlayfs whiteouts, as containerd's overlay applier writes them (archive/tar_opts_linux.go `OverlayConvertWhiteout`):
// `.wh.<name>` becomes a 0/0 character device named <name>, `.wh..wh..opq` marks its directory opaque.
const WHITEOUT_PREFIX = '.wh.';
const WHITEOUT_META_PREFIX = '.wh..wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
const OPAQUE_XATTR = 'trusted.overlay.opaque';
const XATTR_PAX_PREFIX = 'SCHILY.xattr.';

/** Writes one entry under root (the layer's diff directory). Returns a directory whose times must be set last. */
export async function applyEntry(root: string, entry: TarEntry): Promise<PendingDirectoryTimes | undefined> {
  const { header } = entry;
  try {
    const where = await resolveEntryPath(root, header.name, true);
    if (where.base.startsWith(WHITEOUT_PREFIX)) {
      await applyWhiteout(where, header);
      return undefined;
    }
    const pending = await applyNode(root, where, entry);
    await applyXattrs(where.path, header);
    return pending;
  } catch (e) {
    if (e instanceof LayerEntryError) throw e;
    throw new LayerEntryError(header.name, messageOf(e), { cause: e });
  } finally {
    entry.skip();
  }
}

async function applyNode(
  root: string,
  where: EntryPath,
  entry: TarEntry,
): Promise<PendingDirectoryTimes | undefined> {
  const { header } = entry;
  const type = header.type ?? 'file';
  if (type === 'directory') return applyDirectory(where.path, header);
  if (where.base === '') throw new LayerEntryError(header.name, `a ${type} cannot replace the layer root`);
  await removeExisting(where.path, false);
  switch (type) {
    case 'file':
    case 'contiguous-file':
      await writeRegularFile(where.path, entry);
      return undefined;
    case 'symlink':
      symlinkSync(header.linkname ?? '', where.path);
      break;
    case 'link':
      linkSync(await hardLinkTarget(root, header), where.path);
      return undefined;
    case 'character-device':
    case 'block-device':
    case 'fifo':
      await makeNode(where.path, type, header.mode ?? 0, header.devmajor ?? 0, header.devminor ?? 0);
      break;
    default:
      throw new LayerEntryError(header.name, `unsupported entry type ${type}`);
  }
  lchownSync(where.path, header.uid ?? 0, header.gid ?? 0);
  if (type !== 'symlink') chmodSync(where.path, modeOf(header));
  lutimesSync(where.path, mtimeOf(header), mtimeOf(header));
  return undefined;
}

/** A hard link's target must be a file this layer already holds, reached without leaving the layer. */
async function hardLinkTarget(root: string, header: TarHeader): Promise<string> {
  try {
    return (await resolveEntryPath(root, header.linkname ?? '', false)).path;
  } catch (e) {
    if (!(e instanceof LayerEntryError)) throw e;
    throw new LayerEntryError(header.name, `hard link target "${header.linkname}": ${e.reason}`, {
      cause: e,
    });
  }
}

async function applyDirectory(path: string, header: TarHeader): Promise<PendingDirectoryTimes> {
  // A directory over a whiteout of this same layer replaces the lower one: nothing below may show through.
  const replacesWhiteout = isWhiteoutDevice(await lstatIfExists(path));
  // An existing directory (implied by an earlier entry, or the root) is kept and takes this entry's owner and mode.
  if ((await removeExisting(path, true)) === 'cleared') mkdirSync(path);
  if (replacesWhiteout) await setXattr(path, OPAQUE_XATTR, 'y');
  lchownSync(path, header.uid ?? 0, header.gid ?? 0);
  chmodSync(path, modeOf(header));
  return { path, mtime: mtimeOf(header) };
}

function isWhiteoutDevice(stats: Stats | undefined): boolean {
  return stats !== undefined && stats.isCharacterDevice() && stats.rdev === 0;
}

async function applyWhiteout(where: EntryPath, header: TarHeader): Promise<void> {
  if (where.base === OPAQUE_MARKER) {
    await setXattr(where.parent, OPAQUE_XATTR, 'y');
    return;
  }
  // Other `.wh..wh.` names are AUFS bookkeeping (hard-link directories) that overlayfs has no use for.
  if (where.base.startsWith(WHITEOUT_META_PREFIX)) return;
  const hidden = where.base.slice(WHITEOUT_PREFIX.length);
  // `.wh.`, `.wh..` and `.wh...` would hide the directory itself or its parent: outside the layer at its root.
  if (hidden === '' || hidden === '.' || hidden === '..') {
    throw new LayerEntryError(header.name, 'whiteout of no file name');
  }
  const target = join(where.parent, hidden);
  await removeExisting(target, false);
  await makeNode(target, 'character-device', 0, 0, 0);
  lchownSync(target, header.uid ?? 0, header.gid ?? 0);
}

/**
 * PAX `SCHILY.xattr.<name>` records, as GNU tar and containerd write them (file capabilities, user attributes).
 * overlayfs's own `trusted.overlay.*` attributes are never taken from a layer: they would forge whiteouts and
 * redirects. tar-stream hands PAX values over as UTF-8 text, so they are written back as those bytes, in hex.
 */
async function applyXattrs(path: string, header: TarHeader): Promise<void> {
  for (const [key, value] of Object.entries(header.pax ?? {})) {
    if (!key.startsWith(XATTR_PAX_PREFIX)) continue;
    const name = key.slice(XATTR_PAX_PREFIX.length);
    if (name.startsWith('trusted.overlay.')) continue;
    await setXattr(path, name, `0x${Buffer.from(value, 'utf8').toString('hex')}`);
  }
}

/** Clears the way for a new entry, as tar does: never follows or writes through what was there. */
async function removeExisting(path: string, keepDirectory: boolean): Promise<'kept' | 'cleared'> {
  const stats = await lstatIfExists(path);
  if (stats === undefined) return 'cleared';
  if (stats.isDirectory()) {
    if (keepDirectory) return 'kept';
    rmSync(path, { recursive: true, force: true });
  } else {
    unlinkSync(path);
  }
  return 'cleared';
}

async function writeRegularFile(path: string, entry: TarEntry): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fd = openSync(path, flags, 0o600);
  try {
    for await (const chunk of entry.content) {
      for (let written = 0; written < chunk.byteLength;)
        written += writeSync(fd, chunk, written, chunk.byteLength - written);
    }
    // chown clears the set-id bits, so the mode comes after it
    fchownSync(fd, entry.header.uid ?? 0, entry.header.gid ?? 0);
    fchmodSync(fd, modeOf(entry.header));
    futimesSync(fd, mtimeOf(entry.header), mtimeOf(entry.header));
  } finally {
    closeSync(fd);
  }
}

function modeOf(header: TarHeader): number {
  return (header.mode ?? 0o644) & 0o7777;
}

/** PAX records keep sub-second times that the ustar header rounds away. */
function mtimeOf(header: TarHeader): Date {
  const pax = header.pax?.mtime;
  if (pax !== undefined && Number.isFinite(Number(pax))) return new Date(Number(pax) * 1000);
  return header.mtime ?? new Date(0);
}
