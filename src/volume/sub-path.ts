// subPath mounts (pkg/kubelet/kubelet_pods.go makeMounts, pkg/volume/util/subpath/subpath_linux.go): the path
// inside the volume is created when missing, then resolved; whatever resolves outside the volume is refused,
// with messages that do not tell the container about the node's file system.
import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { isNotFound } from '../util/fs.js';

/** Why a container cannot be created: it waits as CreateContainerConfigError with this message. */
export class SubPathError extends Error {
  override readonly name = 'SubPathError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface SubPathRequest {
  volumePath: string;
  subPath: string;
  mountName: string;
  containerName: string;
}

/**
 * The host path to bind for a subPath, symlinks resolved so that the runtime mounts exactly what was checked.
 * What a container changes later inside the volume cannot redirect this mount.
 */
export async function prepareSubPath(req: SubPathRequest): Promise<string> {
  const { volumePath, subPath, mountName, containerName } = req;
  if (isAbsolute(subPath))
    throw new SubPathError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) {
    throw new SubPathError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  }
  const target = join(volumePath, subPath);
  const base = await realpath(volumePath);
  if (!(await pathExists(target))) {
    const mode = (await stat(volumePath)).mode & 0o7777;
    try {
      await safeMakeDir(base, subPath, mode);
    } catch (err) {
      throw new SubPathError(
        `failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`,
        { cause: err },
      );
    }
  }
  const resolved = await realpath(target).catch(() => undefined);
  if (resolved === undefined || !withinBase(resolved, base)) {
    throw new SubPathError(
      `failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`,
    );
  }
  return resolved;
}

export function withinBase(path: string, base: string): boolean {
  return path === base || path.startsWith(base.endsWith('/') ? base : `${base}/`);
}

/** os.Stat semantics: a dangling symlink does not exist. */
async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );
}

/**
 * SafeMakeDir: the part of the path that exists must resolve inside the volume, and the rest is created one
 * directory at a time without following links.
 */
async function safeMakeDir(base: string, subPath: string, mode: number): Promise<void> {
  const parts = subPath.split('/').filter((p) => p !== '' && p !== '.');
  let current = base;
  let i = 0;
  for (; i < parts.length; i++) {
    const next = join(current, parts[i] ?? '');
    if (!(await pathExists(next))) break;
    current = await realpath(next);
    if (!withinBase(current, base)) throw new Error(`${next} resolves outside of ${base}`);
  }
  for (; i < parts.length; i++) {
    current = join(current, parts[i] ?? '');
    // A dangling link here would make mkdir fail with EEXIST rather than follow it.
    const existing = await lstat(current).catch(() => undefined);
    if (existing) throw new Error(`${current} exists and is not a directory inside the volume`);
    await mkdir(current, { mode });
  }
}
